// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: socket layer, the system-call side of a connection.
 *
 * struct proto and struct proto_ops behind
 * socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP) (socket6.c builds the
 * AF_INET6 ones from the same pieces), registered the way MPTCP and SMC
 * register theirs: proto_register() for the slabs, then
 * inet_register_protosw() so that inet_create() finds them.
 *
 * Everything on the wire is the engine's (engine.h); this file decides
 * what a system call means for the connection and calls the engine for
 * segments, timers and state changes, with the semantics Linux 6.12
 * gives the same call on a native TCP socket.
 *
 * Port space.  xtcp shares the namespace's TCP hash tables with native
 * TCP: proto.h.hashinfo is NULL, so inet_hash(), inet_unhash(),
 * inet_csk_get_port() and inet_hash_connect() use
 * sock_net(sk)->ipv4.tcp_death_row.hashinfo, exactly as native TCP does.
 * A bind or connect that would give both stacks the same port or
 * 4-tuple then fails with EADDRINUSE in either order, checked by the
 * kernel's own code.  Sockets found there by RCU lookups must stay
 * type-safe, hence SLAB_TYPESAFE_BY_RCU.
 *
 * Memory.  xtcp sockets are charged to xtcp's own pool
 * (net.xtcp.tcp_mem), orphans and sockets counted apart from native TCP,
 * whose counters are not exported.
 *
 * Lifetime.  Each socket holds a reference on this module (sk_alloc()
 * takes one on proto.owner, the socket layer one on proto_ops.owner), so
 * rmmod is refused while any full xtcp socket exists, orphans included.
 * TIME_WAIT minisocks hold none; main.c purges them on unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/ioctls.h>
#include <linux/errno.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/sockios.h>
#include <net/busy_poll.h>
#include <net/inet_common.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "engine.h"
#include "protocol.h"

atomic_long_t xtcp_memory_allocated ____cacheline_aligned_in_smp;
struct percpu_counter xtcp_sockets_allocated ____cacheline_aligned_in_smp;
unsigned long xtcp_memory_pressure __read_mostly;
DEFINE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
DEFINE_PER_CPU(unsigned int, xtcp_orphan_count);

int xtcp_orphan_count_sum(void)
{
	int i, total = 0;

	for_each_possible_cpu(i)
		total += per_cpu(xtcp_orphan_count, i);

	return max(total, 0);
}

/* Same policy as native TCP: remember when pressure started. */
void xtcp_enter_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (READ_ONCE(xtcp_memory_pressure))
		return;
	val = jiffies;
	if (!val)
		val--;
	cmpxchg(&xtcp_memory_pressure, 0, val);
}

void xtcp_leave_memory_pressure(struct sock *sk)
{
	if (READ_ONCE(xtcp_memory_pressure))
		WRITE_ONCE(xtcp_memory_pressure, 0);
}

/*
 * Writable while the unsent part of the write queue is below
 * TCP_NOTSENT_LOWAT (unlimited unless set on the socket).
 */
bool xtcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 lowat = READ_ONCE(tp->notsent_lowat) ? : UINT_MAX;
	u64 notsent = (u32)(READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt));

	return (notsent << wake) < lowat;
}

void xtcp_stream_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !__sk_stream_is_writeable(sk, 1))
		return;

	clear_bit(SOCK_NOSPACE, &sock->flags);

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* --- socket lifetime ------------------------------------------------ */

/*
 * proto.init for both families: the engine's part, then the socket
 * layer's.  inet_create()/inet6_create() run sk_common_release() (and so
 * .destroy) if this fails; it cannot.
 */
int xtcp_sock_init_common(struct sock *sk,
			  const struct inet_connection_sock_af_ops *af_ops)
{
	xtcp_init_sock_engine(sk);

	inet_csk(sk)->icsk_af_ops = af_ops;
	sk->sk_write_space = xtcp_stream_write_space;
	/* Write space is signalled by ACKs, not by sock_wfree(). */
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);

	/* Children made by sk_clone_lock() are counted there, and inherit
	 * the bit with the rest of the socket.
	 */
	sk_sockets_allocated_inc(sk);
	set_bit(XTCP_SK_COUNTED, &xtcp_sk(sk)->flags);
	return 0;
}

static int xtcp_v4_init_sock(struct sock *sk)
{
	return xtcp_sock_init_common(sk, &xtcp_ipv4_af_ops);
}

/*
 * proto.destroy: from inet_csk_destroy_sock() for a connection that is
 * over, or from sk_common_release() for one that never started.
 */
void xtcp_sock_destroy(struct sock *sk)
{
	xtcp_destroy_sock_engine(sk);

	/* Still bound (explicit bind keeps the port past TCP_CLOSE). */
	if (inet_csk(sk)->icsk_bind_hash)
		inet_put_port(sk);

	if (test_and_clear_bit(XTCP_SK_COUNTED, &xtcp_sk(sk)->flags))
		sk_sockets_allocated_dec(sk);
}

/* --- queues ----------------------------------------------------------- */

static void xtcp_wmem_free_skb(struct sock *sk, struct sk_buff *skb)
{
	/* Write-queue skbs may carry the native tsorted anchor in the
	 * union with the destructor; never let __kfree_skb() see it.
	 */
	skb->tcp_tsorted_anchor.next = NULL;
	skb->tcp_tsorted_anchor.prev = NULL;
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	__kfree_skb(skb);
}

/* Free unsent and unacknowledged data (tcp_write_queue_purge()). */
static void xtcp_write_queue_purge(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	struct rb_node *p;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)) != NULL)
		xtcp_wmem_free_skb(sk, skb);

	p = rb_first(&sk->tcp_rtx_queue);
	while (p) {
		skb = rb_to_skb(p);
		p = rb_next(p);
		rb_erase(&skb->rbnode, &sk->tcp_rtx_queue);
		xtcp_wmem_free_skb(sk, skb);
	}

	INIT_LIST_HEAD(&tp->tsorted_sent_queue);
	tp->packets_out = 0;
	tp->retrans_out = 0;
	tp->sacked_out = 0;
	tp->lost_out = 0;
	tp->highest_sack = NULL;
	tp->retransmit_skb_hint = NULL;
	tp->lost_skb_hint = NULL;
	inet_csk(sk)->icsk_backoff = 0;
}

static void xtcp_ofo_queue_purge(struct sock *sk)
{
	struct rb_root *root = &tcp_sk(sk)->out_of_order_queue;
	struct rb_node *p = rb_first(root);

	while (p) {
		struct sk_buff *skb = rb_to_skb(p);

		p = rb_next(p);
		rb_erase(&skb->rbnode, root);
		kfree_skb(skb);
	}
	tcp_sk(sk)->ooo_last_skb = NULL;
}

/* --- active open ------------------------------------------------------ */

/* Whether net.xtcp.tcp_tw_reuse lets this connect reuse the 4-tuple of
 * a TIME_WAIT socket: 1 always, 2 for loopback traffic only (the value
 * is checked against the addresses the connect is about to use, which
 * are the TIME_WAIT socket's).
 */
static bool xtcp_tw_reuse_allowed(const struct sock *sk)
{
	int reuse = READ_ONCE(xtcp_pernet(sock_net(sk))->sysctl_tcp_tw_reuse);

	if (reuse != 2)
		return reuse;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		return ipv6_addr_loopback(&sk->sk_v6_daddr) ||
		       ipv6_addr_loopback(&sk->sk_v6_rcv_saddr);
#endif
	return ipv4_is_loopback(sk->sk_daddr) ||
	       ipv4_is_loopback(sk->sk_rcv_saddr);
}

/*
 * Choose the local port and enter the hash table for a connect:
 * inet_hash_connect() or inet6_hash_connect() as @hash.
 *
 * Those find a free 4-tuple among established and TIME_WAIT sockets of
 * both stacks, but take over a TIME_WAIT 4-tuple (tcp_tw_reuse, and a
 * connect from an explicitly bound port) only for sockets whose
 * sk_protocol is IPPROTO_TCP, and decide with tcp_twsk_unique(): the
 * PAWS-based check of RFC 6191 §2 that the old connection's segments
 * cannot be taken for the new one's.  xtcp's TIME_WAIT minisocks carry
 * that check's state (struct tcp_timewait_sock) with native meaning, and
 * the check sets up write_seq and ts_recent in the tcp_sock at the head
 * of ours.  So when xtcp's own tcp_tw_reuse allows it (or the port was
 * bound, which Linux always allows), the socket presents itself as TCP
 * for the duration of the search.  Nothing else reads sk_protocol then:
 * the socket lock is held, no segment has been sent, and the demux tells
 * the stacks apart by sk_prot.  Limitation: tcp_twsk_unique() applies
 * net.ipv4.tcp_tw_reuse as well, so reuse needs both knobs to allow it.
 */
int xtcp_hash_connect(struct sock *sk,
		      int (*hash)(struct inet_timewait_death_row *dr,
				  struct sock *sk))
{
	struct inet_timewait_death_row *dr =
		&xtcp_pernet(sock_net(sk))->tw_death_row;
	bool as_tcp = inet_sk(sk)->inet_num || xtcp_tw_reuse_allowed(sk);
	int err;

	if (as_tcp)
		sk->sk_protocol = IPPROTO_TCP;
	err = hash(dr, sk);
	if (as_tcp)
		sk->sk_protocol = IPPROTO_XTCP;
	return err;
}

/*
 * proto.connect for AF_INET (and v4-mapped AF_INET6): route, pick the
 * source address and port, enter the hash table in SYN_SENT and let the
 * engine send the SYN.  Called by __inet_stream_connect() with the
 * socket locked; waiting for the handshake is its job.
 */
int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	struct ip_options_rcu *inet_opt;
	__be16 orig_sport, orig_dport;
	__be32 daddr, nexthop;
	struct flowi4 *fl4;
	struct rtable *rt;
	int err;

	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;

	daddr = usin->sin_addr.s_addr;
	nexthop = daddr;
	inet_opt = rcu_dereference_protected(inet->inet_opt,
					     lockdep_sock_is_held(sk));
	if (inet_opt && inet_opt->opt.srr) {
		if (!daddr)
			return -EINVAL;
		nexthop = inet_opt->opt.faddr;
	}

	orig_sport = inet->inet_sport;
	orig_dport = usin->sin_port;
	fl4 = &inet->cork.fl.u.ip4;
	rt = ip_route_connect(fl4, nexthop, inet->inet_saddr,
			      sk->sk_bound_dev_if, IPPROTO_TCP, orig_sport,
			      orig_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		if (err == -ENETUNREACH)
			IP_INC_STATS(net, IPSTATS_MIB_OUTNOROUTES);
		return err;
	}
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}

	if (!inet_opt || !inet_opt->opt.srr)
		daddr = fl4->daddr;

	if (!inet->inet_saddr) {
		err = inet_bhash2_update_saddr(sk, &fl4->saddr, AF_INET);
		if (err) {
			ip_rt_put(rt);
			return err;
		}
	} else {
		sk_rcv_saddr_set(sk, inet->inet_saddr);
	}

	/* A new peer: timestamps and ISN state from an old one go. */
	if (tp->rx_opt.ts_recent_stamp && inet->inet_daddr != daddr) {
		tp->rx_opt.ts_recent = 0;
		tp->rx_opt.ts_recent_stamp = 0;
		WRITE_ONCE(tp->write_seq, 0);
	}

	inet->inet_dport = usin->sin_port;
	sk_daddr_set(sk, daddr);

	inet_csk(sk)->icsk_ext_hdr_len = inet_opt ? inet_opt->opt.optlen : 0;
	tp->rx_opt.mss_clamp = TCP_MSS_DEFAULT;

	/* In SYN_SENT before the port is chosen, with the lock held:
	 * inet_hash_connect() picks the port and hashes the socket.  It
	 * checks established and TIME_WAIT sockets of both stacks.
	 */
	xtcp_set_state(sk, TCP_SYN_SENT);
	err = xtcp_hash_connect(sk, inet_hash_connect);
	if (err)
		goto failure;

	sk_set_txhash(sk);

	rt = ip_route_newports(fl4, rt, orig_sport, orig_dport,
			       inet->inet_sport, inet->inet_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		rt = NULL;
		goto failure;
	}
	tp->tcp_usec_ts = dst_tcp_usec_ts(&rt->dst);
	sk->sk_gso_type = SKB_GSO_TCPV4;
	sk_setup_caps(sk, &rt->dst);
	xtcp_sk_gso_setup(sk, &rt->dst);
	rt = NULL;

	atomic_set(&inet->inet_id, get_random_u16());

	err = xtcp_connect(sk);
	if (err)
		goto failure;

	return 0;

failure:
	/* Unhashes the socket and gives the port back. */
	xtcp_set_state(sk, TCP_CLOSE);
	inet_bhash2_reset_saddr(sk);
	ip_rt_put(rt);
	sk->sk_route_caps = 0;
	inet->inet_dport = 0;
	return err;
}

/* States where the peer believes in the connection. */
static bool xtcp_need_reset(int state)
{
	return (1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
			       TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
			       TCPF_SYN_RECV);
}

/*
 * proto.disconnect (tcp_disconnect()): abort whatever the socket was
 * doing and make it a fresh, unconnected socket that keeps an explicit
 * bind.  Used for connect(AF_UNSPEC), a failed or interrupted connect,
 * shutdown() in SYN_SENT and close() with SO_LINGER {1, 0}.
 */
int xtcp_disconnect(struct sock *sk, int flags)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int old_state = sk->sk_state;
	u32 seq;

	if (old_state != TCP_CLOSE)
		xtcp_set_state(sk, TCP_CLOSE);

	if (old_state == TCP_LISTEN) {
		inet_csk_listen_stop(sk);
	} else if (xtcp_need_reset(old_state) ||
		   (tp->snd_nxt != tp->write_seq &&
		    (1 << old_state) & (TCPF_CLOSING | TCPF_LAST_ACK))) {
		/* The peer must learn the connection is gone. */
		xtcp_send_active_reset(sk, gfp_any());
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	} else if (old_state == TCP_SYN_SENT) {
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}

	inet_csk_clear_xmit_timers(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	WRITE_ONCE(tp->copied_seq, tp->rcv_nxt);
	WRITE_ONCE(tp->urg_data, 0);
	xtcp_write_queue_purge(sk);
	xtcp_ofo_queue_purge(sk);

	inet->inet_dport = 0;
	inet_bhash2_reset_saddr(sk);

	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);

	/* Fresh transmission state; a later connect() to the same peer
	 * must not reuse sequence space this one may have used.
	 */
	seq = tp->write_seq + tp->max_window + 2;
	if (!seq)
		seq = 1;
	WRITE_ONCE(tp->write_seq, seq);
	tp->srtt_us = 0;
	tp->mdev_us = jiffies_to_usecs(TCP_TIMEOUT_INIT);
	tp->rcv_rtt_last_tsecr = 0;
	memset(&tp->rcv_rtt_est, 0, sizeof(tp->rcv_rtt_est));
	icsk->icsk_backoff = 0;
	icsk->icsk_probes_out = 0;
	icsk->icsk_probes_tstamp = 0;
	icsk->icsk_retransmits = 0;
	icsk->icsk_rto = TCP_TIMEOUT_INIT;
	WRITE_ONCE(icsk->icsk_rto_min, TCP_RTO_MIN);
	WRITE_ONCE(icsk->icsk_delack_max, TCP_DELACK_MAX);
	tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
	tcp_snd_cwnd_set(tp, TCP_INIT_CWND);
	tp->snd_cwnd_cnt = 0;
	tp->is_cwnd_limited = 0;
	tp->max_packets_out = 0;
	tp->window_clamp = 0;
	tp->delivered = 0;
	tp->delivered_ce = 0;
	tp->is_sack_reneg = 0;
	tp->undo_marker = 0;
	tp->total_retrans = 0;
	tp->segs_in = 0;
	tp->segs_out = 0;
	tp->data_segs_in = 0;
	tp->data_segs_out = 0;
	tp->bytes_sent = 0;
	tp->bytes_acked = 0;
	tp->bytes_received = 0;
	tp->bytes_retrans = 0;
	tp->dsack_dups = 0;
	tp->reord_seen = 0;
	tp->reordering =
		READ_ONCE(xtcp_pernet(sock_net(sk))->sysctl_tcp_reordering);
	tp->tlp_high_seq = 0;
	tp->frto = 0;
	tp->prior_ssthresh = 0;
	tp->high_seq = 0;
	memset(&tp->rack, 0, sizeof(tp->rack));
	tp->rack.reo_wnd_steps = 1;
	xtcp_ca_disconnect(sk);
	inet_csk_delack_init(sk);
	memset(&tp->rx_opt, 0, sizeof(tp->rx_opt));
	__sk_dst_reset(sk);
	dst_release(unrcu_pointer(xchg(&sk->sk_rx_dst, NULL)));

	if (sk->sk_frag.page) {
		put_page(sk->sk_frag.page);
		sk->sk_frag.page = NULL;
		sk->sk_frag.offset = 0;
	}
	sk_error_report(sk);
	return 0;
}

/* --- port ownership ---------------------------------------------------- */

/*
 * Whether another owner of @sk's local port (full or TIME_WAIT socket) is
 * native TCP's.  Called with @sk bound.
 */
static bool xtcp_port_has_native_owner(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	struct inet_bind_hashbucket *head;
	struct inet_bind2_bucket *tb2;
	struct inet_bind_bucket *tb;
	bool found = false;
	struct sock *sk2;

	head = &hinfo->bhash[inet_bhashfn(net, inet_sk(sk)->inet_num,
					  hinfo->bhash_size)];
	spin_lock_bh(&head->lock);
	tb = inet_csk(sk)->icsk_bind_hash;
	if (!tb)
		goto out;
	hlist_for_each_entry(tb2, &tb->bhash2, bhash_node) {
		sk_for_each_bound(sk2, &tb2->owners) {
			if (sk2 != sk && sk2->sk_prot->owner != THIS_MODULE) {
				found = true;
				goto out;
			}
		}
	}
out:
	spin_unlock_bh(&head->lock);
	return found;
}

/*
 * proto.get_port.  inet_csk_get_port() already refuses every conflict
 * with sockets of either stack, except one: SO_REUSEPORT lets sockets of
 * one user share a port, which across stacks would let native TCP and
 * xtcp both claim the connections to it.  An xtcp socket may not join a
 * port native sockets hold that way.
 */
int xtcp_get_port(struct sock *sk, unsigned short snum)
{
	bool was_bound = inet_csk(sk)->icsk_bind_hash;
	int err;

	err = inet_csk_get_port(sk, snum);
	if (err || !sk->sk_reuseport)
		return err;

	if (xtcp_port_has_native_owner(sk)) {
		if (!was_bound)
			inet_put_port(sk);
		return -EADDRINUSE;
	}
	return 0;
}

/* --- listen ------------------------------------------------------------ */

/*
 * proto_ops.listen.  The socket layer has already clamped @backlog to
 * net.core.somaxconn; a listening socket only takes the new backlog.
 */
int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int old_state;
	int err;

	lock_sock(sk);

	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;

	old_state = sk->sk_state;
	if (!((1 << old_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		goto out;

	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	err = 0;
	if (old_state != TCP_LISTEN)
		err = inet_csk_listen_start(sk);
out:
	release_sock(sk);
	return err;
}

/* --- send ------------------------------------------------------------- */

/* How much to put in one write-queue skb: a GSO super-segment of whole
 * MSS-sized segments, no more than half the peer's largest window.
 */
static int xtcp_sendmsg_size_goal(struct sock *sk, int mss_now)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int goal, segs;

	if (!sk_can_gso(sk))
		return mss_now;

	goal = min_t(int, READ_ONCE(sk->sk_gso_max_size),
		     GSO_LEGACY_MAX_SIZE) - 1 - MAX_TCP_HEADER;
	goal = tcp_bound_to_half_wnd(tp, goal);
	segs = min_t(int, goal / mss_now, READ_ONCE(sk->sk_gso_max_segs));
	return max(segs, 1) * mss_now;
}

static bool xtcp_sendmsg_forced_push(const struct tcp_sock *tp)
{
	return after(tp->write_seq, tp->pushed_seq + (tp->max_window >> 1));
}

static void xtcp_sendmsg_mark_push(struct tcp_sock *tp, struct sk_buff *skb)
{
	XTCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
	tp->pushed_seq = tp->write_seq;
}

static struct sk_buff *xtcp_sendmsg_alloc_skb(struct sock *sk)
{
	struct sk_buff *skb;

	skb = alloc_skb_fclone(MAX_TCP_HEADER, sk->sk_allocation);
	if (unlikely(!skb)) {
		sk->sk_prot->enter_memory_pressure(sk);
		sk_stream_moderate_sndbuf(sk);
		return NULL;
	}
	if (!sk_wmem_schedule(sk, skb->truesize)) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, MAX_TCP_HEADER);
	skb->ip_summed = CHECKSUM_PARTIAL;
	return skb;
}

/* Append an empty skb at write_seq to the write queue. */
static void xtcp_sendmsg_entail(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);

	skb->csum = 0;
	cb->seq = tp->write_seq;
	cb->end_seq = tp->write_seq;
	cb->tcp_flags = TCPHDR_ACK;
	cb->sacked = 0;
	cb->gso_segs = 0;
	__skb_header_release(skb);
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	if (tp->nonagle & TCP_NAGLE_PUSH)
		tp->nonagle &= ~TCP_NAGLE_PUSH;
}

/* Drop an skb entailed by a sendmsg() that then copied nothing. */
static void xtcp_sendmsg_remove_empty(struct sock *sk)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (skb && XTCP_SKB_CB(skb)->seq == XTCP_SKB_CB(skb)->end_seq) {
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_wmem_free_skb(sk, skb);
	}
}

static bool xtcp_sendmsg_can_append(struct sk_buff *skb)
{
	return !(XTCP_SKB_CB(skb)->tcp_flags & (TCPHDR_FIN | TCPHDR_SYN)) &&
	       !skb_zcopy(skb);
}

int xtcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int flags = msg->msg_flags;
	int mss_now, size_goal;
	int process_backlog = 0;
	int copied = 0;
	long timeo;
	int err;

	lock_sock(sk);

	if (flags & MSG_OOB) {
		/* Urgent data is not built yet. */
		err = -EOPNOTSUPP;
		goto out_err;
	}

	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);

	/* Wait for the handshake to finish, as native TCP does. */
	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}

	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);

restart:
	mss_now = xtcp_current_mss(sk);
	size_goal = xtcp_sendmsg_size_goal(sk, mss_now);

	err = -EPIPE;
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		goto do_error;

	while (msg_data_left(msg)) {
		struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
		struct page_frag *pfrag;
		bool merge;
		int copy, i;

		copy = 0;
		if (skb && xtcp_sendmsg_can_append(skb))
			copy = size_goal - skb->len;

		if (copy <= 0) {
new_segment:
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			/*
			 * A long write holds the socket lock while ACKs queue
			 * on the backlog: handle them every 16 new skbs, as
			 * native does, so that the window opens, clones are
			 * released and the ACK clock keeps running.  The
			 * ACKs may change the MSS, so start over.
			 */
			if (unlikely(process_backlog >= 16)) {
				process_backlog = 0;
				if (sk_flush_backlog(sk))
					goto restart;
			}
			skb = xtcp_sendmsg_alloc_skb(sk);
			if (!skb)
				goto wait_for_space;
			process_backlog++;
			xtcp_sendmsg_entail(sk, skb);
			copy = size_goal;
		}

		if (copy > msg_data_left(msg))
			copy = msg_data_left(msg);

		pfrag = sk_page_frag(sk);
		if (!sk_page_frag_refill(sk, pfrag))
			goto wait_for_space;

		i = skb_shinfo(skb)->nr_frags;
		merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
		if (!merge && i >= MAX_SKB_FRAGS) {
			xtcp_sendmsg_mark_push(tp, skb);
			goto new_segment;
		}

		copy = min_t(int, copy, pfrag->size - pfrag->offset);
		if (!sk_wmem_schedule(sk, copy))
			goto wait_for_space;

		err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb,
					       pfrag->page, pfrag->offset,
					       copy);
		if (err)
			goto do_error;

		if (merge) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
		} else {
			skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset,
					   copy);
			page_ref_inc(pfrag->page);
		}
		pfrag->offset += copy;

		WRITE_ONCE(tp->write_seq, tp->write_seq + copy);
		XTCP_SKB_CB(skb)->end_seq += copy;
		copied += copy;

		if (!msg_data_left(msg))
			break;

		if (skb->len < size_goal)
			continue;

		/* A full super-segment: let it go if the windows allow. */
		if (xtcp_sendmsg_forced_push(tp))
			xtcp_sendmsg_mark_push(tp, skb);
		xtcp_push(sk, flags | MSG_MORE, tp->nonagle);
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		xtcp_sendmsg_remove_empty(sk);
		if (copied)
			xtcp_push(sk, flags & ~MSG_MORE, TCP_NAGLE_PUSH);

		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;

		goto restart;
	}

out:
	if (copied) {
		struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

		if (tail && (!(flags & MSG_MORE) || xtcp_sendmsg_forced_push(tp)))
			xtcp_sendmsg_mark_push(tp, tail);
		xtcp_push(sk, flags, tp->nonagle);
	}
	release_sock(sk);
	return copied;

do_error:
	xtcp_sendmsg_remove_empty(sk);
	if (copied)
		goto out;
out_err:
	/* EPIPE (and SIGPIPE unless MSG_NOSIGNAL) once the connection is
	 * gone; a pending error such as ECONNRESET is reported first.
	 */
	err = sk_stream_error(sk, flags, err);
	if (unlikely(tcp_rtx_and_write_queues_empty(sk) && err == -EAGAIN))
		sk->sk_write_space(sk);
	release_sock(sk);
	return err;
}

/* --- receive ---------------------------------------------------------- */

static int xtcp_recvmsg_locked(struct sock *sk, struct msghdr *msg,
			       size_t len, int flags, long *timeo)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0;
	int target;
	int err;

	err = -ENOTCONN;
	if (sk->sk_state == TCP_LISTEN)
		return err;

	/* Urgent data is not built yet: as native TCP with none pending. */
	if (flags & MSG_OOB)
		return -EINVAL;

	seq = &tp->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = tp->copied_seq;
		seq = &peek_seq;
	}

	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	do {
		struct sk_buff *skb, *last;
		u32 offset;
		size_t used;

		last = skb_peek_tail(&sk->sk_receive_queue);
		skb_queue_walk(&sk->sk_receive_queue, skb) {
			last = skb;
			offset = *seq - XTCP_SKB_CB(skb)->seq;
			if (unlikely(XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
				offset--;
			if (offset < skb->len)
				goto found_ok_skb;
			if (XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
				goto found_fin_ok;
			/* Only a peek may see data it already passed. */
			WARN_ONCE(!(flags & MSG_PEEK),
				  "xtcp recvmsg: seq %u skb seq %u len %u\n",
				  *seq, XTCP_SKB_CB(skb)->seq, skb->len);
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;

		if (copied) {
			if (!*timeo || sk->sk_err ||
			    sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!*timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(*timeo);
				break;
			}
		}

		if (copied >= target) {
			/* Enough already: just run the backlog. */
			__sk_flush_backlog(sk);
		} else {
			xtcp_cleanup_rbuf(sk, copied);
			err = sk_wait_data(sk, timeo, last);
			if (err < 0)
				return copied ? : err;
		}
		continue;

found_ok_skb:
		used = skb->len - offset;
		if (len < used)
			used = len;

		/* MSG_TRUNC on a stream socket discards the data. */
		if (!(flags & MSG_TRUNC)) {
			err = skb_copy_datagram_msg(skb, offset, msg, used);
			if (err) {
				if (!copied)
					copied = -EFAULT;
				break;
			}
		}

		WRITE_ONCE(*seq, *seq + used);
		copied += used;
		len -= used;
		xtcp_rcv_space_adjust(sk);

		if (used + offset < skb->len)
			continue;

		if (XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
			goto found_fin_ok;
		if (!(flags & MSG_PEEK))
			sk_eat_skb(sk, skb);
		continue;

found_fin_ok:
		/* The FIN takes one sequence number; read() returns 0. */
		WRITE_ONCE(*seq, *seq + 1);
		if (!(flags & MSG_PEEK))
			sk_eat_skb(sk, skb);
		break;
	} while (len > 0);

	xtcp_cleanup_rbuf(sk, copied);
	return copied;
}

int xtcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		 int flags, int *addr_len)
{
	long timeo;
	int ret;

	if (unlikely(flags & MSG_ERRQUEUE))
		return inet_recv_error(sk, msg, len, addr_len);

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	ret = xtcp_recvmsg_locked(sk, msg, len, flags, &timeo);
	release_sock(sk);
	return ret;
}

/* --- poll -------------------------------------------------------------- */

/*
 * Called without the socket lock, like tcp_poll(): every read is a
 * snapshot, and a change right after it comes with its own wakeup
 * (sk_data_ready, sk_write_space, sk_state_change, sk_error_report).
 */
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);

	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return inet_csk_listen_poll(sk);

	/* EPOLLHUP only when both directions are shut (or never opened). */
	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		int target = sock_rcvlowat(sk, 0, INT_MAX);

		if (tcp_epollin_ready(sk, target) || sk_is_readable(sk))
			mask |= EPOLLIN | EPOLLRDNORM;

		if (!(shutdown & SEND_SHUTDOWN)) {
			if (__sk_stream_is_writeable(sk, 1)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Space freed between the test and the flag
				 * would be missed: test again (pairs with the
				 * barrier on the ACK side).
				 */
				smp_mb__after_atomic();
				if (__sk_stream_is_writeable(sk, 1))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}

	/* Pairs with the write barrier before sk_err is set. */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;

	return mask;
}

/* --- shutdown and close ------------------------------------------------ */

/*
 * The state a close or SHUT_WR moves to (RFC 9293 3.10.4), and whether a
 * FIN must be sent for it.
 */
static bool xtcp_close_state(struct sock *sk)
{
	int next;
	bool fin = false;

	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		next = TCP_FIN_WAIT1;
		fin = true;
		break;
	case TCP_CLOSE_WAIT:
		next = TCP_LAST_ACK;
		fin = true;
		break;
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		/* Our FIN is already queued. */
		next = sk->sk_state;
		break;
	default:
		next = TCP_CLOSE;
		break;
	}

	if (next != sk->sk_state)
		xtcp_set_state(sk, next);
	return fin;
}

/*
 * proto.shutdown, from inet_shutdown(), which has already recorded @how
 * in sk_shutdown, disconnected a SYN_SENT socket and will wake waiters.
 * Only the send side needs the wire: queue a FIN after pending data.
 */
void xtcp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;

	if ((1 << sk->sk_state) &
	    (TCPF_ESTABLISHED | TCPF_SYN_SENT | TCPF_SYN_RECV |
	     TCPF_CLOSE_WAIT)) {
		if (xtcp_close_state(sk))
			xtcp_send_fin(sk);
	}
}

/*
 * proto.close, from inet_release(); @timeout is the SO_LINGER time (0
 * without SO_LINGER, or when the process is exiting).
 *
 *  - a listener stops and its pending children are reset;
 *  - unread data means the application lost some: RST (TCPAbortOnClose);
 *  - SO_LINGER {1, 0}: RST, no TIME_WAIT (TCPAbortOnData);
 *  - otherwise a FIN after the queued data, and with SO_LINGER a wait
 *    for it to be acknowledged.
 * The socket then lives on as an orphan until the engine finishes it;
 * an orphan in FIN_WAIT2 is bounded by net.xtcp.tcp_fin_timeout.
 */
void xtcp_close(struct sock *sk, long timeout)
{
	struct net *net = sock_net(sk);
	int data_was_unread = 0;
	struct sk_buff *skb;
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (sk->sk_state == TCP_LISTEN) {
		xtcp_set_state(sk, TCP_CLOSE);
		inet_csk_listen_stop(sk);
		goto adjudge_to_death;
	}

	while ((skb = __skb_dequeue(&sk->sk_receive_queue)) != NULL) {
		u32 len = XTCP_SKB_CB(skb)->end_seq - XTCP_SKB_CB(skb)->seq;

		if (XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
			len--;
		data_was_unread += len;
		__kfree_skb(skb);
	}

	/* Reset by the peer already: nothing to tell it. */
	if (sk->sk_state == TCP_CLOSE)
		goto adjudge_to_death;

	if (data_was_unread) {
		XTCP_INC_STATS(net, XTCP_MIB_TCPABORTONCLOSE);
		xtcp_set_state(sk, TCP_CLOSE);
		xtcp_send_active_reset(sk, sk->sk_allocation);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		sk->sk_prot->disconnect(sk, 0);
		XTCP_INC_STATS(net, XTCP_MIB_TCPABORTONDATA);
	} else if (xtcp_close_state(sk)) {
		xtcp_send_fin(sk);
	}

	sk_stream_wait_close(sk, timeout);

adjudge_to_death:
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);

	/* Run the backlog, then hold the socket against softirq only: from
	 * here on only the engine's timers and input touch it.
	 */
	release_sock(sk);
	local_bh_disable();
	bh_lock_sock(sk);
	this_cpu_inc(xtcp_orphan_count);

	/* Finished (and destroyed) by the backlog or a softirq already? */
	if (state != TCP_CLOSE && sk->sk_state == TCP_CLOSE)
		goto out;

	if (sk->sk_state == TCP_FIN_WAIT2) {
		struct tcp_sock *tp = tcp_sk(sk);

		if (READ_ONCE(tp->linger2) < 0) {
			xtcp_set_state(sk, TCP_CLOSE);
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			XTCP_INC_STATS(net, XTCP_MIB_TCPABORTONLINGER);
		} else {
			const int tmo = xtcp_fin_time(sk);

			if (tmo > TCP_TIMEWAIT_LEN) {
				xtcp_reset_keepalive_timer(sk,
							   tmo - TCP_TIMEWAIT_LEN);
			} else {
				xtcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
				goto out;
			}
		}
	}

	if (sk->sk_state != TCP_CLOSE) {
		if (xtcp_check_oom(sk, 0)) {
			xtcp_set_state(sk, TCP_CLOSE);
			xtcp_send_active_reset(sk, GFP_ATOMIC);
		} else if (!check_net(net)) {
			/* The namespace is going away: no timers may run. */
			xtcp_set_state(sk, TCP_CLOSE);
		}
	}

	if (sk->sk_state == TCP_CLOSE)
		inet_csk_destroy_sock(sk);

out:
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/* --- ioctl ------------------------------------------------------------- */

/*
 * Through inet_ioctl()/inet6_ioctl() for the commands they do not handle;
 * anything else returns -ENOIOCTLCMD so that the socket layer tries the
 * device ioctls, as for native TCP.
 */
int xtcp_ioctl(struct sock *sk, int cmd, int *karg)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool slow;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		slow = lock_sock_fast(sk);
		*karg = tcp_inq(sk);
		unlock_sock_fast(sk, slow);
		return 0;
	case SIOCATMARK:
		*karg = READ_ONCE(tp->urg_data) &&
			READ_ONCE(tp->urg_seq) == READ_ONCE(tp->copied_seq);
		return 0;
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
			*karg = 0;
		else if (cmd == SIOCOUTQ)
			*karg = READ_ONCE(tp->write_seq) - tp->snd_una;
		else
			*karg = READ_ONCE(tp->write_seq) -
				READ_ONCE(tp->snd_nxt);
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

/* --- registration ------------------------------------------------------ */

static struct proto xtcp_prot = {
	.name			= "XTCP",
	.owner			= THIS_MODULE,
	.close			= xtcp_close,
	.connect		= xtcp_v4_connect,
	.disconnect		= xtcp_disconnect,
	.accept			= inet_csk_accept,
	.ioctl			= xtcp_ioctl,
	.init			= xtcp_v4_init_sock,
	.destroy		= xtcp_sock_destroy,
	.shutdown		= xtcp_shutdown,
	.setsockopt		= xtcp_setsockopt,
	.getsockopt		= xtcp_getsockopt,
	.keepalive		= xtcp_set_keepalive,
	.recvmsg		= xtcp_recvmsg,
	.sendmsg		= xtcp_sendmsg,
	.backlog_rcv		= xtcp_do_rcv,
	.release_cb		= xtcp_release_cb,
	.hash			= inet_hash,
	.unhash			= inet_unhash,
	.get_port		= xtcp_get_port,
	.put_port		= inet_put_port,
	.stream_memory_free	= xtcp_stream_memory_free,
	.enter_memory_pressure	= xtcp_enter_memory_pressure,
	.leave_memory_pressure	= xtcp_leave_memory_pressure,
	.memory_allocated	= &xtcp_memory_allocated,
	.per_cpu_fw_alloc	= &xtcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &xtcp_memory_pressure,
	.sockets_allocated	= &xtcp_sockets_allocated,
	.orphan_count		= &xtcp_orphan_count,
	.sysctl_mem		= xtcp_sysctl_mem,
	/* .sysctl_wmem/.sysctl_rmem: set in xtcp_socket_init() */
	.max_header		= MAX_TCP_HEADER,
	.obj_size		= sizeof(struct xtcp_sock),
	.slab_flags		= SLAB_TYPESAFE_BY_RCU,
	.twsk_prot		= &xtcp_timewait_sock_ops,
	.rsk_prot		= &xtcp_request_sock_ops,
	.h.hashinfo		= NULL,
	.no_autobind		= true,
};

static const struct proto_ops xtcp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= inet_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet_getname,
	.poll		= xtcp_poll,
	.ioctl		= inet_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= xtcp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
};

/* INET_PROTOSW_ICSK: generic IP code may call the icsk callbacks. */
static struct inet_protosw xtcp_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_XTCP,
	.prot		= &xtcp_prot,
	.ops		= &xtcp_stream_ops,
	.flags		= INET_PROTOSW_ICSK,
};

/*
 * The counters first, then in each family the slabs and the protosw
 * entry last: once an entry is registered, socket() can use it at once.
 *
 * Nothing may fail once a protosw entry is registered: a socket created
 * in that window would hold a module reference, yet a module whose init
 * fails is freed regardless.  Hence IPv6, whose registration can fail,
 * goes before inet_register_protosw(), which cannot fail, and this must
 * stay the last step of module init.
 */
int xtcp_socket_init(void)
{
	struct xtcp_pernet *init = xtcp_pernet(&init_net);
	int err;

	err = percpu_counter_init(&xtcp_sockets_allocated, 0, GFP_KERNEL);
	if (err)
		return err;

	/* The floor below which the core never refuses buffer memory
	 * (sk_get_wmem0()/sk_get_rmem0()): init_net's tcp_wmem[0] and
	 * tcp_rmem[0], since struct proto can only name a global here.
	 */
	xtcp_prot.sysctl_wmem = &init->sysctl_tcp_wmem[0];
	xtcp_prot.sysctl_rmem = &init->sysctl_tcp_rmem[0];

	err = proto_register(&xtcp_prot, 1);
	if (err)
		goto err_counter;

	err = xtcp_socket6_init();
	if (err)
		goto err_proto;

	/* Only logs, if IPPROTO_XTCP were a permanent protocol's number. */
	inet_register_protosw(&xtcp_protosw);
	return 0;

err_proto:
	proto_unregister(&xtcp_prot);
err_counter:
	percpu_counter_destroy(&xtcp_sockets_allocated);
	return err;
}

/*
 * Module unload, step one: no new socket can start.  Waits for
 * inet_create()/inet6_create() callers that may have found the entries.
 */
void xtcp_socket_stop(void)
{
	inet_unregister_protosw(&xtcp_protosw);
	xtcp_socket6_stop();
}

/*
 * Step two, when no full socket exists (the module refcount is zero) and
 * TIME_WAIT minisocks are gone: free the slabs.
 */
void xtcp_socket_exit(void)
{
	xtcp_socket6_exit();
	proto_unregister(&xtcp_prot);
	percpu_counter_destroy(&xtcp_sockets_allocated);
}
