// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xtcp.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/xtcp.h>

/* Common nested types */
const struct nla_policy xtcp_knob_nl_policy[XTCP_A_KNOB_VALUE + 1] = {
	[XTCP_A_KNOB_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[XTCP_A_KNOB_VALUE] = { .type = NLA_NUL_STRING, .len = 255, },
};

/* XTCP_CMD_CONFIG_GET - do */
static const struct nla_policy xtcp_config_get_nl_policy[XTCP_A_CONFIG_KNOB + 1] = {
	[XTCP_A_CONFIG_KNOB] = NLA_POLICY_NESTED(xtcp_knob_nl_policy),
};

/* XTCP_CMD_CONFIG_SET - do */
static const struct nla_policy xtcp_config_set_nl_policy[XTCP_A_CONFIG_KNOB + 1] = {
	[XTCP_A_CONFIG_KNOB] = NLA_POLICY_NESTED(xtcp_knob_nl_policy),
};

/* XTCP_CMD_SOCK_GET - dump */
static const struct nla_policy xtcp_sock_get_nl_policy[XTCP_A_SOCK_DPORT + 1] = {
	[XTCP_A_SOCK_FAMILY] = { .type = NLA_U8, },
	[XTCP_A_SOCK_STATE_MASK] = { .type = NLA_U32, },
	[XTCP_A_SOCK_SADDR] = { .type = NLA_BINARY, },
	[XTCP_A_SOCK_DADDR] = { .type = NLA_BINARY, },
	[XTCP_A_SOCK_SPORT] = { .type = NLA_U16, },
	[XTCP_A_SOCK_DPORT] = { .type = NLA_U16, },
};

/* Ops table for xtcp */
const struct genl_split_ops xtcp_nl_ops[5] = {
	{
		.cmd		= XTCP_CMD_CONFIG_GET,
		.doit		= xtcp_nl_config_get_doit,
		.policy		= xtcp_config_get_nl_policy,
		.maxattr	= XTCP_A_CONFIG_KNOB,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= XTCP_CMD_CONFIG_SET,
		.doit		= xtcp_nl_config_set_doit,
		.policy		= xtcp_config_set_nl_policy,
		.maxattr	= XTCP_A_CONFIG_KNOB,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= XTCP_CMD_STATS_GET,
		.doit	= xtcp_nl_stats_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= XTCP_CMD_STATS_GET,
		.dumpit	= xtcp_nl_stats_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= XTCP_CMD_SOCK_GET,
		.dumpit		= xtcp_nl_sock_get_dumpit,
		.policy		= xtcp_sock_get_nl_policy,
		.maxattr	= XTCP_A_SOCK_DPORT,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group xtcp_nl_mcgrps[] = {
	[XTCP_NLGRP_EVENTS] = { "events", },
};
