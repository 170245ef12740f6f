/* SPDX-License-Identifier: GPL-2.0 */
/* xtcp: counter names and /proc/net/xtcp (proc.c). */
#ifndef _NET_XTCP_PROC_H
#define _NET_XTCP_PROC_H

#include <linux/types.h>

struct net;

/* Linux's MIB name of counter @field (mib.h), NULL past the end. */
const char *xtcp_mib_name(unsigned int field);
/* Whether it belongs to Linux's TcpExt group (else Tcp). */
bool xtcp_mib_is_ext(unsigned int field);
/* @vals[XTCP_MIB_MAX]: the namespace's counters summed over CPUs. */
void xtcp_mib_fold(const struct net *net, u64 *vals);

int xtcp_proc_init(void);
void xtcp_proc_exit(void);

#endif /* _NET_XTCP_PROC_H */
