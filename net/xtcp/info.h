/* SPDX-License-Identifier: GPL-2.0 */
/* xtcp: struct tcp_info and per-socket facts for every reporting path. */
#ifndef _NET_XTCP_INFO_H
#define _NET_XTCP_INFO_H

#include <linux/tcp.h>
#include <net/sock.h>

/* Fill @info for a full socket (any state, listeners included). */
void xtcp_get_info(struct sock *sk, struct tcp_info *info);
/* The congestion control's name: the tcp_congestion_ops module if one
 * is attached, else xtcp's built-in NewReno, reported as "reno".
 */
const char *xtcp_ca_name(const struct sock *sk);

#endif /* _NET_XTCP_INFO_H */
