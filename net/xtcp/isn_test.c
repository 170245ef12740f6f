// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xtcp's initial sequence numbers (isn.c), compiled
 * into xtcp_test.ko by including isn.c here.
 *
 * M is the real-time clock, which the test cannot stop, so results are
 * checked against clock readings taken just before and just after: an
 * ISN computed between readings t0 and t1 has M in [t0, t1], modulo
 * 2^32.
 */
#include "isn.c"

#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/delay.h>
#include <linux/in6.h>
#include <linux/string.h>

/* Is @x in [@lo, @hi] on the 2^32 circle? */
static bool on_arc(u32 x, u32 lo, u32 hi)
{
	return x - lo <= hi - lo;
}

struct v4_tuple {
	__be32 saddr, daddr;
	__be16 sport, dport;
};

/* A tuple and variations of it in one field each, or in direction. */
static const struct v4_tuple v4_tuples[] = {
	{ htonl(0xc0a80001), htonl(0xc0a80002), htons(40000), htons(80) },
	{ htonl(0xc0a80003), htonl(0xc0a80002), htons(40000), htons(80) },
	{ htonl(0xc0a80001), htonl(0x0a000002), htons(40000), htons(80) },
	{ htonl(0xc0a80001), htonl(0xc0a80002), htons(40001), htons(80) },
	{ htonl(0xc0a80001), htonl(0xc0a80002), htons(40000), htons(81) },
	{ htonl(0xc0a80002), htonl(0xc0a80001), htons(80), htons(40000) },
	{ htonl(0xc0a80001), htonl(0xc0a80002), htons(80), htons(40000) },
	{ 0, 0, 0, 0 },
};

static u32 hash_of(const struct v4_tuple *t)
{
	return xtcp_isn_hash_v4(t->saddr, t->daddr, t->sport, t->dport);
}

/* The key is drawn on first use, and is not left all zero. */
static void xtcp_isn_test_key(struct kunit *test)
{
	static const siphash_key_t zero;

	hash_of(&v4_tuples[0]);
	KUNIT_EXPECT_NE(test, memcmp(&xtcp_isn_key, &zero, sizeof(zero)), 0);
}

static void xtcp_isn_test_hash_stable(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(v4_tuples); i++) {
		u32 h = hash_of(&v4_tuples[i]);

		for (j = 0; j < 3; j++)
			KUNIT_EXPECT_EQ_MSG(test, hash_of(&v4_tuples[i]), h,
					    "tuple %u", i);
	}
}

/*
 * Different tuples, even one bit or one direction apart, hash apart (a
 * false failure needs a 32-bit collision: about 1 in 10^8 here).
 */
static void xtcp_isn_test_hash_distinct(struct kunit *test)
{
	u32 h[ARRAY_SIZE(v4_tuples) + 64];
	unsigned int i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(v4_tuples); i++)
		h[n++] = hash_of(&v4_tuples[i]);
	/* Consecutive ports, as an ephemeral port allocator gives. */
	for (i = 0; i < 64; i++)
		h[n++] = xtcp_isn_hash_v4(v4_tuples[0].saddr,
					  v4_tuples[0].daddr,
					  htons(32768 + i), htons(443));
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			KUNIT_EXPECT_NE_MSG(test, h[i], h[j], "%u and %u",
					    i, j);
}

/* ISN = F + M: the ISN minus the hash is the clock. */
static void xtcp_isn_test_v4_clock(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v4_tuples); i++) {
		const struct v4_tuple *t = &v4_tuples[i];
		u32 f = hash_of(t), t0, t1, isn;

		t0 = xtcp_isn_clock();
		isn = xtcp_isn_v4(t->saddr, t->daddr, t->sport, t->dport);
		t1 = xtcp_isn_clock();
		KUNIT_EXPECT_TRUE_MSG(test, on_arc(isn - f, t0, t1),
				      "tuple %u: isn %#x f %#x clock %#x..%#x",
				      i, isn, f, t0, t1);
	}
}

/* Over a sleep, the ISN of one tuple moves forward by the clock. */
static void xtcp_isn_test_v4_increases(struct kunit *test)
{
	const struct v4_tuple *t = &v4_tuples[0];
	u32 t0, t1, t2, t3, i1, i2;

	t0 = xtcp_isn_clock();
	i1 = xtcp_isn_v4(t->saddr, t->daddr, t->sport, t->dport);
	t1 = xtcp_isn_clock();
	usleep_range(2000, 3000);
	t2 = xtcp_isn_clock();
	i2 = xtcp_isn_v4(t->saddr, t->daddr, t->sport, t->dport);
	t3 = xtcp_isn_clock();

	/* 2 ms is 31250 ticks of 64 ns. */
	KUNIT_EXPECT_GT(test, (s32)(i2 - i1), 2000000 / 64 - 1);
	KUNIT_EXPECT_TRUE_MSG(test, on_arc(i2 - i1, t2 - t1, t3 - t0),
			      "i2 - i1 = %u, clock %u..%u", i2 - i1, t2 - t1,
			      t3 - t0);
}

static void v6_addr(struct in6_addr *a, u32 w0, u32 w3)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr32[0] = htonl(w0);
	a->s6_addr32[3] = htonl(w3);
}

struct v6_tuple {
	struct in6_addr saddr, daddr;
	__be16 sport, dport;
};

static void v6_tuples_init(struct v6_tuple *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		v6_addr(&t[i].saddr, 0x20010db8, 1);
		v6_addr(&t[i].daddr, 0x20010db8, 2);
		t[i].sport = htons(40000);
		t[i].dport = htons(80);
	}
	t[1].saddr.s6_addr[15] ^= 0x80;		/* last bit of saddr */
	t[2].daddr.s6_addr[0] ^= 1;		/* first byte of daddr */
	t[3].sport = htons(40001);
	t[4].dport = htons(81);
	t[5].saddr = t[0].daddr;		/* the other direction */
	t[5].daddr = t[0].saddr;
	t[5].sport = t[0].dport;
	t[5].dport = t[0].sport;
	t[6].saddr.s6_addr[8] = 1;		/* a middle word */
}

/* F of a v6 tuple is [isn - t1, isn - t0]: stable and distinct. */
static void xtcp_isn_test_v6(struct kunit *test)
{
	struct v6_tuple t[7];
	u32 isn[ARRAY_SIZE(t)][2], t0, t1, span;
	unsigned int i, j, k;

	v6_tuples_init(t, ARRAY_SIZE(t));
	t0 = xtcp_isn_clock();
	for (k = 0; k < 2; k++)
		for (i = 0; i < ARRAY_SIZE(t); i++)
			isn[i][k] = xtcp_isn_v6(&t[i].saddr, &t[i].daddr,
						t[i].sport, t[i].dport);
	t1 = xtcp_isn_clock();
	span = t1 - t0;

	/* Same tuple: the ISNs differ only by the clock between them. */
	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_LE_MSG(test, isn[i][1] - isn[i][0], span,
				    "tuple %u", i);

	/*
	 * Different tuples: farther apart than the clock can explain (a
	 * false failure is a near-collision: odds (2 * span + 1) / 2^32).
	 */
	for (i = 0; i < ARRAY_SIZE(t); i++)
		for (j = i + 1; j < ARRAY_SIZE(t); j++)
			KUNIT_EXPECT_FALSE_MSG(test,
					       on_arc(isn[i][0] - isn[j][0] +
							span, 0, 2 * span),
					       "tuples %u and %u", i, j);
}

/* The v6 ISN also moves forward with the clock. */
static void xtcp_isn_test_v6_increases(struct kunit *test)
{
	struct v6_tuple t[7];
	u32 t0, t1, t2, t3, i1, i2;

	v6_tuples_init(t, ARRAY_SIZE(t));
	t0 = xtcp_isn_clock();
	i1 = xtcp_isn_v6(&t[0].saddr, &t[0].daddr, t[0].sport, t[0].dport);
	t1 = xtcp_isn_clock();
	usleep_range(2000, 3000);
	t2 = xtcp_isn_clock();
	i2 = xtcp_isn_v6(&t[0].saddr, &t[0].daddr, t[0].sport, t[0].dport);
	t3 = xtcp_isn_clock();

	KUNIT_EXPECT_GT(test, (s32)(i2 - i1), 2000000 / 64 - 1);
	KUNIT_EXPECT_TRUE(test, on_arc(i2 - i1, t2 - t1, t3 - t0));
}

/* M really is real time in 64 ns units. */
static void xtcp_isn_test_clock(struct kunit *test)
{
	u64 ns0, ns1;
	u32 m;

	ns0 = ktime_get_real_ns();
	m = xtcp_isn_clock();
	ns1 = ktime_get_real_ns();
	KUNIT_EXPECT_TRUE(test, on_arc(m, (u32)(ns0 >> 6), (u32)(ns1 >> 6)));
}

static struct kunit_case xtcp_isn_test_cases[] = {
	KUNIT_CASE(xtcp_isn_test_key),
	KUNIT_CASE(xtcp_isn_test_hash_stable),
	KUNIT_CASE(xtcp_isn_test_hash_distinct),
	KUNIT_CASE(xtcp_isn_test_clock),
	KUNIT_CASE(xtcp_isn_test_v4_clock),
	KUNIT_CASE(xtcp_isn_test_v4_increases),
	KUNIT_CASE(xtcp_isn_test_v6),
	KUNIT_CASE(xtcp_isn_test_v6_increases),
	{}
};

static struct kunit_suite xtcp_isn_test_suite = {
	.name		= "xtcp_isn",
	.test_cases	= xtcp_isn_test_cases,
};

kunit_test_suite(xtcp_isn_test_suite);
