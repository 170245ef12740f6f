// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: passive open.
 *
 * A SYN to a listener becomes a request sock (inet_reqsk_alloc()) in the
 * shared established hash table (inet_csk_reqsk_queue_hash_add(), which
 * also arms the kernel's SYN-ACK retransmission timer; it calls back
 * into xtcp_request_sock_ops).  The ACK that completes the handshake
 * finds the request sock, and a child socket is cloned from the
 * listener (inet_csk_clone_lock()), takes the request's place in the
 * hash (inet_ehash_nolisten()) and joins the accept queue
 * (inet_csk_complete_hashdance()).  Listeners are used without their
 * socket lock, as native TCP does.
 *
 * SYN cookies (RFC 4987 3.6; net.xtcp.tcp_syncookies as Linux's): with
 * the SYN queue full (or always, with tcp_syncookies=2) a SYN is answered
 * by a SYN-ACK whose ISN is a cookie (syncookie.c) and no request sock is
 * kept.  An ACK reaching the listener itself (no request sock matched)
 * is then tried as a cookie: if it is one, a request sock is rebuilt from
 * it and the child is created, exactly as from a queued request.
 */
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet6_connection_sock.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>
#include <net/request_sock.h>
#include <net/route.h>
#include <net/tcp.h>

#include <linux/unaligned.h>

#include "engine_priv.h"
#include "syncookie.h"

static int xtcp_v6_iif(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6)
	return XTCP_SKB_CB(skb)->header.h6.iif;
#else
	return 0;
#endif
}

static void xtcp_listendrop(struct sock *sk)
{
	atomic_inc(&sk->sk_drops);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENDROPS);
}

static struct dst_entry *xtcp_route_req(const struct sock *sk,
					struct request_sock *req)
{
	struct flowi fl;

#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6)
		return inet6_csk_route_req(sk, &fl.u.ip6, req, IPPROTO_TCP);
#endif
	return inet_csk_route_req(sk, &fl.u.ip4, req);
}

static int xtcp_send_synack(const struct sock *sk, struct dst_entry *dst,
			    struct request_sock *req)
{
	struct sk_buff *skb = xtcp_make_synack(sk, dst, req);

	if (!skb)
		return -ENOMEM;
	tcp_rsk(req)->snt_synack = tcp_clock_us();
	return xtcp_ip_send_synack(sk, dst, req, skb);
}

/* request_sock_ops.rtx_syn_ack, from the kernel's reqsk timer.  The
 * timer bounds retransmissions by the native sysctl; xtcp's own
 * net.xtcp.tcp_synack_retries is enforced here by refusing to send,
 * which makes the timer drop the request.
 */
static int xtcp_rtx_synack(const struct sock *sk, struct request_sock *req)
{
	const struct xtcp_pernet *pn = xtcp_pernet(sock_net(sk));
	int max = READ_ONCE(inet_csk(sk)->icsk_syn_retries) ?:
		  READ_ONCE(pn->sysctl_tcp_synack_retries);
	struct dst_entry *dst;
	int err;

	if (req->num_timeout >= max)
		return -ETIMEDOUT;
	dst = xtcp_route_req(sk, req);
	if (!dst)
		return -EHOSTUNREACH;
	err = xtcp_send_synack(sk, dst, req);
	dst_release(dst);
	if (!err) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTSEGS);
	}
	return err;
}

static void xtcp_req_send_ack(const struct sock *sk, struct sk_buff *skb,
			      struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	const struct tcp_request_sock *treq = tcp_rsk(req);
	struct xtcp_tx_options o = {};

	if (ireq->tstamp_ok) {
		o.tstamp_ok = 1;
		o.tsval = xtcp_ts_raw() + treq->ts_off;
		o.tsecr = req->ts_recent;
	}
	xtcp_send_reply(sock_net(sk), skb, treq->snt_isn + 1, treq->rcv_nxt,
			req->rsk_rcv_wnd >> ireq->rcv_wscale, TCPHDR_ACK, &o,
			req_to_sk(req));
}

static void xtcp_req_send_reset(const struct sock *sk, struct sk_buff *skb,
				enum sk_rst_reason reason)
{
	xtcp_send_reset_reply(sock_net(sk), skb, sk);
}

/* Called for every request sock freed; xtcp attaches no IP options. */
static void xtcp_reqsk_destructor(struct request_sock *req)
{
	struct inet_request_sock *ireq = inet_rsk(req);

	if (req->rsk_ops->family == AF_INET) {
		kfree(rcu_dereference_protected(ireq->ireq_opt, 1));
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		kfree(ireq->ipv6_opt);
		consume_skb(ireq->pktopts);
#endif
	}
}

static void xtcp_syn_ack_timeout(const struct request_sock *req)
{
	XTCP_INC_STATS(read_pnet(&inet_rsk(req)->ireq_net),
		       XTCP_MIB_TCPTIMEOUTS);
}

struct request_sock_ops xtcp_request_sock_ops __read_mostly = {
	.family		= PF_INET,
	.obj_size	= sizeof(struct tcp_request_sock),
	.rtx_syn_ack	= xtcp_rtx_synack,
	.send_ack	= xtcp_req_send_ack,
	.send_reset	= xtcp_req_send_reset,
	.destructor	= xtcp_reqsk_destructor,
	.syn_ack_timeout = xtcp_syn_ack_timeout,
};

struct request_sock_ops xtcp6_request_sock_ops __read_mostly = {
	.family		= PF_INET6,
	.obj_size	= sizeof(struct tcp_request_sock),
	.rtx_syn_ack	= xtcp_rtx_synack,
	.send_ack	= xtcp_req_send_ack,
	.send_reset	= xtcp_req_send_reset,
	.destructor	= xtcp_reqsk_destructor,
	.syn_ack_timeout = xtcp_syn_ack_timeout,
};

/* Receive window and scale to offer in the SYN-ACK. */
static void xtcp_req_init_rwin(const struct sock *sk, struct request_sock *req,
			       const struct dst_entry *dst)
{
	const struct xtcp_pernet *pn = xtcp_pernet(sock_net(sk));
	struct inet_request_sock *ireq = inet_rsk(req);
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 full = tcp_full_space(sk);
	u32 clamp = READ_ONCE(tp->window_clamp) ?: dst_metric(dst, RTAX_WINDOW);
	u32 mss = xtcp_advertised_mss(sk, dst);
	u32 maxspace;

	if (!clamp || full < clamp)
		clamp = full;
	if (ireq->tstamp_ok && mss > TCPOLEN_TSTAMP_ALIGNED)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	req->rsk_rcv_wnd = xtcp_initial_rcv_wnd(min(full, clamp), mss);
	ireq->rcv_wscale = 0;
	if (ireq->wscale_ok) {
		maxspace = max_t(u32, READ_ONCE(pn->sysctl_tcp_rmem[2]),
				 READ_ONCE(sysctl_rmem_max));
		ireq->rcv_wscale = xtcp_select_wscale(maxspace);
		clamp = max_t(u32, clamp, 65535U << ireq->rcv_wscale);
		clamp = min_t(u32, clamp, maxspace);
	} else {
		clamp = min(clamp, 65535U);
	}
	req->rsk_window_clamp = clamp;
}

/*
 * Cookie bookkeeping on the listener (lockless, as the listener is):
 * when it last sent a cookie, in jiffies, so that an ACK arriving at the
 * listener is tried as a cookie only while one can be valid.  Linux keeps
 * this stamp in the listener's otherwise unused rx_opt.ts_recent_stamp,
 * or in the SO_REUSEPORT group so that any listener of the group takes
 * the group's cookies; xtcp does the same.  Updated at most once a
 * second; a lost race only moves the stamp by that second.
 */
static void xtcp_synq_overflow(struct sock *sk)
{
	u32 now = (u32)jiffies, last;
	struct sock_reuseport *reuse = NULL;

	if (sk->sk_reuseport)
		reuse = rcu_dereference(sk->sk_reuseport_cb);
	if (reuse) {
		last = READ_ONCE(reuse->synq_overflow_ts);
		if (!time_between32(now, last, last + HZ))
			WRITE_ONCE(reuse->synq_overflow_ts, now);
		return;
	}
	last = (u32)READ_ONCE(tcp_sk(sk)->rx_opt.ts_recent_stamp);
	if (!time_between32(now, last, last + HZ))
		WRITE_ONCE(tcp_sk(sk)->rx_opt.ts_recent_stamp, (int)now);
}

/* Could a cookie of this listener still be valid?  The second of slack
 * before the stamp covers a racing update (see above).
 */
static bool xtcp_synq_recent_overflow(const struct sock *sk)
{
	u32 now = (u32)jiffies, last;
	struct sock_reuseport *reuse = NULL;

	if (sk->sk_reuseport)
		reuse = rcu_dereference(sk->sk_reuseport_cb);
	if (reuse)
		last = READ_ONCE(reuse->synq_overflow_ts);
	else
		last = (u32)READ_ONCE(tcp_sk(sk)->rx_opt.ts_recent_stamp);
	return time_between32(now, last - HZ, last + XTCP_COOKIE_VALID);
}

/* The SYN queue is full, or tcp_syncookies=2: cookie or drop, with
 * Linux's counters and its one warning per listener (not for
 * tcp_syncookies=2, where cookies are the normal case).
 */
static bool xtcp_syn_flood_action(struct sock *sk, int syncookies)
{
	struct request_sock_queue *queue = &inet_csk(sk)->icsk_accept_queue;
	const char *msg = "Dropping request";
	struct net *net = sock_net(sk);

	if (syncookies) {
		msg = "Sending cookies";
		XTCP_INC_STATS(net, XTCP_MIB_TCPREQQFULLDOCOOKIES);
	} else {
		XTCP_INC_STATS(net, XTCP_MIB_TCPREQQFULLDROP);
	}
	if (syncookies != 2 && !READ_ONCE(queue->synflood_warned) &&
	    !xchg(&queue->synflood_warned, 1)) {
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6)
			net_info_ratelimited("xtcpv6: Possible SYN flooding on port [%pI6c]:%u. %s.\n",
					     &sk->sk_v6_rcv_saddr, sk->sk_num,
					     msg);
		else
#endif
			net_info_ratelimited("xtcp: Possible SYN flooding on port %pI4:%u. %s.\n",
					     &sk->sk_rcv_saddr, sk->sk_num,
					     msg);
	}
	return syncookies;
}

/* The flow a cookie is bound to: the segment's addresses and ports. */
static void xtcp_cookie_flow_skb(struct xtcp_cookie_flow *f,
				 const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

#if IS_ENABLED(CONFIG_IPV6)
	if (skb->protocol == htons(ETH_P_IPV6)) {
		xtcp_cookie_flow_v6(f, &ipv6_hdr(skb)->saddr,
				    &ipv6_hdr(skb)->daddr, th->source,
				    th->dest);
		return;
	}
#endif
	xtcp_cookie_flow_v4(f, ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
			    th->source, th->dest);
}

/* Overwrite the TSval of a SYN-ACK built by xtcp_make_synack(), before
 * its checksum is computed: a cookie SYN-ACK carries options there.
 */
static void xtcp_synack_set_tsval(struct sk_buff *skb, u32 tsval)
{
	struct tcphdr *th = tcp_hdr(skb);
	u8 *p = (u8 *)(th + 1), *end = (u8 *)th + th->doff * 4;

	while (p < end && *p != TCPOPT_EOL) {
		if (*p == TCPOPT_NOP) {
			p++;
			continue;
		}
		if (end - p < 2 || p[1] < 2 || p[1] > end - p)
			return;
		if (*p == TCPOPT_TIMESTAMP && p[1] == TCPOLEN_TIMESTAMP) {
			put_unaligned_be32(tsval, p + 2);
			return;
		}
		p += p[1];
	}
}

/* The SYN-ACK for a cookie request, which is not kept: options that
 * only the SYN told us ride in the TSval (syncookie.h).
 */
static void xtcp_send_cookie_synack(const struct sock *sk,
				    struct dst_entry *dst,
				    struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	struct xtcp_cookie_opts o = {};
	struct sk_buff *skb;

	skb = xtcp_make_synack(sk, dst, req);
	if (!skb)
		return;
	if (ireq->tstamp_ok) {
		o.wscale_ok = ireq->wscale_ok;
		o.wscale = ireq->snd_wscale;
		o.sack_ok = ireq->sack_ok;
		o.ecn_ok = ireq->ecn_ok;
		xtcp_synack_set_tsval(skb, xtcp_cookie_ts_encode(xtcp_ts_raw(),
								 &o) +
					   tcp_rsk(req)->ts_off);
	}
	if (!xtcp_ip_send_synack(sk, dst, req, skb))
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTSEGS);
}

/* What a request sock takes from the segment that creates it (the SYN,
 * or the ACK returning a cookie): ports, addresses, interface, mark.
 */
static void xtcp_req_init_flow(const struct sock *sk, struct sk_buff *skb,
			       struct request_sock *req, bool v4)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct tcp_request_sock *treq = tcp_rsk(req);
	const struct tcphdr *th = tcp_hdr(skb);

	treq->af_specific = NULL;
	treq->tfo_listener = false;
	treq->is_mptcp = 0;
	treq->req_usec_ts = 0;
	treq->syn_tos = 0;
	treq->last_oow_ack_time = 0;
	treq->snt_synack = 0;
	treq->txhash = net_tx_rndhash();

	ireq->ir_rmt_port = th->source;
	ireq->ir_num = ntohs(th->dest);
	ireq->ir_mark = inet_request_mark(sk, skb);
	ireq->ir_iif = READ_ONCE(sk->sk_bound_dev_if);
	if (v4) {
		sk_rcv_saddr_set(req_to_sk(req), ip_hdr(skb)->daddr);
		sk_daddr_set(req_to_sk(req), ip_hdr(skb)->saddr);
		RCU_INIT_POINTER(ireq->ireq_opt, NULL);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		ireq->ir_v6_rmt_addr = ipv6_hdr(skb)->saddr;
		ireq->ir_v6_loc_addr = ipv6_hdr(skb)->daddr;
		if (!ireq->ir_iif &&
		    ipv6_addr_type(&ireq->ir_v6_rmt_addr) & IPV6_ADDR_LINKLOCAL)
			ireq->ir_iif = xtcp_v6_iif(skb);
#endif
	}
}

/* The timestamp offset for the request's host pair. */
static u32 xtcp_req_ts_off(const struct request_sock *req, bool v4)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

#if IS_ENABLED(CONFIG_IPV6)
	if (!v4)
		return xtcp_tsoff_v6(&ireq->ir_v6_loc_addr,
				     &ireq->ir_v6_rmt_addr);
#endif
	return xtcp_isn_hash_v4(ireq->ir_loc_addr, ireq->ir_rmt_addr, 0, 0);
}

/* A SYN for listener @sk (lockless).  @isn: nonzero when a TIME_WAIT
 * socket chose the sequence number for a reincarnation.  Native
 * tcp_conn_request().
 */
int xtcp_conn_request(struct sock *sk, struct sk_buff *skb, u32 isn)
{
	struct net *net = sock_net(sk);
	const struct xtcp_pernet *pn = xtcp_pernet(net);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool v4 = skb->protocol == htons(ETH_P_IP);
	struct inet_request_sock *ireq;
	struct tcp_request_sock *treq;
	struct xtcp_rx_options opt;
	bool want_cookie = false;
	struct request_sock *req;
	struct dst_entry *dst;
	int max_backlog;
	int syncookies;

	if (v4) {
		const struct rtable *rt = skb_rtable(skb);

		if (rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)))
			goto drop;
	}
#if IS_ENABLED(CONFIG_IPV6)
	else if (ipv6_addr_v4mapped(&ipv6_hdr(skb)->saddr) ||
		 ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr)) {
		goto drop;
	}
#endif

	/* A TIME_WAIT reincarnation skips the SYN queue limits. */
	syncookies = READ_ONCE(pn->sysctl_tcp_syncookies);
	if (!isn && (syncookies == 2 || inet_csk_reqsk_queue_is_full(sk))) {
		want_cookie = xtcp_syn_flood_action(sk, syncookies);
		if (!want_cookie)
			goto drop;
	}
	if (sk_acceptq_is_full(sk)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENOVERFLOWS);
		goto drop;
	}
	/* Without SYN cookies the last quarter of the SYN backlog is kept
	 * for peers known to be alive; xtcp knows none yet.
	 */
	max_backlog = READ_ONCE(pn->sysctl_tcp_max_syn_backlog);
	if (!isn && !syncookies &&
	    max_backlog - inet_csk_reqsk_queue_len(sk) < (max_backlog >> 2))
		goto drop;

	if (xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			       true, &opt) != XTCP_OPT_OK)
		goto drop;

	req = inet_reqsk_alloc(v4 ? &xtcp_request_sock_ops :
			       &xtcp6_request_sock_ops, sk, !want_cookie);
	if (!req)
		goto drop;
	req->syncookie = want_cookie;
	ireq = inet_rsk(req);
	treq = tcp_rsk(req);
	xtcp_req_init_flow(sk, skb, req, v4);

	/* Options: each one only if both sides want it. */
	ireq->tstamp_ok = opt.saw_tstamp &&
			  !!READ_ONCE(pn->sysctl_tcp_timestamps);
	ireq->sack_ok = opt.sack_ok && !!READ_ONCE(pn->sysctl_tcp_sack);
	ireq->wscale_ok = opt.wscale_ok &&
			  !!READ_ONCE(pn->sysctl_tcp_window_scaling);
	/* A cookie keeps window scale and SACK-permitted only in the
	 * TSval; without timestamps they are not offered (as Linux).
	 */
	if (want_cookie && !ireq->tstamp_ok) {
		ireq->sack_ok = 0;
		ireq->wscale_ok = 0;
	}
	ireq->snd_wscale = ireq->wscale_ok ? opt.wscale : 0;
	ireq->ecn_ok = 0;
	ireq->acked = 0;
	req->ts_recent = ireq->tstamp_ok ? opt.tsval : 0;
	req->mss = opt.mss ?: TCP_MSS_DEFAULT;
	if (tcp_sk(sk)->rx_opt.user_mss && tcp_sk(sk)->rx_opt.user_mss < req->mss)
		req->mss = tcp_sk(sk)->rx_opt.user_mss;

	treq->rcv_isn = cb->seq;
	treq->rcv_nxt = cb->seq + 1;
	if (want_cookie) {
		struct xtcp_cookie_flow f;
		unsigned int idx = xtcp_cookie_mss_index(!v4, req->mss);

		/* The MSS the child will use is the table's. */
		req->mss = xtcp_cookie_mss_value(!v4, idx);
		xtcp_cookie_flow_skb(&f, skb);
		isn = xtcp_cookie_make(xtcp_cookie_secret(), &f, cb->seq,
				       xtcp_cookie_count(get_jiffies_64()),
				       idx);
		xtcp_synq_overflow(sk);
		XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESSENT);
	} else if (!isn) {
#if IS_ENABLED(CONFIG_IPV6)
		if (!v4)
			isn = xtcp_isn_v6(&ireq->ir_v6_loc_addr,
					  &ireq->ir_v6_rmt_addr,
					  th->dest, th->source);
		else
#endif
			isn = xtcp_isn_v4(ireq->ir_loc_addr, ireq->ir_rmt_addr,
					  th->dest, th->source);
	}
	treq->snt_isn = isn;
	treq->ts_off = ireq->tstamp_ok ? xtcp_req_ts_off(req, v4) : 0;

	dst = xtcp_route_req(sk, req);
	if (!dst)
		goto drop_and_free;
	xtcp_req_init_rwin(sk, req, dst);

	if (want_cookie) {
		xtcp_send_cookie_synack(sk, dst, req);
		dst_release(dst);
		reqsk_free(req);
		return 0;
	}

	req->timeout = XTCP_TIMEOUT_INIT;
	if (!inet_csk_reqsk_queue_hash_add(sk, req, req->timeout)) {
		reqsk_free(req);
		dst_release(dst);
		return 0;
	}
	if (!xtcp_send_synack(sk, dst, req))
		XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	dst_release(dst);
	reqsk_put(req);
	return 0;

drop_and_free:
	reqsk_free(req);
drop:
	xtcp_listendrop(sk);
	return 0;
}

int xtcp_v4_conn_request(struct sock *sk, struct sk_buff *skb)
{
	return xtcp_conn_request(sk, skb, 0);
}

int xtcp_v6_conn_request(struct sock *sk, struct sk_buff *skb)
{
	return xtcp_conn_request(sk, skb, 0);
}

/* The child's TCP state, from the request (native
 * tcp_create_openreq_child()).
 */
void xtcp_child_init(struct sock *newsk, const struct sock *listener,
		     struct request_sock *req)
{
	struct inet_connection_sock *icsk = inet_csk(newsk);
	struct inet_request_sock *ireq = inet_rsk(req);
	struct tcp_request_sock *treq = tcp_rsk(req);
	struct tcp_sock *tp = tcp_sk(newsk);
	u32 rcv = treq->rcv_isn + 1, snd = treq->snt_isn + 1;

	tp->out_of_order_queue = RB_ROOT;
	newsk->tcp_rtx_queue = RB_ROOT;
	INIT_LIST_HEAD(&tp->tsq_node);
	INIT_LIST_HEAD(&tp->tsorted_sent_queue);
	newsk->sk_tsq_flags = 0;
	xtcp_init_xmit_timers(newsk);
	memset(&icsk->icsk_ack, 0, sizeof(icsk->icsk_ack));
	icsk->icsk_pending = 0;
	icsk->icsk_ca_state = TCP_CA_Open;
	icsk->icsk_rto = XTCP_TIMEOUT_INIT;

	tp->rcv_nxt = rcv;
	tp->rcv_wup = rcv;
	WRITE_ONCE(tp->copied_seq, rcv);
	tp->snd_una = snd;
	xtcp_sk(newsk)->fack = snd;
	tp->snd_nxt = snd;
	tp->snd_sml = snd;
	tp->snd_up = snd;
	tp->write_seq = snd;
	tp->pushed_seq = snd;
	tp->snd_wl1 = treq->rcv_isn;
	tp->snd_wnd = 0;
	tp->max_window = 0;
	tp->high_seq = 0;

	tp->rx_opt.tstamp_ok = ireq->tstamp_ok;
	tp->rx_opt.sack_ok = ireq->sack_ok ? TCP_SACK_SEEN : 0;
	tp->rx_opt.wscale_ok = ireq->wscale_ok;
	tp->rx_opt.snd_wscale = ireq->snd_wscale;
	tp->rx_opt.rcv_wscale = ireq->rcv_wscale;
	tp->rx_opt.ts_recent = req->ts_recent;
	tp->rx_opt.ts_recent_stamp = ireq->tstamp_ok ? ktime_get_seconds() : 0;
	tp->rx_opt.mss_clamp = req->mss;
	tp->tcp_header_len = sizeof(struct tcphdr) +
			     (ireq->tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0);
	tp->tsoffset = treq->ts_off;
	tp->rcv_wnd = req->rsk_rcv_wnd;
	tp->window_clamp = req->rsk_window_clamp;
	tp->rcv_ssthresh = req->rsk_rcv_wnd;

	tp->srtt_us = 0;
	tp->mdev_us = jiffies_to_usecs(XTCP_TIMEOUT_INIT);
	tp->rttvar_us = 0;
	minmax_reset(&tp->rtt_min, tcp_jiffies32, ~0U);
	xtcp_init_cwnd(newsk);
	xtcp_ca_openreq_child(newsk);
	tp->packets_out = 0;
	tp->lost_out = 0;
	tp->retrans_out = 0;
	tp->sacked_out = 0;
	tp->total_retrans = req->num_retrans;
	tp->retrans_stamp = 0;
	tp->segs_in = 0;
	tp->segs_out = 0;
	tp->data_segs_in = 0;
	tp->data_segs_out = 0;
	tp->bytes_sent = 0;
	tp->bytes_acked = 0;
	tp->bytes_received = 0;
	tp->bytes_retrans = 0;
	tp->delivered = 0;
	tp->last_oow_ack_time = 0;
	tp->lsndtime = tcp_jiffies32;
	tp->rcv_tstamp = tcp_jiffies32;
	newsk->sk_txhash = treq->txhash;

	if (treq->snt_synack && !req->num_retrans) {
		long rtt = tcp_clock_us() - treq->snt_synack;

		xtcp_rtt_estimator(newsk, rtt, rtt);
	}
	XTCP_INC_STATS(sock_net(newsk), XTCP_MIB_PASSIVEOPENS);
}

static void xtcp_child_mss(struct sock *newsk, const struct dst_entry *dst)
{
	struct tcp_sock *tp = tcp_sk(newsk);

	xtcp_mtup_init(newsk);
	xtcp_sync_mss(newsk, dst_mtu(dst));
	tp->advmss = xtcp_advertised_mss(newsk, dst);
	inet_csk(newsk)->icsk_ack.rcv_mss = min_t(unsigned int, tp->advmss,
						  tp->mss_cache);
}

#if IS_ENABLED(CONFIG_IPV6)
/* The clone shares the listener's IPv6 state: give it its own. */
static void xtcp_child_ipv6(struct sock *newsk, const struct sock *sk,
			    struct sk_buff *skb, bool mapped)
{
	struct ipv6_pinfo *newnp;

	inet_sk(newsk)->pinet6 = (struct ipv6_pinfo *)((u8 *)newsk +
				 sk->sk_prot->ipv6_pinfo_offset);
	newnp = inet6_sk(newsk);
	RCU_INIT_POINTER(newnp->ipv6_mc_list, NULL);
	newnp->ipv6_ac_list = NULL;
	RCU_INIT_POINTER(inet_sk(newsk)->ipv6_fl_list, NULL);
	newnp->pktoptions = NULL;
	newnp->rxpmtu = NULL;
	RCU_INIT_POINTER(newnp->opt, NULL);
	if (mapped) {
		ipv6_addr_set_v4mapped(inet_sk(newsk)->inet_saddr,
				       &newnp->saddr);
		newnp->mcast_oif = inet_iif(skb);
		newnp->mcast_hops = ip_hdr(skb)->ttl;
		newnp->rcv_flowinfo = 0;
	} else {
		newnp->mcast_oif = xtcp_v6_iif(skb);
		newnp->mcast_hops = ipv6_hdr(skb)->hop_limit;
		newnp->rcv_flowinfo = ip6_flowinfo(ipv6_hdr(skb));
	}
}
#endif

static struct sock *xtcp_syn_recv_sock(const struct sock *sk,
				       struct sk_buff *skb,
				       struct request_sock *req,
				       struct request_sock *req_unhash,
				       bool *own_req)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	bool v4 = req->rsk_ops->family == AF_INET;
	bool found_dup_sk = false;
	struct dst_entry *dst;
	struct sock *newsk;

	if (sk_acceptq_is_full(sk)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENOVERFLOWS);
		goto drop;
	}
	newsk = inet_csk_clone_lock(sk, req, GFP_ATOMIC);
	if (!newsk)
		goto drop;
	/* inet_csk_clone_lock() returns the child locked (for sparse). */
	__acquire(&newsk->sk_lock.slock);

	if (v4) {
		sk_daddr_set(newsk, ireq->ir_rmt_addr);
		sk_rcv_saddr_set(newsk, ireq->ir_loc_addr);
		inet_sk(newsk)->inet_saddr = ireq->ir_loc_addr;
		inet_sk(newsk)->mc_index = inet_iif(skb);
		inet_sk(newsk)->mc_ttl = ip_hdr(skb)->ttl;
		inet_sk(newsk)->rcv_tos = ip_hdr(skb)->tos;
		newsk->sk_gso_type = SKB_GSO_TCPV4;
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		newsk->sk_v6_daddr = ireq->ir_v6_rmt_addr;
		newsk->sk_v6_rcv_saddr = ireq->ir_v6_loc_addr;
		inet_sk(newsk)->inet_daddr = LOOPBACK4_IPV6;
		inet_sk(newsk)->inet_saddr = LOOPBACK4_IPV6;
		inet_sk(newsk)->inet_rcv_saddr = LOOPBACK4_IPV6;
		newsk->sk_gso_type = SKB_GSO_TCPV6;
#endif
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		xtcp_child_ipv6(newsk, sk, skb, v4);
		if (v4)
			inet_csk(newsk)->icsk_af_ops = &xtcp_ipv6_mapped_af_ops;
		else
			inet6_sk(newsk)->saddr = ireq->ir_v6_loc_addr;
	}
#endif
	newsk->sk_bound_dev_if = ireq->ir_iif;
	RCU_INIT_POINTER(inet_sk(newsk)->inet_opt, NULL);
	inet_csk(newsk)->icsk_ext_hdr_len = 0;
	atomic_set(&inet_sk(newsk)->inet_id, get_random_u16());

	xtcp_child_init(newsk, sk, req);

	if (v4) {
		dst = inet_csk_route_child_sock(sk, newsk, req);
		if (!dst)
			goto put_and_exit;
		sk_setup_caps(newsk, dst);
		xtcp_sk_gso_setup(newsk, dst);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		struct flowi6 fl6;

		dst = inet6_csk_route_req(sk, &fl6, req, IPPROTO_TCP);
		if (!dst)
			goto put_and_exit;
		ip6_dst_store(newsk, dst, NULL, NULL);
		xtcp_sk_gso_setup(newsk, dst);
#else
		goto put_and_exit;
#endif
	}
	xtcp_child_mss(newsk, dst);

	if (__inet_inherit_port(sk, newsk) < 0)
		goto put_and_exit;
	/* If @req_unhash is no longer hashed, another CPU created the
	 * child: inet_ehash_nolisten() then destroys ours, and
	 * inet_csk_complete_hashdance() drops the last reference.
	 */
	*own_req = inet_ehash_nolisten(newsk, req_to_sk(req_unhash),
				       &found_dup_sk);
	__release(&newsk->sk_lock.slock);	/* the caller unlocks */
	return newsk;

put_and_exit:
	__release(&newsk->sk_lock.slock);	/* unlocked by the next call */
	inet_csk_prepare_forced_close(newsk);
	xtcp_done(newsk);
drop:
	xtcp_listendrop((struct sock *)sk);
	return NULL;
}

struct sock *xtcp_v4_syn_recv_sock(const struct sock *sk, struct sk_buff *skb,
				   struct request_sock *req,
				   struct dst_entry *dst,
				   struct request_sock *req_unhash,
				   bool *own_req,
				   void (*opt_child_init)(struct sock *newsk,
							  const struct sock *sk))
{
	dst_release(dst);
	return xtcp_syn_recv_sock(sk, skb, req, req_unhash, own_req);
}

struct sock *xtcp_v6_syn_recv_sock(const struct sock *sk, struct sk_buff *skb,
				   struct request_sock *req,
				   struct dst_entry *dst,
				   struct request_sock *req_unhash,
				   bool *own_req,
				   void (*opt_child_init)(struct sock *newsk,
							  const struct sock *sk))
{
	dst_release(dst);
	return xtcp_syn_recv_sock(sk, skb, req, req_unhash, own_req);
}

/* RFC 9293 acceptability test against the request's window. */
static bool xtcp_req_in_window(u32 seq, u32 end_seq, u32 s_win, u32 e_win)
{
	if (seq == s_win)
		return true;
	if (after(end_seq, s_win) && before(seq, e_win))
		return true;
	return seq == e_win && seq == end_seq;
}

/* A segment for a request sock (native tcp_check_req() and the
 * NEW_SYN_RECV branch of tcp_v4_rcv()).  Consumes @skb and the reference
 * on @req.
 */
int xtcp_req_rcv(struct sk_buff *skb, struct request_sock *req)
{
	struct tcp_request_sock *treq = tcp_rsk(req);
	struct sock *sk = req->rsk_listener;
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u8 flags = cb->tcp_flags;
	struct xtcp_rx_options opt;
	bool paws_reject = false;
	bool own_req;
	struct sock *child;
	struct net *net;

	if (unlikely(inet_sk_state_load(sk) != TCP_LISTEN)) {
		inet_csk_reqsk_queue_drop_and_put(sk, req);
		kfree_skb(skb);
		return 0;
	}
	sock_hold(sk);
	net = sock_net(sk);

	if (xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			       flags & TCPHDR_SYN, &opt) != XTCP_OPT_OK)
		goto discard;
	if (opt.saw_tstamp && inet_rsk(req)->tstamp_ok && req->ts_recent &&
	    (s32)(opt.tsval - req->ts_recent) < 0 && !(flags & TCPHDR_RST))
		paws_reject = true;

	/* A retransmitted SYN: answer with the SYN-ACK again. */
	if ((flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) == TCPHDR_SYN &&
	    cb->seq == treq->rcv_isn && !paws_reject) {
		if (!xtcp_oow_rate_limited(net, &treq->last_oow_ack_time) &&
		    !inet_rtx_syn_ack(sk, req))
			mod_timer_pending(&req->rsk_timer, jiffies +
					  reqsk_timeout(req, XTCP_RTO_MAX));
		goto discard;
	}

	/* Acknowledges something other than our SYN-ACK: RST. */
	if ((flags & TCPHDR_ACK) && cb->ack_seq != treq->snt_isn + 1) {
		xtcp_send_reset_reply(net, skb, NULL);
		goto discard;
	}

	if (paws_reject ||
	    !xtcp_req_in_window(cb->seq, cb->end_seq, treq->rcv_nxt,
				treq->rcv_nxt + req->rsk_rcv_wnd)) {
		if (!(flags & TCPHDR_RST) &&
		    !xtcp_oow_rate_limited(net, &treq->last_oow_ack_time))
			xtcp_req_send_ack(sk, skb, req);
		if (paws_reject)
			XTCP_INC_STATS(net, XTCP_MIB_PAWSESTABREJECTED);
		goto discard;
	}

	if (flags & (TCPHDR_RST | TCPHDR_SYN)) {
		if (!(flags & TCPHDR_RST))
			xtcp_send_reset_reply(net, skb, NULL);
		inet_csk_reqsk_queue_drop(sk, req);
		XTCP_INC_STATS(net, XTCP_MIB_ATTEMPTFAILS);
		goto discard;
	}
	if (!(flags & TCPHDR_ACK))
		goto discard;

	/* TCP_DEFER_ACCEPT: wait for data. */
	if (req->num_timeout <
	    READ_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept) &&
	    cb->end_seq == treq->rcv_isn + 1) {
		inet_rsk(req)->acked = 1;
		goto discard;
	}
	if (opt.saw_tstamp && !after(cb->seq, treq->rcv_nxt))
		req->ts_recent = opt.tsval;

	child = xtcp_syn_recv_sock(sk, skb, req, req, &own_req);
	if (!child) {
		if (!READ_ONCE(xtcp_pernet(net)->sysctl_tcp_abort_on_overflow)) {
			inet_rsk(req)->acked = 1;
			goto discard;
		}
		xtcp_send_reset_reply(net, skb, NULL);
		inet_csk_reqsk_queue_drop(sk, req);
		goto discard;
	}
	child = inet_csk_complete_hashdance(sk, child, req, own_req);
	if (!child)
		goto discard;
	__acquire(&child->sk_lock.slock);	/* returned locked */

	skb_dst_drop(skb);
	if (!sock_owned_by_user(child)) {
		xtcp_rcv_state_process(child, skb);
		if (child->sk_state != TCP_SYN_RECV)
			sk->sk_data_ready(sk);
	} else {
		__sk_add_backlog(child, skb);
	}
	bh_unlock_sock(child);
	sock_put(child);
	sock_put(sk);
	/* Our reference on @req now belongs to the accept queue. */
	return 0;

discard:
	kfree_skb(skb);
	sock_put(sk);
	reqsk_put(req);
	return 0;
}

/*
 * Options for a cookie child, from the ACK: the timestamps option says
 * whether the SYN-ACK had one (it echoes ours), and if so the TSecr
 * brings back what the SYN offered (syncookie.h).  False when it names
 * an option this namespace has switched off since (Linux's
 * cookie_timestamp_decode()).
 */
static bool xtcp_cookie_opts(const struct xtcp_pernet *pn,
			     struct request_sock *req,
			     const struct xtcp_rx_options *opt, bool v4)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct xtcp_cookie_opts o;

	ireq->tstamp_ok = 0;
	ireq->sack_ok = 0;
	ireq->wscale_ok = 0;
	ireq->snd_wscale = 0;
	ireq->ecn_ok = 0;
	tcp_rsk(req)->ts_off = 0;
	req->ts_recent = 0;
	if (!opt->saw_tstamp)
		return true;
	if (!READ_ONCE(pn->sysctl_tcp_timestamps))
		return false;
	tcp_rsk(req)->ts_off = xtcp_req_ts_off(req, v4);
	xtcp_cookie_ts_decode(opt->tsecr - tcp_rsk(req)->ts_off, &o);
	ireq->tstamp_ok = 1;
	req->ts_recent = opt->tsval;
	if (o.sack_ok && !READ_ONCE(pn->sysctl_tcp_sack))
		return false;
	ireq->sack_ok = o.sack_ok;
	if (o.wscale_ok) {
		if (!READ_ONCE(pn->sysctl_tcp_window_scaling))
			return false;
		ireq->wscale_ok = 1;
		ireq->snd_wscale = o.wscale;
	}
	/* The ECN bit is never set: xtcp does not negotiate ECN. */
	return true;
}

/*
 * An ACK (no SYN, no RST) for listener @sk that matched no request
 * sock: the third segment of a handshake answered with a cookie?
 * Native cookie_v4_check()/cookie_v6_check() and tcp_get_cookie_sock().
 * Returns false, leaving @skb to the caller (which answers with a RST,
 * as Linux does), if cookies are off, none was sent lately, or the ACK
 * is not a valid cookie; otherwise consumes @skb, which has created the
 * child or has been dropped (no memory, no route, accept queue full:
 * the peer's retransmission can try again while the cookie is valid).
 */
bool xtcp_cookie_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct net *net = sock_net(sk);
	const struct xtcp_pernet *pn = xtcp_pernet(net);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	bool v4 = skb->protocol == htons(ETH_P_IP);
	struct xtcp_cookie_flow f;
	struct xtcp_rx_options opt;
	struct request_sock *req;
	struct dst_entry *dst;
	struct sock *child;
	bool own_req;
	u16 mss;

	if (!READ_ONCE(pn->sysctl_tcp_syncookies) ||
	    !xtcp_synq_recent_overflow(sk))
		return false;

	xtcp_cookie_flow_skb(&f, skb);
	mss = xtcp_cookie_check(xtcp_cookie_secret(), &f, cb->ack_seq - 1,
				cb->seq - 1,
				xtcp_cookie_count(get_jiffies_64()));
	if (!mss) {
		XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESFAILED);
		return false;
	}
	XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESRECV);

	if (xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			       false, &opt) != XTCP_OPT_OK)
		goto drop;

	/* Not attached to the listener: it never sits in the SYN queue. */
	req = inet_reqsk_alloc(v4 ? &xtcp_request_sock_ops :
			       &xtcp6_request_sock_ops, sk, false);
	if (!req)
		goto drop;
	req->syncookie = 1;
	req->num_retrans = 0;
	xtcp_req_init_flow(sk, skb, req, v4);
	if (!xtcp_cookie_opts(pn, req, &opt, v4)) {
		reqsk_free(req);
		return false;
	}
	inet_rsk(req)->acked = 0;
	req->mss = mss;
	tcp_rsk(req)->rcv_isn = cb->seq - 1;
	tcp_rsk(req)->rcv_nxt = cb->seq;
	tcp_rsk(req)->snt_isn = cb->ack_seq - 1;

	/* Our window and scale as the SYN-ACK offered them (they depend
	 * only on the listener, the route and the sysctls).
	 */
	dst = xtcp_route_req(sk, req);
	if (!dst)
		goto drop_req;
	xtcp_req_init_rwin(sk, req, dst);
	dst_release(dst);

	child = xtcp_syn_recv_sock(sk, skb, req, NULL, &own_req);
	if (!child)
		goto drop_req;
	__acquire(&child->sk_lock.slock);	/* returned locked */
	if (!own_req) {
		/* The 4-tuple is taken (a duplicate ACK raced us, or an
		 * established socket): the clone was destroyed already.
		 */
		bh_unlock_sock(child);
		sock_put(child);
		goto drop_req;
	}
	/* The accept queue holds the request's one reference. */
	refcount_set(&req->rsk_refcnt, 1);
	sock_rps_save_rxhash(child, skb);
	if (!inet_csk_reqsk_queue_add(sk, req, child)) {
		/* The listener closed under us: the child is forgotten. */
		bh_unlock_sock(child);
		sock_put(child);
		reqsk_put(req);
		goto drop;
	}

	skb_dst_drop(skb);
	if (!sock_owned_by_user(child)) {
		xtcp_rcv_state_process(child, skb);
		if (child->sk_state != TCP_SYN_RECV)
			sk->sk_data_ready(sk);
	} else {
		__sk_add_backlog(child, skb);
	}
	bh_unlock_sock(child);
	sock_put(child);
	return true;

drop_req:
	reqsk_free(req);
drop:
	kfree_skb(skb);
	return true;
}

/* ICMP error for a request sock (native tcp_req_err()). */
void xtcp_req_err(struct request_sock *req, u32 seq, bool abort)
{
	struct sock *sk = req->rsk_listener;

	if (seq != tcp_rsk(req)->snt_isn)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_INERRS);
	else if (abort)
		inet_csk_reqsk_queue_drop(sk, req);
	reqsk_put(req);
}
