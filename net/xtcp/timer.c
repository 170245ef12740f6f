// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: timers.
 *
 * The inet_connection_sock timers, with native TCP's division of labour:
 *	icsk_retransmit_timer	RTO (SYN, SYN-ACK, FIN and data), the
 *				zero-window probe (ICSK_TIME_PROBE0), RACK's
 *				reordering timer (ICSK_TIME_REO_TIMEOUT) and
 *				the tail loss probe (ICSK_TIME_LOSS_PROBE),
 *				one at a time as native (recovery.c)
 *	icsk_delack_timer	delayed ACK
 *	sk->sk_timer		keepalive, and the orphaned FIN_WAIT_2 bound
 *
 * A timer that fires while the owner holds the socket lock sets a
 * TCP_*_DEFERRED bit in sk->sk_tsq_flags (with a socket reference) and
 * xtcp_release_cb() runs it when the lock is released.
 */
#include <linux/jiffies.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/proto_memory.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine_priv.h"
#include "trace.h"

void xtcp_reset_xmit_timer(struct sock *sk, int what, unsigned long when)
{
	inet_csk_reset_xmit_timer(sk, what, when, XTCP_RTO_MAX);
}

/* Native tcp_rearm_rto(): the RTO of the head.  When a probe or the
 * reordering timer had the slot, the RTO still counts from the head's
 * (re)transmission, not from now (RFC 8985 7.3).
 */
void xtcp_rearm_rto(struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	u32 rto = icsk->icsk_rto;

	if (!tcp_sk(sk)->packets_out) {
		inet_csk_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
		return;
	}
	if (icsk->icsk_pending == ICSK_TIME_REO_TIMEOUT ||
	    icsk->icsk_pending == ICSK_TIME_LOSS_PROBE) {
		s64 delta = xtcp_rto_delta_us(sk);

		rto = usecs_to_jiffies(max_t(s64, delta, 1));
	}
	xtcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, rto);
}

/* --- RTT and RTO (RFC 6298 with native Linux's scaling and bounds) ---
 * Fed by input.c's ACK processing; here beside the timer they set.
 */

void xtcp_set_rto(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 rto = usecs_to_jiffies((tp->srtt_us >> 3) + tp->rttvar_us);

	inet_csk(sk)->icsk_rto = min_t(u32, rto, XTCP_RTO_MAX);
}

void xtcp_rtt_estimator(struct sock *sk, long m, long ca_rtt)
{
	struct tcp_sock *tp = tcp_sk(sk);
	/* icsk_rto_min, or a route's locked rto_min metric (native). */
	u32 rto_min_us = tcp_rto_min_us(sk);
	u32 now = tcp_jiffies32;

	if (m <= 0)
		m = 1;
	if (tp->srtt_us) {
		long err = m - (tp->srtt_us >> 3);

		tp->srtt_us += err;		/* srtt = 7/8 srtt + 1/8 m */
		if (err < 0)
			err = -err;
		err -= tp->mdev_us >> 2;
		tp->mdev_us += err;		/* mdev = 3/4 mdev + 1/4 |err| */
	} else {
		tp->srtt_us = m << 3;
		tp->mdev_us = m << 1;
	}
	if (!tp->srtt_us)
		tp->srtt_us = 1;
	tp->mdev_max_us = tp->mdev_us;
	tp->rttvar_us = max(tp->mdev_us, rto_min_us);
	/* Windowed minimum (net.ipv4.tcp_min_rtt_wlen's 300 s default),
	 * for RACK's reordering window and cubic's HyStart, from the newest
	 * segment's RTT (@ca_rtt) as native; never below a microsecond.
	 */
	minmax_running_min(&tp->rtt_min, 300 * HZ, now,
			   max_t(long, ca_rtt, 1));
	xtcp_set_rto(sk);
}

int xtcp_fin_time(const struct sock *sk)
{
	int tmo = READ_ONCE(tcp_sk(sk)->linger2) ? :
		  READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_fin_timeout);
	const int rto = inet_csk(sk)->icsk_rto;

	if (tmo < (rto << 2) - (rto >> 1))
		tmo = (rto << 2) - (rto >> 1);
	return tmo;
}

u32 xtcp_keepalive_time_when(const struct sock *sk)
{
	return READ_ONCE(tcp_sk(sk)->keepalive_time) ? :
	       READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_keepalive_time);
}

static u32 xtcp_keepalive_intvl_when(const struct sock *sk)
{
	return READ_ONCE(tcp_sk(sk)->keepalive_intvl) ? :
	       READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_keepalive_intvl);
}

static int xtcp_keepalive_probes(const struct sock *sk)
{
	return READ_ONCE(tcp_sk(sk)->keepalive_probes) ? :
	       READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_keepalive_probes);
}

void xtcp_set_keepalive(struct sock *sk, int val)
{
	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	if (val && !sock_flag(sk, SOCK_KEEPOPEN))
		inet_csk_reset_keepalive_timer(sk, xtcp_keepalive_time_when(sk));
	else if (!val)
		inet_csk_delete_keepalive_timer(sk);
}

void xtcp_reset_keepalive_timer(struct sock *sk, unsigned long len)
{
	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	inet_csk_reset_keepalive_timer(sk, len);
}

/* Native tcp_orphan_retries(): 0 means 8 while the RTO still grows. */
static int xtcp_orphan_retries(struct sock *sk, bool alive)
{
	int retries = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_orphan_retries);

	if (READ_ONCE(sk->sk_err_soft) && !alive)
		retries = 0;
	if (retries == 0 && alive)
		retries = 8;
	return retries;
}

/* Native tcp_check_oom(): too many orphans or over tcp_mem[2].  The
 * orphan limit is native's default for a small machine (tcp_max_orphans
 * has no xtcp sysctl yet).
 */
#define XTCP_MAX_ORPHANS	4096

bool xtcp_check_oom(struct sock *sk, int shift)
{
	int orphans = xtcp_orphan_count_sum();

	if (orphans << shift > XTCP_MAX_ORPHANS) {
		net_info_ratelimited("xtcp: too many orphaned sockets\n");
		return true;
	}
	if (sk->sk_prot->memory_allocated &&
	    sk_memory_allocated(sk) > sk_prot_mem_limits(sk, 2)) {
		net_info_ratelimited("xtcp: out of memory\n");
		return true;
	}
	return false;
}

static void xtcp_write_err(struct sock *sk)
{
	int err = READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT;

	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPABORTONTIMEOUT);
	xtcp_done_with_error(sk, err);
}

/*
 * How long @boundary retransmissions take with exponential backoff from
 * @rto_base, capped at the RTO maximum, in ms: the time tcp_retries2 (and
 * the orphan retries) stand for, as Linux reads them
 * (tcp_model_timeout()), so that a lowered RTO does not shorten it.
 */
static u32 xtcp_model_timeout_ms(unsigned int boundary, unsigned int rto_base)
{
	unsigned int thresh = ilog2(XTCP_RTO_MAX / rto_base);
	u64 t;

	if (boundary <= thresh)
		t = ((2ULL << boundary) - 1) * rto_base;
	else
		t = ((2ULL << thresh) - 1) * rto_base +
		    (u64)(boundary - thresh) * XTCP_RTO_MAX;
	return jiffies_to_msecs(min_t(u64, t, MAX_JIFFY_OFFSET));
}

/* Linux's retransmits_timed_out(): the time since the first
 * retransmission of the head reached @timeout_ms (TCP_USER_TIMEOUT), or
 * without one the modelled time of @boundary retransmissions.
 */
static bool xtcp_retransmits_timed_out(struct sock *sk, unsigned int boundary,
				       u32 timeout_ms)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (!inet_csk(sk)->icsk_retransmits)
		return false;
	if (!tp->retrans_stamp)	/* no start to measure from: count */
		return inet_csk(sk)->icsk_retransmits >= boundary;
	if (!timeout_ms)
		timeout_ms = xtcp_model_timeout_ms(boundary, XTCP_RTO_MIN);
	return (s32)(tcp_time_stamp_ms(tp) - tp->retrans_stamp -
		     timeout_ms) >= 0;
}

/* Whether the connection has run out of retries; if so, kill it. */
static bool xtcp_write_timeout(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct xtcp_pernet *pn = xtcp_sk_pernet(sk);
	u32 user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	int retry_until;

	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/* A handshake retransmission: maybe the route is bad. */
		if (icsk->icsk_retransmits)
			__dst_negative_advice(sk);
		retry_until = READ_ONCE(icsk->icsk_syn_retries) ? :
			      READ_ONCE(pn->sysctl_tcp_syn_retries);
	} else {
		/* RFC 1122 4.2.3.5 threshold R1 (tcp_retries1, a time bound
		 * as native's): suspect an MTU black hole (RFC 4821 7.7)
		 * and ask the IP layer to re-check the route.
		 */
		int r1 = READ_ONCE(pn->sysctl_tcp_retries1);

		if (xtcp_retransmits_timed_out(sk, r1, 0)) {
			xtcp_mtu_blackhole(sk);
			__dst_negative_advice(sk);
		}
		retry_until = READ_ONCE(pn->sysctl_tcp_retries2);
		if (sock_flag(sk, SOCK_DEAD)) {
			bool alive = icsk->icsk_rto < XTCP_RTO_MAX;

			retry_until = xtcp_orphan_retries(sk, alive);
			if (xtcp_check_oom(sk, 0)) {
				xtcp_send_active_reset(sk, GFP_ATOMIC);
				xtcp_done(sk);
				return true;
			}
		}
	}
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/* The handshake counts its retransmissions; TCP_USER_TIMEOUT
		 * bounds it in time as well (native tcp_write_timeout()).
		 */
		if (icsk->icsk_retransmits >= retry_until ||
		    (user_timeout &&
		     xtcp_retransmits_timed_out(sk, retry_until,
						user_timeout))) {
			xtcp_write_err(sk);
			return true;
		}
		return false;
	}
	/* Established and closing states: a time bound, as in Linux. */
	if (xtcp_retransmits_timed_out(sk, retry_until, user_timeout)) {
		xtcp_write_err(sk);
		return true;
	}
	return false;
}

/*
 * The next RTO, but no later than TCP_USER_TIMEOUT after the first
 * retransmission, so the connection ends when the user said and not at
 * the first backed-off timeout after it (native
 * tcp_clamp_rto_to_user_timeout()).
 */
static u32 xtcp_clamp_rto_to_user_timeout(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	s32 remaining;

	if (!user_timeout || !tp->retrans_stamp)
		return icsk->icsk_rto;
	remaining = user_timeout - (tcp_time_stamp_ms(tp) - tp->retrans_stamp);
	if (remaining <= 0)
		return 1;	/* already due: fire at once */
	return min_t(u32, icsk->icsk_rto, msecs_to_jiffies(remaining));
}

static void xtcp_retransmit_timer(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	if (!tp->packets_out)
		return;
	skb = skb_rb_first(&sk->tcp_rtx_queue);
	if (WARN_ON_ONCE(!skb))
		return;
	if (xtcp_write_timeout(sk))
		return;

	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TCPTIMEOUTS);
	trace_xtcp_rto(sk);
	if (!((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		xtcp_enter_loss(sk);
	icsk->icsk_retransmits++;
	if (xtcp_retransmit_skb(sk, skb)) {
		/* Local congestion: try again soon, without backoff. */
		xtcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS,
				      min_t(u32, icsk->icsk_rto,
					    TCP_RESOURCE_PROBE_INTERVAL));
		return;
	}
	icsk->icsk_backoff++;
	icsk->icsk_rto = min_t(u32, icsk->icsk_rto << 1, XTCP_RTO_MAX);
	xtcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS,
			      xtcp_clamp_rto_to_user_timeout(sk));
}

static void xtcp_probe_timer(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int max_probes;

	if (tp->packets_out || !skb_peek(&sk->sk_write_queue)) {
		icsk->icsk_probes_out = 0;
		icsk->icsk_probes_tstamp = 0;
		return;
	}
	/* RFC 9293 3.8.6.1: probing goes on as long as the receiver
	 * answers (each ACK clears icsk_probes_out).  TCP_USER_TIMEOUT
	 * bounds the time since the first probe without a window, as
	 * native tcp_probe_timer() does; tcp_retries2 (or the orphan
	 * retries) bounds the unanswered probes.
	 */
	if (!icsk->icsk_probes_tstamp) {
		icsk->icsk_probes_tstamp = tcp_jiffies32;
	} else {
		u32 user_timeout = READ_ONCE(icsk->icsk_user_timeout);

		if (user_timeout &&
		    (s32)(tcp_jiffies32 - icsk->icsk_probes_tstamp) >=
		    (s32)msecs_to_jiffies(user_timeout))
			goto abort;
	}
	max_probes = READ_ONCE(xtcp_sk_pernet(sk)->sysctl_tcp_retries2);
	if (sock_flag(sk, SOCK_DEAD)) {
		bool alive = inet_csk_rto_backoff(icsk, XTCP_RTO_MAX) <
			     XTCP_RTO_MAX;

		max_probes = xtcp_orphan_retries(sk, alive);
		if (!alive && icsk->icsk_backoff >= max_probes)
			goto abort;
		/* Native tcp_out_of_resources(). */
		if (xtcp_check_oom(sk, 0)) {
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			xtcp_done(sk);
			return;
		}
	}
	if (icsk->icsk_probes_out >= max_probes) {
abort:
		xtcp_write_err(sk);
		return;
	}
	xtcp_send_probe0(sk);
}

static void xtcp_write_timer_handler(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	int event;

	if (((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)) ||
	    !icsk->icsk_pending)
		return;
	if (time_after(icsk->icsk_timeout, jiffies)) {
		sk_reset_timer(sk, &icsk->icsk_retransmit_timer,
			       icsk->icsk_timeout);
		return;
	}
	xtcp_mstamp_refresh(tcp_sk(sk));
	event = icsk->icsk_pending;
	/* Release pairs with the lockless readers of icsk_pending
	 * (inet_diag, TCP_INFO), as native TCP does.
	 */
	smp_store_release(&icsk->icsk_pending, 0);
	switch (event) {
	case ICSK_TIME_RETRANS:
		xtcp_retransmit_timer(sk);
		break;
	case ICSK_TIME_PROBE0:
		xtcp_probe_timer(sk);
		break;
	case ICSK_TIME_REO_TIMEOUT:
		xtcp_rack_reo_timeout(sk);
		break;
	case ICSK_TIME_LOSS_PROBE:
		xtcp_send_loss_probe(sk);
		break;
	default:
		break;
	}
}

static void xtcp_write_timer(struct timer_list *t)
{
	struct inet_connection_sock *icsk =
			from_timer(icsk, t, icsk_retransmit_timer);
	struct sock *sk = &icsk->icsk_inet.sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		xtcp_write_timer_handler(sk);
	else if (!test_and_set_bit(TCP_WRITE_TIMER_DEFERRED, &sk->sk_tsq_flags))
		sock_hold(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void xtcp_delack_timer_handler(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	if (!(icsk->icsk_ack.pending & ICSK_ACK_TIMER))
		return;
	if (time_after(icsk->icsk_ack.timeout, jiffies)) {
		sk_reset_timer(sk, &icsk->icsk_delack_timer,
			       icsk->icsk_ack.timeout);
		return;
	}
	icsk->icsk_ack.pending &= ~ICSK_ACK_TIMER;
	if (inet_csk_ack_scheduled(sk)) {
		if (!inet_csk_in_pingpong_mode(sk)) {
			/* Delayed ACK missed: inflate the ATO. */
			icsk->icsk_ack.ato = min_t(u32, icsk->icsk_ack.ato << 1,
						   icsk->icsk_rto);
		} else {
			inet_csk_exit_pingpong_mode(sk);
			icsk->icsk_ack.ato = XTCP_ATO_MIN;
		}
		xtcp_send_ack(sk);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DELAYEDACKS);
	}
}

static void xtcp_delack_timer(struct timer_list *t)
{
	struct inet_connection_sock *icsk =
			from_timer(icsk, t, icsk_delack_timer);
	struct sock *sk = &icsk->icsk_inet.sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		xtcp_delack_timer_handler(sk);
	else if (!test_and_set_bit(TCP_DELACK_TIMER_DEFERRED,
				   &sk->sk_tsq_flags))
		sock_hold(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void xtcp_keepalive_timer(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 elapsed;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		inet_csk_reset_keepalive_timer(sk, HZ / 20);
		goto out;
	}
	if (sk->sk_state == TCP_LISTEN)
		goto out;
	xtcp_mstamp_refresh(tp);

	if (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		if (READ_ONCE(tp->linger2) >= 0) {
			int tmo = xtcp_fin_time(sk) - XTCP_TIMEWAIT_LEN;

			if (tmo > 0) {
				xtcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
				goto out;
			}
		}
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_done(sk);
		goto out;
	}

	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT)))
		goto out;

	elapsed = xtcp_keepalive_time_when(sk);
	if (tp->packets_out || skb_peek(&sk->sk_write_queue))
		goto resched;

	elapsed = min_t(u32, tcp_jiffies32 - icsk->icsk_ack.lrcvtime,
			tcp_jiffies32 - tp->rcv_tstamp);
	if (elapsed >= xtcp_keepalive_time_when(sk)) {
		u32 user_timeout = READ_ONCE(icsk->icsk_user_timeout);

		/* TCP_USER_TIMEOUT, when set, replaces the probe count:
		 * give up once that long has passed without hearing from
		 * the peer and a probe went unanswered (native
		 * tcp_keepalive_timer()).
		 */
		if ((user_timeout &&
		     elapsed >= msecs_to_jiffies(user_timeout) &&
		     icsk->icsk_probes_out > 0) ||
		    (!user_timeout &&
		     icsk->icsk_probes_out >= xtcp_keepalive_probes(sk))) {
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			xtcp_write_err(sk);
			goto out;
		}
		if (xtcp_write_wakeup(sk) <= 0) {
			icsk->icsk_probes_out++;
			elapsed = xtcp_keepalive_intvl_when(sk);
		} else {
			elapsed = TCP_RESOURCE_PROBE_INTERVAL;
		}
	} else {
		elapsed = xtcp_keepalive_time_when(sk) - elapsed;
	}
resched:
	inet_csk_reset_keepalive_timer(sk, elapsed);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
}

void xtcp_init_xmit_timers(struct sock *sk)
{
	inet_csk_init_xmit_timers(sk, xtcp_write_timer, xtcp_delack_timer,
				  xtcp_keepalive_timer);
}

#define XTCP_DEFERRED_ALL (TCPF_WRITE_TIMER_DEFERRED |		\
			   TCPF_DELACK_TIMER_DEFERRED |		\
			   TCPF_MTU_REDUCED_DEFERRED)

void xtcp_release_cb(struct sock *sk)
{
	/* Acquire pairs with the test_and_set_bit() of the timers. */
	unsigned long flags = smp_load_acquire(&sk->sk_tsq_flags);
	unsigned long nflags;

	do {
		if (!(flags & XTCP_DEFERRED_ALL))
			return;
		nflags = flags & ~XTCP_DEFERRED_ALL;
	} while (!try_cmpxchg(&sk->sk_tsq_flags, &flags, nflags));

	if (flags & TCPF_WRITE_TIMER_DEFERRED) {
		xtcp_write_timer_handler(sk);
		__sock_put(sk);
	}
	if (flags & TCPF_DELACK_TIMER_DEFERRED) {
		xtcp_delack_timer_handler(sk);
		__sock_put(sk);
	}
	if (flags & TCPF_MTU_REDUCED_DEFERRED) {
		inet_csk(sk)->icsk_af_ops->mtu_reduced(sk);
		__sock_put(sk);
	}
}
