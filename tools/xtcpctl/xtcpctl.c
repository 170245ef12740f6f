// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpctl: look at and tune xtcp through its generic netlink family
 * (Documentation/netlink/specs/xtcp.yaml), in the manner of iproute2.
 *
 *   xtcpctl [-j] config show [KNOB...]
 *   xtcpctl [-j] config set KNOB VALUE [KNOB VALUE...]
 *   xtcpctl [-j] stats [-z]
 *   xtcpctl [-j] sockets [-i] [-4|-6] [state S]... [sport P] [dport P]
 *                        [src ADDR] [dst ADDR]
 *   xtcpctl [-j] monitor
 *
 * Everything applies to the network namespace xtcpctl runs in (use
 * `ip netns exec` for another).  See Documentation/xtcpctl.rst.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <uapi/linux/xtcp.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Linux's TCP states (include/net/tcp_states.h), as the kernel reports
 * them; not in any userspace header.
 */
enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
};

static struct mnl_socket *nl;
static unsigned int portid;
static uint16_t family_id;
static uint32_t events_grp;
static bool json;
static bool first_item = true;
static char buf[32768];
static char extack_msg[256];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("xtcpctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fputs("Usage: xtcpctl [-j] config show [KNOB...]\n"
	      "       xtcpctl [-j] config set KNOB VALUE [KNOB VALUE...]\n"
	      "       xtcpctl [-j] stats [-z]\n"
	      "       xtcpctl [-j] sockets [-i] [-4|-6] [state S]... [sport P] [dport P]\n"
	      "                            [src ADDR] [dst ADDR]\n"
	      "       xtcpctl [-j] monitor\n", stderr);
	exit(2);
}

/* --- JSON output helpers --- */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_item_sep(void)
{
	if (!first_item)
		putchar(',');
	first_item = false;
}

/* --- netlink plumbing --- */

/* NLMSG_ERROR handler: keep the extack message for the caller. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned int off;

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return MNL_CB_ERROR;
	if (err->error == 0)
		return MNL_CB_STOP;
	off = mnl_nlmsg_size(sizeof(*err));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, off - sizeof(struct nlmsghdr)) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				snprintf(extack_msg, sizeof(extack_msg), "%s",
					 mnl_attr_get_str(a));
		}
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* Send @nlh and run @cb on every answer until the ack or DONE. */
static int talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int seq = nlh->nlmsg_seq;
	int ret;

	extack_msg[0] = '\0';
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto: %s", strerror(errno));
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			return -1;
		ret = mnl_cb_run2(buf, ret, seq, portid, cb, data, ctl_cbs,
				  ARRAY_SIZE(ctl_cbs));
	} while (ret > 0);
	return ret;
}

static void die_nl(const char *what)
{
	if (extack_msg[0])
		die("%s: %s: %s", what, strerror(errno), extack_msg);
	die("%s: %s", what, strerror(errno));
}

static struct nlmsghdr *msg_start(uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = XTCP_FAMILY_VERSION;
	return nlh;
}

static int family_grp_cb(const struct nlattr *a, void *data)
{
	const struct nlattr *g;

	(void)data;
	mnl_attr_for_each_nested(g, a) {
		const char *name = NULL;
		uint32_t id = 0;
		const struct nlattr *x;

		mnl_attr_for_each_nested(x, g) {
			if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(x);
			else if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(x);
		}
		if (name && !strcmp(name, XTCP_MCGRP_EVENTS))
			events_grp = id;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family_id = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			family_grp_cb(a, NULL);
	}
	return MNL_CB_OK;
}

static void nl_open(void)
{
	struct nlmsghdr *nlh;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		die("netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink bind: %s", strerror(errno));
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	portid = mnl_socket_get_portid(nl);

	nlh = msg_start(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XTCP_FAMILY_NAME);
	if (talk(nlh, family_cb, NULL) < 0 || !family_id)
		die("generic netlink family \"%s\" not found (is xtcp.ko loaded?)",
		    XTCP_FAMILY_NAME);
}

/* --- config --- */

static int knob_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *k;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const char *name = NULL, *value = NULL;

		if (mnl_attr_get_type(a) != XTCP_A_CONFIG_KNOB)
			continue;
		mnl_attr_for_each_nested(k, a) {
			if (mnl_attr_get_type(k) == XTCP_A_KNOB_NAME)
				name = mnl_attr_get_str(k);
			else if (mnl_attr_get_type(k) == XTCP_A_KNOB_VALUE)
				value = mnl_attr_get_str(k);
		}
		if (!name || !value)
			continue;
		if (json) {
			json_item_sep();
			json_str(name);
			putchar(':');
			json_str(value);
		} else {
			printf("%s = %s\n", name, value);
		}
	}
	return MNL_CB_OK;
}

static void put_knob(struct nlmsghdr *nlh, const char *name, const char *value)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, XTCP_A_CONFIG_KNOB);

	mnl_attr_put_strz(nlh, XTCP_A_KNOB_NAME, name);
	if (value)
		mnl_attr_put_strz(nlh, XTCP_A_KNOB_VALUE, value);
	mnl_attr_nest_end(nlh, nest);
}

static int cmd_config(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int i;

	if (argc < 1)
		usage();
	if (!strcmp(argv[0], "show")) {
		nlh = msg_start(family_id, NLM_F_ACK, XTCP_CMD_CONFIG_GET);
		for (i = 1; i < argc; i++)
			put_knob(nlh, argv[i], NULL);
		if (json)
			putchar('{');
		if (talk(nlh, knob_cb, NULL) < 0)
			die_nl("config show");
		if (json)
			puts("}");
		return 0;
	}
	if (!strcmp(argv[0], "set")) {
		if (argc < 3 || (argc - 1) % 2)
			usage();
		nlh = msg_start(family_id, NLM_F_ACK, XTCP_CMD_CONFIG_SET);
		for (i = 1; i < argc; i += 2)
			put_knob(nlh, argv[i], argv[i + 1]);
		if (talk(nlh, NULL, NULL) < 0)
			die_nl("config set");
		return 0;
	}
	usage();
	return 2;
}

/* --- stats --- */

static bool show_zero;

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *c;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const char *name = NULL;
		unsigned long long value = 0;
		bool ext = false;

		if (mnl_attr_get_type(a) != XTCP_A_STATS_COUNTER)
			continue;
		mnl_attr_for_each_nested(c, a) {
			switch (mnl_attr_get_type(c)) {
			case XTCP_A_COUNTER_NAME:
				name = mnl_attr_get_str(c);
				break;
			case XTCP_A_COUNTER_VALUE:
				value = mnl_attr_get_u64(c);
				break;
			case XTCP_A_COUNTER_EXT:
				ext = true;
				break;
			}
		}
		if (!name || (!value && !show_zero))
			continue;
		if (json) {
			json_item_sep();
			printf("\"%s%s\":%llu", ext ? "XtcpExt" : "Xtcp",
			       name, value);
		} else {
			char full[64];

			snprintf(full, sizeof(full), "%s%s",
				 ext ? "XtcpExt" : "Xtcp", name);
			printf("%-32s %llu\n", full, value);
		}
	}
	return MNL_CB_OK;
}

static int cmd_stats(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-z"))
			show_zero = true;
		else
			usage();
	}
	nlh = msg_start(family_id, NLM_F_ACK, XTCP_CMD_STATS_GET);
	if (json)
		putchar('{');
	if (talk(nlh, stats_cb, NULL) < 0)
		die_nl("stats");
	if (json)
		puts("}");
	return 0;
}

/* --- sockets --- */

static const char *const state_names[] = {
	[TCP_ESTABLISHED] = "ESTAB",
	[TCP_SYN_SENT] = "SYN-SENT",
	[TCP_SYN_RECV] = "SYN-RECV",
	[TCP_FIN_WAIT1] = "FIN-WAIT-1",
	[TCP_FIN_WAIT2] = "FIN-WAIT-2",
	[TCP_TIME_WAIT] = "TIME-WAIT",
	[TCP_CLOSE] = "UNCONN",
	[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCP_LAST_ACK] = "LAST-ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

/* ss's state names and groups. */
static uint32_t parse_state(const char *s)
{
	static const struct {
		const char *name;
		uint32_t mask;
	} names[] = {
		{ "established", 1U << TCP_ESTABLISHED },
		{ "syn-sent", 1U << TCP_SYN_SENT },
		{ "syn-recv", 1U << TCP_SYN_RECV },
		{ "fin-wait-1", 1U << TCP_FIN_WAIT1 },
		{ "fin-wait-2", 1U << TCP_FIN_WAIT2 },
		{ "time-wait", 1U << TCP_TIME_WAIT },
		{ "closed", 1U << TCP_CLOSE },
		{ "close-wait", 1U << TCP_CLOSE_WAIT },
		{ "last-ack", 1U << TCP_LAST_ACK },
		{ "listening", 1U << TCP_LISTEN },
		{ "closing", 1U << TCP_CLOSING },
		{ "all", 0xfff },
		{ "connected", 0xfff & ~((1U << TCP_LISTEN) | (1U << TCP_CLOSE)) },
		{ "synchronized", 0xfff & ~((1U << TCP_LISTEN) | (1U << TCP_CLOSE) |
					    (1U << TCP_SYN_SENT)) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(s, names[i].name))
			return names[i].mask;
	die("unknown state \"%s\"", s);
	return 0;
}

static bool show_info;

struct sock_row {
	uint8_t family, state, ca_state, snd_ws, rcv_ws, options;
	bool full;
	char src[INET6_ADDRSTRLEN + 8], dst[INET6_ADDRSTRLEN + 8];
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	uint16_t sport, dport;
	uint32_t rq, wq, cwnd, ssthresh, rtt, rttvar, rto, retransmits;
	uint32_t total_retrans, unacked, lost, sacked, mss, rcv_mss, uid, timer;
	unsigned long long inode, pacing, delivery, bytes_acked;
	unsigned long long bytes_received;
	char ca[32];
};

static void fmt_addr(char *out, size_t len, uint8_t fam, const void *a,
		     size_t alen)
{
	if ((fam == AF_INET && alen == 4) || (fam == AF_INET6 && alen == 16))
		inet_ntop(fam, a, out, len);
	else
		snprintf(out, len, "?");
}

/* The attribute's payload size, which is also the field's. */
#define ROW(attr, f, size) { attr, offsetof(struct sock_row, f), size }

/* Scalar attributes and where they go. */
static const struct {
	uint16_t type;
	size_t off, size;
} row_attrs[] = {
	ROW(XTCP_A_SOCK_FAMILY, family, 1),
	ROW(XTCP_A_SOCK_STATE, state, 1),
	ROW(XTCP_A_SOCK_SPORT, sport, 2),
	ROW(XTCP_A_SOCK_DPORT, dport, 2),
	ROW(XTCP_A_SOCK_INODE, inode, 8),
	ROW(XTCP_A_SOCK_UID, uid, 4),
	ROW(XTCP_A_SOCK_RQUEUE, rq, 4),
	ROW(XTCP_A_SOCK_WQUEUE, wq, 4),
	ROW(XTCP_A_SOCK_CWND, cwnd, 4),
	ROW(XTCP_A_SOCK_SSTHRESH, ssthresh, 4),
	ROW(XTCP_A_SOCK_RTT, rtt, 4),
	ROW(XTCP_A_SOCK_RTTVAR, rttvar, 4),
	ROW(XTCP_A_SOCK_RTO, rto, 4),
	ROW(XTCP_A_SOCK_RETRANSMITS, retransmits, 4),
	ROW(XTCP_A_SOCK_TOTAL_RETRANS, total_retrans, 4),
	ROW(XTCP_A_SOCK_UNACKED, unacked, 4),
	ROW(XTCP_A_SOCK_LOST, lost, 4),
	ROW(XTCP_A_SOCK_SACKED, sacked, 4),
	ROW(XTCP_A_SOCK_PACING_RATE, pacing, 8),
	ROW(XTCP_A_SOCK_DELIVERY_RATE, delivery, 8),
	ROW(XTCP_A_SOCK_CA_STATE, ca_state, 1),
	ROW(XTCP_A_SOCK_SND_WSCALE, snd_ws, 1),
	ROW(XTCP_A_SOCK_RCV_WSCALE, rcv_ws, 1),
	ROW(XTCP_A_SOCK_MSS, mss, 4),
	ROW(XTCP_A_SOCK_RCV_MSS, rcv_mss, 4),
	ROW(XTCP_A_SOCK_OPTIONS, options, 1),
	ROW(XTCP_A_SOCK_BYTES_ACKED, bytes_acked, 8),
	ROW(XTCP_A_SOCK_BYTES_RECEIVED, bytes_received, 8),
	ROW(XTCP_A_SOCK_TIMER, timer, 4),
};

static void store_scalar(struct sock_row *r, const struct nlattr *a)
{
	uint16_t type = mnl_attr_get_type(a);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(row_attrs); i++) {
		char *dst = (char *)r + row_attrs[i].off;

		if (row_attrs[i].type != type)
			continue;
		if (mnl_attr_get_payload_len(a) != row_attrs[i].size)
			return;
		memcpy(dst, mnl_attr_get_payload(a), row_attrs[i].size);
		if (type == XTCP_A_SOCK_CWND)
			r->full = true;
		return;
	}
}

static void parse_sock(const struct nlmsghdr *nlh, struct sock_row *r)
{
	const struct nlattr *a, *sa = NULL, *da = NULL;

	memset(r, 0, sizeof(*r));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case XTCP_A_SOCK_SADDR:
			sa = a;
			break;
		case XTCP_A_SOCK_DADDR:
			da = a;
			break;
		case XTCP_A_SOCK_CA_NAME:
			snprintf(r->ca, sizeof(r->ca), "%s", mnl_attr_get_str(a));
			break;
		default:
			store_scalar(r, a);
			break;
		}
	}
	if (sa)
		fmt_addr(r->saddr, sizeof(r->saddr), r->family,
			 mnl_attr_get_payload(sa), mnl_attr_get_payload_len(sa));
	if (da)
		fmt_addr(r->daddr, sizeof(r->daddr), r->family,
			 mnl_attr_get_payload(da), mnl_attr_get_payload_len(da));
	if (r->family == AF_INET6) {
		snprintf(r->src, sizeof(r->src), "[%s]:%u", r->saddr, r->sport);
		snprintf(r->dst, sizeof(r->dst), "[%s]:%u", r->daddr, r->dport);
	} else {
		snprintf(r->src, sizeof(r->src), "%s:%u", r->saddr, r->sport);
		snprintf(r->dst, sizeof(r->dst), "%s:%u", r->daddr, r->dport);
	}
}

static const char *state_name(uint8_t s)
{
	return s < ARRAY_SIZE(state_names) && state_names[s] ?
	       state_names[s] : "UNKNOWN";
}

static void print_sock_json(const struct sock_row *r)
{
	json_item_sep();
	printf("{\"family\":\"%s\",\"state\":\"%s\",\"state_num\":%u,",
	       r->family == AF_INET6 ? "inet6" : "inet", state_name(r->state),
	       r->state);
	printf("\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,",
	       r->saddr, r->sport, r->daddr, r->dport);
	printf("\"recv_q\":%u,\"send_q\":%u", r->rq, r->wq);
	if (!r->full) {
		printf(",\"timer_ms\":%u}", r->timer);
		return;
	}
	printf(",\"inode\":%llu,\"uid\":%u", r->inode, r->uid);
	printf(",\"cc\":");
	json_str(r->ca);
	printf(",\"ca_state\":%u,\"cwnd\":%u,\"ssthresh\":%u",
	       r->ca_state, r->cwnd, r->ssthresh);
	printf(",\"rtt_us\":%u,\"rttvar_us\":%u,\"rto_us\":%u",
	       r->rtt, r->rttvar, r->rto);
	printf(",\"retransmits\":%u,\"total_retrans\":%u,\"unacked\":%u,\"lost\":%u,\"sacked\":%u",
	       r->retransmits, r->total_retrans, r->unacked, r->lost, r->sacked);
	printf(",\"pacing_rate\":%llu,\"delivery_rate\":%llu",
	       r->pacing, r->delivery);
	printf(",\"snd_wscale\":%u,\"rcv_wscale\":%u,\"mss\":%u,\"rcv_mss\":%u",
	       r->snd_ws, r->rcv_ws, r->mss, r->rcv_mss);
	printf(",\"ts\":%s,\"sack\":%s,\"wscale\":%s",
	       r->options & TCPI_OPT_TIMESTAMPS ? "true" : "false",
	       r->options & TCPI_OPT_SACK ? "true" : "false",
	       r->options & TCPI_OPT_WSCALE ? "true" : "false");
	printf(",\"bytes_acked\":%llu,\"bytes_received\":%llu}",
	       r->bytes_acked, r->bytes_received);
}

static void print_rate(const char *name, unsigned long long bytes_per_s)
{
	double bps = bytes_per_s * 8.0;

	if (bytes_per_s == ~0ULL || !bytes_per_s)
		return;
	if (bps >= 1e9)
		printf(" %s %.1fGbps", name, bps / 1e9);
	else if (bps >= 1e6)
		printf(" %s %.1fMbps", name, bps / 1e6);
	else if (bps >= 1e3)
		printf(" %s %.1fKbps", name, bps / 1e3);
	else
		printf(" %s %.0fbps", name, bps);
}

static void print_sock_text(const struct sock_row *r)
{
	printf("%-11s %-6u %-6u %-25s %-25s\n", state_name(r->state), r->rq,
	       r->wq, r->src, r->dst);
	if (!show_info)
		return;
	if (!r->full) {
		printf("\t timer:(%ums)\n", r->timer);
		return;
	}
	printf("\t %s", r->ca);
	if (r->options & TCPI_OPT_TIMESTAMPS)
		printf(" ts");
	if (r->options & TCPI_OPT_SACK)
		printf(" sack");
	if (r->options & TCPI_OPT_WSCALE)
		printf(" wscale:%u,%u", r->snd_ws, r->rcv_ws);
	printf(" rto:%g rtt:%g/%g mss:%u rcvmss:%u cwnd:%u",
	       r->rto / 1000.0, r->rtt / 1000.0, r->rttvar / 1000.0, r->mss,
	       r->rcv_mss, r->cwnd);
	if (r->ssthresh < 0x7fffffff)
		printf(" ssthresh:%u", r->ssthresh);
	printf(" bytes_acked:%llu bytes_received:%llu",
	       r->bytes_acked, r->bytes_received);
	print_rate("pacing_rate", r->pacing);
	print_rate("delivery_rate", r->delivery);
	if (r->unacked)
		printf(" unacked:%u", r->unacked);
	if (r->retransmits || r->total_retrans)
		printf(" retrans:%u/%u", r->retransmits, r->total_retrans);
	if (r->lost)
		printf(" lost:%u", r->lost);
	if (r->sacked)
		printf(" sacked:%u", r->sacked);
	printf("\n");
}

static int sock_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sock_row r;

	(void)data;
	parse_sock(nlh, &r);
	if (json)
		print_sock_json(&r);
	else
		print_sock_text(&r);
	return MNL_CB_OK;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1)
		mnl_attr_put(nlh, type, sizeof(a4), &a4);
	else if (inet_pton(AF_INET6, s, &a6) == 1)
		mnl_attr_put(nlh, type, sizeof(a6), &a6);
	else
		die("bad address \"%s\"", s);
}

static uint16_t parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 1 || v > 65535)
		die("bad port \"%s\"", s);
	return v;
}

static int cmd_sockets(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	uint32_t mask = 0;
	int i;

	nlh = msg_start(family_id, NLM_F_DUMP, XTCP_CMD_SOCK_GET);
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "-i")) {
			show_info = true;
		} else if (!strcmp(arg, "-4")) {
			mnl_attr_put_u8(nlh, XTCP_A_SOCK_FAMILY, AF_INET);
		} else if (!strcmp(arg, "-6")) {
			mnl_attr_put_u8(nlh, XTCP_A_SOCK_FAMILY, AF_INET6);
		} else if (!val) {
			usage();
		} else if (!strcmp(arg, "state")) {
			mask |= parse_state(val);
			i++;
		} else if (!strcmp(arg, "sport")) {
			mnl_attr_put_u16(nlh, XTCP_A_SOCK_SPORT, parse_port(val));
			i++;
		} else if (!strcmp(arg, "dport")) {
			mnl_attr_put_u16(nlh, XTCP_A_SOCK_DPORT, parse_port(val));
			i++;
		} else if (!strcmp(arg, "src")) {
			put_addr(nlh, XTCP_A_SOCK_SADDR, val);
			i++;
		} else if (!strcmp(arg, "dst")) {
			put_addr(nlh, XTCP_A_SOCK_DADDR, val);
			i++;
		} else {
			usage();
		}
	}
	if (mask)
		mnl_attr_put_u32(nlh, XTCP_A_SOCK_STATE_MASK, mask);
	if (json)
		putchar('[');
	else
		printf("%-11s %-6s %-6s %-25s %-25s\n", "State", "Recv-Q",
		       "Send-Q", "Local Address:Port", "Peer Address:Port");
	if (talk(nlh, sock_cb, NULL) < 0)
		die_nl("sockets");
	if (json)
		puts("]");
	return 0;
}

/* --- monitor --- */

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const names[] = {
		[XTCP_EVENT_TYPE_ESTABLISHED] = "established",
		[XTCP_EVENT_TYPE_CLOSED] = "closed",
		[XTCP_EVENT_TYPE_RESET] = "reset",
		[XTCP_EVENT_TYPE_RTO] = "rto",
	};
	const struct nlattr *a;
	struct sock_row r;
	uint8_t ev = 0;

	(void)data;
	if (nlh->nlmsg_type != family_id)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == XTCP_A_SOCK_EVENT)
			ev = mnl_attr_get_u8(a);
	parse_sock(nlh, &r);
	if (json) {
		printf("{\"event\":\"%s\",\"state\":\"%s\",",
		       ev < ARRAY_SIZE(names) && names[ev] ? names[ev] : "?",
		       state_name(r.state));
		printf("\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u}\n",
		       r.saddr, r.sport, r.daddr, r.dport);
	} else {
		printf("%-12s %-11s %s -> %s\n",
		       ev < ARRAY_SIZE(names) && names[ev] ? names[ev] : "?",
		       state_name(r.state), r.src, r.dst);
	}
	fflush(stdout);
	return MNL_CB_OK;
}

static int cmd_monitor(int argc, char **argv)
{
	int ret;

	(void)argv;
	if (argc)
		usage();
	if (!events_grp)
		die("no events group");
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &events_grp,
				  sizeof(events_grp)) < 0)
		die("join events group: %s", strerror(errno));
	/* Scripts wait for this line: no event is missed after it. */
	fputs("xtcpctl: monitoring xtcp events\n", stderr);
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			if (errno == ENOBUFS)
				continue;
			die("recv: %s", strerror(errno));
		}
		mnl_cb_run(buf, ret, 0, 0, event_cb, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage();
		else
			break;
	}
	if (i >= argc)
		usage();
	nl_open();
	if (!strcmp(argv[i], "config"))
		return cmd_config(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "stats"))
		return cmd_stats(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "sockets") || !strcmp(argv[i], "socket"))
		return cmd_sockets(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "monitor"))
		return cmd_monitor(argc - i - 1, argv + i + 1);
	usage();
	return 2;
}
