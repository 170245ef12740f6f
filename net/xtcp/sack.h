/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: SACK block logic (RFC 2018, RFC 6675, RFC 2883), pure: no
 * socket, no skb, so KUnit (sack_test.c) reaches all of it.  The
 * scoreboard itself (marks on the retransmission queue) is recovery.c.
 */
#ifndef _NET_XTCP_SACK_H
#define _NET_XTCP_SACK_H

#include <linux/types.h>

struct xtcp_sack_block {
	u32	start;
	u32	end;
};

/* Blocks a segment can carry: 4 without timestamps (RFC 2018 3). */
#define XTCP_SACK_MAX	4

/**
 * struct xtcp_sack_in - the SACK option of one ACK, sanitized
 * @blk: valid blocks above SND.UNA, ascending, disjoint (merged)
 * @n: how many in @blk
 * @dsack: the first block reports duplicate data (RFC 2883 4)
 * @dsack_blk: that block when @dsack
 */
struct xtcp_sack_in {
	struct xtcp_sack_block	blk[XTCP_SACK_MAX];
	int			n;
	bool			dsack;
	struct xtcp_sack_block	dsack_blk;
};

bool xtcp_sack_is_dsack(const struct xtcp_sack_block *b, int n, u32 ack);
void xtcp_sack_sanitize(const struct xtcp_sack_block *b, int n, u32 ack,
			u32 snd_nxt, u32 max_window, struct xtcp_sack_in *out);
bool xtcp_sack_cover(u32 seq, u32 end, const struct xtcp_sack_block *b,
		     u32 mss, u32 *from, u32 *to);
bool xtcp_dsack_block(u32 seq, u32 end_seq, u32 rcv_nxt,
		      struct xtcp_sack_block *out);

#endif /* _NET_XTCP_SACK_H */
