// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xtcp's SYN cookies (syncookie.c), compiled into
 * xtcp_test.ko by including syncookie.c here.
 *
 * Most cases use fixed keys, so that every result is reproducible: a
 * wrong cookie is accepted by chance with probability 4 / 2^24, and with
 * fixed keys "by chance" is the same on every run.
 */
#include "syncookie.c"

#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/module.h>

static const struct xtcp_cookie_keys test_keys = {
	.k = {
		{ .key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL } },
		{ .key = { 0x1716151413121110ULL, 0x1f1e1d1c1b1a1918ULL } },
	},
};

static const struct in6_addr v6_a = {
	.s6_addr32 = { htonl(0xfd000008), 0, 0, htonl(9) } };
static const struct in6_addr v6_b = {
	.s6_addr32 = { htonl(0xfd000008), 0, 0, htonl(1) } };

/* A few flows of each family. */
static void test_flows(struct xtcp_cookie_flow *f, unsigned int *n)
{
	xtcp_cookie_flow_v4(&f[0], htonl(0x0a080009), htonl(0x0a080001),
			    htons(40000), htons(80));
	xtcp_cookie_flow_v4(&f[1], htonl(0xc0a80002), htonl(0xc0a80001),
			    htons(1), htons(65535));
	xtcp_cookie_flow_v4(&f[2], 0, 0, 0, 0);
	xtcp_cookie_flow_v6(&f[3], &v6_a, &v6_b, htons(40000), htons(80));
	xtcp_cookie_flow_v6(&f[4], &v6_b, &v6_a, htons(2), htons(443));
	*n = 5;
}

/* xtcp_cookie_check() with the test keys. */
static u16 chk(const struct xtcp_cookie_flow *f, u32 cookie, u32 isn,
	       u32 count)
{
	return xtcp_cookie_check(&test_keys, f, cookie, isn, count);
}

static const u32 test_isns[] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff,
				 0x12345678 };
static const u32 test_counts[] = { 0, 1, 255, 256, 28000000, 0xffffffff };

/* Every MSS entry of @f's table survives the round trip at @isn, @now. */
static void roundtrip_one(struct kunit *test, const struct xtcp_cookie_flow *f,
			  u32 isn, u32 now)
{
	unsigned int m;
	u32 c;

	for (m = 0; m < XTCP_COOKIE_MSS_NUM; m++) {
		c = xtcp_cookie_make(&test_keys, f, isn, now, m);
		KUNIT_EXPECT_EQ(test, chk(f, c, isn, now),
				xtcp_cookie_mss_value(f->v6, m));
	}
}

/* ... for any flow, ISN and count. */
static void xtcp_cookie_test_roundtrip(struct kunit *test)
{
	struct xtcp_cookie_flow f[5];
	unsigned int nf, i, j, k;

	test_flows(f, &nf);
	for (i = 0; i < nf; i++)
		for (j = 0; j < ARRAY_SIZE(test_isns); j++)
			for (k = 0; k < ARRAY_SIZE(test_counts); k++)
				roundtrip_one(test, &f[i], test_isns[j],
					      test_counts[k]);
}

/* The per-boot secret is drawn, and works the same way. */
static void xtcp_cookie_test_secret(struct kunit *test)
{
	static const struct xtcp_cookie_keys zero;
	const struct xtcp_cookie_keys *k = xtcp_cookie_secret();
	struct xtcp_cookie_flow f[5];
	unsigned int nf;
	u32 c;

	KUNIT_EXPECT_PTR_EQ(test, k, xtcp_cookie_secret());
	KUNIT_EXPECT_NE(test, memcmp(k, &zero, sizeof(zero)), 0);
	KUNIT_EXPECT_NE(test, memcmp(&k->k[0], &k->k[1], sizeof(k->k[0])), 0);
	test_flows(f, &nf);
	c = xtcp_cookie_make(k, &f[0], 1000, 77, 3);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(k, &f[0], c, 1000, 77), 1460);
	/* Another key does not accept it. */
	KUNIT_EXPECT_EQ(test, chk(&f[0], c, 1000, 77), 0);
}

static void xtcp_cookie_test_msstab(struct kunit *test)
{
	static const struct {
		bool v6;
		u16 mss;
		u16 want;
	} cases[] = {
		{ false, 0, 536 }, { false, 100, 536 }, { false, 536, 536 },
		{ false, 1299, 536 }, { false, 1300, 1300 },
		{ false, 1439, 1300 }, { false, 1440, 1440 },
		{ false, 1452, 1440 }, { false, 1459, 1440 },
		{ false, 1460, 1460 }, { false, 9000, 1460 },
		{ false, 65535, 1460 },
		{ true, 0, 1220 }, { true, 1220, 1220 }, { true, 1419, 1220 },
		{ true, 1420, 1420 }, { true, 1439, 1420 },
		{ true, 1440, 1440 }, { true, 8939, 1440 },
		{ true, 8940, 8940 }, { true, 65535, 8940 },
	};
	unsigned int i, idx;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		idx = xtcp_cookie_mss_index(cases[i].v6, cases[i].mss);
		KUNIT_EXPECT_LT(test, idx, XTCP_COOKIE_MSS_NUM);
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_mss_value(cases[i].v6, idx),
				    cases[i].want, "v6 %d mss %u",
				    cases[i].v6, cases[i].mss);
	}
	/* Sorted, and nothing past the end. */
	for (i = 1; i < XTCP_COOKIE_MSS_NUM; i++) {
		KUNIT_EXPECT_GT(test, xtcp_cookie_mss_value(false, i),
				xtcp_cookie_mss_value(false, i - 1));
		KUNIT_EXPECT_GT(test, xtcp_cookie_mss_value(true, i),
				xtcp_cookie_mss_value(true, i - 1));
	}
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss_value(false, 4), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss_value(true, 4), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss_value(false, U32_MAX), 0);
}

/* Valid in the minute it was made and the next, not before or after. */
static void xtcp_cookie_test_expiry(struct kunit *test)
{
	static const s64 later[] = { -1, -2, 2, 3, 10, 254, 255, 256, 257,
				     512, 100000 };
	struct xtcp_cookie_flow f[5];
	unsigned int nf, i, k, j;
	u32 now, c;
	u16 want;

	test_flows(f, &nf);
	for (i = 0; i < nf; i++) {
		want = xtcp_cookie_mss_value(f[i].v6, 2);
		for (k = 0; k < ARRAY_SIZE(test_counts); k++) {
			now = test_counts[k];
			c = xtcp_cookie_make(&test_keys, &f[i], 42, now, 2);
			KUNIT_EXPECT_EQ(test, chk(&f[i], c, 42, now), want);
			KUNIT_EXPECT_EQ(test, chk(&f[i], c, 42, now + 1), want);
			for (j = 0; j < ARRAY_SIZE(later); j++)
				KUNIT_EXPECT_EQ_MSG(test,
						    chk(&f[i], c, 42,
							now + later[j]), 0,
						    "flow %u count %u%+lld",
						    i, now, later[j]);
		}
	}
}

/* The clock in minutes of jiffies. */
static void xtcp_cookie_test_count(struct kunit *test)
{
	u64 p = XTCP_COOKIE_PERIOD;

	KUNIT_EXPECT_EQ(test, xtcp_cookie_count(0), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_count(p - 1), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_count(p), 1);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_count(2 * p + 5), 2);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_count(p * 0x100000005ULL),
			5);	/* wraps like the u32 it is */
}

/* Any change to the flow, the ISN or the cookie is refused. */
static void xtcp_cookie_test_tamper(struct kunit *test)
{
	struct xtcp_cookie_flow f[5], g;
	unsigned int nf, i, b;
	u32 c, isn = 0xdeadbeef, now = 1000;

	test_flows(f, &nf);
	for (i = 0; i < nf; i++) {
		c = xtcp_cookie_make(&test_keys, &f[i], isn, now, 3);
		KUNIT_ASSERT_NE(test, chk(&f[i], c, isn, now), 0);

		/* the peer's sequence number */
		KUNIT_EXPECT_EQ(test, chk(&f[i], c, isn + 1, now), 0);
		KUNIT_EXPECT_EQ(test, chk(&f[i], c, isn - 1, now), 0);
		KUNIT_EXPECT_EQ(test, chk(&f[i], c, isn ^ 0x80000000, now), 0);
		/* every single-bit change of the cookie */
		for (b = 0; b < 32; b++)
			KUNIT_EXPECT_EQ_MSG(test, chk(&f[i], c ^ BIT(b), isn,
						      now), 0,
					    "flow %u bit %u", i, b);
		/* small changes, which would only move the MSS index of an
		 * additive cookie
		 */
		for (b = 1; b <= 3; b++) {
			KUNIT_EXPECT_EQ(test, chk(&f[i], c + b, isn, now), 0);
			KUNIT_EXPECT_EQ(test, chk(&f[i], c - b, isn, now), 0);
			KUNIT_EXPECT_EQ(test, chk(&f[i], c, isn + b, now), 0);
			KUNIT_EXPECT_EQ(test, chk(&f[i], c, isn - b, now), 0);
			KUNIT_EXPECT_EQ(test, chk(&f[i], c + b, isn + b, now),
					0);
		}

		/* each field of the flow */
		g = f[i];
		g.sport = htons(ntohs(g.sport) + 1);
		KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
		g = f[i];
		g.dport = htons(ntohs(g.dport) ^ 1);
		KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
		g = f[i];
		g.saddr.s6_addr32[0] ^= htonl(1);
		KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
		g = f[i];
		g.daddr.s6_addr32[0] ^= htonl(0x100);
		KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
		if (g.v6) {
			g = f[i];
			g.saddr.s6_addr32[3] ^= htonl(2);
			KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
		}
		/* the reverse direction */
		g = f[i];
		g.saddr = f[i].daddr;
		g.daddr = f[i].saddr;
		g.sport = f[i].dport;
		g.dport = f[i].sport;
		if (memcmp(&g, &f[i], sizeof(g)))
			KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
		/* the other family's hash */
		g = f[i];
		g.v6 = !g.v6;
		KUNIT_EXPECT_EQ(test, chk(&g, c, isn, now), 0);
	}
}

/* Different flows, ISNs and minutes give different cookies. */
static void xtcp_cookie_test_spread(struct kunit *test)
{
	struct xtcp_cookie_flow f[5];
	unsigned int nf, i;
	u32 c0;

	test_flows(f, &nf);
	c0 = xtcp_cookie_make(&test_keys, &f[0], 7, 9, 0);
	for (i = 1; i < nf; i++)
		KUNIT_EXPECT_NE(test, xtcp_cookie_make(&test_keys, &f[i], 7,
						       9, 0), c0);
	KUNIT_EXPECT_NE(test, xtcp_cookie_make(&test_keys, &f[0], 8, 9, 0),
			c0);
	KUNIT_EXPECT_NE(test, xtcp_cookie_make(&test_keys, &f[0], 7, 10, 0),
			c0);
	KUNIT_EXPECT_NE(test, xtcp_cookie_make(&test_keys, &f[0], 7, 9, 1),
			c0);
	/* the counter sits in the top 8 bits, the index in the bottom 2 */
	KUNIT_EXPECT_EQ(test, (xtcp_cookie_make(&test_keys, &f[0], 7, 9, 2) -
			       xtcp_cookie_h0(&test_keys.k[0], &f[0]) - 7) >>
			XTCP_COOKIE_BITS, 9U);
	KUNIT_EXPECT_EQ(test, (xtcp_cookie_make(&test_keys, &f[0], 7, 9, 2) -
			       xtcp_cookie_h0(&test_keys.k[0], &f[0]) - 7) &
			XTCP_COOKIE_MSS_MASK, 2U);
}

/* Options in the TSval: round trip, and never ahead of the clock. */
static void xtcp_cookie_test_ts(struct kunit *test)
{
	static const u32 nows[] = { 0, 5, 63, 64, 65, 1000, 0x7fffffc0,
				    0xffffffc1, 0xffffffff };
	struct xtcp_cookie_opts o, d;
	unsigned int n, ws, sack, ecn;

	for (n = 0; n < ARRAY_SIZE(nows); n++)
		for (ws = 0; ws <= 15; ws++)
			for (sack = 0; sack < 2; sack++)
				for (ecn = 0; ecn < 2; ecn++) {
					u32 ts;

					o.wscale_ok = ws < 15;
					o.wscale = ws < 15 ? ws : 0;
					o.sack_ok = sack;
					o.ecn_ok = ecn;
					ts = xtcp_cookie_ts_encode(nows[n], &o);
					/* 0..63 ms behind the clock */
					KUNIT_EXPECT_LE(test, nows[n] - ts, 63U);
					xtcp_cookie_ts_decode(ts, &d);
					KUNIT_EXPECT_EQ(test, d.wscale_ok,
							o.wscale_ok);
					KUNIT_EXPECT_EQ(test, d.wscale,
							o.wscale);
					KUNIT_EXPECT_EQ(test, d.sack_ok,
							o.sack_ok);
					KUNIT_EXPECT_EQ(test, d.ecn_ok,
							o.ecn_ok);
				}

	/* Linux's bit layout: WScale 3..0, SACK 4, ECN 5. */
	o = (struct xtcp_cookie_opts){ .wscale_ok = true, .wscale = 7,
				       .sack_ok = true };
	KUNIT_EXPECT_EQ(test, xtcp_cookie_ts_encode(0x1000, &o), 0x1000 - 64 +
			0x17);
	o = (struct xtcp_cookie_opts){ };
	KUNIT_EXPECT_EQ(test, xtcp_cookie_ts_encode(0x103f, &o), 0x100f);
	o = (struct xtcp_cookie_opts){ .ecn_ok = true, .wscale_ok = true };
	KUNIT_EXPECT_EQ(test, xtcp_cookie_ts_encode(0x107f, &o), 0x1060);
	xtcp_cookie_ts_decode(0xabcdef0f, &d);
	KUNIT_EXPECT_FALSE(test, d.wscale_ok);
	KUNIT_EXPECT_FALSE(test, d.sack_ok);
	KUNIT_EXPECT_FALSE(test, d.ecn_ok);
	xtcp_cookie_ts_decode(0x3e, &d);
	KUNIT_EXPECT_TRUE(test, d.wscale_ok);
	KUNIT_EXPECT_EQ(test, d.wscale, 14);
	KUNIT_EXPECT_TRUE(test, d.sack_ok);
	KUNIT_EXPECT_TRUE(test, d.ecn_ok);
}

static struct kunit_case xtcp_cookie_test_cases[] = {
	KUNIT_CASE(xtcp_cookie_test_roundtrip),
	KUNIT_CASE(xtcp_cookie_test_secret),
	KUNIT_CASE(xtcp_cookie_test_msstab),
	KUNIT_CASE(xtcp_cookie_test_expiry),
	KUNIT_CASE(xtcp_cookie_test_count),
	KUNIT_CASE(xtcp_cookie_test_tamper),
	KUNIT_CASE(xtcp_cookie_test_spread),
	KUNIT_CASE(xtcp_cookie_test_ts),
	{}
};

static struct kunit_suite xtcp_cookie_test_suite = {
	.name = "xtcp_syncookie",
	.test_cases = xtcp_cookie_test_cases,
};

kunit_test_suite(xtcp_cookie_test_suite);
