// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xtcp's TCP option parsing and writing (options.c) and
 * window-scale and initial-window selection (window.c).
 *
 * The code under test is compiled into xtcp_test.ko by including it
 * here, so xtcp_test.ko needs neither xtcp.ko nor exported symbols.
 * options.c comes first: it defines pr_fmt before any header does.
 */
#include "options.c"
#include "window.c"

#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>

/* A SYN from Linux: MSS 1460, SACK-perm + TS, NOP WS 7. */
static const u8 linux_syn[] = {
	2, 4, 0x05, 0xb4,
	4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00,
	1, 3, 3, 7,
};

/*
 * Parse @len bytes of @src from an odd address, to catch aligned loads,
 * at the very end of an allocation, so that KASAN catches a read past
 * @len.
 */
static int parse_unaligned(const u8 *src, unsigned int len, bool syn,
			   struct xtcp_rx_options *out)
{
	u8 *buf = kmalloc(len + 1, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf + 1, src, len);
	ret = xtcp_parse_options(buf + 1, len, syn, out);
	kfree(buf);
	return ret;
}

static void xtcp_opt_test_parse_empty(struct kunit *test)
{
	struct xtcp_rx_options rx;
	static const u8 zero[1];

	memset(&rx, 0xa5, sizeof(rx));
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(zero, 0, true, &rx),
			XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, rx.mss, 0);
	KUNIT_EXPECT_EQ(test, rx.wscale, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.wscale_ok, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.sack_ok, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 0);
	KUNIT_EXPECT_EQ(test, rx.num_sacks, 0);
	KUNIT_EXPECT_EQ(test, rx.tsval, 0);
	KUNIT_EXPECT_EQ(test, rx.tsecr, 0);
}

static void xtcp_opt_test_parse_syn(struct kunit *test)
{
	struct xtcp_rx_options rx;

	memset(&rx, 0xa5, sizeof(rx));
	KUNIT_ASSERT_EQ(test, parse_unaligned(linux_syn, sizeof(linux_syn),
					      true, &rx), XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, rx.mss, 1460);
	KUNIT_EXPECT_EQ(test, (int)rx.wscale_ok, 1);
	KUNIT_EXPECT_EQ(test, rx.wscale, 7);
	KUNIT_EXPECT_EQ(test, (int)rx.sack_ok, 1);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 1);
	KUNIT_EXPECT_EQ(test, rx.tsval, 0x11223344);
	KUNIT_EXPECT_EQ(test, rx.tsecr, 0);
	KUNIT_EXPECT_EQ(test, rx.num_sacks, 0);
}

/* MSS, WS and SACK-permitted mean nothing outside a SYN; TS does. */
static void xtcp_opt_test_parse_syn_only(struct kunit *test)
{
	struct xtcp_rx_options rx;

	memset(&rx, 0xa5, sizeof(rx));
	KUNIT_ASSERT_EQ(test, parse_unaligned(linux_syn, sizeof(linux_syn),
					      false, &rx), XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, rx.mss, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.wscale_ok, 0);
	KUNIT_EXPECT_EQ(test, rx.wscale, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.sack_ok, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 1);
	KUNIT_EXPECT_EQ(test, rx.tsval, 0x11223344);
}

/* RFC 7323 2.3: a shift above 14 is used as 14. */
static void xtcp_opt_test_parse_wscale(struct kunit *test)
{
	static const struct {
		u8 sent, used;
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 13, 13 }, { 14, 14 }, { 15, 14 },
		{ 16, 14 }, { 255, 14 },
	};
	struct xtcp_rx_options rx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 ws[] = { 3, 3, cases[i].sent };

		KUNIT_ASSERT_EQ(test, parse_unaligned(ws, sizeof(ws), true,
						      &rx), XTCP_OPT_OK);
		KUNIT_EXPECT_EQ_MSG(test, (int)rx.wscale_ok, 1, "sent %u",
				    cases[i].sent);
		KUNIT_EXPECT_EQ_MSG(test, rx.wscale, cases[i].used, "sent %u",
				    cases[i].sent);
	}
}

/* Timestamps anywhere, unpadded, at odd offsets. */
static void xtcp_opt_test_parse_tstamp(struct kunit *test)
{
	static const u8 ts[] = {
		1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
	};
	static const u8 ts_mss[] = {
		8, 10, 0xff, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x01,
		2, 4, 0x23, 0x28, 0, 0,
	};
	struct xtcp_rx_options rx;

	KUNIT_ASSERT_EQ(test, parse_unaligned(ts, sizeof(ts), false, &rx),
			XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 1);
	KUNIT_EXPECT_EQ(test, rx.tsval, 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, rx.tsecr, 0x01020304);

	/* Unpadded MSS after TS; trailing EOLs. */
	KUNIT_ASSERT_EQ(test, parse_unaligned(ts_mss, sizeof(ts_mss), true,
					      &rx), XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 1);
	KUNIT_EXPECT_EQ(test, rx.tsval, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rx.tsecr, 0x80000001);
	KUNIT_EXPECT_EQ(test, rx.mss, 9000);
}

static void xtcp_opt_test_parse_sack(struct kunit *test)
{
	u8 buf[2 + 2 + 8 * XTCP_MAX_SACK_BLOCKS];
	struct xtcp_rx_options rx;
	unsigned int n, i;

	for (n = 1; n <= XTCP_MAX_SACK_BLOCKS; n++) {
		buf[0] = 1;
		buf[1] = 1;
		buf[2] = 5;
		buf[3] = 2 + 8 * n;
		for (i = 0; i < n; i++) {
			put_unaligned_be32(0x10000000 * i + 0xfffff000,
					   buf + 4 + 8 * i);
			put_unaligned_be32(0x10000000 * i + 0x1000,
					   buf + 8 + 8 * i);
		}
		memset(&rx, 0xa5, sizeof(rx));
		KUNIT_ASSERT_EQ(test, parse_unaligned(buf, 4 + 8 * n, false,
						      &rx), XTCP_OPT_OK);
		KUNIT_ASSERT_EQ(test, rx.num_sacks, n);
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_EQ(test, rx.sack[i].start,
					0x10000000 * i + 0xfffff000);
			KUNIT_EXPECT_EQ(test, rx.sack[i].end,
					0x10000000 * i + 0x1000);
		}
		KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 0);
	}
}

/* SACK lengths other than 2 + 8n, n = 1..4, are malformed. */
static void xtcp_opt_test_parse_sack_bad_len(struct kunit *test)
{
	static const u8 bad[] = { 2, 3, 9, 11, 17, 19, 33, 35, 40, 42 };
	struct xtcp_rx_options rx;
	u8 buf[44] = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		buf[0] = 5;
		buf[1] = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, xtcp_parse_options(buf, sizeof(buf),
							     false, &rx),
				    XTCP_OPT_MALFORMED, "len %u", bad[i]);
	}
}

/* Known options with the wrong length, on SYN and not. */
static void xtcp_opt_test_parse_bad_len(struct kunit *test)
{
	static const struct {
		u8 kind, len;
	} bad[] = {
		{ 2, 2 }, { 2, 3 }, { 2, 5 }, { 2, 6 },
		{ 3, 2 }, { 3, 4 },
		{ 4, 3 }, { 4, 4 },
		{ 8, 2 }, { 8, 8 }, { 8, 9 }, { 8, 11 }, { 8, 12 },
	};
	struct xtcp_rx_options rx;
	u8 buf[16] = { 0 };
	unsigned int i;
	int syn;

	for (syn = 0; syn <= 1; syn++) {
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			buf[0] = bad[i].kind;
			buf[1] = bad[i].len;
			KUNIT_EXPECT_EQ_MSG(test,
					    xtcp_parse_options(buf, sizeof(buf),
							       syn, &rx),
					    XTCP_OPT_MALFORMED,
					    "kind %u len %u syn %d",
					    bad[i].kind, bad[i].len, syn);
		}
	}
}

/* Broken structure: missing length byte, length < 2, past the end. */
static void xtcp_opt_test_parse_truncated(struct kunit *test)
{
	static const struct {
		u8 bytes[12];
		u8 len;
	} bad[] = {
		{ { 2 }, 1 },			/* MSS, no length byte */
		{ { 99 }, 1 },			/* unknown, no length byte */
		{ { 1, 1, 1, 8 }, 4 },		/* TS, no length byte */
		{ { 99, 0, 1, 1 }, 4 },		/* length 0 */
		{ { 99, 1, 1, 1 }, 4 },		/* length 1 */
		{ { 2, 0, 0, 0 }, 4 },		/* MSS, length 0 */
		{ { 99, 5, 0, 0 }, 4 },		/* unknown past the end */
		{ { 2, 4, 5, 0xb4 }, 3 },	/* MSS cut short */
		{ { 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0 }, 10 },	/* TS */
		{ { 5, 10, 0, 0, 0, 0, 0, 0, 0 }, 9 },		/* SACK */
		{ { 99, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12 },
	};
	struct xtcp_rx_options rx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, parse_unaligned(bad[i].bytes,
							  bad[i].len, true,
							  &rx),
				    XTCP_OPT_MALFORMED, "case %u", i);
}

/* EOL ends the list: whatever follows, even garbage, is not looked at. */
static void xtcp_opt_test_parse_eol(struct kunit *test)
{
	static const u8 opts[] = {
		2, 4, 0x02, 0x18,	/* MSS 536 */
		0,			/* EOL */
		8, 10, 0, 0, 0, 1, 0, 0, 0, 2,	/* not parsed */
		2, 1, 99,		/* would be malformed */
	};
	static const u8 eol_first[] = { 0, 2, 0, 1 };
	struct xtcp_rx_options rx;

	KUNIT_ASSERT_EQ(test, parse_unaligned(opts, sizeof(opts), true, &rx),
			XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, rx.mss, 536);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 0);

	KUNIT_EXPECT_EQ(test, parse_unaligned(eol_first, sizeof(eol_first),
					      true, &rx), XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, rx.mss, 0);
}

/* NOPs are skipped one byte at a time; unknown kinds by their length. */
static void xtcp_opt_test_parse_skip(struct kunit *test)
{
	static const u8 opts[] = {
		1, 1, 1,
		30, 6, 3, 2, 1, 0,	/* MPTCP-like, holds "3 2 1 0" */
		254, 2,			/* experimental, empty */
		1,
		99, 3, 8,		/* unknown, holds an 8 */
		8, 10, 0, 0, 0, 7, 0, 0, 0, 9,
		34, 2,			/* unknown, ends exactly at @len */
	};
	struct xtcp_rx_options rx;
	u8 nops[40];

	KUNIT_ASSERT_EQ(test, parse_unaligned(opts, sizeof(opts), true, &rx),
			XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 1);
	KUNIT_EXPECT_EQ(test, rx.tsval, 7);
	KUNIT_EXPECT_EQ(test, rx.tsecr, 9);
	/* The bytes inside skipped options were not taken as options. */
	KUNIT_EXPECT_EQ(test, (int)rx.wscale_ok, 0);
	KUNIT_EXPECT_EQ(test, (int)rx.sack_ok, 0);
	KUNIT_EXPECT_EQ(test, rx.mss, 0);

	memset(nops, 1, sizeof(nops));
	memset(&rx, 0xa5, sizeof(rx));
	KUNIT_EXPECT_EQ(test, xtcp_parse_options(nops, sizeof(nops), true,
						 &rx), XTCP_OPT_OK);
	KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp, 0);
	KUNIT_EXPECT_EQ(test, rx.mss, 0);
}

/* Writes @o into a canary-filled buffer; checks size and canary. */
static unsigned int write_checked(struct kunit *test, u8 *buf,
				  unsigned int buflen,
				  const struct xtcp_tx_options *o)
{
	unsigned int size = xtcp_options_size(o), n, i;

	memset(buf, 0xaa, buflen);
	n = xtcp_write_options(buf, o);
	KUNIT_EXPECT_EQ(test, n, size);
	KUNIT_EXPECT_EQ(test, n % 4, 0);
	KUNIT_EXPECT_LE(test, n, MAX_TCP_OPTION_SPACE);
	for (i = n; i < buflen; i++)
		if (buf[i] != 0xaa) {
			KUNIT_FAIL(test, "wrote byte %u past the %u reported",
				   i, n);
			break;
		}
	return n;
}

static void xtcp_opt_test_write_syn(struct kunit *test)
{
	struct xtcp_tx_options o = {
		.mss = 1460, .wscale = 7, .wscale_ok = 1, .sack_ok = 1,
		.tstamp_ok = 1, .tsval = 0x11223344, .tsecr = 0,
	};
	static const u8 mss_sack_ws[] = {
		2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7,
	};
	u8 buf[64];

	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o),
			sizeof(linux_syn));
	KUNIT_EXPECT_MEMEQ(test, buf, linux_syn, sizeof(linux_syn));

	/* Unaligned destination: same bytes. */
	KUNIT_ASSERT_EQ(test, write_checked(test, buf + 1, sizeof(buf) - 1,
					    &o), sizeof(linux_syn));
	KUNIT_EXPECT_MEMEQ(test, buf + 1, linux_syn, sizeof(linux_syn));

	/* Without timestamps, SACK-permitted gets its own word. */
	o.tstamp_ok = 0;
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o),
			sizeof(mss_sack_ws));
	KUNIT_EXPECT_MEMEQ(test, buf, mss_sack_ws, sizeof(mss_sack_ws));
}

static void xtcp_opt_test_write_single(struct kunit *test)
{
	static const u8 ts[] = {
		1, 1, 8, 10, 0xca, 0xfe, 0xba, 0xbe, 0x00, 0x01, 0x02, 0x03,
	};
	static const u8 sack_perm[] = { 1, 1, 4, 2 };
	static const u8 mss[] = { 2, 4, 0xff, 0xff };
	static const u8 ws[] = { 1, 3, 3, 14 };
	struct xtcp_tx_options o = { };
	u8 buf[64];

	KUNIT_EXPECT_EQ(test, write_checked(test, buf, sizeof(buf), &o), 0);

	o.tstamp_ok = 1;
	o.tsval = 0xcafebabe;
	o.tsecr = 0x00010203;
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o),
			sizeof(ts));
	KUNIT_EXPECT_MEMEQ(test, buf, ts, sizeof(ts));

	memset(&o, 0, sizeof(o));
	o.sack_ok = 1;
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o),
			sizeof(sack_perm));
	KUNIT_EXPECT_MEMEQ(test, buf, sack_perm, sizeof(sack_perm));

	memset(&o, 0, sizeof(o));
	o.mss = 65535;
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o),
			sizeof(mss));
	KUNIT_EXPECT_MEMEQ(test, buf, mss, sizeof(mss));

	/* A shift above 14 is never sent. */
	memset(&o, 0, sizeof(o));
	o.wscale_ok = 1;
	o.wscale = 15;
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o),
			sizeof(ws));
	KUNIT_EXPECT_MEMEQ(test, buf, ws, sizeof(ws));
}

static void fill_sacks(struct xtcp_tx_options *o, unsigned int n)
{
	unsigned int i;

	o->num_sacks = n;
	for (i = 0; i < XTCP_MAX_SACK_BLOCKS; i++) {
		o->sack[i].start = 0x01020304 + 0x11111111 * i;
		o->sack[i].end = 0x05060708 + 0x11111111 * i;
	}
}

static void xtcp_opt_test_write_sack(struct kunit *test)
{
	static const u8 ts_3sacks[40] = {
		1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6,
		1, 1, 5, 26,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
		0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
	};
	struct xtcp_tx_options o = { .tstamp_ok = 1, .tsval = 5, .tsecr = 6 };
	u8 buf[64];
	unsigned int n;

	/* TS + 4 blocks would be 48 bytes: the fourth is dropped. */
	fill_sacks(&o, 4);
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o), 40);
	KUNIT_EXPECT_MEMEQ(test, buf, ts_3sacks, sizeof(ts_3sacks));
	fill_sacks(&o, 3);
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o), 40);
	KUNIT_EXPECT_MEMEQ(test, buf, ts_3sacks, sizeof(ts_3sacks));

	/* One block after TS. */
	fill_sacks(&o, 1);
	KUNIT_ASSERT_EQ(test, write_checked(test, buf, sizeof(buf), &o), 24);
	KUNIT_EXPECT_MEMEQ(test, buf, ts_3sacks, 12);
	KUNIT_EXPECT_EQ(test, buf[15], 10);
	KUNIT_EXPECT_MEMEQ(test, buf + 12, ts_3sacks + 12, 3);
	KUNIT_EXPECT_MEMEQ(test, buf + 16, ts_3sacks + 16, 8);

	/* No TS: all 4 blocks fit, 36 bytes. */
	memset(&o, 0, sizeof(o));
	for (n = 0; n <= XTCP_MAX_SACK_BLOCKS; n++) {
		fill_sacks(&o, n);
		KUNIT_ASSERT_EQ(test,
				write_checked(test, buf, sizeof(buf), &o),
				n ? 4 + 8 * n : 0);
		if (!n)
			continue;
		KUNIT_EXPECT_EQ(test, buf[0], 1);
		KUNIT_EXPECT_EQ(test, buf[1], 1);
		KUNIT_EXPECT_EQ(test, buf[2], 5);
		KUNIT_EXPECT_EQ(test, buf[3], 2 + 8 * n);
		KUNIT_EXPECT_EQ(test, get_unaligned_be32(buf + 4 + 8 * (n - 1)),
				0x01020304 + 0x11111111 * (n - 1));
		KUNIT_EXPECT_EQ(test, get_unaligned_be32(buf + 8 + 8 * (n - 1)),
				0x05060708 + 0x11111111 * (n - 1));
	}

	/* A bogus count is capped at what exists and what fits. */
	fill_sacks(&o, 200);
	KUNIT_EXPECT_EQ(test, write_checked(test, buf, sizeof(buf), &o), 36);

	/* MSS + TS + WS = 20 bytes, leaving room for 2 blocks. */
	o.mss = 1460;
	o.tstamp_ok = 1;
	o.wscale_ok = 1;
	fill_sacks(&o, 4);
	KUNIT_EXPECT_EQ(test, write_checked(test, buf, sizeof(buf), &o), 40);
	KUNIT_EXPECT_EQ(test, buf[23], 18);
}

/*
 * Every combination: size equals what is written, and parsing the
 * result gives the values back (SACK blocks: those that fit).
 */
static void xtcp_opt_test_roundtrip(struct kunit *test)
{
	struct xtcp_tx_options o;
	struct xtcp_rx_options rx;
	unsigned int flags, n, i, len, fit;
	u8 buf[1 + 64] __aligned(8);
	int syn;

	for (flags = 0; flags < 16; flags++) {
		for (n = 0; n <= XTCP_MAX_SACK_BLOCKS + 1; n++) {
			memset(&o, 0, sizeof(o));
			o.mss = flags & 1 ? 1400 + flags : 0;
			o.wscale_ok = !!(flags & 2);
			o.wscale = o.wscale_ok ? flags - 1 : 0;	/* <= 14 */
			o.sack_ok = !!(flags & 4);
			o.tstamp_ok = !!(flags & 8);
			o.tsval = o.tstamp_ok ? 0x80000000 | flags : 0;
			o.tsecr = o.tstamp_ok ? 0x7fffffff - n : 0;
			fill_sacks(&o, n);

			len = write_checked(test, buf + 1, sizeof(buf) - 1,
					    &o);
			fit = (MAX_TCP_OPTION_SPACE - xtcp_fixed_size(&o) - 4) /
			      8;
			fit = min3(fit, n, XTCP_MAX_SACK_BLOCKS);
			KUNIT_EXPECT_EQ(test, len,
					xtcp_fixed_size(&o) +
					(fit ? 4 + 8 * fit : 0));

			for (syn = 0; syn <= 1; syn++) {
				KUNIT_ASSERT_EQ(test,
						xtcp_parse_options(buf + 1, len,
								   syn, &rx),
						XTCP_OPT_OK);
				KUNIT_EXPECT_EQ(test, rx.mss, syn ? o.mss : 0);
				KUNIT_EXPECT_EQ(test, (int)rx.wscale_ok,
						syn ? o.wscale_ok : 0);
				KUNIT_EXPECT_EQ(test, rx.wscale,
						syn ? o.wscale : 0);
				KUNIT_EXPECT_EQ(test, (int)rx.sack_ok,
						syn ? o.sack_ok : 0);
				KUNIT_EXPECT_EQ(test, (int)rx.saw_tstamp,
						(int)o.tstamp_ok);
				KUNIT_EXPECT_EQ(test, rx.tsval, o.tsval);
				KUNIT_EXPECT_EQ(test, rx.tsecr, o.tsecr);
				KUNIT_ASSERT_EQ(test, rx.num_sacks, fit);
				for (i = 0; i < fit; i++) {
					KUNIT_EXPECT_EQ(test, rx.sack[i].start,
							o.sack[i].start);
					KUNIT_EXPECT_EQ(test, rx.sack[i].end,
							o.sack[i].end);
				}
			}
		}
	}
}

/* Linux's choice, for comparison: see window.c. */
static u8 linux_wscale(u32 space)
{
	return clamp_t(int, space ? ilog2(space) - 15 : 0, 0, 14);
}

static void xtcp_win_test_wscale_table(struct kunit *test)
{
	static const struct {
		u32 space;
		u8 shift;
	} cases[] = {
		{ 0, 0 }, { 1, 0 }, { 65535, 0 }, { 65536, 1 },
		{ 131070, 1 }, { 131071, 2 }, { 131072, 2 },
		{ 1 << 20, 5 }, { 6291456, 7 },	/* tcp_rmem[2] default */
		{ 65535U << 14, 14 }, { (65535U << 14) + 1, 14 },
		{ 1U << 30, 14 }, { 1U << 31, 14 }, { U32_MAX, 14 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_select_wscale(cases[i].space),
				    cases[i].shift, "space %u",
				    cases[i].space);
}

/* The smallest shift that covers @space, for spaces around each step. */
static void xtcp_win_test_wscale_minimal(struct kunit *test)
{
	static const s32 deltas[] = { -65536, -2, -1, 0, 1, 2, 65536 };
	unsigned int s, d;

	for (s = 0; s <= 14; s++) {
		for (d = 0; d < ARRAY_SIZE(deltas); d++) {
			u64 edge = (u64)U16_MAX << s;
			s64 sp = (s64)edge + deltas[d];
			u32 space;
			u8 got;

			if (sp < 0 || sp > U32_MAX)
				continue;
			space = sp;
			got = xtcp_select_wscale(space);
			KUNIT_EXPECT_LE(test, got, 14);
			if (got < 14)
				KUNIT_EXPECT_GE_MSG(test, (u64)U16_MAX << got,
						    (u64)space, "space %u",
						    space);
			if (got > 0)
				KUNIT_EXPECT_LT_MSG(test,
						    (u64)U16_MAX << (got - 1),
						    (u64)space, "space %u",
						    space);
			/* Linux is never higher, and at most one lower. */
			KUNIT_EXPECT_LE(test, linux_wscale(space), got);
			KUNIT_EXPECT_GE(test, linux_wscale(space) + 1, got);
		}
	}
}

static void xtcp_win_test_initial_wnd(struct kunit *test)
{
	static const struct {
		u32 space, mss, wnd;
	} cases[] = {
		{ 0, 1460, 0 },
		{ 1000, 1460, 1000 },	/* below one MSS: not rounded to 0 */
		{ 1460, 1460, 1460 },
		{ 1461, 1460, 1460 },
		{ 2919, 1460, 1460 },
		{ 2920, 1460, 2920 },
		{ 65535, 1460, 64240 },
		{ 1 << 20, 1460, 64240 },
		{ U32_MAX, 536, 65392 },
		{ 1 << 20, 0, 65535 },
		{ 50001, 0, 50001 },
		{ 1 << 20, 65535, 65535 },
		{ 1 << 20, 70000, 65535 },
		{ 100, 1, 100 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_initial_rcv_wnd(cases[i].space,
							 cases[i].mss),
				    cases[i].wnd, "space %u mss %u",
				    cases[i].space, cases[i].mss);
}

static void xtcp_win_test_initial_wnd_props(struct kunit *test)
{
	static const u32 spaces[] = {
		0, 1, 535, 536, 537, 1459, 1460, 1461, 8192, 65534, 65535,
		65536, 87380, 131072, 6291456, U32_MAX,
	};
	static const u32 msses[] = { 0, 1, 88, 536, 1220, 1448, 1460, 8960 };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(spaces); i++) {
		for (j = 0; j < ARRAY_SIZE(msses); j++) {
			u32 space = spaces[i], mss = msses[j];
			u32 cap = min_t(u32, space, U16_MAX);
			u32 w = xtcp_initial_rcv_wnd(space, mss);

			KUNIT_EXPECT_LE(test, w, cap);
			if (!mss || cap <= mss) {
				KUNIT_EXPECT_EQ(test, w, cap);
				continue;
			}
			KUNIT_EXPECT_EQ_MSG(test, w % mss, 0,
					    "space %u mss %u", space, mss);
			KUNIT_EXPECT_GE(test, w, mss);
			KUNIT_EXPECT_GT(test, w + mss, cap);
		}
	}
}

static struct kunit_case xtcp_options_test_cases[] = {
	KUNIT_CASE(xtcp_opt_test_parse_empty),
	KUNIT_CASE(xtcp_opt_test_parse_syn),
	KUNIT_CASE(xtcp_opt_test_parse_syn_only),
	KUNIT_CASE(xtcp_opt_test_parse_wscale),
	KUNIT_CASE(xtcp_opt_test_parse_tstamp),
	KUNIT_CASE(xtcp_opt_test_parse_sack),
	KUNIT_CASE(xtcp_opt_test_parse_sack_bad_len),
	KUNIT_CASE(xtcp_opt_test_parse_bad_len),
	KUNIT_CASE(xtcp_opt_test_parse_truncated),
	KUNIT_CASE(xtcp_opt_test_parse_eol),
	KUNIT_CASE(xtcp_opt_test_parse_skip),
	KUNIT_CASE(xtcp_opt_test_write_syn),
	KUNIT_CASE(xtcp_opt_test_write_single),
	KUNIT_CASE(xtcp_opt_test_write_sack),
	KUNIT_CASE(xtcp_opt_test_roundtrip),
	{}
};

static struct kunit_suite xtcp_options_test_suite = {
	.name		= "xtcp_options",
	.test_cases	= xtcp_options_test_cases,
};

static struct kunit_case xtcp_window_test_cases[] = {
	KUNIT_CASE(xtcp_win_test_wscale_table),
	KUNIT_CASE(xtcp_win_test_wscale_minimal),
	KUNIT_CASE(xtcp_win_test_initial_wnd),
	KUNIT_CASE(xtcp_win_test_initial_wnd_props),
	{}
};

static struct kunit_suite xtcp_window_test_suite = {
	.name		= "xtcp_window",
	.test_cases	= xtcp_window_test_cases,
};

kunit_test_suites(&xtcp_options_test_suite, &xtcp_window_test_suite);
