// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: per-network-namespace state and the net.xtcp sysctls.
 *
 * Every namespace, existing or future, gets a struct xtcp_pernet, found
 * with xtcp_pernet(net): its configuration (the net.xtcp.* knobs), its
 * TIME_WAIT death row, its counters and the engine's per-namespace state.
 *
 * The sysctls mirror the net.ipv4.tcp_* knobs xtcp honours, with Linux
 * 6.12's leaf names, units, defaults and range checks, so that porting a
 * script is a prefix swap.  Linux stores most of them as u8 and checks
 * them with proc_dou8vec_minmax(); xtcp keeps ints, checked against the
 * same range (0..255 unless Linux is stricter).  Out-of-range writes fail
 * with EINVAL and leave the value alone, as proc_dointvec_minmax() does.
 *
 * There is one table, a template whose .data pointers aim into
 * xtcp_sysctl_tmpl.  Each namespace registers a kmemdup()ed copy whose
 * pointers are moved into its own struct xtcp_pernet.  Entries for global
 * knobs (tcp_mem, global in Linux too) sit at the end of the table and
 * are registered in the initial namespace only.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/tcp.h>

#include "engine.h"
#include "protocol.h"

/* Set once by register_pernet_subsys(), before any user can run. */
unsigned int xtcp_pernet_id __read_mostly;

/* net.xtcp.tcp_mem: pages, global; computed in xtcp_ctrl_init(). */
long xtcp_sysctl_mem[3] __read_mostly;

/* Ranges, as Linux's sysctl_net_ipv4.c checks them. */
static int xtcp_u8_max = 255;
static int xtcp_syn_retries_min = 1;
static int xtcp_syn_retries_max = MAX_TCP_SYNCNT;
static int xtcp_min_snd_mss_min = TCP_MIN_SND_MSS;
static int xtcp_min_snd_mss_max = 65535;
static int xtcp_min_rcvbuf = 4096;
static int xtcp_early_retrans_max = 4;
static unsigned int xtcp_u32_max_div_hz = UINT_MAX / HZ;

/* Only an address book for the template table; never read or written. */
static struct xtcp_pernet xtcp_sysctl_tmpl;

#define XTCP_SYSCTL(name, field, handler)				\
	{								\
		.procname	= name,					\
		.data		= &xtcp_sysctl_tmpl.field,		\
		.maxlen		= sizeof(int),				\
		.mode		= 0644,					\
		.proc_handler	= handler,				\
	}

#define XTCP_SYSCTL_RANGE(name, field, min, max)			\
	{								\
		.procname	= name,					\
		.data		= &xtcp_sysctl_tmpl.field,		\
		.maxlen		= sizeof(int),				\
		.mode		= 0644,					\
		.proc_handler	= proc_dointvec_minmax,			\
		.extra1		= min,					\
		.extra2		= max,					\
	}

/* Every scalar knob is an int (protocol.h); so is the death row's. */
static_assert(sizeof(xtcp_sysctl_tmpl.sysctl_tcp_syn_retries) == sizeof(int));
static_assert(sizeof(xtcp_sysctl_tmpl.tw_death_row.sysctl_max_tw_buckets) ==
	      sizeof(int));

/* A u8 knob in Linux: 0..255. */
#define XTCP_SYSCTL_U8(name, field)					\
	XTCP_SYSCTL_RANGE(name, field, SYSCTL_ZERO, &xtcp_u8_max)

static const struct ctl_table xtcp_sysctl_table[] = {
	XTCP_SYSCTL_RANGE("tcp_syn_retries", sysctl_tcp_syn_retries,
			  &xtcp_syn_retries_min, &xtcp_syn_retries_max),
	XTCP_SYSCTL_U8("tcp_synack_retries", sysctl_tcp_synack_retries),
	XTCP_SYSCTL_U8("tcp_orphan_retries", sysctl_tcp_orphan_retries),
	XTCP_SYSCTL_U8("tcp_retries1", sysctl_tcp_retries1),
	XTCP_SYSCTL_U8("tcp_retries2", sysctl_tcp_retries2),
	XTCP_SYSCTL("tcp_fin_timeout", sysctl_tcp_fin_timeout,
		    proc_dointvec_jiffies),
	XTCP_SYSCTL("tcp_keepalive_time", sysctl_tcp_keepalive_time,
		    proc_dointvec_jiffies),
	XTCP_SYSCTL("tcp_keepalive_intvl", sysctl_tcp_keepalive_intvl,
		    proc_dointvec_jiffies),
	XTCP_SYSCTL_U8("tcp_keepalive_probes", sysctl_tcp_keepalive_probes),
	XTCP_SYSCTL_U8("tcp_timestamps", sysctl_tcp_timestamps),
	XTCP_SYSCTL_U8("tcp_window_scaling", sysctl_tcp_window_scaling),
	XTCP_SYSCTL_U8("tcp_sack", sysctl_tcp_sack),
	XTCP_SYSCTL_RANGE("tcp_tw_reuse", sysctl_tcp_tw_reuse,
			  SYSCTL_ZERO, SYSCTL_TWO),
	XTCP_SYSCTL("tcp_max_tw_buckets",
		    tw_death_row.sysctl_max_tw_buckets, proc_dointvec),
	XTCP_SYSCTL("tcp_max_syn_backlog", sysctl_tcp_max_syn_backlog,
		    proc_dointvec),
	XTCP_SYSCTL("tcp_invalid_ratelimit", sysctl_tcp_invalid_ratelimit,
		    proc_dointvec_ms_jiffies),
	{
		.procname	= "tcp_rmem",
		.data		= &xtcp_sysctl_tmpl.sysctl_tcp_rmem,
		.maxlen		= sizeof(xtcp_sysctl_tmpl.sysctl_tcp_rmem),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_min_rcvbuf,
	},
	{
		.procname	= "tcp_wmem",
		.data		= &xtcp_sysctl_tmpl.sysctl_tcp_wmem,
		.maxlen		= sizeof(xtcp_sysctl_tmpl.sysctl_tcp_wmem),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
	},
	XTCP_SYSCTL("tcp_base_mss", sysctl_tcp_base_mss, proc_dointvec),
	XTCP_SYSCTL_RANGE("tcp_min_snd_mss", sysctl_tcp_min_snd_mss,
			  &xtcp_min_snd_mss_min, &xtcp_min_snd_mss_max),
	/* Path MTU black-hole detection (pmtu.c). */
	XTCP_SYSCTL_U8("tcp_mtu_probing", sysctl_tcp_mtu_probing),
	XTCP_SYSCTL_RANGE("tcp_mtu_probe_floor", sysctl_tcp_mtu_probe_floor,
			  &xtcp_min_snd_mss_min, &xtcp_min_snd_mss_max),
	XTCP_SYSCTL("tcp_probe_threshold", sysctl_tcp_probe_threshold,
		    proc_dointvec),
	{
		/* Seconds, not jiffies, as Linux stores it. */
		.procname	= "tcp_probe_interval",
		.data		= &xtcp_sysctl_tmpl.sysctl_tcp_probe_interval,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra2		= &xtcp_u32_max_div_hz,
	},
	XTCP_SYSCTL_U8("tcp_rfc1337", sysctl_tcp_rfc1337),
	XTCP_SYSCTL_U8("tcp_abort_on_overflow", sysctl_tcp_abort_on_overflow),
	/* 0 never, 1 when the SYN queue is full, 2 always; Linux takes
	 * any u8 (3..255 acting as 1), xtcp only the meaningful values.
	 */
	XTCP_SYSCTL_RANGE("tcp_syncookies", sysctl_tcp_syncookies,
			  SYSCTL_ZERO, SYSCTL_TWO),
	/* Loss recovery and congestion control (cong.c, recovery.c). */
	{
		.procname	= "tcp_congestion_control",
		.data		= &xtcp_sysctl_tmpl.ca_default,
		.maxlen		= TCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= xtcp_proc_congestion_control,
	},
	XTCP_SYSCTL_U8("tcp_slow_start_after_idle",
		       sysctl_tcp_slow_start_after_idle),
	/* 1..tcp_max_reordering of the same namespace (extra2 is rebased
	 * with the data pointers), as native.
	 */
	XTCP_SYSCTL_RANGE("tcp_reordering", sysctl_tcp_reordering,
			  SYSCTL_ONE, &xtcp_sysctl_tmpl.sysctl_tcp_max_reordering),
	XTCP_SYSCTL_RANGE("tcp_max_reordering", sysctl_tcp_max_reordering,
			  SYSCTL_ONE, NULL),
	XTCP_SYSCTL_U8("tcp_recovery", sysctl_tcp_recovery),
	XTCP_SYSCTL_RANGE("tcp_early_retrans", sysctl_tcp_early_retrans,
			  SYSCTL_ZERO, &xtcp_early_retrans_max),
	XTCP_SYSCTL_U8("tcp_frto", sysctl_tcp_frto),
	XTCP_SYSCTL_U8("tcp_dsack", sysctl_tcp_dsack),
	XTCP_SYSCTL_RANGE("tcp_pacing_ss_ratio", sysctl_tcp_pacing_ss_ratio,
			  SYSCTL_ZERO, SYSCTL_ONE_THOUSAND),
	XTCP_SYSCTL_RANGE("tcp_pacing_ca_ratio", sysctl_tcp_pacing_ca_ratio,
			  SYSCTL_ZERO, SYSCTL_ONE_THOUSAND),

	/* Global knobs, initial namespace only: keep them last. */
	{
		.procname	= "tcp_mem",
		.data		= &xtcp_sysctl_mem,
		.maxlen		= sizeof(xtcp_sysctl_mem),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
};

/* Entries from here on are registered in init_net only. */
#define XTCP_SYSCTL_NET_ENTRIES	(ARRAY_SIZE(xtcp_sysctl_table) - 1)

static bool xtcp_sysctl_in_tmpl(const void *p)
{
	return p >= (const void *)&xtcp_sysctl_tmpl &&
	       p < (const void *)(&xtcp_sysctl_tmpl + 1);
}

static int xtcp_sysctl_register(struct net *net)
{
	struct xtcp_pernet *pernet = xtcp_pernet(net);
	size_t size = XTCP_SYSCTL_NET_ENTRIES;
	struct ctl_table *table;
	size_t i;

	if (net_eq(net, &init_net))
		size = ARRAY_SIZE(xtcp_sysctl_table);

	table = kmemdup(xtcp_sysctl_table, sizeof(xtcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	for (i = 0; i < size; i++) {
		if (xtcp_sysctl_in_tmpl(table[i].data))
			table[i].data = (void *)pernet +
				(table[i].data - (void *)&xtcp_sysctl_tmpl);
		if (xtcp_sysctl_in_tmpl(table[i].extra2))
			table[i].extra2 = (void *)pernet +
				(table[i].extra2 - (void *)&xtcp_sysctl_tmpl);
		/* A namespace owned by another user namespace keeps its
		 * knobs writable by that namespace's root, as net.ipv4
		 * does; nothing to change here.
		 */
	}

	pernet->sysctl_hdr = register_net_sysctl_sz(net, "net/xtcp", table,
						    size);
	if (!pernet->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void xtcp_sysctl_unregister(struct net *net)
{
	struct xtcp_pernet *pernet = xtcp_pernet(net);
	const struct ctl_table *table;

	table = pernet->sysctl_hdr->ctl_table_arg;
	unregister_net_sysctl_table(pernet->sysctl_hdr);
	pernet->sysctl_hdr = NULL;
	kfree(table);
}

/* Linux 6.12's defaults (tcp_sk_init(), tcp_init(), tcp_set_hashinfo()). */
static void xtcp_pernet_defaults(struct net *net, struct xtcp_pernet *pernet)
{
	const struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	unsigned int ehash_entries = hinfo->ehash_mask + 1;

	pernet->default_enable = 0;

	pernet->sysctl_tcp_syn_retries = TCP_SYN_RETRIES;
	pernet->sysctl_tcp_synack_retries = TCP_SYNACK_RETRIES;
	pernet->sysctl_tcp_orphan_retries = 0;
	pernet->sysctl_tcp_retries1 = TCP_RETR1;
	pernet->sysctl_tcp_retries2 = TCP_RETR2;
	pernet->sysctl_tcp_fin_timeout = TCP_FIN_TIMEOUT;
	pernet->sysctl_tcp_keepalive_time = TCP_KEEPALIVE_TIME;
	pernet->sysctl_tcp_keepalive_intvl = TCP_KEEPALIVE_INTVL;
	pernet->sysctl_tcp_keepalive_probes = TCP_KEEPALIVE_PROBES;
	pernet->sysctl_tcp_timestamps = 1;
	pernet->sysctl_tcp_window_scaling = 1;
	pernet->sysctl_tcp_sack = 1;
	pernet->sysctl_tcp_tw_reuse = 2;
	pernet->sysctl_tcp_invalid_ratelimit = HZ / 2;
	pernet->sysctl_tcp_base_mss = TCP_BASE_MSS;
	pernet->sysctl_tcp_min_snd_mss = TCP_MIN_SND_MSS;
	pernet->sysctl_tcp_mtu_probing = 0;
	pernet->sysctl_tcp_mtu_probe_floor = TCP_MIN_SND_MSS;
	pernet->sysctl_tcp_probe_threshold = TCP_PROBE_THRESHOLD;
	pernet->sysctl_tcp_probe_interval = TCP_PROBE_INTERVAL;
	pernet->sysctl_tcp_rfc1337 = 0;
	pernet->sysctl_tcp_abort_on_overflow = 0;
	pernet->sysctl_tcp_syncookies = 1;
	pernet->sysctl_tcp_slow_start_after_idle = 1;
	pernet->sysctl_tcp_reordering = TCP_FASTRETRANS_THRESH;
	pernet->sysctl_tcp_max_reordering = 300;
	pernet->sysctl_tcp_recovery = TCP_RACK_LOSS_DETECTION;
	pernet->sysctl_tcp_early_retrans = 3;
	pernet->sysctl_tcp_frto = 2;
	pernet->sysctl_tcp_dsack = 1;
	pernet->sysctl_tcp_pacing_ss_ratio = 200;
	pernet->sysctl_tcp_pacing_ca_ratio = 120;
	/* ca_default stays NULL: the native default (cong.c). */

	/* Scaled by the size of the namespace's (shared) TCP hash table,
	 * the way Linux scales its own.
	 */
	pernet->sysctl_tcp_max_syn_backlog = max(128U, ehash_entries / 128);
	pernet->tw_death_row.sysctl_max_tw_buckets = ehash_entries / 2;
	pernet->tw_death_row.hashinfo = net->ipv4.tcp_death_row.hashinfo;
	refcount_set(&pernet->tw_death_row.tw_refcount, 1);

	if (net_eq(net, &init_net)) {
		/* tcp_init(): the maxima scale with memory. */
		unsigned long limit;

		limit = nr_free_buffer_pages() << (PAGE_SHIFT - 7);
		pernet->sysctl_tcp_wmem[0] = PAGE_SIZE;
		pernet->sysctl_tcp_wmem[1] = 16 * 1024;
		pernet->sysctl_tcp_wmem[2] =
			max(64UL * 1024, min(4UL * 1024 * 1024, limit));
		pernet->sysctl_tcp_rmem[0] = PAGE_SIZE;
		pernet->sysctl_tcp_rmem[1] = 131072;
		pernet->sysctl_tcp_rmem[2] =
			max(131072UL, min(6UL * 1024 * 1024, limit));
	} else {
		/* As Linux: a new namespace starts from init_net's. */
		const struct xtcp_pernet *init = xtcp_pernet(&init_net);
		int i;

		for (i = 0; i < 3; i++) {
			pernet->sysctl_tcp_rmem[i] =
				READ_ONCE(init->sysctl_tcp_rmem[i]);
			pernet->sysctl_tcp_wmem[i] =
				READ_ONCE(init->sysctl_tcp_wmem[i]);
		}
	}
}

/*
 * Order: configuration, counters, the engine's per-namespace part, and
 * the sysctls last, so nothing can see a half-built namespace.  Exit
 * undoes it in reverse.
 */
static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_pernet *pernet = xtcp_pernet(net);
	int err;

	pernet->net = net;
	xtcp_pernet_defaults(net, pernet);

	pernet->mib = alloc_percpu(struct xtcp_mib);
	if (!pernet->mib)
		return -ENOMEM;

	err = xtcp_engine_net_init(net);
	if (err)
		goto err_engine;

	err = xtcp_sysctl_register(net);
	if (err)
		goto err_sysctl;

	return 0;

err_sysctl:
	xtcp_engine_net_exit(net);
err_engine:
	free_percpu(pernet->mib);
	pernet->mib = NULL;
	return err;
}

/*
 * Full xtcp sockets hold a reference on their namespace, so only
 * TIME_WAIT minisocks (and nothing that outlives them) can remain here;
 * xtcp_engine_net_exit() kills this namespace's, after which only the
 * death row's own reference is left.  Also runs for every namespace on
 * rmmod (unregister_pernet_subsys()), when no xtcp socket exists.
 */
static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_pernet *pernet = xtcp_pernet(net);

	xtcp_sysctl_unregister(net);
	xtcp_engine_net_exit(net);
	xtcp_ca_net_exit(net);
	WARN_ON_ONCE(!refcount_dec_and_test(&pernet->tw_death_row.tw_refcount));
	free_percpu(pernet->mib);
	pernet->mib = NULL;
}

static struct pernet_operations xtcp_net_ops = {
	.init	= xtcp_net_init,
	.exit	= xtcp_net_exit,
	.id	= &xtcp_pernet_id,
	.size	= sizeof(struct xtcp_pernet),
};

int xtcp_ctrl_init(void)
{
	unsigned long limit;

	/* tcp_init_mem(): 4.68%, 6.25% and 9.37% of buffer memory. */
	limit = max(nr_free_buffer_pages() / 16, 128UL);
	xtcp_sysctl_mem[0] = limit / 4 * 3;
	xtcp_sysctl_mem[1] = limit;
	xtcp_sysctl_mem[2] = xtcp_sysctl_mem[0] * 2;

	/* Runs xtcp_net_init() for every existing namespace. */
	return register_pernet_subsys(&xtcp_net_ops);
}

void xtcp_ctrl_exit(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}
