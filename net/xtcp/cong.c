// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: congestion control through the kernel's tcp_congestion_ops.
 *
 * Every congestion-window change of an xtcp socket goes through the
 * struct tcp_congestion_ops in icsk->icsk_ca_ops, the same in-tree
 * modules (reno, cubic, ...) native TCP runs, unmodified.  They are
 * handed the socket and read struct tcp_sock (at offset 0 of the xtcp
 * control block, see protocol.h) with native meaning; the engine keeps
 * the fields they read current: snd_cwnd, snd_ssthresh, snd_cwnd_cnt,
 * snd_cwnd_clamp, snd_cwnd_stamp, snd_nxt, snd_una, lsndtime, srtt_us,
 * tcp_mstamp, delivered, lost, is_cwnd_limited/max_packets_out,
 * prior_cwnd/prior_ssthresh.
 *
 * Which algorithm: net.xtcp.tcp_congestion_control, per namespace; while
 * nobody wrote it, the namespace's native default
 * (net.ipv4.tcp_congestion_control, cubic on Debian), as a new native
 * socket gets.  TCP_CONGESTION changes it per socket.
 *
 * Lookup by name: the kernel exports no lookup (tcp_ca_find() and
 * tcp_set_congestion_control() are not exported), so xtcp asks the
 * kernel itself: a short-lived native TCP kernel socket in the same
 * namespace is given TCP_CONGESTION, which runs native's lookup, module
 * autoload and permission checks (CAP_NET_ADMIN for a restricted
 * algorithm), and xtcp takes its own module reference on the result.
 * This costs a socket per setsockopt/sysctl write, never per connection.
 *
 * Not supported yet (refused with EOPNOTSUPP): algorithms with their own
 * cong_control (bbr: needs the delivery-rate sampler), ones that need
 * ECN (dctcp: xtcp does not negotiate ECN yet) and BPF struct_ops.
 *
 * Reference counting, as native: every socket holds a reference on its
 * algorithm's module from proto.init (or child creation) to
 * proto.destroy; the per-namespace default holds one while set.
 *
 * Locking: the icsk_ca_* fields under the socket lock (or
 * bh_lock_sock() in softirq), as native.  xtcp_pernet.ca_default is RCU:
 * readers take the module reference inside rcu_read_lock(); a module's
 * tcp_unregister_congestion_control() waits for them (synchronize_rcu)
 * before the ops can go away.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/sysctl.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine_priv.h"
#include "trace.h"

/* The fallback when the default's module is going away, as native falls
 * back to tcp_reno (not exported): the same exported reno functions.
 * Never registered, so it is invisible to native's lists.
 */
static struct tcp_congestion_ops xtcp_reno_fallback = {
	.ssthresh	= tcp_reno_ssthresh,
	.cong_avoid	= tcp_reno_cong_avoid,
	.undo_cwnd	= tcp_reno_undo_cwnd,
	.owner		= THIS_MODULE,
	.name		= "reno",
};

/* What the engine can drive today (see the header comment). */
static bool xtcp_ca_usable(const struct tcp_congestion_ops *ca)
{
#ifdef BPF_MODULE_OWNER	/* CONFIG_BPF_SYSCALL */
	if (ca->owner == BPF_MODULE_OWNER)
		return false;
#endif
	if (ca->cong_control || (ca->flags & TCP_CONG_NEEDS_ECN))
		return false;
	return ca->cong_avoid && ca->ssthresh && ca->undo_cwnd;
}

static const struct tcp_congestion_ops *xtcp_ca_fallback_get(void)
{
	__module_get(THIS_MODULE);
	return &xtcp_reno_fallback;
}

/* The namespace's default with a module reference held. */
static const struct tcp_congestion_ops *xtcp_ca_default_get(struct net *net)
{
	const struct tcp_congestion_ops *ca;

	rcu_read_lock();
	ca = rcu_dereference(xtcp_pernet(net)->ca_default);
	if (!ca)
		ca = rcu_dereference(net->ipv4.tcp_congestion_control);
	if (ca && (!xtcp_ca_usable(ca) || !try_module_get(ca->owner)))
		ca = NULL;
	rcu_read_unlock();
	return ca ?: xtcp_ca_fallback_get();
}

/*
 * Find @name (autoloading its module if allowed) and return it with a
 * module reference held, or an error: ENOENT unknown, EPERM restricted
 * and the caller lacks CAP_NET_ADMIN, EBUSY module going away,
 * EOPNOTSUPP not drivable by xtcp yet.  May sleep.
 */
static int xtcp_ca_find_get(struct net *net, const char *name,
			    const struct tcp_congestion_ops **out)
{
	const struct tcp_congestion_ops *ca;
	struct socket *sock;
	int err;

	err = sock_create_kern(net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		return err;
	err = sock->ops->setsockopt(sock, SOL_TCP, TCP_CONGESTION,
				    KERNEL_SOCKPTR((char *)name),
				    strlen(name));
	if (!err) {
		lock_sock(sock->sk);
		ca = inet_csk(sock->sk)->icsk_ca_ops;
		if (!xtcp_ca_usable(ca))
			err = -EOPNOTSUPP;
		else if (!try_module_get(ca->owner))
			err = -EBUSY;
		else
			*out = ca;
		release_sock(sock->sk);
	}
	sock_release(sock);
	return err;
}

static void xtcp_ca_put(const struct tcp_congestion_ops *ca)
{
	module_put(ca->owner);
}

/* --- per socket --- */

/* proto.init: the namespace default (tcp_assign_congestion_control()). */
void xtcp_ca_assign(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	WRITE_ONCE(icsk->icsk_ca_ops, xtcp_ca_default_get(sock_net(sk)));
	memset(icsk->icsk_ca_priv, 0, sizeof(icsk->icsk_ca_priv));
	icsk->icsk_ca_initialized = 0;
}

/*
 * A child cloned from a listener carries the listener's icsk_ca_ops and
 * private area without a reference of its own: keep the listener's
 * algorithm if TCP_CONGESTION chose it there, else take the namespace
 * default (tcp_ca_openreq_child()).
 */
void xtcp_ca_openreq_child(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_setsockopt &&
	    try_module_get(icsk->icsk_ca_ops->owner)) {
		memset(icsk->icsk_ca_priv, 0, sizeof(icsk->icsk_ca_priv));
		icsk->icsk_ca_initialized = 0;
	} else {
		xtcp_ca_assign(sk);
	}
	xtcp_set_ca_state(sk, TCP_CA_Open);
}

/* Connection established: tcp_init_congestion_control(). */
void xtcp_ca_init(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	tcp_sk(sk)->prior_ssthresh = 0;
	if (icsk->icsk_ca_ops->init)
		icsk->icsk_ca_ops->init(sk);
	icsk->icsk_ca_initialized = 1;
}

/* proto.destroy: tcp_cleanup_congestion_control(). */
void xtcp_ca_cleanup(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_congestion_ops *ca = icsk->icsk_ca_ops;

	if (!ca)
		return;
	if (ca->release)
		ca->release(sk);
	xtcp_ca_put(ca);
}

/* disconnect(): the next connection starts the algorithm afresh. */
void xtcp_ca_disconnect(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_initialized && icsk->icsk_ca_ops->release)
		icsk->icsk_ca_ops->release(sk);
	memset(icsk->icsk_ca_priv, 0, sizeof(icsk->icsk_ca_priv));
	icsk->icsk_ca_initialized = 0;
	xtcp_set_ca_state(sk, TCP_CA_Open);
}

void xtcp_set_ca_state(struct sock *sk, u8 state)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_state != state)
		trace_xtcp_cong_state(sk, state);
	if (icsk->icsk_ca_ops->set_state)
		icsk->icsk_ca_ops->set_state(sk, state);
	icsk->icsk_ca_state = state;
}

void xtcp_ca_event(struct sock *sk, enum tcp_ca_event event)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_ops->cwnd_event)
		icsk->icsk_ca_ops->cwnd_event(sk, event);
}

void xtcp_ca_in_ack_event(struct sock *sk, u32 flags)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_ops->in_ack_event)
		icsk->icsk_ca_ops->in_ack_event(sk, flags);
}

/* tcp_cong_avoid(): growth is the module's business. */
void xtcp_ca_cong_avoid(struct sock *sk, u32 ack, u32 acked)
{
	inet_csk(sk)->icsk_ca_ops->cong_avoid(sk, ack, acked);
	tcp_sk(sk)->snd_cwnd_stamp = tcp_jiffies32;
}

void xtcp_ca_pkts_acked(struct sock *sk, u32 pkts, long rtt_us,
			u32 delivered_since)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_ops->pkts_acked) {
		struct ack_sample sample = {
			.pkts_acked	= pkts,
			.rtt_us		= rtt_us,
			.in_flight	= tcp_sk(sk)->mss_cache * delivered_since,
		};

		icsk->icsk_ca_ops->pkts_acked(sk, &sample);
	}
}

/*
 * Native tcp_update_pacing_rate(), after every ACK: twice the current
 * rate (cwnd * mss / srtt) in slow start's first half, 1.2 times beyond
 * (tcp_pacing_ss_ratio, tcp_pacing_ca_ratio, percent).  sch_fq paces
 * by it, and congestion modules read it: cubic's HyStart ACK-train
 * threshold grows with the time 4 GSO bursts take at this rate, so an
 * unset (unlimited) rate would end slow start after a few dozen
 * segments on a low-RTT path.  Written locklessly, read by fq.
 */
void xtcp_update_pacing_rate(struct sock *sk)
{
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 cwnd = tcp_snd_cwnd(tp);
	u64 rate;

	/* mss * 8 * USEC_PER_SEC / 100: srtt_us is in 1/8 us, ratio in %. */
	rate = (u64)tp->mss_cache * ((USEC_PER_SEC / 100) << 3);
	if (cwnd < tp->snd_ssthresh / 2)
		rate *= READ_ONCE(pn->sysctl_tcp_pacing_ss_ratio);
	else
		rate *= READ_ONCE(pn->sysctl_tcp_pacing_ca_ratio);
	rate *= max(cwnd, tp->packets_out);
	if (likely(tp->srtt_us))
		rate = div64_u64(rate, tp->srtt_us);
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}

/* tcp_current_ssthresh(): what to come back to after a reduction. */
u32 xtcp_current_ssthresh(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if ((1 << inet_csk(sk)->icsk_ca_state) & (TCPF_CA_CWR | TCPF_CA_Recovery))
		return tp->snd_ssthresh;
	return max(tp->snd_ssthresh,
		   (tcp_snd_cwnd(tp) >> 1) + (tcp_snd_cwnd(tp) >> 2));
}

/* --- TCP_CONGESTION --- */

int xtcp_setsockopt_congestion(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_congestion_ops *ca, *old;
	char name[TCP_CA_NAME_MAX];
	long len;
	int err;

	if (optlen < 1)
		return -EINVAL;
	len = strncpy_from_sockptr(name, optval,
				   min_t(long, TCP_CA_NAME_MAX - 1, optlen));
	if (len < 0)
		return -EFAULT;
	name[len] = 0;

	lock_sock(sk);
	if (!strcmp(name, icsk->icsk_ca_ops->name)) {
		/* Asking for the current one: allowed, remembered. */
		icsk->icsk_ca_setsockopt = 1;
		release_sock(sk);
		return 0;
	}
	release_sock(sk);

	/* Outside our lock: the lookup locks a native socket. */
	err = xtcp_ca_find_get(sock_net(sk), name, &ca);
	if (err)
		return err;

	lock_sock(sk);
	if (icsk->icsk_ca_dst_locked) {
		release_sock(sk);
		xtcp_ca_put(ca);
		return -EPERM;
	}
	/* tcp_reinit_congestion_control() */
	old = icsk->icsk_ca_ops;
	if (old->release)
		old->release(sk);
	WRITE_ONCE(icsk->icsk_ca_ops, ca);
	icsk->icsk_ca_setsockopt = 1;
	memset(icsk->icsk_ca_priv, 0, sizeof(icsk->icsk_ca_priv));
	icsk->icsk_ca_initialized = 0;
	if (!((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		xtcp_ca_init(sk);
	release_sock(sk);
	xtcp_ca_put(old);
	return 0;
}

int xtcp_getsockopt_congestion(struct sock *sk, char __user *optval,
			       int __user *optlen)
{
	const struct tcp_congestion_ops *ca;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	len = min_t(unsigned int, len, TCP_CA_NAME_MAX);
	if (put_user(len, optlen))
		return -EFAULT;
	/* The ops cannot go away: the socket holds a module reference. */
	ca = READ_ONCE(inet_csk(sk)->icsk_ca_ops);
	if (copy_to_user(optval, ca->name, len))
		return -EFAULT;
	return 0;
}

/* --- net.xtcp.tcp_congestion_control --- */

/*
 * Make @name @net's default for new xtcp sockets (the sysctl write and
 * netlink config-set); @dry_run only checks that it could.  A module not
 * marked TCP_CONG_NON_RESTRICTED is for the initial namespace only, as
 * native tcp_set_default_congestion_control().
 */
int xtcp_ca_set_default(struct net *net, const char *name, bool dry_run)
{
	const struct tcp_congestion_ops *ca, *prev;
	const struct tcp_congestion_ops __rcu **slot;
	int ret;

	ret = xtcp_ca_find_get(net, name, &ca);
	if (ret)
		return ret;
	if (!net_eq(net, &init_net) && !(ca->flags & TCP_CONG_NON_RESTRICTED)) {
		xtcp_ca_put(ca);
		return -EPERM;
	}
	if (dry_run) {
		xtcp_ca_put(ca);
		return 0;
	}
	slot = &xtcp_pernet(net)->ca_default;
	prev = unrcu_pointer(xchg(slot, RCU_INITIALIZER(ca)));
	if (prev)
		xtcp_ca_put(prev);
	return 0;
}

/*
 * The sysctl handler.  .data points at the namespace's
 * xtcp_pernet.ca_default (ctrl.c moves the template's pointer into each
 * namespace's copy), which also names the namespace.
 */
int xtcp_proc_congestion_control(const struct ctl_table *ctl, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	const struct tcp_congestion_ops __rcu **slot = ctl->data;
	/* The namespace whose table this is, not the caller's (a file
	 * opened before setns(), or netlink from another namespace).
	 */
	struct net *net = container_of(slot, struct xtcp_pernet,
				       ca_default)->net;
	const struct tcp_congestion_ops *ca;
	char val[TCP_CA_NAME_MAX];
	struct ctl_table tbl = {
		.data = val,
		.maxlen = TCP_CA_NAME_MAX,
	};
	int ret;

	rcu_read_lock();
	ca = rcu_dereference(*slot);
	if (!ca)
		ca = rcu_dereference(net->ipv4.tcp_congestion_control);
	strscpy(val, ca ? ca->name : xtcp_reno_fallback.name, sizeof(val));
	rcu_read_unlock();

	ret = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;
	return xtcp_ca_set_default(net, val, false);
}

/* Namespace exit (and module unload): drop the default's reference. */
void xtcp_ca_net_exit(struct net *net)
{
	const struct tcp_congestion_ops *prev;

	prev = unrcu_pointer(xchg(&xtcp_pernet(net)->ca_default, NULL));
	if (prev)
		xtcp_ca_put(prev);
}
