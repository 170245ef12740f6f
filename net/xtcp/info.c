// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: struct tcp_info, the one filler behind getsockopt(TCP_INFO), the
 * sock_diag INET_DIAG_INFO attribute and the xtcp netlink socket dump,
 * so all three always agree.
 *
 * Every field has its native meaning and unit (Linux 6.12,
 * include/uapi/linux/tcp.h); the control block is a struct tcp_sock
 * whose fields keep their native meaning (protocol.h), so most fields
 * are read straight from it.  Listeners alias two fields as native
 * does: tcpi_unacked is the accept queue length, tcpi_sacked its limit.
 *
 * Fields xtcp does not maintain (yet) are reported as 0, never made up:
 *	tcpi_delivery_rate	no delivery-rate sampler yet (RFC draft
 *				"delivery rate estimation"); 0 = unknown
 *	tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited
 *				no chrono accounting
 *	tcpi_delivered_ce, ECN option bits: xtcp does not negotiate ECN
 *	tcpi_rehash, tcpi_fastopen_client_fail: no PLB, no Fast Open
 *	tcpi_total_rto, tcpi_total_rto_recoveries, tcpi_total_rto_time
 *	tcpi_last_ack_sent, tcpi_fackets: 0 in native TCP too
 * tcpi_pacing_rate is sk_pacing_rate, set after every ACK as native
 * tcp_update_pacing_rate() sets it (cong.c), capped by
 * SO_MAX_PACING_RATE.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "info.h"
#include "protocol.h"

const char *xtcp_ca_name(const struct sock *sk)
{
	const struct tcp_congestion_ops *ca = READ_ONCE(inet_csk(sk)->icsk_ca_ops);

	return ca ? ca->name : "reno";
}
EXPORT_SYMBOL_GPL(xtcp_ca_name);

static u64 xtcp_rate64(unsigned long rate)
{
	return rate == ~0UL ? ~0ULL : rate;
}

/* The option bits, as native: what was negotiated in the handshake. */
static u8 xtcp_info_options(const struct tcp_sock *tp)
{
	u8 opts = 0;

	if (tp->rx_opt.tstamp_ok)
		opts |= TCPI_OPT_TIMESTAMPS;
	if (tp->rx_opt.sack_ok)
		opts |= TCPI_OPT_SACK;
	if (tp->rx_opt.wscale_ok)
		opts |= TCPI_OPT_WSCALE;
	if (tp->tcp_usec_ts)
		opts |= TCPI_OPT_USEC_TS;
	return opts;
}

void xtcp_get_info(struct sock *sk, struct tcp_info *info)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 now = tcp_jiffies32;
	bool slow;

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	info->tcpi_pacing_rate = xtcp_rate64(READ_ONCE(sk->sk_pacing_rate));
	info->tcpi_max_pacing_rate =
		xtcp_rate64(READ_ONCE(sk->sk_max_pacing_rate));
	info->tcpi_reordering = READ_ONCE(tp->reordering);
	info->tcpi_snd_cwnd = tcp_snd_cwnd(tp);

	if (info->tcpi_state == TCP_LISTEN) {
		info->tcpi_unacked = READ_ONCE(sk->sk_ack_backlog);
		info->tcpi_sacked = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}

	/* The rest is written under the socket lock (or bh_lock_sock()). */
	slow = lock_sock_fast(sk);

	info->tcpi_ca_state = icsk->icsk_ca_state;
	info->tcpi_retransmits = icsk->icsk_retransmits;
	info->tcpi_probes = icsk->icsk_probes_out;
	info->tcpi_backoff = icsk->icsk_backoff;
	info->tcpi_options = xtcp_info_options(tp);
	if (tp->rx_opt.wscale_ok) {
		info->tcpi_snd_wscale = tp->rx_opt.snd_wscale;
		info->tcpi_rcv_wscale = tp->rx_opt.rcv_wscale;
	}

	/* Microseconds, as native. */
	info->tcpi_rto = jiffies_to_usecs(icsk->icsk_rto);
	info->tcpi_ato = jiffies_to_usecs(min_t(u32, icsk->icsk_ack.ato,
						TCP_DELACK_MAX));
	info->tcpi_snd_mss = tp->mss_cache;
	info->tcpi_rcv_mss = icsk->icsk_ack.rcv_mss;
	info->tcpi_advmss = tp->advmss;
	info->tcpi_pmtu = icsk->icsk_pmtu_cookie;

	/* Segments, as native. */
	info->tcpi_unacked = tp->packets_out;
	info->tcpi_sacked = tp->sacked_out;
	info->tcpi_lost = tp->lost_out;
	info->tcpi_retrans = tp->retrans_out;
	info->tcpi_total_retrans = tp->total_retrans;

	/* Milliseconds since. */
	info->tcpi_last_data_sent = jiffies_to_msecs(now - tp->lsndtime);
	info->tcpi_last_data_recv =
		jiffies_to_msecs(now - icsk->icsk_ack.lrcvtime);
	info->tcpi_last_ack_recv = jiffies_to_msecs(now - tp->rcv_tstamp);

	/* RFC 6298 state: srtt_us is kept << 3 and mdev_us << 2. */
	info->tcpi_rtt = tp->srtt_us >> 3;
	info->tcpi_rttvar = tp->mdev_us >> 2;
	info->tcpi_min_rtt = tcp_min_rtt(tp);
	info->tcpi_snd_ssthresh = tp->snd_ssthresh;
	info->tcpi_rcv_ssthresh = tp->rcv_ssthresh;
	info->tcpi_rcv_space = tp->rcvq_space.space;
	info->tcpi_rcv_rtt = tp->rcv_rtt_est.rtt_us >> 3;
	info->tcpi_snd_wnd = tp->snd_wnd;
	info->tcpi_rcv_wnd = tp->rcv_wnd;

	/* RFC 4898 counters. */
	info->tcpi_bytes_acked = tp->bytes_acked;
	info->tcpi_bytes_received = tp->bytes_received;
	info->tcpi_bytes_sent = tp->bytes_sent;
	info->tcpi_bytes_retrans = tp->bytes_retrans;
	info->tcpi_segs_out = tp->segs_out;
	info->tcpi_segs_in = READ_ONCE(tp->segs_in);
	info->tcpi_data_segs_out = tp->data_segs_out;
	info->tcpi_data_segs_in = READ_ONCE(tp->data_segs_in);
	info->tcpi_delivered = tp->delivered;
	info->tcpi_rcv_ooopack = tp->rcv_ooopack;
	info->tcpi_dsack_dups = tp->dsack_dups;
	info->tcpi_reord_seen = tp->reord_seen;
	info->tcpi_notsent_bytes = max_t(int, 0, tp->write_seq - tp->snd_nxt);

	/* Delivery rate (bytes/s) only from a rate sample, as native. */
	if (tp->rate_delivered && tp->rate_interval_us) {
		u64 rate = (u64)tp->rate_delivered * tp->mss_cache *
			   USEC_PER_SEC;

		info->tcpi_delivery_rate = div64_u64(rate, tp->rate_interval_us);
	}
	info->tcpi_delivery_rate_app_limited = tp->rate_app_limited ? 1 : 0;

	unlock_sock_fast(sk, slow);
}
EXPORT_SYMBOL_GPL(xtcp_get_info);
