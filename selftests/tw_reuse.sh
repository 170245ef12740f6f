#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_tw_reuse: a connect() may take over the 4-tuple of a TIME_WAIT
# socket when the knob (or an explicit bind) allows it, as in Linux.
# The client namespace has one ephemeral port, so every connect needs the
# TIME_WAIT one.  Native TCP first (it must pass: it proves the test),
# then xtcp, each in IPv4 and IPv6, against a native echo server.
. "$(dirname "$0")/lib.sh"
X=12
A=xrc$X
B=xrs$X

have_xtcp=1
xtcp_load || have_xtcp=0
netns_pair "$A" "$B" "$X" || { fail "netns setup"; finish; }
# The kernel's reuse check reads the native knob too (see
# xtcp_hash_connect()); it stays on for the xtcp runs.
# (set before each run below, with that run's port range)

lport=40000
stacks="0:/proc/sys/net/ipv4:7100"
[ "$have_xtcp" = 1 ] && stacks="$stacks $IPPROTO_XTCP:/proc/sys/net/xtcp:7102"
# The native control runs in the stock kernel only.
xtcp_debug_kernel && [ "$have_xtcp" = 1 ] && stacks="$IPPROTO_XTCP:/proc/sys/net/xtcp:7102"

# The server echoes and closes once the client has, so the client's side
# goes to TIME_WAIT.  Each run has its own server port and its own single
# ephemeral port, so that no run meets another's TIME_WAIT.  Servers
# only for the stacks that run (python costs 2 s of CPU to start in the
# debug kernel).
filter='' nsrv=0
for st in $stacks; do
	p=${st##*:}
	ip netns exec "$B" python3 -S "$XTCP_TOP/selftests/tcp_echo.py" server \
		"10.$X.0.2" "$p" "fd00:$X::2" $((p + 1)) &
	filter="$filter${filter:+ or }sport = $p or sport = $((p + 1))"
	nsrv=$((nsrv + 2))
done
ss_wait "$nsrv" "$B" state listening "( $filter )" ||
	diag "echo servers not all listening after 20 s"
for st in $stacks; do
	IFS=: read -r proto dir port <<< "$st"
	name=tcp
	[ "$proto" = 0 ] || name=xtcp
	for addr in "10.$X.0.2" "fd00:$X::2"; do
		fam=v4
		case "$addr" in *:*) fam=v6 ;; esac
		[ "$fam" = v4 ] || port=$((port + 1))
		lport=$((lport + 1))
		ip netns exec "$A" sysctl -qw net.ipv4.tcp_tw_reuse=1 \
			net.ipv4.ip_local_port_range="$lport $lport"
		run_tap "$name $fam" ip netns exec "$A" python3 -S \
			"$XTCP_TOP/selftests/tw_reuse.py" "$proto" "$addr" "$port" \
			"$dir" "$lport"
	done
done
[ "$have_xtcp" = 1 ] || skip "xtcp runs" "xtcp.ko did not load"
kill $(jobs -p) 2>/dev/null
wait 2>/dev/null
finish
