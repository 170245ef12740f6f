// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: socket options at SOL_TCP, for both families.
 *
 * Each option has the meaning, range and errno it has on a native Linux
 * 6.12 TCP socket.  An option xtcp does not implement yet answers
 * ENOPROTOOPT, in both directions, rather than pretend: a program can
 * tell "not built" from "accepted and ignored".  Other levels go to the
 * address family (ip_setsockopt()/ipv6_setsockopt() through icsk_af_ops),
 * as for native TCP; SOL_SOCKET never reaches here.
 *
 * Built:	TCP_NODELAY, TCP_CORK, TCP_MAXSEG, TCP_KEEPIDLE,
 *		TCP_KEEPINTVL, TCP_KEEPCNT, TCP_QUICKACK, TCP_SYNCNT,
 *		TCP_LINGER2, TCP_NOTSENT_LOWAT, TCP_USER_TIMEOUT,
 *		TCP_INFO (read only),
 *		TCP_CONGESTION (cong.c)
 */
#include <linux/errno.h>
#include <linux/sockptr.h>
#include <linux/tcp.h>
#include <linux/uaccess.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "engine.h"
#include "info.h"
#include "protocol.h"

/* The per-socket TCP_KEEP* value if set, else the namespace's
 * net.xtcp.tcp_keepalive_* (keepalive_*_when() for native TCP).
 */
static int xtcp_sock_keepidle(const struct sock *sk)
{
	int val = READ_ONCE(tcp_sk(sk)->keepalive_time);

	return val ? :
	       READ_ONCE(xtcp_pernet(sock_net(sk))->sysctl_tcp_keepalive_time);
}

static int xtcp_sock_keepintvl(const struct sock *sk)
{
	int val = READ_ONCE(tcp_sk(sk)->keepalive_intvl);

	return val ? :
	       READ_ONCE(xtcp_pernet(sock_net(sk))->sysctl_tcp_keepalive_intvl);
}

static int xtcp_sock_keepcnt(const struct sock *sk)
{
	int val = READ_ONCE(tcp_sk(sk)->keepalive_probes);

	return val ? :
	       READ_ONCE(xtcp_pernet(sock_net(sk))->sysctl_tcp_keepalive_probes);
}

/* TCP_KEEPIDLE: re-arm the timer so the new idle time counts from the
 * last activity, as native TCP does.
 */
static int xtcp_set_keepidle(struct sock *sk, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (val < 1 || val > MAX_TCP_KEEPIDLE)
		return -EINVAL;

	WRITE_ONCE(tp->keepalive_time, val * HZ);
	if (sock_flag(sk, SOCK_KEEPOPEN) &&
	    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))) {
		u32 elapsed = keepalive_time_elapsed(tp);
		u32 when = tp->keepalive_time;

		xtcp_reset_keepalive_timer(sk, when > elapsed ?
					   when - elapsed : 0);
	}
	return 0;
}

static void xtcp_set_quickack(struct sock *sk, int val)
{
	if (!val) {
		inet_csk_enter_pingpong_mode(sk);
		return;
	}

	inet_csk_exit_pingpong_mode(sk);
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT) &&
	    inet_csk_ack_scheduled(sk)) {
		xtcp_send_ack(sk);
		/* Even values: one immediate ACK, then back to delayed. */
		if (!(val & 1))
			inet_csk_enter_pingpong_mode(sk);
	}
}

static int xtcp_do_setsockopt(struct sock *sk, int optname,
			      sockptr_t optval, unsigned int optlen)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int err = 0;
	int val;

	if (optname == TCP_CONGESTION)	/* a string, not an int */
		return xtcp_setsockopt_congestion(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);

	switch (optname) {
	case TCP_NODELAY:
		if (val) {
			tp->nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
			xtcp_push(sk, 0, tp->nonagle);
		} else {
			tp->nonagle &= ~TCP_NAGLE_OFF;
		}
		break;

	case TCP_CORK:
		if (val) {
			tp->nonagle |= TCP_NAGLE_CORK;
		} else {
			tp->nonagle &= ~TCP_NAGLE_CORK;
			if (tp->nonagle & TCP_NAGLE_OFF)
				tp->nonagle |= TCP_NAGLE_PUSH;
			xtcp_push(sk, 0, tp->nonagle);
		}
		break;

	case TCP_MAXSEG:
		/* Checked against the route once the MSS is computed. */
		if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW)) {
			err = -EINVAL;
			break;
		}
		tp->rx_opt.user_mss = val;
		break;

	case TCP_KEEPIDLE:
		err = xtcp_set_keepidle(sk, val);
		break;

	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			err = -EINVAL;
		else
			WRITE_ONCE(tp->keepalive_intvl, val * HZ);
		break;

	case TCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			err = -EINVAL;
		else
			WRITE_ONCE(tp->keepalive_probes, val);
		break;

	case TCP_QUICKACK:
		xtcp_set_quickack(sk, val);
		break;

	case TCP_SYNCNT:
		if (val < 1 || val > MAX_TCP_SYNCNT)
			err = -EINVAL;
		else
			WRITE_ONCE(icsk->icsk_syn_retries, val);
		break;

	case TCP_LINGER2:
		if (val < 0)
			WRITE_ONCE(tp->linger2, -1);
		else if (val > TCP_FIN_TIMEOUT_MAX / HZ)
			WRITE_ONCE(tp->linger2, TCP_FIN_TIMEOUT_MAX);
		else
			WRITE_ONCE(tp->linger2, val * HZ);
		break;

	case TCP_NOTSENT_LOWAT:
		WRITE_ONCE(tp->notsent_lowat, val);
		sk->sk_write_space(sk);
		break;

	case TCP_USER_TIMEOUT:
		/* ms; bounds how long sent data may stay unacknowledged
		 * (timer.c), in place of tcp_retries2.
		 */
		if (val < 0)
			err = -EINVAL;
		else
			WRITE_ONCE(icsk->icsk_user_timeout, val);
		break;

	default:
		err = -ENOPROTOOPT;
		break;
	}

	release_sock(sk);
	return err;
}

int xtcp_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	const struct inet_connection_sock_af_ops *af_ops;

	if (level == SOL_TCP)
		return xtcp_do_setsockopt(sk, optname, optval, optlen);

	/* Paired with the WRITE_ONCE() when a v4-mapped connect swaps it. */
	af_ops = READ_ONCE(inet_csk(sk)->icsk_af_ops);
	if (!af_ops->setsockopt)
		return -ENOPROTOOPT;
	return af_ops->setsockopt(sk, level, optname, optval, optlen);
}

static int xtcp_getsockopt_info(struct sock *sk, char __user *optval,
				int __user *optlen)
{
	struct tcp_info info;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	/* info.c: the same filler as sock_diag and the netlink dump. */
	xtcp_get_info(sk, &info);

	len = min_t(unsigned int, len, sizeof(info));
	if (put_user(len, optlen))
		return -EFAULT;
	if (copy_to_user(optval, &info, len))
		return -EFAULT;
	return 0;
}

static int xtcp_do_getsockopt(struct sock *sk, int optname,
			      char __user *optval, int __user *optlen)
{
	struct xtcp_pernet *pernet = xtcp_pernet(sock_net(sk));
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int val, len;

	if (optname == TCP_INFO)
		return xtcp_getsockopt_info(sk, optval, optlen);
	if (optname == TCP_CONGESTION)
		return xtcp_getsockopt_congestion(sk, optval, optlen);

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, sizeof(int));

	switch (optname) {
	case TCP_NODELAY:
		val = !!(tp->nonagle & TCP_NAGLE_OFF);
		break;
	case TCP_CORK:
		val = !!(tp->nonagle & TCP_NAGLE_CORK);
		break;
	case TCP_MAXSEG:
		val = tp->mss_cache;
		if (tp->rx_opt.user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = tp->rx_opt.user_mss;
		break;
	case TCP_KEEPIDLE:
		val = xtcp_sock_keepidle(sk) / HZ;
		break;
	case TCP_KEEPINTVL:
		val = xtcp_sock_keepintvl(sk) / HZ;
		break;
	case TCP_KEEPCNT:
		val = xtcp_sock_keepcnt(sk);
		break;
	case TCP_QUICKACK:
		val = !inet_csk_in_pingpong_mode(sk);
		break;
	case TCP_SYNCNT:
		val = READ_ONCE(icsk->icsk_syn_retries) ? :
			READ_ONCE(pernet->sysctl_tcp_syn_retries);
		break;
	case TCP_LINGER2:
		val = READ_ONCE(tp->linger2);
		if (val >= 0)
			val = (val ? :
			       READ_ONCE(pernet->sysctl_tcp_fin_timeout)) / HZ;
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(tp->notsent_lowat);
		break;
	case TCP_USER_TIMEOUT:
		val = READ_ONCE(icsk->icsk_user_timeout);
		break;
	default:
		return -ENOPROTOOPT;
	}

	if (put_user(len, optlen))
		return -EFAULT;
	if (copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

int xtcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	const struct inet_connection_sock_af_ops *af_ops;

	if (level == SOL_TCP)
		return xtcp_do_getsockopt(sk, optname, optval, optlen);

	af_ops = READ_ONCE(inet_csk(sk)->icsk_af_ops);
	if (!af_ops->getsockopt)
		return -ENOPROTOOPT;
	return af_ops->getsockopt(sk, level, optname, optval, optlen);
}
