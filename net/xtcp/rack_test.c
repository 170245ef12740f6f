// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xtcp's RACK-TLP arithmetic (rack.c), compiled into
 * xtcp_test.ko by including rack.c here.
 */
#include "rack.c"

#include <kunit/test.h>

/* RFC 8985 6.2: later send time wins; ties go to the higher sequence. */
static void xtcp_rack_test_sent_after(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(200, 100, 1, 2));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(100, 200, 2, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(100, 100, 2000, 1000));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(100, 100, 1000, 2000));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(100, 100, 1000, 1000));
	/* The tie-break is sequence arithmetic. */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(100, 100, 0x10,
						     0xfffffff0));
}

static void xtcp_rack_test_advance(struct kunit *test)
{
	struct tcp_rack r = { .reo_wnd_steps = 1 };

	KUNIT_EXPECT_TRUE(test, xtcp_rack_advance(&r, 1000, 5000, false,
						  1500, 400));
	KUNIT_EXPECT_EQ(test, r.mstamp, 1000ULL);
	KUNIT_EXPECT_EQ(test, r.end_seq, 5000U);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 500U);
	KUNIT_EXPECT_TRUE(test, r.advanced);
	/* An older segment updates the RTT, not the most recent send. */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_advance(&r, 900, 4000, false,
						  1600, 400));
	KUNIT_EXPECT_EQ(test, r.mstamp, 1000ULL);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 700U);
	/* A retransmission delivered faster than min_RTT: ambiguous. */
	KUNIT_EXPECT_FALSE(test, xtcp_rack_advance(&r, 1500, 6000, true,
						   1700, 400));
	KUNIT_EXPECT_EQ(test, r.mstamp, 1000ULL);
	/* ... slower than min_RTT: taken. */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_advance(&r, 1500, 6000, true,
						  2000, 400));
	KUNIT_EXPECT_EQ(test, r.mstamp, 1500ULL);
	KUNIT_EXPECT_EQ(test, r.end_seq, 6000U);
}

/* min_RTT 8 ms, SRTT 20 ms */
static u32 reo(const struct tcp_rack *r, bool seen, bool recovery, bool dup)
{
	return xtcp_rack_reo_wnd(r, seen, recovery, dup, 8000, 20000);
}

static void xtcp_rack_test_reo_wnd(struct kunit *test)
{
	struct tcp_rack r = { .reo_wnd_steps = 1 };

	/* No reordering seen: none in recovery or past DupThresh. */
	KUNIT_EXPECT_EQ(test, reo(&r, false, true, false), 0U);
	KUNIT_EXPECT_EQ(test, reo(&r, false, false, true), 0U);
	/* Otherwise min_RTT/4 per step ... */
	KUNIT_EXPECT_EQ(test, reo(&r, false, false, false), 2000U);
	KUNIT_EXPECT_EQ(test, reo(&r, true, true, true), 2000U);
	r.reo_wnd_steps = 3;
	KUNIT_EXPECT_EQ(test, reo(&r, true, false, false), 6000U);
	/* ... never beyond SRTT. */
	r.reo_wnd_steps = 20;
	KUNIT_EXPECT_EQ(test, reo(&r, true, false, false), 20000U);
}

static void xtcp_rack_test_remaining(struct kunit *test)
{
	struct tcp_rack r = { .rtt_us = 10000 };

	/* Sent at 1000, RTT 10 ms, window 2 ms: due at 13000. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_remaining(&r, 1000, 2000, 12000),
			1000LL);
	KUNIT_EXPECT_EQ(test, xtcp_rack_remaining(&r, 1000, 2000, 13000),
			0LL);
	KUNIT_EXPECT_LT(test, xtcp_rack_remaining(&r, 1000, 2000, 20000),
			0LL);
}

/* RFC 8985 7.2: D-SACKs widen the window once per round trip, and it
 * falls back after 16 recoveries without one.
 */
static void xtcp_rack_test_dsack_adapt(struct kunit *test)
{
	struct tcp_rack r = { .reo_wnd_steps = 1 };
	int i;

	xtcp_rack_update_reo_wnd(&r, true, 100, 110);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_steps, 2);
	KUNIT_EXPECT_EQ(test, r.last_delivered, 110U);
	KUNIT_EXPECT_EQ(test, (int)r.reo_wnd_persist, XTCP_RACK_RECOVERY_THRESH);
	/* Another D-SACK from the same round trip: no step. */
	xtcp_rack_update_reo_wnd(&r, true, 105, 120);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_steps, 2);
	/* From a later round: a step. */
	xtcp_rack_update_reo_wnd(&r, true, 115, 130);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_steps, 3);
	/* No D-SACK: the window persists over recoveries ... */
	for (i = 0; i < XTCP_RACK_RECOVERY_THRESH - 1; i++) {
		xtcp_rack_recovery_done(&r);
		xtcp_rack_update_reo_wnd(&r, false, 200, 210);
		KUNIT_EXPECT_EQ(test, r.reo_wnd_steps, 3);
	}
	/* ... then resets. */
	xtcp_rack_recovery_done(&r);
	xtcp_rack_update_reo_wnd(&r, false, 200, 210);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_steps, 1);
}

/* RFC 8985 7.2: PTO = 2*SRTT (+ delayed-ACK allowance for one segment),
 * capped by the RTO.
 */
static void xtcp_rack_test_tlp_timeout(struct kunit *test)
{
	u32 min_us = jiffies_to_usecs(TCP_TIMEOUT_MIN);
	u32 dack_us = jiffies_to_usecs(TCP_RTO_MIN);

	/* srtt_us is 8 * SRTT: 10 ms here. */
	KUNIT_EXPECT_EQ(test, xtcp_tlp_timeout_us(80000, 5, 0),
			20000 + min_us);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_timeout_us(80000, 1, 0),
			20000 + dack_us);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_timeout_us(80000, 5, 15000), 15000U);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_timeout_us(0, 5, 0),
			(u32)USEC_PER_SEC);
}

static struct kunit_case xtcp_rack_test_cases[] = {
	KUNIT_CASE(xtcp_rack_test_sent_after),
	KUNIT_CASE(xtcp_rack_test_advance),
	KUNIT_CASE(xtcp_rack_test_reo_wnd),
	KUNIT_CASE(xtcp_rack_test_remaining),
	KUNIT_CASE(xtcp_rack_test_dsack_adapt),
	KUNIT_CASE(xtcp_rack_test_tlp_timeout),
	{}
};

static struct kunit_suite xtcp_rack_test_suite = {
	.name		= "xtcp_rack",
	.test_cases	= xtcp_rack_test_cases,
};

kunit_test_suite(xtcp_rack_test_suite);
