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

/*
 * Generic netlink family "xtcp": from here to the end, the uapi output of
 * Linux 6.12's tools/net/ynl/ynl-gen-c.py for
 * Documentation/netlink/specs/xtcp.yaml (regenerate, do not edit).
 */
#define XTCP_FAMILY_NAME	"xtcp"
#define XTCP_FAMILY_VERSION	1

/**
 * enum xtcp_event_type - Connection events sent to the events multicast group.
 * @XTCP_EVENT_TYPE_ESTABLISHED: A connection reached ESTABLISHED (active or
 *   passive open).
 * @XTCP_EVENT_TYPE_CLOSED: A connection reached CLOSED (after any state).
 * @XTCP_EVENT_TYPE_RESET: A connection was reset, by the peer or by xtcp.
 * @XTCP_EVENT_TYPE_RTO: The retransmission timer of a connection fired.
 */
enum xtcp_event_type {
	XTCP_EVENT_TYPE_ESTABLISHED = 1,
	XTCP_EVENT_TYPE_CLOSED,
	XTCP_EVENT_TYPE_RESET,
	XTCP_EVENT_TYPE_RTO,
};

enum {
	XTCP_A_KNOB_NAME = 1,
	XTCP_A_KNOB_VALUE,

	__XTCP_A_KNOB_MAX,
	XTCP_A_KNOB_MAX = (__XTCP_A_KNOB_MAX - 1)
};

enum {
	XTCP_A_CONFIG_KNOB = 1,

	__XTCP_A_CONFIG_MAX,
	XTCP_A_CONFIG_MAX = (__XTCP_A_CONFIG_MAX - 1)
};

enum {
	XTCP_A_COUNTER_PAD = 1,
	XTCP_A_COUNTER_NAME,
	XTCP_A_COUNTER_VALUE,
	XTCP_A_COUNTER_EXT,

	__XTCP_A_COUNTER_MAX,
	XTCP_A_COUNTER_MAX = (__XTCP_A_COUNTER_MAX - 1)
};

enum {
	XTCP_A_STATS_COUNTER = 1,

	__XTCP_A_STATS_MAX,
	XTCP_A_STATS_MAX = (__XTCP_A_STATS_MAX - 1)
};

enum {
	XTCP_A_SOCK_PAD = 1,
	XTCP_A_SOCK_FAMILY,
	XTCP_A_SOCK_STATE,
	XTCP_A_SOCK_STATE_MASK,
	XTCP_A_SOCK_SADDR,
	XTCP_A_SOCK_DADDR,
	XTCP_A_SOCK_SPORT,
	XTCP_A_SOCK_DPORT,
	XTCP_A_SOCK_INODE,
	XTCP_A_SOCK_UID,
	XTCP_A_SOCK_RQUEUE,
	XTCP_A_SOCK_WQUEUE,
	XTCP_A_SOCK_CWND,
	XTCP_A_SOCK_SSTHRESH,
	XTCP_A_SOCK_RTT,
	XTCP_A_SOCK_RTTVAR,
	XTCP_A_SOCK_RTO,
	XTCP_A_SOCK_RETRANSMITS,
	XTCP_A_SOCK_TOTAL_RETRANS,
	XTCP_A_SOCK_UNACKED,
	XTCP_A_SOCK_LOST,
	XTCP_A_SOCK_SACKED,
	XTCP_A_SOCK_PACING_RATE,
	XTCP_A_SOCK_DELIVERY_RATE,
	XTCP_A_SOCK_CA_NAME,
	XTCP_A_SOCK_CA_STATE,
	XTCP_A_SOCK_SND_WSCALE,
	XTCP_A_SOCK_RCV_WSCALE,
	XTCP_A_SOCK_MSS,
	XTCP_A_SOCK_RCV_MSS,
	XTCP_A_SOCK_OPTIONS,
	XTCP_A_SOCK_BYTES_ACKED,
	XTCP_A_SOCK_BYTES_RECEIVED,
	XTCP_A_SOCK_INFO,
	XTCP_A_SOCK_EVENT,
	XTCP_A_SOCK_TIMER,

	__XTCP_A_SOCK_MAX,
	XTCP_A_SOCK_MAX = (__XTCP_A_SOCK_MAX - 1)
};

enum {
	XTCP_CMD_CONFIG_GET = 1,
	XTCP_CMD_CONFIG_SET,
	XTCP_CMD_STATS_GET,
	XTCP_CMD_SOCK_GET,
	XTCP_CMD_SOCK_EVENT,

	__XTCP_CMD_MAX,
	XTCP_CMD_MAX = (__XTCP_CMD_MAX - 1)
};

#define XTCP_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_XTCP_H */
