// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: an alternative TCP implementation. Module init and exit.
 *
 * Each layer may rely on the ones brought up before it, so init goes
 * bottom up and exit, like the error unwinding, top down:
 *
 *	1. per-namespace state	sockets and sysctls will look it up; its
 *				pernet init also runs the engine's
 *				per-namespace part
 *	2. engine		control sockets and slabs the data path uses
 *	3. receive demux	in place before any xtcp socket can exist,
 *				so no segment for one can miss it
 *	4. sockets		last: socket(IPPROTO_XTCP) works from here,
 *				so no step after it may fail
 *
 * Every xtcp socket holds a module reference, and so does every
 * TIME_WAIT minisock (inet_twsk_alloc() takes one on the proto's owner),
 * so rmmod is refused until the last of them is gone: up to 60 s after
 * the last connection closed.  Unload still purges minisocks, after
 * socket creation has stopped and before their slabs are freed, with the
 * demux in place, in case a later kernel stops taking that reference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/printk.h>

#include "engine.h"
#include "netlink.h"
#include "proc.h"
#include "protocol.h"

static int __init xtcp_init(void)
{
	int err;

	err = xtcp_ctrl_init();
	if (err)
		goto err_ctrl;

	err = xtcp_proc_init();
	if (err)
		goto err_proc;

	err = xtcp_engine_init();
	if (err)
		goto err_engine;

	err = xtcp_netlink_init();
	if (err)
		goto err_netlink;

	err = xtcp_demux_init();
	if (err)
		goto err_demux;

	/* Last, and nothing may fail after it: see xtcp_socket_init(). */
	err = xtcp_socket_init();
	if (err)
		goto err_socket;

	pr_info("loaded, IPPROTO_XTCP=%d, demux installed\n", IPPROTO_XTCP);
	return 0;

err_socket:
	xtcp_demux_exit();
err_demux:
	xtcp_netlink_exit();
err_netlink:
	xtcp_engine_exit();
err_engine:
	xtcp_proc_exit();
err_proc:
	xtcp_ctrl_exit();
err_ctrl:
	pr_err("failed to load: %d\n", err);
	return err;
}

/*
 * The kernel runs this only once the module refcount is zero, and every
 * xtcp socket and minisock holds a reference, so none should exist here;
 * the purge is a safety net.
 */
static void __exit xtcp_exit(void)
{
	xtcp_socket_stop();
	xtcp_timewait_purge_all();
	/* Softirq readers that found a minisock drop their reference
	 * inside an RCU read-side section.
	 */
	synchronize_net();
	xtcp_socket_exit();
	xtcp_demux_exit();
	xtcp_netlink_exit();
	xtcp_engine_exit();
	xtcp_proc_exit();
	xtcp_ctrl_exit();

	pr_info("unloaded, native TCP handlers restored\n");
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtcp: an alternative TCP implementation");
/*
 * Lets socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_XTCP) load the module.
 * The type is spelled 1 because SOCK_STREAM is an enum, which
 * __stringify() cannot turn into a number.
 */
static_assert(SOCK_STREAM == 1);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_XTCP, 1);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_XTCP, 1);
