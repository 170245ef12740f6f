/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: declarations shared by the protocol engine's files (input.c,
 * output.c, timer.c, listen.c, timewait.c, ip.c, pmtu.c ...) and nobody
 * else.  The
 * socket layer uses engine.h only.
 */
#ifndef _NET_XTCP_ENGINE_PRIV_H
#define _NET_XTCP_ENGINE_PRIV_H

#include <linux/skbuff.h>
#include <net/inet_connection_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/ipv6.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine.h"
#include "options.h"
#include "protocol.h"

/*
 * A TIME_WAIT (or orphaned FIN_WAIT_2) minisock.  The native layout
 * comes first: native connect() (tcp_twsk_unique()), /proc/net/tcp and
 * inet_diag read these through the shared hash table.
 */
struct xtcp_timewait_sock {
	struct tcp_timewait_sock	tcp;
	u8				wscale_ok:1,
					tstamp_ok:1;
	u8				rcv_wscale;
};

static inline struct xtcp_timewait_sock *xtcp_twsk(const struct sock *sk)
{
	return (struct xtcp_timewait_sock *)sk;
}

/* Request socks keep the native layout (inet_diag, /proc/net/tcp). */
#define xtcp_rsk(req)	tcp_rsk(req)

/* Segment facts gathered once on receive. */
struct xtcp_rx {
	const struct tcphdr	*th;
	struct xtcp_rx_options	opt;
	unsigned int		len;	/* payload bytes */
};

/* Limits that native TCP defines as constants. */
#define XTCP_RTO_MIN		TCP_RTO_MIN		/* 200 ms */
#define XTCP_RTO_MAX		TCP_RTO_MAX		/* 120 s */
#define XTCP_TIMEOUT_INIT	TCP_TIMEOUT_INIT	/* 1 s */
#define XTCP_ATO_MIN		TCP_ATO_MIN		/* 40 ms */
#define XTCP_DELACK_MAX		TCP_DELACK_MAX		/* 200 ms */
#define XTCP_TIMEWAIT_LEN	TCP_TIMEWAIT_LEN	/* 60 s */

static inline struct xtcp_pernet *xtcp_sk_pernet(const struct sock *sk)
{
	return xtcp_pernet(sock_net(sk));
}

static inline void xtcp_mstamp_refresh(struct tcp_sock *tp)
{
	tp->tcp_mstamp = tcp_clock_us();
}

/* Our TSval clock: milliseconds (native default), plus the offset. */
static inline u32 xtcp_ts_now(const struct tcp_sock *tp)
{
	return (u32)div_u64(tcp_clock_us(), USEC_PER_MSEC) + tp->tsoffset;
}

static inline u32 xtcp_ts_raw(void)
{
	return (u32)div_u64(tcp_clock_us(), USEC_PER_MSEC);
}

/* Per-host-pair timestamp offset for IPv6 (xtcp_isn_hash_v4() of the
 * folded addresses; options.h has no IPv6 variant).
 */
static inline u32 xtcp_tsoff_v6(const struct in6_addr *l,
				const struct in6_addr *r)
{
	return xtcp_isn_hash_v4((__force __be32)ipv6_addr_hash(l),
				(__force __be32)ipv6_addr_hash(r), 0, 0);
}

static inline u32 xtcp_skb_pcount(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->gso_segs ?: 1;
}

static inline u32 xtcp_receive_window(const struct tcp_sock *tp)
{
	s32 win = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;

	return win < 0 ? 0 : win;
}

/* RFC 6675 "pipe": segments in the network.  Never negative: cwnd is
 * set from it and must stay positive even if the scoreboard's counters
 * are momentarily off (see the check in input.c's xtcp_ack()).
 */
static inline u32 xtcp_packets_in_flight(const struct tcp_sock *tp)
{
	s64 n = (s64)tp->packets_out - tp->sacked_out - tp->lost_out +
		tp->retrans_out;

	return n > 0 ? (u32)min_t(s64, n, U32_MAX) : 0;
}

/* What one ACK did (recovery.c's input), native FLAG_* in spirit. */
enum {
	XTCP_FLAG_DATA_ACKED		= BIT(0),  /* new data cum-ACKed */
	XTCP_FLAG_SND_UNA_ADVANCED	= BIT(1),
	XTCP_FLAG_DATA_SACKED		= BIT(2),  /* new data SACKed */
	XTCP_FLAG_RETRANS_DATA_ACKED	= BIT(3),  /* a resent skb acked */
	XTCP_FLAG_ORIG_SACK_ACKED	= BIT(4),  /* never-resent data */
	XTCP_FLAG_DSACKING_ACK		= BIT(5),
	XTCP_FLAG_WIN_UPDATE		= BIT(6),
	XTCP_FLAG_DATA			= BIT(7),  /* the segment has data */
	XTCP_FLAG_DSACK_TLP		= BIT(8),  /* D-SACK of the probe */
	XTCP_FLAG_LOST_RETRANS		= BIT(9),
	XTCP_FLAG_SET_XMIT_TIMER	= BIT(10), /* re-arm TLP/RTO */
};

#define XTCP_FLAG_NOT_DUP	(XTCP_FLAG_DATA | XTCP_FLAG_WIN_UPDATE | \
				 XTCP_FLAG_DATA_ACKED)

/**
 * struct xtcp_ack_state - one ACK on its way through input.c/recovery.c
 * @flag: XTCP_FLAG_* bits
 * @ack: its acknowledgment number
 * @prior_snd_una: SND.UNA before it
 * @prior_delivered: tp->delivered before it
 * @prior_fack: the highest SACKed sequence before it (or SND.UNA)
 * @reord: lowest never-resent sequence it SACKed below the highest SACK
 *	(0 with @has_reord clear: none)
 * @newly_sacked: segments it SACKed
 * @first_sackt: send time of the earliest never-resent skb it SACKed
 * @last_sackt: send time of the latest one
 * @saw_tstamp: it carried a timestamp
 * @tsecr: its TSecr
 */
struct xtcp_ack_state {
	u32	flag;
	u32	ack;
	u32	prior_snd_una;
	u32	prior_delivered;
	u32	prior_fack;
	u32	reord;
	bool	has_reord;
	u32	newly_sacked;
	u64	first_sackt;
	u64	last_sackt;
	bool	saw_tstamp;
	u32	tsecr;
};

/* xtcp_recovery_ack(): what to transmit after the ACK. */
enum {
	XTCP_REXMIT_NONE,
	XTCP_REXMIT_LOST,	/* retransmit segments marked lost */
	XTCP_REXMIT_NEW,	/* F-RTO: new data first */
};

/* xtcp_write_xmit() @push_one */
enum {
	XTCP_PUSH_ALL,
	XTCP_PUSH_ONE,
	XTCP_PUSH_PROBE,	/* one segment as a loss probe */
};

/* output.c */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone,
		      gfp_t gfp);
bool xtcp_write_xmit(struct sock *sk, unsigned int mss, int nonagle,
		     int push_one, gfp_t gfp);
int xtcp_rtx_fragment(struct sock *sk, struct sk_buff *skb, u32 len,
		      u32 mss);
int xtcp_retransmit_skb_flags(struct sock *sk, struct sk_buff *skb,
			      bool probe);
s64 xtcp_rto_delta_us(const struct sock *sk);
void xtcp_send_ack_now(struct sock *sk, gfp_t gfp);
void xtcp_send_delayed_ack(struct sock *sk);
void xtcp_send_challenge_ack(struct sock *sk);
void xtcp_send_synack_full(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_send_probe0(struct sock *sk);
unsigned long xtcp_probe0_when(const struct sock *sk);
int xtcp_write_wakeup(struct sock *sk);
unsigned int xtcp_sync_mss(struct sock *sk, u32 pmtu);
void xtcp_rtx_queue_unlink_free(struct sock *sk, struct sk_buff *skb);
void xtcp_rtx_trim_acked(struct sock *sk, struct sk_buff *skb);
void xtcp_xmit_retransmit_queue(struct sock *sk);
void xtcp_enter_loss(struct sock *sk);
void xtcp_purge_queues(struct sock *sk);
unsigned int xtcp_rbtree_purge(struct rb_root *root);
void xtcp_data_snd_check(struct sock *sk);
void xtcp_init_cwnd(struct sock *sk);
u16 xtcp_advertised_mss(const struct sock *sk, const struct dst_entry *dst);
struct sk_buff *xtcp_make_synack(const struct sock *sk, struct dst_entry *dst,
				 struct request_sock *req);
void xtcp_send_reply(struct net *net, struct sk_buff *in_skb, u32 seq,
		     u32 ack, u32 win, u8 flags,
		     const struct xtcp_tx_options *opts, const struct sock *sk);
void xtcp_send_reset_reply(struct net *net, struct sk_buff *in_skb,
			   const struct sock *sk);
bool xtcp_oow_rate_limited(struct net *net, u32 *last_oow_ack_time);

/* input.c */
void xtcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);

/* ack.c: what xtcp_ack() made of an ACK field. */
enum {
	XTCP_ACK_OK = 0,
	XTCP_ACK_OLD = 1,	/* before snd_una: ignore the ACK field */
	XTCP_ACK_UNSENT = -1,	/* acknowledges what was never sent */
	XTCP_ACK_TOO_OLD = -2,	/* older than a window: RFC 5961 5.2 */
};

int xtcp_ack(struct sock *sk, struct sk_buff *skb,
	     const struct xtcp_rx_options *opt);
u32 xtcp_highest_sack(const struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);
void xtcp_store_ts_recent(struct tcp_sock *tp,
			  const struct xtcp_rx_options *opt, u32 seq);
void xtcp_reset(struct sock *sk);
void xtcp_done_with_error(struct sock *sk, int err);
bool xtcp_check_csum(struct sk_buff *skb, int family);
void xtcp_fill_cb(struct sk_buff *skb, const struct tcphdr *th);
void xtcp_enter_quickack(struct sock *sk, unsigned int cnt);

/* timer.c */
void xtcp_rtt_estimator(struct sock *sk, long mrtt_us, long ca_rtt_us);
void xtcp_set_rto(struct sock *sk);
void xtcp_init_xmit_timers(struct sock *sk);
void xtcp_rearm_rto(struct sock *sk);
void xtcp_reset_xmit_timer(struct sock *sk, int what, unsigned long when);
u32 xtcp_keepalive_time_when(const struct sock *sk);

/* recovery.c */
void xtcp_mark_skb_lost(struct sock *sk, struct sk_buff *skb);
u32 xtcp_skb_mss(const struct tcp_sock *tp, const struct sk_buff *skb);
void xtcp_rack_update(struct sock *sk, u64 xmit_us, u32 end_seq,
		      bool retrans);
void xtcp_note_reordering(struct sock *sk, u32 low, u32 fack, bool ts);
void xtcp_check_reno_reordering(struct sock *sk, u32 addend);
void xtcp_sacktag(struct sock *sk, const struct xtcp_rx_options *opt,
		  struct xtcp_ack_state *st);
int xtcp_recovery_ack(struct sock *sk, struct xtcp_ack_state *st);
bool xtcp_may_raise_cwnd(const struct sock *sk, u32 flag);
void xtcp_rack_reo_timeout(struct sock *sk);
bool xtcp_schedule_loss_probe(struct sock *sk, bool advancing_rto);
void xtcp_send_loss_probe(struct sock *sk);
void xtcp_set_xmit_timer(struct sock *sk);

/* pmtu.c: ICMP errors, path MTU, black holes (and pmtu.h) */
int xtcp_mtu_to_mss(const struct sock *sk, int mtu);
int xtcp_mss_to_mtu(const struct sock *sk, int mss);
void xtcp_mtup_init(struct sock *sk);
void xtcp_mtu_blackhole(struct sock *sk);
void xtcp_mtu_reduced(struct sock *sk);

/* cong.c: the socket's tcp_congestion_ops (see there) */
void xtcp_ca_assign(struct sock *sk);
void xtcp_ca_openreq_child(struct sock *sk);
void xtcp_ca_init(struct sock *sk);
void xtcp_ca_cleanup(struct sock *sk);
void xtcp_set_ca_state(struct sock *sk, u8 state);
void xtcp_ca_event(struct sock *sk, enum tcp_ca_event event);
void xtcp_ca_in_ack_event(struct sock *sk, u32 flags);
void xtcp_ca_cong_avoid(struct sock *sk, u32 ack, u32 acked);
void xtcp_ca_pkts_acked(struct sock *sk, u32 pkts, long rtt_us,
			u32 delivered_since);
u32 xtcp_current_ssthresh(const struct sock *sk);
void xtcp_update_pacing_rate(struct sock *sk);

/* listen.c */
int xtcp_conn_request(struct sock *sk, struct sk_buff *skb, u32 isn);
int xtcp_req_rcv(struct sk_buff *skb, struct request_sock *req);
void xtcp_req_err(struct request_sock *req, u32 seq, bool abort);
bool xtcp_cookie_rcv(struct sock *sk, struct sk_buff *skb);

/* timewait.c */
int xtcp_tw_rcv(struct sk_buff *skb, struct inet_timewait_sock *tw);
int xtcp_timewait_net_init(struct net *net);
void xtcp_timewait_net_exit(struct net *net);

/* ip.c */
int xtcp_ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi *fl);
int xtcp_ip6_queue_xmit(struct sock *sk, struct sk_buff *skb,
			struct flowi *fl);
int xtcp_ip_send_synack(const struct sock *sk, struct dst_entry *dst,
			struct request_sock *req, struct sk_buff *skb);
int xtcp_ip_send_reply(struct net *net, struct sk_buff *in_skb,
		       struct sk_buff *skb, const struct sock *sk);
int xtcp_ip_net_init(struct net *net);
void xtcp_ip_net_exit(struct net *net);
struct sock *xtcp_v4_syn_recv_sock(const struct sock *sk, struct sk_buff *skb,
				   struct request_sock *req,
				   struct dst_entry *dst,
				   struct request_sock *req_unhash,
				   bool *own_req,
				   void (*opt_child_init)(struct sock *newsk,
							  const struct sock *sk));
struct sock *xtcp_v6_syn_recv_sock(const struct sock *sk, struct sk_buff *skb,
				   struct request_sock *req,
				   struct dst_entry *dst,
				   struct request_sock *req_unhash,
				   bool *own_req,
				   void (*opt_child_init)(struct sock *newsk,
							  const struct sock *sk));
int xtcp_v4_conn_request(struct sock *sk, struct sk_buff *skb);
int xtcp_v6_conn_request(struct sock *sk, struct sk_buff *skb);
void xtcp_child_init(struct sock *newsk, const struct sock *listener,
		     struct request_sock *req);

#endif /* _NET_XTCP_ENGINE_PRIV_H */
