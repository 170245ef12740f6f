/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: path MTU arithmetic, free of socket state so that KUnit
 * (pmtu_test.c) can check it.  pmtu.c applies it to sockets.
 *
 * Units: an MTU counts the whole IP packet (network header, extension
 * headers, TCP header with options, payload); an MSS counts payload
 * bytes per segment.  @net_hdr is the IPv4/IPv6 header, @ext_hdr IP
 * options or IPv6 extension headers, @tcp_opts the TCP options every
 * segment carries (timestamps), @clamp the peer's MSS option (0: none).
 */
#ifndef _NET_XTCP_PMTU_H
#define _NET_XTCP_PMTU_H

#include <linux/minmax.h>
#include <linux/tcp.h>
#include <linux/types.h>

/* Segment payload for a path MTU (RFC 9293 3.7.1, "Eff.snd.MSS"),
 * raised to @min_mss (net.xtcp.tcp_min_snd_mss) before the TCP options
 * are taken off, as native tcp_mtu_to_mss() does.
 */
static inline int xtcp_pmtu_mtu_to_mss(int mtu, int net_hdr, int ext_hdr,
				       int tcp_opts, int clamp, int min_mss)
{
	int mss = mtu - net_hdr - (int)sizeof(struct tcphdr);

	if (clamp && mss > clamp)
		mss = clamp;
	mss -= ext_hdr;
	mss = max(mss, min_mss);
	return mss - tcp_opts;
}

/* The inverse: the packet size of a full segment of @mss payload. */
static inline int xtcp_pmtu_mss_to_mtu(int mss, int net_hdr, int ext_hdr,
				       int tcp_opts)
{
	return mss + tcp_opts + (int)sizeof(struct tcphdr) + ext_hdr +
	       net_hdr;
}

/*
 * Black-hole step (RFC 4821 section 7.7; native tcp_mtu_probing()):
 * after repeated timeouts the search floor's MSS is halved, but never
 * above @base_mss (net.xtcp.tcp_base_mss) and never below @floor
 * (tcp_mtu_probe_floor) or @min_mss (tcp_min_snd_mss).
 */
static inline int xtcp_pmtu_blackhole_mss(int low_mss, int base_mss,
					  int floor, int min_mss)
{
	int mss = min(low_mss >> 1, base_mss);

	mss = max(mss, floor);
	return max(mss, min_mss);
}

/*
 * The largest segment an rtx-queue skb of @len bytes and @pcount
 * segments went out as, when the MSS at the time was @mss_sent:
 * xtcp_transmit_skb() cuts GSO segments of the MSS when that gives
 * @pcount segments, else @pcount even ones.
 */
static inline u32 xtcp_pmtu_seglen(u32 len, u32 pcount, u32 mss_sent)
{
	if (pcount <= 1 || !mss_sent)
		return len;
	if (DIV_ROUND_UP(len, mss_sent) == pcount)
		return mss_sent;
	return DIV_ROUND_UP(len, pcount);
}

/*
 * RFC 4821 section 7.3 search for an upward probe: the midpoint of
 * [@low, @high] (MTUs known to work and known or assumed not to),
 * or 0 when the range is narrower than @threshold bytes
 * (net.xtcp.tcp_probe_threshold) and the search is over.
 */
static inline int xtcp_pmtu_probe_size(int low, int high, int threshold)
{
	if (high - low < threshold || high <= low)
		return 0;
	return (low + high) >> 1;
}

#endif /* _NET_XTCP_PMTU_H */
