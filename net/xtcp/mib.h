/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: per-namespace counters.
 *
 * Names follow Linux's Tcp and TcpExt MIBs (include/uapi/linux/snmp.h)
 * where the meaning matches, so nstat users read them without a glossary.
 * Per-CPU and lockless: XTCP_INC_STATS() may be used in any context.
 */
#ifndef _NET_XTCP_MIB_H
#define _NET_XTCP_MIB_H

#include <linux/percpu.h>

enum xtcp_mib_field {
	XTCP_MIB_ACTIVEOPENS,		/* Tcp ActiveOpens */
	XTCP_MIB_PASSIVEOPENS,		/* Tcp PassiveOpens */
	XTCP_MIB_ATTEMPTFAILS,		/* Tcp AttemptFails */
	XTCP_MIB_ESTABRESETS,		/* Tcp EstabResets */
	XTCP_MIB_INSEGS,		/* Tcp InSegs */
	XTCP_MIB_OUTSEGS,		/* Tcp OutSegs */
	XTCP_MIB_RETRANSSEGS,		/* Tcp RetransSegs */
	XTCP_MIB_INERRS,		/* Tcp InErrs */
	XTCP_MIB_OUTRSTS,		/* Tcp OutRsts */
	XTCP_MIB_CSUMERRORS,		/* Tcp InCsumErrors */
	XTCP_MIB_LISTENOVERFLOWS,	/* TcpExt ListenOverflows */
	XTCP_MIB_LISTENDROPS,		/* TcpExt ListenDrops */
	XTCP_MIB_TIMEWAITED,		/* TcpExt TW */
	XTCP_MIB_TIMEWAITRECYCLED,	/* TcpExt TWRecycled */
	XTCP_MIB_TCPTIMEWAITOVERFLOW,	/* TcpExt TCPTimeWaitOverflow */
	XTCP_MIB_TCPTIMEOUTS,		/* TcpExt TCPTimeouts */
	XTCP_MIB_TCPCHALLENGEACK,	/* TcpExt TCPChallengeACK */
	XTCP_MIB_TCPSYNCHALLENGE,	/* TcpExt TCPSYNChallenge */
	XTCP_MIB_PAWSESTABREJECTED,	/* TcpExt PAWSEstab */
	XTCP_MIB_DELAYEDACKS,		/* TcpExt DelayedACKs */
	XTCP_MIB_TCPABORTONDATA,	/* TcpExt TCPAbortOnData */
	XTCP_MIB_TCPABORTONCLOSE,	/* TcpExt TCPAbortOnClose */
	XTCP_MIB_TCPABORTONTIMEOUT,	/* TcpExt TCPAbortOnTimeout */
	XTCP_MIB_TCPABORTONLINGER,	/* TcpExt TCPAbortOnLinger */
	XTCP_MIB_TCPREQQFULLDROP,	/* TcpExt TCPReqQFullDrop */
	XTCP_MIB_TCPBACKLOGDROP,	/* TcpExt TCPBacklogDrop */
	XTCP_MIB_TCPOFOQUEUE,		/* TcpExt TCPOFOQueue */
	XTCP_MIB_TCPRCVQDROP,		/* TcpExt TCPRcvQDrop */
	XTCP_MIB_TCPORIGDATASENT,	/* TcpExt TCPOrigDataSent */
	XTCP_MIB_SYNCOOKIESSENT,	/* TcpExt SyncookiesSent */
	XTCP_MIB_SYNCOOKIESRECV,	/* TcpExt SyncookiesRecv */
	XTCP_MIB_SYNCOOKIESFAILED,	/* TcpExt SyncookiesFailed */
	XTCP_MIB_TCPREQQFULLDOCOOKIES,	/* TcpExt TCPReqQFullDoCookies */
	XTCP_MIB_OUTOFWINDOWICMPS,	/* TcpExt OutOfWindowIcmps */
	XTCP_MIB_LOCKDROPPEDICMPS,	/* TcpExt LockDroppedIcmps */
	/* Loss recovery and input (issue 4); TcpExt names. */
	XTCP_MIB_TCPLOSSPROBES,		/* TcpExt TCPLossProbes */
	XTCP_MIB_TCPLOSSPROBERECOVERY,	/* TcpExt TCPLossProbeRecovery */
	XTCP_MIB_TCPSACKRECOVERY,		/* TcpExt TCPSackRecovery */
	XTCP_MIB_TCPRENORECOVERY,		/* TcpExt TCPRenoRecovery */
	XTCP_MIB_TCPFASTRETRANS,		/* TcpExt TCPFastRetrans */
	XTCP_MIB_TCPSLOWSTARTRETRANS,		/* TcpExt TCPSlowStartRetrans */
	XTCP_MIB_TCPLOSTRETRANSMIT,		/* TcpExt TCPLostRetransmit */
	XTCP_MIB_TCPSACKREORDER,		/* TcpExt TCPSACKReorder */
	XTCP_MIB_TCPRENOREORDER,		/* TcpExt TCPRenoReorder */
	XTCP_MIB_TCPTSREORDER,		/* TcpExt TCPTSReorder */
	XTCP_MIB_TCPDSACKRECV,		/* TcpExt TCPDSACKRecv */
	XTCP_MIB_TCPDSACKOFORECV,		/* TcpExt TCPDSACKOfoRecv */
	XTCP_MIB_TCPDSACKRECVSEGS,		/* TcpExt TCPDSACKRecvSegs */
	XTCP_MIB_TCPDSACKOLDSENT,		/* TcpExt TCPDSACKOldSent */
	XTCP_MIB_TCPDSACKOFOSENT,		/* TcpExt TCPDSACKOfoSent */
	XTCP_MIB_TCPDSACKUNDO,		/* TcpExt TCPDSACKUndo */
	XTCP_MIB_TCPFULLUNDO,		/* TcpExt TCPFullUndo */
	XTCP_MIB_TCPPARTIALUNDO,		/* TcpExt TCPPartialUndo */
	XTCP_MIB_TCPLOSSUNDO,		/* TcpExt TCPLossUndo */
	XTCP_MIB_TCPSPURIOUSRTOS,		/* TcpExt TCPSpuriousRTOs */
	XTCP_MIB_TCPSACKRENEGING,		/* TcpExt TCPSACKReneging */
	XTCP_MIB_TCPRCVCOALESCE,		/* TcpExt TCPRcvCoalesce */
	XTCP_MIB_TCPOFOMERGE,		/* TcpExt TCPOFOMerge */
	XTCP_MIB_TCPOFODROP,		/* TcpExt TCPOFODrop */
	XTCP_MIB_TCPZEROWINDOWDROP,		/* TcpExt TCPZeroWindowDrop */
	XTCP_MIB_TCPWANTZEROWINDOWADV,	/* TcpExt TCPWantZeroWindowAdv */
	XTCP_MIB_TCPTOZEROWINDOWADV,		/* TcpExt TCPToZeroWindowAdv */
	XTCP_MIB_TCPFROMZEROWINDOWADV,	/* TcpExt TCPFromZeroWindowAdv */
	XTCP_MIB_TCPDELIVERED,		/* TcpExt TCPDelivered */
	XTCP_MIB_TCPACKSKIPPEDPAWS,		/* TcpExt TCPACKSkippedPAWS */
	XTCP_MIB_TCPACKSKIPPEDSEQ,		/* TcpExt TCPACKSkippedSeq */
	XTCP_MIB_DELAYEDACKLOST,	/* TcpExt DelayedACKLost */
	XTCP_MIB_OUTOFWINDOW,		/* xtcp only, see proc.c */
	XTCP_MIB_BADOPTIONS,		/* xtcp only, see proc.c */
	XTCP_MIB_MAX
};

struct xtcp_mib {
	unsigned long	mibs[XTCP_MIB_MAX];
};

#define XTCP_INC_STATS(net, field) \
	this_cpu_inc(xtcp_pernet(net)->mib->mibs[field])
#define XTCP_ADD_STATS(net, field, n) \
	this_cpu_add(xtcp_pernet(net)->mib->mibs[field], n)

#endif /* _NET_XTCP_MIB_H */
