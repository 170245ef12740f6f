// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: IPv4 and IPv6 transmit and routing.
 *
 * xtcp sockets keep sk->sk_protocol == IPPROTO_XTCP (what SO_PROTOCOL
 * reports), and ip_queue_xmit()/ip_build_and_send_pkt() copy
 * sk_protocol into the IP header.  So IPv4 output is done here: route
 * (the socket's cached dst, or a fresh lookup with protocol 6 in the
 * flow key), push an IP header that says IPPROTO_TCP, and hand the skb
 * to ip_local_out().  IPv6 takes the protocol from the flow, so
 * ip6_xmit() serves with flowi6_proto = IPPROTO_TCP.
 *
 * Segments sent without a full socket (RST to a stray segment, ACKs
 * from TIME_WAIT and SYN_RECV) are routed from the incoming packet's
 * addresses.  IPv4 needs no socket for that; IPv6's ip6_xmit() wants
 * one for its hop limit and flow label settings, so each namespace has
 * per-CPU IPv6 control sockets (xtcp_pernet.ctl_sk6).
 *
 * The connection_sock_af_ops for the three flavours (IPv4, IPv6 and
 * v4-mapped IPv6) are defined here.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet_common.h>
#include <net/inet6_connection_sock.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "engine_priv.h"

/* CHECKSUM_PARTIAL over the TCP header and payload, IPv4 pseudo-header. */
static void xtcp_v4_csum(struct sk_buff *skb, __be32 saddr, __be32 daddr)
{
	struct tcphdr *th = tcp_hdr(skb);

	th->check = ~tcp_v4_check(skb->len, saddr, daddr, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

#if IS_ENABLED(CONFIG_IPV6)
static void xtcp_v6_csum(struct sk_buff *skb, const struct in6_addr *saddr,
			 const struct in6_addr *daddr)
{
	struct tcphdr *th = tcp_hdr(skb);

	th->check = ~tcp_v6_check(skb->len, saddr, daddr, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}
#endif

static void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);

	xtcp_v4_csum(skb, inet->inet_saddr, inet->inet_daddr);
}

/* Fill an IPv4 header in front of the TCP header at skb->data. */
static void xtcp_push_iphdr(struct sk_buff *skb, __be32 saddr, __be32 daddr,
			    u8 tos, u8 ttl, bool df)
{
	struct iphdr *iph;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = tos;
	iph->frag_off = df ? htons(IP_DF) : 0;
	iph->ttl = ttl;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->id = 0;
	iph->check = 0;
	iph->tot_len = 0;	/* ip_local_out() */
}

/* The socket's own segments: native __ip_queue_xmit() minus IP options
 * (ip_options_build() is not exported; xtcp sends no IP options).
 */
/*
 * Native TCP builds GSO packets whatever the device offers:
 * sk_setup_caps() adds NETIF_F_GSO for sk_is_tcp() sockets, and a device
 * without segmentation offload gets its packets segmented in software on
 * the way out (validate_xmit_skb()).  sk_is_tcp() is false for xtcp's
 * protocol number, so without this a device with gso off would make
 * xtcp build, queue, clone and send one skb per MSS, where native sends
 * one per 64 KiB; and the segments it does send would be clones, which a
 * receiver cannot coalesce (skb_try_coalesce() refuses a cloned skb) nor
 * account as tightly as native's.  The same rules as sk_setup_caps():
 * not when GSO was disabled on the socket or an xfrm path cannot
 * offload; at most GSO_LEGACY_MAX_SIZE, as for any socket that is not
 * sk_is_tcp().
 */
void xtcp_sk_gso_setup(struct sock *sk, struct dst_entry *dst)
{
	const struct net_device *dev;
	u32 max_size;
	bool v6 = false;

	if ((sk->sk_route_caps & NETIF_F_GSO) || sk->sk_gso_disabled)
		return;
	if (dst->header_len && !xfrm_dst_offload_ok(dst))
		return;
#if IS_ENABLED(CONFIG_IPV6)
	v6 = sk->sk_family == AF_INET6 &&
	     !ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr);
#endif
	rcu_read_lock();
	dev = dst_dev_rcu(dst);
	max_size = v6 ? READ_ONCE(dev->gso_max_size) :
			READ_ONCE(dev->gso_ipv4_max_size);
	sk->sk_gso_max_segs = max_t(u32, READ_ONCE(dev->gso_max_segs), 1);
	rcu_read_unlock();
	max_size = min_t(u32, max_size, GSO_LEGACY_MAX_SIZE);
	sk->sk_gso_max_size = max_size - (MAX_TCP_HEADER + 1);
	sk->sk_route_caps |= NETIF_F_GSO | NETIF_F_GSO_SOFTWARE |
			     NETIF_F_SG | NETIF_F_HW_CSUM;
}

int xtcp_ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi *fl)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct flowi4 *fl4 = &fl->u.ip4;
	struct rtable *rt;
	int ttl, res;

	rcu_read_lock();
	rt = dst_rtable(__sk_dst_check(sk, 0));
	if (!rt) {
		rt = ip_route_output_ports(net, fl4, sk, inet->inet_daddr,
					   inet->inet_saddr, inet->inet_dport,
					   inet->inet_sport, IPPROTO_TCP,
					   ip_sock_rt_tos(sk),
					   sk->sk_bound_dev_if);
		if (IS_ERR(rt))
			goto no_route;
		sk_setup_caps(sk, &rt->dst);
		xtcp_sk_gso_setup(sk, &rt->dst);
	}
	skb_dst_set_noref(skb, &rt->dst);

	ttl = READ_ONCE(inet->uc_ttl);
	if (ttl < 0)
		ttl = ip4_dst_hoplimit(&rt->dst);
	xtcp_push_iphdr(skb, inet->inet_saddr, inet->inet_daddr,
			READ_ONCE(inet->tos), ttl,
			ip_dont_fragment(sk, &rt->dst) && !skb->ignore_df);
	ip_select_ident_segs(net, skb, sk, skb_shinfo(skb)->gso_segs ?: 1);

	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);

	res = ip_local_out(net, sk, skb);
	rcu_read_unlock();
	return res;

no_route:
	rcu_read_unlock();
	IP_INC_STATS(net, IPSTATS_MIB_OUTNOROUTES);
	kfree_skb_reason(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
	return -EHOSTUNREACH;
}

/* SYN-ACK for @req, routed by @dst (the caller keeps its reference). */
static int xtcp_v4_send_synack_skb(const struct sock *sk, struct dst_entry *dst,
				   struct request_sock *req,
				   struct sk_buff *skb)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	struct net *net = sock_net(sk);
	int ttl;

	xtcp_v4_csum(skb, ireq->ir_loc_addr, ireq->ir_rmt_addr);
	skb_dst_set(skb, dst_clone(dst));
	ttl = READ_ONCE(inet_sk(sk)->uc_ttl);
	if (ttl < 0)
		ttl = ip4_dst_hoplimit(dst);
	xtcp_push_iphdr(skb, ireq->ir_loc_addr, ireq->ir_rmt_addr,
			READ_ONCE(inet_sk(sk)->tos), ttl,
			ip_dont_fragment(sk, dst));
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		__ip_select_ident(net, ip_hdr(skb), 1);
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = ireq->ir_mark;
	return ip_local_out(net, NULL, skb);
}

/* A reply to @in_skb (an IPv4 segment), TCP header already built. */
static int xtcp_v4_send_reply(struct net *net, struct sk_buff *in_skb,
			      struct sk_buff *skb, const struct sock *sk)
{
	const struct iphdr *in_iph = ip_hdr(in_skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct flowi4 fl4;
	struct rtable *rt;
	int oif = 0;

	if (sk && sk_fullsock(sk))
		oif = sk->sk_bound_dev_if;
	else if (ipv4_is_multicast(in_iph->saddr) || !in_iph->saddr)
		goto drop;

	flowi4_init_output(&fl4, oif, in_skb->mark, 0, RT_SCOPE_UNIVERSE,
			   IPPROTO_TCP, 0, in_iph->saddr, in_iph->daddr,
			   th->dest, th->source,
			   sock_net_uid(net, sk && sk_fullsock(sk) ? sk : NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		goto drop;

	xtcp_v4_csum(skb, in_iph->daddr, in_iph->saddr);
	skb_dst_set(skb, &rt->dst);
	xtcp_push_iphdr(skb, in_iph->daddr, in_iph->saddr,
			in_iph->tos & ~INET_ECN_MASK,
			ip4_dst_hoplimit(&rt->dst), true);
	skb->mark = in_skb->mark;
	if (sk && sk_fullsock(sk))
		skb->priority = READ_ONCE(sk->sk_priority);
	return ip_local_out(net, NULL, skb);
drop:
	kfree_skb(skb);
	return -EHOSTUNREACH;
}

#if IS_ENABLED(CONFIG_IPV6)
static void xtcp_v6_send_check(struct sock *sk, struct sk_buff *skb)
{
	xtcp_v6_csum(skb, &sk->sk_v6_rcv_saddr, &sk->sk_v6_daddr);
}

static void xtcp_fl6_from_sk(const struct sock *sk, struct flowi6 *fl6)
{
	const struct ipv6_pinfo *np = inet6_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);

	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_TCP;
	fl6->daddr = sk->sk_v6_daddr;
	fl6->saddr = np->saddr;
	fl6->flowlabel = np->flow_label;
	IP6_ECN_flow_xmit(sk, fl6->flowlabel);
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->flowi6_mark = READ_ONCE(sk->sk_mark);
	fl6->fl6_sport = inet->inet_sport;
	fl6->fl6_dport = inet->inet_dport;
	fl6->flowi6_uid = sk->sk_uid;
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));
}

int xtcp_ip6_queue_xmit(struct sock *sk, struct sk_buff *skb,
			struct flowi *fl_unused)
{
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct in6_addr *final_p, final;
	struct dst_entry *dst;
	struct flowi6 fl6;
	int res;

	xtcp_fl6_from_sk(sk, &fl6);
	rcu_read_lock();
	final_p = fl6_update_dst(&fl6, rcu_dereference(np->opt), &final);
	dst = __sk_dst_check(sk, np->dst_cookie);
	if (!dst) {
		dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, final_p);
		if (IS_ERR(dst)) {
			WRITE_ONCE(sk->sk_err_soft, -PTR_ERR(dst));
			sk->sk_route_caps = 0;
			rcu_read_unlock();
			kfree_skb(skb);
			return PTR_ERR(dst);
		}
		ip6_dst_store(sk, dst, NULL, NULL);
		xtcp_sk_gso_setup(sk, dst);
	}
	skb_dst_set_noref(skb, dst);
	fl6.daddr = sk->sk_v6_daddr;
	res = ip6_xmit(sk, skb, &fl6, READ_ONCE(sk->sk_mark),
		       rcu_dereference(np->opt), np->tclass,
		       READ_ONCE(sk->sk_priority));
	rcu_read_unlock();
	return res;
}

static void xtcp_fl6_from_req(const struct sock *sk,
			      const struct request_sock *req,
			      struct flowi6 *fl6)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_TCP;
	fl6->daddr = ireq->ir_v6_rmt_addr;
	fl6->saddr = ireq->ir_v6_loc_addr;
	fl6->flowi6_oif = ireq->ir_iif;
	fl6->flowi6_mark = ireq->ir_mark;
	fl6->fl6_dport = ireq->ir_rmt_port;
	fl6->fl6_sport = htons(ireq->ir_num);
	fl6->flowi6_uid = sk->sk_uid;
}

static int xtcp_v6_send_synack_skb(const struct sock *sk, struct dst_entry *dst,
				   struct request_sock *req,
				   struct sk_buff *skb)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	const struct ipv6_pinfo *np = inet6_sk(sk);
	struct flowi6 fl6;
	int res;

	xtcp_fl6_from_req(sk, req, &fl6);
	xtcp_v6_csum(skb, &ireq->ir_v6_loc_addr, &ireq->ir_v6_rmt_addr);
	skb_dst_set(skb, dst_clone(dst));
	rcu_read_lock();
	res = ip6_xmit(sk, skb, &fl6, ireq->ir_mark, rcu_dereference(np->opt),
		       np->tclass, READ_ONCE(sk->sk_priority));
	rcu_read_unlock();
	return res;
}

static int xtcp_v6_send_reply(struct net *net, struct sk_buff *in_skb,
			      struct sk_buff *skb, const struct sock *sk)
{
	const struct ipv6hdr *in_ip6h = ipv6_hdr(in_skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_pernet *pn = xtcp_pernet(net);
	struct dst_entry *dst;
	struct sock *ctl_sk;
	struct flowi6 fl6;
	int res;

	if (!pn->ctl_sk6)
		goto drop;
	if (ipv6_addr_is_multicast(&in_ip6h->saddr))
		goto drop;

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = in_ip6h->saddr;
	fl6.saddr = in_ip6h->daddr;
	fl6.flowi6_proto = IPPROTO_TCP;
	fl6.fl6_dport = th->dest;
	fl6.fl6_sport = th->source;
	fl6.flowi6_mark = in_skb->mark;
	if (sk && sk_fullsock(sk))
		fl6.flowi6_oif = sk->sk_bound_dev_if;
	if (!fl6.flowi6_oif && rt6_need_strict(&fl6.daddr))
		fl6.flowi6_oif = inet6_iif(in_skb);
	fl6.flowi6_uid = sock_net_uid(net, sk && sk_fullsock(sk) ? sk : NULL);

	xtcp_v6_csum(skb, &fl6.saddr, &fl6.daddr);

	local_bh_disable();
	ctl_sk = *this_cpu_ptr(pn->ctl_sk6);
	dst = ip6_dst_lookup_flow(net, ctl_sk, &fl6, NULL);
	if (IS_ERR(dst)) {
		local_bh_enable();
		goto drop;
	}
	skb_dst_set(skb, dst);
	res = ip6_xmit(ctl_sk, skb, &fl6, fl6.flowi6_mark, NULL,
		       ipv6_get_dsfield(in_ip6h) & ~INET_ECN_MASK, 0);
	local_bh_enable();
	return res;
drop:
	kfree_skb(skb);
	return -EHOSTUNREACH;
}
#endif /* CONFIG_IPV6 */

int xtcp_ip_send_synack(const struct sock *sk, struct dst_entry *dst,
			struct request_sock *req, struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6)
		return xtcp_v6_send_synack_skb(sk, dst, req, skb);
#endif
	return xtcp_v4_send_synack_skb(sk, dst, req, skb);
}

int xtcp_ip_send_reply(struct net *net, struct sk_buff *in_skb,
		       struct sk_buff *skb, const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (in_skb->protocol == htons(ETH_P_IPV6))
		return xtcp_v6_send_reply(net, in_skb, skb, sk);
#endif
	return xtcp_v4_send_reply(net, in_skb, skb, sk);
}

/* Routes are looked up again on the next transmit. */
static int xtcp_rebuild_header(struct sock *sk)
{
	return 0;
}

const struct inet_connection_sock_af_ops xtcp_ipv4_af_ops = {
	.queue_xmit	= xtcp_ip_queue_xmit,
	.send_check	= xtcp_v4_send_check,
	.rebuild_header	= xtcp_rebuild_header,
	.conn_request	= xtcp_v4_conn_request,
	.syn_recv_sock	= xtcp_v4_syn_recv_sock,
	.net_header_len	= sizeof(struct iphdr),
	.setsockopt	= ip_setsockopt,
	.getsockopt	= ip_getsockopt,
	.addr2sockaddr	= inet_csk_addr2sockaddr,
	.sockaddr_len	= sizeof(struct sockaddr_in),
	.mtu_reduced	= xtcp_mtu_reduced,
};

#if IS_ENABLED(CONFIG_IPV6)
const struct inet_connection_sock_af_ops xtcp_ipv6_af_ops = {
	.queue_xmit	= xtcp_ip6_queue_xmit,
	.send_check	= xtcp_v6_send_check,
	.rebuild_header	= xtcp_rebuild_header,
	.conn_request	= xtcp_v6_conn_request,
	.syn_recv_sock	= xtcp_v6_syn_recv_sock,
	.net_header_len	= sizeof(struct ipv6hdr),
	.setsockopt	= ipv6_setsockopt,
	.getsockopt	= ipv6_getsockopt,
	.addr2sockaddr	= inet6_csk_addr2sockaddr,
	.sockaddr_len	= sizeof(struct sockaddr_in6),
	.mtu_reduced	= xtcp_mtu_reduced,
};

/* An AF_INET6 socket talking to a v4-mapped address. */
const struct inet_connection_sock_af_ops xtcp_ipv6_mapped_af_ops = {
	.queue_xmit	= xtcp_ip_queue_xmit,
	.send_check	= xtcp_v4_send_check,
	.rebuild_header	= xtcp_rebuild_header,
	.conn_request	= xtcp_v6_conn_request,
	.syn_recv_sock	= xtcp_v6_syn_recv_sock,
	.net_header_len	= sizeof(struct iphdr),
	.setsockopt	= ipv6_setsockopt,
	.getsockopt	= ipv6_getsockopt,
	.addr2sockaddr	= inet6_csk_addr2sockaddr,
	.sockaddr_len	= sizeof(struct sockaddr_in6),
	.mtu_reduced	= xtcp_mtu_reduced,
};

int xtcp_ip_net_init(struct net *net)
{
	struct xtcp_pernet *pn = xtcp_pernet(net);
	int cpu, err;

	if (!ipv6_mod_enabled())
		return 0;
	pn->ctl_sk6 = alloc_percpu(struct sock *);
	if (!pn->ctl_sk6)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct sock *sk;

		err = inet_ctl_sock_create(&sk, PF_INET6, SOCK_RAW,
					   IPPROTO_TCP, net);
		if (err) {
			xtcp_ip_net_exit(net);
			return err;
		}
		*per_cpu_ptr(pn->ctl_sk6, cpu) = sk;
	}
	return 0;
}

void xtcp_ip_net_exit(struct net *net)
{
	struct xtcp_pernet *pn = xtcp_pernet(net);
	int cpu;

	if (!pn->ctl_sk6)
		return;
	for_each_possible_cpu(cpu) {
		struct sock *sk = *per_cpu_ptr(pn->ctl_sk6, cpu);

		if (sk)
			inet_ctl_sock_destroy(sk);
	}
	free_percpu(pn->ctl_sk6);
	pn->ctl_sk6 = NULL;
}
#else
int xtcp_ip_net_init(struct net *net)
{
	return 0;
}

void xtcp_ip_net_exit(struct net *net)
{
}
#endif /* CONFIG_IPV6 */
