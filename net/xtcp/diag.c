// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_diag: sock_diag (inet_diag) for IPPROTO_XTCP, as mptcp_diag is for
 * MPTCP and tcp_diag for TCP.
 *
 * SOCK_DIAG_BY_FAMILY requests with sdiag_protocol = IPPROTO_XTCP dump
 * xtcp's sockets (and only xtcp's: the hash tables are shared with native
 * TCP) in every state, TIME_WAIT and SYN_RECV included, with the
 * attributes tcp_diag gives: INET_DIAG_INFO (struct tcp_info from
 * xtcp_get_info(), the filler getsockopt(TCP_INFO) uses), INET_DIAG_CONG,
 * INET_DIAG_MEMINFO/SKMEMINFO, TOS/TCLASS, SHUTDOWN, MARK ..., all from
 * inet_diag's own inet_sk_diag_fill() for full sockets.  Byte-code
 * filters (ss's expressions) apply as for TCP.  SOCK_DESTROY aborts a
 * full socket or drops a request sock, as tcp_abort() does.
 *
 * A separate module because inet_diag is: inet_diag asks for
 * "net-pf-16-proto-4-type-2-253" (and -10-253 for AF_INET6) the first
 * time the protocol is requested, which loads this one when installed.
 */
#include <linux/inet_diag.h>
#include <linux/module.h>
#include <linux/sock_diag.h>
#include <net/inet_connection_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/netlink.h>
#include <net/request_sock.h>
#include <net/tcp.h>

#include <uapi/linux/xtcp.h>

#include "diag.h"
#include "info.h"

static void xtcp_diag_get_info(struct sock *sk, struct inet_diag_msg *r,
			       void *info)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (inet_sk_state_load(sk) == TCP_LISTEN) {
		r->idiag_rqueue = READ_ONCE(sk->sk_ack_backlog);
		r->idiag_wqueue = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		r->idiag_rqueue = max_t(int, READ_ONCE(tp->rcv_nxt) -
					READ_ONCE(tp->copied_seq), 0);
		r->idiag_wqueue = READ_ONCE(tp->write_seq) - tp->snd_una;
	}
	if (info)
		xtcp_get_info(sk, info);
}

/*
 * inet_sk_diag_fill() reports INET_DIAG_CONG only when a
 * tcp_congestion_ops module is attached; xtcp's built-in NewReno has
 * none, so name it here.
 */
static int xtcp_diag_get_aux(struct sock *sk, bool net_admin,
			     struct sk_buff *skb)
{
	if (READ_ONCE(inet_csk(sk)->icsk_ca_ops))
		return 0;
	return nla_put_string(skb, INET_DIAG_CONG, xtcp_ca_name(sk));
}

static size_t xtcp_diag_get_aux_size(struct sock *sk, bool net_admin)
{
	return nla_total_size(TCP_CA_NAME_MAX);
}

static u32 xtcp_diag_expires(unsigned long expires)
{
	long left = (long)(expires - jiffies);

	return left > 0 ? jiffies_to_msecs(left) : 0;
}

/* TIME_WAIT and request socks: the fixed part only (no tcp_info). */
static int xtcp_diag_fill_mini(struct sock *sk, struct sk_buff *skb,
			       struct netlink_callback *cb, u16 flags,
			       bool net_admin)
{
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;
	u32 mark;

	nlh = nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			cb->nlh->nlmsg_type, sizeof(*r), flags);
	if (!nlh)
		return -EMSGSIZE;
	r = nlmsg_data(nlh);
	inet_diag_msg_common_fill(r, sk);
	r->idiag_state = xtcp_sk_report_state(sk);
	r->idiag_rqueue = 0;
	r->idiag_wqueue = 0;
	r->idiag_uid = 0;
	r->idiag_inode = 0;
	if (sk->sk_state == TCP_TIME_WAIT) {
		const struct inet_timewait_sock *tw = inet_twsk(sk);

		r->idiag_timer = 3;
		r->idiag_retrans = 0;
		r->idiag_expires = xtcp_diag_expires(tw->tw_timer.expires);
		mark = tw->tw_mark;
	} else {
		const struct request_sock *req = inet_reqsk(sk);

		r->idiag_timer = 1;
		r->idiag_retrans = req->num_retrans;
		r->idiag_expires = xtcp_diag_expires(req->rsk_timer.expires);
		mark = inet_rsk(req)->ir_mark;
	}
	if (net_admin && nla_put_u32(skb, INET_DIAG_MARK, mark)) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

static int xtcp_diag_fill(struct sock *sk, struct sk_buff *skb,
			  struct netlink_callback *cb,
			  const struct inet_diag_req_v2 *req, u16 flags,
			  bool net_admin)
{
	if (!sk_fullsock(sk))
		return xtcp_diag_fill_mini(sk, skb, cb, flags, net_admin);
	return inet_sk_diag_fill(sk, inet_csk(sk), skb, cb, req, flags,
				 net_admin);
}

struct xtcp_diag_dump {
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
	const struct inet_diag_req_v2	*req;
	const struct nlattr		*bc;
	bool				net_admin;
};

static int xtcp_diag_dump_one_sk(struct sock *sk, void *arg)
{
	struct xtcp_diag_dump *d = arg;
	const struct inet_diag_req_v2 *r = d->req;

	if (!(r->idiag_states & (1 << xtcp_sk_report_state(sk))))
		return 0;
	if (r->sdiag_family != AF_UNSPEC && sk->sk_family != r->sdiag_family)
		return 0;
	if ((r->id.idiag_sport && r->id.idiag_sport != htons(sk->sk_num)) ||
	    (r->id.idiag_dport && r->id.idiag_dport != sk->sk_dport))
		return 0;
	if (!inet_diag_bc_sk(d->bc, sk))
		return 0;
	return xtcp_diag_fill(sk, d->skb, d->cb, r, NLM_F_MULTI, d->net_admin);
}

static void xtcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct inet_diag_req_v2 *r)
{
	struct inet_diag_dump_data *cb_data = cb->data;
	struct xtcp_diag_dump d = {
		.skb		= skb,
		.cb		= cb,
		.req		= r,
		.bc		= cb_data->inet_diag_nla_bc,
		.net_admin	= netlink_net_capable(cb->skb, CAP_NET_ADMIN),
	};
	struct xtcp_walk_pos pos = {
		.phase	= cb->args[0],
		.bucket	= cb->args[1],
		.num	= cb->args[2],
	};

	if (pos.phase < 2)
		xtcp_sk_walk(sock_net(skb->sk), &pos, xtcp_diag_dump_one_sk, &d);
	cb->args[0] = pos.phase;
	cb->args[1] = pos.bucket;
	cb->args[2] = pos.num;
}

/* The socket @req names, if it is xtcp's. */
static struct sock *xtcp_diag_find(struct net *net,
				   const struct inet_diag_req_v2 *req)
{
	struct sock *sk;

	sk = inet_diag_find_one_icsk(net, net->ipv4.tcp_death_row.hashinfo,
				     req);
	if (IS_ERR(sk))
		return sk;
	if (!xtcp_diag_owns(sk)) {
		sock_gen_put(sk);
		return ERR_PTR(-ENOENT);
	}
	return sk;
}

static int xtcp_diag_dump_one(struct netlink_callback *cb,
			      const struct inet_diag_req_v2 *req)
{
	struct sk_buff *in_skb = cb->skb;
	struct net *net = sock_net(in_skb->sk);
	struct sk_buff *rep;
	struct sock *sk;
	int err;

	sk = xtcp_diag_find(net, req);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	rep = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rep) {
		err = -ENOMEM;
		goto out;
	}
	err = xtcp_diag_fill(sk, rep, cb, req, 0,
			     netlink_net_capable(in_skb, CAP_NET_ADMIN));
	if (err < 0) {
		nlmsg_free(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, NETLINK_CB(in_skb).portid);
out:
	sock_gen_put(sk);
	return err;
}

/* As tcp_diag: CAP_NET_ADMIN over the socket's namespace is checked by
 * xtcp_diag_abort(), which has tcp_abort()'s semantics.
 */
static int xtcp_diag_destroy(struct sk_buff *in_skb,
			     const struct inet_diag_req_v2 *req)
{
	struct sock *sk;
	int err;

	sk = xtcp_diag_find(sock_net(in_skb->sk), req);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	err = xtcp_diag_abort(sk, ECONNABORTED);
	sock_gen_put(sk);
	return err;
}

static const struct inet_diag_handler xtcp_diag_handler = {
	.owner			= THIS_MODULE,
	.dump			= xtcp_diag_dump,
	.dump_one		= xtcp_diag_dump_one,
	.idiag_get_info		= xtcp_diag_get_info,
	.idiag_get_aux		= xtcp_diag_get_aux,
	.idiag_get_aux_size	= xtcp_diag_get_aux_size,
	.destroy		= xtcp_diag_destroy,
	.idiag_type		= IPPROTO_XTCP,
	.idiag_info_size	= sizeof(struct tcp_info),
};

static int __init xtcp_diag_init(void)
{
	return inet_diag_register(&xtcp_diag_handler);
}

static void __exit xtcp_diag_exit(void)
{
	inet_diag_unregister(&xtcp_diag_handler);
}

module_init(xtcp_diag_init);
module_exit(xtcp_diag_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtcp: sock_diag (inet_diag) support for IPPROTO_XTCP");
/* inet_diag's request_module(): PF_NETLINK, NETLINK_SOCK_DIAG, family, proto. */
MODULE_ALIAS("net-pf-16-proto-4-type-2-253");
MODULE_ALIAS("net-pf-16-proto-4-type-10-253");
