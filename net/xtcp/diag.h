/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: walking a namespace's xtcp sockets (diag_walk.c), shared by the
 * netlink socket dump (netlink.c) and the sock_diag handler (diag.c,
 * xtcp_diag.ko).
 */
#ifndef _NET_XTCP_DIAG_H
#define _NET_XTCP_DIAG_H

#include <linux/types.h>
#include <net/sock.h>

/**
 * struct xtcp_walk_pos - where a walk stopped, so a dump can resume
 * @phase: 0 listening hash, 1 established hash, 2 done
 * @bucket: bucket within the phase's table
 * @num: xtcp sockets of the namespace already handed out in @bucket
 *
 * Zeroed: start at the beginning.  Fits in a netlink_callback's ctx.
 */
struct xtcp_walk_pos {
	u32	phase;
	u32	bucket;
	u32	num;
};

/*
 * Call @fn for every xtcp socket of @net: listeners, then every socket
 * of the established hash (full sockets, request socks in
 * TCP_NEW_SYN_RECV, TIME_WAIT minisocks), holding a reference and no
 * lock, so @fn may sleep.  @fn returns 0 to go on or a negative errno
 * (typically -EMSGSIZE: the dump skb is full) to stop; the walk then
 * records in @pos the socket @fn failed on, and returns that error.
 * Returns 0 once every socket was seen (@pos->phase == 2).
 */
int xtcp_sk_walk(struct net *net, struct xtcp_walk_pos *pos,
		 int (*fn)(struct sock *sk, void *arg), void *arg);

/* The state a dump reports: TIME_WAIT minisocks give their substate,
 * request socks TCP_SYN_RECV, as inet_diag does.
 */
int xtcp_sk_report_state(const struct sock *sk);

/* Is @sk (full, request or TIME_WAIT) an xtcp socket? */
bool xtcp_diag_owns(const struct sock *sk);

/*
 * SOCK_DESTROY: tcp_abort()'s semantics.  A full socket gets @err, a RST
 * if its state calls for one, and is closed; a listener stops listening;
 * a request sock is dropped; TIME_WAIT is refused (EOPNOTSUPP), as for
 * TCP.  Needs CAP_NET_ADMIN over the socket's namespace (EPERM).
 */
int xtcp_diag_abort(struct sock *sk, int err);

#endif /* _NET_XTCP_DIAG_H */
