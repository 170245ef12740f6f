// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xtcp's sequence-number arithmetic (seq.h).
 *
 * Built into xtcp_test.ko, which needs no xtcp.ko: seq.h is header-only.
 * Run with e.g. "insmod xtcp_test.ko" on a kernel with CONFIG_KUNIT, or
 * through kunit.py.
 */
#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/limits.h>
#include <linux/module.h>

#include "seq.h"

/* Numbers where signed or unsigned 32-bit arithmetic changes behaviour. */
static const u32 seq_bases[] = {
	0, 1, 0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001,
	0xfffffffe, 0xffffffff, 0x12345678,
};

/* Forward distances that are unambiguous: 1 .. 2^31 - 1. */
static const u32 seq_steps[] = {
	1, 2, 0xffff, 0x10000, 0x3fffffff, 0x40000000, 0x7ffffffe, 0x7fffffff,
};

static void xtcp_seq_test_basic(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(1, 2));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(2, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(2, 1));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_after(1, 2));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(1000, 1000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(1000000, 1000));
}

/* A number is neither before nor after itself. */
static void xtcp_seq_test_equal(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seq_bases); i++) {
		u32 a = seq_bases[i];

		KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_before(a, a), "a=%#x", a);
		KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_after(a, a), "a=%#x", a);
		KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_between(a, a, a),
				      "a=%#x", a);
		KUNIT_EXPECT_EQ(test, xtcp_seq_min(a, a), a);
		KUNIT_EXPECT_EQ(test, xtcp_seq_max(a, a), a);
	}
}

/* 0xffffffff -> 0 is one step forward, not 2^32 - 1 steps back. */
static void xtcp_seq_test_wrap(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xffffffff, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(0, 0xffffffff));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_after(0xffffffff, 0));

	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x10, 0xfffffff0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(0x10, 0xfffffff0));

	KUNIT_EXPECT_EQ(test, xtcp_seq_min(0xffffffff, 1), 0xffffffffU);
	KUNIT_EXPECT_EQ(test, xtcp_seq_min(1, 0xffffffff), 0xffffffffU);
	KUNIT_EXPECT_EQ(test, xtcp_seq_max(0xffffffff, 1), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_seq_max(1, 0xffffffff), 1U);
}

/*
 * Up to 2^31 - 1 steps ahead is "after"; exactly 2^31 is ambiguous (see
 * seq.h); 2^31 + 1 steps ahead is really 2^31 - 1 steps behind.
 */
static void xtcp_seq_test_half_space(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0, 0x7fffffff));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(0x7fffffff, 0));

	/* The documented ambiguity: both orders say "before". */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0, 0x80000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x80000000, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0, 0x80000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x80000000, 0));
	KUNIT_EXPECT_EQ(test, xtcp_seq_min(0, 0x80000000), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_seq_min(0x80000000, 0), 0x80000000U);
	KUNIT_EXPECT_EQ(test, xtcp_seq_max(0, 0x80000000), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_seq_max(0x80000000, 0), 0x80000000U);

	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(0, 0x80000001));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0, 0x80000001));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x80000001, 0));

	/* The same around the signed overflow point; 0x7fffffff and
	 * 0xffffffff are exactly 2^31 apart.
	 */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x7fffffff, 0x80000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x80000000, 0x7fffffff));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x7fffffff, 0xfffffffe));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(0xfffffffe, 0x7fffffff));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x7fffffff, 0xffffffff));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xffffffff, 0x7fffffff));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(0x7fffffff, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x7fffffff, 0));
}

/* For every base and unambiguous step: b < b + d, whatever wraps. */
static void xtcp_seq_test_all_bases(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(seq_bases); i++) {
		for (j = 0; j < ARRAY_SIZE(seq_steps); j++) {
			u32 a = seq_bases[i];
			u32 b = a + seq_steps[j];

			KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_before(a, b),
					      "a=%#x b=%#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_before(b, a),
					       "a=%#x b=%#x", a, b);
			KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_after(b, a),
					      "a=%#x b=%#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_after(a, b),
					       "a=%#x b=%#x", a, b);
			KUNIT_EXPECT_EQ(test, xtcp_seq_min(a, b), a);
			KUNIT_EXPECT_EQ(test, xtcp_seq_min(b, a), a);
			KUNIT_EXPECT_EQ(test, xtcp_seq_max(a, b), b);
			KUNIT_EXPECT_EQ(test, xtcp_seq_max(b, a), b);

			/* [a, b] holds its ends and middle, not its
			 * neighbours.
			 */
			KUNIT_EXPECT_TRUE(test, xtcp_seq_between(a, a, b));
			KUNIT_EXPECT_TRUE(test, xtcp_seq_between(b, a, b));
			KUNIT_EXPECT_TRUE(test,
					  xtcp_seq_between(a + seq_steps[j] / 2,
							   a, b));
			KUNIT_EXPECT_FALSE_MSG(test,
					       xtcp_seq_between(a - 1, a, b),
					       "a=%#x b=%#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test,
					       xtcp_seq_between(b + 1, a, b),
					       "a=%#x b=%#x", a, b);
			/* [b, a] is the complement plus the two ends. */
			KUNIT_EXPECT_TRUE(test, xtcp_seq_between(a, b, a));
			KUNIT_EXPECT_TRUE(test, xtcp_seq_between(b, b, a));
			if (seq_steps[j] >= 2)
				KUNIT_EXPECT_FALSE_MSG(test,
						       xtcp_seq_between(a + 1,
									b, a),
						       "a=%#x b=%#x", a, b);
		}
	}
}

static void xtcp_seq_test_between(struct kunit *test)
{
	/* Plain range, no wrap. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(5, 1, 10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(1, 1, 10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(10, 1, 10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0, 1, 10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(11, 1, 10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0xffffffff, 1, 10));

	/* Range that wraps past 0xffffffff. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xfffffff0, 0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xffffffff, 0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0, 0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0x10, 0xfffffff0, 0x10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0x11, 0xfffffff0, 0x10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0xffffffef, 0xfffffff0, 0x10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0x80000000, 0xfffffff0, 0x10));

	/* Order of the bounds matters: [10, 1] is everything but 2..9. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(5, 10, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0, 10, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0x80000000, 10, 1));

	/* One-number range. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(7, 7, 7));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(6, 7, 7));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(8, 7, 7));

	/* Ranges of 2^31 and more: no ambiguity, unlike before/after. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0x80000000, 0, 0x80000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0x40000000, 0, 0x80000000));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0x80000001, 0, 0x80000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xc0000000, 0, 0xf0000000));

	/* high == low - 1: the whole space. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0, 1, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(1, 1, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0x80000000, 1, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xffffffff, 1, 0));
}

/* PAWS acceptance (RFC 7323 5, with Linux's tolerances). */
static void xtcp_seq_test_paws(struct kunit *test)
{
	const s64 day = 24 * 3600, wrap = 2147;	/* TCP_PAWS_WRAP, s */

	/* Newer or equal TSval: accepted, across the wrap too. */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(100, 100, 10, 10, 0, wrap));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(101, 100, 10, 10, 0, wrap));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(5, 0xfffffff0, 10, 10, 0, wrap));
	/* One tick behind: only inside the replay window of 1. */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(99, 100, 10, 10, 0, wrap));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(99, 100, 10, 10, 1, wrap));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(98, 100, 10, 10, 1, wrap));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(0xffffffff, 0, 10, 10, 1, wrap));
	/* Far behind: rejected, unless TS.Recent went stale. */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(1, 0x7fff0000, 10, 10, 1, wrap));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(1, 1000, 10, 10 + wrap - 1, 1,
					      wrap));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(1, 1000, 10, 10 + wrap, 1, wrap));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(1, 1000, 10, 10 + 25 * day, 1,
					     wrap));
	/* A TS.Recent of 0 (TSval 0 in a handshake) rejects nothing. */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(0x90000000, 0, 10, 10, 0, wrap));
}

static struct kunit_case xtcp_seq_test_cases[] = {
	KUNIT_CASE(xtcp_seq_test_basic),
	KUNIT_CASE(xtcp_seq_test_equal),
	KUNIT_CASE(xtcp_seq_test_wrap),
	KUNIT_CASE(xtcp_seq_test_half_space),
	KUNIT_CASE(xtcp_seq_test_all_bases),
	KUNIT_CASE(xtcp_seq_test_between),
	KUNIT_CASE(xtcp_seq_test_paws),
	{}
};

static struct kunit_suite xtcp_seq_test_suite = {
	.name		= "xtcp_seq",
	.test_cases	= xtcp_seq_test_cases,
};

kunit_test_suite(xtcp_seq_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xtcp sequence-number arithmetic");
