// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: ACK processing on the sending side (RFC 9293 3.10.7.4, RFC 6298
 * RTT sampling, RFC 7323 4.1): the window update, the SACK scoreboard
 * and cumulative ACK against the retransmission queue, RTT samples, the
 * congestion-control hooks and the hand-over to loss recovery
 * (recovery.c).  input.c validates the segment first (PAWS, sequence,
 * RST/SYN checks) and calls xtcp_ack() under the socket lock or
 * bh_lock_sock().
 */
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine_priv.h"
#include "sack.h"
#include "seq.h"
#include "trace.h"

/* Send buffer follows cwnd (native tcp_sndbuf_expand()). */
void xtcp_sndbuf_expand(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	const struct tcp_sock *tp = tcp_sk(sk);
	int per_mss, sndmem, nr_segs;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	per_mss = max_t(u32, tp->rx_opt.mss_clamp, tp->mss_cache) +
		  MAX_TCP_HEADER + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	per_mss = roundup_pow_of_two(per_mss) +
		  SKB_DATA_ALIGN(sizeof(struct sk_buff));
	nr_segs = max_t(u32, tcp_snd_cwnd(tp), TCP_INIT_CWND);
	nr_segs = max_t(u32, nr_segs, tp->reordering + 1);
	/* Room for fast recovery: twice the window, or the module's say. */
	sndmem = ca && ca->sndbuf_expand ? ca->sndbuf_expand(sk) : 2;
	sndmem *= nr_segs * per_mss;
	sndmem = min_t(int, sndmem,
		       READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_wmem[2]));
	if (sndmem > sk->sk_sndbuf)
		WRITE_ONCE(sk->sk_sndbuf, sndmem);
}

static void xtcp_check_space(struct sock *sk)
{
	xtcp_sndbuf_expand(sk);
	if (sk->sk_socket && test_bit(SOCK_NOSPACE, &sk->sk_socket->flags) &&
	    sk_stream_memory_free(sk))
		sk->sk_write_space(sk);
}

/*
 * The ACK echoes a timestamp older than the last (re)transmission of a
 * resent segment: the original delivered it, and the resend's send time
 * says nothing about what else is lost (RFC 8985 6.2 step 2, native
 * tcp_skb_spurious_retrans()).
 */
static bool xtcp_spurious_retrans(const struct tcp_sock *tp,
				  const struct xtcp_ack_state *st, u8 sacked,
				  u64 tx_stamp_us)
{
	u32 sent_ms = (u32)div_u64(tx_stamp_us, USEC_PER_MSEC);

	return (sacked & XTCP_SKB_EVER_RETRANS) && st->saw_tstamp &&
	       st->tsecr && before(st->tsecr - tp->tsoffset, sent_ms);
}

/*
 * Free what the cumulative ACK covers from the rtx queue (native
 * tcp_clean_rtx_queue()).  RTT samples: *seq_rtt from the oldest
 * never-resent skb it acks (Karn), *ca_rtt from the newest.
 */
static u32 xtcp_clean_rtx_queue(struct sock *sk, struct xtcp_ack_state *st,
				long *seq_rtt, long *ca_rtt)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool sack = tp->rx_opt.sack_ok;
	u64 first = 0, last = 0;
	u32 reord = tp->snd_nxt;
	struct sk_buff *skb;
	u32 acked = 0;

	while ((skb = skb_rb_first(&sk->tcp_rtx_queue))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 pcount = xtcp_skb_pcount(skb);
		u8 sacked = cb->sacked;
		bool whole = !after(cb->end_seq, tp->snd_una);
		u32 n;

		if (!whole) {
			if (!before(cb->seq, tp->snd_una))
				break;
			/* Partly acknowledged: trim, count what went. */
			xtcp_rtx_trim_acked(sk, skb);
			n = pcount - xtcp_skb_pcount(skb);
			if (!n)
				break;
		} else {
			n = pcount;
		}
		if (cb->tcp_flags & TCPHDR_SYN)
			tp->retrans_stamp = 0;	/* the SYN's, not data's */
		if (sacked & XTCP_SKB_EVER_RETRANS) {
			st->flag |= XTCP_FLAG_RETRANS_DATA_ACKED;
		} else if (!(sacked & XTCP_SKB_SACKED)) {
			if (!first)
				first = cb->tx_stamp_us;
			last = cb->tx_stamp_us;
			st->flag |= XTCP_FLAG_ORIG_SACK_ACKED;
			if (before(cb->seq, reord))
				reord = cb->seq;
		}
		if (whole) {
			if (sacked & XTCP_SKB_RETRANS)
				tp->retrans_out -= pcount;
			if (sacked & XTCP_SKB_LOST)
				tp->lost_out -= pcount;
			if (sacked & XTCP_SKB_SACKED)
				tp->sacked_out -= pcount;
			tp->packets_out -= pcount;
		}
		if (!(sacked & XTCP_SKB_SACKED)) {
			if (sack)
				tp->delivered += n;
			if (!xtcp_spurious_retrans(tp, st, sacked,
						   cb->tx_stamp_us))
				xtcp_rack_update(sk, cb->tx_stamp_us,
						 cb->end_seq,
						 sacked & XTCP_SKB_EVER_RETRANS);
		}
		acked += n;
		if (!whole)
			break;
		xtcp_rtx_queue_unlink_free(sk, skb);
	}
	if (acked)
		st->flag |= XTCP_FLAG_DATA_ACKED;
	/* A never-resent hole below the highest SACK filled: reordering. */
	if (sack && before(reord, st->prior_fack))
		xtcp_note_reordering(sk, reord, st->prior_fack, false);
	if (!sack && acked) {
		/* Native tcp_remove_reno_sacks(): the dupACKs that stood
		 * for these segments are used up.
		 */
		tp->delivered += max_t(int, acked - tp->sacked_out, 1);
		tp->sacked_out = acked - 1 >= tp->sacked_out ? 0 :
				 tp->sacked_out - (acked - 1);
		xtcp_check_reno_reordering(sk, acked);
	}
	if (first && !(st->flag & XTCP_FLAG_RETRANS_DATA_ACKED)) {
		*seq_rtt = (long)(tp->tcp_mstamp - first);
		*ca_rtt = (long)(tp->tcp_mstamp - last);
	}
	return acked;
}

/* The highest SACKed sequence, SND.UNA while nothing is SACKed (native
 * tcp_highest_sack_seq()).
 */
u32 xtcp_highest_sack(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 fack = xtcp_sk(sk)->fack;

	return tp->sacked_out && after(fack, tp->snd_una) ? fack : tp->snd_una;
}

int xtcp_ack(struct sock *sk, struct sk_buff *skb,
	     const struct xtcp_rx_options *opt)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct tcp_sock *tp = &xs->tcp;
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 ack = cb->ack_seq, prior_una = tp->snd_una;
	struct xtcp_ack_state st = {};
	long seq_rtt = -1, ca_rtt = -1, sack_rtt = -1;
	u32 nwin, acked = 0;
	int rexmit;

	if (before(ack, prior_una)) {
		if (before(ack, prior_una - tp->max_window))
			return XTCP_ACK_TOO_OLD;
		xtcp_store_ts_recent(tp, opt, cb->seq);
		/* An old ACK may still carry news: a D-SACK (RFC 2883). */
		if (tp->rx_opt.sack_ok && opt->num_sacks &&
		    sk->sk_state != TCP_SYN_RECV) {
			st.ack = prior_una;
			st.prior_snd_una = prior_una;
			st.prior_delivered = tp->delivered;
			st.prior_fack = xtcp_highest_sack(sk);
			xtcp_sacktag(sk, opt, &st);
			if (st.flag & XTCP_FLAG_DATA_SACKED)
				xtcp_recovery_ack(sk, &st);
			XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_TCPDELIVERED,
				       tp->delivered - st.prior_delivered);
		}
		return XTCP_ACK_OLD;
	}
	if (after(ack, tp->snd_nxt))
		return XTCP_ACK_UNSENT;
	/* The ACK is acceptable: now TS.Recent may move. */
	xtcp_store_ts_recent(tp, opt, cb->seq);

	st.ack = ack;
	st.prior_snd_una = prior_una;
	st.prior_delivered = tp->delivered;
	st.prior_fack = xtcp_highest_sack(sk);
	st.saw_tstamp = opt->saw_tstamp;
	st.tsecr = opt->tsecr;
	if (skb->len)
		st.flag |= XTCP_FLAG_DATA;

	/* Window update (RFC 9293 3.10.7.4, SND.WL1/SND.WL2). */
	nwin = ntohs(th->window);
	if (!(cb->tcp_flags & TCPHDR_SYN))
		nwin <<= tp->rx_opt.snd_wscale;
	if (after(ack, prior_una) || after(cb->seq, tp->snd_wl1) ||
	    (cb->seq == tp->snd_wl1 && (nwin > tp->snd_wnd || !nwin))) {
		tp->snd_wl1 = cb->seq;
		if (tp->snd_wnd != nwin) {
			st.flag |= XTCP_FLAG_WIN_UPDATE;
			tp->snd_wnd = nwin;
			if (nwin > tp->max_window) {
				tp->max_window = nwin;
				xtcp_sync_mss(sk, icsk->icsk_pmtu_cookie);
			}
		}
	}
	tp->rcv_tstamp = tcp_jiffies32;
	icsk->icsk_probes_out = 0;

	if (after(ack, prior_una)) {
		st.flag |= XTCP_FLAG_SND_UNA_ADVANCED | XTCP_FLAG_SET_XMIT_TIMER;
		tp->bytes_acked += ack - prior_una;
		WRITE_ONCE(tp->snd_una, ack);
		icsk->icsk_retransmits = 0;
	}
	if (!after(xs->fack, tp->snd_una))
		xs->fack = tp->snd_una;

	/* SACK first, so the cumulative part sees the marks. */
	if (tp->rx_opt.sack_ok && opt->num_sacks)
		xtcp_sacktag(sk, opt, &st);
	if (after(ack, prior_una))
		acked = xtcp_clean_rtx_queue(sk, &st, &seq_rtt, &ca_rtt);
	/* The scoreboard's counters must drain with the queue. */
	if (unlikely(!tp->packets_out &&
		     (tp->sacked_out || tp->lost_out || tp->retrans_out))) {
		WARN_ON_ONCE(1);
		tp->sacked_out = 0;
		tp->lost_out = 0;
		tp->retrans_out = 0;
	}

	/* RTT (RFC 6298 with Karn; RFC 7323 4.1 timestamps otherwise). */
	if (st.first_sackt) {
		sack_rtt = (long)(tp->tcp_mstamp - st.first_sackt);
		ca_rtt = (long)(tp->tcp_mstamp - st.last_sackt);
	}
	if (seq_rtt < 0)
		seq_rtt = sack_rtt;
	if (seq_rtt < 0 && opt->saw_tstamp && opt->tsecr &&
	    tp->rx_opt.tstamp_ok && acked) {
		u32 d = xtcp_ts_now(tp) - opt->tsecr;

		/* A zero difference is a sub-tick RTT, not none: one
		 * tick (native), never 0 us, which would make the minimum
		 * RTT, and with it RACK's reordering window, vanish.
		 */
		if (d < INT_MAX / USEC_PER_MSEC) {
			seq_rtt = (long)max_t(u32, d, 1) * USEC_PER_MSEC;
			ca_rtt = seq_rtt;
		}
	}
	if (seq_rtt >= 0) {
		xtcp_rtt_estimator(sk, seq_rtt, ca_rtt >= 0 ? ca_rtt : seq_rtt);
		icsk->icsk_backoff = 0;
	}
	xtcp_ca_pkts_acked(sk, acked, ca_rtt,
			   tp->delivered - st.prior_delivered);

	xtcp_ca_in_ack_event(sk, CA_ACK_SLOWPATH |
			     (st.flag & XTCP_FLAG_WIN_UPDATE ?
			      CA_ACK_WIN_UPDATE : 0));
	rexmit = xtcp_recovery_ack(sk, &st);
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_TCPDELIVERED,
		       tp->delivered - st.prior_delivered);

	if (!tp->packets_out) {
		if (icsk->icsk_pending == ICSK_TIME_RETRANS ||
		    icsk->icsk_pending == ICSK_TIME_LOSS_PROBE ||
		    icsk->icsk_pending == ICSK_TIME_REO_TIMEOUT)
			inet_csk_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
	} else if (st.flag & XTCP_FLAG_SET_XMIT_TIMER) {
		xtcp_set_xmit_timer(sk);
	}
	if (acked)
		xtcp_check_space(sk);

	/* A window opened while probing. */
	if (icsk->icsk_pending == ICSK_TIME_PROBE0) {
		struct sk_buff *head = skb_peek(&sk->sk_write_queue);

		if (!head || before(XTCP_SKB_CB(head)->seq,
				    tp->snd_una + tp->snd_wnd)) {
			icsk->icsk_backoff = 0;
			icsk->icsk_probes_tstamp = 0;
			inet_csk_clear_xmit_timer(sk, ICSK_TIME_PROBE0);
		} else {
			/* Still closed: the next probe counts from this
			 * answer (native tcp_ack_probe()).
			 */
			xtcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0,
					      xtcp_probe0_when(sk));
		}
	}
	if (rexmit == XTCP_REXMIT_NEW) {
		/* F-RTO step 2.b: new data now; resends only if none went. */
		xtcp_data_snd_check(sk);
		if (after(tp->snd_nxt, tp->high_seq))
			return XTCP_ACK_OK;
		tp->frto = 0;
	}
	if (rexmit != XTCP_REXMIT_NONE)
		xtcp_xmit_retransmit_queue(sk);
	return XTCP_ACK_OK;
}
