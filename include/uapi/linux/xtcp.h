/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xtcp: user-visible constants.
 *
 * This header is shared by the kernel module and by userspace, so it
 * holds only plain C constants and types from <linux/types.h>.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

/*
 * IPPROTO_XTCP - the protocol argument that selects xtcp:
 *
 *	socket(AF_INET or AF_INET6, SOCK_STREAM, IPPROTO_XTCP)
 *
 * It only picks the socket implementation: xtcp speaks standard TCP, so
 * the IP header of every segment still carries protocol 6.
 *
 * Why 253: socket() rejects numbers >= IPPROTO_MAX (263 in Linux 6.12),
 * and 6 (TCP), 132 (SCTP) and 262 (MPTCP) are already taken for stream
 * sockets. 253 is one of the two numbers RFC 3692 sets aside for
 * experimentation, so it cannot collide with a protocol IANA assigns
 * later.
 *
 * Guarded, so that a libc or kernel header that one day defines it
 * wins without a redefinition error.
 */
#ifndef IPPROTO_XTCP
#define IPPROTO_XTCP	253
#endif

#endif /* _UAPI_LINUX_XTCP_H */
