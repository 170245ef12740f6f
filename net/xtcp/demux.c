// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: receive demultiplexer.
 *
 * IP hands every segment with protocol 6 to the handler found in
 * inet_protos[IPPROTO_TCP] (inet6_protos[IPPROTO_TCP] for IPv6), and
 * ICMP errors quoting a TCP header to that entry's err_handler. xtcp
 * speaks TCP on the wire, so it shares protocol 6 with the native stack:
 * it puts its own entry in those slots and decides per segment. Segments
 * for 4-tuples that xtcp owns will go to xtcp; all others go to the
 * native handler untouched. xtcp owns nothing yet, so today every
 * segment and every ICMP error is forwarded.
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
 * The forwarding path is one extra indirect call per segment (per GRO
 * super-segment), with no locks, atomics or shared writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <net/protocol.h>

#include "protocol.h"

/* Typed as the slot is; never written through. */
static struct net_protocol *xtcp_native_v4 __ro_after_init;

static int xtcp_v4_rcv(struct sk_buff *skb)
{
	return xtcp_native_v4->handler(skb);
}

static int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	return xtcp_native_v4->err_handler(skb, info);
}

/* Flags are copied from the native entry at install. */
static struct net_protocol xtcp_v4_protocol __ro_after_init = {
	.handler	= xtcp_v4_rcv,
	.err_handler	= xtcp_v4_err,
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

static int xtcp_v6_rcv(struct sk_buff *skb)
{
	return xtcp_native_v6->handler(skb);
}

static int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		       u8 type, u8 code, int offset, __be32 info)
{
	return xtcp_native_v6->err_handler(skb, opt, type, code, offset,
					   info);
}

/* Flags are copied from the native entry at install. */
static struct inet6_protocol xtcp_v6_protocol __ro_after_init = {
	.handler	= xtcp_v6_rcv,
	.err_handler	= xtcp_v6_err,
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
