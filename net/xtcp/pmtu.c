// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: ICMP errors and path MTU discovery.
 *
 *	ICMP errors		RFC 1122 4.2.3.9, RFC 5927 (soft errors),
 *				RFC 5961-style sequence check on the quoted
 *				header (native tcp_v4_err()/tcp_v6_err())
 *	PMTU discovery		RFC 1191 (IPv4 "fragmentation needed"),
 *				RFC 8201 (ICMPv6 "packet too big")
 *	black-hole detection	RFC 4821 section 7.7, with native Linux's
 *				net.ipv4.tcp_mtu_probing semantics
 *
 * A smaller path MTU is stored in tp->mtu_info by the ICMP handler and
 * applied by xtcp_mtu_reduced() under the socket lock: at once when the
 * owner does not hold it, else from xtcp_release_cb() (the
 * TCP_MTU_REDUCED_DEFERRED bit, as native).  The route's PMTU is
 * updated, the MSS re-synced, and every segment in flight that is
 * larger than the new MSS is marked lost and resent at once in segments
 * of the new size (native tcp_simple_retransmit()): the network dropped
 * it because of its size, not because of congestion, so cwnd and
 * ssthresh are left alone.
 *
 * Black holes (routers that drop large packets without an ICMP
 * message): when retransmission timeouts add up to net.xtcp.tcp_retries1
 * and net.xtcp.tcp_mtu_probing is set, the socket starts clamping its
 * MSS to the search floor icsk_mtup.search_low (tcp_base_mss at first),
 * halving that floor on every further such timeout down to
 * tcp_mtu_probe_floor (native tcp_mtu_probing()).
 *
 * Upward probing (RFC 4821 probes larger than the current MSS, native
 * tcp_mtu_probe()) is not done: icsk_mtup.search_high and probe_size
 * are kept as native keeps them, but no probe is sent, so mode 2
 * behaves as mode 1 (clamp only after a black hole) rather than pin
 * every connection at tcp_base_mss; see Documentation/sysctl.rst.
 *
 * Locking: everything but the ICMP receive path runs under the socket
 * lock (or bh_lock_sock() with the socket not owned by user); the ICMP
 * path takes bh_lock_sock() itself.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/icmp.h>
#include <net/inet6_connection_sock.h>
#include <net/inet_connection_sock.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine_priv.h"
#include "pmtu.h"

/* --- MSS and MTU of this socket --- */

int xtcp_mtu_to_mss(const struct sock *sk, int mtu)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	int min_mss = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_min_snd_mss);

	if (min_mss <= 0)
		min_mss = TCP_MIN_SND_MSS;
	return xtcp_pmtu_mtu_to_mss(mtu, icsk->icsk_af_ops->net_header_len,
				    icsk->icsk_ext_hdr_len,
				    tp->tcp_header_len - sizeof(struct tcphdr),
				    tp->rx_opt.mss_clamp, min_mss);
}

int xtcp_mss_to_mtu(const struct sock *sk, int mss)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);

	return xtcp_pmtu_mss_to_mtu(mss, icsk->icsk_af_ops->net_header_len,
				    icsk->icsk_ext_hdr_len,
				    tp->tcp_header_len - sizeof(struct tcphdr));
}

/*
 * Native tcp_mtup_init(): the RFC 4821 search range, from what the peer
 * allows (search_high) down to tcp_base_mss (search_low).  Mode 2 would
 * enable the clamp from the start; without upward probing that would
 * keep every connection at tcp_base_mss, so only a black hole enables
 * it (xtcp_mtu_blackhole()).
 */
void xtcp_mtup_init(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	const struct tcp_sock *tp = tcp_sk(sk);

	icsk->icsk_mtup.enabled = 0;
	icsk->icsk_mtup.search_high = tp->rx_opt.mss_clamp +
				      sizeof(struct tcphdr) +
				      icsk->icsk_af_ops->net_header_len;
	icsk->icsk_mtup.search_low =
		xtcp_mss_to_mtu(sk, READ_ONCE(pn->sysctl_tcp_base_mss));
	icsk->icsk_mtup.probe_size = 0;
	icsk->icsk_mtup.probe_timestamp = tcp_jiffies32;
}

/*
 * RTOs reached tcp_retries1 (timer.c): maybe a black hole.  The first
 * time the search floor becomes a clamp on the MSS; after that every
 * call halves the floor (xtcp_pmtu_blackhole_mss()).
 */
void xtcp_mtu_blackhole(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	int mss;

	if (!READ_ONCE(pn->sysctl_tcp_mtu_probing))
		return;
	if (!icsk->icsk_mtup.enabled) {
		icsk->icsk_mtup.enabled = 1;
		icsk->icsk_mtup.probe_timestamp = tcp_jiffies32;
	} else {
		int base = READ_ONCE(pn->sysctl_tcp_base_mss);
		int floor = READ_ONCE(pn->sysctl_tcp_mtu_probe_floor);
		int min_mss = READ_ONCE(pn->sysctl_tcp_min_snd_mss);

		mss = xtcp_mtu_to_mss(sk, icsk->icsk_mtup.search_low);
		mss = xtcp_pmtu_blackhole_mss(mss, base, floor, min_mss);
		icsk->icsk_mtup.search_low = xtcp_mss_to_mtu(sk, mss);
	}
	xtcp_sync_mss(sk, icsk->icsk_pmtu_cookie);
}

/* --- a smaller path MTU --- */

/*
 * Native tcp_simple_retransmit(): resend what was too large for the
 * path, at the new MSS, without a congestion response.  @old_mss is
 * the MSS the segments in flight were cut with (before the re-sync).
 *
 * The scoreboard stays consistent through xtcp_mark_skb_lost() (lost_out,
 * and retrans_out for a too-large retransmission); the resend re-counts
 * each skb's segments for the new MSS (xtcp_retransmit_skb_flags()).
 * Loss state is entered, as native does, only to track the repair:
 * high_seq marks its end and the resends are sent as cwnd allows.
 * undo_marker is cleared so that neither Eifel nor D-SACK "undoes" a
 * reduction that never happened, and F-RTO is off (no timeout).
 * ssthresh becomes xtcp_current_ssthresh(), which is never below the
 * old one: neither cwnd nor ssthresh is reduced.
 */
static void xtcp_simple_retransmit(struct sock *sk, u32 old_mss)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 mss = xtcp_current_mss(sk);
	struct sk_buff *skb;

	skb_rbtree_walk(skb, &sk->tcp_rtx_queue) {
		if (xtcp_pmtu_seglen(skb->len, xtcp_skb_pcount(skb),
				     old_mss) > mss)
			xtcp_mark_skb_lost(sk, skb);
	}
	if (!tp->lost_out)
		return;
	/* Without SACK, sacked_out counts duplicate ACKs: keep
	 * sacked_out + lost_out within packets_out (tcp_limit_reno_sacked()).
	 */
	if (!tp->rx_opt.sack_ok && tp->sacked_out + tp->lost_out > tp->packets_out)
		tp->sacked_out = tp->packets_out - tp->lost_out;

	if (icsk->icsk_ca_state != TCP_CA_Loss) {
		tp->high_seq = tp->snd_nxt;
		tp->snd_ssthresh = xtcp_current_ssthresh(sk);
		tp->prior_ssthresh = 0;
		tp->undo_marker = 0;
		tp->frto = 0;
		tp->tlp_high_seq = 0;
		xtcp_set_ca_state(sk, TCP_CA_Loss);
	}
	xtcp_xmit_retransmit_queue(sk);
}

/* icsk_af_ops->mtu_reduced (native tcp_v4_mtu_reduced() and
 * tcp_v6_mtu_reduced()): apply tp->mtu_info.  Socket lock held.
 */
void xtcp_mtu_reduced(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct dst_entry *dst;
	u32 mtu, dmtu, old_mss;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	mtu = READ_ONCE(tp->mtu_info);
	if (sk->sk_family == AF_INET || !inet6_sk(sk) ||
	    inet_csk(sk)->icsk_af_ops == &xtcp_ipv6_mapped_af_ops) {
		dst = inet_csk_update_pmtu(sk, mtu);
		if (!dst)
			return;
		dmtu = dst_mtu(dst);
		/* Remember a soft error in case the connection cannot
		 * recover (RFC 1191: the packet was not fragmented).
		 */
		if (mtu < dmtu && ip_dont_fragment(sk, dst))
			WRITE_ONCE(sk->sk_err_soft, EMSGSIZE);
		if (inet_sk(sk)->pmtudisc == IP_PMTUDISC_DONT ||
		    !ip_sk_accept_pmtu(sk))
			return;
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		if (!ip6_sk_accept_pmtu(sk))
			return;
		/* Never grow: __ip6_rt_update_pmtu() checks too late. */
		if (xtcp_mtu_to_mss(sk, mtu) >= (int)tp->mss_cache)
			return;
		dst = inet6_csk_update_pmtu(sk, mtu);
		if (!dst)
			return;
		dmtu = dst_mtu(dst);
#else
		return;
#endif
	}
	if (inet_csk(sk)->icsk_pmtu_cookie <= dmtu)
		return;	/* not smaller: the RTO deals with any loss */
	old_mss = tp->mss_cache;
	xtcp_sync_mss(sk, dmtu);
	/* A new clock for the resends (RACK, RTO). */
	xtcp_mstamp_refresh(tp);
	xtcp_simple_retransmit(sk, old_mss);
}

/* --- ICMP --- */

static void xtcp_err_full(struct sock *sk, u32 seq, int err, bool pmtu,
			  u32 mtu, bool redirect, struct sk_buff *icmp_skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	bh_lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	if (sock_owned_by_user(sk) && !pmtu)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LOCKDROPPEDICMPS);
	if (sk->sk_state != TCP_LISTEN &&
	    !between(seq, tp->snd_una, tp->snd_nxt)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTOFWINDOWICMPS);
		goto out;
	}
	if (redirect) {
		struct dst_entry *dst = __sk_dst_check(sk, 0);

		if (dst && !sock_owned_by_user(sk))
			dst->ops->redirect(dst, sk, icmp_skb);
		goto out;
	}
	if (pmtu) {
		if (sk->sk_state == TCP_LISTEN)
			goto out;
		WRITE_ONCE(tp->mtu_info, mtu);
		if (!sock_owned_by_user(sk))
			inet_csk(sk)->icsk_af_ops->mtu_reduced(sk);
		else if (!test_and_set_bit(TCP_MTU_REDUCED_DEFERRED,
					   &sk->sk_tsq_flags))
			sock_hold(sk);
		goto out;
	}
	if (!err)
		goto out;
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		if (!sock_owned_by_user(sk)) {
			WRITE_ONCE(sk->sk_err, err);
			sk_error_report(sk);
			xtcp_done(sk);
		} else {
			WRITE_ONCE(sk->sk_err_soft, err);
		}
		break;
	default:
		if (!sock_owned_by_user(sk) && inet_test_bit(RECVERR, sk)) {
			WRITE_ONCE(sk->sk_err, err);
			sk_error_report(sk);
		} else {
			WRITE_ONCE(sk->sk_err_soft, err);
		}
	}
out:
	bh_unlock_sock(sk);
}

static void xtcp_err_dispatch(struct sock *sk, u32 seq, int err, bool fatal,
			      bool pmtu, u32 mtu, bool redirect,
			      struct sk_buff *icmp_skb)
{
	if (sk->sk_state == TCP_TIME_WAIT) {
		inet_twsk_put(inet_twsk(sk));
		return;
	}
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		xtcp_req_err(inet_reqsk(sk), seq, fatal);
		return;
	}
	xtcp_err_full(sk, seq, err, pmtu, mtu, redirect, icmp_skb);
	sock_put(sk);
}

int xtcp_v4_err(struct sk_buff *skb, u32 info, struct sock *sk)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data +
							  (iph->ihl << 2));
	int type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;
	bool pmtu = false, redirect = false, fatal = false;
	u32 seq = ntohl(th->seq);
	int err = 0;

	switch (type) {
	case ICMP_REDIRECT:
		redirect = true;
		break;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		fatal = true;
		break;
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH)
			break;
		if (code == ICMP_FRAG_NEEDED) {
			pmtu = true;
			break;
		}
		err = icmp_err_convert[code].errno;
		fatal = icmp_err_convert[code].fatal;
		break;
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	default:
		break;
	}
	xtcp_err_dispatch(sk, seq, err, fatal, pmtu, info, redirect, skb);
	return 0;
}

int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		u8 type, u8 code, int offset, __be32 info, struct sock *sk)
{
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + offset);
	bool pmtu = false, redirect = false, fatal = false;
	u32 seq = ntohl(th->seq);
	u32 mtu = 0;
	int err = 0;

	if (type == NDISC_REDIRECT) {
		redirect = true;
	} else if (type == ICMPV6_PKT_TOOBIG) {
		mtu = ntohl(info);
		if (mtu < IPV6_MIN_MTU)
			mtu = 0;
		else
			pmtu = true;
	} else {
		fatal = icmpv6_err_convert(type, code, &err);
	}
	if (!pmtu && !redirect && !err) {
		xtcp_err_dispatch(sk, seq, 0, false, false, 0, false, skb);
		return 0;
	}
	xtcp_err_dispatch(sk, seq, err, fatal, pmtu, mtu, redirect, skb);
	return 0;
}
