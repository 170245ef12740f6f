// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: TIME_WAIT minisocks, and the engine's module and namespace
 * setup.
 *
 * A closing connection that must linger (TIME_WAIT, or an orphaned
 * FIN_WAIT_2 with a long tcp_fin_timeout) becomes a struct
 * xtcp_timewait_sock in the shared hash table (inet_twsk_alloc() and
 * inet_twsk_hashdance_schedule(), accounted in xtcp's own death row so
 * that net.xtcp.tcp_max_tw_buckets bounds them).  The kernel's timer
 * frees it.  Segments that hit it come to xtcp_tw_rcv().
 */
#include <linux/skbuff.h>
#include <linux/rculist_nulls.h>
#include <linux/tcp.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "engine_priv.h"

struct timewait_sock_ops xtcp_timewait_sock_ops = {
	.twsk_obj_size	= sizeof(struct xtcp_timewait_sock),
};

struct timewait_sock_ops xtcp6_timewait_sock_ops = {
	.twsk_obj_size	= sizeof(struct xtcp_timewait_sock),
};

void xtcp_time_wait(struct sock *sk, int state, int timeo)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	struct inet_timewait_sock *tw;

	tw = inet_twsk_alloc(sk, &pn->tw_death_row, state);
	if (tw) {
		struct tcp_timewait_sock *tcptw = tcp_twsk((struct sock *)tw);
		struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
		const int rto = (icsk->icsk_rto << 2) - (icsk->icsk_rto >> 1);

		tw->tw_rcv_wscale = tp->rx_opt.rcv_wscale;
		tw->tw_mark = sk->sk_mark;
		tw->tw_priority = READ_ONCE(sk->sk_priority);
		tw->tw_txhash = sk->sk_txhash;
		tcptw->tw_rcv_nxt = tp->rcv_nxt;
		tcptw->tw_snd_nxt = tp->snd_nxt;
		tcptw->tw_rcv_wnd = xtcp_receive_window(tp);
		tcptw->tw_ts_recent = tp->rx_opt.ts_recent;
		tcptw->tw_ts_recent_stamp = tp->rx_opt.tstamp_ok ?
					    tp->rx_opt.ts_recent_stamp : 0;
		tcptw->tw_ts_offset = tp->tsoffset;
		tcptw->tw_last_oow_ack_time = 0;
		tcptw->tw_tx_delay = 0;
#ifdef CONFIG_TCP_MD5SIG
		tcptw->tw_md5_key = NULL;
#endif
#ifdef CONFIG_TCP_AO
		RCU_INIT_POINTER(tcptw->ao_info, NULL);
#endif
		xtw->tstamp_ok = tp->rx_opt.tstamp_ok;
		xtw->wscale_ok = tp->rx_opt.wscale_ok;
		xtw->rcv_wscale = tp->rx_opt.rcv_wscale;
#if IS_ENABLED(CONFIG_IPV6)
		if (tw->tw_family == PF_INET6) {
			const struct ipv6_pinfo *np = inet6_sk(sk);

			tw->tw_v6_daddr = sk->sk_v6_daddr;
			tw->tw_v6_rcv_saddr = sk->sk_v6_rcv_saddr;
			tw->tw_tclass = np->tclass;
			tw->tw_flowlabel = be32_to_cpu(np->flow_label &
						       IPV6_FLOWLABEL_MASK);
			tw->tw_ipv6only = sk->sk_ipv6only;
		}
#endif
		if (timeo < rto)
			timeo = rto;
		if (state == TCP_TIME_WAIT)
			timeo = XTCP_TIMEWAIT_LEN;
		inet_twsk_hashdance_schedule(tw, sk, pn->tw_death_row.hashinfo,
					     timeo);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEWAITED);
	} else {
		/* tcp_max_tw_buckets: no TIME_WAIT, the socket just goes. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPTIMEWAITOVERFLOW);
	}
	xtcp_done(sk);
}

static void xtcp_tw_send_ack(struct sk_buff *skb,
			     struct inet_timewait_sock *tw)
{
	struct tcp_timewait_sock *tcptw = tcp_twsk((struct sock *)tw);
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	struct xtcp_tx_options o = {};

	if (xtw->tstamp_ok) {
		o.tstamp_ok = 1;
		o.tsval = xtcp_ts_raw() + tcptw->tw_ts_offset;
		o.tsecr = tcptw->tw_ts_recent;
	}
	xtcp_send_reply(twsk_net(tw), skb, tcptw->tw_snd_nxt,
			tcptw->tw_rcv_nxt,
			tcptw->tw_rcv_wnd >> tw->tw_rcv_wscale, TCPHDR_ACK, &o,
			(struct sock *)tw);
}

/* A new SYN reincarnates the connection: find the listener again. */
static void xtcp_tw_syn(struct sk_buff *skb, struct net *net, u32 isn)
{
	const struct tcphdr *th = tcp_hdr(skb);
	int doff = th->doff * 4;
	struct sock *sk = NULL;

	__skb_push(skb, doff);
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		sk = __inet_lookup_listener(net, net->ipv4.tcp_death_row.hashinfo,
					    skb, doff, iph->saddr, th->source,
					    iph->daddr, ntohs(th->dest),
					    inet_iif(skb), 0);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		sk = inet6_lookup_listener(net, net->ipv4.tcp_death_row.hashinfo,
					   skb, doff, &ip6h->saddr, th->source,
					   &ip6h->daddr, ntohs(th->dest),
					   XTCP_SKB_CB(skb)->header.h6.iif, 0);
#endif
	}
	__skb_pull(skb, doff);
	if (sk && xtcp_owns(sk))
		xtcp_conn_request(sk, skb, isn);
}

static bool xtcp_tw_in_window(u32 seq, u32 end_seq, u32 s_win, u32 e_win)
{
	if (seq == s_win)
		return true;
	if (after(end_seq, s_win) && before(seq, e_win))
		return true;
	return seq == e_win && seq == end_seq;
}

/* Native tcp_timewait_state_process().  Consumes @skb and the
 * reference on @tw.
 */
int xtcp_tw_rcv(struct sk_buff *skb, struct inet_timewait_sock *tw)
{
	struct tcp_timewait_sock *tcptw = tcp_twsk((struct sock *)tw);
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct net *net = twsk_net(tw);
	struct xtcp_rx_options opt;
	u8 flags = cb->tcp_flags;
	bool paws_reject = false;
	u32 isn;

	if (xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			       flags & TCPHDR_SYN, &opt) != XTCP_OPT_OK)
		goto put;
	if (opt.saw_tstamp && xtw->tstamp_ok && tcptw->tw_ts_recent_stamp &&
	    (s32)(opt.tsval - tcptw->tw_ts_recent) < 0 &&
	    ktime_get_seconds() < tcptw->tw_ts_recent_stamp + TCP_PAWS_WRAP &&
	    !((flags & TCPHDR_RST) &&
	      ktime_get_seconds() >= tcptw->tw_ts_recent_stamp + TCP_PAWS_MSL))
		paws_reject = true;

	if (tw->tw_substate == TCP_FIN_WAIT2) {
		if (paws_reject ||
		    !xtcp_tw_in_window(cb->seq, cb->end_seq, tcptw->tw_rcv_nxt,
				       tcptw->tw_rcv_nxt + tcptw->tw_rcv_wnd))
			goto send_ack_limited;
		if (flags & TCPHDR_RST)
			goto kill;
		if ((flags & TCPHDR_SYN) &&
		    !before(cb->seq, tcptw->tw_rcv_nxt))
			goto kill_with_rst;
		if (!(flags & TCPHDR_ACK) ||
		    !after(cb->end_seq, tcptw->tw_rcv_nxt) ||
		    cb->end_seq == cb->seq)
			goto put;
		/* New data after our close, or a FIN. */
		if (!(flags & TCPHDR_FIN) ||
		    cb->end_seq != tcptw->tw_rcv_nxt + 1)
			goto kill_with_rst;
		tw->tw_substate = TCP_TIME_WAIT;
		tcptw->tw_rcv_nxt = cb->end_seq;
		if (opt.saw_tstamp && xtw->tstamp_ok) {
			tcptw->tw_ts_recent_stamp = ktime_get_seconds();
			tcptw->tw_ts_recent = opt.tsval;
		}
		inet_twsk_reschedule(tw, XTCP_TIMEWAIT_LEN);
		xtcp_tw_send_ack(skb, tw);
		goto put;
	}

	/* TIME_WAIT proper. */
	if (!paws_reject && cb->seq == tcptw->tw_rcv_nxt &&
	    (cb->seq == cb->end_seq || (flags & TCPHDR_RST))) {
		if (flags & TCPHDR_RST) {
			if (!READ_ONCE(xtcp_pernet(net)->sysctl_tcp_rfc1337))
				goto kill;
		} else {
			inet_twsk_reschedule(tw, XTCP_TIMEWAIT_LEN);
		}
		if (opt.saw_tstamp && xtw->tstamp_ok) {
			tcptw->tw_ts_recent = opt.tsval;
			tcptw->tw_ts_recent_stamp = ktime_get_seconds();
		}
		goto put;
	}

	/* A new SYN beyond the old sequence space (or with a newer
	 * timestamp) may open a new incarnation (RFC 9293 3.6.1,
	 * RFC 6191).
	 */
	if ((flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) == TCPHDR_SYN &&
	    !paws_reject &&
	    (after(cb->seq, tcptw->tw_rcv_nxt) ||
	     (opt.saw_tstamp && xtw->tstamp_ok &&
	      (s32)(tcptw->tw_ts_recent - opt.tsval) < 0))) {
		isn = tcptw->tw_snd_nxt + 65535 + 2;
		if (!isn)
			isn = 1;
		inet_twsk_deschedule_put(tw);
		xtcp_tw_syn(skb, net, isn);
		kfree_skb(skb);
		return 0;
	}

	if (paws_reject)
		XTCP_INC_STATS(net, XTCP_MIB_PAWSESTABREJECTED);
	if (flags & TCPHDR_RST)
		goto put;
	/* A retransmitted FIN, an old duplicate: ACK (rate-limited). */
	if (paws_reject || (flags & TCPHDR_ACK))
		inet_twsk_reschedule(tw, XTCP_TIMEWAIT_LEN);
send_ack_limited:
	if (!(flags & TCPHDR_RST) &&
	    !xtcp_oow_rate_limited(net, &tcptw->tw_last_oow_ack_time))
		xtcp_tw_send_ack(skb, tw);
put:
	inet_twsk_put(tw);
	kfree_skb(skb);
	return 0;

kill_with_rst:
	xtcp_send_reset_reply(net, skb, NULL);
kill:
	inet_twsk_deschedule_put(tw);
	kfree_skb(skb);
	return 0;
}

/* Kill xtcp's TIME_WAIT minisocks in @hinfo (those of @net only, unless
 * @net is NULL).
 */
static void xtcp_tw_purge(struct inet_hashinfo *hinfo, const struct net *net)
{
	unsigned int slot;

	for (slot = 0; slot <= hinfo->ehash_mask; slot++) {
		struct inet_ehash_bucket *head = &hinfo->ehash[slot];
		struct hlist_nulls_node *node;
		struct sock *sk;

		if (hlist_nulls_empty(&head->chain))
			continue;
restart_rcu:
		cond_resched();
		rcu_read_lock();
restart:
		sk_nulls_for_each_rcu(sk, node, &head->chain) {
			struct inet_timewait_sock *tw;

			if (sk->sk_state != TCP_TIME_WAIT || !xtcp_owns(sk) ||
			    (net && !net_eq(sock_net(sk), net)))
				continue;
			tw = inet_twsk(sk);
			if (!refcount_inc_not_zero(&tw->tw_refcnt))
				continue;
			if (unlikely(sk->sk_state != TCP_TIME_WAIT ||
				     !xtcp_owns(sk) ||
				     (net && !net_eq(sock_net(sk), net)))) {
				inet_twsk_put(tw);
				goto restart;
			}
			rcu_read_unlock();
			local_bh_disable();
			inet_twsk_deschedule_put(tw);
			local_bh_enable();
			goto restart_rcu;
		}
		if (get_nulls_value(node) != slot)
			goto restart;
		rcu_read_unlock();
	}
}

void xtcp_timewait_purge_all(void)
{
	struct inet_hashinfo *global = init_net.ipv4.tcp_death_row.hashinfo;
	struct net *net;

	xtcp_tw_purge(global, NULL);
	down_read(&net_rwsem);
	for_each_net(net) {
		struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;

		if (h != global)
			xtcp_tw_purge(h, NULL);
	}
	up_read(&net_rwsem);
}

int xtcp_engine_init(void)
{
	return 0;
}

void xtcp_engine_exit(void)
{
}

int xtcp_engine_net_init(struct net *net)
{
	return xtcp_ip_net_init(net);
}

void xtcp_engine_net_exit(struct net *net)
{
	xtcp_tw_purge(net->ipv4.tcp_death_row.hashinfo, net);
	xtcp_ip_net_exit(net);
}
