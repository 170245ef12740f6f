#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connections between two namespaces over veth, for every pairing of
# native TCP and xtcp: tcp->tcp first (proves each case can pass), then
# xtcp->xtcp, xtcp client -> tcp server and tcp client -> xtcp server, in
# IPv4 and IPv6.  Each pairing runs the socket API cases of xtcp_conn
# (states, errnos, flags, poll, timeouts, options, names, v4-mapped) and
# checksummed transfers of 1 B, 1 KiB, 1 MiB and 64 MiB (4 MiB in the
# debug kernel, where the mixed pairings run in one family each) from
# client to server, each answered by up to 1 MiB from
# the server after the client's FIN, with veth offloads on and again with
# them off.
#
#   CONN_BIG=BYTES	size of the big transfer
#   CONN_PAIRS="c:s ..."	pairings to run (default: all four)
. "$(dirname "$0")/lib.sh"
CONN=$XTCP_BIN/xtcp_conn
X=7
A=xc$X
B=xs$X

if [ -z "${CONN_BIG:-}" ]; then
	case "$(uname -r)" in
	*xtcp-debug*) CONN_BIG=$((4 << 20)) ;;
	*) CONN_BIG=$((64 << 20)) ;;
	esac
fi
# With offloads off every 1448-byte segment is its own skb: under KASAN
# and TCG that runs at well under 1 MB/s, so the debug kernel moves 1 MiB
# there (the stock kernel still moves 64 MiB), once: the 1 MiB size is
# not repeated as the big one.
if [ -z "${CONN_BIG_OFF:-}" ]; then
	CONN_BIG_OFF=$CONN_BIG
	xtcp_debug_kernel && CONN_BIG_OFF=$((1 << 20))
fi
# tcp->tcp proves the test itself; the stock kernel runs it, the debug
# kernel spends its time on the pairings that involve xtcp.
PAIRS="tcp:tcp xtcp:xtcp xtcp:tcp tcp:xtcp"
xtcp_debug_kernel && PAIRS="xtcp:xtcp xtcp:tcp tcp:xtcp"
PAIRS=${CONN_PAIRS:-$PAIRS}
# Fewer combinations in the debug kernel (a process and a connection cost
# ten times more there): xtcp<->xtcp in both families, each mixed pairing
# in one family (xtcp client -> tcp in IPv4, tcp -> xtcp server in IPv6),
# so every xtcp role meets native TCP in each family once.  The stock
# kernel runs every pairing in both families.
want_pair() {	# want_pair FAM C:S
	[ -n "${CONN_PAIRS:-}" ] && return 0
	xtcp_debug_kernel || return 0
	case "$1 $2" in
	"v6 xtcp:tcp" | "v4 tcp:xtcp") return 1 ;;
	esac
	return 0
}

[ -x "$CONN" ] || { fail "xtcp_conn is built (make -C selftests)"; finish; }
have_xtcp=1
xtcp_load || have_xtcp=0
netns_pair "$A" "$B" "$X" || { fail "netns setup"; finish; }
# 10.X.0.3 and fd00:X::3: a black hole seen from the client.  Frames go to
# the server namespace, which does not own the address and does not
# forward, so it drops them without an ICMP error.
mac=$(veth_mac "$B")
ip -n "$A" neigh replace "10.$X.0.3" lladdr "$mac" dev veth0 nud permanent
ip -n "$A" neigh replace "fd00:$X::3" lladdr "$mac" dev veth0 nud permanent

proto() { [ "$1" = xtcp ] && echo "$IPPROTO_XTCP" || echo 0; }

# run_pair FAM C S WHAT ARGS...: one xtcp_conn run, or SKIP if xtcp is
# needed and could not be loaded.
port=20000
run_pair() {
	local fam=$1 c=$2 s=$3 what=$4 famopt=
	shift 4
	[ "$fam" = v6 ] && famopt=-6
	local prefix="$fam $c->$s $what"
	if [ "$have_xtcp" = 0 ] && [ "$c:$s" != tcp:tcp ]; then
		skip "$prefix" "xtcp.ko did not load"
		return
	fi
	port=$((port + 100))
	# xtcp_conn enters each namespace itself (setns() before every
	# socket, sysctl and /proc/net access): no ip netns exec, whose
	# exec and mount namespace cost a second in the debug kernel.
	run_tap "$prefix" "$CONN" "$@" -C "$A" -S "$B" \
		-c "$(proto "$c")" -s "$(proto "$s")" -x "$X" -P "$port" $famopt
}

offloads() {	# offloads on|off
	local ns
	for ns in "$A" "$B"; do
		ip netns exec "$ns" ethtool -K veth0 tso "$1" gso "$1" gro "$1" \
			tx "$1" rx "$1" >/dev/null 2>&1
	done
}

for fam in v4 v6; do
	for p in $PAIRS; do
		want_pair "$fam" "$p" || continue
		c=${p%%:*}
		s=${p##*:}
		topt=
		[ "$c" = "$s" ] && topt=-T	# ETIMEDOUT depends on the client only
		run_pair "$fam" "$c" "$s" api api $topt
	done
done

for off in on off; do
	offloads "$off"
	big=$CONN_BIG
	[ "$off" = on ] || big=$CONN_BIG_OFF
	sizes=1,1024,1048576
	[ "$big" = 1048576 ] || sizes=$sizes,$big
	for fam in v4 v6; do
		for p in $PAIRS; do
			want_pair "$fam" "$p" || continue
			c=${p%%:*}
			s=${p##*:}
			run_pair "$fam" "$c" "$s" "offloads $off" xfer \
				-n "$sizes" -b 1048576
		done
	done
done
offloads on
finish
