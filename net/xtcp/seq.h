/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: sequence-number arithmetic (RFC 9293, section 3.4).
 *
 * Pure functions of their arguments, with no socket state, so that
 * KUnit tests them directly (seq_test.c).
 *
 * Sequence numbers are u32 and wrap: they sit on a circle of 2^32
 * points. "a before b" means that b is ahead of a by less than 2^31
 * steps, i.e. that the difference b - a, taken as a signed 32-bit
 * number, is positive. That holds across the wrap: 0xffffffff is
 * before 0.
 *
 * The 2^31 ambiguity: when a and b are exactly 2^31 apart, each is both
 * before and after the other, because (s32)(a - b) and (s32)(b - a) are
 * both S32_MIN. There is no right answer at that distance, so callers
 * must not ask: TCP compares only numbers inside a window, and windows
 * are far below 2^31 (at most 2^30 even with window scaling, RFC 7323).
 * Where an input is untrusted, check it against explicit bounds with
 * xtcp_seq_between(), which has no such ambiguity.
 */
#ifndef _NET_XTCP_SEQ_H
#define _NET_XTCP_SEQ_H

#include <linux/types.h>

/* Is @a before @b, i.e. is @b ahead of @a by 1 to 2^31 steps? */
static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* Is @a after @b, i.e. is @a ahead of @b by 1 to 2^31 steps? */
static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

/*
 * Is @seq in the closed range that starts at @low and runs forward to
 * @high (low <= seq <= high, modulo 2^32)?
 *
 * Measured as distances from @low, so a range that wraps past
 * 0xffffffff works, any range length up to 2^32 - 1 works, and there is
 * no 2^31 ambiguity. low == high is the one-number range; high == low - 1
 * covers every number.
 */
static inline bool xtcp_seq_between(u32 seq, u32 low, u32 high)
{
	return seq - low <= high - low;
}

/*
 * The earlier / later of two sequence numbers. Subject to the 2^31
 * ambiguity: at that exact distance both return @a.
 */
static inline u32 xtcp_seq_min(u32 a, u32 b)
{
	return xtcp_seq_before(a, b) ? a : b;
}

static inline u32 xtcp_seq_max(u32 a, u32 b)
{
	return xtcp_seq_after(a, b) ? a : b;
}

/*
 * RFC 7323 section 5 (PAWS), with the tolerances Linux applies
 * (tcp_paws_check()): is a segment carrying @tsval acceptable against
 * TS.Recent @ts_recent, recorded at @ts_recent_stamp seconds, now
 * @now seconds?
 *
 * - @tsval may lag TS.Recent by up to @win ticks: Linux accepts a lag
 *   of one (TCP_PAWS_WINDOW) on synchronized connections, since a peer
 *   may stamp two segments from clocks read in a different order than
 *   it sends them (and our veth/loopback peers reorder across CPUs);
 * - TS.Recent older than @idle_max seconds is stale and no longer
 *   rejects anything (RFC 7323 5.5 says 24 days for a 1 ms clock;
 *   Linux 6.12 uses TCP_PAWS_WRAP, 2147 s, which also covers peers
 *   with a microsecond clock);
 * - TS.Recent of 0 rejects nothing: some stacks send TSval 0 in the
 *   handshake and real values afterwards.
 */
static inline bool xtcp_paws_ok(u32 tsval, u32 ts_recent, s64 ts_recent_stamp,
				s64 now, u32 win, s64 idle_max)
{
	if ((s32)(ts_recent - tsval) <= (s32)win)
		return true;
	if (now >= ts_recent_stamp + idle_max)
		return true;
	return !ts_recent;
}

#endif /* _NET_XTCP_SEQ_H */
