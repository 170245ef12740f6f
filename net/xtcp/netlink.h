/* SPDX-License-Identifier: GPL-2.0 */
/* xtcp: the "xtcp" generic netlink family (netlink.c). */
#ifndef _NET_XTCP_NETLINK_H
#define _NET_XTCP_NETLINK_H

int xtcp_netlink_init(void);
void xtcp_netlink_exit(void);

#endif /* _NET_XTCP_NETLINK_H */
