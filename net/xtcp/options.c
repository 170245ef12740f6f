// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: TCP option parsing and writing (RFC 9293 section 3.1, RFC 7323,
 * RFC 2018).
 *
 * Pure functions of their arguments: no socket, no skb, so that KUnit
 * tests them directly (options_test.c).
 *
 * Parsing is strict about the option list's structure: every option
 * other than EOL and NOP must carry a length byte of at least 2 that
 * stays inside the option space, and the options we know must have
 * exactly their RFC length.  Anything else means the segment was built
 * by a broken or hostile sender, and the caller drops it.  Options that
 * only mean something on a SYN (MSS, window scale, SACK-permitted) are
 * checked for length everywhere but only honoured on a SYN.
 *
 * Writing uses the layout Linux uses, so that packet captures of xtcp
 * look like those of the native stack: every option starts on a 32-bit
 * boundary, with NOPs before it as padding, and SACK-permitted takes
 * the place of the two NOPs before the timestamps when both are sent:
 *
 *	MSS:		kind=2 len=4 mss(2)
 *	TS:		NOP NOP kind=8 len=10 tsval(4) tsecr(4)
 *	SACK-perm + TS:	kind=4 len=2 kind=8 len=10 tsval(4) tsecr(4)
 *	SACK-perm:	NOP NOP kind=4 len=2
 *	WS:		NOP kind=3 len=3 shift
 *	SACK:		NOP NOP kind=5 len=2+8n (start(4) end(4)) * n
 *
 * in that order.  A SYN with all of them takes 20 bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/net.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <net/tcp.h>

#include "options.h"

/* SACK option: 2 bytes of kind and length, then 8 bytes per block. */
static bool xtcp_sack_len_ok(unsigned int olen)
{
	return olen >= TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK &&
	       olen <= TCPOLEN_SACK_BASE +
		       XTCP_MAX_SACK_BLOCKS * TCPOLEN_SACK_PERBLOCK &&
	       (olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK == 0;
}

/*
 * One option of kind @kind whose @olen bytes (kind and length included)
 * start at @p, all inside the option space.  Return false if a known
 * option has the wrong length.
 */
static bool xtcp_parse_one(const u8 *p, unsigned int kind, unsigned int olen,
			   bool syn, struct xtcp_rx_options *out)
{
	unsigned int i, n;

	switch (kind) {
	case TCPOPT_MSS:
		if (olen != TCPOLEN_MSS)
			return false;
		if (syn)
			out->mss = get_unaligned_be16(p + 2);
		break;
	case TCPOPT_WINDOW:
		if (olen != TCPOLEN_WINDOW)
			return false;
		if (syn) {
			u8 shift = p[2];

			/* RFC 7323 2.3: log it and use the maximum. */
			if (shift > TCP_MAX_WSCALE) {
				net_info_ratelimited("peer window scale %u > %u, using %u\n",
						     shift, TCP_MAX_WSCALE,
						     TCP_MAX_WSCALE);
				shift = TCP_MAX_WSCALE;
			}
			out->wscale = shift;
			out->wscale_ok = 1;
		}
		break;
	case TCPOPT_SACK_PERM:
		if (olen != TCPOLEN_SACK_PERM)
			return false;
		if (syn)
			out->sack_ok = 1;
		break;
	case TCPOPT_TIMESTAMP:
		if (olen != TCPOLEN_TIMESTAMP)
			return false;
		out->saw_tstamp = 1;
		out->tsval = get_unaligned_be32(p + 2);
		out->tsecr = get_unaligned_be32(p + 6);
		break;
	case TCPOPT_SACK:
		if (!xtcp_sack_len_ok(olen))
			return false;
		n = (olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK;
		p += TCPOLEN_SACK_BASE;
		for (i = 0; i < n; i++, p += TCPOLEN_SACK_PERBLOCK) {
			out->sack[i].start = get_unaligned_be32(p);
			out->sack[i].end = get_unaligned_be32(p + 4);
		}
		out->num_sacks = n;
		break;
	default:
		/* Not ours to understand: skipped by its length. */
		break;
	}
	return true;
}

int xtcp_parse_options(const u8 *opt, unsigned int len, bool syn,
		       struct xtcp_rx_options *out)
{
	unsigned int i = 0;

	memset(out, 0, sizeof(*out));

	while (i < len) {
		unsigned int kind = opt[i], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		/* The length byte must be there, cover itself and fit. */
		if (len - i < 2)
			return XTCP_OPT_MALFORMED;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return XTCP_OPT_MALFORMED;
		if (!xtcp_parse_one(opt + i, kind, olen, syn, out))
			return XTCP_OPT_MALFORMED;
		i += olen;
	}
	return XTCP_OPT_OK;
}

/* Bytes taken by everything but the SACK blocks. */
static unsigned int xtcp_fixed_size(const struct xtcp_tx_options *o)
{
	unsigned int size = 0;

	if (o->mss)
		size += TCPOLEN_MSS_ALIGNED;
	if (o->tstamp_ok)
		size += TCPOLEN_TSTAMP_ALIGNED;	/* SACK-perm folded in */
	else if (o->sack_ok)
		size += TCPOLEN_SACKPERM_ALIGNED;
	if (o->wscale_ok)
		size += TCPOLEN_WSCALE_ALIGNED;
	return size;
}

/* How many of @o's SACK blocks fit after @fixed bytes of other options. */
static unsigned int xtcp_sacks_that_fit(const struct xtcp_tx_options *o,
					unsigned int fixed)
{
	unsigned int n = min_t(unsigned int, o->num_sacks,
			       XTCP_MAX_SACK_BLOCKS);
	unsigned int room;

	if (!n || fixed + TCPOLEN_SACK_BASE_ALIGNED >= MAX_TCP_OPTION_SPACE)
		return 0;
	room = (MAX_TCP_OPTION_SPACE - fixed - TCPOLEN_SACK_BASE_ALIGNED) /
	       TCPOLEN_SACK_PERBLOCK;
	return min(n, room);
}

static unsigned int xtcp_sack_size(unsigned int n)
{
	return n ? TCPOLEN_SACK_BASE_ALIGNED + n * TCPOLEN_SACK_PERBLOCK : 0;
}

unsigned int xtcp_options_size(const struct xtcp_tx_options *o)
{
	unsigned int fixed = xtcp_fixed_size(o);

	return fixed + xtcp_sack_size(xtcp_sacks_that_fit(o, fixed));
}

/* Four option bytes, as one 32-bit word in network order. */
static u8 *xtcp_put4(u8 *p, u8 a, u8 b, u8 c, u8 d)
{
	put_unaligned_be32((u32)a << 24 | (u32)b << 16 | (u32)c << 8 | d, p);
	return p + 4;
}

unsigned int xtcp_write_options(u8 *ptr, const struct xtcp_tx_options *o)
{
	unsigned int i, n = xtcp_sacks_that_fit(o, xtcp_fixed_size(o));
	u8 *p = ptr;

	if (o->mss) {
		p = xtcp_put4(p, TCPOPT_MSS, TCPOLEN_MSS, 0, 0);
		put_unaligned_be16(o->mss, p - 2);
	}
	if (o->tstamp_ok) {
		if (o->sack_ok)
			p = xtcp_put4(p, TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM,
				      TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
		else
			p = xtcp_put4(p, TCPOPT_NOP, TCPOPT_NOP,
				      TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
		put_unaligned_be32(o->tsval, p);
		put_unaligned_be32(o->tsecr, p + 4);
		p += 8;
	} else if (o->sack_ok) {
		p = xtcp_put4(p, TCPOPT_NOP, TCPOPT_NOP,
			      TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM);
	}
	if (o->wscale_ok)
		p = xtcp_put4(p, TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW,
			      min_t(u8, o->wscale, TCP_MAX_WSCALE));
	if (n) {
		p = xtcp_put4(p, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK,
			      TCPOLEN_SACK_BASE + n * TCPOLEN_SACK_PERBLOCK);
		for (i = 0; i < n; i++, p += TCPOLEN_SACK_PERBLOCK) {
			put_unaligned_be32(o->sack[i].start, p);
			put_unaligned_be32(o->sack[i].end, p + 4);
		}
	}
	return p - ptr;
}
