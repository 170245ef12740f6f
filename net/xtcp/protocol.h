/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: definitions private to xtcp.ko.
 *
 * Layering, bottom up (main.c brings them up in this order and takes
 * them down in reverse):
 *
 *	ctrl.c		per-network-namespace state
 *	demux.c		the receive hook in inet_protos[] / inet6_protos[]
 *	socket.c	struct proto / proto_ops, socket(IPPROTO_XTCP)
 */
#ifndef _NET_XTCP_PROTOCOL_H
#define _NET_XTCP_PROTOCOL_H

#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/ipv6.h>
#include <linux/stddef.h>
#include <linux/tcp.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <uapi/linux/xtcp.h>

/**
 * struct xtcp_sock - the xtcp control block
 * @tcp: a complete native TCP control block. It must stay the first
 *	member: the kernel's tcp_congestion_ops modules (cubic, bbr, ...)
 *	are handed a struct sock * and read it with tcp_sk(), so an xtcp
 *	socket has to be a struct tcp_sock at offset 0. Fields that those
 *	modules read keep their native meaning and native locking (the
 *	socket lock, or bh_lock_sock() in softirq).
 * @flags: XTCP_SK_* bits. Atomic bitops only, so any context may read
 *	or change them without the socket lock.
 *
 * xtcp-private state goes after @tcp, never inside it.
 */
struct xtcp_sock {
	struct tcp_sock	tcp;
	unsigned long	flags;
};

static_assert(offsetof(struct xtcp_sock, tcp) == 0);

/* Bits in xtcp_sock::flags. */
enum {
	XTCP_SK_COUNTED,	/* counted in /proc/net/protocols "sockets" */
};

#if IS_ENABLED(CONFIG_IPV6)
/**
 * struct xtcp6_sock - an AF_INET6 xtcp socket
 * @xtcp: the control block, first for the same reason as in xtcp_sock
 * @inet6: IPv6 socket state; inet6_create() finds it through
 *	xtcp6_prot.ipv6_pinfo_offset.
 */
struct xtcp6_sock {
	struct xtcp_sock	xtcp;
	struct ipv6_pinfo	inet6;
};
#endif

#define xtcp_sk(ptr)	container_of_const(tcp_sk(ptr), struct xtcp_sock, tcp)

/**
 * struct xtcp_pernet - per-network-namespace xtcp state
 * @default_enable: placeholder for the future net.xtcp.default sysctl:
 *	whether plain socket(AF_INET*, SOCK_STREAM, 0) gets xtcp. Only 0
 *	(off) exists today; nothing reads it yet.
 *
 * Allocated and zeroed by the netns core (pernet_operations.size) before
 * ctrl.c's init runs, freed after the namespace is gone. Config fields
 * are written by their sysctl handler and read locklessly by the data
 * path: WRITE_ONCE()/READ_ONCE().
 */
struct xtcp_pernet {
	int	default_enable;
};

extern unsigned int xtcp_pernet_id;

static inline struct xtcp_pernet *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_pernet_id);
}

int xtcp_ctrl_init(void);
void xtcp_ctrl_exit(void);

int xtcp_demux_init(void);
void xtcp_demux_exit(void);

int xtcp_socket_init(void);
void xtcp_socket_exit(void);

#endif /* _NET_XTCP_PROTOCOL_H */
