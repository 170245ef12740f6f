/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: declarations shared by the protocol engine's files (input.c,
 * output.c, timer.c, listen.c, timewait.c, ip.c) and nobody else.  The
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

/* output.c */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone,
		      gfp_t gfp);
bool xtcp_write_xmit(struct sock *sk, unsigned int mss, int nonagle,
		     bool push_one, gfp_t gfp);
void xtcp_send_ack_now(struct sock *sk, gfp_t gfp);
void xtcp_send_delayed_ack(struct sock *sk);
void xtcp_send_challenge_ack(struct sock *sk);
void xtcp_send_synack_full(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_send_probe0(struct sock *sk);
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
void xtcp_reset(struct sock *sk);
void xtcp_done_with_error(struct sock *sk, int err);
void xtcp_rtt_estimator(struct sock *sk, long mrtt_us);
void xtcp_set_rto(struct sock *sk);
bool xtcp_check_csum(struct sk_buff *skb, int family);
void xtcp_fill_cb(struct sk_buff *skb, const struct tcphdr *th);
void xtcp_enter_quickack(struct sock *sk, unsigned int cnt);

/* timer.c */
void xtcp_init_xmit_timers(struct sock *sk);
void xtcp_rearm_rto(struct sock *sk);
void xtcp_reset_xmit_timer(struct sock *sk, int what, unsigned long when);
u32 xtcp_keepalive_time_when(const struct sock *sk);

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
