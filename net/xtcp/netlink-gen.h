/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xtcp.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_XTCP_GEN_H
#define _LINUX_XTCP_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/xtcp.h>

/* Common nested types */
extern const struct nla_policy xtcp_knob_nl_policy[XTCP_A_KNOB_VALUE + 1];

/* Ops table for xtcp */
extern const struct genl_split_ops xtcp_nl_ops[5];

int xtcp_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int xtcp_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int xtcp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int xtcp_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int xtcp_nl_sock_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

enum {
	XTCP_NLGRP_EVENTS,
};

#endif /* _LINUX_XTCP_GEN_H */
