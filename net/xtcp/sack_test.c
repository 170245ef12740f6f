// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xtcp's SACK block logic (sack.c), compiled into
 * xtcp_test.ko by including sack.c here.
 */
#include "sack.c"

#include <kunit/test.h>
#include <linux/array_size.h>

#define B(s, e)	((struct xtcp_sack_block){ (s), (e) })

/* RFC 2883 4: below the ACK, or inside the second block. */
static void xtcp_sack_test_dsack(struct kunit *test)
{
	struct xtcp_sack_block b[2];

	b[0] = B(1000, 2000);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(b, 1, 3000));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(b, 1, 1000));
	/* RFC 2883 4.2 example: D-SACK inside a SACK block above. */
	b[0] = B(5000, 5500);
	b[1] = B(4500, 6000);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(b, 2, 4000));
	b[1] = B(6000, 7000);
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(b, 2, 4000));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(b, 0, 4000));
	/* Across the sequence wrap. */
	b[0] = B(0xfffffc00, 0xfffffe00);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(b, 1, 0x100));
}

/* Blocks come back ascending, merged, clipped to the ACK; junk goes. */
static void xtcp_sack_test_sanitize(struct kunit *test)
{
	struct xtcp_sack_block in[4] = {
		B(7000, 8000), B(3000, 4000), B(3500, 5000), B(9000, 9500),
	};
	struct xtcp_sack_in out;

	xtcp_sack_sanitize(in, 4, 2000, 10000, 65535, &out);
	KUNIT_EXPECT_FALSE(test, out.dsack);
	KUNIT_ASSERT_EQ(test, out.n, 3);
	KUNIT_EXPECT_EQ(test, out.blk[0].start, 3000U);
	KUNIT_EXPECT_EQ(test, out.blk[0].end, 5000U);
	KUNIT_EXPECT_EQ(test, out.blk[1].start, 7000U);
	KUNIT_EXPECT_EQ(test, out.blk[2].end, 9500U);

	/* Beyond SND.NXT, reversed, empty: dropped.  Straddling the ACK:
	 * clipped.
	 */
	in[0] = B(9000, 11000);
	in[1] = B(6000, 5000);
	in[2] = B(6000, 6000);
	in[3] = B(1500, 2500);
	xtcp_sack_sanitize(in, 4, 2000, 10000, 65535, &out);
	KUNIT_ASSERT_EQ(test, out.n, 1);
	KUNIT_EXPECT_EQ(test, out.blk[0].start, 2000U);
	KUNIT_EXPECT_EQ(test, out.blk[0].end, 2500U);
}

/* The D-SACK block is reported apart from the SACK blocks. */
static void xtcp_sack_test_sanitize_dsack(struct kunit *test)
{
	struct xtcp_sack_block in[3] = {
		B(1000, 1500), B(3000, 4000), B(5000, 6000),
	};
	struct xtcp_sack_in out;

	xtcp_sack_sanitize(in, 3, 2000, 10000, 65535, &out);
	KUNIT_EXPECT_TRUE(test, out.dsack);
	KUNIT_EXPECT_EQ(test, out.dsack_blk.start, 1000U);
	KUNIT_EXPECT_EQ(test, out.dsack_blk.end, 1500U);
	KUNIT_ASSERT_EQ(test, out.n, 2);
	KUNIT_EXPECT_EQ(test, out.blk[0].start, 3000U);

	/* A "D-SACK" a window below the ACK is stale: ignored. */
	in[0] = B(1000, 1500);
	xtcp_sack_sanitize(in, 1, 100000, 110000, 65535, &out);
	KUNIT_EXPECT_FALSE(test, out.dsack);
	KUNIT_EXPECT_EQ(test, out.n, 0);
}

/* Only whole segments of an skb are covered. */
static void xtcp_sack_test_cover(struct kunit *test)
{
	struct xtcp_sack_block b = B(2000, 5000);
	u32 from, to;

	/* skb [1000, 7000), MSS 1000: segments 2000..5000 covered. */
	KUNIT_ASSERT_TRUE(test, xtcp_sack_cover(1000, 7000, &b, 1000,
						&from, &to));
	KUNIT_EXPECT_EQ(test, from, 2000U);
	KUNIT_EXPECT_EQ(test, to, 5000U);
	/* Edges inside segments: rounded inwards. */
	b = B(1500, 4500);
	KUNIT_ASSERT_TRUE(test, xtcp_sack_cover(1000, 7000, &b, 1000,
						&from, &to));
	KUNIT_EXPECT_EQ(test, from, 2000U);
	KUNIT_EXPECT_EQ(test, to, 4000U);
	/* Less than a segment: nothing. */
	b = B(1200, 1800);
	KUNIT_EXPECT_FALSE(test, xtcp_sack_cover(1000, 7000, &b, 1000,
						 &from, &to));
	/* The skb's own end counts even if not a multiple of the MSS. */
	b = B(6000, 9000);
	KUNIT_ASSERT_TRUE(test, xtcp_sack_cover(1000, 6500, &b, 1000,
						&from, &to));
	KUNIT_EXPECT_EQ(test, from, 6000U);
	KUNIT_EXPECT_EQ(test, to, 6500U);
	/* Disjoint. */
	b = B(8000, 9000);
	KUNIT_EXPECT_FALSE(test, xtcp_sack_cover(1000, 7000, &b, 1000,
						 &from, &to));
	/* Wrapping sequence space. */
	b = B(0xfffffc00, 0x400);
	KUNIT_ASSERT_TRUE(test, xtcp_sack_cover(0xfffff800, 0x800, &b, 0x400,
						&from, &to));
	KUNIT_EXPECT_EQ(test, from, 0xfffffc00U);
	KUNIT_EXPECT_EQ(test, to, 0x400U);
}

/* Receiver: the duplicate part of a segment (RFC 2883 4). */
static void xtcp_sack_test_dsack_block(struct kunit *test)
{
	struct xtcp_sack_block b;

	KUNIT_ASSERT_TRUE(test, xtcp_dsack_block(1000, 2000, 5000, &b));
	KUNIT_EXPECT_EQ(test, b.start, 1000U);
	KUNIT_EXPECT_EQ(test, b.end, 2000U);
	/* Partly new: only the old part. */
	KUNIT_ASSERT_TRUE(test, xtcp_dsack_block(4000, 6000, 5000, &b));
	KUNIT_EXPECT_EQ(test, b.end, 5000U);
	/* Nothing old. */
	KUNIT_EXPECT_FALSE(test, xtcp_dsack_block(5000, 6000, 5000, &b));
	KUNIT_EXPECT_FALSE(test, xtcp_dsack_block(4000, 4000, 5000, &b));
}

static struct kunit_case xtcp_sack_test_cases[] = {
	KUNIT_CASE(xtcp_sack_test_dsack),
	KUNIT_CASE(xtcp_sack_test_sanitize),
	KUNIT_CASE(xtcp_sack_test_sanitize_dsack),
	KUNIT_CASE(xtcp_sack_test_cover),
	KUNIT_CASE(xtcp_sack_test_dsack_block),
	{}
};

static struct kunit_suite xtcp_sack_test_suite = {
	.name		= "xtcp_sack",
	.test_cases	= xtcp_sack_test_cases,
};

kunit_test_suite(xtcp_sack_test_suite);
