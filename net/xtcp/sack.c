// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: SACK block logic (RFC 2018, RFC 6675, RFC 2883), pure.
 *
 * The sender's scoreboard (recovery.c) marks retransmission-queue skbs
 * SACKed from what these functions make of the peer's blocks; the
 * receiver (input.c) reports duplicates with xtcp_dsack_block().
 */
#include <linux/kernel.h>
#include <net/tcp.h>

#include "sack.h"

/*
 * RFC 2883 section 4: the first block is a D-SACK when it lies below the
 * cumulative ACK, or inside the second block.
 */
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *b, int n, u32 ack)
{
	if (n < 1)
		return false;
	if (before(b[0].start, ack))
		return true;
	return n > 1 && !after(b[0].end, b[1].end) &&
	       !before(b[0].start, b[1].start);
}

/*
 * Sanitize the blocks of one ACK: split off a D-SACK, drop blocks that
 * are empty, reversed, beyond SND.NXT or entirely at or below the
 * cumulative ACK, clip the rest to start at @ack, sort ascending and
 * merge overlapping ones.  A block older than @max_window below the ACK
 * is dropped even as a D-SACK (a stale or forged one, as native's
 * tcp_is_sackblock_valid()).
 */
void xtcp_sack_sanitize(const struct xtcp_sack_block *b, int n, u32 ack,
			u32 snd_nxt, u32 max_window, struct xtcp_sack_in *out)
{
	int i, j, first = 0;

	out->n = 0;
	out->dsack = false;
	n = min(n, XTCP_SACK_MAX);
	if (xtcp_sack_is_dsack(b, n, ack)) {
		first = 1;
		if (after(b[0].end, b[0].start) && !after(b[0].end, snd_nxt) &&
		    !before(b[0].start, ack - max_window)) {
			out->dsack = true;
			out->dsack_blk = b[0];
		}
	}
	for (i = first; i < n; i++) {
		struct xtcp_sack_block s = b[i];

		if (!after(s.end, s.start) || after(s.end, snd_nxt))
			continue;
		if (!after(s.end, ack))
			continue;
		if (before(s.start, ack))
			s.start = ack;
		/* insertion sort: at most four blocks */
		for (j = out->n; j > 0 && after(out->blk[j - 1].start, s.start);
		     j--)
			out->blk[j] = out->blk[j - 1];
		out->blk[j] = s;
		out->n++;
	}
	/* merge */
	for (i = 0, j = 1; j < out->n; j++) {
		if (!after(out->blk[j].start, out->blk[i].end)) {
			if (after(out->blk[j].end, out->blk[i].end))
				out->blk[i].end = out->blk[j].end;
		} else {
			out->blk[++i] = out->blk[j];
		}
	}
	if (out->n)
		out->n = i + 1;
}

/*
 * Which whole segments of an skb [@seq, @end) (cut every @mss bytes from
 * @seq, as it went on the wire) block @b covers: [*from, *to).  A
 * segment only partly covered is not SACKed (RFC 2018 3: the receiver
 * reports whole segments; a partial one means the skb was cut otherwise,
 * and is left for the next ACK).
 */
bool xtcp_sack_cover(u32 seq, u32 end, const struct xtcp_sack_block *b,
		     u32 mss, u32 *from, u32 *to)
{
	u32 s = after(b->start, seq) ? b->start : seq;
	u32 e = before(b->end, end) ? b->end : end;

	if (!after(e, s) || !mss)
		return false;
	if (s != seq)
		s = seq + roundup(s - seq, mss);
	if (e != end)
		e = seq + rounddown(e - seq, mss);
	if (!after(e, s))
		return false;
	*from = s;
	*to = e;
	return true;
}

/*
 * Receiver: the D-SACK block for a segment [@seq, @end_seq) that was
 * (partly) a duplicate of data at or below @rcv_nxt (RFC 2883 section 4,
 * first rule: report the duplicate part).  False if none of it was.
 */
bool xtcp_dsack_block(u32 seq, u32 end_seq, u32 rcv_nxt,
		      struct xtcp_sack_block *out)
{
	if (!before(seq, rcv_nxt) || !after(end_seq, seq))
		return false;
	out->start = seq;
	out->end = after(end_seq, rcv_nxt) ? rcv_nxt : end_seq;
	return true;
}
