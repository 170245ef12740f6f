// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: SYN cookies, the pure part (see syncookie.h for the format).
 *
 * Nothing here keeps state other than the per-boot keys, drawn on first
 * use with net_get_random_once() and kept until the module is unloaded,
 * as the ISN key is (isn.c).  They do not rotate: the minute counter
 * hashed into every cookie is what makes an old cookie worthless, as in
 * Linux.  Tested by syncookie_test.c.
 */
#include <linux/array_size.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/net.h>
#include <linux/siphash.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>

#include "syncookie.h"

/*
 * MSS tables, sorted, indexed by the cookie's 2-bit MSS field.  The
 * values are Linux's, so that a peer gets the same segment size from
 * either stack: for IPv4 536 (the RFC 9293 default), 1300 (the start of
 * the common tunnel range), 1440 (PPPoE) and 1460 (Ethernet, the most
 * common); for IPv6 the IPv6 minimum MTU, 1480 and 1500 MTUs and 9000
 * (jumbo), each less 60 bytes of headers.
 */
static const u16 xtcp_cookie_msstab4[XTCP_COOKIE_MSS_NUM] = {
	536, 1300, 1440, 1460,
};

static const u16 xtcp_cookie_msstab6[XTCP_COOKIE_MSS_NUM] = {
	1280 - 60, 1480 - 60, 1500 - 60, 9000 - 60,
};

static struct xtcp_cookie_keys xtcp_cookie_key;

const struct xtcp_cookie_keys *xtcp_cookie_secret(void)
{
	net_get_random_once(&xtcp_cookie_key, sizeof(xtcp_cookie_key));
	return &xtcp_cookie_key;
}

void xtcp_cookie_flow_v4(struct xtcp_cookie_flow *f, __be32 saddr,
			 __be32 daddr, __be16 sport, __be16 dport)
{
	memset(f, 0, sizeof(*f));
	f->saddr.s6_addr32[0] = saddr;
	f->daddr.s6_addr32[0] = daddr;
	f->sport = sport;
	f->dport = dport;
	f->v6 = false;
}

void xtcp_cookie_flow_v6(struct xtcp_cookie_flow *f,
			 const struct in6_addr *saddr,
			 const struct in6_addr *daddr,
			 __be16 sport, __be16 dport)
{
	memset(f, 0, sizeof(*f));
	f->saddr = *saddr;
	f->daddr = *daddr;
	f->sport = sport;
	f->dport = dport;
	f->v6 = true;
}

/* H0: SipHash-2-4 of the flow alone. */
static u32 xtcp_cookie_h0(const siphash_key_t *key,
			  const struct xtcp_cookie_flow *f)
{
	const struct {
		struct in6_addr	saddr;
		struct in6_addr	daddr;
		__be16		sport;
		__be16		dport;
	} __aligned(SIPHASH_ALIGNMENT) in6 = {
		.saddr = f->saddr,
		.daddr = f->daddr,
		.sport = f->sport,
		.dport = f->dport,
	};
	u32 ports = (__force u32)f->sport << 16 | (__force u32)f->dport;

	if (!f->v6)
		return (u32)siphash_3u32((__force u32)f->saddr.s6_addr32[0],
					 (__force u32)f->daddr.s6_addr32[0],
					 ports, key);
	/* Up to the last field only: the tail padding is not set. */
	return (u32)siphash(&in6, offsetofend(typeof(in6), dport), key);
}

/* The MAC bits for (flow, peer ISN, count, MSS index), idx bits clear. */
static u32 xtcp_cookie_mac(const siphash_key_t *key,
			   const struct xtcp_cookie_flow *f, u32 peer_isn,
			   u32 count, u32 idx)
{
	const struct {
		struct in6_addr	saddr;
		struct in6_addr	daddr;
		u32		peer_isn;
		u32		count;
		u32		idx;
		__be16		sport;
		__be16		dport;
	} __aligned(SIPHASH_ALIGNMENT) in6 = {
		.saddr = f->saddr,
		.daddr = f->daddr,
		.peer_isn = peer_isn,
		.count = count,
		.idx = idx,
		.sport = f->sport,
		.dport = f->dport,
	};
	u64 ports = (__force u32)f->sport << 16 | (__force u32)f->dport;
	u64 h;

	if (!f->v6)
		h = siphash_3u64((u64)(__force u32)f->saddr.s6_addr32[0] << 32 |
				 (__force u32)f->daddr.s6_addr32[0],
				 ports << 32 | count,
				 (u64)peer_isn << 32 | idx, key);
	else
		h = siphash(&in6, offsetofend(typeof(in6), dport), key);
	return (u32)h & XTCP_COOKIE_MASK & ~XTCP_COOKIE_MSS_MASK;
}

u32 xtcp_cookie_count(u64 jiffies64)
{
	return (u32)div_u64(jiffies64, XTCP_COOKIE_PERIOD);
}

static const u16 *xtcp_cookie_msstab(bool v6)
{
	return v6 ? xtcp_cookie_msstab6 : xtcp_cookie_msstab4;
}

unsigned int xtcp_cookie_mss_index(bool v6, u16 mss)
{
	const u16 *tab = xtcp_cookie_msstab(v6);
	unsigned int i;

	for (i = XTCP_COOKIE_MSS_NUM - 1; i > 0; i--)
		if (mss >= tab[i])
			break;
	return i;
}

u16 xtcp_cookie_mss_value(bool v6, unsigned int idx)
{
	if (idx >= XTCP_COOKIE_MSS_NUM)
		return 0;
	return xtcp_cookie_msstab(v6)[idx];
}

u32 xtcp_cookie_make(const struct xtcp_cookie_keys *keys,
		     const struct xtcp_cookie_flow *f, u32 peer_isn,
		     u32 count, unsigned int mss_idx)
{
	u32 idx = mss_idx & XTCP_COOKIE_MSS_MASK;

	return xtcp_cookie_h0(&keys->k[0], f) + peer_isn +
	       (count << XTCP_COOKIE_BITS) +
	       (xtcp_cookie_mac(&keys->k[1], f, peer_isn, count, idx) | idx);
}

u16 xtcp_cookie_check(const struct xtcp_cookie_keys *keys,
		      const struct xtcp_cookie_flow *f, u32 cookie,
		      u32 peer_isn, u32 count)
{
	u32 rest, age, made, idx;

	rest = cookie - (xtcp_cookie_h0(&keys->k[0], f) + peer_isn);
	/* The top bits hold the counter it was made at, modulo 2^8. */
	age = (count - (rest >> XTCP_COOKIE_BITS)) &
	      (U32_MAX >> XTCP_COOKIE_BITS);
	if (age >= XTCP_COOKIE_MAX_AGE)
		return 0;
	made = count - age;
	idx = rest & XTCP_COOKIE_MSS_MASK;
	if ((rest & XTCP_COOKIE_MASK & ~XTCP_COOKIE_MSS_MASK) !=
	    xtcp_cookie_mac(&keys->k[1], f, peer_isn, made, idx))
		return 0;
	return xtcp_cookie_mss_value(f->v6, idx);
}

u32 xtcp_cookie_ts_encode(u32 ts_now, const struct xtcp_cookie_opts *o)
{
	u32 bits = o->wscale_ok ? (o->wscale & XTCP_COOKIE_TS_WSCALE) :
				  XTCP_COOKIE_TS_WSCALE;
	u32 ts;

	if (o->sack_ok)
		bits |= XTCP_COOKIE_TS_SACK;
	if (o->ecn_ok)
		bits |= XTCP_COOKIE_TS_ECN;
	ts = (ts_now & ~((1U << XTCP_COOKIE_TS_BITS) - 1)) | bits;
	/* Not after the clock (in sequence space, RFC 7323 PAWS order). */
	if ((s32)(ts - ts_now) > 0)
		ts -= 1U << XTCP_COOKIE_TS_BITS;
	return ts;
}

void xtcp_cookie_ts_decode(u32 tsecr, struct xtcp_cookie_opts *o)
{
	u32 ws = tsecr & XTCP_COOKIE_TS_WSCALE;

	memset(o, 0, sizeof(*o));
	o->sack_ok = !!(tsecr & XTCP_COOKIE_TS_SACK);
	o->ecn_ok = !!(tsecr & XTCP_COOKIE_TS_ECN);
	if (ws != XTCP_COOKIE_TS_WSCALE) {
		o->wscale_ok = true;
		o->wscale = ws;
	}
}
