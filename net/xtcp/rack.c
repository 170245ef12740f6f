// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: RACK-TLP (RFC 8985) arithmetic, pure.
 *
 * State is the native struct tcp_rack (tp->rack): @mstamp and @end_seq
 * of the most recently sent segment known delivered, @rtt_us its RTT,
 * @reo_wnd_steps/@reo_wnd_persist/@dsack_seen the adaptive reordering
 * window, @advanced set when an ACK moved it (loss detection is then
 * worth running), @last_delivered the delivery count at the last window
 * change.  Times are tcp_clock_us() microseconds.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <net/tcp.h>

#include "rack.h"

/* RFC 8985 6.2: was (t1, seq1) sent after (t2, seq2)?  The sequence
 * breaks ties between segments sent in the same microsecond.
 */
bool xtcp_rack_sent_after(u64 t1, u64 t2, u32 seq1, u32 seq2)
{
	return t1 > t2 || (t1 == t2 && after(seq1, seq2));
}

/*
 * RFC 8985 6.2 step 2: a segment sent at @xmit_us and ending at @end_seq
 * was just delivered (ACKed or SACKed).  A retransmitted segment whose
 * RTT is below the minimum RTT was most likely delivered by an earlier
 * transmission: the sample is ambiguous and ignored.  Returns whether
 * RACK took it.
 */
bool xtcp_rack_advance(struct tcp_rack *rack, u64 xmit_us, u32 end_seq,
		       bool retrans, u64 now_us, u32 min_rtt_us)
{
	u32 rtt_us = now_us > xmit_us ? (u32)min_t(u64, now_us - xmit_us,
						   U32_MAX) : 0;

	if (retrans && rtt_us < min_rtt_us)
		return false;
	rack->advanced = 1;
	rack->rtt_us = rtt_us;
	if (xtcp_rack_sent_after(xmit_us, rack->mstamp, end_seq,
				 rack->end_seq)) {
		rack->mstamp = xmit_us;
		rack->end_seq = end_seq;
	}
	return true;
}

/*
 * RFC 8985 6.2 step 4: the reordering window.  Before any reordering was
 * seen, none while in recovery or once DupThresh segments are SACKed
 * (@dupthresh): loss is then declared as soon as a later segment is
 * delivered.  Otherwise min_RTT/4 per step, at most SRTT.
 */
u32 xtcp_rack_reo_wnd(const struct tcp_rack *rack, bool reord_seen,
		      bool in_recovery, bool dupthresh, u32 min_rtt_us,
		      u32 srtt_us)
{
	if (!reord_seen && (in_recovery || dupthresh))
		return 0;
	return min_t(u32, (min_rtt_us >> 2) * rack->reo_wnd_steps, srtt_us);
}

/*
 * RFC 8985 6.2 step 5: how long until a segment sent at @xmit_us, and
 * sent before RACK's most recent delivered one, is deemed lost.  Zero or
 * less: lost now.
 */
s64 xtcp_rack_remaining(const struct tcp_rack *rack, u64 xmit_us,
			u32 reo_wnd, u64 now_us)
{
	return (s64)(xmit_us + rack->rtt_us + reo_wnd) - (s64)now_us;
}

/*
 * RFC 8985 7.2: a D-SACK means a retransmission was spurious, so the
 * window grows by a step, at most once per round trip (@prior_delivered
 * older than the last change: that D-SACK belongs to the same round);
 * it falls back to one step after XTCP_RACK_RECOVERY_THRESH recoveries
 * without one.
 */
void xtcp_rack_update_reo_wnd(struct tcp_rack *rack, bool dsack,
			      u32 prior_delivered, u32 delivered)
{
	if (dsack)
		rack->dsack_seen = 1;
	if (before(prior_delivered, rack->last_delivered))
		rack->dsack_seen = 0;
	if (rack->dsack_seen) {
		rack->reo_wnd_steps = min_t(u32, 0xff,
					    rack->reo_wnd_steps + 1);
		rack->dsack_seen = 0;
		rack->last_delivered = delivered;
		rack->reo_wnd_persist = XTCP_RACK_RECOVERY_THRESH;
	} else if (!rack->reo_wnd_persist) {
		rack->reo_wnd_steps = 1;
	}
}

/* A recovery ended: one fewer before the window multiplier resets. */
void xtcp_rack_recovery_done(struct tcp_rack *rack)
{
	if (rack->reo_wnd_persist)
		rack->reo_wnd_persist--;
}

/*
 * RFC 8985 7.2: the probe timeout, PTO = 2 * SRTT, plus the peer's
 * worst-case delayed-ACK time (200 ms, native TCP_RTO_MIN) when only
 * one segment is in flight and its ACK may be delayed, else a couple
 * of ticks; never later than the RTO would fire (@rto_left_us, 0 when
 * unknown).  Before any RTT sample: 1 s.  @srtt_us is tp->srtt_us
 * (8 times the smoothed RTT).
 */
u32 xtcp_tlp_timeout_us(u32 srtt_us, u32 packets_out, u32 rto_left_us)
{
	u32 pto;

	if (!srtt_us)
		pto = USEC_PER_SEC;
	else
		pto = (srtt_us >> 2) + (packets_out == 1 ?
					jiffies_to_usecs(TCP_RTO_MIN) :
					jiffies_to_usecs(TCP_TIMEOUT_MIN));
	if (rto_left_us && rto_left_us < pto)
		pto = rto_left_us;
	return pto;
}
