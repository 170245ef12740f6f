// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: segment construction and transmission.
 *
 * Unsent data sits in sk->sk_write_queue as skbs of up to a "size goal"
 * (several MSS); each is sent as one GSO super-segment (gso_size = MSS,
 * CHECKSUM_PARTIAL) and then moves to the retransmission rbtree
 * (sk->tcp_rtx_queue) until it is cumulatively acknowledged.  What goes
 * on the wire is always a clone (or a private copy, if the original is
 * still referenced by an earlier clone) whose IP control block is
 * cleared, so the queued original stays untouched.
 *
 * XTCP_SKB_CB(skb)->gso_segs is the skb's segment count ("pcount") as it
 * was counted in tp->packets_out; sacked_out, lost_out and retrans_out
 * follow the XTCP_SKB_SACKED/LOST/RETRANS bits, as native TCP's do (see
 * recovery.c).
 */
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/skbuff_ref.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine_priv.h"
#include "trace.h"

/* --- memory and queue helpers --- */

static struct sk_buff *xtcp_alloc_tx_skb(struct sock *sk, unsigned int size,
					 gfp_t gfp, bool force)
{
	struct sk_buff *skb;

	skb = alloc_skb_fclone(MAX_TCP_HEADER + size, gfp);
	if (!skb)
		return NULL;
	skb->truesize = SKB_TRUESIZE(skb_end_offset(skb));
	if (!sk_wmem_schedule(sk, skb->truesize) && !force) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, MAX_TCP_HEADER);
	skb->ip_summed = CHECKSUM_PARTIAL;
	memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
	return skb;
}

static void xtcp_skb_entail(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	cb->seq = tp->write_seq;
	cb->end_seq = tp->write_seq;
	cb->tcp_flags = TCPHDR_ACK;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
}

static void xtcp_free_queued_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	__kfree_skb(skb);
}

static void xtcp_rtx_insert(struct sock *sk, struct sk_buff *skb)
{
	struct rb_node **p = &sk->tcp_rtx_queue.rb_node;
	struct rb_node *parent = NULL;
	u32 seq = XTCP_SKB_CB(skb)->seq;

	while (*p) {
		struct sk_buff *cur = rb_to_skb(*p);

		parent = *p;
		if (before(seq, XTCP_SKB_CB(cur)->seq))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &sk->tcp_rtx_queue);
}

void xtcp_rtx_queue_unlink_free(struct sock *sk, struct sk_buff *skb)
{
	rb_erase(&skb->rbnode, &sk->tcp_rtx_queue);
	skb->next = NULL;
	skb->prev = NULL;
	xtcp_free_queued_skb(sk, skb);
}

/* skb_rbtree_purge() is not exported. */
unsigned int xtcp_rbtree_purge(struct rb_root *root)
{
	struct rb_node *p = rb_first(root);
	unsigned int n = 0;

	while (p) {
		struct sk_buff *skb = rb_to_skb(p);

		p = rb_next(p);
		rb_erase(&skb->rbnode, root);
		kfree_skb(skb);
		n++;
	}
	return n;
}

void xtcp_purge_queues(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	struct rb_node *p;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		xtcp_free_queued_skb(sk, skb);
	p = rb_first(&sk->tcp_rtx_queue);
	while (p) {
		skb = rb_to_skb(p);
		p = rb_next(p);
		xtcp_rtx_queue_unlink_free(sk, skb);
	}
	xtcp_rbtree_purge(&tp->out_of_order_queue);
	tp->rx_opt.num_sacks = 0;
	tp->packets_out = 0;
	tp->lost_out = 0;
	tp->retrans_out = 0;
	tp->sacked_out = 0;
	sk_mem_reclaim(sk);
}

/* Change an skb's pcount, keeping packets_out/lost_out/retrans_out. */
static void xtcp_set_pcount(struct sock *sk, struct sk_buff *skb, u32 n,
			    bool counted)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	int delta = (int)n - (int)xtcp_skb_pcount(skb);

	cb->gso_segs = n;
	if (!counted || !delta)
		return;
	tp->packets_out += delta;
	if (cb->sacked & XTCP_SKB_LOST)
		tp->lost_out += delta;
	if (cb->sacked & XTCP_SKB_RETRANS)
		tp->retrans_out += delta;
	if (cb->sacked & XTCP_SKB_SACKED)
		tp->sacked_out += delta;
}

static u32 xtcp_pcount_for(const struct sk_buff *skb, unsigned int mss)
{
	return skb->len <= mss ? 1 : DIV_ROUND_UP(skb->len, mss);
}

/* --- windows and MSS --- */

/* Receive window to advertise; updates rcv_wnd/rcv_wup.  The right edge
 * (rcv_wup + rcv_wnd) never moves left.
 */
static u16 xtcp_select_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 ws = tp->rx_opt.rcv_wscale;
	u32 cur = xtcp_receive_window(tp);
	u32 old_win = tp->rcv_wnd;
	int space = tcp_space(sk);
	u32 win;

	if (space < 0)
		space = 0;
	win = min_t(u32, space, tp->window_clamp);
	/* Receiver-side SWS avoidance: do not offer less than an MSS
	 * (or half the buffer) beyond what was offered already.
	 */
	if (win < cur + min_t(u32, inet_csk(sk)->icsk_ack.rcv_mss,
			      tcp_full_space(sk) >> 1) && win > cur)
		win = cur;
	if (ws)
		win = round_down(win, 1U << ws);
	if (win < cur) {
		/* Never shrink: the zero we wanted waits (RFC 9293 3.8.6). */
		if (!win)
			XTCP_INC_STATS(sock_net(sk),
				       XTCP_MIB_TCPWANTZEROWINDOWADV);
		win = ws ? round_up(cur, 1U << ws) : cur;
	}
	if (!ws)
		win = min(win, 65535U);
	else
		win = min(win, 65535U << ws);

	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	/* Native tcp_select_window()'s counters: edges into and out of
	 * an advertised zero window.
	 */
	if (!(win >> ws)) {
		if (old_win)
			XTCP_INC_STATS(sock_net(sk),
				       XTCP_MIB_TCPTOZEROWINDOWADV);
	} else if (!old_win) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPFROMZEROWINDOWADV);
	}
	return win >> ws;
}

u16 xtcp_advertised_mss(const struct sock *sk, const struct dst_entry *dst)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	unsigned int mss = dst ? dst_metric_advmss(dst) : TCP_MSS_DEFAULT;

	if (tp->rx_opt.user_mss && tp->rx_opt.user_mss < mss)
		mss = tp->rx_opt.user_mss;
	return min_t(unsigned int, mss, 65535);
}

unsigned int xtcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int mss, min_mss;

	if (icsk->icsk_mtup.search_high > pmtu)
		icsk->icsk_mtup.search_high = pmtu;
	mss = pmtu - icsk->icsk_af_ops->net_header_len - sizeof(struct tcphdr);
	if (tp->rx_opt.mss_clamp && mss > tp->rx_opt.mss_clamp)
		mss = tp->rx_opt.mss_clamp;
	mss -= icsk->icsk_ext_hdr_len;
	min_mss = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_min_snd_mss);
	if (min_mss <= 0)
		min_mss = TCP_MIN_SND_MSS;
	mss = max(mss, min_mss);
	mss -= tp->tcp_header_len - sizeof(struct tcphdr);
	/* Never more than half the largest window the peer offered. */
	if (tp->max_window > TCP_MSS_DEFAULT && mss > tp->max_window / 2)
		mss = max_t(int, tp->max_window / 2, 68 - tp->tcp_header_len);
	/* After a black hole (pmtu.c): no larger than the search floor. */
	if (icsk->icsk_mtup.enabled)
		mss = min(mss, xtcp_mtu_to_mss(sk, icsk->icsk_mtup.search_low));
	if (mss < 8)
		mss = 8;
	icsk->icsk_pmtu_cookie = pmtu;
	tp->mss_cache = mss;
	return mss;
}

unsigned int xtcp_current_mss(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (dst) {
		u32 mtu = dst_mtu(dst);

		if (mtu != inet_csk(sk)->icsk_pmtu_cookie)
			return xtcp_sync_mss(sk, mtu);
	}
	return tp->mss_cache;
}

/* --- the transmit step --- */

static void xtcp_build_options(struct sock *sk, const struct sk_buff *skb,
			       struct xtcp_tx_options *o)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);

	memset(o, 0, sizeof(*o));
	if (cb->tcp_flags & TCPHDR_SYN) {
		/* Our SYN (active open), or SYN-ACK of a simultaneous
		 * open: offer what the sysctls allow, or echo what the
		 * peer's SYN offered.
		 */
		bool synack = cb->tcp_flags & TCPHDR_ACK;

		o->mss = tp->advmss;
		if (synack) {
			o->wscale_ok = tp->rx_opt.wscale_ok;
			o->sack_ok = tp->rx_opt.sack_ok;
			o->tstamp_ok = tp->rx_opt.tstamp_ok;
		} else {
			o->wscale_ok = !!READ_ONCE(pn->sysctl_tcp_window_scaling);
			o->sack_ok = !!READ_ONCE(pn->sysctl_tcp_sack);
			o->tstamp_ok = !!READ_ONCE(pn->sysctl_tcp_timestamps);
		}
		o->wscale = tp->rx_opt.rcv_wscale;
		if (o->tstamp_ok) {
			o->tsval = xtcp_ts_now(tp);
			o->tsecr = synack ? tp->rx_opt.ts_recent : 0;
		}
		return;
	}
	if (tp->rx_opt.tstamp_ok) {
		o->tstamp_ok = 1;
		o->tsval = xtcp_ts_now(tp);
		o->tsecr = tp->rx_opt.ts_recent;
	}
	if (tp->rx_opt.sack_ok && (tp->rx_opt.num_sacks || tp->rx_opt.dsack)) {
		int i, n = 0;

		/* RFC 2883 4: the D-SACK block goes first, then the SACK
		 * blocks (the writer keeps what fits).
		 */
		if (tp->rx_opt.dsack) {
			o->sack[0].start = tp->duplicate_sack[0].start_seq;
			o->sack[0].end = tp->duplicate_sack[0].end_seq;
			n = 1;
		}
		for (i = 0; i < tp->rx_opt.num_sacks &&
		     n < XTCP_MAX_SACK_BLOCKS; i++, n++) {
			o->sack[n].start = tp->selective_acks[i].start_seq;
			o->sack[n].end = tp->selective_acks[i].end_seq;
		}
		o->num_sacks = n;
	}
}

static void xtcp_event_ack_sent(struct sock *sk, u32 rcv_nxt)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (unlikely(rcv_nxt != tp->rcv_nxt))
		return;
	/* A D-SACK is reported once (RFC 2883 4). */
	tp->rx_opt.dsack = 0;
	if (icsk->icsk_ack.quick) {
		if (icsk->icsk_ack.quick > 1)
			icsk->icsk_ack.quick--;
		else
			icsk->icsk_ack.quick = 0;
	}
	inet_csk_clear_xmit_timer(sk, ICSK_TIME_DACK);
}

/* RFC 2861 / RFC 5681 4.1: after an idle period longer than the RTO,
 * restart from (at most) the initial window, halving once per idle RTO
 * (native tcp_cwnd_restart()).
 */
static void xtcp_cwnd_restart(struct sock *sk, s32 delta)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 restart = min_t(u32, TCP_INIT_CWND, tcp_snd_cwnd(tp));
	u32 cwnd = tcp_snd_cwnd(tp);

	xtcp_ca_event(sk, CA_EVENT_CWND_RESTART);
	tp->snd_ssthresh = xtcp_current_ssthresh(sk);
	while ((delta -= inet_csk(sk)->icsk_rto) > 0 && cwnd > restart)
		cwnd >>= 1;
	tcp_snd_cwnd_set(tp, max(cwnd, restart));
	tp->snd_cwnd_stamp = tcp_jiffies32;
	tp->snd_cwnd_used = 0;
}

static void xtcp_event_data_sent(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 now = tcp_jiffies32;

	if (!tp->packets_out &&
	    READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_slow_start_after_idle) &&
	    (s32)(now - tp->lsndtime) > icsk->icsk_rto)
		xtcp_cwnd_restart(sk, now - tp->lsndtime);
	/* cubic restarts its epoch from here (lsndtime still old). */
	if (!xtcp_packets_in_flight(tp))
		xtcp_ca_event(sk, CA_EVENT_TX_START);
	tp->lsndtime = now;
	/* Sending soon after receiving: interactive, delay ACKs. */
	if ((u32)(now - icsk->icsk_ack.lrcvtime) < icsk->icsk_ack.ato)
		inet_csk_inc_pingpong_cnt(sk);
}

/* Send @skb (a clone of it if @clone).  The caller keeps @skb. */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone,
		      gfp_t gfp)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_tx_options opts;
	struct xtcp_skb_cb *cb;
	unsigned int hlen, payload, segs, mss;
	struct tcphdr *th;
	u32 rcv_nxt = tp->rcv_nxt;
	u16 win;
	u8 flags;
	int err;

	/* The caller's clock (refreshed once per burst, as native's
	 * tcp_write_xmit() does): a burst shares one send time, so RACK
	 * orders its segments by sequence (RFC 8985 6.2) and a SACK of a
	 * later one marks the earlier ones lost without waiting.
	 */
	XTCP_SKB_CB(skb)->tx_stamp_us = tp->tcp_mstamp;
	payload = skb->len;
	segs = xtcp_skb_pcount(skb);

	if (clone) {
		if (skb_cloned(skb))
			skb = pskb_copy(skb, gfp);
		else
			skb = skb_clone(skb, gfp);
		if (!skb)
			return -ENOBUFS;
	}
	cb = XTCP_SKB_CB(skb);
	flags = cb->tcp_flags;

	xtcp_build_options(sk, skb, &opts);
	hlen = sizeof(struct tcphdr) + xtcp_options_size(&opts);

	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = sock_wfree;
	refcount_add(skb->truesize, &sk->sk_wmem_alloc);
	skb_set_hash_from_sk(skb, sk);
	skb->tstamp = 0;

	if (flags & TCPHDR_SYN)
		win = min_t(u32, tp->rcv_wnd, 65535);
	else
		win = xtcp_select_window(sk);

	skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	th = tcp_hdr(skb);
	memset(th, 0, sizeof(*th));
	th->source = inet_sk(sk)->inet_sport;
	th->dest = inet_sk(sk)->inet_dport;
	th->seq = htonl(cb->seq);
	th->ack_seq = htonl(rcv_nxt);
	*(((__be16 *)th) + 6) = htons(((hlen >> 2) << 12) | flags);
	th->window = htons(win);
	xtcp_write_options((u8 *)(th + 1), &opts);

	if (segs > 1 && payload) {
		/* The current MSS if it gives the counted segments, else
		 * an even split (never larger than when it was counted).
		 */
		mss = tp->mss_cache;
		if (DIV_ROUND_UP(payload, mss) != segs)
			mss = DIV_ROUND_UP(payload, segs);
		skb_shinfo(skb)->gso_type = sk->sk_family == AF_INET6 &&
			icsk->icsk_af_ops != &xtcp_ipv6_mapped_af_ops ?
			SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
		skb_shinfo(skb)->gso_size = mss;
		skb_shinfo(skb)->gso_segs = segs;
	} else if (skb_is_gso(skb)) {
		skb_shinfo(skb)->gso_size = 0;
		skb_shinfo(skb)->gso_type = 0;
		skb_shinfo(skb)->gso_segs = 0;
	}

	icsk->icsk_af_ops->send_check(sk, skb);

	if (flags & TCPHDR_ACK)
		xtcp_event_ack_sent(sk, rcv_nxt);
	if (payload) {
		xtcp_event_data_sent(sk);
		tp->data_segs_out += segs;
		tp->bytes_sent += payload;
	}
	tp->segs_out += segs;
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_OUTSEGS, segs);

	/* Clear the IP layer's control block on the way out. */
	memset(skb->cb, 0, sizeof(skb->cb));

	err = icsk->icsk_af_ops->queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
	if (err > 0)
		err = net_xmit_eval(err);
	return err;
}

/* Split @skb (on the write queue) so that it keeps @len bytes; the rest
 * becomes a new skb right after it.
 */
static int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len,
			 gfp_t gfp)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	unsigned int nlen = skb->len - len;
	struct sk_buff *buff;
	unsigned int lin;
	u8 flags;

	if (WARN_ON_ONCE(len >= skb->len || !len))
		return -EINVAL;
	if (skb_unclone(skb, gfp))
		return -ENOMEM;
	lin = skb_headlen(skb) > len ? skb_headlen(skb) - len : 0;
	buff = xtcp_alloc_tx_skb(sk, lin, gfp, true);
	if (!buff)
		return -ENOMEM;
	sk_wmem_queued_add(sk, buff->truesize);
	sk_mem_charge(sk, buff->truesize);
	buff->truesize += nlen;
	skb->truesize -= nlen;

	flags = cb->tcp_flags;
	XTCP_SKB_CB(buff)->seq = cb->seq + len;
	XTCP_SKB_CB(buff)->end_seq = cb->end_seq;
	XTCP_SKB_CB(buff)->tcp_flags = flags;
	XTCP_SKB_CB(buff)->tx_stamp_us = cb->tx_stamp_us;
	cb->end_seq = cb->seq + len;
	cb->tcp_flags = flags & ~(TCPHDR_FIN | TCPHDR_PSH);

	skb_split(skb, buff, len);
	__skb_queue_after(&sk->sk_write_queue, skb, buff);
	return 0;
}

/*
 * Split an rtx-queue skb so that it keeps @len bytes (a multiple of
 * @mss, the segment size it was sent with); the rest becomes a new skb
 * right after it with the same marks and send time.  The counters
 * (packets_out and those of its marks) follow the new segment counts.
 */
int xtcp_rtx_fragment(struct sock *sk, struct sk_buff *skb, u32 len, u32 mss)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	u32 old = xtcp_skb_pcount(skb), nlen = skb->len - len;
	struct sk_buff *buff;
	unsigned int lin;
	u8 flags;

	if (WARN_ON_ONCE(!len || len >= skb->len))
		return -EINVAL;
	if (cb->tcp_flags & TCPHDR_SYN)
		return -EINVAL;
	if (skb_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;
	lin = skb_headlen(skb) > len ? skb_headlen(skb) - len : 0;
	buff = xtcp_alloc_tx_skb(sk, lin, GFP_ATOMIC, true);
	if (!buff)
		return -ENOMEM;
	sk_wmem_queued_add(sk, buff->truesize);
	sk_mem_charge(sk, buff->truesize);
	buff->truesize += nlen;
	skb->truesize -= nlen;

	flags = cb->tcp_flags;
	ncb = XTCP_SKB_CB(buff);
	ncb->seq = cb->seq + len;
	ncb->end_seq = cb->end_seq;
	ncb->tcp_flags = flags;
	ncb->sacked = cb->sacked;
	ncb->tx_stamp_us = cb->tx_stamp_us;
	cb->end_seq = cb->seq + len;
	cb->tcp_flags = flags & ~(TCPHDR_FIN | TCPHDR_PSH);
	skb_split(skb, buff, len);

	/* Counted as one skb of @old segments; now two. */
	ncb->gso_segs = 0;
	xtcp_set_pcount(sk, buff, xtcp_pcount_for(buff, mss), false);
	xtcp_set_pcount(sk, skb, old, false);
	xtcp_set_pcount(sk, skb, xtcp_pcount_for(skb, mss) +
			xtcp_skb_pcount(buff), true);
	cb->gso_segs = xtcp_pcount_for(skb, mss);
	xtcp_rtx_insert(sk, buff);
	return 0;
}

/* Drop the first @len bytes of a partly acknowledged rtx-queue skb. */
static int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo;
	unsigned int eat, headlen;
	int i, k;

	if (skb_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;
	if (skb_has_frag_list(skb))
		return -EINVAL;
	headlen = skb_headlen(skb);
	if (len <= headlen) {
		__skb_pull(skb, len);
	} else {
		eat = len - headlen;
		__skb_pull(skb, headlen);
		shinfo = skb_shinfo(skb);
		k = 0;
		for (i = 0; i < shinfo->nr_frags; i++) {
			unsigned int size = skb_frag_size(&shinfo->frags[i]);

			if (size <= eat) {
				skb_frag_unref(skb, i);
				eat -= size;
				continue;
			}
			shinfo->frags[k] = shinfo->frags[i];
			if (eat) {
				skb_frag_off_add(&shinfo->frags[k], eat);
				skb_frag_size_sub(&shinfo->frags[k], eat);
				eat = 0;
			}
			k++;
		}
		shinfo->nr_frags = k;
		skb->data_len -= len - headlen;
		skb->len = skb->data_len;
	}
	XTCP_SKB_CB(skb)->seq += len;
	skb->truesize -= len;
	sk_wmem_queued_add(sk, -len);
	sk_mem_uncharge(sk, len);
	return 0;
}

/* Cut the acknowledged head off a partly acknowledged skb. */
void xtcp_rtx_trim_acked(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 len = tp->snd_una - XTCP_SKB_CB(skb)->seq;

	if (XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN)
		return;
	if (len > skb->len || xtcp_trim_head(sk, skb, len))
		return;
	xtcp_set_pcount(sk, skb, xtcp_pcount_for(skb, tp->mss_cache), true);
}

/* Native tcp_nagle_check(): hold back a small segment while another
 * small one is unacknowledged (Minshall's variant), or when corked.
 */
static bool xtcp_nagle_holds(const struct tcp_sock *tp,
			     const struct sk_buff *skb, unsigned int mss,
			     int nonagle)
{
	if (nonagle & TCP_NAGLE_PUSH)
		return false;
	if (XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
		return false;
	if (skb->len >= mss)
		return false;
	if (nonagle & TCP_NAGLE_CORK)
		return true;
	return !nonagle && tp->packets_out &&
	       after(tp->snd_sml, tp->snd_una) &&
	       !after(tp->snd_sml, tp->snd_nxt);
}

static void xtcp_event_new_data_sent(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int prior = tp->packets_out;

	__skb_unlink(skb, &sk->sk_write_queue);
	xtcp_rtx_insert(sk, skb);
	WRITE_ONCE(tp->snd_nxt, XTCP_SKB_CB(skb)->end_seq);
	tp->packets_out += xtcp_skb_pcount(skb);
	if (skb->len)
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_TCPORIGDATASENT,
			       xtcp_skb_pcount(skb));
	if (!prior || inet_csk(sk)->icsk_pending == ICSK_TIME_PROBE0 ||
	    inet_csk(sk)->icsk_pending == ICSK_TIME_LOSS_PROBE)
		xtcp_rearm_rto(sk);
}

/* Is cwnd what limits us (native tcp_cwnd_validate())?  cubic and reno
 * grow only then (tcp_is_cwnd_limited()).
 */
static void xtcp_cwnd_validate(struct sock *sk, bool is_cwnd_limited)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!before(tp->snd_una, tp->cwnd_usage_seq) || is_cwnd_limited ||
	    (!tp->is_cwnd_limited && tp->packets_out > tp->max_packets_out)) {
		tp->is_cwnd_limited = is_cwnd_limited;
		tp->max_packets_out = tp->packets_out;
		tp->cwnd_usage_seq = tp->snd_nxt;
	}
	if (tcp_is_cwnd_limited(sk)) {
		tp->snd_cwnd_used = 0;
		tp->snd_cwnd_stamp = tcp_jiffies32;
	} else if (tp->packets_out > tp->snd_cwnd_used) {
		tp->snd_cwnd_used = tp->packets_out;
	}
}

static bool xtcp_can_send_data(const struct sock *sk)
{
	return (1 << sk->sk_state) &
	       (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 |
		TCPF_CLOSING | TCPF_LAST_ACK);
}

/* Native tcp_write_xmit(): send from the write queue what the peer's
 * window, the congestion window and Nagle allow.  Returns true when
 * nothing is in flight and the window, or a local drop, stopped us (arm
 * the probe timer).
 */
bool xtcp_write_xmit(struct sock *sk, unsigned int mss, int nonagle,
		     int push_one, gfp_t gfp)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	bool window_stop = false, cwnd_limited = false, dropped = false;
	u32 sent = 0;

	if (!xtcp_can_send_data(sk))
		return false;
	xtcp_mstamp_refresh(tp);

	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 wnd_end = tp->snd_una + tp->snd_wnd;
		u32 in_flight = xtcp_packets_in_flight(tp);
		u32 cwnd = tcp_snd_cwnd(tp);
		u32 quota, limit;

		if (push_one == XTCP_PUSH_PROBE) {
			quota = 1;	/* RFC 8985 7.3: cwnd does not apply */
		} else if (in_flight >= cwnd) {
			/* The final FIN is not held back by cwnd. */
			if (!(cb->tcp_flags & TCPHDR_FIN) || skb->len) {
				cwnd_limited = true;
				break;
			}
			quota = 1;
		} else {
			quota = cwnd - in_flight;
		}

		/* At least min(len, mss) bytes must fit in the window. */
		limit = before(cb->seq, wnd_end) ? wnd_end - cb->seq : 0;
		if (skb->len && limit < min_t(u32, skb->len, mss)) {
			window_stop = true;
			break;
		}
		if (!skb->len && after(cb->seq, wnd_end)) {
			window_stop = true;
			break;
		}
		limit = min_t(u32, limit, quota * mss);
		if (skb->len > limit) {
			limit = max(round_down(limit, mss), mss);
			if (xtcp_fragment(sk, skb, limit, gfp))
				break;
		}
		if (skb->len > mss)
			cb->gso_segs = xtcp_pcount_for(skb, mss);
		else
			cb->gso_segs = 1;

		if (skb_queue_is_last(&sk->sk_write_queue, skb) &&
		    xtcp_nagle_holds(tp, skb, mss, nonagle))
			break;

		if (xtcp_transmit_skb(sk, skb, true, gfp)) {
			dropped = true;	/* a qdisc or the IP layer refused it */
			break;
		}
		if (skb->len && skb->len < mss)
			tp->snd_sml = cb->end_seq;
		sent += xtcp_skb_pcount(skb);
		xtcp_event_new_data_sent(sk, skb);
		if (push_one)
			break;
	}
	if (sent) {
		if (inet_csk(sk)->icsk_ca_state == TCP_CA_Recovery ||
		    inet_csk(sk)->icsk_ca_state == TCP_CA_CWR)
			tp->prr_out += sent;
		/* One loss probe per tail-loss episode (RFC 8985 7.2). */
		if (push_one != XTCP_PUSH_PROBE)
			xtcp_schedule_loss_probe(sk, false);
	}
	/* A pass that found cwnd full counts even if it sent nothing:
	 * cubic and reno grow the window only while cwnd limits us.
	 */
	cwnd_limited |= xtcp_packets_in_flight(tp) >= tcp_snd_cwnd(tp);
	if (sent || cwnd_limited)
		xtcp_cwnd_validate(sk, cwnd_limited);
	/* Nothing in flight means no ACK and no RTO will come to restart
	 * us: the probe timer must (native tcp_write_xmit()'s return).
	 * That covers a local drop too (a full qdisc returns
	 * NET_XMIT_DROP), which otherwise left data queued with no timer
	 * at all, for good.
	 */
	return (window_stop || dropped) && !tp->packets_out;
}

/* The first zero-window probe waits one RTO (at least TCP_RTO_MIN),
 * without backoff, as native tcp_check_probe_timer() does.
 */
static void xtcp_check_probe_timer(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if (!tcp_sk(sk)->packets_out && !icsk->icsk_pending)
		xtcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0,
				      max_t(unsigned long, icsk->icsk_rto,
					    XTCP_RTO_MIN));
}

/*
 * The next zero-window probe: RTO (at least TCP_RTO_MIN) doubled per
 * unanswered probe, at most TCP_RTO_MAX (RFC 9293 3.8.6.1 asks for
 * exponential backoff; these are native tcp_probe0_when()'s bounds),
 * and never past TCP_USER_TIMEOUT measured from the first probe
 * (native tcp_clamp_probe0_to_user_timeout()).
 */
static unsigned long xtcp_probe0_clamp(const struct sock *sk,
				       unsigned long when)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	u32 user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	s32 left;

	if (!user_timeout || !icsk->icsk_probes_tstamp)
		return when;
	left = (s32)msecs_to_jiffies(user_timeout) -
	       max_t(s32, (s32)(tcp_jiffies32 - icsk->icsk_probes_tstamp), 0);
	left = max_t(s32, left, TCP_TIMEOUT_MIN);
	return min_t(unsigned long, when, left);
}

unsigned long xtcp_probe0_when(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	u8 backoff = min_t(u8, ilog2(XTCP_RTO_MAX / XTCP_RTO_MIN) + 1,
			   icsk->icsk_backoff);
	u64 when = (u64)max_t(unsigned long, icsk->icsk_rto, XTCP_RTO_MIN)
		   << backoff;

	return xtcp_probe0_clamp(sk, min_t(u64, when, XTCP_RTO_MAX));
}

static void xtcp_push_pending(struct sock *sk, unsigned int mss, int nonagle)
{
	gfp_t gfp = sk_gfp_mask(sk, GFP_ATOMIC);

	if (sk->sk_state == TCP_CLOSE)
		return;
	if (xtcp_write_xmit(sk, mss, nonagle, XTCP_PUSH_ALL, gfp))
		xtcp_check_probe_timer(sk);
}

void xtcp_push(struct sock *sk, int flags, int nonagle)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (!skb)
		return;
	if (!(flags & MSG_MORE)) {
		XTCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
		tp->pushed_seq = tp->write_seq;
	} else {
		nonagle = TCP_NAGLE_CORK;
	}
	xtcp_push_pending(sk, xtcp_current_mss(sk), nonagle);
}

/* After an ACK: send what may now go. */
void xtcp_data_snd_check(struct sock *sk)
{
	if (!skb_peek(&sk->sk_write_queue))
		return;
	xtcp_push_pending(sk, xtcp_current_mss(sk), tcp_sk(sk)->nonagle);
}

/* --- retransmission --- */

int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	return xtcp_retransmit_skb_flags(sk, skb, false);
}

/* Resend @skb.  A loss probe (@probe) is not counted in retrans_out:
 * nothing is known lost yet (RFC 8985 7.3).  A resent skb stays LOST
 * until delivered (native semantics, see recovery.c).
 */
int xtcp_retransmit_skb_flags(struct sock *sk, struct sk_buff *skb,
			      bool probe)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	unsigned int mss = xtcp_current_mss(sk);
	u32 segs;
	int err;

	if (before(cb->seq, tp->snd_una))
		xtcp_rtx_trim_acked(sk, skb);
	if (skb->len > mss && DIV_ROUND_UP(skb->len, xtcp_skb_pcount(skb)) > mss)
		xtcp_set_pcount(sk, skb, xtcp_pcount_for(skb, mss), true);
	segs = xtcp_skb_pcount(skb);

	err = xtcp_transmit_skb(sk, skb, true, GFP_ATOMIC);
	/* The first attempted resend starts the clocks of Eifel and of
	 * TCP_USER_TIMEOUT/tcp_retries2.  A loss probe starts neither, nor
	 * needs a D-SACK before an undo: it resends nothing known lost
	 * (native sends it with __tcp_retransmit_skb(), which keeps out of
	 * both).
	 */
	if (!probe && !tp->retrans_stamp)
		tp->retrans_stamp = tcp_time_stamp_ms(tp);
	if (err)
		return err;
	trace_xtcp_retransmit_skb(sk, skb, cb->seq, cb->end_seq);
	if (!probe && !(cb->sacked & XTCP_SKB_RETRANS)) {
		cb->sacked |= XTCP_SKB_RETRANS;
		tp->retrans_out += segs;
	}
	cb->sacked |= XTCP_SKB_EVER_RETRANS;
	tp->total_retrans += segs;
	tp->bytes_retrans += skb->len;
	/* Each resend must be proven needless before an undo (RFC 3522). */
	if (!probe) {
		if (tp->undo_retrans < 0)
			tp->undo_retrans = 0;
		tp->undo_retrans += segs;
	}
	if (inet_csk(sk)->icsk_ca_state == TCP_CA_Recovery ||
	    inet_csk(sk)->icsk_ca_state == TCP_CA_CWR)
		tp->prr_out += segs;
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS, segs);
	return 0;
}

/* Resend segments marked lost and not resent yet, as cwnd allows
 * (RFC 6675 5 NextSeg() rule 1; PRR sets cwnd during recovery).
 */
void xtcp_xmit_retransmit_queue(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	if (!tp->lost_out)
		return;
	skb_rbtree_walk(skb, &sk->tcp_rtx_queue) {
		u8 s = XTCP_SKB_CB(skb)->sacked;

		if (xtcp_packets_in_flight(tp) >= tcp_snd_cwnd(tp))
			break;
		if ((s & (XTCP_SKB_LOST | XTCP_SKB_RETRANS | XTCP_SKB_SACKED))
		    != XTCP_SKB_LOST)
			continue;
		if (xtcp_retransmit_skb(sk, skb))
			break;
		/* Native tcp_xmit_retransmit_queue()'s accounting. */
		XTCP_ADD_STATS(sock_net(sk),
			       inet_csk(sk)->icsk_ca_state == TCP_CA_Loss ?
			       XTCP_MIB_TCPSLOWSTARTRETRANS :
			       XTCP_MIB_TCPFASTRETRANS,
			       xtcp_skb_pcount(skb));
		/* The head went again: its RTO counts from now. */
		if (skb == skb_rb_first(&sk->tcp_rtx_queue) &&
		    inet_csk(sk)->icsk_pending != ICSK_TIME_REO_TIMEOUT)
			xtcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS,
					      inet_csk(sk)->icsk_rto);
	}
}

/* How far in the future the RTO of the head is (tcp_rto_delta_us()). */
s64 xtcp_rto_delta_us(const struct sock *sk)
{
	const struct sk_buff *skb = skb_rb_first(&sk->tcp_rtx_queue);
	u64 when;

	if (!skb)
		return jiffies_to_usecs(inet_csk(sk)->icsk_rto);
	when = XTCP_SKB_CB(skb)->tx_stamp_us +
	       jiffies_to_usecs(inet_csk(sk)->icsk_rto);
	return (s64)(when - tcp_sk(sk)->tcp_mstamp);
}

/* --- control segments from a full socket --- */

static struct sk_buff *xtcp_ctl_skb(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_TCP_HEADER);
	memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
	return skb;
}

/* A sequence number the peer will accept (native tcp_acceptable_seq()). */
static u32 xtcp_acceptable_seq(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 wnd_end = tp->snd_una + tp->snd_wnd;

	if (!before(wnd_end, tp->snd_nxt) || tp->rx_opt.wscale_ok)
		return tp->snd_nxt;
	return wnd_end;
}

void xtcp_send_ack_now(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE)
		return;
	skb = xtcp_ctl_skb(sk, gfp);
	if (!skb) {
		inet_csk_schedule_ack(sk);
		inet_csk(sk)->icsk_ack.ato = XTCP_ATO_MIN;
		xtcp_reset_xmit_timer(sk, ICSK_TIME_DACK, XTCP_DELACK_MAX);
		return;
	}
	XTCP_SKB_CB(skb)->seq = xtcp_acceptable_seq(sk);
	XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq;
	XTCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK;
	xtcp_transmit_skb(sk, skb, false, gfp);
}

void xtcp_send_ack(struct sock *sk)
{
	xtcp_send_ack_now(sk, sk_gfp_mask(sk, GFP_ATOMIC | __GFP_NOWARN));
}

void xtcp_send_delayed_ack(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	unsigned long timeout;
	int ato = icsk->icsk_ack.ato;

	ato = clamp_t(int, ato, XTCP_ATO_MIN, XTCP_DELACK_MAX);
	timeout = jiffies + ato;
	if (icsk->icsk_ack.pending & ICSK_ACK_TIMER) {
		if (time_before_eq(icsk->icsk_ack.timeout,
				   jiffies + (ato >> 2))) {
			xtcp_send_ack(sk);
			return;
		}
		if (!time_before(timeout, icsk->icsk_ack.timeout))
			timeout = icsk->icsk_ack.timeout;
	}
	/* Release: readers of icsk_ack.pending run without the lock. */
	smp_store_release(&icsk->icsk_ack.pending,
			  icsk->icsk_ack.pending | ICSK_ACK_SCHED |
			  ICSK_ACK_TIMER);
	icsk->icsk_ack.timeout = timeout;
	sk_reset_timer(sk, &icsk->icsk_delack_timer, timeout);
}

/* RFC 5961 7: challenge ACKs, at most one per tcp_invalid_ratelimit. */
void xtcp_send_challenge_ack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (xtcp_oow_rate_limited(sock_net(sk), &tp->last_oow_ack_time))
		return;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPCHALLENGEACK);
	xtcp_send_ack(sk);
}

bool xtcp_oow_rate_limited(struct net *net, u32 *last_oow_ack_time)
{
	s32 elapsed;
	int lim = READ_ONCE(xtcp_pernet(net)->sysctl_tcp_invalid_ratelimit);

	if (*last_oow_ack_time) {
		elapsed = (s32)(tcp_jiffies32 - *last_oow_ack_time);
		if (elapsed >= 0 && elapsed < lim)
			return true;
	}
	*last_oow_ack_time = tcp_jiffies32 ? : 1;
	return false;
}

void xtcp_send_active_reset(struct sock *sk, gfp_t priority)
{
	struct sk_buff *skb;

	skb = xtcp_ctl_skb(sk, priority);
	if (!skb)
		return;
	XTCP_SKB_CB(skb)->seq = xtcp_acceptable_seq(sk);
	XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq;
	XTCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK | TCPHDR_RST;
	trace_xtcp_send_reset(sk, NULL);
	xtcp_transmit_skb(sk, skb, false, priority);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTRSTS);
}

/* SYN-ACK from a full socket (simultaneous open): the SYN skb on the
 * rtx queue gets ACK added and is sent again.
 */
void xtcp_send_synack_full(struct sock *sk)
{
	struct sk_buff *skb = skb_rb_first(&sk->tcp_rtx_queue);

	if (!skb || !(XTCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
		return;
	XTCP_SKB_CB(skb)->tcp_flags |= TCPHDR_ACK;
	xtcp_transmit_skb(sk, skb, true, GFP_ATOMIC);
}

/* Zero-window probe / keepalive probe: a segment the peer must ACK.
 * Sends new data if the window allows some, else an old sequence
 * number (snd_una - 1) with no data.
 */
int xtcp_write_wakeup(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	u32 wnd_end = tp->snd_una + tp->snd_wnd;

	if (sk->sk_state == TCP_CLOSE)
		return -1;
	skb = skb_peek(&sk->sk_write_queue);
	if (skb && before(XTCP_SKB_CB(skb)->seq, wnd_end) &&
	    xtcp_can_send_data(sk)) {
		unsigned int mss = xtcp_current_mss(sk);
		u32 seg = min(wnd_end - XTCP_SKB_CB(skb)->seq, mss);

		if (seg < skb->len && xtcp_fragment(sk, skb, seg, GFP_ATOMIC))
			return -1;
		XTCP_SKB_CB(skb)->gso_segs = 1;
		XTCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
		if (xtcp_transmit_skb(sk, skb, true, GFP_ATOMIC))
			return -1;
		xtcp_event_new_data_sent(sk, skb);
		return 0;
	}
	skb = xtcp_ctl_skb(sk, GFP_ATOMIC);
	if (!skb)
		return -1;
	XTCP_SKB_CB(skb)->seq = tp->snd_una - 1;
	XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq;
	XTCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK;
	return xtcp_transmit_skb(sk, skb, false, GFP_ATOMIC);
}

void xtcp_send_probe0(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned long when;
	int err;

	err = xtcp_write_wakeup(sk);
	if (tp->packets_out || !skb_peek(&sk->sk_write_queue)) {
		icsk->icsk_probes_out = 0;
		icsk->icsk_backoff = 0;
		icsk->icsk_probes_tstamp = 0;
		return;
	}
	icsk->icsk_probes_out++;
	if (err <= 0) {
		/* The shift stops growing at tcp_retries2, as native's. */
		if (icsk->icsk_backoff <
		    READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_retries2))
			icsk->icsk_backoff++;
		when = xtcp_probe0_when(sk);
	} else {
		/* Not sent for want of local resources: retry soon. */
		when = xtcp_probe0_clamp(sk, TCP_RESOURCE_PROBE_INTERVAL);
	}
	xtcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, when);
}

/* --- FIN --- */

void xtcp_send_fin(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tail) {
		XTCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
		XTCP_SKB_CB(tail)->end_seq++;
		tp->write_seq++;
	} else {
		struct sk_buff *skb;

		skb = xtcp_alloc_tx_skb(sk, 0, sk->sk_allocation |
					__GFP_NOFAIL, true);
		xtcp_skb_entail(sk, skb);
		XTCP_SKB_CB(skb)->tcp_flags |= TCPHDR_FIN;
		XTCP_SKB_CB(skb)->end_seq++;
		tp->write_seq++;
	}
	xtcp_push_pending(sk, xtcp_current_mss(sk), TCP_NAGLE_OFF);
}

/* --- SYN --- */

void xtcp_init_cwnd(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_snd_cwnd_set(tp, TCP_INIT_CWND);
	tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
	tp->snd_cwnd_clamp = ~0U;
	tp->snd_cwnd_stamp = tcp_jiffies32;
}

/* Window scale, initial window and clamp for a new connection. */
static void xtcp_init_rcv_window(struct sock *sk, unsigned int mss)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	int space = tcp_full_space(sk);
	u32 maxspace;

	if (!tp->window_clamp)
		tp->window_clamp = 65535U << TCP_MAX_WSCALE;
	if (space > tp->window_clamp)
		space = tp->window_clamp;
	tp->rcv_wnd = xtcp_initial_rcv_wnd(space, mss);
	tp->rx_opt.rcv_wscale = 0;
	if (READ_ONCE(pn->sysctl_tcp_window_scaling)) {
		maxspace = max_t(u32, READ_ONCE(pn->sysctl_tcp_rmem[2]),
				 READ_ONCE(sysctl_rmem_max));
		maxspace = min(maxspace, tp->window_clamp);
		tp->rx_opt.rcv_wscale = xtcp_select_wscale(maxspace);
	}
	tp->rcv_ssthresh = tp->rcv_wnd;
}

int xtcp_connect(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	struct dst_entry *dst;
	struct sk_buff *skb;
	bool v6 = false;

#if IS_ENABLED(CONFIG_IPV6)
	v6 = sk->sk_family == AF_INET6 &&
	     icsk->icsk_af_ops != &xtcp_ipv6_mapped_af_ops;
#endif
	if (!tp->write_seq) {
#if IS_ENABLED(CONFIG_IPV6)
		if (v6)
			tp->write_seq = xtcp_isn_v6(&sk->sk_v6_rcv_saddr,
						    &sk->sk_v6_daddr,
						    inet->inet_sport,
						    inet->inet_dport);
		else
#endif
			tp->write_seq = xtcp_isn_v4(inet->inet_saddr,
						    inet->inet_daddr,
						    inet->inet_sport,
						    inet->inet_dport);
	}
	tp->tsoffset = xtcp_isn_hash_v4(inet->inet_saddr, inet->inet_daddr,
					0, 0);
#if IS_ENABLED(CONFIG_IPV6)
	if (v6)
		tp->tsoffset = xtcp_tsoff_v6(&sk->sk_v6_rcv_saddr,
					     &sk->sk_v6_daddr);
#endif

	tp->tcp_header_len = sizeof(struct tcphdr);
	if (READ_ONCE(pn->sysctl_tcp_timestamps))
		tp->tcp_header_len += TCPOLEN_TSTAMP_ALIGNED;
	tp->rx_opt.tstamp_ok = 0;
	tp->rx_opt.wscale_ok = 0;
	tp->rx_opt.sack_ok = 0;
	tp->rx_opt.ts_recent = 0;
	tp->rx_opt.ts_recent_stamp = 0;
	tp->rx_opt.mss_clamp = tp->rx_opt.user_mss ?: TCP_MSS_DEFAULT;

	/* The socket layer routed the socket (sk_setup_caps()). */
	dst = __sk_dst_get(sk);
	xtcp_mtup_init(sk);
	xtcp_sync_mss(sk, dst ? dst_mtu(dst) : IPV6_MIN_MTU);
	tp->advmss = xtcp_advertised_mss(sk, dst);
	xtcp_init_rcv_window(sk, tp->advmss);

	sock_reset_flag(sk, SOCK_DONE);
	tp->snd_wnd = 0;
	tp->snd_wl1 = 0;
	tp->max_window = 0;
	tp->snd_una = tp->write_seq;
	/* Nothing SACKed yet: the "highest SACKed" is SND.UNA. */
	xtcp_sk(sk)->fack = tp->write_seq;
	tp->snd_sml = tp->write_seq;
	tp->snd_up = tp->write_seq;
	WRITE_ONCE(tp->snd_nxt, tp->write_seq);
	tp->rcv_nxt = 0;
	tp->rcv_wup = 0;
	tp->copied_seq = 0;
	tp->pushed_seq = tp->write_seq;
	tp->high_seq = 0;
	icsk->icsk_rto = XTCP_TIMEOUT_INIT;
	icsk->icsk_retransmits = 0;
	icsk->icsk_backoff = 0;
	icsk->icsk_ack.rcv_mss = min_t(unsigned int, tp->advmss, tp->mss_cache);
	xtcp_init_cwnd(sk);

	skb = xtcp_alloc_tx_skb(sk, 0, sk->sk_allocation, true);
	if (unlikely(!skb))
		return -ENOBUFS;
	xtcp_skb_entail(sk, skb);
	XTCP_SKB_CB(skb)->tcp_flags = TCPHDR_SYN;
	XTCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
	XTCP_SKB_CB(skb)->gso_segs = 1;
	tp->write_seq++;
	__skb_unlink(skb, &sk->sk_write_queue);
	xtcp_rtx_insert(sk, skb);
	xtcp_mstamp_refresh(tp);
	xtcp_transmit_skb(sk, skb, true, sk->sk_allocation);
	/* The SYN counts in flight whether or not it left. */
	WRITE_ONCE(tp->snd_nxt, tp->write_seq);
	tp->pushed_seq = tp->write_seq;
	tp->packets_out++;
	tp->retrans_stamp = tcp_time_stamp_ms(tp);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ACTIVEOPENS);
	xtcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, icsk->icsk_rto);
	return 0;
}

/* SYN-ACK for a request sock (native tcp_make_synack()). */
struct sk_buff *xtcp_make_synack(const struct sock *sk, struct dst_entry *dst,
				 struct request_sock *req)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct tcp_request_sock *treq = tcp_rsk(req);
	struct xtcp_tx_options o;
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int hlen;

	skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_TCP_HEADER);

	memset(&o, 0, sizeof(o));
	o.mss = xtcp_advertised_mss(sk, dst);
	o.wscale_ok = ireq->wscale_ok;
	o.wscale = ireq->rcv_wscale;
	o.sack_ok = ireq->sack_ok;
	o.tstamp_ok = ireq->tstamp_ok;
	if (o.tstamp_ok) {
		o.tsval = xtcp_ts_raw() + treq->ts_off;
		o.tsecr = req->ts_recent;
	}
	hlen = sizeof(*th) + xtcp_options_size(&o);
	skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	th = tcp_hdr(skb);
	memset(th, 0, sizeof(*th));
	th->syn = 1;
	th->ack = 1;
	th->source = htons(ireq->ir_num);
	th->dest = ireq->ir_rmt_port;
	th->seq = htonl(treq->snt_isn);
	th->ack_seq = htonl(treq->rcv_nxt);
	th->doff = hlen >> 2;
	th->window = htons(min(req->rsk_rcv_wnd, 65535U));
	xtcp_write_options((u8 *)(th + 1), &o);
	skb->mark = ireq->ir_mark;
	return skb;
}

/* A segment answering @in_skb without a full socket (@sk: the TIME_WAIT
 * or request sock it hit, the listener, or NULL).
 */
void xtcp_send_reply(struct net *net, struct sk_buff *in_skb, u32 seq,
		     u32 ack, u32 win, u8 flags,
		     const struct xtcp_tx_options *opts, const struct sock *sk)
{
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int hlen;

	skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, MAX_TCP_HEADER);
	hlen = sizeof(*th) + (opts ? xtcp_options_size(opts) : 0);
	skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	th = tcp_hdr(skb);
	memset(th, 0, sizeof(*th));
	th->source = in_th->dest;
	th->dest = in_th->source;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	*(((__be16 *)th) + 6) = htons(((hlen >> 2) << 12) | flags);
	th->window = htons(win);
	if (opts)
		xtcp_write_options((u8 *)(th + 1), opts);
	if (xtcp_ip_send_reply(net, in_skb, skb, sk) == 0) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
		if (flags & TCPHDR_RST)
			XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
	}
}

/* RST answering @in_skb (RFC 9293 3.10.7.1). */
void xtcp_send_reset_reply(struct net *net, struct sk_buff *in_skb,
			   const struct sock *sk)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(in_skb);

	if (cb->tcp_flags & TCPHDR_RST)
		return;
	trace_xtcp_send_reset(sk, in_skb);
	if (cb->tcp_flags & TCPHDR_ACK)
		xtcp_send_reply(net, in_skb, cb->ack_seq, 0, 0, TCPHDR_RST,
				NULL, sk);
	else
		xtcp_send_reply(net, in_skb, 0, cb->end_seq, 0,
				TCPHDR_RST | TCPHDR_ACK, NULL, sk);
}
