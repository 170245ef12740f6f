// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp: walking a namespace's xtcp sockets for the dumps.
 *
 * xtcp shares the namespace's TCP hash tables with native TCP (see
 * design.rst, "Port space"), so the walk visits the same buckets
 * inet_diag does and keeps the sockets xtcp_owns().  Bucket locks are
 * held only while references to a small batch are taken; the callback
 * runs with no lock held.  Sockets can come and go between batches, so
 * a dump that spans several calls is, like inet_diag's, a best effort
 * snapshot: it may miss or repeat a socket that moved meanwhile.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/request_sock.h>
#include <net/tcp.h>

#include "diag.h"
#include "engine.h"
#include "protocol.h"

#define XTCP_WALK_BATCH	16

bool xtcp_diag_owns(const struct sock *sk)
{
	return xtcp_owns(sk);
}
EXPORT_SYMBOL_GPL(xtcp_diag_owns);

int xtcp_diag_abort(struct sock *sk, int err)
{
	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (!sk_fullsock(sk)) {
		struct request_sock *req;

		if (sk->sk_state != TCP_NEW_SYN_RECV)
			return -EOPNOTSUPP;
		req = inet_reqsk(sk);
		local_bh_disable();
		inet_csk_reqsk_queue_drop(req->rsk_listener, req);
		local_bh_enable();
		return 0;
	}

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		xtcp_set_state(sk, TCP_CLOSE);
		inet_csk_listen_stop(sk);
	}
	/* bh_lock_sock() too: close() and softirq input must not race. */
	local_bh_disable();
	bh_lock_sock(sk);
	if (!sock_flag(sk, SOCK_DEAD)) {
		WRITE_ONCE(sk->sk_err, err);
		smp_wmb(); /* sk_err before the state change is seen */
		sk_error_report(sk);
		/* RFC 9293 3.10.4, ABORT: a RST in these states. */
		if ((1 << sk->sk_state) &
		    (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 |
		     TCPF_FIN_WAIT2 | TCPF_SYN_RECV))
			xtcp_send_active_reset(sk, GFP_ATOMIC);
		if (sk->sk_state != TCP_CLOSE)
			xtcp_done(sk);
	}
	bh_unlock_sock(sk);
	local_bh_enable();
	release_sock(sk);
	return 0;
}
EXPORT_SYMBOL_GPL(xtcp_diag_abort);

int xtcp_sk_report_state(const struct sock *sk)
{
	if (sk->sk_state == TCP_TIME_WAIT)
		return READ_ONCE(inet_twsk(sk)->tw_substate);
	if (sk->sk_state == TCP_NEW_SYN_RECV)
		return TCP_SYN_RECV;
	return sk->sk_state;
}
EXPORT_SYMBOL_GPL(xtcp_sk_report_state);

/* Hand a batch to @fn; on failure remember where.  Drops every ref. */
static int xtcp_walk_batch(struct xtcp_walk_pos *pos, struct sock **arr,
			   const u32 *nums, int n,
			   int (*fn)(struct sock *sk, void *arg), void *arg)
{
	int i, err = 0;

	for (i = 0; i < n; i++) {
		if (!err) {
			err = fn(arr[i], arg);
			if (err)
				pos->num = nums[i];
		}
		sock_gen_put(arr[i]);
	}
	return err;
}

static int xtcp_walk_listen(struct net *net, struct inet_hashinfo *h,
			    struct xtcp_walk_pos *pos,
			    int (*fn)(struct sock *sk, void *arg), void *arg)
{
	struct sock *arr[XTCP_WALK_BATCH];
	u32 nums[XTCP_WALK_BATCH];
	int err;

	for (; pos->bucket <= h->lhash2_mask; pos->bucket++, pos->num = 0) {
		struct inet_listen_hashbucket *ilb = &h->lhash2[pos->bucket];
		struct hlist_nulls_node *node;
		struct sock *sk;
		u32 num;
		int n;
again:
		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		num = 0;
		n = 0;
		spin_lock(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head) {
			if (!net_eq(sock_net(sk), net) || !xtcp_owns(sk))
				continue;
			if (num++ < pos->num)
				continue;
			if (!refcount_inc_not_zero(&sk->sk_refcnt))
				continue;
			nums[n] = num - 1;
			arr[n++] = sk;
			if (n == XTCP_WALK_BATCH)
				break;
		}
		spin_unlock(&ilb->lock);
		err = xtcp_walk_batch(pos, arr, nums, n, fn, arg);
		if (err)
			return err;
		cond_resched();
		if (n == XTCP_WALK_BATCH) {
			pos->num = nums[n - 1] + 1;
			goto again;
		}
	}
	return 0;
}

static int xtcp_walk_ehash(struct net *net, struct inet_hashinfo *h,
			   struct xtcp_walk_pos *pos,
			   int (*fn)(struct sock *sk, void *arg), void *arg)
{
	struct sock *arr[XTCP_WALK_BATCH];
	u32 nums[XTCP_WALK_BATCH];
	int err;

	for (; pos->bucket <= h->ehash_mask; pos->bucket++, pos->num = 0) {
		struct inet_ehash_bucket *head = &h->ehash[pos->bucket];
		spinlock_t *lock = inet_ehash_lockp(h, pos->bucket);
		struct hlist_nulls_node *node;
		struct sock *sk;
		u32 num;
		int n;
again:
		if (hlist_nulls_empty(&head->chain))
			continue;
		num = 0;
		n = 0;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			if (!net_eq(sock_net(sk), net) || !xtcp_owns(sk))
				continue;
			if (num++ < pos->num)
				continue;
			if (!refcount_inc_not_zero(&sk->sk_refcnt))
				continue;
			nums[n] = num - 1;
			arr[n++] = sk;
			if (n == XTCP_WALK_BATCH)
				break;
		}
		spin_unlock_bh(lock);
		err = xtcp_walk_batch(pos, arr, nums, n, fn, arg);
		if (err)
			return err;
		cond_resched();
		if (n == XTCP_WALK_BATCH) {
			pos->num = nums[n - 1] + 1;
			goto again;
		}
	}
	return 0;
}

int xtcp_sk_walk(struct net *net, struct xtcp_walk_pos *pos,
		 int (*fn)(struct sock *sk, void *arg), void *arg)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	int err;

	if (pos->phase == 0) {
		err = xtcp_walk_listen(net, h, pos, fn, arg);
		if (err)
			return err;
		pos->phase = 1;
		pos->bucket = 0;
		pos->num = 0;
	}
	if (pos->phase == 1) {
		err = xtcp_walk_ehash(net, h, pos, fn, arg);
		if (err)
			return err;
		pos->phase = 2;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xtcp_sk_walk);
