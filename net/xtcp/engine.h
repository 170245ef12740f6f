/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: the seam between the socket layer and the protocol engine.
 *
 * socket.c (and socket6.c) own the system-call side: struct proto and
 * proto_ops, bind/connect/listen/accept, sendmsg/recvmsg/poll,
 * setsockopt/getsockopt, shutdown and close, port allocation.
 *
 * The engine owns everything that happens on the wire:
 *	input.c		segment processing, the RFC 9293 state machine
 *	output.c	segment construction and transmission
 *	timer.c		retransmission, delayed ACK, keepalive, FIN_WAIT_2
 *	listen.c	SYN handling, request socks, child creation
 *	timewait.c	TIME_WAIT minisocks
 *	ip.c		IPv4/IPv6 transmit and routing helpers
 *
 * Each function below has the semantics of the native function named in
 * its comment (net/ipv4/tcp*.c, Linux 6.12), unless it says otherwise;
 * that is the contract both sides code against.  Sequence numbers,
 * windows and timers live in the struct tcp_sock at the head of
 * struct xtcp_sock, with their native meaning.
 *
 * Queues (all under the socket lock, or bh_lock_sock() in softirq when
 * the socket is not owned by a user; see sock_owned_by_user()):
 *	sk->sk_write_queue	data not yet sent, XTCP_SKB_CB(skb)->seq order;
 *				sendmsg appends, xtcp_push() transmits
 *	sk->tcp_rtx_queue	sent and not yet acknowledged (rbtree by seq)
 *	sk->sk_receive_queue	in-order data (and FIN) for recvmsg;
 *				tp->copied_seq is the next byte to read
 *	tp->out_of_order_queue	out-of-order data (rbtree by seq)
 */
#ifndef _NET_XTCP_ENGINE_H
#define _NET_XTCP_ENGINE_H

#include <net/sock.h>
#include <net/tcp.h>

#include "protocol.h"

/* --- socket lifetime (called from proto .init/.destroy) --- */

/* Queues, timers (inet_csk_init_xmit_timers), RTO 1 s, initial cwnd 10,
 * MSS 536, buffers from net.xtcp.tcp_rmem/tcp_wmem[1]. tcp_init_sock().
 */
void xtcp_init_sock_engine(struct sock *sk);
/* Stop timers, purge every queue.  tcp_v4_destroy_sock(). */
void xtcp_destroy_sock_engine(struct sock *sk);

/* --- active open --- */

/* The socket is bound to a route and a 4-tuple (inet_hash_connect done,
 * state TCP_SYN_SENT set by the caller): choose the ISN (RFC 6528), build
 * and send the SYN, arm the SYN retransmission timer.  tcp_connect().
 */
int xtcp_connect(struct sock *sk);
/* After sk_setup_caps() or ip6_dst_store(): GSO whatever the device
 * offers, as native TCP has it (ip.c).
 */
void xtcp_sk_gso_setup(struct sock *sk, struct dst_entry *dst);

/* --- data transfer --- */

/* Effective send MSS now (options included).  tcp_current_mss(). */
unsigned int xtcp_current_mss(struct sock *sk);
/* Send what the windows, Nagle/cork and the congestion window allow.
 * @flags: the sendmsg flags (MSG_MORE, MSG_OOB ...); @nonagle:
 * TCP_NAGLE_* as native.  tcp_push().
 */
void xtcp_push(struct sock *sk, int flags, int nonagle);
/* recvmsg consumed @copied bytes: send a window update or a pending ACK
 * if that is due.  tcp_cleanup_rbuf().
 */
void xtcp_cleanup_rbuf(struct sock *sk, int copied);
/* Receive-buffer autotuning after a read.  tcp_rcv_space_adjust(). */
void xtcp_rcv_space_adjust(struct sock *sk);

/* --- teardown --- */

/* Queue a FIN after pending data (or on an empty queue send it now).
 * tcp_send_fin().
 */
void xtcp_send_fin(struct sock *sk);
/* Send a RST for the current snd_nxt.  tcp_send_active_reset(). */
void xtcp_send_active_reset(struct sock *sk, gfp_t priority);
/* State change with the native side effects (unhash on CLOSE,
 * CurrEstab accounting, inet_put_port).  tcp_set_state().
 */
void xtcp_set_state(struct sock *sk, int state);
/* The connection is over: TCP_CLOSE, stop timers, wake the owner, destroy
 * the socket if it is orphaned.  tcp_done().
 */
void xtcp_done(struct sock *sk);
/* Move a closing socket to a TIME_WAIT (or FIN_WAIT_2) minisock for
 * @timeo jiffies, or just finish it if none can be had
 * (tcp_max_tw_buckets).  tcp_time_wait().
 */
void xtcp_time_wait(struct sock *sk, int state, int timeo);
/* Orphaned socket: whether too many orphans/too little memory means it
 * must be reset now.  tcp_check_oom().
 */
bool xtcp_check_oom(struct sock *sk, int shift);
/* How long an orphaned FIN_WAIT_2 socket may live.  tcp_fin_time(). */
int xtcp_fin_time(const struct sock *sk);

/* disconnect(): restart the congestion-control module.  Native
 * tcp_disconnect()'s congestion part (cong.c).
 */
void xtcp_ca_disconnect(struct sock *sk);

/* --- keepalive and options --- */

/* SO_KEEPALIVE on/off.  tcp_set_keepalive(). */
void xtcp_set_keepalive(struct sock *sk, int val);
/* Re-arm the keepalive timer after TCP_KEEPIDLE changed. */
void xtcp_reset_keepalive_timer(struct sock *sk, unsigned long len);
/* Send an ACK now (TCP_QUICKACK, window updates).  tcp_send_ack(). */
void xtcp_send_ack(struct sock *sk);

/* --- receive entry points --- */

/* proto.backlog_rcv: process one segment for a full socket, under the
 * socket lock.  tcp_v4_do_rcv()/tcp_v6_do_rcv().
 */
int xtcp_do_rcv(struct sock *sk, struct sk_buff *skb);
/* demux.c hands a segment for an xtcp-owned socket (full, request or
 * TIME_WAIT; a reference is held on @sk and consumed) to the engine.
 * Returns what a net_protocol handler returns.
 */
int xtcp_v4_rcv(struct sk_buff *skb, struct sock *sk);
int xtcp_v6_rcv(struct sk_buff *skb, struct sock *sk);
/* ICMP errors for xtcp-owned sockets.  tcp_v4_err()/tcp_v6_err(). */
int xtcp_v4_err(struct sk_buff *skb, u32 info, struct sock *sk);
int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		u8 type, u8 code, int offset, __be32 info, struct sock *sk);
/* Does this socket (full, request or TIME_WAIT) belong to xtcp? */
bool xtcp_owns(const struct sock *sk);
/* proto.release_cb work deferred while the user held the lock. */
void xtcp_release_cb(struct sock *sk);

/* --- listening (proto_ops.listen/accept use inet_csk_*) --- */

/* The af_ops and request_sock_ops the socket layer installs. */
extern const struct inet_connection_sock_af_ops xtcp_ipv4_af_ops;
extern const struct inet_connection_sock_af_ops xtcp_ipv6_af_ops;
extern const struct inet_connection_sock_af_ops xtcp_ipv6_mapped_af_ops;
extern struct request_sock_ops xtcp_request_sock_ops;
extern struct request_sock_ops xtcp6_request_sock_ops;
extern struct timewait_sock_ops xtcp_timewait_sock_ops;
extern struct timewait_sock_ops xtcp6_timewait_sock_ops;

/* Engine-wide setup (control sockets, slabs): called from main.c after
 * ctrl and before socket.  Per-namespace parts are hooked from ctrl.c.
 */
int xtcp_engine_init(void);
void xtcp_engine_exit(void);
int xtcp_engine_net_init(struct net *net);
void xtcp_engine_net_exit(struct net *net);
/* On module unload: kill every xtcp TIME_WAIT minisock in every
 * namespace's hash table (they point at this module's code).
 */
void xtcp_timewait_purge_all(void);

#endif /* _NET_XTCP_ENGINE_H */
