// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: loss recovery on the sending side.
 *
 *	SACK scoreboard		RFC 2018, RFC 6675 (marks on the rtx queue)
 *	D-SACK reception	RFC 2883
 *	loss detection		RACK-TLP, RFC 8985 (rack.c does the arithmetic);
 *				without SACK the classic three duplicate ACKs
 *				and NewReno partial ACKs (RFC 5681, RFC 6582)
 *	cwnd during recovery	PRR, RFC 6937
 *	undo			Eifel detection with timestamps (RFC 3522),
 *				D-SACK, F-RTO after a timeout (RFC 5682)
 *
 * The states are native's icsk_ca_state values with native meaning
 * (Open, Disorder, CWR, Recovery, Loss) since tcp_congestion_ops modules
 * see them through set_state().  Every cwnd/ssthresh change in here goes
 * through the socket's tcp_congestion_ops (cong.c) or PRR.
 *
 * Per-skb marks (XTCP_SKB_CB(skb)->sacked, protocol.h) and the counters
 * they feed, kept in step as native keeps them:
 *	SACKED			sacked_out
 *	LOST			lost_out  (stays set while a retransmission is
 *				out: "lost and retransmitted" is LOST|RETRANS)
 *	RETRANS			retrans_out (a retransmission in flight)
 *	EVER_RETRANS		no counter (Karn, undo, RACK ambiguity)
 * packets in flight = packets_out - (sacked_out + lost_out) + retrans_out
 * (RFC 6675's "pipe").
 *
 * Everything here runs under the socket lock or bh_lock_sock() with the
 * socket not owned by user (ACK processing and the retransmit timer).
 */
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "engine_priv.h"
#include "rack.h"
#include "sack.h"

static bool xtcp_is_sack(const struct tcp_sock *tp)
{
	return tp->rx_opt.sack_ok;
}

static bool xtcp_rack_on(const struct sock *sk)
{
	return READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_recovery) &
	       TCP_RACK_LOSS_DETECTION;
}

static u32 xtcp_min_rtt(const struct tcp_sock *tp)
{
	return minmax_get(&tp->rtt_min);
}

/* The segment size @skb went out with (as xtcp_transmit_skb() cut it). */
u32 xtcp_skb_mss(const struct tcp_sock *tp, const struct sk_buff *skb)
{
	u32 segs = xtcp_skb_pcount(skb);

	if (segs <= 1 || !skb->len)
		return max_t(u32, skb->len, 1);
	if (DIV_ROUND_UP(skb->len, tp->mss_cache) == segs)
		return tp->mss_cache;
	return DIV_ROUND_UP(skb->len, segs);
}

/* The first rtx-queue skb that ends after @seq. */
static struct sk_buff *xtcp_rtx_find(struct sock *sk, u32 seq)
{
	struct rb_node *p = sk->tcp_rtx_queue.rb_node;
	struct sk_buff *best = NULL;

	while (p) {
		struct sk_buff *skb = rb_to_skb(p);

		if (after(XTCP_SKB_CB(skb)->end_seq, seq)) {
			best = skb;
			if (!after(XTCP_SKB_CB(skb)->seq, seq))
				break;
			p = p->rb_left;
		} else {
			p = p->rb_right;
		}
	}
	return best;
}

/* Native tcp_mark_skb_lost(): lost, or a retransmission that was lost.
 * Also pmtu.c's, for segments too large for a smaller path MTU.
 */
void xtcp_mark_skb_lost(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 pcount = xtcp_skb_pcount(skb);

	if (cb->sacked & XTCP_SKB_SACKED)
		return;
	if (cb->sacked & XTCP_SKB_RETRANS) {
		/* RFC 8985 6.2: a lost retransmission. */
		cb->sacked &= ~XTCP_SKB_RETRANS;
		tp->retrans_out -= pcount;
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_TCPLOSTRETRANSMIT,
			       pcount);
	}
	if (!(cb->sacked & XTCP_SKB_LOST)) {
		cb->sacked |= XTCP_SKB_LOST;
		tp->lost_out += pcount;
		tp->lost += pcount;
	}
}

/* RFC 6675's reordering estimate (native tcp_check_sack_reordering()):
 * a never-retransmitted segment starting at @low was delivered below the
 * highest SACKed sequence @fack; @ts: timestamps (Eifel), not SACK,
 * showed it.
 */
void xtcp_note_reordering(struct sock *sk, u32 low, u32 fack, bool ts)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 max_reo = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_max_reordering);
	u32 metric;

	if (!before(low, fack))
		return;
	metric = (fack - low) / max_t(u32, tp->mss_cache, 1) + 1;
	if (metric > tp->reordering)
		tp->reordering = min(metric, max_reo);
	tp->reord_seen++;
	XTCP_INC_STATS(sock_net(sk), ts ? XTCP_MIB_TCPTSREORDER :
					   XTCP_MIB_TCPSACKREORDER);
}

/* A cumulatively ACKed skb delivered: RFC 8985 6.2 step 2. */
void xtcp_rack_update(struct sock *sk, u64 xmit_us, u32 end_seq,
		      bool retrans)
{
	struct tcp_sock *tp = tcp_sk(sk);

	xtcp_rack_advance(&tp->rack, xmit_us, end_seq, retrans,
			  tp->tcp_mstamp, xtcp_min_rtt(tp));
}

/* --- the SACK scoreboard --- */

static void xtcp_sacktag_one(struct sock *sk, struct sk_buff *skb,
			     struct xtcp_ack_state *st)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct tcp_sock *tp = &xs->tcp;
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 pcount = xtcp_skb_pcount(skb);

	if (cb->sacked & XTCP_SKB_RETRANS) {
		cb->sacked &= ~XTCP_SKB_RETRANS;
		tp->retrans_out -= pcount;
	}
	if (cb->sacked & XTCP_SKB_LOST) {
		cb->sacked &= ~XTCP_SKB_LOST;
		tp->lost_out -= pcount;
	}
	cb->sacked |= XTCP_SKB_SACKED;
	tp->sacked_out += pcount;
	tp->delivered += pcount;
	st->newly_sacked += pcount;
	st->flag |= XTCP_FLAG_DATA_SACKED;

	if (!(cb->sacked & XTCP_SKB_EVER_RETRANS)) {
		st->flag |= XTCP_FLAG_ORIG_SACK_ACKED;
		/* Reordering: SACKed below the highest SACK.  Judged once
		 * per ACK from the lowest such sequence, as native
		 * tcp_sacktag_write_queue() does.
		 */
		if (before(cb->seq, xs->fack) &&
		    (!st->has_reord || before(cb->seq, st->reord))) {
			st->reord = cb->seq;
			st->has_reord = true;
		}
		if (!st->first_sackt || cb->tx_stamp_us < st->first_sackt)
			st->first_sackt = cb->tx_stamp_us;
		if (cb->tx_stamp_us > st->last_sackt)
			st->last_sackt = cb->tx_stamp_us;
	}
	xtcp_rack_advance(&tp->rack, cb->tx_stamp_us, cb->end_seq,
			  cb->sacked & XTCP_SKB_EVER_RETRANS, tp->tcp_mstamp,
			  xtcp_min_rtt(tp));
	if (after(cb->end_seq, xs->fack))
		xs->fack = cb->end_seq;
}

/* Mark what one (sanitized) block covers, splitting skbs at its edges. */
static void xtcp_sacktag_block(struct sock *sk,
			       const struct xtcp_sack_block *b,
			       struct xtcp_ack_state *st)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = xtcp_rtx_find(sk, b->start);

	while (skb && before(XTCP_SKB_CB(skb)->seq, b->end)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		struct sk_buff *next = skb_rb_next(skb);
		u32 mss, from, to;

		if ((cb->sacked & XTCP_SKB_SACKED) ||
		    (cb->tcp_flags & TCPHDR_SYN) || !skb->len)
			goto next;
		mss = xtcp_skb_mss(tp, skb);
		if (!xtcp_sack_cover(cb->seq, cb->end_seq, b, mss, &from, &to))
			goto next;
		if (from != cb->seq) {
			/* Keep the unSACKed head here, go on with the rest. */
			if (xtcp_rtx_fragment(sk, skb, from - cb->seq, mss))
				return;
			next = skb_rb_next(skb);
			goto next;
		}
		if (to != cb->end_seq &&
		    xtcp_rtx_fragment(sk, skb, to - cb->seq, mss))
			return;
		xtcp_sacktag_one(sk, skb, st);
		next = skb_rb_next(skb);
next:
		skb = next;
	}
}

/* RFC 2883: what a D-SACK tells the sender. */
/*
 * A D-SACK above SND.UNA: the receiver holds that data out of order and
 * got it twice, so the resends it covers were needless too (native
 * tcp_sacktag_one() with dup_sack on a retransmitted skb).  Without
 * this, reordering that overtakes a resend never lets the episode undo.
 */
static void xtcp_dsack_rtx(struct sock *sk, const struct xtcp_sack_block *d)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = xtcp_rtx_find(sk, d->start);

	for (; skb && tp->undo_marker && tp->undo_retrans > 0;
	     skb = skb_rb_next(skb)) {
		const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 from = after(d->start, cb->seq) ? d->start : cb->seq;
		u32 to = before(d->end, cb->end_seq) ? d->end : cb->end_seq;
		u32 segs;

		if (!before(cb->seq, d->end))
			break;
		if (!(cb->sacked & XTCP_SKB_EVER_RETRANS) ||
		    !after(cb->end_seq, tp->undo_marker) || !after(to, from))
			continue;
		segs = min_t(u32, xtcp_skb_pcount(skb),
			     DIV_ROUND_UP(to - from, xtcp_skb_mss(tp, skb)));
		tp->undo_retrans -= min_t(u32, segs, tp->undo_retrans);
	}
}

static void xtcp_dsack_rcv(struct sock *sk, const struct xtcp_sack_in *in,
			   struct xtcp_ack_state *st)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct xtcp_sack_block *d = &in->dsack_blk;
	u32 segs = DIV_ROUND_UP(d->end - d->start,
				max_t(u32, tp->mss_cache, 1));

	st->flag |= XTCP_FLAG_DSACKING_ACK;
	tp->dsack_dups += segs;
	/* Native tcp_check_dsack(): below the ACK, or inside the second
	 * block (an out-of-order duplicate).
	 */
	XTCP_INC_STATS(sock_net(sk), before(d->start, st->ack) ?
		       XTCP_MIB_TCPDSACKRECV : XTCP_MIB_TCPDSACKOFORECV);
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_TCPDSACKRECVSEGS, segs);
	tp->rack.dsack_seen = 1;
	/* Each duplicate below the recovery start proves one retransmission
	 * unnecessary (RFC 2883 section 5 / RFC 3708).
	 */
	if (tp->undo_marker && tp->undo_retrans > 0 &&
	    !after(d->end, st->prior_snd_una) &&
	    after(d->end, tp->undo_marker))
		tp->undo_retrans -= min_t(u32, segs, tp->undo_retrans);
	else if (after(d->end, st->prior_snd_una))
		xtcp_dsack_rtx(sk, d);
	/* The loss probe itself was a duplicate: nothing was lost. */
	if (tp->tlp_high_seq && tp->tlp_retrans && d->end == tp->tlp_high_seq)
		st->flag |= XTCP_FLAG_DSACK_TLP;
}

void xtcp_sacktag(struct sock *sk, const struct xtcp_rx_options *opt,
		  struct xtcp_ack_state *st)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct xtcp_sack_block raw[XTCP_SACK_MAX];
	struct xtcp_sack_in in;
	int i, n = min_t(int, opt->num_sacks, XTCP_SACK_MAX);

	for (i = 0; i < n; i++) {
		raw[i].start = opt->sack[i].start;
		raw[i].end = opt->sack[i].end;
	}
	xtcp_sack_sanitize(raw, n, tp->snd_una, tp->snd_nxt, tp->max_window,
			   &in);
	if (in.dsack)
		xtcp_dsack_rcv(sk, &in, st);
	for (i = 0; i < in.n; i++)
		xtcp_sacktag_block(sk, &in.blk[i], st);
	if (st->has_reord &&
	    (inet_csk(sk)->icsk_ca_state != TCP_CA_Loss || tp->undo_marker))
		xtcp_note_reordering(sk, st->reord, st->prior_fack, false);
}

/* --- RACK (RFC 8985) --- */

/* RFC 8985 6.2 step 5 over the whole queue; returns the time until the
 * next segment may be due (0: none pending).
 */
static u32 xtcp_rack_detect_loss(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	bool dupthresh = tp->sacked_out >= tp->reordering &&
		!(READ_ONCE(pn->sysctl_tcp_recovery) & TCP_RACK_NO_DUPTHRESH);
	struct sk_buff *skb;
	u32 reo_wnd, wait = 0;

	reo_wnd = xtcp_rack_reo_wnd(&tp->rack, tp->reord_seen,
				    inet_csk(sk)->icsk_ca_state >=
				    TCP_CA_Recovery, dupthresh,
				    xtcp_min_rtt(tp), tp->srtt_us >> 3);
	tp->rack.advanced = 0;
	skb_rbtree_walk(skb, &sk->tcp_rtx_queue) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		s64 left;

		if (cb->sacked & XTCP_SKB_SACKED)
			continue;
		/* Marked lost and not yet retransmitted. */
		if ((cb->sacked & (XTCP_SKB_LOST | XTCP_SKB_RETRANS)) ==
		    XTCP_SKB_LOST)
			continue;
		if (!xtcp_rack_sent_after(tp->rack.mstamp, cb->tx_stamp_us,
					  tp->rack.end_seq, cb->end_seq))
			continue;
		left = xtcp_rack_remaining(&tp->rack, cb->tx_stamp_us,
					   reo_wnd, tp->tcp_mstamp);
		if (left <= 0)
			xtcp_mark_skb_lost(sk, skb);
		else if (left > wait)
			wait = min_t(s64, left, U32_MAX);
	}
	return wait;
}

/* Run RACK; arm the reordering timer for what is not due yet. */
static bool xtcp_rack_mark_lost(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 wait;

	if (!tp->rack.advanced)
		return false;
	wait = xtcp_rack_detect_loss(sk);
	if (wait) {
		/* RFC 8985 6.3: wait out the window (plus a tick). */
		xtcp_reset_xmit_timer(sk, ICSK_TIME_REO_TIMEOUT,
				      usecs_to_jiffies(wait) + TCP_TIMEOUT_MIN);
		return true;
	}
	return false;
}

/* --- entering and leaving recovery --- */

/* Native tcp_init_undo(): remember where this episode began. */
static void xtcp_init_undo(struct tcp_sock *tp)
{
	tp->undo_marker = tp->snd_una;
	/* Retransmissions still out from before also need a D-SACK. */
	tp->undo_retrans = tp->retrans_out ? : -1;
}

/* RFC 6937: start a reduction from the current window. */
static void xtcp_init_cwnd_reduction(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->high_seq = tp->snd_nxt;
	tp->tlp_high_seq = 0;
	tp->snd_cwnd_cnt = 0;
	tp->prior_cwnd = tcp_snd_cwnd(tp);
	tp->prr_delivered = 0;
	tp->prr_out = 0;
	tp->snd_ssthresh = inet_csk(sk)->icsk_ca_ops->ssthresh(sk);
}

/*
 * RFC 6937 section 3: how many segments this ACK lets out.  Above
 * ssthresh, send in proportion to what was delivered (ssthresh /
 * RecoverFS); at or below it, slow-start back up to ssthresh but never
 * send more than was delivered plus one (the SSRB bound).  The first
 * ACK of recovery always lets the fast retransmit out.
 */
static void xtcp_prr(struct sock *sk, u32 delivered, bool una_advanced,
		     bool newly_lost)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 pipe = xtcp_packets_in_flight(tp);
	s64 sndcnt;

	if (!delivered || !tp->prior_cwnd)
		return;
	tp->prr_delivered += delivered;
	if (pipe > tp->snd_ssthresh) {
		u64 num = (u64)tp->prr_delivered * tp->snd_ssthresh;

		sndcnt = (s64)DIV_ROUND_UP_ULL(num, tp->prior_cwnd) -
			 tp->prr_out;
	} else {
		s64 limit = (s64)tp->prr_delivered - tp->prr_out;

		sndcnt = max_t(s64, limit, delivered);
		if (una_advanced && !newly_lost)
			sndcnt++;
		sndcnt = min_t(s64, sndcnt, tp->snd_ssthresh - pipe);
	}
	if (sndcnt < (tp->prr_out ? 0 : 1))
		sndcnt = tp->prr_out ? 0 : 1;
	tcp_snd_cwnd_set(tp, max_t(u32, pipe + sndcnt, 1));
}

/* A reduction is over: settle at ssthresh (tcp_end_cwnd_reduction()). */
static void xtcp_end_cwnd_reduction(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->snd_ssthresh < TCP_INFINITE_SSTHRESH &&
	    (inet_csk(sk)->icsk_ca_state == TCP_CA_CWR || tp->undo_marker)) {
		tcp_snd_cwnd_set(tp, tp->snd_ssthresh);
		tp->snd_cwnd_stamp = tcp_jiffies32;
	}
	xtcp_ca_event(sk, CA_EVENT_COMPLETE_CWR);
}

static void xtcp_enter_recovery(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 state = inet_csk(sk)->icsk_ca_state;

	XTCP_INC_STATS(sock_net(sk), xtcp_is_sack(tp) ?
		       XTCP_MIB_TCPSACKRECOVERY : XTCP_MIB_TCPRENORECOVERY);
	tp->prior_ssthresh = 0;
	xtcp_init_undo(tp);
	if (state != TCP_CA_CWR && state != TCP_CA_Recovery) {
		tp->prior_ssthresh = xtcp_current_ssthresh(sk);
		xtcp_init_cwnd_reduction(sk);
	}
	xtcp_set_ca_state(sk, TCP_CA_Recovery);
}

/* Back to Open or Disorder once nothing is outstanding. */
static void xtcp_try_to_open(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->retrans_out)
		tp->retrans_stamp = 0;
	if (inet_csk(sk)->icsk_ca_state == TCP_CA_CWR)
		return;
	if (tp->sacked_out || tp->lost_out || tp->retrans_out ||
	    tp->undo_marker) {
		if (inet_csk(sk)->icsk_ca_state != TCP_CA_Disorder)
			xtcp_set_ca_state(sk, TCP_CA_Disorder);
	} else if (inet_csk(sk)->icsk_ca_state != TCP_CA_Open) {
		xtcp_set_ca_state(sk, TCP_CA_Open);
	}
}

/* --- undo (RFC 3522, RFC 2883, RFC 5682) --- */

/* Eifel: the ACK echoes a timestamp older than our first retransmission,
 * so an original transmission got through.  With no resend on record
 * (none went out this episode) nothing can have been needless either
 * (native tcp_packet_delayed()).
 */
static bool xtcp_packet_delayed(const struct sock *sk,
				const struct xtcp_ack_state *st)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->retrans_stamp)
		return sk->sk_state != TCP_SYN_SENT;
	return st->saw_tstamp && st->tsecr &&
	       before(st->tsecr - tp->tsoffset, tp->retrans_stamp);
}

static bool xtcp_may_undo(const struct sock *sk,
			  const struct xtcp_ack_state *st)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return tp->undo_marker &&
	       (!tp->undo_retrans || xtcp_packet_delayed(sk, st));
}

/* Native tcp_any_retrans_done(): a resend is out or the head was resent. */
static bool xtcp_any_retrans_done(const struct sock *sk)
{
	const struct sk_buff *skb = skb_rb_first(&sk->tcp_rtx_queue);

	return tcp_sk(sk)->retrans_out ||
	       (skb && (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_EVER_RETRANS));
}

/* Leave a reduction that proved needless for Open, or Disorder while
 * anything is still SACKed, lost or resent (native tcp_try_keep_open()).
 */
static void xtcp_try_keep_open(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 state = TCP_CA_Open;

	if (tp->sacked_out || tp->lost_out || xtcp_any_retrans_done(sk))
		state = TCP_CA_Disorder;
	if (inet_csk(sk)->icsk_ca_state != state)
		xtcp_set_ca_state(sk, state);
	tp->high_seq = tp->snd_nxt;
}

static void xtcp_undo_cwnd_reduction(struct sock *sk, bool unmark_loss)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (unmark_loss) {
		struct sk_buff *skb;

		skb_rbtree_walk(skb, &sk->tcp_rtx_queue)
			XTCP_SKB_CB(skb)->sacked &= ~XTCP_SKB_LOST;
		tp->lost_out = 0;
	}
	if (tp->prior_ssthresh) {
		tcp_snd_cwnd_set(tp,
				 inet_csk(sk)->icsk_ca_ops->undo_cwnd(sk));
		if (tp->prior_ssthresh > tp->snd_ssthresh)
			tp->snd_ssthresh = tp->prior_ssthresh;
	}
	tp->snd_cwnd_stamp = tcp_jiffies32;
	tp->undo_marker = 0;
	tp->rack.advanced = 1;
}

/* Leaving Recovery (or Loss) at its end: undo if it was spurious. */
static void xtcp_try_undo_recovery(struct sock *sk,
				   const struct xtcp_ack_state *st)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (xtcp_may_undo(sk, st)) {
		xtcp_undo_cwnd_reduction(sk, false);
		XTCP_INC_STATS(sock_net(sk),
			       inet_csk(sk)->icsk_ca_state == TCP_CA_Loss ?
			       XTCP_MIB_TCPLOSSUNDO : XTCP_MIB_TCPFULLUNDO);
	}
	xtcp_rack_recovery_done(&tp->rack);
	if (inet_csk(sk)->icsk_ca_state == TCP_CA_Recovery)
		xtcp_end_cwnd_reduction(sk);
	tp->undo_marker = 0;
	xtcp_set_ca_state(sk, TCP_CA_Open);
	tp->is_sack_reneg = 0;
	xtcp_try_to_open(sk);
}

/*
 * A partial ACK in Recovery (RFC 3522; native tcp_try_undo_partial()):
 * Eifel says a delayed original, not our resend, filled the hole, so the
 * path reorders deeper than we thought.  While resends are still out,
 * hold: send new data only, mark nothing more lost on this ACK (returns
 * true).  Once none is out, undo the reduction and leave Recovery; loss
 * still evident starts a new one.
 */
static bool xtcp_try_undo_partial(struct sock *sk,
				  const struct xtcp_ack_state *st)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->undo_marker || !xtcp_packet_delayed(sk, st))
		return false;
	xtcp_note_reordering(sk, st->prior_snd_una, xtcp_highest_sack(sk),
			     true);
	if (tp->retrans_out)
		return true;
	if (!xtcp_any_retrans_done(sk))
		tp->retrans_stamp = 0;
	xtcp_undo_cwnd_reduction(sk, true);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPPARTIALUNDO);
	xtcp_try_keep_open(sk);
	return false;
}

/* In Loss: the timeout was spurious (F-RTO, or Eifel). */
static bool xtcp_try_undo_loss(struct sock *sk,
			       const struct xtcp_ack_state *st, bool frto)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!frto && !xtcp_may_undo(sk, st))
		return false;
	xtcp_undo_cwnd_reduction(sk, true);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPLOSSUNDO);
	if (frto)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPSPURIOUSRTOS);
	inet_csk(sk)->icsk_retransmits = 0;
	tp->frto = 0;
	xtcp_set_ca_state(sk, TCP_CA_Open);
	xtcp_try_to_open(sk);
	return true;
}

/* --- timeout --- */

/* RTO (native tcp_enter_loss()): everything not SACKed is lost. */
void xtcp_enter_loss(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	bool new_recovery = icsk->icsk_ca_state < TCP_CA_Recovery;
	struct sk_buff *skb;
	u32 reordering;

	/* RFC 2018 8: SACKs are advisory.  The head SACKed yet not
	 * cumulatively acked at a timeout means the receiver discarded
	 * what it SACKed (reneging): forget every SACK and resend it all,
	 * as native tcp_timeout_mark_lost() does.
	 */
	skb = skb_rb_first(&sk->tcp_rtx_queue);
	if (skb && (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPSACKRENEGING);
		skb_rbtree_walk(skb, &sk->tcp_rtx_queue)
			XTCP_SKB_CB(skb)->sacked &= ~XTCP_SKB_SACKED;
		tp->sacked_out = 0;
		tp->is_sack_reneg = 1;
		xtcp_sk(sk)->fack = tp->snd_una;	/* no SACK stands */
	} else if (!xtcp_is_sack(tp)) {
		/* The dupACKs counted so far stood for nothing we know. */
		tp->sacked_out = 0;
	}
	skb_rbtree_walk(skb, &sk->tcp_rtx_queue)
		xtcp_mark_skb_lost(sk, skb);

	/* Reduce ssthresh once per window of data. */
	if (icsk->icsk_ca_state <= TCP_CA_Disorder ||
	    !after(tp->high_seq, tp->snd_una) ||
	    (icsk->icsk_ca_state == TCP_CA_Loss && !icsk->icsk_retransmits)) {
		tp->prior_ssthresh = xtcp_current_ssthresh(sk);
		tp->prior_cwnd = tcp_snd_cwnd(tp);
		tp->snd_ssthresh = icsk->icsk_ca_ops->ssthresh(sk);
		xtcp_ca_event(sk, CA_EVENT_LOSS);
		xtcp_init_undo(tp);
	}
	tcp_snd_cwnd_set(tp, xtcp_packets_in_flight(tp) + 1);
	tp->snd_cwnd_cnt = 0;
	tp->snd_cwnd_stamp = tcp_jiffies32;

	/* A timeout after many DUPACKs: reordering was overestimated. */
	reordering = READ_ONCE(pn->sysctl_tcp_reordering);
	if (icsk->icsk_ca_state <= TCP_CA_Disorder &&
	    tp->sacked_out >= reordering)
		tp->reordering = min_t(u32, tp->reordering, reordering);

	xtcp_set_ca_state(sk, TCP_CA_Loss);
	tp->high_seq = tp->snd_nxt;
	tp->tlp_high_seq = 0;
	/* RFC 5682 3.1 step 1: F-RTO unless a recovery was under way
	 * (repeated timeouts on the same SND.UNA keep it).
	 */
	tp->frto = READ_ONCE(pn->sysctl_tcp_frto) &&
		   (new_recovery || icsk->icsk_retransmits);
}

/* --- per ACK --- */

/* Native tcp_add_reno_sack(): without SACK, each duplicate ACK stands
 * for one segment that left the network.
 */
/*
 * Without SACK, duplicate ACKs stand for segments that arrived (RFC
 * 5681 / RFC 6582).  More of them than segments beyond the holes can
 * only mean reordering (or a broken receiver): clamp, and raise the
 * reordering degree as native tcp_check_reno_reordering() does.
 * @addend: segments just cumulatively acked.
 */
void xtcp_check_reno_reordering(struct sock *sk, u32 addend)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 holes = max(tp->lost_out, 1U);
	u32 max_reo = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_max_reordering);

	if (tp->sacked_out + holes <= tp->packets_out)
		return;
	tp->sacked_out = tp->packets_out > holes ? tp->packets_out - holes : 0;
	tp->reordering = min(tp->packets_out + addend, max_reo);
	tp->reord_seen++;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPRENOREORDER);
}

static void xtcp_add_reno_sack(struct sock *sk, u32 n)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 prior = tp->sacked_out;

	tp->sacked_out += n;
	xtcp_check_reno_reordering(sk, 0);
	if (tp->sacked_out > prior)
		tp->delivered += tp->sacked_out - prior;
}

/* Without SACK (or RACK): the head is lost after DupThresh duplicate
 * ACKs (SACKed segments), or on a partial ACK in recovery (RFC 6582 3.2
 * step 3).  Only its first segment is resent.
 */
static void xtcp_newreno_mark_lost(struct sock *sk, bool una_advanced)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 state = inet_csk(sk)->icsk_ca_state;
	struct sk_buff *skb;
	u32 mss;

	if (!((state < TCP_CA_Recovery && tp->sacked_out >= tp->reordering) ||
	      (state == TCP_CA_Recovery && una_advanced)))
		return;
	skb = skb_rb_first(&sk->tcp_rtx_queue);
	if (!skb || (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_LOST))
		return;
	mss = xtcp_skb_mss(tp, skb);
	if (xtcp_skb_pcount(skb) > 1 && skb->len > mss)
		xtcp_rtx_fragment(sk, skb, mss, mss);
	xtcp_mark_skb_lost(sk, skb);
}

/* RFC 8985 7.4: the end of a loss-probe episode. */
static void xtcp_process_tlp_ack(struct sock *sk, u32 ack,
				 const struct xtcp_ack_state *st)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (before(ack, tp->tlp_high_seq))
		return;
	if (!tp->tlp_retrans || (st->flag & XTCP_FLAG_DSACK_TLP)) {
		/* New data probe acked, or the probe was a duplicate. */
		tp->tlp_high_seq = 0;
	} else if (after(ack, tp->tlp_high_seq)) {
		/* The probe repaired a tail loss: one reduction. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPLOSSPROBERECOVERY);
		xtcp_init_cwnd_reduction(sk);
		xtcp_set_ca_state(sk, TCP_CA_CWR);
		xtcp_end_cwnd_reduction(sk);
		xtcp_try_to_open(sk);
	} else if (!(st->flag & (XTCP_FLAG_SND_UNA_ADVANCED |
				 XTCP_FLAG_NOT_DUP |
				 XTCP_FLAG_DATA_SACKED))) {
		/* A pure duplicate ACK: original and probe both arrived. */
		tp->tlp_high_seq = 0;
	}
}

/*
 * The recovery state machine for one ACK (native tcp_fastretrans_alert()
 * plus tcp_cong_control()).  Returns what to (re)transmit now.
 */
int xtcp_recovery_ack(struct sock *sk, struct xtcp_ack_state *st)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	bool una_adv = st->flag & XTCP_FLAG_SND_UNA_ADVANCED;
	bool dupack = !(st->flag & XTCP_FLAG_NOT_DUP) && tp->packets_out;
	bool sack = xtcp_is_sack(tp);
	u32 prior_lost = tp->lost_out, prior_retrans = tp->retrans_out;
	u32 delivered;
	int rexmit = XTCP_REXMIT_NONE;
	bool hold = false;

	if (sack)
		xtcp_rack_update_reo_wnd(&tp->rack,
					 st->flag & XTCP_FLAG_DSACKING_ACK,
					 st->prior_delivered, tp->delivered);
	if (tp->tlp_high_seq)
		xtcp_process_tlp_ack(sk, st->ack, st);

	/* The clean path: nothing dubious about this ACK. */
	if (icsk->icsk_ca_state == TCP_CA_Open && !dupack &&
	    !(st->flag & (XTCP_FLAG_DATA_SACKED | XTCP_FLAG_DSACKING_ACK)) &&
	    !tp->sacked_out && !tp->lost_out)
		goto cong;

	if (!sack && dupack)
		xtcp_add_reno_sack(sk, 1);

	switch (icsk->icsk_ca_state) {
	case TCP_CA_CWR:
		if (!before(tp->snd_una, tp->high_seq)) {
			xtcp_end_cwnd_reduction(sk);
			xtcp_set_ca_state(sk, TCP_CA_Open);
		}
		break;
	case TCP_CA_Recovery:
		if (!before(tp->snd_una, tp->high_seq)) {
			xtcp_try_undo_recovery(sk, st);
			break;
		}
		if (una_adv && xtcp_try_undo_partial(sk, st)) {
			hold = true;
			goto cong;
		}
		if ((st->flag & XTCP_FLAG_DSACKING_ACK) &&
		    tp->undo_marker && !tp->undo_retrans) {
			/* Every retransmission proved needless (D-SACK): undo
			 * and leave Recovery (native tcp_try_undo_dsack() and
			 * tcp_try_to_open()), or PRR below would cut the
			 * restored window again on this very ACK.  Loss still
			 * evident starts a new recovery below.  The reordering
			 * window stays wide a while longer (RFC 8985 7.2).
			 */
			xtcp_undo_cwnd_reduction(sk, false);
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPDSACKUNDO);
			tp->rack.reo_wnd_persist =
				min_t(u32, XTCP_RACK_RECOVERY_THRESH,
				      tp->rack.reo_wnd_persist + 1);
			xtcp_try_to_open(sk);
		}
		break;
	case TCP_CA_Loss:
		if (una_adv && xtcp_try_undo_loss(sk, st, false))
			goto cong;
		if (tp->frto) {
			/* RFC 5682 3.1 (SACK-enhanced): never-retransmitted
			 * data delivered means the timeout was spurious.
			 */
			if ((st->flag & XTCP_FLAG_ORIG_SACK_ACKED) &&
			    xtcp_try_undo_loss(sk, st, true))
				goto cong;
			if (after(tp->snd_nxt, tp->high_seq)) {
				if ((st->flag & XTCP_FLAG_DATA_SACKED) ||
				    dupack)
					tp->frto = 0;	/* step 3.a */
			} else if (una_adv &&
				   before(tp->snd_una, tp->high_seq)) {
				/* Step 2.b: new data instead of resends. */
				tp->high_seq = tp->snd_nxt;
				if (skb_peek(&sk->sk_write_queue) &&
				    after(tp->snd_una + tp->snd_wnd,
					  tp->snd_nxt)) {
					rexmit = XTCP_REXMIT_NEW;
					goto cong;
				}
				tp->frto = 0;
			}
		}
		if (!before(tp->snd_una, tp->high_seq)) {
			xtcp_try_undo_recovery(sk, st);
			break;
		}
		if (!sack) {
			if (after(tp->snd_nxt, tp->high_seq) && dupack)
				; /* counted above */
			else if (una_adv)
				tp->sacked_out = 0;
		}
		rexmit = XTCP_REXMIT_LOST;
		goto cong;
	default:
		break;
	}

	/* Loss detection. */
	if (sack && xtcp_rack_on(sk)) {
		if (xtcp_rack_mark_lost(sk))
			st->flag &= ~XTCP_FLAG_SET_XMIT_TIMER;
	} else {
		/* No SACK, or RACK turned off (tcp_recovery 0x1 clear):
		 * DupThresh marks the head lost, a partial ACK in
		 * recovery the next one.
		 */
		xtcp_newreno_mark_lost(sk, una_adv);
	}
	if (prior_retrans > tp->retrans_out)
		st->flag |= XTCP_FLAG_LOST_RETRANS;

	if (icsk->icsk_ca_state == TCP_CA_Recovery) {
		rexmit = XTCP_REXMIT_LOST;
	} else if (tp->lost_out) {
		xtcp_enter_recovery(sk);
		rexmit = XTCP_REXMIT_LOST;
	} else {
		xtcp_try_to_open(sk);
	}

cong:
	/* Nothing resent is outstanding: forget when resending began
	 * (Eifel's reference and TCP_USER_TIMEOUT's start).
	 */
	if (icsk->icsk_ca_state == TCP_CA_Open && una_adv &&
	    !tp->retrans_out && !tp->tlp_high_seq)
		tp->retrans_stamp = 0;
	delivered = tp->delivered - st->prior_delivered;
	if (icsk->icsk_ca_state == TCP_CA_Recovery ||
	    icsk->icsk_ca_state == TCP_CA_CWR) {
		xtcp_prr(sk, delivered, una_adv, tp->lost_out > prior_lost);
	} else if (xtcp_may_raise_cwnd(sk, st->flag)) {
		xtcp_ca_cong_avoid(sk, st->ack, delivered);
	}
	xtcp_update_pacing_rate(sk);
	if (rexmit == XTCP_REXMIT_NONE && tp->lost_out && !hold &&
	    icsk->icsk_ca_state >= TCP_CA_Recovery)
		rexmit = XTCP_REXMIT_LOST;
	return rexmit;
}

/* native tcp_may_raise_cwnd() */
bool xtcp_may_raise_cwnd(const struct sock *sk, u32 flag)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (tp->reordering >
	    READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_reordering))
		return flag & (XTCP_FLAG_SND_UNA_ADVANCED |
			       XTCP_FLAG_DATA_SACKED);
	return flag & XTCP_FLAG_DATA_ACKED;
}

/* --- timers: RACK reordering timeout, tail loss probe --- */

/* RFC 8985 6.3: the reordering window ran out for some segment. */
void xtcp_rack_reo_timeout(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 prior = xtcp_packets_in_flight(tp), wait;

	wait = xtcp_rack_detect_loss(sk);
	if (prior != xtcp_packets_in_flight(tp)) {
		if (inet_csk(sk)->icsk_ca_state != TCP_CA_Recovery) {
			xtcp_enter_recovery(sk);
			xtcp_prr(sk, 1, false, false);
		}
		xtcp_xmit_retransmit_queue(sk);
	}
	if (wait && inet_csk(sk)->icsk_pending != ICSK_TIME_RETRANS) {
		xtcp_reset_xmit_timer(sk, ICSK_TIME_REO_TIMEOUT,
				      usecs_to_jiffies(wait) + TCP_TIMEOUT_MIN);
		return;
	}
	if (inet_csk(sk)->icsk_pending != ICSK_TIME_RETRANS)
		xtcp_rearm_rto(sk);
}

/* RFC 8985 7.2: arm the probe timeout instead of the RTO, when a probe
 * is allowed: SACK on, TLP enabled (net.xtcp.tcp_early_retrans 3 or 4),
 * data in flight, and no recovery under way.
 */
bool xtcp_schedule_loss_probe(struct sock *sk, bool advancing_rto)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int early = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_early_retrans);
	u32 pto_us, rto_left = 0;

	if ((early != 3 && early != 4) || !tp->packets_out ||
	    !xtcp_is_sack(tp) ||
	    (icsk->icsk_ca_state != TCP_CA_Open &&
	     icsk->icsk_ca_state != TCP_CA_CWR))
		return false;
	if (advancing_rto) {
		rto_left = jiffies_to_usecs(icsk->icsk_rto);
	} else {
		s64 d = xtcp_rto_delta_us(sk);

		rto_left = d > 0 ? (u32)min_t(s64, d, U32_MAX) : 1;
	}
	pto_us = xtcp_tlp_timeout_us(tp->srtt_us, tp->packets_out, rto_left);
	xtcp_reset_xmit_timer(sk, ICSK_TIME_LOSS_PROBE,
			      max_t(unsigned long, usecs_to_jiffies(pto_us),
				    1));
	return true;
}

/* RFC 8985 7.3: the probe timeout fired.  Send new data if some may go,
 * else resend the last segment; one probe per episode.
 */
void xtcp_send_loss_probe(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	u32 pcount, mss;

	if (tp->tlp_high_seq)
		goto rearm;
	tp->tlp_retrans = 0;
	skb = skb_peek(&sk->sk_write_queue);
	if (skb && before(XTCP_SKB_CB(skb)->seq, tp->snd_una + tp->snd_wnd)) {
		pcount = tp->packets_out;
		xtcp_write_xmit(sk, xtcp_current_mss(sk), TCP_NAGLE_OFF,
				XTCP_PUSH_PROBE, GFP_ATOMIC);
		if (tp->packets_out > pcount)
			goto sent;
		goto rearm;
	}
	skb = skb_rb_last(&sk->tcp_rtx_queue);
	if (!skb)
		goto rearm;
	pcount = xtcp_skb_pcount(skb);
	mss = xtcp_skb_mss(tp, skb);
	if (pcount > 1 && skb->len > (pcount - 1) * mss) {
		if (xtcp_rtx_fragment(sk, skb, (pcount - 1) * mss, mss))
			goto rearm;
		skb = skb_rb_next(skb);
		if (!skb)
			goto rearm;
	}
	if (xtcp_retransmit_skb_flags(sk, skb, true))
		goto rearm;
	tp->tlp_retrans = 1;
sent:
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPLOSSPROBES);
	tp->tlp_high_seq = tp->snd_nxt;
	/* The RTO restarts from this probe. */
	inet_csk(sk)->icsk_pending = 0;
rearm:
	xtcp_rearm_rto(sk);
}

/* After an ACK or a send: the probe if one may go, else the RTO. */
void xtcp_set_xmit_timer(struct sock *sk)
{
	if (!xtcp_schedule_loss_probe(sk, true))
		xtcp_rearm_rto(sk);
}
