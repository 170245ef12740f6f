// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: /proc/net/xtcp/snmp, the namespace's counters as nstat reads
 * /proc/net/snmp and /proc/net/netstat: for each group a line of names
 * and a line of values, both starting with the group's name.
 *
 *	Xtcp: ActiveOpens PassiveOpens ...	(Linux's Tcp group)
 *	Xtcp: 12 7 ...
 *	XtcpExt: ListenOverflows ...		(Linux's TcpExt group)
 *	XtcpExt: 0 ...
 *
 * The counter names are Linux's (include/uapi/linux/snmp.h, as
 * /proc/net/snmp and /proc/net/netstat print them) where the meaning
 * matches; the group names carry an Xtcp prefix so that a tool merging
 * both files never adds xtcp's counts to native TCP's.  The same names
 * are used by the netlink counter dump (netlink.c).  Names with an Xtcp
 * prefix are xtcp's own, for drops Linux has no counter for.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "protocol.h"
#include "proc.h"

static const struct xtcp_mib_desc {
	const char	*name;
	bool		ext;	/* TcpExt rather than Tcp */
} xtcp_mib_desc[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVEOPENS]		= { "ActiveOpens", false },
	[XTCP_MIB_PASSIVEOPENS]		= { "PassiveOpens", false },
	[XTCP_MIB_ATTEMPTFAILS]		= { "AttemptFails", false },
	[XTCP_MIB_ESTABRESETS]		= { "EstabResets", false },
	[XTCP_MIB_INSEGS]		= { "InSegs", false },
	[XTCP_MIB_OUTSEGS]		= { "OutSegs", false },
	[XTCP_MIB_RETRANSSEGS]		= { "RetransSegs", false },
	[XTCP_MIB_INERRS]		= { "InErrs", false },
	[XTCP_MIB_OUTRSTS]		= { "OutRsts", false },
	[XTCP_MIB_CSUMERRORS]		= { "InCsumErrors", false },
	[XTCP_MIB_LISTENOVERFLOWS]	= { "ListenOverflows", true },
	[XTCP_MIB_LISTENDROPS]		= { "ListenDrops", true },
	[XTCP_MIB_TIMEWAITED]		= { "TW", true },
	[XTCP_MIB_TIMEWAITRECYCLED]	= { "TWRecycled", true },
	[XTCP_MIB_TCPTIMEWAITOVERFLOW]	= { "TCPTimeWaitOverflow", true },
	[XTCP_MIB_TCPTIMEOUTS]		= { "TCPTimeouts", true },
	[XTCP_MIB_TCPCHALLENGEACK]	= { "TCPChallengeACK", true },
	[XTCP_MIB_TCPSYNCHALLENGE]	= { "TCPSYNChallenge", true },
	[XTCP_MIB_PAWSESTABREJECTED]	= { "PAWSEstab", true },
	[XTCP_MIB_DELAYEDACKS]		= { "DelayedACKs", true },
	[XTCP_MIB_TCPABORTONDATA]	= { "TCPAbortOnData", true },
	[XTCP_MIB_TCPABORTONCLOSE]	= { "TCPAbortOnClose", true },
	[XTCP_MIB_TCPABORTONTIMEOUT]	= { "TCPAbortOnTimeout", true },
	[XTCP_MIB_TCPABORTONLINGER]	= { "TCPAbortOnLinger", true },
	[XTCP_MIB_TCPREQQFULLDROP]	= { "TCPReqQFullDrop", true },
	[XTCP_MIB_TCPBACKLOGDROP]	= { "TCPBacklogDrop", true },
	[XTCP_MIB_TCPOFOQUEUE]		= { "TCPOFOQueue", true },
	[XTCP_MIB_TCPRCVQDROP]		= { "TCPRcvQDrop", true },
	[XTCP_MIB_TCPORIGDATASENT]	= { "TCPOrigDataSent", true },
	[XTCP_MIB_SYNCOOKIESSENT]	= { "SyncookiesSent", true },
	[XTCP_MIB_SYNCOOKIESRECV]	= { "SyncookiesRecv", true },
	[XTCP_MIB_SYNCOOKIESFAILED]	= { "SyncookiesFailed", true },
	[XTCP_MIB_TCPREQQFULLDOCOOKIES]	= { "TCPReqQFullDoCookies", true },
	[XTCP_MIB_OUTOFWINDOWICMPS]	= { "OutOfWindowIcmps", true },
	[XTCP_MIB_LOCKDROPPEDICMPS]	= { "LockDroppedIcmps", true },
	/* Loss recovery and input (issue 4) */
	[XTCP_MIB_TCPLOSSPROBES]	= { "TCPLossProbes", true },
	[XTCP_MIB_TCPLOSSPROBERECOVERY]	= { "TCPLossProbeRecovery", true },
	[XTCP_MIB_TCPSACKRECOVERY]	= { "TCPSackRecovery", true },
	[XTCP_MIB_TCPRENORECOVERY]	= { "TCPRenoRecovery", true },
	[XTCP_MIB_TCPFASTRETRANS]	= { "TCPFastRetrans", true },
	[XTCP_MIB_TCPSLOWSTARTRETRANS]	= { "TCPSlowStartRetrans", true },
	[XTCP_MIB_TCPLOSTRETRANSMIT]	= { "TCPLostRetransmit", true },
	[XTCP_MIB_TCPSACKREORDER]	= { "TCPSACKReorder", true },
	[XTCP_MIB_TCPRENOREORDER]	= { "TCPRenoReorder", true },
	[XTCP_MIB_TCPTSREORDER]	= { "TCPTSReorder", true },
	[XTCP_MIB_TCPDSACKRECV]	= { "TCPDSACKRecv", true },
	[XTCP_MIB_TCPDSACKOFORECV]	= { "TCPDSACKOfoRecv", true },
	[XTCP_MIB_TCPDSACKRECVSEGS]	= { "TCPDSACKRecvSegs", true },
	[XTCP_MIB_TCPDSACKOLDSENT]	= { "TCPDSACKOldSent", true },
	[XTCP_MIB_TCPDSACKOFOSENT]	= { "TCPDSACKOfoSent", true },
	[XTCP_MIB_TCPDSACKUNDO]	= { "TCPDSACKUndo", true },
	[XTCP_MIB_TCPFULLUNDO]	= { "TCPFullUndo", true },
	[XTCP_MIB_TCPPARTIALUNDO]	= { "TCPPartialUndo", true },
	[XTCP_MIB_TCPLOSSUNDO]	= { "TCPLossUndo", true },
	[XTCP_MIB_TCPSPURIOUSRTOS]	= { "TCPSpuriousRTOs", true },
	[XTCP_MIB_TCPSACKRENEGING]	= { "TCPSACKReneging", true },
	[XTCP_MIB_TCPRCVCOALESCE]	= { "TCPRcvCoalesce", true },
	[XTCP_MIB_TCPOFOMERGE]	= { "TCPOFOMerge", true },
	[XTCP_MIB_TCPOFODROP]	= { "TCPOFODrop", true },
	[XTCP_MIB_TCPZEROWINDOWDROP]	= { "TCPZeroWindowDrop", true },
	[XTCP_MIB_TCPWANTZEROWINDOWADV]	= { "TCPWantZeroWindowAdv", true },
	[XTCP_MIB_TCPTOZEROWINDOWADV]	= { "TCPToZeroWindowAdv", true },
	[XTCP_MIB_TCPFROMZEROWINDOWADV]	= { "TCPFromZeroWindowAdv", true },
	[XTCP_MIB_TCPDELIVERED]	= { "TCPDelivered", true },
	[XTCP_MIB_TCPACKSKIPPEDPAWS]	= { "TCPACKSkippedPAWS", true },
	[XTCP_MIB_TCPACKSKIPPEDSEQ]	= { "TCPACKSkippedSeq", true },
	[XTCP_MIB_DELAYEDACKLOST]	= { "DelayedACKLost", true },
	[XTCP_MIB_OUTOFWINDOW]	= { "XtcpOutOfWindow", true },
	[XTCP_MIB_BADOPTIONS]	= { "XtcpBadOptions", true },
};

const char *xtcp_mib_name(unsigned int field)
{
	return field < XTCP_MIB_MAX ? xtcp_mib_desc[field].name : NULL;
}

/* Sum over CPUs.  Readers race with increments; each value is a
 * snapshot, as with Linux's snmp_fold_field().
 */
bool xtcp_mib_is_ext(unsigned int field)
{
	return field < XTCP_MIB_MAX && xtcp_mib_desc[field].ext;
}

void xtcp_mib_fold(const struct net *net, u64 *vals)
{
	const struct xtcp_mib __percpu *mib = xtcp_pernet(net)->mib;
	unsigned int i;
	int cpu;

	memset(vals, 0, sizeof(*vals) * XTCP_MIB_MAX);
	for_each_possible_cpu(cpu) {
		const struct xtcp_mib *m = per_cpu_ptr(mib, cpu);

		for (i = 0; i < XTCP_MIB_MAX; i++)
			vals[i] += READ_ONCE(m->mibs[i]);
	}
}

static void xtcp_snmp_group(struct seq_file *seq, const u64 *vals, bool ext)
{
	const char *group = ext ? "XtcpExt:" : "Xtcp:";
	unsigned int i;

	seq_puts(seq, group);
	for (i = 0; i < XTCP_MIB_MAX; i++)
		if (xtcp_mib_desc[i].ext == ext)
			seq_printf(seq, " %s", xtcp_mib_desc[i].name);
	seq_printf(seq, "\n%s", group);
	for (i = 0; i < XTCP_MIB_MAX; i++)
		if (xtcp_mib_desc[i].ext == ext)
			seq_printf(seq, " %llu", vals[i]);
	seq_putc(seq, '\n');
}

static int xtcp_snmp_show(struct seq_file *seq, void *v)
{
	u64 vals[XTCP_MIB_MAX];

	xtcp_mib_fold(seq_file_single_net(seq), vals);
	xtcp_snmp_group(seq, vals, false);
	xtcp_snmp_group(seq, vals, true);
	return 0;
}

static int __net_init xtcp_proc_net_init(struct net *net)
{
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "xtcp", net->proc_net);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_net_single("snmp", 0444, dir, xtcp_snmp_show, NULL)) {
		remove_proc_entry("xtcp", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit xtcp_proc_net_exit(struct net *net)
{
	remove_proc_subtree("xtcp", net->proc_net);
}

static struct pernet_operations xtcp_proc_net_ops = {
	.init	= xtcp_proc_net_init,
	.exit	= xtcp_proc_net_exit,
};

/* After ctrl.c's pernet init, so the counters exist when shown. */
int xtcp_proc_init(void)
{
	unsigned int i;

	for (i = 0; i < XTCP_MIB_MAX; i++)
		if (WARN_ON(!xtcp_mib_desc[i].name))
			return -EINVAL;
	return register_pernet_subsys(&xtcp_proc_net_ops);
}

void xtcp_proc_exit(void)
{
	unregister_pernet_subsys(&xtcp_proc_net_ops);
}
