// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: initial sequence numbers (RFC 6528).
 *
 *	ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * F is SipHash-2-4 keyed with 128 random bits, drawn the first time an
 * ISN is asked for (net_get_random_once(), so there is no init call and
 * no cost for a module that never connects) and kept until the module
 * is unloaded.  M is the real-time clock in units of 64 ns, finer than
 * RFC 6528's 4 us as Linux does: successive connections on one 4-tuple
 * start ever further along (so that old duplicates miss the new window)
 * while M wraps only every 2^32 * 64 ns = 274 s, more than an MSL.
 *
 * Nothing here keeps state other than the key: tested by isn_test.c.
 */
#include <linux/net.h>
#include <linux/siphash.h>
#include <linux/stddef.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#include "options.h"

static siphash_aligned_key_t xtcp_isn_key;

static const siphash_key_t *xtcp_isn_secret(void)
{
	net_get_random_once(&xtcp_isn_key, sizeof(xtcp_isn_key));
	return &xtcp_isn_key;
}

/* M: a clock ticking every 64 ns, wrapping every 274 s. */
static u32 xtcp_isn_clock(void)
{
	return (u32)(ktime_get_real_ns() >> 6);
}

u32 xtcp_isn_hash_v4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 ports = (__force u32)sport << 16 | (__force u32)dport;

	return (u32)siphash_3u32((__force u32)saddr, (__force u32)daddr,
				 ports, xtcp_isn_secret());
}

u32 xtcp_isn_v4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	return xtcp_isn_hash_v4(saddr, daddr, sport, dport) + xtcp_isn_clock();
}

u32 xtcp_isn_v6(const struct in6_addr *saddr, const struct in6_addr *daddr,
		__be16 sport, __be16 dport)
{
	const struct {
		struct in6_addr saddr;
		struct in6_addr daddr;
		__be16 sport;
		__be16 dport;
	} __aligned(SIPHASH_ALIGNMENT) in = {
		.saddr = *saddr,
		.daddr = *daddr,
		.sport = sport,
		.dport = dport,
	};
	u32 hash;

	/* Hash only up to the last field: the tail padding is not set. */
	hash = (u32)siphash(&in, offsetofend(typeof(in), dport),
			    xtcp_isn_secret());
	return hash + xtcp_isn_clock();
}
