/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: SYN cookies (RFC 4987 3.6), the pure part: cookie arithmetic,
 * the MSS table and the options carried in the SYN-ACK's TSval.  No
 * socket state; syncookie_test.c tests it with its own keys and clock.
 * listen.c holds the glue (when to send cookies, and the child built
 * from a cookie ACK); Documentation/design.rst describes both.
 *
 * The cookie (our ISN in a cookie SYN-ACK), 32 bits:
 *
 *	H0(flow) + peer ISN + (count << 24) + (MAC(count, idx) | idx)
 *
 * H0 is SipHash-2-4 of the SYN's addresses and ports with key k0, count
 * a minute counter (8 bits of it), idx the 2-bit index of the peer's MSS
 * in a table, and MAC the low 24 bits, with the low 2 cleared, of
 * SipHash-2-4 with key k1 of the flow, the peer ISN, count and idx.  Both
 * keys are drawn once per boot.  An ACK brings the cookie back as
 * ACK - 1 and the peer ISN as SEQ - 1: subtracting the first two terms
 * leaves count in the top 8 bits and idx in the bottom 2, and the 22 MAC
 * bits must match.  A cookie is good for XTCP_COOKIE_MAX_AGE counter
 * values (the minute it was made and the next), as in Linux.
 *
 * Linux adds the MSS index into its hash instead, so a cookie or an ISN
 * off by one or two still passes there (with another MSS); the MAC here
 * covers the index and the ISN, so any change fails but with probability
 * 2^-22, the same odds a blind guess has in either design.
 */
#ifndef _NET_XTCP_SYNCOOKIE_H
#define _NET_XTCP_SYNCOOKIE_H

#include <linux/bits.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/siphash.h>
#include <linux/types.h>

#define XTCP_COOKIE_BITS	24		/* low bits: MAC + MSS index */
#define XTCP_COOKIE_MASK	((1U << XTCP_COOKIE_BITS) - 1)
#define XTCP_COOKIE_MSS_BITS	2		/* the MSS index, lowest */
#define XTCP_COOKIE_MSS_MASK	((1U << XTCP_COOKIE_MSS_BITS) - 1)
#define XTCP_COOKIE_MAX_AGE	2		/* counter values it is valid */
#define XTCP_COOKIE_PERIOD	(60 * HZ)	/* one count, in jiffies */
#define XTCP_COOKIE_VALID	(XTCP_COOKIE_MAX_AGE * XTCP_COOKIE_PERIOD)
#define XTCP_COOKIE_MSS_NUM	BIT(XTCP_COOKIE_MSS_BITS)	/* table size */

/*
 * The low 6 bits of a cookie SYN-ACK's TSval (before our per-host
 * offset is added), as Linux lays them out, so that the echo in the
 * ACK's TSecr restores what the SYN offered:
 *
 *	| 31 ... 6 |  5  |  4   | 3 .. 0 |
 *	|  clock   | ECN | SACK | WScale |
 *
 * WScale 0xf (not a valid shift) means the SYN had no window scale.
 */
#define XTCP_COOKIE_TS_BITS	6
#define XTCP_COOKIE_TS_WSCALE	0xf
#define XTCP_COOKIE_TS_SACK	BIT(4)
#define XTCP_COOKIE_TS_ECN	BIT(5)

/**
 * struct xtcp_cookie_flow - what a cookie is bound to
 * @saddr: the SYN's source address (the peer); IPv4 in s6_addr32[0]
 * @daddr: the SYN's destination address (ours)
 * @sport: the SYN's source port
 * @dport: the SYN's destination port
 * @v6: IPv6 addresses (and the IPv6 MSS table)
 */
struct xtcp_cookie_flow {
	struct in6_addr	saddr;
	struct in6_addr	daddr;
	__be16		sport;
	__be16		dport;
	bool		v6;
};

/**
 * struct xtcp_cookie_keys - the two SipHash keys (k0 for H0, k1 for the
 * MAC); per boot, see xtcp_cookie_secret()
 */
struct xtcp_cookie_keys {
	siphash_key_t	k[2];
} __aligned(SIPHASH_ALIGNMENT);

/**
 * struct xtcp_cookie_opts - options of the SYN, as far as a cookie
 * SYN-ACK can carry them (only with timestamps)
 * @wscale: the peer's window-scale shift, valid if @wscale_ok
 * @wscale_ok: the SYN carried window scale
 * @sack_ok: the SYN carried SACK-permitted
 * @ecn_ok: ECN was negotiated (xtcp never sets it; decoded for tests)
 */
struct xtcp_cookie_opts {
	u8	wscale;
	bool	wscale_ok;
	bool	sack_ok;
	bool	ecn_ok;
};

void xtcp_cookie_flow_v4(struct xtcp_cookie_flow *f, __be32 saddr,
			 __be32 daddr, __be16 sport, __be16 dport);
void xtcp_cookie_flow_v6(struct xtcp_cookie_flow *f,
			 const struct in6_addr *saddr,
			 const struct in6_addr *daddr,
			 __be16 sport, __be16 dport);

/* The per-boot keys, drawn on first use (net_get_random_once()). */
const struct xtcp_cookie_keys *xtcp_cookie_secret(void);

/* The minute counter for a jiffies_64 reading. */
u32 xtcp_cookie_count(u64 jiffies64);

/**
 * xtcp_cookie_mss_index - the table entry for a peer's MSS: the largest
 * table value not above @mss (the smallest entry if all are above)
 * @v6: use the IPv6 table
 * @mss: the MSS the SYN announced (after TCP_MAXSEG clamping)
 */
unsigned int xtcp_cookie_mss_index(bool v6, u16 mss);
/* The MSS of table entry @idx, 0 if @idx is out of range. */
u16 xtcp_cookie_mss_value(bool v6, unsigned int idx);

/**
 * xtcp_cookie_make - the cookie for a SYN
 * @keys: the secret
 * @f: the SYN's flow
 * @peer_isn: the SYN's sequence number
 * @count: xtcp_cookie_count() now
 * @mss_idx: xtcp_cookie_mss_index() of the peer's MSS
 */
u32 xtcp_cookie_make(const struct xtcp_cookie_keys *keys,
		     const struct xtcp_cookie_flow *f, u32 peer_isn,
		     u32 count, unsigned int mss_idx);

/**
 * xtcp_cookie_check - validate a cookie returned in an ACK
 * @keys: the secret
 * @f: the ACK's flow (same direction as the SYN's)
 * @cookie: the ACK's acknowledgment number - 1
 * @peer_isn: the ACK's sequence number - 1
 * @count: xtcp_cookie_count() now
 *
 * Return: the MSS the cookie encodes, or 0 if it is not a cookie of ours
 * for this flow and ISN made in the last XTCP_COOKIE_MAX_AGE counts.
 */
u16 xtcp_cookie_check(const struct xtcp_cookie_keys *keys,
		      const struct xtcp_cookie_flow *f, u32 cookie,
		      u32 peer_isn, u32 count);

/**
 * xtcp_cookie_ts_encode - the TSval (before the per-host offset) for a
 * cookie SYN-ACK: @ts_now with its low XTCP_COOKIE_TS_BITS replaced by
 * @o, never later than @ts_now, so that the connection's later TSvals
 * (taken from the clock) never go backwards from it
 */
u32 xtcp_cookie_ts_encode(u32 ts_now, const struct xtcp_cookie_opts *o);

/* The options in an echoed cookie TSval (the ACK's TSecr - offset). */
void xtcp_cookie_ts_decode(u32 tsecr, struct xtcp_cookie_opts *o);

#endif /* _NET_XTCP_SYNCOOKIE_H */
