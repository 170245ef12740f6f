/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: pure logic with no socket glue, so KUnit can test it directly:
 * TCP option parsing and writing (RFC 9293 3.1, RFC 7323, RFC 2018),
 * the initial sequence number (RFC 6528) and window-scale selection
 * (RFC 7323 2.3, Linux's choice of shift).
 */
#ifndef _NET_XTCP_OPTIONS_H
#define _NET_XTCP_OPTIONS_H

#include <linux/in6.h>
#include <linux/types.h>

#define XTCP_MAX_SACK_BLOCKS	4

/**
 * struct xtcp_rx_options - options found in a received segment
 * @mss: MSS option value, 0 if absent (only honoured on SYN)
 * @wscale: shift from the window-scale option, clamped to 14
 * @wscale_ok: a window-scale option was present (only on SYN)
 * @sack_ok: SACK-permitted was present (only on SYN)
 * @saw_tstamp: a timestamps option was present
 * @num_sacks: number of SACK blocks in @sack
 * @tsval: TSval, valid if @saw_tstamp
 * @tsecr: TSecr, valid if @saw_tstamp
 * @sack: SACK blocks as sent (start, end), host byte order
 */
struct xtcp_rx_options {
	u16	mss;
	u8	wscale;
	u8	wscale_ok:1,
		sack_ok:1,
		saw_tstamp:1;
	u8	num_sacks;
	u32	tsval;
	u32	tsecr;
	struct {
		u32	start;
		u32	end;
	} sack[XTCP_MAX_SACK_BLOCKS];
};

/* xtcp_parse_options() results. */
enum {
	XTCP_OPT_OK = 0,
	XTCP_OPT_MALFORMED,	/* bad length, truncated option: drop */
};

/**
 * xtcp_parse_options - parse the option space of a TCP header
 * @opt: first byte after the fixed 20-byte header
 * @len: option bytes (doff * 4 - 20)
 * @syn: the segment carries SYN (MSS, WS and SACK-permitted count only
 *	then, per RFC 9293 / RFC 7323)
 * @out: filled in; zeroed first
 *
 * Unknown options are skipped by their length.  EOL ends parsing.
 * An option whose length byte is missing, < 2 or runs past @len, or a
 * known option with the wrong length, makes the segment malformed.
 * Return: XTCP_OPT_OK or XTCP_OPT_MALFORMED.
 */
int xtcp_parse_options(const u8 *opt, unsigned int len, bool syn,
		       struct xtcp_rx_options *out);

/**
 * struct xtcp_tx_options - options to put in an outgoing segment
 * @mss: MSS to announce (SYN/SYN-ACK only), 0 for none
 * @wscale: our shift, valid if @wscale_ok
 * @wscale_ok: send window scale (SYN/SYN-ACK only)
 * @sack_ok: send SACK-permitted (SYN/SYN-ACK only)
 * @tstamp_ok: send timestamps
 * @num_sacks: SACK blocks to send (at most what fits)
 * @tsval, @tsecr: timestamp values
 * @sack: SACK blocks, host byte order
 */
struct xtcp_tx_options {
	u16	mss;
	u8	wscale;
	u8	wscale_ok:1,
		sack_ok:1,
		tstamp_ok:1;
	u8	num_sacks;
	u32	tsval;
	u32	tsecr;
	struct {
		u32	start;
		u32	end;
	} sack[XTCP_MAX_SACK_BLOCKS];
};

/**
 * xtcp_options_size - bytes @o takes on the wire, a multiple of 4 and at
 * most 40; SACK blocks that do not fit are not counted (and not written)
 */
unsigned int xtcp_options_size(const struct xtcp_tx_options *o);

/**
 * xtcp_write_options - write @o at @ptr, in the layout Linux uses (NOP
 * padding so that each option is 32-bit aligned; SACK-permitted folded
 * into the timestamps word when both are sent)
 * Return: bytes written, equal to xtcp_options_size(@o).
 */
unsigned int xtcp_write_options(u8 *ptr, const struct xtcp_tx_options *o);

/**
 * xtcp_isn_v4 / xtcp_isn_v6 - initial sequence number per RFC 6528:
 * ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a
 * clock ticking every 64 ns and F a keyed siphash; the key is random,
 * set once per boot (module load).
 */
u32 xtcp_isn_v4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 xtcp_isn_v6(const struct in6_addr *saddr, const struct in6_addr *daddr,
		__be16 sport, __be16 dport);
/* The same F without M, for tests and for the timestamp offset. */
u32 xtcp_isn_hash_v4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);

/**
 * xtcp_select_wscale - the window-scale shift to announce: the smallest
 * shift that lets a 16-bit window field express @space bytes (the
 * largest receive buffer the socket may grow to), at most 14 (RFC 7323).
 */
u8 xtcp_select_wscale(u32 space);

/**
 * xtcp_initial_rcv_wnd - the window to offer in SYN/SYN-ACK: @space
 * rounded down to a multiple of @mss (when @mss is nonzero), and at most
 * 65535 because SYN windows are never scaled.
 */
u32 xtcp_initial_rcv_wnd(u32 space, u32 mss);

#endif /* _NET_XTCP_OPTIONS_H */
