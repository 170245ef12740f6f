/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * xtcp: netlink policies and operations for Documentation/netlink/specs/
 * xtcp.yaml, laid out as Linux 6.12's tools/net/ynl/ynl-gen-c.py lays
 * out its generated *-nl-gen.[ch] (see netlink-gen.c).
 */
#ifndef _NET_XTCP_NETLINK_GEN_H
#define _NET_XTCP_NETLINK_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/xtcp.h>

/* Common nested types */
extern const struct nla_policy xtcp_knob_nl_policy[XTCP_A_KNOB_VALUE + 1];

int xtcp_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int xtcp_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int xtcp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int xtcp_nl_stats_get_dumpit(struct sk_buff *skb,
			     struct netlink_callback *cb);
int xtcp_nl_sock_get_dumpit(struct sk_buff *skb,
			    struct netlink_callback *cb);

enum {
	XTCP_NLGRP_EVENTS,
};

extern struct genl_family xtcp_nl_family;

#endif /* _NET_XTCP_NETLINK_GEN_H */
