// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: the AF_INET6 socket, socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP).
 *
 * Everything but connect() and the proto/proto_ops tables is shared with
 * AF_INET (socket.c, sockopt.c).  A dual-stack socket connecting to a
 * v4-mapped address runs the IPv4 connect with the mapped af_ops, as
 * native TCP does; such a socket then speaks IPv4 on the wire.
 */
#include <linux/errno.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <net/addrconf.h>
#include <net/inet6_connection_sock.h>
#include <net/inet6_hashtables.h>
#include <net/inet_common.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/transp_v6.h>

#include "engine.h"
#include "protocol.h"

static int xtcp_v6_init_sock(struct sock *sk)
{
	return xtcp_sock_init_common(sk, &xtcp_ipv6_af_ops);
}

/* IPv4 through a v4-mapped destination on a dual-stack socket. */
static int xtcp_v6_connect_mapped(struct sock *sk,
				  const struct sockaddr_in6 *usin)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	u32 exthdrlen = icsk->icsk_ext_hdr_len;
	struct sockaddr_in sin;
	int err;

	if (ipv6_only_sock(sk))
		return -ENETUNREACH;

	sin.sin_family = AF_INET;
	sin.sin_port = usin->sin6_port;
	sin.sin_addr.s_addr = usin->sin6_addr.s6_addr32[3];

	/* Paired with READ_ONCE() in xtcp_(get|set)sockopt(). */
	WRITE_ONCE(icsk->icsk_af_ops, &xtcp_ipv6_mapped_af_ops);

	err = xtcp_v4_connect(sk, (struct sockaddr *)&sin, sizeof(sin));
	if (err) {
		icsk->icsk_ext_hdr_len = exthdrlen;
		WRITE_ONCE(icsk->icsk_af_ops, &xtcp_ipv6_af_ops);
		return err;
	}

	inet6_sk(sk)->saddr = sk->sk_v6_rcv_saddr;
	return 0;
}

static int xtcp_v6_connect(struct sock *sk, struct sockaddr *uaddr,
			   int addr_len)
{
	struct sockaddr_in6 *usin = (struct sockaddr_in6 *)uaddr;
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct in6_addr *saddr = NULL, *final_p, final;
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	struct ipv6_txoptions *opt;
	struct dst_entry *dst;
	struct flowi6 fl6;
	int addr_type;
	int err;

	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (usin->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;

	memset(&fl6, 0, sizeof(fl6));

	if (inet6_test_bit(SNDFLOW, sk)) {
		fl6.flowlabel = usin->sin6_flowinfo & IPV6_FLOWINFO_MASK;
		IP6_ECN_flow_init(fl6.flowlabel);
		if (fl6.flowlabel & IPV6_FLOWLABEL_MASK) {
			struct ip6_flowlabel *flowlabel;

			flowlabel = fl6_sock_lookup(sk, fl6.flowlabel);
			if (IS_ERR(flowlabel))
				return -EINVAL;
			fl6_sock_release(flowlabel);
		}
	}

	/* connect() to the unspecified address means loopback (BSD). */
	if (ipv6_addr_any(&usin->sin6_addr)) {
		if (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr))
			ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK),
					       &usin->sin6_addr);
		else
			usin->sin6_addr = in6addr_loopback;
	}

	addr_type = ipv6_addr_type(&usin->sin6_addr);
	if (addr_type & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;

	if (addr_type & IPV6_ADDR_LINKLOCAL) {
		if (addr_len >= sizeof(struct sockaddr_in6) &&
		    usin->sin6_scope_id) {
			/* A bound interface must be the scope's. */
			if (!sk_dev_equal_l3scope(sk, usin->sin6_scope_id))
				return -EINVAL;
			sk->sk_bound_dev_if = usin->sin6_scope_id;
		}
		/* A link-local peer needs an interface. */
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}

	if (tp->rx_opt.ts_recent_stamp &&
	    !ipv6_addr_equal(&sk->sk_v6_daddr, &usin->sin6_addr)) {
		tp->rx_opt.ts_recent = 0;
		tp->rx_opt.ts_recent_stamp = 0;
		WRITE_ONCE(tp->write_seq, 0);
	}

	sk->sk_v6_daddr = usin->sin6_addr;
	np->flow_label = fl6.flowlabel;

	if (addr_type & IPV6_ADDR_MAPPED) {
		err = xtcp_v6_connect_mapped(sk, usin);
		if (err)
			goto failure;
		return 0;
	}

	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		saddr = &sk->sk_v6_rcv_saddr;

	fl6.flowi6_proto = IPPROTO_TCP;
	fl6.daddr = sk->sk_v6_daddr;
	fl6.saddr = saddr ? *saddr : np->saddr;
	fl6.flowlabel = ip6_make_flowinfo(np->tclass, np->flow_label);
	fl6.flowi6_oif = sk->sk_bound_dev_if;
	fl6.flowi6_mark = sk->sk_mark;
	fl6.fl6_dport = usin->sin6_port;
	fl6.fl6_sport = inet->inet_sport;
	fl6.flowi6_uid = sk->sk_uid;

	opt = rcu_dereference_protected(np->opt, lockdep_sock_is_held(sk));
	final_p = fl6_update_dst(&fl6, opt, &final);

	security_sk_classify_flow(sk, flowi6_to_flowi_common(&fl6));

	dst = ip6_dst_lookup_flow(net, sk, &fl6, final_p);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto failure;
	}

	tp->tcp_usec_ts = dst_tcp_usec_ts(dst);

	if (!saddr) {
		saddr = &fl6.saddr;
		err = inet_bhash2_update_saddr(sk, saddr, AF_INET6);
		if (err) {
			dst_release(dst);
			goto failure;
		}
	}

	np->saddr = *saddr;
	inet->inet_rcv_saddr = LOOPBACK4_IPV6;

	sk->sk_gso_type = SKB_GSO_TCPV6;
	ip6_dst_store(sk, dst, NULL, false);
	xtcp_sk_gso_setup(sk, dst);

	icsk->icsk_ext_hdr_len = 0;
	if (opt)
		icsk->icsk_ext_hdr_len = opt->opt_flen + opt->opt_nflen;

	tp->rx_opt.mss_clamp = IPV6_MIN_MTU - sizeof(struct tcphdr) -
			       sizeof(struct ipv6hdr);

	inet->inet_dport = usin->sin6_port;

	xtcp_set_state(sk, TCP_SYN_SENT);
	err = xtcp_hash_connect(sk, inet6_hash_connect);
	if (err)
		goto late_failure;

	sk_set_txhash(sk);

	err = xtcp_connect(sk);
	if (err)
		goto late_failure;

	return 0;

late_failure:
	xtcp_set_state(sk, TCP_CLOSE);
	inet_bhash2_reset_saddr(sk);
failure:
	inet->inet_dport = 0;
	sk->sk_route_caps = 0;
	return err;
}

static struct proto xtcp6_prot = {
	.name			= "XTCPv6",
	.owner			= THIS_MODULE,
	.close			= xtcp_close,
	.connect		= xtcp_v6_connect,
	.disconnect		= xtcp_disconnect,
	.accept			= inet_csk_accept,
	.ioctl			= xtcp_ioctl,
	.init			= xtcp_v6_init_sock,
	.destroy		= xtcp_sock_destroy,
	.shutdown		= xtcp_shutdown,
	.setsockopt		= xtcp_setsockopt,
	.getsockopt		= xtcp_getsockopt,
	.keepalive		= xtcp_set_keepalive,
	.recvmsg		= xtcp_recvmsg,
	.sendmsg		= xtcp_sendmsg,
	.backlog_rcv		= xtcp_do_rcv,
	.release_cb		= xtcp_release_cb,
	.hash			= inet6_hash,
	.unhash			= inet_unhash,
	.get_port		= xtcp_get_port,
	.put_port		= inet_put_port,
	.stream_memory_free	= xtcp_stream_memory_free,
	.enter_memory_pressure	= xtcp_enter_memory_pressure,
	.leave_memory_pressure	= xtcp_leave_memory_pressure,
	.memory_allocated	= &xtcp_memory_allocated,
	.per_cpu_fw_alloc	= &xtcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &xtcp_memory_pressure,
	.sockets_allocated	= &xtcp_sockets_allocated,
	.orphan_count		= &xtcp_orphan_count,
	.sysctl_mem		= xtcp_sysctl_mem,
	/* .sysctl_wmem/.sysctl_rmem: set in xtcp_socket6_init() */
	.max_header		= MAX_TCP_HEADER,
	.obj_size		= sizeof(struct xtcp6_sock),
	.ipv6_pinfo_offset	= offsetof(struct xtcp6_sock, inet6),
	.slab_flags		= SLAB_TYPESAFE_BY_RCU,
	.twsk_prot		= &xtcp6_timewait_sock_ops,
	.rsk_prot		= &xtcp6_request_sock_ops,
	.h.hashinfo		= NULL,
	.no_autobind		= true,
};

static const struct proto_ops xtcp6_stream_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.connect	= inet_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet6_getname,
	.poll		= xtcp_poll,
	.ioctl		= inet6_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= xtcp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
};

static struct inet_protosw xtcp6_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_XTCP,
	.prot		= &xtcp6_prot,
	.ops		= &xtcp6_stream_ops,
	.flags		= INET_PROTOSW_ICSK,
};

/* Whether the AF_INET6 side is registered (IPv6 may be disabled). */
static bool xtcp_socket6_registered;

int xtcp_socket6_init(void)
{
	struct xtcp_pernet *init = xtcp_pernet(&init_net);
	int err;

	/* Booted with ipv6.disable=1: AF_INET6 sockets cannot exist. */
	if (!ipv6_mod_enabled())
		return 0;

	xtcp6_prot.sysctl_wmem = &init->sysctl_tcp_wmem[0];
	xtcp6_prot.sysctl_rmem = &init->sysctl_tcp_rmem[0];

	err = proto_register(&xtcp6_prot, 1);
	if (err)
		return err;

	err = inet6_register_protosw(&xtcp6_protosw);
	if (err) {
		proto_unregister(&xtcp6_prot);
		return err;
	}

	xtcp_socket6_registered = true;
	return 0;
}

void xtcp_socket6_stop(void)
{
	/* Waits for inet6_create() callers that may have found it. */
	if (xtcp_socket6_registered)
		inet6_unregister_protosw(&xtcp6_protosw);
}

void xtcp_socket6_exit(void)
{
	if (!xtcp_socket6_registered)
		return;
	proto_unregister(&xtcp6_prot);
	xtcp_socket6_registered = false;
}
