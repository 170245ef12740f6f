#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Slow receiver and user timeout, side by side (each waits on timers, so
# together they cost one wait):
#
# - slow_reader.py: one connection per pairing (xtcp->xtcp, xtcp->native,
#   native->xtcp) and family, all at once; the reader stalls for
#   SLOW_STALL seconds (10) with the writer blocked on full buffers, then
#   drains.  No byte lost (SHA-256), the drain ends in bounded time (the
#   reopened window is announced), no connection is left stuck.
# - user_timeout.py: a blackholed connection (netem loss 100 % on the
#   client, 200 ms delay on the server's frames) ends with ETIMEDOUT when
#   tcp_retries2 (lowered to 3) or TCP_USER_TIMEOUT (1500 ms) say so;
#   native client first, then xtcp, against a native server, IPv4 and
#   IPv6.
#
#   SLOW_STALL=S	stall (default 10 s, 5 s in the debug kernel, which
#			also runs IPv4 only)
#   SLOW_BYTES=N	bytes per connection (default 4 MiB)
#   SLOW_PAIRS="xtcp:xtcp,xtcp:tcp,tcp:xtcp"
. "$(dirname "$0")/lib.sh"
X=14
A=src$X
B=srs$X
Y=15
UA=utc$Y
UB=uts$Y
stall=${SLOW_STALL:-10}
bytes=${SLOW_BYTES:-$((4 << 20))}
limit=15
fams=4,6
if xtcp_debug_kernel; then
	# The writer must still block: 4 MiB, more than the buffers hold.
	stall=${SLOW_STALL:-5}
	limit=40
	fams=4
fi
if ! xtcp_load; then
	skip "slow reader" "xtcp.ko did not load"
	finish
fi
netns_pair "$A" "$B" "$X" || { fail "netns setup"; finish; }
netns_pair "$UA" "$UB" "$Y" || { fail "netns setup"; finish; }
# 200 ms on the server's frames: an RTO of about 600 ms or more, where
# Linux's time-based tcp_retries2 and a retransmission count part ways.
tc -n "$UB" qdisc replace dev veth0 root netem delay 200ms ||
	fail "tc netem delay on the server"
# static neighbours: no resolution delay in the handshake's RTT sample
amac=$(ip netns exec "$UA" cat /sys/class/net/veth0/address)
bmac=$(ip netns exec "$UB" cat /sys/class/net/veth0/address)
for n in "10.$Y.0." "fd00:$Y::"; do
	ip -n "$UA" neigh replace "${n}2" lladdr "$bmac" dev veth0 nud permanent
	ip -n "$UB" neigh replace "${n}1" lladdr "$amac" dev veth0 nud permanent
done

tmp=$(mktemp -d /tmp/xtcp-slow.XXXXXX)
(/usr/bin/python3 -S "$XTCP_TOP/selftests/user_timeout.py" -C "$UA" -S "$UB" \
	-x "$Y" --stacks tcp,xtcp --families "$fams" >"$tmp/ut" 2>&1
 echo $? >"$tmp/ut.rc") &
utpid=$!
run_tap "slow reader" /usr/bin/python3 -S "$XTCP_TOP/selftests/slow_reader.py" \
	-C "$A" -S "$B" -x "$X" --stall "$stall" --bytes "$bytes" \
	--limit "$limit" --pairs "${SLOW_PAIRS:-xtcp:xtcp,xtcp:tcp,tcp:xtcp}" \
	--families "$fams"
wait "$utpid"
# shellcheck disable=SC2016	# expanded by the inner sh
run_tap "user timeout" sh -c 'cat "$1/ut"; exit "$(cat "$1/ut.rc")"' - "$tmp"
rm -rf "$tmp"
finish
