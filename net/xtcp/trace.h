/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: trace events, in tracefs as events/xtcp/<name>.
 *
 *	xtcp_state_change	any state change of a full socket
 *	xtcp_retransmit_skb	a segment was sent again
 *	xtcp_rto		the retransmission timer fired (RFC 6298 5.4)
 *	xtcp_send_reset		xtcp sent a RST (with or without a socket)
 *	xtcp_receive_reset	a RST was accepted by a full socket
 *	xtcp_cong_state		icsk_ca_state changes (Open, Loss ...)
 *
 * Fields follow the native tcp:* events: addresses as sockaddrs (v4 or
 * v6, printed with %pISpc), the socket's state.  netlink.c also hangs
 * its connection-event notifications on these tracepoints.
 *
 * Built out of tree: trace.c defines CREATE_TRACE_POINTS, and
 * TRACE_INCLUDE_PATH points define_trace.h back at this directory
 * (the Makefile adds it to trace.o's include path).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/tracepoint.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#define xtcp_show_state(s)					\
	__print_symbolic(s,					\
		{ TCP_ESTABLISHED, "ESTABLISHED" },		\
		{ TCP_SYN_SENT, "SYN_SENT" },			\
		{ TCP_SYN_RECV, "SYN_RECV" },			\
		{ TCP_FIN_WAIT1, "FIN_WAIT1" },			\
		{ TCP_FIN_WAIT2, "FIN_WAIT2" },			\
		{ TCP_TIME_WAIT, "TIME_WAIT" },			\
		{ TCP_CLOSE, "CLOSE" },				\
		{ TCP_CLOSE_WAIT, "CLOSE_WAIT" },		\
		{ TCP_LAST_ACK, "LAST_ACK" },			\
		{ TCP_LISTEN, "LISTEN" },			\
		{ TCP_CLOSING, "CLOSING" },			\
		{ TCP_NEW_SYN_RECV, "NEW_SYN_RECV" })

#define xtcp_show_ca_state(s)					\
	__print_symbolic(s,					\
		{ TCP_CA_Open, "Open" },			\
		{ TCP_CA_Disorder, "Disorder" },		\
		{ TCP_CA_CWR, "CWR" },				\
		{ TCP_CA_Recovery, "Recovery" },		\
		{ TCP_CA_Loss, "Loss" })

#ifndef _XTCP_TRACE_HELPERS
#define _XTCP_TRACE_HELPERS
/* A full or listening socket's addresses as two sockaddrs. */
static inline void xtcp_trace_addrs(u8 *saddr, u8 *daddr,
				    const struct sock *sk)
{
	struct sockaddr_in6 *s6 = (void *)saddr, *d6 = (void *)daddr;
	struct sockaddr_in *s4 = (void *)saddr, *d4 = (void *)daddr;
	const struct inet_sock *inet = inet_sk(sk);

	memset(saddr, 0, sizeof(*s6));
	memset(daddr, 0, sizeof(*d6));
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = inet->inet_sport;
		s6->sin6_addr = sk->sk_v6_rcv_saddr;
		d6->sin6_family = AF_INET6;
		d6->sin6_port = inet->inet_dport;
		d6->sin6_addr = sk->sk_v6_daddr;
		return;
	}
#endif
	s4->sin_family = AF_INET;
	s4->sin_port = inet->inet_sport;
	s4->sin_addr.s_addr = inet->inet_saddr;
	d4->sin_family = AF_INET;
	d4->sin_port = inet->inet_dport;
	d4->sin_addr.s_addr = inet->inet_daddr;
}

/* A RST's addresses: from the full socket, else from the segment it
 * answers (@skb), swapped so that src is the RST's source.
 */
static inline void xtcp_trace_reset_addrs(u8 *saddr, u8 *daddr,
					  const struct sock *sk,
					  const struct sk_buff *skb)
{
	struct sockaddr_in6 *s6 = (void *)saddr, *d6 = (void *)daddr;
	struct sockaddr_in *s4 = (void *)saddr, *d4 = (void *)daddr;
	const struct tcphdr *th;

	if (sk && sk_fullsock(sk)) {
		xtcp_trace_addrs(saddr, daddr, sk);
		return;
	}
	memset(saddr, 0, sizeof(*s6));
	memset(daddr, 0, sizeof(*d6));
	if (!skb)
		return;
	th = tcp_hdr(skb);
#if IS_ENABLED(CONFIG_IPV6)
	if (ip_hdr(skb)->version == 6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = th->dest;
		s6->sin6_addr = ipv6_hdr(skb)->daddr;
		d6->sin6_family = AF_INET6;
		d6->sin6_port = th->source;
		d6->sin6_addr = ipv6_hdr(skb)->saddr;
		return;
	}
#endif
	s4->sin_family = AF_INET;
	s4->sin_port = th->dest;
	s4->sin_addr.s_addr = ip_hdr(skb)->daddr;
	d4->sin_family = AF_INET;
	d4->sin_port = th->source;
	d4->sin_addr.s_addr = ip_hdr(skb)->saddr;
}
#endif

DECLARE_EVENT_CLASS(xtcp_sk_class,
		    TP_PROTO(const struct sock *sk),
		    TP_ARGS(sk),
		    TP_STRUCT__entry(__field(const void *, skaddr)
				     __field(int, state)
				     __array(__u8, saddr, sizeof(struct sockaddr_in6))
				     __array(__u8, daddr, sizeof(struct sockaddr_in6))
				     __field(__u32, snd_una)
				     __field(__u32, snd_cwnd)
				     __field(__u32, rto_ms)
				     __field(__u8, retransmits)),
		    TP_fast_assign(__entry->skaddr = sk;
				   __entry->state = sk->sk_state;
				   xtcp_trace_addrs(__entry->saddr, __entry->daddr, sk);
				   __entry->snd_una = tcp_sk(sk)->snd_una;
				   __entry->snd_cwnd = tcp_snd_cwnd(tcp_sk(sk));
				   __entry->rto_ms = jiffies_to_msecs(inet_csk(sk)->icsk_rto);
				   __entry->retransmits = inet_csk(sk)->icsk_retransmits;),
		    TP_printk("skaddr=%p src=%pISpc dest=%pISpc state=%s snd_una=%u cwnd=%u rto=%ums retransmits=%u",
			      __entry->skaddr, __entry->saddr, __entry->daddr,
			      xtcp_show_state(__entry->state), __entry->snd_una,
			      __entry->snd_cwnd, __entry->rto_ms, __entry->retransmits)
);

DEFINE_EVENT(xtcp_sk_class, xtcp_receive_reset,
	     TP_PROTO(const struct sock *sk),
	     TP_ARGS(sk)
);

DEFINE_EVENT(xtcp_sk_class, xtcp_rto,
	     TP_PROTO(const struct sock *sk),
	     TP_ARGS(sk)
);

TRACE_EVENT(xtcp_state_change,
	    TP_PROTO(const struct sock *sk, int oldstate, int newstate),
	    TP_ARGS(sk, oldstate, newstate),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(int, oldstate)
			     __field(int, newstate)
			     __array(__u8, saddr, sizeof(struct sockaddr_in6))
			     __array(__u8, daddr, sizeof(struct sockaddr_in6))),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->oldstate = oldstate;
			   __entry->newstate = newstate;
			   xtcp_trace_addrs(__entry->saddr, __entry->daddr, sk);),
	    TP_printk("skaddr=%p src=%pISpc dest=%pISpc oldstate=%s newstate=%s",
		      __entry->skaddr, __entry->saddr, __entry->daddr,
		      xtcp_show_state(__entry->oldstate),
		      xtcp_show_state(__entry->newstate))
);

TRACE_EVENT(xtcp_cong_state,
	    TP_PROTO(const struct sock *sk, u8 newstate),
	    TP_ARGS(sk, newstate),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(__u8, oldstate)
			     __field(__u8, newstate)
			     __array(__u8, saddr, sizeof(struct sockaddr_in6))
			     __array(__u8, daddr, sizeof(struct sockaddr_in6))
			     __field(__u32, snd_cwnd)
			     __field(__u32, ssthresh)),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->oldstate = inet_csk(sk)->icsk_ca_state;
			   __entry->newstate = newstate;
			   xtcp_trace_addrs(__entry->saddr, __entry->daddr, sk);
			   __entry->snd_cwnd = tcp_snd_cwnd(tcp_sk(sk));
			   __entry->ssthresh = tcp_sk(sk)->snd_ssthresh;),
	    TP_printk("skaddr=%p src=%pISpc dest=%pISpc ca_state=%s->%s cwnd=%u ssthresh=%u",
		      __entry->skaddr, __entry->saddr, __entry->daddr,
		      xtcp_show_ca_state(__entry->oldstate),
		      xtcp_show_ca_state(__entry->newstate),
		      __entry->snd_cwnd, __entry->ssthresh)
);

TRACE_EVENT(xtcp_retransmit_skb,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb,
		     u32 seq, u32 end_seq),
	    TP_ARGS(sk, skb, seq, end_seq),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(const void *, skbaddr)
			     __field(int, state)
			     __array(__u8, saddr, sizeof(struct sockaddr_in6))
			     __array(__u8, daddr, sizeof(struct sockaddr_in6))
			     __field(__u32, seq)
			     __field(__u32, end_seq)),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->skbaddr = skb;
			   __entry->state = sk->sk_state;
			   xtcp_trace_addrs(__entry->saddr, __entry->daddr, sk);
			   __entry->seq = seq;
			   __entry->end_seq = end_seq;),
	    TP_printk("skbaddr=%p skaddr=%p src=%pISpc dest=%pISpc state=%s seq=%u end_seq=%u",
		      __entry->skbaddr, __entry->skaddr, __entry->saddr,
		      __entry->daddr, xtcp_show_state(__entry->state),
		      __entry->seq, __entry->end_seq)
);

TRACE_EVENT(xtcp_send_reset,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	    TP_ARGS(sk, skb),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(const void *, skbaddr)
			     __field(int, state)
			     __array(__u8, saddr, sizeof(struct sockaddr_in6))
			     __array(__u8, daddr, sizeof(struct sockaddr_in6))),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->skbaddr = skb;
			   __entry->state = sk ? sk->sk_state : TCP_CLOSE;
			   xtcp_trace_reset_addrs(__entry->saddr, __entry->daddr, sk, skb);),
	    TP_printk("skbaddr=%p skaddr=%p src=%pISpc dest=%pISpc state=%s",
		      __entry->skbaddr, __entry->skaddr, __entry->saddr,
		      __entry->daddr, xtcp_show_state(__entry->state))
);

#endif /* _XTCP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
