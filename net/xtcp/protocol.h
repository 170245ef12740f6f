/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp: definitions private to xtcp.ko.
 *
 * Layering, bottom up (main.c brings them up in this order and takes
 * them down in reverse):
 *
 *	ctrl.c		per-network-namespace state and the net.xtcp sysctls
 *	demux.c		the receive hook in inet_protos[] / inet6_protos[]
 *	socket.c	struct proto / proto_ops, socket(IPPROTO_XTCP);
 *			socket6.c the AF_INET6 side, sockopt.c SOL_TCP
 *
 * The protocol engine (input, output, timers, listen, timewait) talks to
 * the socket layer only through the functions declared in engine.h.
 */
#ifndef _NET_XTCP_PROTOCOL_H
#define _NET_XTCP_PROTOCOL_H

#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/ipv6.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/poll.h>
#include <linux/stddef.h>
#include <linux/tcp.h>
#include <linux/types.h>
#include <net/inet_timewait_sock.h>
#include <net/inet_connection_sock.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <net/tcp.h>

#include <uapi/linux/xtcp.h>

#include "mib.h"

/**
 * struct xtcp_sock - the xtcp control block
 * @tcp: a complete native TCP control block. It must stay the first
 *	member: the kernel's tcp_congestion_ops modules (cubic, bbr, ...)
 *	are handed a struct sock * and read it with tcp_sk(), so an xtcp
 *	socket has to be a struct tcp_sock at offset 0. Fields that those
 *	modules read keep their native meaning and native locking (the
 *	socket lock, or bh_lock_sock() in softirq).
 * @flags: XTCP_SK_* bits. Atomic bitops only, so any context may read
 *	or change them without the socket lock.
 * @fack: the highest sequence SACKed so far ("forward ACK"; RFC 6675's
 *	HighSACK end), for the reordering estimate.  Socket lock.
 *
 * xtcp-private state goes after @tcp, never inside it.
 */
struct xtcp_sock {
	struct tcp_sock	tcp;
	unsigned long	flags;
	u32		fack;
};

/**
 * struct xtcp_skb_cb - per-segment control data in skb->cb
 * @seq: first sequence number of the segment
 * @end_seq: @seq + SYN + payload length + FIN
 * @tcp_flags: TCPHDR_* flags of the segment (tcp[13])
 * @sacked: XTCP_SKB_* state bits (retransmitted, SACKed, lost ...)
 * @gso_segs: number of MSS-sized segments in this skb (write queue)
 * @tx_stamp_us: when this skb was (last) sent, in tcp_clock_us() units
 * @ack_seq: on receive, the segment's acknowledgment number
 * @header: on receive, the IP layer's control block, moved here from
 *	offset 0 so it survives while the skb waits in a queue
 *
 * Layout rules: 48 bytes at most (sizeof(skb->cb)); the IP layer's
 * inet_skb_parm/inet6_skb_parm live at offset 0 on the way in and must
 * be cleared on the clone handed to the IP layer on the way out.
 */
struct xtcp_skb_cb {
	u32	seq;
	u32	end_seq;
	u8	tcp_flags;
	u8	sacked;
	u16	gso_segs;
	u32	ack_seq;
	u64	tx_stamp_us;
	union {
		struct inet_skb_parm	h4;
#if IS_ENABLED(CONFIG_IPV6)
		struct inet6_skb_parm	h6;
#endif
	} header;
};

#define XTCP_SKB_CB(skb)	((struct xtcp_skb_cb *)&((skb)->cb[0]))

/* XTCP_SKB_CB(skb)->sacked bits. */
#define XTCP_SKB_RETRANS	0x01	/* a retransmission is in flight
					 * (counted in retrans_out)
					 */
#define XTCP_SKB_SACKED		0x02	/* SACKed by the peer (sacked_out) */
#define XTCP_SKB_LOST		0x04	/* deemed lost (lost_out); stays set
					 * while its retransmission is out
					 */
#define XTCP_SKB_EVER_RETRANS	0x08	/* retransmitted at least once */

static_assert(offsetof(struct xtcp_sock, tcp) == 0);

/* Bits in xtcp_sock::flags. */
enum {
	XTCP_SK_COUNTED,	/* counted in /proc/net/protocols "sockets" */
};

#if IS_ENABLED(CONFIG_IPV6)
/**
 * struct xtcp6_sock - an AF_INET6 xtcp socket
 * @xtcp: the control block, first for the same reason as in xtcp_sock
 * @inet6: IPv6 socket state; inet6_create() finds it through
 *	xtcp6_prot.ipv6_pinfo_offset.
 */
struct xtcp6_sock {
	struct xtcp_sock	xtcp;
	struct ipv6_pinfo	inet6;
};
#endif

#define xtcp_sk(ptr)	container_of_const(tcp_sk(ptr), struct xtcp_sock, tcp)

/**
 * struct xtcp_pernet - per-network-namespace xtcp state
 * @default_enable: placeholder for the future net.xtcp.default sysctl:
 *	whether plain socket(AF_INET*, SOCK_STREAM, 0) gets xtcp. Only 0
 *	(off) exists today; nothing reads it yet.
 *
 * Allocated and zeroed by the netns core (pernet_operations.size) before
 * ctrl.c's init runs, freed after the namespace is gone. Config fields
 * are written by their sysctl handler and read locklessly by the data
 * path: WRITE_ONCE()/READ_ONCE().
 */
struct xtcp_pernet {
	/* Its namespace: set before anything can see this struct, never
	 * changed after, so read without a lock.
	 */
	struct net *net;
	int	default_enable;

	/* net.xtcp.tcp_* knobs: Linux 6.12 names, units and defaults.
	 * Seconds and milliseconds are stored in jiffies where Linux's
	 * sysctl does the same (proc_dointvec_jiffies), so the engine never
	 * converts on the fast path.
	 */
	int	sysctl_tcp_syn_retries;		/* 6 */
	int	sysctl_tcp_synack_retries;	/* 5 */
	int	sysctl_tcp_orphan_retries;	/* 0 (means 8) */
	int	sysctl_tcp_retries1;		/* 3 */
	int	sysctl_tcp_retries2;		/* 15 */
	int	sysctl_tcp_fin_timeout;		/* 60 s, jiffies */
	int	sysctl_tcp_keepalive_time;	/* 7200 s, jiffies */
	int	sysctl_tcp_keepalive_intvl;	/* 75 s, jiffies */
	int	sysctl_tcp_keepalive_probes;	/* 9 */
	int	sysctl_tcp_timestamps;		/* 1 */
	int	sysctl_tcp_window_scaling;	/* 1 */
	int	sysctl_tcp_sack;		/* 1 */
	int	sysctl_tcp_tw_reuse;		/* 2: loopback only */
	int	sysctl_tcp_max_syn_backlog;	/* scales with memory */
	int	sysctl_tcp_invalid_ratelimit;	/* 500 ms, jiffies */
	int	sysctl_tcp_rmem[3];		/* 4096 131072 6291456 */
	int	sysctl_tcp_wmem[3];		/* 4096 16384 4194304 */
	int	sysctl_tcp_base_mss;		/* 1024 */
	int	sysctl_tcp_min_snd_mss;		/* 48 */
	/* Path MTU black holes (pmtu.c). */
	int	sysctl_tcp_mtu_probing;		/* 0 */
	int	sysctl_tcp_mtu_probe_floor;	/* 48 */
	int	sysctl_tcp_probe_threshold;	/* 8 bytes */
	unsigned int sysctl_tcp_probe_interval;	/* 600 s, in seconds */
	int	sysctl_tcp_rfc1337;		/* 0 */
	int	sysctl_tcp_abort_on_overflow;	/* 0 */
	int	sysctl_tcp_syncookies;		/* 1: when the SYN queue is full */

	/* Loss recovery and congestion control (cong.c, recovery.c). */
	int	sysctl_tcp_slow_start_after_idle; /* 1 */
	int	sysctl_tcp_reordering;		/* 3 (TCP_FASTRETRANS_THRESH) */
	int	sysctl_tcp_max_reordering;	/* 300 */
	int	sysctl_tcp_recovery;		/* 1: RACK (TCP_RACK_LOSS_DETECTION) */
	int	sysctl_tcp_early_retrans;	/* 3: TLP on */
	int	sysctl_tcp_frto;		/* 2 */
	int	sysctl_tcp_dsack;		/* 1 */
	int	sysctl_tcp_pacing_ss_ratio;	/* 200 (%) */
	int	sysctl_tcp_pacing_ca_ratio;	/* 120 (%) */
	/* net.xtcp.tcp_congestion_control: NULL until written, meaning the
	 * namespace's native default (net.ipv4.tcp_congestion_control).
	 * RCU; a set value holds a reference on the algorithm's module.
	 */
	const struct tcp_congestion_ops __rcu *ca_default;

	/* TIME_WAIT accounting: xtcp's own death row, so that
	 * net.xtcp.tcp_max_tw_buckets bounds xtcp's TIME_WAIT sockets and
	 * not native TCP's.  .hashinfo is the namespace's TCP hash table,
	 * which xtcp shares with native TCP (see design.rst, "Port space").
	 */
	struct inet_timewait_death_row tw_death_row;

	/* Control sockets for segments sent without a full socket (RST
	 * to a closed port's peers, ACKs from TIME_WAIT), one per CPU
	 * and family, as native TCP has.
	 */
	struct sock * __percpu *ctl_sk4;
	struct sock * __percpu *ctl_sk6;

	/* Counters (LINUX_MIB names where the meaning matches); issue 5
	 * exposes them. Per-CPU, updated without locks.
	 */
	struct xtcp_mib __percpu *mib;

	/* The net.xtcp sysctl table registered for this namespace (a copy
	 * of ctrl.c's template pointing into this struct).
	 */
	struct ctl_table_header *sysctl_hdr;
};

extern unsigned int xtcp_pernet_id;

static inline struct xtcp_pernet *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_pernet_id);
}

int xtcp_ctrl_init(void);
void xtcp_ctrl_exit(void);

/* cong.c: the net.xtcp.tcp_congestion_control handler and its
 * namespace-exit cleanup (ctrl.c's table and xtcp_net_exit()).
 */
int xtcp_proc_congestion_control(const struct ctl_table *ctl, int write,
				 void *buffer, size_t *lenp, loff_t *ppos);
int xtcp_ca_set_default(struct net *net, const char *name, bool dry_run);
void xtcp_ca_net_exit(struct net *net);
/* cong.c: TCP_CONGESTION (sockopt.c). */
int xtcp_setsockopt_congestion(struct sock *sk, sockptr_t optval,
			       unsigned int optlen);
int xtcp_getsockopt_congestion(struct sock *sk, char __user *optval,
			       int __user *optlen);

/* net.xtcp.tcp_mem, in pages, global as net.ipv4.tcp_mem is (ctrl.c). */
extern long xtcp_sysctl_mem[3];

int xtcp_demux_init(void);
void xtcp_demux_exit(void);

int xtcp_socket_init(void);
/* Module unload, in two steps: stop creating sockets (protosw entries
 * gone), then, once the TIME_WAIT minisocks are purged, free the slabs.
 */
void xtcp_socket_stop(void);
void xtcp_socket_exit(void);

/*
 * Memory accounting of xtcp sockets (socket.c), separate from native
 * TCP's, whose counters are not exported: struct proto points at these.
 */
extern atomic_long_t xtcp_memory_allocated;
extern struct percpu_counter xtcp_sockets_allocated;
extern unsigned long xtcp_memory_pressure;
DECLARE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
DECLARE_PER_CPU(unsigned int, xtcp_orphan_count);

/* Orphaned xtcp sockets right now (tcp_orphan_count_sum()). */
int xtcp_orphan_count_sum(void);
void xtcp_enter_memory_pressure(struct sock *sk);
void xtcp_leave_memory_pressure(struct sock *sk);

/* sk->sk_write_space of every xtcp socket (sk_stream_write_space()):
 * the engine calls it when acknowledged data frees send buffer.
 */
void xtcp_stream_write_space(struct sock *sk);

/* Socket layer pieces shared by the two families (socket.c, sockopt.c;
 * socket6.c builds the AF_INET6 proto from them).
 */
int xtcp_sock_init_common(struct sock *sk,
			  const struct inet_connection_sock_af_ops *af_ops);
void xtcp_sock_destroy(struct sock *sk);
int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int xtcp_hash_connect(struct sock *sk,
		      int (*hash)(struct inet_timewait_death_row *dr,
				  struct sock *sk));
int xtcp_disconnect(struct sock *sk, int flags);
void xtcp_close(struct sock *sk, long timeout);
void xtcp_shutdown(struct sock *sk, int how);
int xtcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
int xtcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		 int flags, int *addr_len);
int xtcp_ioctl(struct sock *sk, int cmd, int *karg);
bool xtcp_stream_memory_free(const struct sock *sk, int wake);
int xtcp_listen(struct socket *sock, int backlog);
int xtcp_get_port(struct sock *sk, unsigned short snum);
__poll_t xtcp_poll(struct file *file, struct socket *sock,
		   poll_table *wait);
int xtcp_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);

#if IS_ENABLED(CONFIG_IPV6)
int xtcp_socket6_init(void);
void xtcp_socket6_stop(void);
void xtcp_socket6_exit(void);
#else
static inline int xtcp_socket6_init(void)
{
	return 0;
}

static inline void xtcp_socket6_stop(void)
{
}

static inline void xtcp_socket6_exit(void)
{
}
#endif

#endif /* _NET_XTCP_PROTOCOL_H */
