// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: the generic netlink family "xtcp" (Documentation/netlink/specs/
 * xtcp.yaml; policies and ops in netlink-gen.c, generated from it).
 *
 * Everything acts on the namespace of the requesting socket.
 *
 * Configuration: the knobs are the net.xtcp sysctls, and a knob's value
 * travels in sysctl's text form.  Both directions go through the knob's
 * own proc handler from this namespace's sysctl table, so names, units
 * (seconds, milliseconds, vectors) and range checks cannot drift apart
 * from sysctl's.  config-set first runs every handler on a scratch copy
 * of its value (validation: nothing is written), and only when all
 * knobs passed stores them all, under xtcp_nl_cfg_lock so that two
 * config-set messages never interleave.  A data-path reader may still
 * see the knobs of one message change one after another, as with a
 * series of sysctl writes.
 *
 * Socket dump: diag_walk.c's walk, filtered by family, state, addresses
 * and ports; full sockets carry struct tcp_info from info.c, the same
 * filler getsockopt(TCP_INFO) and sock_diag use.
 *
 * Events: probes on the xtcp:* tracepoints (trace.h) turn state changes,
 * resets and RTOs into notifications to the "events" group, only when
 * the namespace has a listener.  They run in the tracepoint's context
 * (softirq, socket lock held), so they allocate with GFP_ATOMIC and
 * never sleep.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/tcp.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "diag.h"
#include "engine.h"
#include "info.h"
#include "netlink.h"
/* The generated policies and ops, compiled here: the generator makes its
 * multicast group table static and, for a genetlink-legacy spec, leaves
 * the family struct to us.
 */
#include "netlink-gen.c"
#include "proc.h"
#include "protocol.h"
#include "trace.h"

/* Serialises config-set messages against each other. */
static DEFINE_MUTEX(xtcp_nl_cfg_lock);

#define XTCP_NL_VALUE_MAX	256

static struct genl_family xtcp_nl_family = {
	.name		= XTCP_FAMILY_NAME,
	.version	= XTCP_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= xtcp_nl_ops,
	.n_split_ops	= ARRAY_SIZE(xtcp_nl_ops),
	.mcgrps		= xtcp_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(xtcp_nl_mcgrps),
	.resv_start_op	= XTCP_CMD_SOCK_EVENT + 1,
};

/* --- configuration --- */

static const struct ctl_table *xtcp_nl_knobs(struct net *net, int *n)
{
	const struct ctl_table_header *hdr = xtcp_pernet(net)->sysctl_hdr;

	*n = hdr->ctl_table_size;
	return hdr->ctl_table_arg;
}

static const struct ctl_table *xtcp_nl_knob_find(struct net *net,
						 const char *name)
{
	const struct ctl_table *t;
	int i, n;

	t = xtcp_nl_knobs(net, &n);
	for (i = 0; i < n; i++)
		if (!strcmp(t[i].procname, name))
			return &t[i];
	return NULL;
}

/* The knob's value as sysctl prints it, without the newline. */
static int xtcp_nl_knob_read(const struct ctl_table *t, char *buf)
{
	size_t len = XTCP_NL_VALUE_MAX - 1;
	loff_t pos = 0;
	int err;

	err = t->proc_handler(t, 0, buf, &len, &pos);
	if (err)
		return err;
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return 0;
}

static int xtcp_nl_put_knob(struct sk_buff *skb, const struct ctl_table *t,
			    char *buf)
{
	struct nlattr *nest;
	int err;

	err = xtcp_nl_knob_read(t, buf);
	if (err)
		return err;
	nest = nla_nest_start(skb, XTCP_A_CONFIG_KNOB);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, XTCP_A_KNOB_NAME, t->procname) ||
	    nla_put_string(skb, XTCP_A_KNOB_VALUE, buf)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Parse one knob nest of a request: name (and value if @want_value). */
static int xtcp_nl_parse_knob(struct genl_info *info, const struct nlattr *a,
			      bool want_value, const struct ctl_table **t,
			      const char **value)
{
	struct nlattr *tb[XTCP_A_KNOB_MAX + 1];
	int err;

	err = nla_parse_nested(tb, XTCP_A_KNOB_MAX, a, xtcp_knob_nl_policy,
			       info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, a, tb, XTCP_A_KNOB_NAME))
		return -EINVAL;
	*t = xtcp_nl_knob_find(genl_info_net(info),
			       nla_data(tb[XTCP_A_KNOB_NAME]));
	if (!*t) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[XTCP_A_KNOB_NAME],
				    "no such knob in this namespace");
		return -EINVAL;
	}
	if (!want_value)
		return 0;
	if (NL_REQ_ATTR_CHECK(info->extack, a, tb, XTCP_A_KNOB_VALUE))
		return -EINVAL;
	*value = nla_data(tb[XTCP_A_KNOB_VALUE]);
	if (!**value) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[XTCP_A_KNOB_VALUE],
				    "empty value");
		return -EINVAL;
	}
	return 0;
}

int xtcp_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct ctl_table *t;
	struct sk_buff *msg;
	struct nlattr *a;
	void *hdr;
	char *buf;
	int err, rem, i, n;

	buf = kmalloc(XTCP_NL_VALUE_MAX, GFP_KERNEL);
	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!buf || !msg) {
		err = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_iput(msg, info);
	if (!hdr) {
		err = -EMSGSIZE;
		goto out;
	}

	if (info->attrs[XTCP_A_CONFIG_KNOB]) {
		/* Only the knobs named in the request. */
		nlmsg_for_each_attr_type(a, XTCP_A_CONFIG_KNOB, info->nlhdr,
					 GENL_HDRLEN, rem) {
			err = xtcp_nl_parse_knob(info, a, false, &t, NULL);
			if (!err)
				err = xtcp_nl_put_knob(msg, t, buf);
			if (err)
				goto out;
		}
	} else {
		t = xtcp_nl_knobs(genl_info_net(info), &n);
		for (i = 0; i < n; i++) {
			err = xtcp_nl_put_knob(msg, &t[i], buf);
			if (err)
				goto out;
		}
	}
	genlmsg_end(msg, hdr);
	kfree(buf);
	return genlmsg_reply(msg, info);

out:
	nlmsg_free(msg);
	kfree(buf);
	return err;
}

struct xtcp_nl_pending {
	const struct ctl_table	*t;
	void			*val;
};

/* Store a validated value.  Knobs are ints or (tcp_mem) longs; each
 * element is written once, for the data path's READ_ONCE() readers.
 */
static void xtcp_nl_knob_store(struct net *net, const struct ctl_table *t,
			       const void *val)
{
	int i;

	if (t->proc_handler == xtcp_proc_congestion_control) {
		/* Checked a moment ago; only a module unloaded since can
		 * fail, and then the old default stays.
		 */
		xtcp_ca_set_default(net, val, false);
	} else if (t->proc_handler == proc_doulongvec_minmax) {
		for (i = 0; i < t->maxlen / sizeof(long); i++)
			WRITE_ONCE(((long *)t->data)[i], ((const long *)val)[i]);
	} else {
		for (i = 0; i < t->maxlen / sizeof(int); i++)
			WRITE_ONCE(((int *)t->data)[i], ((const int *)val)[i]);
	}
}

/* Validate @value for @t by running its handler on a scratch copy. */
static int xtcp_nl_knob_check(struct net *net, const struct ctl_table *t,
			      const char *value, void **val)
{
	struct ctl_table scratch = *t;
	size_t len = strlen(value);
	loff_t pos = 0;
	char *buf;
	int err;

	/* Not an int vector: the name is checked, and kept for the store. */
	if (t->proc_handler == xtcp_proc_congestion_control) {
		*val = kstrdup(value, GFP_KERNEL);
		if (!*val)
			return -ENOMEM;
		return xtcp_ca_set_default(net, value, true);
	}

	/* Elements a short vector does not name keep their value, as a
	 * sysctl write of fewer numbers does.
	 */
	*val = kmemdup(t->data, t->maxlen, GFP_KERNEL);
	buf = kmemdup(value, len + 1, GFP_KERNEL);
	if (!*val || !buf) {
		kfree(buf);
		return -ENOMEM;
	}
	scratch.data = *val;
	err = t->proc_handler(&scratch, 1, buf, &len, &pos);
	kfree(buf);
	return err;
}

int xtcp_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct xtcp_nl_pending *p;
	const struct ctl_table *t;
	const char *value;
	struct nlattr *a;
	int err = 0, rem, i, n = 0, max;

	if (!info->attrs[XTCP_A_CONFIG_KNOB]) {
		GENL_SET_ERR_MSG(info, "no knob to set");
		return -EINVAL;
	}
	xtcp_nl_knobs(genl_info_net(info), &max);
	p = kcalloc(max, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;

	mutex_lock(&xtcp_nl_cfg_lock);
	nlmsg_for_each_attr_type(a, XTCP_A_CONFIG_KNOB, info->nlhdr,
				 GENL_HDRLEN, rem) {
		err = xtcp_nl_parse_knob(info, a, true, &t, &value);
		if (err)
			goto out;
		for (i = 0; i < n; i++) {
			if (p[i].t == t) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "knob given twice");
				err = -EINVAL;
				goto out;
			}
		}
		if (WARN_ON_ONCE(n == max)) {
			err = -EINVAL;
			goto out;
		}
		p[n].t = t;
		err = xtcp_nl_knob_check(genl_info_net(info), t, value,
					 &p[n].val);
		n++;
		if (err) {
			if (err != -ENOMEM) {
				NL_SET_ERR_MSG_ATTR_FMT(info->extack, a,
							"invalid value for %s",
							t->procname);
				err = -EINVAL;
			}
			goto out;
		}
	}
	/* Every knob is valid: apply them all. */
	for (i = 0; i < n; i++)
		xtcp_nl_knob_store(genl_info_net(info), p[i].t, p[i].val);
out:
	mutex_unlock(&xtcp_nl_cfg_lock);
	for (i = 0; i < n; i++)
		kfree(p[i].val);
	kfree(p);
	return err;
}

/* --- counters --- */

static int xtcp_nl_fill_stats(struct sk_buff *msg, struct net *net)
{
	u64 vals[XTCP_MIB_MAX];
	struct nlattr *nest;
	unsigned int i;

	xtcp_mib_fold(net, vals);
	for (i = 0; i < XTCP_MIB_MAX; i++) {
		nest = nla_nest_start(msg, XTCP_A_STATS_COUNTER);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_string(msg, XTCP_A_COUNTER_NAME, xtcp_mib_name(i)) ||
		    nla_put_u64_64bit(msg, XTCP_A_COUNTER_VALUE, vals[i],
				      XTCP_A_COUNTER_PAD) ||
		    (xtcp_mib_is_ext(i) &&
		     nla_put_flag(msg, XTCP_A_COUNTER_EXT))) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(msg, nest);
	}
	return 0;
}

int xtcp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	err = xtcp_nl_fill_stats(msg, genl_info_net(info));
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return err;
}

/* One message holds every counter; cb->args[0] marks it sent. */
int xtcp_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr;
	int err;

	if (cb->args[0])
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &xtcp_nl_family, NLM_F_MULTI, XTCP_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	err = xtcp_nl_fill_stats(skb, sock_net(skb->sk));
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	cb->args[0] = 1;
	return skb->len;
}

/* --- sockets --- */

/* A socket's addresses and ports, for any kind of xtcp sock. */
static int xtcp_nl_put_addrs(struct sk_buff *msg, const struct sock *sk)
{
	if (nla_put_u8(msg, XTCP_A_SOCK_FAMILY, sk->sk_family) ||
	    nla_put_u16(msg, XTCP_A_SOCK_SPORT, sk->sk_num) ||
	    nla_put_u16(msg, XTCP_A_SOCK_DPORT, ntohs(sk->sk_dport)))
		return -EMSGSIZE;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return nla_put_in6_addr(msg, XTCP_A_SOCK_SADDR,
					&sk->sk_v6_rcv_saddr) ||
		       nla_put_in6_addr(msg, XTCP_A_SOCK_DADDR,
					&sk->sk_v6_daddr) ? -EMSGSIZE : 0;
#endif
	return nla_put_in_addr(msg, XTCP_A_SOCK_SADDR, sk->sk_rcv_saddr) ||
	       nla_put_in_addr(msg, XTCP_A_SOCK_DADDR, sk->sk_daddr) ?
	       -EMSGSIZE : 0;
}

static int xtcp_nl_put_full(struct sk_buff *msg, struct sock *sk,
			    struct user_namespace *user_ns)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_info info;
	u32 rq, wq;

	xtcp_get_info(sk, &info);
	if (info.tcpi_state == TCP_LISTEN) {
		rq = READ_ONCE(sk->sk_ack_backlog);
		wq = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		rq = max_t(int, READ_ONCE(tp->rcv_nxt) -
			   READ_ONCE(tp->copied_seq), 0);
		wq = READ_ONCE(tp->write_seq) - tp->snd_una;
	}
	if (nla_put_u64_64bit(msg, XTCP_A_SOCK_INODE, sock_i_ino(sk),
			      XTCP_A_SOCK_PAD) ||
	    nla_put_u32(msg, XTCP_A_SOCK_UID,
			from_kuid_munged(user_ns, sock_i_uid(sk))) ||
	    nla_put_u32(msg, XTCP_A_SOCK_RQUEUE, rq) ||
	    nla_put_u32(msg, XTCP_A_SOCK_WQUEUE, wq) ||
	    nla_put_u32(msg, XTCP_A_SOCK_CWND, info.tcpi_snd_cwnd) ||
	    nla_put_u32(msg, XTCP_A_SOCK_SSTHRESH, info.tcpi_snd_ssthresh) ||
	    nla_put_u32(msg, XTCP_A_SOCK_RTT, info.tcpi_rtt) ||
	    nla_put_u32(msg, XTCP_A_SOCK_RTTVAR, info.tcpi_rttvar) ||
	    nla_put_u32(msg, XTCP_A_SOCK_RTO, info.tcpi_rto) ||
	    nla_put_u32(msg, XTCP_A_SOCK_RETRANSMITS, info.tcpi_retransmits) ||
	    nla_put_u32(msg, XTCP_A_SOCK_TOTAL_RETRANS,
			info.tcpi_total_retrans) ||
	    nla_put_u32(msg, XTCP_A_SOCK_UNACKED, info.tcpi_unacked) ||
	    nla_put_u32(msg, XTCP_A_SOCK_LOST, info.tcpi_lost) ||
	    nla_put_u32(msg, XTCP_A_SOCK_SACKED, info.tcpi_sacked) ||
	    nla_put_u64_64bit(msg, XTCP_A_SOCK_PACING_RATE,
			      info.tcpi_pacing_rate, XTCP_A_SOCK_PAD) ||
	    nla_put_u64_64bit(msg, XTCP_A_SOCK_DELIVERY_RATE,
			      info.tcpi_delivery_rate, XTCP_A_SOCK_PAD) ||
	    nla_put_string(msg, XTCP_A_SOCK_CA_NAME, xtcp_ca_name(sk)) ||
	    nla_put_u8(msg, XTCP_A_SOCK_CA_STATE, info.tcpi_ca_state) ||
	    nla_put_u8(msg, XTCP_A_SOCK_SND_WSCALE, info.tcpi_snd_wscale) ||
	    nla_put_u8(msg, XTCP_A_SOCK_RCV_WSCALE, info.tcpi_rcv_wscale) ||
	    nla_put_u32(msg, XTCP_A_SOCK_MSS, info.tcpi_snd_mss) ||
	    nla_put_u32(msg, XTCP_A_SOCK_RCV_MSS, info.tcpi_rcv_mss) ||
	    nla_put_u8(msg, XTCP_A_SOCK_OPTIONS, info.tcpi_options) ||
	    nla_put_u64_64bit(msg, XTCP_A_SOCK_BYTES_ACKED,
			      info.tcpi_bytes_acked, XTCP_A_SOCK_PAD) ||
	    nla_put_u64_64bit(msg, XTCP_A_SOCK_BYTES_RECEIVED,
			      info.tcpi_bytes_received, XTCP_A_SOCK_PAD) ||
	    nla_put(msg, XTCP_A_SOCK_INFO, sizeof(info), &info))
		return -EMSGSIZE;
	return 0;
}

static u32 xtcp_nl_timer_ms(unsigned long expires)
{
	long left = (long)(expires - jiffies);

	return left > 0 ? jiffies_to_msecs(left) : 0;
}

struct xtcp_nl_dump {
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
	const struct nlattr		*saddr;
	const struct nlattr		*daddr;
	u32				state_mask;
	u16				sport;
	u16				dport;
	u8				family;
};

/* Does @sk's address match filter attribute @a (4 or 16 bytes)?  An
 * IPv4 filter also matches a v4-mapped IPv6 socket.
 */
static bool xtcp_nl_addr_match(const struct sock *sk, const struct nlattr *a,
			       bool local)
{
	if (!a)
		return true;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		const struct in6_addr *addr = local ? &sk->sk_v6_rcv_saddr :
						      &sk->sk_v6_daddr;

		if (nla_len(a) == 16)
			return ipv6_addr_equal(addr, nla_data(a));
		return ipv6_addr_v4mapped(addr) &&
		       addr->s6_addr32[3] == nla_get_in_addr(a);
	}
#endif
	if (nla_len(a) != 4)
		return false;
	return (local ? sk->sk_rcv_saddr : sk->sk_daddr) == nla_get_in_addr(a);
}

static int xtcp_nl_dump_one(struct sock *sk, void *arg)
{
	struct xtcp_nl_dump *d = arg;
	struct sk_buff *skb = d->skb;
	int state = xtcp_sk_report_state(sk);
	void *hdr;
	int err;

	if (d->family && sk->sk_family != d->family)
		return 0;
	if (d->state_mask && !(d->state_mask & (1U << state)))
		return 0;
	if ((d->sport && sk->sk_num != d->sport) ||
	    (d->dport && ntohs(sk->sk_dport) != d->dport))
		return 0;
	if (!xtcp_nl_addr_match(sk, d->saddr, true) ||
	    !xtcp_nl_addr_match(sk, d->daddr, false))
		return 0;

	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &xtcp_nl_family,
			  NLM_F_MULTI, XTCP_CMD_SOCK_GET);
	if (!hdr)
		return -EMSGSIZE;
	err = -EMSGSIZE;
	if (nla_put_u8(skb, XTCP_A_SOCK_STATE, state) ||
	    xtcp_nl_put_addrs(skb, sk))
		goto cancel;
	if (sk->sk_state == TCP_TIME_WAIT) {
		if (nla_put_u32(skb, XTCP_A_SOCK_TIMER,
				xtcp_nl_timer_ms(inet_twsk(sk)->tw_timer.expires)))
			goto cancel;
	} else if (sk->sk_state == TCP_NEW_SYN_RECV) {
		if (nla_put_u32(skb, XTCP_A_SOCK_TIMER,
				xtcp_nl_timer_ms(inet_reqsk(sk)->rsk_timer.expires)))
			goto cancel;
	} else {
		err = xtcp_nl_put_full(skb, sk,
				       sk_user_ns(NETLINK_CB(d->cb->skb).sk));
		if (err)
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return err;
}

int xtcp_nl_sock_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct xtcp_walk_pos *pos = (struct xtcp_walk_pos *)cb->ctx;
	struct nlattr **tb = info->info.attrs;
	struct xtcp_nl_dump d = { .skb = skb, .cb = cb };
	int err;

	BUILD_BUG_ON(sizeof(*pos) > sizeof(cb->ctx));
	if (tb[XTCP_A_SOCK_FAMILY]) {
		d.family = nla_get_u8(tb[XTCP_A_SOCK_FAMILY]);
		if (d.family != AF_INET && d.family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(cb->extack, tb[XTCP_A_SOCK_FAMILY],
					    "family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	d.saddr = tb[XTCP_A_SOCK_SADDR];
	d.daddr = tb[XTCP_A_SOCK_DADDR];
	if ((d.saddr && nla_len(d.saddr) != 4 && nla_len(d.saddr) != 16) ||
	    (d.daddr && nla_len(d.daddr) != 4 && nla_len(d.daddr) != 16)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, d.saddr ? : d.daddr,
				    "an address is 4 or 16 bytes");
		return -EINVAL;
	}
	if (tb[XTCP_A_SOCK_STATE_MASK])
		d.state_mask = nla_get_u32(tb[XTCP_A_SOCK_STATE_MASK]);
	if (tb[XTCP_A_SOCK_SPORT])
		d.sport = nla_get_u16(tb[XTCP_A_SOCK_SPORT]);
	if (tb[XTCP_A_SOCK_DPORT])
		d.dport = nla_get_u16(tb[XTCP_A_SOCK_DPORT]);

	if (pos->phase == 2)
		return 0;
	err = xtcp_sk_walk(sock_net(skb->sk), pos, xtcp_nl_dump_one, &d);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;	/* more next time */
	return err ? : skb->len;
}

/* --- events --- */

static void xtcp_nl_event(const struct sock *sk, u8 type, int state)
{
	struct net *net = sock_net(sk);
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&xtcp_nl_family, net, XTCP_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &xtcp_nl_family, 0, XTCP_CMD_SOCK_EVENT);
	if (!hdr ||
	    nla_put_u8(msg, XTCP_A_SOCK_EVENT, type) ||
	    nla_put_u8(msg, XTCP_A_SOCK_STATE, state) ||
	    xtcp_nl_put_addrs(msg, sk)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&xtcp_nl_family, net, msg, 0,
				XTCP_NLGRP_EVENTS, GFP_ATOMIC);
}

static void xtcp_nl_ev_state(void *data, const struct sock *sk, int oldstate,
			     int newstate)
{
	if (newstate == TCP_ESTABLISHED)
		xtcp_nl_event(sk, XTCP_EVENT_TYPE_ESTABLISHED, newstate);
	else if (newstate == TCP_CLOSE && oldstate != TCP_CLOSE)
		xtcp_nl_event(sk, XTCP_EVENT_TYPE_CLOSED, newstate);
}

static void xtcp_nl_ev_rcv_reset(void *data, const struct sock *sk)
{
	xtcp_nl_event(sk, XTCP_EVENT_TYPE_RESET, sk->sk_state);
}

static void xtcp_nl_ev_send_reset(void *data, const struct sock *sk,
				  const struct sk_buff *skb)
{
	/* Only a connection's own reset; not RSTs to stray segments. */
	if (sk && sk_fullsock(sk) && !skb)
		xtcp_nl_event(sk, XTCP_EVENT_TYPE_RESET, sk->sk_state);
}

static void xtcp_nl_ev_rto(void *data, const struct sock *sk)
{
	xtcp_nl_event(sk, XTCP_EVENT_TYPE_RTO, sk->sk_state);
}

int xtcp_netlink_init(void)
{
	int err;

	err = genl_register_family(&xtcp_nl_family);
	if (err)
		return err;
	err = register_trace_xtcp_state_change(xtcp_nl_ev_state, NULL);
	if (err)
		goto err_state;
	err = register_trace_xtcp_receive_reset(xtcp_nl_ev_rcv_reset, NULL);
	if (err)
		goto err_rcv;
	err = register_trace_xtcp_send_reset(xtcp_nl_ev_send_reset, NULL);
	if (err)
		goto err_send;
	err = register_trace_xtcp_rto(xtcp_nl_ev_rto, NULL);
	if (err)
		goto err_rto;
	return 0;

err_rto:
	unregister_trace_xtcp_send_reset(xtcp_nl_ev_send_reset, NULL);
err_send:
	unregister_trace_xtcp_receive_reset(xtcp_nl_ev_rcv_reset, NULL);
err_rcv:
	unregister_trace_xtcp_state_change(xtcp_nl_ev_state, NULL);
err_state:
	tracepoint_synchronize_unregister();
	genl_unregister_family(&xtcp_nl_family);
	return err;
}

void xtcp_netlink_exit(void)
{
	unregister_trace_xtcp_rto(xtcp_nl_ev_rto, NULL);
	unregister_trace_xtcp_send_reset(xtcp_nl_ev_send_reset, NULL);
	unregister_trace_xtcp_receive_reset(xtcp_nl_ev_rcv_reset, NULL);
	unregister_trace_xtcp_state_change(xtcp_nl_ev_state, NULL);
	/* No probe may still be running when the family goes. */
	tracepoint_synchronize_unregister();
	genl_unregister_family(&xtcp_nl_family);
}
