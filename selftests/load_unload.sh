#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload xtcp 50 times while native TCP traffic flows between two
# namespaces over veth: back-to-back iperf3 runs, one long-lived echo
# connection over IPv4 and one over IPv6, and a new echo connection every
# 50 ms (connections are set up during every swap of the
# demultiplexer).  No connection may fail or be lost, and IP must never
# answer a TCP segment with ICMP protocol-unreachable (which it would do
# if the inet_protos slot were ever empty).
. "$(dirname "$0")/lib.sh"

if [ -z "${CYCLES:-}" ]; then
	CYCLES=50
	xtcp_debug_kernel && CYCLES=4
fi

xtcp_unload
netns_pair xa xb 1 || { fail "netns setup"; finish; }
stop=$(mktemp -u)
work=$(mktemp -d)

ip netns exec xb iperf3 -s -p 5201 >/dev/null 2>&1 &
srv=$!	# iperf3 in xb once listening: its /proc/PID/net is xb's
ip netns exec xb python3 -S "$XTCP_TOP/selftests/tcp_echo.py" server \
	10.1.0.2 7000 fd00:1::2 7001 10.1.0.2 7002 &
ss_wait 3 xb state listening '( sport = 5201 or sport = 7000 or sport = 7001 or sport = 7002 )' ||
	diag "servers not all listening after 20 s"
icmp_before=$(pid_snmp "$srv" Icmp OutDestUnreachs)
icmp6_before=$(pid_snmp "$srv" 6 Icmp6OutDestUnreachs)

# The echo connections: one python process (each costs seconds to start
# in the debug kernel), a line per connection in $work/echo.
ip netns exec xa python3 -S "$XTCP_TOP/selftests/tcp_echo.py" client "$stop" \
	hold,10.1.0.2,7000 hold,fd00:1::2,7001 churn,10.1.0.2,7002 \
	> "$work/echo" 2>&1 &
echo_pid=$!
# Back-to-back 4 s iperf3 runs, capped at 8 Mbit/s: bulk segments cross
# every swap of the handlers without the traffic taking the emulated CPUs
# from insmod and rmmod (under TCG every segment costs; 20 Mbit/s in 1 s
# runs made the test the longest of make check once the other VMs
# competed for the host).
(
	runs=0; bad=0
	while [ ! -e "$stop" ]; do
		if ip netns exec xa iperf3 -c 10.1.0.2 -p 5201 -t 4 -b 8M > "$work/iperf.last" 2>&1; then
			runs=$((runs + 1))
		else
			bad=$((bad + 1)); cat "$work/iperf.last" >> "$work/iperf.errors"
		fi
	done
	echo "$runs $bad" > "$work/iperf.result"
) &
loop=$!
# Traffic flows before the first load: both echo connections and an
# iperf3 one are up.
ss_wait 3 xa state established '( dport = 5201 or dport = 7000 or dport = 7001 )' ||
	diag "connections not all established after 20 s"

diag "setup took $SECONDS s"
loaded=0
t0=$SECONDS
for i in $(seq 1 "$CYCLES"); do
	insmod "$XTCP_KO" || break
	nap 0.1
	rmmod xtcp || break
	loaded=$((loaded + 1))
	nap 0.1
done
diag "$loaded cycles took $((SECONDS - t0)) s"
nap 1
touch "$stop"
wait "$loop"
e=0
wait "$echo_pid" || e=$?
read -r runs bad < "$work/iperf.result"

check "$CYCLES load/unload cycles" test "$loaded" = "$CYCLES"
if [ "$bad" = 0 ] && [ "$runs" -ge 1 ]; then
	ok "iperf3 runs during the cycles all succeeded ($runs runs)"
else
	fail "iperf3 runs during the cycles all succeeded ($runs ok, $bad failed)"
	diag "$(tail -20 "$work/iperf.errors" 2>/dev/null)"
fi
check "long-lived IPv4 connection survived ($(grep ^hold,10 "$work/echo"))" \
	grep -q '^hold,10[^ ]*: [0-9]* round trips$' "$work/echo"
check "long-lived IPv6 connection survived ($(grep ^hold,fd "$work/echo"))" \
	grep -q '^hold,fd[^ ]*: [0-9]* round trips$' "$work/echo"
check "new connections during the cycles all succeeded ($(grep ^churn "$work/echo"))" \
	grep -q '^churn,[^ ]*: [0-9]* connections$' "$work/echo"
check "echo client exited 0" test "$e" = 0
icmp_after=$(pid_snmp "$srv" Icmp OutDestUnreachs)
icmp6_after=$(pid_snmp "$srv" 6 Icmp6OutDestUnreachs)
check "no ICMP unreachable sent ($icmp_before -> $icmp_after)" test "$icmp_before" = "$icmp_after"
check "no ICMPv6 unreachable sent ($icmp6_before -> $icmp6_after)" test "$icmp6_before" = "$icmp6_after"
check "module unloaded at the end" test ! -d /sys/module/xtcp
rm -rf "$work" "$stop"
finish
