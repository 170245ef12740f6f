// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: segment reception and the RFC 9293 state machine.
 *
 * demux.c hands every segment for an xtcp socket (full, request or
 * TIME_WAIT) to xtcp_v4_rcv()/xtcp_v6_rcv().  They validate the header
 * and checksum, move the IP control block out of the way, fill
 * XTCP_SKB_CB and strip the TCP header (skb->data is the payload from
 * then on; tcp_hdr() still finds the header).  Listeners are handled
 * without the socket lock (the request-sock machinery is lockless, as
 * native TCP's is); other full sockets under bh_lock_sock(), or through
 * the backlog when the owner holds the socket lock.
 *
 * Segment processing follows RFC 9293 section 3.10.7 with the checks
 * native Linux adds: PAWS (RFC 7323), RFC 5961 challenge ACKs for
 * in-window RST and SYN, and old-ACK detection.
 *
 * The receive queue: skbs whose data is [seq, seq + len) (seq may lie
 * before copied_seq when a retransmission overlapped what was already
 * queued; readers skip copied_seq - seq bytes), with a FIN right after
 * the data when XTCP_SKB_CB(skb)->tcp_flags has TCPHDR_FIN.  A FIN
 * without data is queued as a zero-length skb.
 */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/xfrm.h>

#include "engine_priv.h"
#include "sack.h"
#include "seq.h"
#include "trace.h"

bool xtcp_owns(const struct sock *sk)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);

	return prot && prot->owner == THIS_MODULE;
}

/* --- state changes --- */

void xtcp_set_state(struct sock *sk, int state)
{
	int old = sk->sk_state;

	if (state == TCP_CLOSE) {
		if (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT)
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ESTABRESETS);
		sk->sk_prot->unhash(sk);
		if (inet_csk(sk)->icsk_bind_hash &&
		    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			inet_put_port(sk);
	}
	trace_xtcp_state_change(sk, old, state);
	inet_sk_set_state(sk, state);
}

void xtcp_done(struct sock *sk)
{
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);
	xtcp_set_state(sk, TCP_CLOSE);
	inet_csk_clear_xmit_timers(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		inet_csk_destroy_sock(sk);
}

void xtcp_done_with_error(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	smp_wmb(); /* sk_err before the state change is seen */
	xtcp_purge_queues(sk);
	xtcp_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}

/* A valid RST arrived. */
void xtcp_reset(struct sock *sk)
{
	int err;

	trace_xtcp_receive_reset(sk);
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		err = EPIPE;
		break;
	case TCP_CLOSE:
		return;
	default:
		err = ECONNRESET;
	}
	xtcp_done_with_error(sk, err);
}

/* --- socket lifetime --- */

void xtcp_init_sock_engine(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	tp->out_of_order_queue = RB_ROOT;
	sk->tcp_rtx_queue = RB_ROOT;
	INIT_LIST_HEAD(&tp->tsq_node);
	INIT_LIST_HEAD(&tp->tsorted_sent_queue);
	xtcp_init_xmit_timers(sk);

	icsk->icsk_rto = XTCP_TIMEOUT_INIT;
	icsk->icsk_rto_min = XTCP_RTO_MIN;
	icsk->icsk_delack_max = XTCP_DELACK_MAX;
	icsk->icsk_sync_mss = xtcp_sync_mss;
	icsk->icsk_af_ops = &xtcp_ipv4_af_ops;
	sk->sk_gso_type = SKB_GSO_TCPV4;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		icsk->icsk_af_ops = &xtcp_ipv6_af_ops;
		sk->sk_gso_type = SKB_GSO_TCPV6;
	}
#endif
	tp->mdev_us = jiffies_to_usecs(XTCP_TIMEOUT_INIT);
	minmax_reset(&tp->rtt_min, tcp_jiffies32, ~0U);
	xtcp_init_cwnd(sk);
	tp->app_limited = ~0U;
	tp->rate_app_limited = 1;
	tp->reordering = READ_ONCE(pn->sysctl_tcp_reordering);
	tp->mss_cache = TCP_MSS_DEFAULT;
	tp->rx_opt.mss_clamp = TCP_MSS_DEFAULT;
	tp->scaling_ratio = TCP_DEFAULT_SCALING_RATIO;
	tp->tsoffset = 0;
	tp->rack.reo_wnd_steps = 1;
	xtcp_ca_assign(sk);

	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(pn->sysctl_tcp_wmem[1]) ?: 16384);
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(pn->sysctl_tcp_rmem[1]) ?: 131072);
}

void xtcp_destroy_sock_engine(struct sock *sk)
{
	inet_csk_clear_xmit_timers(sk);
	xtcp_purge_queues(sk);
	if (inet_csk(sk)->icsk_bind_hash)
		inet_put_port(sk);
	xtcp_ca_cleanup(sk);
}

/* --- receive helpers --- */

bool xtcp_check_csum(struct sk_buff *skb, int family)
{
	__sum16 err;

#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6)
		err = skb_checksum_init(skb, IPPROTO_TCP, ip6_compute_pseudo);
	else
#endif
		err = skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo);
	if (err)
		return false;
	if (!skb_csum_unnecessary(skb) && __skb_checksum_complete(skb))
		return false;
	return true;
}

void xtcp_fill_cb(struct sk_buff *skb, const struct tcphdr *th)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + th->syn + th->fin + skb->len - th->doff * 4;
	cb->ack_seq = ntohl(th->ack_seq);
	cb->tcp_flags = tcp_flag_byte(th);
	cb->sacked = 0;
	cb->gso_segs = 0;
	cb->tx_stamp_us = 0;
}

void xtcp_enter_quickack(struct sock *sk, unsigned int cnt)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int quick;

	quick = tp->rcv_wnd / (2 * max_t(u32, icsk->icsk_ack.rcv_mss, 1));
	quick = clamp(quick, 2U, cnt);
	if (quick > icsk->icsk_ack.quick)
		icsk->icsk_ack.quick = quick;
	inet_csk_exit_pingpong_mode(sk);
	icsk->icsk_ack.ato = XTCP_ATO_MIN;
}

/*
 * The receiver's own RTT estimate (native tcp_rcv_rtt_update(), "DRS"),
 * in 1/8 us like srtt_us.  A connection that only receives has no RTT
 * sample after its handshake's, and autotuning must size the buffer for
 * what arrives in a round trip as it is now, queues included.
 * Timestamp samples are smoothed with gain 1/8; window samples (@win:
 * how long one offered window took to arrive) include sender stalls, so
 * they only ever lower the estimate.
 */
static void xtcp_rcv_rtt_update(struct tcp_sock *tp, u32 sample_us, bool win)
{
	u32 est = tp->rcv_rtt_est.rtt_us;
	long m = sample_us;

	if (!est) {
		est = m << 3;
	} else if (!win) {
		m -= est >> 3;
		est += m;
	} else if ((m << 3) < est) {
		est = m << 3;
	}
	tp->rcv_rtt_est.rtt_us = est;
}

/* Native tcp_rcv_rtt_measure(): once the window offered at the last
 * sample has been filled, the time it took is a (generous) RTT.
 */
static void xtcp_rcv_rtt_measure(struct tcp_sock *tp)
{
	if (tp->rcv_rtt_est.time) {
		u32 delta;

		if (before(tp->rcv_nxt, tp->rcv_rtt_est.seq))
			return;
		delta = tcp_stamp_us_delta(tp->tcp_mstamp,
					   tp->rcv_rtt_est.time);
		xtcp_rcv_rtt_update(tp, max_t(u32, delta, 1), true);
	}
	tp->rcv_rtt_est.seq = tp->rcv_nxt + tp->rcv_wnd;
	tp->rcv_rtt_est.time = tp->tcp_mstamp;
}

/* Native tcp_rcv_rtt_measure_ts(): a full-sized segment echoing a TSval
 * not seen echoed before; now minus that TSval is a round trip.
 */
static void xtcp_rcv_rtt_measure_ts(struct sock *sk, const struct sk_buff *skb,
				    const struct xtcp_rx_options *opt)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 delta;

	if (!tp->rx_opt.tstamp_ok || !opt->saw_tstamp || !opt->tsecr ||
	    opt->tsecr == tp->rcv_rtt_last_tsecr)
		return;
	tp->rcv_rtt_last_tsecr = opt->tsecr;
	if (cb->end_seq - cb->seq < inet_csk(sk)->icsk_ack.rcv_mss)
		return;
	delta = xtcp_ts_now(tp) - opt->tsecr;
	if (delta < INT_MAX / USEC_PER_MSEC)
		xtcp_rcv_rtt_update(tp, delta * USEC_PER_MSEC, false);
}

/* Receive-side bookkeeping for a data segment (native
 * tcp_event_data_recv()): RTT, MSS estimate and delayed-ACK timeout.
 */
static void xtcp_event_data_recv(struct sock *sk, struct sk_buff *skb)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int seg = skb_shinfo(skb)->gso_size ?: skb->len;
	u32 now = tcp_jiffies32;

	xtcp_rcv_rtt_measure(tp);

	/* scaling_ratio stays at its default (half the buffer offered as
	 * window).  Native learns it from one skb when the segment size
	 * changes (tcp_measure_rcv_mss()); tried here, one skb with a
	 * large truesize (a clone, a page-backed frame) left the window at
	 * a few segments for the rest of the connection, and xtcp has no
	 * tcp_collapse() to win the memory back.
	 */
	if (seg > icsk->icsk_ack.rcv_mss)
		icsk->icsk_ack.rcv_mss = min_t(unsigned int, seg, tp->advmss);
	inet_csk_schedule_ack(sk);

	if (!icsk->icsk_ack.ato) {
		/* First data: quick ACKs to open the peer's cwnd. */
		xtcp_enter_quickack(sk, TCP_MAX_QUICKACKS);
	} else {
		int m = now - icsk->icsk_ack.lrcvtime;

		if (m <= XTCP_ATO_MIN / 2) {
			icsk->icsk_ack.ato = (icsk->icsk_ack.ato >> 1) +
					     XTCP_ATO_MIN / 2;
		} else if (m < icsk->icsk_ack.ato) {
			icsk->icsk_ack.ato = (icsk->icsk_ack.ato >> 1) + m;
			if (icsk->icsk_ack.ato > icsk->icsk_rto)
				icsk->icsk_ack.ato = icsk->icsk_rto;
		} else if (m > icsk->icsk_rto) {
			xtcp_enter_quickack(sk, TCP_MAX_QUICKACKS);
		}
	}
	icsk->icsk_ack.lrcvtime = now;
}

static void xtcp_ack_snd_check(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (!inet_csk_ack_scheduled(sk))
		return;
	if ((tp->rcv_nxt - tp->rcv_wup) > icsk->icsk_ack.rcv_mss ||
	    (icsk->icsk_ack.quick && !inet_csk_in_pingpong_mode(sk)) ||
	    (icsk->icsk_ack.pending & ICSK_ACK_NOW) ||
	    !RB_EMPTY_ROOT(&tp->out_of_order_queue)) {
		xtcp_send_ack(sk);
		return;
	}
	xtcp_send_delayed_ack(sk);
}

/* Charge @skb to the receive buffer, making room from the out-of-order
 * queue if needed.
 */
static bool xtcp_rmem_schedule(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (atomic_read(&sk->sk_rmem_alloc) <= sk->sk_rcvbuf &&
	    sk_rmem_schedule(sk, skb, skb->truesize))
		return true;
	if (!RB_EMPTY_ROOT(&tp->out_of_order_queue)) {
		xtcp_rbtree_purge(&tp->out_of_order_queue);
		tp->rx_opt.num_sacks = 0;
		sk_mem_reclaim(sk);
		if (atomic_read(&sk->sk_rmem_alloc) <= sk->sk_rcvbuf &&
		    sk_rmem_schedule(sk, skb, skb->truesize))
			return true;
	}
	return false;
}

static void xtcp_fin(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	inet_csk_schedule_ack(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		xtcp_set_state(sk, TCP_CLOSE_WAIT);
		inet_csk_enter_pingpong_mode(sk);
		break;
	case TCP_FIN_WAIT1:
		/* Simultaneous close. */
		xtcp_send_ack(sk);
		xtcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		xtcp_send_ack(sk);
		xtcp_rbtree_purge(&tp->out_of_order_queue);
		tp->rx_opt.num_sacks = 0;
		xtcp_time_wait(sk, TCP_TIME_WAIT, 0);
		return;
	default:
		break;
	}
	xtcp_rbtree_purge(&tp->out_of_order_queue);
	tp->rx_opt.num_sacks = 0;
	sk_mem_reclaim(sk);

	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/*
 * Merge @from into @to when it continues it (native tcp_try_coalesce()):
 * fewer skbs, and a truesize closer to the payload, so the window we
 * offer from tcp_space() is not eaten by per-skb overhead.  @from may be
 * ours already (owned, from the out-of-order queue: freeing it returns
 * its truesize) or not yet (nothing charged: only @to's growth is).
 */
static bool xtcp_try_coalesce(struct sock *sk, struct sk_buff *to,
			      struct sk_buff *from, bool *fragstolen)
{
	int delta;

	*fragstolen = false;
	if (!from->len || XTCP_SKB_CB(from)->seq != XTCP_SKB_CB(to)->end_seq ||
	    (XTCP_SKB_CB(to)->tcp_flags & TCPHDR_FIN))
		return false;
	if (!skb_try_coalesce(to, from, fragstolen, &delta))
		return false;
	atomic_add(delta, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, delta);
	XTCP_SKB_CB(to)->end_seq = XTCP_SKB_CB(from)->end_seq;
	XTCP_SKB_CB(to)->tcp_flags |= XTCP_SKB_CB(from)->tcp_flags;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPRCVCOALESCE);
	return true;
}

/* Append to the receive queue, merging into the tail when contiguous. */
static bool xtcp_queue_rcv(struct sock *sk, struct sk_buff *skb, bool owned)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	bool fragstolen;

	if (tail && xtcp_try_coalesce(sk, tail, skb, &fragstolen)) {
		kfree_skb_partial(skb, fragstolen);
		return true;
	}
	if (!owned)
		skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	return false;
}

/* The SACK blocks we send (RFC 2018): the out-of-order queue as
 * ranges, the one holding @newest first, in tp->selective_acks[] and
 * tp->rx_opt.num_sacks as native TCP keeps them.
 */
static void xtcp_update_sack_blocks(struct sock *sk, u32 newest)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sack_block blocks[XTCP_MAX_SACK_BLOCKS + 1];
	struct tcp_sack_block prev[XTCP_MAX_SACK_BLOCKS];
	bool used[XTCP_MAX_SACK_BLOCKS + 1] = {};
	int n = 0, first = -1, nprev, i, j;
	struct sk_buff *skb;

	nprev = min_t(int, tp->rx_opt.num_sacks, XTCP_MAX_SACK_BLOCKS);
	memcpy(prev, tp->selective_acks, nprev * sizeof(prev[0]));
	tp->rx_opt.num_sacks = 0;
	if (!tp->rx_opt.sack_ok)
		return;
	skb_rbtree_walk(skb, &tp->out_of_order_queue) {
		u32 seq = XTCP_SKB_CB(skb)->seq;
		u32 end = XTCP_SKB_CB(skb)->end_seq;

		if (n && !after(seq, blocks[n - 1].end_seq)) {
			if (after(end, blocks[n - 1].end_seq))
				blocks[n - 1].end_seq = end;
		} else {
			if (n == ARRAY_SIZE(blocks))
				break;
			blocks[n].start_seq = seq;
			blocks[n].end_seq = end;
			n++;
		}
		if (first < 0 && !before(newest, seq) && before(newest, end))
			first = n - 1;
	}
	if (!n)
		return;
	if (first < 0)
		first = 0;

	/* RFC 2018 4: the block holding the newest segment first, then the
	 * blocks reported most recently, in the order they were reported
	 * (each now possibly grown by merges), then any others.
	 */
	tp->selective_acks[tp->rx_opt.num_sacks++] = blocks[first];
	used[first] = true;
	for (j = 0; j < nprev; j++) {
		for (i = 0; i < n; i++) {
			if (used[i] ||
			    before(prev[j].start_seq, blocks[i].start_seq) ||
			    after(prev[j].end_seq, blocks[i].end_seq))
				continue;
			if (tp->rx_opt.num_sacks < XTCP_MAX_SACK_BLOCKS)
				tp->selective_acks[tp->rx_opt.num_sacks++] =
					blocks[i];
			used[i] = true;
			break;
		}
	}
	for (i = 0; i < n && tp->rx_opt.num_sacks < XTCP_MAX_SACK_BLOCKS; i++)
		if (!used[i])
			tp->selective_acks[tp->rx_opt.num_sacks++] = blocks[i];
}

/* RFC 2883 4: report [seq, end_seq)'s part at or below rcv_nxt as a
 * D-SACK in the next ACK (net.xtcp.tcp_dsack).
 */
static void xtcp_dsack_set(struct sock *sk, u32 seq, u32 end_seq)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_sack_block b;

	if (!tp->rx_opt.sack_ok ||
	    !READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_dsack))
		return;
	if (!xtcp_dsack_block(seq, end_seq, tp->rcv_nxt, &b))
		return;
	tp->duplicate_sack[0].start_seq = b.start;
	tp->duplicate_sack[0].end_seq = b.end;
	tp->rx_opt.dsack = 1;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPDSACKOLDSENT);
}

/* A duplicate of out-of-order data: the whole segment is the D-SACK. */
static void xtcp_dsack_ofo(struct sock *sk, u32 seq, u32 end_seq)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->rx_opt.sack_ok ||
	    !READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_dsack))
		return;
	tp->duplicate_sack[0].start_seq = seq;
	tp->duplicate_sack[0].end_seq = end_seq;
	tp->rx_opt.dsack = 1;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPDSACKOFOSENT);
}

/* Move what became in-order from the out-of-order queue. */
static void xtcp_ofo_queue(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct rb_node *p;
	bool fin = false;

	while ((p = rb_first(&tp->out_of_order_queue))) {
		struct sk_buff *skb = rb_to_skb(p);

		if (after(XTCP_SKB_CB(skb)->seq, tp->rcv_nxt))
			break;
		rb_erase(p, &tp->out_of_order_queue);
		if (!after(XTCP_SKB_CB(skb)->end_seq, tp->rcv_nxt)) {
			kfree_skb(skb);
			continue;
		}
		tp->rcv_nxt = XTCP_SKB_CB(skb)->end_seq;
		fin = XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN;
		xtcp_queue_rcv(sk, skb, true);
		if (fin) {
			xtcp_fin(sk);
			break;
		}
	}
}

static void xtcp_data_queue_ofo(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct rb_root *root = &tp->out_of_order_queue;
	u32 seq = XTCP_SKB_CB(skb)->seq;
	u32 end_seq = XTCP_SKB_CB(skb)->end_seq;
	struct rb_node **p = &root->rb_node, *parent = NULL;
	struct sk_buff *skb1;
	bool fragstolen;

	if (!xtcp_rmem_schedule(sk, skb)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPOFODROP);
		kfree_skb(skb);
		return;
	}
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPOFOQUEUE);
	tp->rcv_ooopack += max_t(u16, 1, skb_shinfo(skb)->gso_segs);

	/* The common case after a hole: the segment continues the last
	 * queued run (native's ooo_last_skb fast path).
	 */
	skb1 = skb_rb_last(root);
	if (skb1 && xtcp_try_coalesce(sk, skb1, skb, &fragstolen)) {
		kfree_skb_partial(skb, fragstolen);
		return;
	}

	while (*p) {
		parent = *p;
		skb1 = rb_to_skb(parent);
		if (before(seq, XTCP_SKB_CB(skb1)->seq)) {
			p = &parent->rb_left;
			continue;
		}
		if (before(seq, XTCP_SKB_CB(skb1)->end_seq)) {
			if (!after(end_seq, XTCP_SKB_CB(skb1)->end_seq)) {
				/* All of it is queued already: D-SACK. */
				XTCP_INC_STATS(sock_net(sk),
					       XTCP_MIB_TCPOFOMERGE);
				xtcp_dsack_ofo(sk, seq, end_seq);
				kfree_skb(skb);
				return;
			}
			if (seq == XTCP_SKB_CB(skb1)->seq) {
				/* It covers skb1: take its place. */
				XTCP_INC_STATS(sock_net(sk),
					       XTCP_MIB_TCPOFOMERGE);
				rb_replace_node(&skb1->rbnode, &skb->rbnode,
						root);
				kfree_skb(skb1);
				goto merge_right;
			}
		}
		p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, root);

merge_right:
	/* Drop later skbs that this one covers entirely. */
	while ((skb1 = skb_rb_next(skb))) {
		if (!after(end_seq, XTCP_SKB_CB(skb1)->seq))
			break;
		if (before(end_seq, XTCP_SKB_CB(skb1)->end_seq))
			break;
		rb_erase(&skb1->rbnode, root);
		kfree_skb(skb1);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPOFOMERGE);
	}
	skb_set_owner_r(skb, sk);
}

/* Native tcp_data_queue().  Returns true if @skb was consumed. */
static bool xtcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 newest;
	bool fin;

	if (cb->tcp_flags & TCPHDR_SYN) {
		cb->seq++;
		cb->tcp_flags &= ~TCPHDR_SYN;
	}
	if (cb->seq == cb->end_seq)
		return false;
	skb_dst_drop(skb);
	fin = cb->tcp_flags & TCPHDR_FIN;

	if (!before(cb->seq, tp->rcv_nxt) && cb->seq == tp->rcv_nxt) {
		if (!xtcp_receive_window(tp) && !(fin && !skb->len)) {
			XTCP_INC_STATS(sock_net(sk),
				       XTCP_MIB_TCPZEROWINDOWDROP);
			xtcp_enter_quickack(sk, TCP_MAX_QUICKACKS);
			inet_csk_schedule_ack(sk);
			return false;
		}
queue:
		if (!xtcp_rmem_schedule(sk, skb)) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPRCVQDROP);
			inet_csk_schedule_ack(sk);
			return false;
		}
		tp->bytes_received += cb->end_seq - tp->rcv_nxt - fin;
		WRITE_ONCE(tp->rcv_nxt, cb->end_seq);
		if (skb->len)
			xtcp_event_data_recv(sk, skb);
		xtcp_queue_rcv(sk, skb, false);
		if (fin) {
			xtcp_fin(sk);
		} else if (!RB_EMPTY_ROOT(&tp->out_of_order_queue)) {
			xtcp_ofo_queue(sk);
			/* A hole was filled: ACK at once (RFC 5681 4.2). */
			if (RB_EMPTY_ROOT(&tp->out_of_order_queue))
				inet_csk(sk)->icsk_ack.pending |= ICSK_ACK_NOW;
			xtcp_update_sack_blocks(sk, tp->selective_acks[0].start_seq);
		}
		if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_data_ready(sk);
		return true;
	}

	if (!after(cb->end_seq, tp->rcv_nxt)) {
		/* A retransmission of what we have: ACK it at once, with a
		 * D-SACK for it (RFC 2883 4).
		 */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DELAYEDACKLOST);
		xtcp_dsack_set(sk, cb->seq, cb->end_seq);
		xtcp_enter_quickack(sk, TCP_MAX_QUICKACKS);
		inet_csk_schedule_ack(sk);
		inet_csk(sk)->icsk_ack.pending |= ICSK_ACK_NOW;
		return false;
	}

	if (!before(cb->seq, tp->rcv_nxt + xtcp_receive_window(tp))) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTOFWINDOW);
		xtcp_enter_quickack(sk, TCP_MAX_QUICKACKS);
		inet_csk_schedule_ack(sk);
		return false;
	}

	if (before(cb->seq, tp->rcv_nxt)) {
		/* Partly new: queue it, readers skip the old part. */
		xtcp_dsack_set(sk, cb->seq, cb->end_seq);
		if (!xtcp_receive_window(tp)) {
			XTCP_INC_STATS(sock_net(sk),
				       XTCP_MIB_TCPZEROWINDOWDROP);
			return false;
		}
		goto queue;
	}

	newest = cb->seq;	/* @skb may be freed as a duplicate */
	xtcp_data_queue_ofo(sk, skb);
	xtcp_update_sack_blocks(sk, newest);
	inet_csk_schedule_ack(sk);
	return true;
}

/* --- options, PAWS, sequence checks --- */

/*
 * PAWS (RFC 7323 5.3 R1) as Linux applies it (tcp_paws_discard()): a
 * TSval up to one tick behind TS.Recent passes (TCP_PAWS_WINDOW), and
 * so does a reordered duplicate ACK that changes nothing
 * (xtcp_disordered_ack()).  RSTs are not judged here: the caller
 * accepts them whatever their timestamp (RFC 7323 5.3 does not apply
 * PAWS to RST, which needs only the exact sequence check of RFC 5961).
 */
static bool xtcp_paws_ok_now(const struct tcp_sock *tp, u32 tsval, u32 win)
{
	return xtcp_paws_ok(tsval, tp->rx_opt.ts_recent,
			    tp->rx_opt.ts_recent_stamp, ktime_get_seconds(),
			    win, TCP_PAWS_WRAP);
}

/* Native tcp_may_update_window(): would this ACK move SND.WND? */
static bool xtcp_may_update_window(const struct tcp_sock *tp, u32 ack,
				   u32 ack_seq, u32 nwin)
{
	return after(ack, tp->snd_una) || after(ack_seq, tp->snd_wl1) ||
	       (ack_seq == tp->snd_wl1 && (nwin > tp->snd_wnd || !nwin));
}

/*
 * A pure duplicate ACK, in sequence, that updates nothing, whose TSval
 * lags by no more than the TSval increments one RTO may hold (a peer's
 * clock is at most 1200 Hz, as Linux's tcp_tsval_replay() assumes):
 * PAWS would only drop harmless information (fast-retransmit
 * counting), so it passes, as in Linux's tcp_disordered_ack().
 */
static bool xtcp_disordered_ack(const struct sock *sk,
				const struct sk_buff *skb,
				const struct xtcp_rx_options *opt)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 nwin = (u32)ntohs(th->window) << tp->rx_opt.snd_wscale;

	return (cb->tcp_flags & TCPHDR_ACK) && cb->seq == cb->end_seq &&
	       cb->seq == tp->rcv_nxt && cb->ack_seq == tp->snd_una &&
	       !xtcp_may_update_window(tp, cb->ack_seq, cb->seq, nwin) &&
	       (s32)(tp->rx_opt.ts_recent - opt->tsval) <=
	       (s32)(inet_csk(sk)->icsk_rto * 1200 / HZ);
}

static bool xtcp_paws_discard(const struct sock *sk,
			      const struct sk_buff *skb,
			      const struct xtcp_rx_options *opt)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (!opt->saw_tstamp || !tp->rx_opt.ts_recent_stamp)
		return false;
	return !xtcp_paws_ok_now(tp, opt->tsval, TCP_PAWS_WINDOW) &&
	       !xtcp_disordered_ack(sk, skb, opt);
}

/*
 * RFC 7323 4.3 (2): TS.Recent takes the TSval of an acceptable segment
 * that covers Last.ACK.sent (our rcv_wup), if it is not older.  Called
 * once the segment's ACK is known to be acceptable (native
 * tcp_replace_ts_recent() from tcp_ack()): a SYN answered with a
 * challenge, or an ACK of data never sent, must not move it.
 */
void xtcp_store_ts_recent(struct tcp_sock *tp,
			  const struct xtcp_rx_options *opt, u32 seq)
{
	if (!tp->rx_opt.tstamp_ok || !opt->saw_tstamp ||
	    after(seq, tp->rcv_wup))
		return;
	if (!tp->rx_opt.ts_recent_stamp ||
	    xtcp_paws_ok_now(tp, opt->tsval, 0)) {
		tp->rx_opt.ts_recent = opt->tsval;
		tp->rx_opt.ts_recent_stamp = ktime_get_seconds();
	}
}

/* Native tcp_sequence(): overlaps what we can take, or a duplicate we
 * must re-ACK.
 */
static bool xtcp_sequence_ok(const struct tcp_sock *tp, u32 seq, u32 end_seq)
{
	if (before(end_seq, tp->rcv_wup))
		return false;
	if (after(seq, tp->rcv_nxt + xtcp_receive_window(tp)))
		return false;
	return true;
}

/* Options the peer's SYN or SYN-ACK settles (RFC 7323, RFC 2018). */
static void xtcp_apply_syn_options(struct sock *sk,
				   const struct xtcp_rx_options *opt)
{
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (opt->wscale_ok && READ_ONCE(pn->sysctl_tcp_window_scaling)) {
		tp->rx_opt.wscale_ok = 1;
		tp->rx_opt.snd_wscale = opt->wscale;
	} else {
		tp->rx_opt.wscale_ok = 0;
		tp->rx_opt.snd_wscale = 0;
		tp->rx_opt.rcv_wscale = 0;
		tp->window_clamp = min(tp->window_clamp, 65535U);
	}
	tp->rx_opt.sack_ok = opt->sack_ok && READ_ONCE(pn->sysctl_tcp_sack) ?
			     TCP_SACK_SEEN : 0;
	if (opt->saw_tstamp && READ_ONCE(pn->sysctl_tcp_timestamps)) {
		tp->rx_opt.tstamp_ok = 1;
		tp->rx_opt.ts_recent = opt->tsval;
		tp->rx_opt.ts_recent_stamp = ktime_get_seconds();
		tp->tcp_header_len = sizeof(struct tcphdr) +
				     TCPOLEN_TSTAMP_ALIGNED;
	} else {
		tp->rx_opt.tstamp_ok = 0;
		tp->tcp_header_len = sizeof(struct tcphdr);
	}
	if (opt->mss) {
		u16 mss = opt->mss;

		if (tp->rx_opt.user_mss && tp->rx_opt.user_mss < mss)
			mss = tp->rx_opt.user_mss;
		tp->rx_opt.mss_clamp = mss;
	} else {
		tp->rx_opt.mss_clamp = TCP_MSS_DEFAULT;
	}
}

/* Connection established (either way): buffers and timers. */
static void xtcp_finish_connect(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	xtcp_set_state(sk, TCP_ESTABLISHED);
	xtcp_sk(sk)->fack = tp->snd_una;
	icsk->icsk_ack.lrcvtime = tcp_jiffies32;
	tp->lsndtime = tcp_jiffies32;
	tp->rcv_tstamp = tcp_jiffies32;
	tp->rcvq_space.space = min_t(u32, tp->rcv_wnd, TCP_INIT_CWND * tp->advmss);
	tp->rcvq_space.seq = tp->copied_seq;
	tp->rcvq_space.time = tp->tcp_mstamp;
	if (!icsk->icsk_ack.rcv_mss)
		icsk->icsk_ack.rcv_mss = min_t(unsigned int, tp->advmss,
					       tp->mss_cache);
	xtcp_sndbuf_expand(sk);
	if (sock_flag(sk, SOCK_KEEPOPEN))
		inet_csk_reset_keepalive_timer(sk, xtcp_keepalive_time_when(sk));
	if (tp->srtt_us)
		xtcp_set_rto(sk);
	else
		icsk->icsk_rto = XTCP_TIMEOUT_INIT;
	xtcp_ca_init(sk);
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void xtcp_rcv_synsent(struct sock *sk, struct sk_buff *skb,
			     const struct xtcp_rx_options *opt)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u8 flags = cb->tcp_flags;

	if (flags & TCPHDR_ACK) {
		if (!after(cb->ack_seq, tp->snd_una) ||
		    after(cb->ack_seq, tp->snd_nxt)) {
			/* Old duplicate SYN-ACK or bogus ACK. */
			xtcp_send_reset_reply(sock_net(sk), skb, sk);
			goto discard;
		}
		if (flags & TCPHDR_RST) {
			xtcp_reset(sk);
			goto discard;
		}
		if (!(flags & TCPHDR_SYN))
			goto discard;

		tp->rcv_nxt = cb->seq + 1;
		tp->rcv_wup = tp->rcv_nxt;
		WRITE_ONCE(tp->copied_seq, tp->rcv_nxt);
		xtcp_apply_syn_options(sk, opt);
		tp->snd_wl1 = cb->seq - 1;
		xtcp_ack(sk, skb, opt);
		xtcp_mtup_init(sk);	/* the peer's MSS is known now */
		xtcp_sync_mss(sk, inet_csk(sk)->icsk_pmtu_cookie);
		xtcp_finish_connect(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		xtcp_send_ack(sk);
		xtcp_data_snd_check(sk);
		goto discard;
	}

	if (flags & TCPHDR_RST)
		goto discard;

	if (flags & TCPHDR_SYN) {
		/* Simultaneous open: SYN_RECV, answer with SYN-ACK. */
		xtcp_set_state(sk, TCP_SYN_RECV);
		tp->rcv_nxt = cb->seq + 1;
		tp->rcv_wup = tp->rcv_nxt;
		WRITE_ONCE(tp->copied_seq, tp->rcv_nxt);
		xtcp_apply_syn_options(sk, opt);
		tp->snd_wl1 = cb->seq;
		tp->snd_wnd = ntohs(th->window);
		tp->max_window = max(tp->max_window, tp->snd_wnd);
		xtcp_sync_mss(sk, inet_csk(sk)->icsk_pmtu_cookie);
		xtcp_send_synack_full(sk);
	}
discard:
	kfree_skb(skb);
}

/*
 * Rate-limit the answer to an unacceptable segment (RFC 5961 10, ACK
 * loops) only when it is a pure ACK or a SYN: data is no part of such a
 * loop, and a sender that retransmitted needlessly needs the D-SACK of
 * every one (native tcp_oow_rate_limited()).
 */
static bool xtcp_oow_limited(struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->seq != cb->end_seq && !(cb->tcp_flags & TCPHDR_SYN))
		return false;
	return xtcp_oow_rate_limited(sock_net(sk),
				     &tcp_sk(sk)->last_oow_ack_time);
}

/*
 * The answer to a segment dropped by PAWS or the sequence check (native
 * tcp_send_dupack()): data we had already is reported as a D-SACK (RFC
 * 2883 4), so that the sender can undo a spurious retransmission.
 */
static void xtcp_send_dupack(struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);

	if (cb->end_seq != cb->seq && before(cb->seq, tp->rcv_nxt)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DELAYEDACKLOST);
		xtcp_enter_quickack(sk, TCP_MAX_QUICKACKS);
		xtcp_dsack_set(sk, cb->seq, after(cb->end_seq, tp->rcv_nxt) ?
			       tp->rcv_nxt : cb->end_seq);
	}
	xtcp_send_ack(sk);
}

/* The state machine for every state but LISTEN.  Consumes @skb. */
void xtcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_rx_options opt;
	u8 flags = cb->tcp_flags;
	int ret;

	if (xtcp_parse_options((const u8 *)(th + 1),
			       th->doff * 4 - sizeof(*th),
			       flags & TCPHDR_SYN, &opt) != XTCP_OPT_OK) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_BADOPTIONS);
		goto discard;
	}
	xtcp_mstamp_refresh(tp);
	tp->segs_in++;
	if (skb->len)
		tp->data_segs_in++;

	switch (sk->sk_state) {
	case TCP_CLOSE:
		goto reset;
	case TCP_LISTEN:
		goto discard;
	case TCP_SYN_SENT:
		xtcp_rcv_synsent(sk, skb, &opt);
		return;
	}

	/* RFC 7323 5.3 R1: PAWS first.  An RST goes on to the sequence
	 * checks whatever its timestamp; a SYN draws a challenge ACK as
	 * any SYN would (native tcp_validate_incoming()).
	 */
	if (tp->rx_opt.tstamp_ok && !(flags & TCPHDR_RST) &&
	    xtcp_paws_discard(sk, skb, &opt)) {
		if (flags & TCPHDR_SYN)
			goto syn_challenge;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PAWSESTABREJECTED);
		if (!xtcp_oow_limited(sk, skb))
			xtcp_send_dupack(sk, skb);
		else
			XTCP_INC_STATS(sock_net(sk),
				       XTCP_MIB_TCPACKSKIPPEDPAWS);
		goto discard;
	}

	if (!xtcp_sequence_ok(tp, cb->seq, cb->end_seq)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTOFWINDOW);
		if (!(flags & TCPHDR_RST)) {
			if (flags & TCPHDR_SYN)
				goto syn_challenge;
			if (!xtcp_oow_limited(sk, skb))
				xtcp_send_dupack(sk, skb);
			else
				XTCP_INC_STATS(sock_net(sk),
					       XTCP_MIB_TCPACKSKIPPEDSEQ);
		}
		goto discard;
	}

	/* RFC 5961 3: only an exact match resets; in-window draws a
	 * challenge ACK.
	 */
	if (flags & TCPHDR_RST) {
		if (cb->seq == tp->rcv_nxt)
			xtcp_reset(sk);
		else
			xtcp_send_challenge_ack(sk);
		goto discard;
	}

	/* RFC 5961 4: a SYN in a synchronized state. */
	if (flags & TCPHDR_SYN) {
		if (sk->sk_state == TCP_SYN_RECV && (flags & TCPHDR_ACK) &&
		    cb->seq + 1 == cb->end_seq && cb->seq + 1 == tp->rcv_nxt &&
		    cb->ack_seq == tp->snd_nxt)
			goto pass;	/* simultaneous open's SYN-ACK */
syn_challenge:
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPSYNCHALLENGE);
		xtcp_send_challenge_ack(sk);
		goto discard;
	}
pass:
	if (!(flags & TCPHDR_ACK))
		goto discard;

	if (sk->sk_state == TCP_SYN_RECV &&
	    (before(cb->ack_seq, tp->snd_nxt) ||
	     after(cb->ack_seq, tp->snd_nxt)))
		goto reset;

	ret = xtcp_ack(sk, skb, &opt);
	if (ret < 0) {
		if (sk->sk_state == TCP_SYN_RECV)
			goto reset;
		xtcp_send_challenge_ack(sk);
		goto discard;
	}

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
		tp->snd_wnd = ntohs(th->window) << tp->rx_opt.snd_wscale;
		tp->max_window = max(tp->max_window, tp->snd_wnd);
		tp->snd_wl1 = cb->seq;
		xtcp_sync_mss(sk, inet_csk(sk)->icsk_pmtu_cookie);
		xtcp_finish_connect(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			if (sk->sk_socket)
				sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		break;
	case TCP_FIN_WAIT1:
		if (tp->snd_una != tp->write_seq)
			break;
		xtcp_set_state(sk, TCP_FIN_WAIT2);
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			break;
		}
		if (READ_ONCE(tp->linger2) < 0) {
			xtcp_done(sk);
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPABORTONDATA);
			goto reset;
		}
		if (cb->end_seq != cb->seq &&
		    after(cb->end_seq - !!(flags & TCPHDR_FIN), tp->rcv_nxt)) {
			/* Data after close(): nobody will read it. */
			xtcp_done(sk);
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPABORTONDATA);
			goto reset;
		} else {
			int tmo = xtcp_fin_time(sk);

			if (tmo > XTCP_TIMEWAIT_LEN) {
				tmo -= XTCP_TIMEWAIT_LEN;
				inet_csk_reset_keepalive_timer(sk, tmo);
			} else if ((flags & TCPHDR_FIN) ||
				   sock_owned_by_user(sk)) {
				inet_csk_reset_keepalive_timer(sk, tmo);
			} else {
				xtcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
				goto discard;
			}
		}
		break;
	case TCP_CLOSING:
		if (tp->snd_una == tp->write_seq) {
			xtcp_time_wait(sk, TCP_TIME_WAIT, 0);
			goto discard;
		}
		break;
	case TCP_LAST_ACK:
		if (tp->snd_una == tp->write_seq) {
			xtcp_done(sk);
			goto discard;
		}
		break;
	}

	/* Urgent data is not supported yet: the urgent pointer is
	 * ignored and the byte stays in the stream (SO_OOBINLINE).
	 */
	switch (sk->sk_state) {
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		if (!before(cb->seq, tp->rcv_nxt))
			break;
		fallthrough;
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		if ((sk->sk_shutdown & RCV_SHUTDOWN) &&
		    cb->end_seq != cb->seq &&
		    after(cb->end_seq - !!(flags & TCPHDR_FIN), tp->rcv_nxt)) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPABORTONDATA);
			xtcp_reset(sk);
			goto reset;
		}
		fallthrough;
	case TCP_ESTABLISHED:
		xtcp_rcv_rtt_measure_ts(sk, skb, &opt);
		if (xtcp_data_queue(sk, skb))
			skb = NULL;
		break;
	}

	if (sk->sk_state != TCP_CLOSE) {
		xtcp_data_snd_check(sk);
		xtcp_ack_snd_check(sk);
	}
	if (skb)
		kfree_skb(skb);
	return;

reset:
	xtcp_send_reset_reply(sock_net(sk), skb, sk);
discard:
	kfree_skb(skb);
}

/* --- entry points --- */

static void xtcp_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	u8 flags = XTCP_SKB_CB(skb)->tcp_flags;

	if (flags & TCPHDR_RST)
		goto discard;
	if (flags & TCPHDR_ACK) {
		/* The ACK of a cookie SYN-ACK (listen.c)? */
		if (!(flags & TCPHDR_SYN) && xtcp_cookie_rcv(sk, skb))
			return;
		xtcp_send_reset_reply(sock_net(sk), skb, sk);
		goto discard;
	}
	if (!(flags & TCPHDR_SYN) || (flags & TCPHDR_FIN))
		goto discard;
	xtcp_conn_request(sk, skb, 0);
discard:
	kfree_skb(skb);
}

int xtcp_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_state == TCP_LISTEN)
		xtcp_listen_rcv(sk, skb);
	else
		xtcp_rcv_state_process(sk, skb);
	return 0;
}

/* Header and checksum checks, control block; strips the TCP header. */
static int xtcp_rx_prepare(struct sk_buff *skb, int family)
{
	const struct tcphdr *th;

	if (skb->pkt_type != PACKET_HOST)
		return -EINVAL;
	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		return -EINVAL;
	th = tcp_hdr(skb);
	if (th->doff < sizeof(struct tcphdr) / 4)
		return -EBADMSG;
	if (!pskb_may_pull(skb, th->doff * 4))
		return -EINVAL;
	if (!xtcp_check_csum(skb, family))
		return -EILSEQ;
	th = tcp_hdr(skb);

	/* The IP layer's control block moves out of XTCP_SKB_CB's way. */
#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6)
		memmove(&XTCP_SKB_CB(skb)->header.h6, IP6CB(skb),
			sizeof(struct inet6_skb_parm));
	else
#endif
		memmove(&XTCP_SKB_CB(skb)->header.h4, IPCB(skb),
			sizeof(struct inet_skb_parm));
	barrier();
	xtcp_fill_cb(skb, th);
	__skb_pull(skb, th->doff * 4);
	return 0;
}

/* How much the backlog may hold while the owner has the socket (native
 * tcp_add_backlog()).  sk_add_backlog() compares it with sk_backlog.len
 * plus sk_rmem_alloc, and __release_sock() zeroes sk_backlog.len only
 * once the whole backlog has run, so while a slow reader drains it both
 * can legitimately approach sk_rcvbuf: segments inside the window we
 * offered must not be dropped for that.
 */
static u32 xtcp_backlog_limit(const struct sock *sk)
{
	u64 limit = (u64)READ_ONCE(sk->sk_rcvbuf) << 1;

	limit += (u32)READ_ONCE(sk->sk_sndbuf) >> 1;
	limit += 64 * 1024;
	return min_t(u64, limit, UINT_MAX);
}

static int xtcp_rcv(struct sk_buff *skb, struct sock *sk, int family)
{
	struct net *net = dev_net(skb->dev);
	int err;

	err = xtcp_rx_prepare(skb, family);
	if (err) {
		if (err == -EILSEQ)
			XTCP_INC_STATS(net, XTCP_MIB_CSUMERRORS);
		if (err != -EINVAL)
			XTCP_INC_STATS(net, XTCP_MIB_INERRS);
		sock_gen_put(sk);
		kfree_skb(skb);
		return 0;
	}
	XTCP_INC_STATS(net, XTCP_MIB_INSEGS);

	if (sk->sk_state == TCP_TIME_WAIT)
		return xtcp_tw_rcv(skb, inet_twsk(sk));
	if (sk->sk_state == TCP_NEW_SYN_RECV)
		return xtcp_req_rcv(skb, inet_reqsk(sk));

	if (family == AF_INET ?
	    !xfrm4_policy_check(sk, XFRM_POLICY_IN, skb) :
	    !xfrm6_policy_check(sk, XFRM_POLICY_IN, skb))
		goto discard;
	nf_reset_ct(skb);

	if (sk->sk_state == TCP_LISTEN) {
		xtcp_do_rcv(sk, skb);
		sock_put(sk);
		return 0;
	}

	skb_dst_drop(skb);
	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		xtcp_do_rcv(sk, skb);
	} else {
		/* The backlog limit counts truesize: give back what a
		 * small segment's buffer wastes first (as native
		 * tcp_add_backlog() does), or a reader holding the lock
		 * sees in-window data dropped.
		 */
		skb_condense(skb);
		if (sk_add_backlog(sk, skb, xtcp_backlog_limit(sk))) {
			bh_unlock_sock(sk);
			XTCP_INC_STATS(net, XTCP_MIB_TCPBACKLOGDROP);
			goto discard;
		}
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;

discard:
	sock_put(sk);
	kfree_skb(skb);
	return 0;
}

int xtcp_v4_rcv(struct sk_buff *skb, struct sock *sk)
{
	return xtcp_rcv(skb, sk, AF_INET);
}

int xtcp_v6_rcv(struct sk_buff *skb, struct sock *sk)
{
	return xtcp_rcv(skb, sk, AF_INET6);
}

/* --- reading --- */

static u32 xtcp_peek_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int space = tcp_space(sk);

	if (space < 0)
		return 0;
	return min_t(u32, space, tp->window_clamp);
}

void xtcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	bool ack_now = false;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	if (inet_csk_ack_scheduled(sk) &&
	    ((tp->rcv_nxt - tp->rcv_wup) > icsk->icsk_ack.rcv_mss ||
	     (copied > 0 && !atomic_read(&sk->sk_rmem_alloc) &&
	      !inet_csk_in_pingpong_mode(sk))))
		ack_now = true;
	if (copied > 0 && !ack_now && !(sk->sk_shutdown & RCV_SHUTDOWN)) {
		u32 now_win = xtcp_receive_window(tp);

		if (2 * now_win <= tp->window_clamp) {
			u32 new_win = xtcp_peek_window(sk);

			if (new_win && new_win >= 2 * now_win)
				ack_now = true;
		}
	}
	if (ack_now)
		xtcp_send_ack(sk);
}

/*
 * Receive-buffer autotuning (native tcp_rcv_space_adjust()): once per
 * receiver RTT (rcv_rtt_est, none yet: wait), let the buffer hold twice
 * what the reader consumed in the last one, plus room for the sender
 * to grow as fast as it just did (slow start doubles per round, and the
 * window we offer now is used a round later).
 */
void xtcp_rcv_space_adjust(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	u32 rtt_us = tp->rcv_rtt_est.rtt_us >> 3;
	int copied, rcvbuf;

	xtcp_mstamp_refresh(tp);
	if (!tp->rcv_rtt_est.rtt_us ||
	    tcp_stamp_us_delta(tp->tcp_mstamp, tp->rcvq_space.time) < rtt_us)
		return;
	copied = tp->copied_seq - tp->rcvq_space.seq;
	if (copied > tp->rcvq_space.space &&
	    !(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
		u64 rcvwin = ((u64)copied << 1) + 16 * tp->advmss;
		u32 space = max_t(u32, tp->rcvq_space.space, 1);

		rcvwin += div_u64(rcvwin * (copied - tp->rcvq_space.space),
				  space) << 1;
		rcvwin = min_t(u64, rcvwin, INT_MAX);
		rcvbuf = min_t(u64, tcp_space_from_win(sk, rcvwin),
			       READ_ONCE(pn->sysctl_tcp_rmem[2]));
		if (rcvbuf > sk->sk_rcvbuf) {
			WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
			tp->window_clamp = max_t(u32, tp->window_clamp,
						 tcp_win_from_space(sk, rcvbuf));
		}
		tp->rcvq_space.space = copied;
	}
	tp->rcvq_space.seq = tp->copied_seq;
	tp->rcvq_space.time = tp->tcp_mstamp;
}
