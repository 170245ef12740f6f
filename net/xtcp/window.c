// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: window-scale selection and the window offered in SYN/SYN-ACK
 * (RFC 7323 section 2).
 *
 * Pure functions of their arguments, tested by options_test.c.
 *
 * How this differs from Linux's tcp_select_initial_window():
 *
 * - Linux picks the shift as ilog2(space) - 15, clamped to 0..14: the
 *   smallest shift for which space >> shift fits in 16 bits.  We pick
 *   the smallest shift for which 65535 << shift >= space, i.e. for
 *   which the scaled window can express all of @space.  The two differ
 *   only when 65535 << s < space < 65536 << s: there Linux's shift is
 *   one lower and its largest window falls short of @space by less than
 *   2^s bytes (e.g. space 131071: Linux 1, xtcp 2).
 *
 * - Linux takes as space the largest of the socket's receive space,
 *   tcp_rmem[2] and net.core.rmem_max, capped by the window clamp, so
 *   that the buffer can later grow to either limit.  We let the caller
 *   choose @space; it should pass the largest receive buffer the socket
 *   may grow to, computed the same way, to get the same effect.
 *
 * - For the initial window Linux does not round @space down to a
 *   multiple of the MSS when @space <= MSS, and neither do we: a SYN
 *   must not offer a zero window because the buffer is smaller than one
 *   segment.  Linux may keep a larger rcv_wnd and only put at most
 *   65535 in the SYN's window field; we return the window actually
 *   offered.  Linux may further cap it at 32767
 *   (tcp_workaround_signed_windows) or at init_rcv_wnd segments (a
 *   route attribute); callers that want those apply them themselves.
 */
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <net/tcp.h>

#include "options.h"

u8 xtcp_select_wscale(u32 space)
{
	u8 shift = 0;

	/* 65535 << 14 is below 2^32, so no shift can overflow. */
	while (shift < TCP_MAX_WSCALE && ((u32)U16_MAX << shift) < space)
		shift++;
	return shift;
}

u32 xtcp_initial_rcv_wnd(u32 space, u32 mss)
{
	u32 wnd = min_t(u32, space, U16_MAX);

	if (mss && wnd > mss)
		wnd = rounddown(wnd, mss);
	return wnd;
}
