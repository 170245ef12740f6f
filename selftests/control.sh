#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane: net.xtcp sysctls (round trip, range checks, per
# namespace), xtcpctl and the xtcp netlink family against real
# connections, sock_diag, counters, events and netlink fuzzing (those in
# control.py), trace events, and permissions from an unprivileged user
# namespace.
. "$(dirname "$0")/lib.sh"
XTCPCTL=${XTCPCTL:-$XTCP_TOP/tools/xtcpctl/xtcpctl}
XTCP_DIAG_KO=${XTCP_DIAG_KO:-$(dirname "$XTCP_KO")/xtcp_diag.ko}
X=9
A=cc$X
B=cs$X
SYS=/proc/sys/net/xtcp

# make tools builds it; build it here if that was not done.
[ -x "$XTCPCTL" ] || make -s -C "$XTCP_TOP/tools/xtcpctl" >/dev/null 2>&1
[ -x "$XTCPCTL" ] || { fail "xtcpctl is built (make tools)"; finish; }
check "insmod xtcp.ko" xtcp_load
modprobe inet_diag 2>/dev/null
check "insmod xtcp_diag.ko" insmod "$XTCP_DIAG_KO"

diag "[${SECONDS}s]"
# --- sysctls (the per-knob checks run in control.py, below) ---
netns_pair "$A" "$B" "$X" || { fail "netns setup"; finish; }
m=$(cat $SYS/tcp_mem)
check "sysctl: tcp_mem (global) round-trips in init_net" \
	sh -c "echo '$m' > $SYS/tcp_mem && [ \"\$(cat $SYS/tcp_mem)\" = '$m' ]"
diag "[${SECONDS}s]"
# --- permissions: an unprivileged user in its own user namespace ---
U="setpriv --reuid=65534 --regid=65534 --clear-groups"
old=$(cat $SYS/tcp_syn_retries)
out=$($U unshare -U -r "$XTCPCTL" config set tcp_syn_retries 2 2>&1)
check "userns: cannot change the initial namespace's config over netlink" \
	test $? != 0 -a "$(cat $SYS/tcp_syn_retries)" = "$old" -a \
	"${out#*not permitted}" != "$out"
diag "$out"
$U unshare -U -r sh -c "echo 2 > $SYS/tcp_syn_retries" 2>/dev/null
check "userns: cannot change it through sysctl either" \
	test "$(cat $SYS/tcp_syn_retries)" = "$old"
v=$($U unshare -U -r -n sh -c "$XTCPCTL config set tcp_syn_retries 2 && cat $SYS/tcp_syn_retries" 2>&1)
check "userns: may change its own namespace's config" \
	test "$v" = 2 -a "$(cat $SYS/tcp_syn_retries)" = "$old"
[ "$v" = 2 ] || diag "$v"

diag "[${SECONDS}s]"
# --- connections, dumps, counters, events, fuzzing; traced ---
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
mac=$(ip -n "$B" link show veth0 | awk '/link\/ether/ {print $2}')
ip -n "$A" neigh replace "10.$X.0.3" lladdr "$mac" dev veth0 nud permanent
have_trace=0
if [ -d $T/events/xtcp ]; then
	echo > $T/trace
	echo 1 > $T/events/xtcp/enable && have_trace=1
fi
run_tap control python3 -S "$XTCP_TOP/selftests/control.py" "$A" "$B" "$X" \
	"$XTCPCTL"
if [ $have_trace = 1 ]; then
	echo 0 > $T/events/xtcp/enable
	tr=$(mktemp)
	cat $T/trace > "$tr"
	echo > $T/trace
	for ev in xtcp_state_change xtcp_send_reset xtcp_receive_reset \
		  xtcp_retransmit_skb xtcp_rto; do
		check "trace: $ev fired" grep -q " $ev: " "$tr"
	done
	check "trace: xtcp_cong_state Open->Loss and back" \
		sh -c "grep -q 'ca_state=Open->Loss' $tr && grep -q 'ca_state=Loss->Open' $tr"
	check "trace: ESTABLISHED->FIN_WAIT1 seen with addresses" \
		grep -q "src=10.$X.0.1:[0-9]* dest=10.$X.0.2:[0-9]* oldstate=ESTABLISHED newstate=FIN_WAIT1" "$tr"
	rm -f "$tr"
else
	fail "trace: events/xtcp present in tracefs"
fi
diag "[${SECONDS}s]"
cleanup_netns
check "rmmod xtcp_diag" rmmod xtcp_diag
finish
