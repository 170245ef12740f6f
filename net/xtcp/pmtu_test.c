// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: path MTU arithmetic (pmtu.h).
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "pmtu.h"

#define V4	((int)sizeof(struct iphdr))
#define V6	((int)sizeof(struct ipv6hdr))
#define TS	12	/* TCPOLEN_TSTAMP_ALIGNED */

static void pmtu_mtu_to_mss(struct kunit *test)
{
	/* Ethernet, with and without timestamps. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(1500, V4, 0, 0, 1460, 48),
			1460);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(1500, V4, 0, TS, 1460, 48),
			1448);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(1500, V6, 0, TS, 1440, 48),
			1428);
	/* A 1280-byte link (the IPv6 minimum). */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(1280, V6, 0, TS, 1440, 48),
			1208);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(1280, V4, 0, TS, 1460, 48),
			1228);
	/* The peer's MSS option bounds it; 0 means none was given. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(9000, V4, 0, 0, 1460, 48),
			1460);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(9000, V4, 0, 0, 0, 48),
			8960);
	/* Extension headers come off after the clamp. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(1500, V6, 8, 0, 1440, 48),
			1432);
	/* tcp_min_snd_mss holds before the options are taken off. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(68, V4, 0, TS, 1460, 48),
			36);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mtu_to_mss(68, V4, 0, 0, 1460, 536),
			536);
}

static void pmtu_roundtrip(struct kunit *test)
{
	int mtu;

	for (mtu = 576; mtu <= 9000; mtu += 97) {
		int mss = xtcp_pmtu_mtu_to_mss(mtu, V4, 0, TS, 0, 48);

		KUNIT_EXPECT_EQ(test, xtcp_pmtu_mss_to_mtu(mss, V4, 0, TS), mtu);
		mss = xtcp_pmtu_mtu_to_mss(mtu, V6, 8, TS, 0, 48);
		KUNIT_EXPECT_EQ(test, xtcp_pmtu_mss_to_mtu(mss, V6, 8, TS), mtu);
	}
	/* tcp_base_mss 1024 with timestamps over IPv4. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_mss_to_mtu(1024, V4, 0, TS), 1076);
}

static void pmtu_blackhole(struct kunit *test)
{
	/* First halving from a 1500-byte path stops at tcp_base_mss. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(1448, 1024, 48, 48), 724);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(4000, 1024, 48, 48),
			1024);
	/* Repeated timeouts walk down to the floor and stay there. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(1024, 1024, 48, 48), 512);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(90, 1024, 48, 48), 48);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(48, 1024, 48, 48), 48);
	/* tcp_mtu_probe_floor and tcp_min_snd_mss both bound it. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(600, 1024, 512, 48), 512);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_blackhole_mss(600, 1024, 48, 400), 400);
}

static void pmtu_seglen(struct kunit *test)
{
	/* One segment: its length. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_seglen(1448, 1, 1448), 1448U);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_seglen(700, 1, 1448), 700U);
	/* GSO at the MSS, the last one short. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_seglen(9 * 1448 + 100, 10, 1448),
			1448U);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_seglen(4 * 1448, 4, 1448), 1448U);
	/* Counted with another MSS: sent as even segments. */
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_seglen(3000, 4, 1448), 750U);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_seglen(3001, 2, 1000), 1501U);
}

static void pmtu_probe_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_probe_size(1076, 1500, 8), 1288);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_probe_size(1496, 1500, 8), 0);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_probe_size(1492, 1500, 8), 1496);
	KUNIT_EXPECT_EQ(test, xtcp_pmtu_probe_size(1500, 1400, 8), 0);
}

static struct kunit_case pmtu_cases[] = {
	KUNIT_CASE(pmtu_mtu_to_mss),
	KUNIT_CASE(pmtu_roundtrip),
	KUNIT_CASE(pmtu_blackhole),
	KUNIT_CASE(pmtu_seglen),
	KUNIT_CASE(pmtu_probe_size),
	{}
};

static struct kunit_suite pmtu_suite = {
	.name = "xtcp_pmtu",
	.test_cases = pmtu_cases,
};

kunit_test_suite(pmtu_suite);
