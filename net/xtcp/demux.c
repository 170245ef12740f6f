// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: receive demultiplexer.
 *
 * IP hands every segment with protocol 6 to the handler found in
 * inet_protos[IPPROTO_TCP] (inet6_protos[IPPROTO_TCP] for IPv6), and
 * ICMP errors quoting a TCP header to that entry's err_handler. xtcp
 * speaks TCP on the wire, so it shares protocol 6 with the native stack:
 * it puts its own entry in those slots and decides per segment. Segments
 * for 4-tuples that xtcp owns go to xtcp; all others go to the native
 * handler untouched.
 *
 * Steering: xtcp shares the namespace's TCP hash table with native TCP,
 * so a socket found there is either stack's; xtcp_owns() tells them
 * apart (full, request and TIME_WAIT socks all carry their proto).
 * Established native traffic arrives early-demuxed (skb->sk set by
 * tcp_v4_early_demux()), and costs one pointer compare.  Otherwise the
 * established table, then the listeners (reuseport groups included), are
 * searched; when that finds nothing of xtcp's, the reference is dropped
 * and the native handler does its own lookup.  ICMP errors are steered
 * the same way by the quoted TCP header, so tcp_v4_err() never sees an
 * xtcp socket.
 *
 * Rules for the slots (there is no lock; the core's own
 * inet_add_protocol()/inet_del_protocol() work the same way):
 *
 * - Readers (ip_protocol_deliver_rcu(), icmp_socket_deliver(),
 *   icmp_tag_validation() and their IPv6 twins) load the slot with
 *   rcu_dereference() inside an RCU read-side section, then call
 *   through the entry.
 *
 * - A slot is never NULL, not even for an instant: IP would answer
 *   TCP segments with ICMP protocol-unreachable, which aborts native
 *   connects. Writers only swap one non-NULL pointer for another, with
 *   cmpxchg(), which also tells them whether someone else got there
 *   first.
 *
 * - The saved native entries and xtcp's own entries are written once,
 *   before the cmpxchg() that publishes xtcp's entry (cmpxchg() is a
 *   full barrier), and are read-only after module init
 *   (__ro_after_init). The native entries are static in vmlinux and
 *   never go away.
 *
 * - Removal writes the native pointer back, then waits for an RCU grace
 *   period (synchronize_net()): a reader that loaded xtcp's entry just
 *   before may still be inside xtcp's handler, and the module's text
 *   and these entries must outlive it.
 *
 * The forwarding path for early-demuxed native segments is one extra
 * indirect call and one compare per segment (per GRO super-segment),
 * with no locks, atomics or shared writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <net/protocol.h>

#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine.h"
#include "protocol.h"

/* Take over the socket early demux attached to @skb. */
static struct sock *xtcp_demux_steal(struct sk_buff *skb)
{
	bool refcounted, prefetched;
	struct sock *sk;

	sk = skb_steal_sock(skb, &refcounted, &prefetched);
	if (!refcounted && !refcount_inc_not_zero(&sk->sk_refcnt))
		return NULL;
	return sk;
}

/* Typed as the slot is; never written through. */
static struct net_protocol *xtcp_native_v4 __ro_after_init;

/* An xtcp socket (with a reference) for @skb, or NULL. */
static struct sock *xtcp_demux_lookup_v4(struct sk_buff *skb)
{
	struct net *net = dev_net_rcu(skb->dev);
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	const struct tcphdr *th;
	const struct iphdr *iph;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST ||
	    !pskb_may_pull(skb, sizeof(struct tcphdr)))
		return NULL;
	th = (const struct tcphdr *)skb->data;
	if (th->doff < sizeof(struct tcphdr) / 4)
		return NULL;
	iph = ip_hdr(skb);
	sk = __inet_lookup_established(net, hinfo, iph->saddr, th->source,
				       iph->daddr, ntohs(th->dest),
				       inet_iif(skb), inet_sdif(skb));
	if (sk) {
		if (xtcp_owns(sk))
			return sk;
		sock_gen_put(sk);
		return NULL;
	}
	sk = __inet_lookup_listener(net, hinfo, skb, __tcp_hdrlen(th),
				    iph->saddr, th->source, iph->daddr,
				    ntohs(th->dest), inet_iif(skb),
				    inet_sdif(skb));
	if (sk && xtcp_owns(sk) && refcount_inc_not_zero(&sk->sk_refcnt))
		return sk;
	return NULL;
}

static int xtcp_demux_v4_rcv(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	if (sk) {
		if (likely(!xtcp_owns(sk)))
			return xtcp_native_v4->handler(skb);
		sk = xtcp_demux_steal(skb);
		if (!sk) {
			kfree_skb(skb);
			return 0;
		}
		return xtcp_v4_rcv(skb, sk);
	}
	sk = xtcp_demux_lookup_v4(skb);
	if (sk)
		return xtcp_v4_rcv(skb, sk);
	return xtcp_native_v4->handler(skb);
}

static int xtcp_demux_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct net *net = dev_net_rcu(skb->dev);
	const struct tcphdr *th;
	struct sock *sk;

	th = (const struct tcphdr *)(skb->data + (iph->ihl << 2));
	sk = __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
				       iph->daddr, th->dest, iph->saddr,
				       ntohs(th->source), inet_iif(skb), 0);
	if (sk) {
		if (xtcp_owns(sk))
			return xtcp_v4_err(skb, info, sk);
		sock_gen_put(sk);
	}
	return xtcp_native_v4->err_handler(skb, info);
}

/* Flags are copied from the native entry at install. */
static struct net_protocol xtcp_v4_protocol __ro_after_init = {
	.handler	= xtcp_demux_v4_rcv,
	.err_handler	= xtcp_demux_v4_err,
};

/*
 * Swap xtcp's entry in for the native one. On failure the slot is
 * untouched.
 */
static int xtcp_demux_install_v4(void)
{
	struct net_protocol *native, *prev;

	/* Only a cmpxchg() can change the slot; see the rules above. The
	 * native entry is static, so it needs no read-side section to
	 * stay alive.
	 */
	native = rcu_dereference_raw(inet_protos[IPPROTO_TCP]);
	if (!native) {
		pr_err("no native TCP handler in inet_protos[%d]\n",
		       IPPROTO_TCP);
		return -ENOENT;
	}

	xtcp_native_v4 = native;
	xtcp_v4_protocol.no_policy = native->no_policy;
	xtcp_v4_protocol.icmp_strict_tag_validation =
		native->icmp_strict_tag_validation;
	if (!native->err_handler)
		xtcp_v4_protocol.err_handler = NULL;

	prev = unrcu_pointer(cmpxchg(&inet_protos[IPPROTO_TCP],
				     RCU_INITIALIZER(native),
				     RCU_INITIALIZER(&xtcp_v4_protocol)));
	if (prev != native) {
		pr_err("inet_protos[%d] changed during install\n",
		       IPPROTO_TCP);
		return -EBUSY;
	}
	return 0;
}

/* Put the native entry back. The caller waits for the grace period. */
static void xtcp_demux_uninstall_v4(void)
{
	struct net_protocol *prev;

	prev = unrcu_pointer(cmpxchg(&inet_protos[IPPROTO_TCP],
				     RCU_INITIALIZER(&xtcp_v4_protocol),
				     RCU_INITIALIZER(xtcp_native_v4)));
	/* Someone replaced xtcp's entry. Writing the native pointer over
	 * theirs would unhook them, and if they forward to xtcp they will
	 * reach freed memory either way: nothing here can make that safe,
	 * so leave their entry and complain.
	 */
	WARN(prev != &xtcp_v4_protocol,
	     "xtcp: inet_protos[%d] was replaced while xtcp was loaded\n",
	     IPPROTO_TCP);
}

#if IS_ENABLED(CONFIG_IPV6)
static struct inet6_protocol *xtcp_native_v6 __ro_after_init;

/* Whether the IPv6 slot holds xtcp's entry (IPv6 may be disabled). */
static bool xtcp_demux_v6_installed __ro_after_init;

static struct sock *xtcp_demux_lookup_v6(struct sk_buff *skb)
{
	struct net *net = dev_net_rcu(skb->dev);
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	const struct ipv6hdr *ip6h;
	const struct tcphdr *th;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST ||
	    !pskb_may_pull(skb, sizeof(struct tcphdr)))
		return NULL;
	th = (const struct tcphdr *)skb->data;
	if (th->doff < sizeof(struct tcphdr) / 4)
		return NULL;
	ip6h = ipv6_hdr(skb);
	sk = __inet6_lookup_established(net, hinfo, &ip6h->saddr, th->source,
					&ip6h->daddr, ntohs(th->dest),
					inet6_iif(skb), inet6_sdif(skb));
	if (sk) {
		if (xtcp_owns(sk))
			return sk;
		sock_gen_put(sk);
		return NULL;
	}
	sk = inet6_lookup_listener(net, hinfo, skb, __tcp_hdrlen(th),
				   &ip6h->saddr, th->source, &ip6h->daddr,
				   ntohs(th->dest), inet6_iif(skb),
				   inet6_sdif(skb));
	if (sk && xtcp_owns(sk) && refcount_inc_not_zero(&sk->sk_refcnt))
		return sk;
	return NULL;
}

static int xtcp_demux_v6_rcv(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	if (sk) {
		if (likely(!xtcp_owns(sk)))
			return xtcp_native_v6->handler(skb);
		sk = xtcp_demux_steal(skb);
		if (!sk) {
			kfree_skb(skb);
			return 0;
		}
		return xtcp_v6_rcv(skb, sk);
	}
	sk = xtcp_demux_lookup_v6(skb);
	if (sk)
		return xtcp_v6_rcv(skb, sk);
	return xtcp_native_v6->handler(skb);
}

static int xtcp_demux_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			     u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *hdr = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net_rcu(skb->dev);
	const struct tcphdr *th;
	struct sock *sk;

	th = (const struct tcphdr *)(skb->data + offset);
	sk = __inet6_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
					&hdr->daddr, th->dest, &hdr->saddr,
					ntohs(th->source), skb->dev->ifindex,
					inet6_sdif(skb));
	if (sk) {
		if (xtcp_owns(sk))
			return xtcp_v6_err(skb, opt, type, code, offset, info,
					   sk);
		sock_gen_put(sk);
	}
	return xtcp_native_v6->err_handler(skb, opt, type, code, offset,
					   info);
}

/* Flags are copied from the native entry at install. */
static struct inet6_protocol xtcp_v6_protocol __ro_after_init = {
	.handler	= xtcp_demux_v6_rcv,
	.err_handler	= xtcp_demux_v6_err,
};

/* As xtcp_demux_install_v4(). */
static int xtcp_demux_install_v6(void)
{
	struct inet6_protocol *native, *prev;

	/* Booted with ipv6.disable=1: no IPv6 TCP to share. */
	if (!ipv6_mod_enabled())
		return 0;

	native = rcu_dereference_raw(inet6_protos[IPPROTO_TCP]);
	if (!native) {
		pr_err("no native TCP handler in inet6_protos[%d]\n",
		       IPPROTO_TCP);
		return -ENOENT;
	}

	xtcp_native_v6 = native;
	xtcp_v6_protocol.flags = native->flags;
	if (!native->err_handler)
		xtcp_v6_protocol.err_handler = NULL;

	prev = unrcu_pointer(cmpxchg(&inet6_protos[IPPROTO_TCP],
				     RCU_INITIALIZER(native),
				     RCU_INITIALIZER(&xtcp_v6_protocol)));
	if (prev != native) {
		pr_err("inet6_protos[%d] changed during install\n",
		       IPPROTO_TCP);
		return -EBUSY;
	}
	xtcp_demux_v6_installed = true;
	return 0;
}

/* As xtcp_demux_uninstall_v4(). */
static void xtcp_demux_uninstall_v6(void)
{
	struct inet6_protocol *prev;

	if (!xtcp_demux_v6_installed)
		return;

	prev = unrcu_pointer(cmpxchg(&inet6_protos[IPPROTO_TCP],
				     RCU_INITIALIZER(&xtcp_v6_protocol),
				     RCU_INITIALIZER(xtcp_native_v6)));
	WARN(prev != &xtcp_v6_protocol,
	     "xtcp: inet6_protos[%d] was replaced while xtcp was loaded\n",
	     IPPROTO_TCP);
}
#else
static int xtcp_demux_install_v6(void)
{
	return 0;
}

static void xtcp_demux_uninstall_v6(void)
{
}
#endif /* CONFIG_IPV6 */

int xtcp_demux_init(void)
{
	int err;

	err = xtcp_demux_install_v4();
	if (err)
		return err;

	err = xtcp_demux_install_v6();
	if (err) {
		xtcp_demux_uninstall_v4();
		synchronize_net();
		return err;
	}
	return 0;
}

void xtcp_demux_exit(void)
{
	xtcp_demux_uninstall_v6();
	xtcp_demux_uninstall_v4();

	/* Readers that loaded xtcp's entries must leave them before the
	 * module's memory is freed.
	 */
	synchronize_net();
}
