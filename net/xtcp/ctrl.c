// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: per-network-namespace state.
 *
 * Every namespace, existing or future, gets a struct xtcp_pernet, found
 * with xtcp_pernet(net). It is where the net.xtcp.* sysctls will live,
 * so that each namespace can be configured on its own.
 */
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "protocol.h"

/* Set once by register_pernet_subsys(), before any user can run. */
unsigned int xtcp_pernet_id __read_mostly;

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_pernet *pernet = xtcp_pernet(net);

	/* The core zeroes the area; spell out the defaults anyway. */
	pernet->default_enable = 0;

	return 0;
}

/*
 * No .exit: nothing is allocated beyond the area the core frees itself.
 * A future .exit must not assume sockets are gone: namespaces die while
 * the module stays loaded.
 */
static struct pernet_operations xtcp_net_ops = {
	.init	= xtcp_net_init,
	.id	= &xtcp_pernet_id,
	.size	= sizeof(struct xtcp_pernet),
};

int xtcp_ctrl_init(void)
{
	/* Runs xtcp_net_init() for every existing namespace. */
	return register_pernet_subsys(&xtcp_net_ops);
}

void xtcp_ctrl_exit(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}
