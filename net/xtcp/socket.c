// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: socket glue.
 *
 * struct proto and struct proto_ops behind
 * socket(AF_INET or AF_INET6, SOCK_STREAM, IPPROTO_XTCP), registered the
 * way MPTCP and SMC register theirs: proto_register() for the slab, then
 * inet_register_protosw()/inet6_register_protosw() so that inet_create()
 * and inet6_create() find them.
 *
 * Only create and close work so far. Every other operation answers with
 * a fixed errno, so "not built yet" is easy to tell from a crash or a
 * silent success:
 *
 *	bind, connect, listen, accept,
 *	shutdown, sendmsg, recvmsg		EOPNOTSUPP
 *	setsockopt, getsockopt (not SOL_SOCKET)	ENOPROTOOPT
 *	SIOCINQ, SIOCOUTQ, SIOCOUTQNSD,
 *	SIOCATMARK				EOPNOTSUPP
 *	socketpair				EOPNOTSUPP
 *	mmap					ENODEV
 *
 * What behaves as on any inet socket: getsockname()/getpeername()
 * (peer: ENOTCONN), SOL_SOCKET options, interface and routing ioctls,
 * SIOCGSTAMP. poll() reports EPOLLHUP, as native TCP does for a socket
 * that is not connected, so nobody waits on a socket where nothing can
 * ever happen.
 *
 * Each socket holds a reference on this module (sk_alloc() takes one on
 * proto.owner and the socket layer one on proto_ops.owner), so rmmod is
 * refused while any xtcp socket exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/ioctls.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <net/inet_common.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "protocol.h"

/*
 * struct proto callbacks, shared by both families.
 *
 * inet_create()/inet6_create() call .init after sock_init_data(); when
 * .init or a later step fails they call sk_common_release(), which runs
 * .destroy. So .destroy must cope with a socket that .init never touched
 * or only partly set up: it undoes only what the XTCP_SK_* bits say
 * was done.
 */
static int xtcp_init_sock(struct sock *sk)
{
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	set_bit(XTCP_SK_COUNTED, &xtcp_sk(sk)->flags);
	return 0;
}

static void xtcp_destroy_sock(struct sock *sk)
{
	if (test_and_clear_bit(XTCP_SK_COUNTED, &xtcp_sk(sk)->flags))
		sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

/*
 * Called by inet_release()/inet6_release(). There is no connection to
 * wind down yet, so @timeout (SO_LINGER) has nothing to wait for.
 * sk_common_release() runs .destroy and .unhash, orphans the socket and
 * drops the reference from sk_alloc(); the last sock_put() frees it via
 * sk->sk_destruct (inet_sock_destruct or inet6_sock_destruct).
 */
static void xtcp_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
}

/*
 * Nothing is hashed yet. sk_common_release() always calls .unhash; the
 * generic code calls .hash and .get_port only for sockets that bind or
 * listen, which xtcp refuses, and they exist so that no path can call
 * through a NULL pointer.
 */
static int xtcp_hash(struct sock *sk)
{
	return -EOPNOTSUPP;
}

static void xtcp_unhash(struct sock *sk)
{
}

static int xtcp_get_port(struct sock *sk, unsigned short snum)
{
	return -EOPNOTSUPP;
}

/*
 * Reached through inet_ioctl()/inet6_ioctl() for every command they do
 * not handle themselves. The TCP ioctls are not built yet; anything else
 * returns -ENOIOCTLCMD so that the socket layer tries the device ioctls,
 * as it does for native TCP.
 */
static int xtcp_ioctl(struct sock *sk, int cmd, int *karg)
{
	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
	case SIOCATMARK:
		return -EOPNOTSUPP;
	default:
		return -ENOIOCTLCMD;
	}
}

static struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.close		= xtcp_close,
	.init		= xtcp_init_sock,
	.destroy	= xtcp_destroy_sock,
	.ioctl		= xtcp_ioctl,
	.hash		= xtcp_hash,
	.unhash		= xtcp_unhash,
	.get_port	= xtcp_get_port,
	.obj_size	= sizeof(struct xtcp_sock),
};

/*
 * struct proto_ops callbacks, shared by both families: the socket layer
 * calls them with no lock held.
 */
static __poll_t xtcp_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);

	if (inet_sk_state_load(sk) == TCP_CLOSE)
		mask |= EPOLLHUP;

	return mask;
}

static int xtcp_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static int xtcp_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	return -ENOPROTOOPT;
}

static const struct proto_ops xtcp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet_getname,
	.poll		= xtcp_poll,
	.ioctl		= inet_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

/*
 * INET_PROTOSW_ICSK stays clear until the inet_connection_sock callbacks
 * (icsk_af_ops, icsk_sync_mss, timers) are set up: generic IP code calls
 * them on sockets that carry the flag.
 */
static struct inet_protosw xtcp_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_XTCP,
	.prot		= &xtcp_prot,
	.ops		= &xtcp_stream_ops,
};

#if IS_ENABLED(CONFIG_IPV6)
static struct proto xtcp6_prot = {
	.name			= "XTCPv6",
	.owner			= THIS_MODULE,
	.close			= xtcp_close,
	.init			= xtcp_init_sock,
	.destroy		= xtcp_destroy_sock,
	.ioctl			= xtcp_ioctl,
	.hash			= xtcp_hash,
	.unhash			= xtcp_unhash,
	.get_port		= xtcp_get_port,
	.obj_size		= sizeof(struct xtcp6_sock),
	.ipv6_pinfo_offset	= offsetof(struct xtcp6_sock, inet6),
};

static const struct proto_ops xtcp6_stream_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= inet6_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet6_getname,
	.poll		= xtcp_poll,
	.ioctl		= inet6_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

static struct inet_protosw xtcp6_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_XTCP,
	.prot		= &xtcp6_prot,
	.ops		= &xtcp6_stream_ops,
};

/* Whether the AF_INET6 side is registered (IPv6 may be disabled). */
static bool xtcp_socket_v6_registered;

static int xtcp_socket_init_v6(void)
{
	int err;

	/* Booted with ipv6.disable=1: AF_INET6 sockets cannot exist. */
	if (!ipv6_mod_enabled())
		return 0;

	err = proto_register(&xtcp6_prot, 1);
	if (err)
		return err;

	err = inet6_register_protosw(&xtcp6_protosw);
	if (err) {
		proto_unregister(&xtcp6_prot);
		return err;
	}

	xtcp_socket_v6_registered = true;
	return 0;
}

static void xtcp_socket_exit_v6(void)
{
	if (!xtcp_socket_v6_registered)
		return;

	/* Waits for inet6_create() callers that may have found it. */
	inet6_unregister_protosw(&xtcp6_protosw);
	proto_unregister(&xtcp6_prot);
	xtcp_socket_v6_registered = false;
}
#else
static int xtcp_socket_init_v6(void)
{
	return 0;
}

static void xtcp_socket_exit_v6(void)
{
}
#endif /* CONFIG_IPV6 */

/*
 * In each family the slab comes first and the protosw entry last: once
 * an entry is registered, socket() can use it at once.
 *
 * Nothing may fail once a protosw entry is registered. A socket created
 * in that window would hold a module reference, yet a module whose init
 * fails is freed regardless. Hence IPv6, whose registration can fail,
 * goes first; inet_register_protosw() cannot fail, and this must stay
 * the last step of module init.
 */
int xtcp_socket_init(void)
{
	int err;

	err = proto_register(&xtcp_prot, 1);
	if (err)
		return err;

	err = xtcp_socket_init_v6();
	if (err) {
		proto_unregister(&xtcp_prot);
		return err;
	}

	/* Only logs, if IPPROTO_XTCP were a permanent protocol's number. */
	inet_register_protosw(&xtcp_protosw);
	return 0;
}

/*
 * Only reached when the module refcount is zero, so no xtcp socket
 * exists. In each family the protosw entry goes first, so that no new
 * socket can start, then the slab.
 */
void xtcp_socket_exit(void)
{
	/* Waits for inet_create() callers that may have found it. */
	inet_unregister_protosw(&xtcp_protosw);
	proto_unregister(&xtcp_prot);

	xtcp_socket_exit_v6();
}
