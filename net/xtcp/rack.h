/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: RACK-TLP (RFC 8985) arithmetic, pure: it works on the native
 * struct tcp_rack kept in tcp_sock (tp->rack), but never on a socket, so
 * KUnit (rack_test.c) reaches all of it.  recovery.c applies it to the
 * retransmission queue.
 */
#ifndef _NET_XTCP_RACK_H
#define _NET_XTCP_RACK_H

#include <linux/types.h>
#include <linux/tcp.h>

bool xtcp_rack_sent_after(u64 t1, u64 t2, u32 seq1, u32 seq2);
bool xtcp_rack_advance(struct tcp_rack *rack, u64 xmit_us, u32 end_seq,
		       bool retrans, u64 now_us, u32 min_rtt_us);
u32 xtcp_rack_reo_wnd(const struct tcp_rack *rack, bool reord_seen,
		      bool in_recovery, bool dupthresh, u32 min_rtt_us,
		      u32 srtt_us);
s64 xtcp_rack_remaining(const struct tcp_rack *rack, u64 xmit_us,
			u32 reo_wnd, u64 now_us);
void xtcp_rack_update_reo_wnd(struct tcp_rack *rack, bool dsack,
			      u32 prior_delivered, u32 delivered);
void xtcp_rack_recovery_done(struct tcp_rack *rack);
u32 xtcp_tlp_timeout_us(u32 srtt_us, u32 packets_out, u32 rto_left_us);

/* RFC 8985 7.2: after this many recoveries without D-SACK, the window
 * multiplier returns to 1 (native TCP_RACK_RECOVERY_THRESH).
 */
#define XTCP_RACK_RECOVERY_THRESH	16

#endif /* _NET_XTCP_RACK_H */
