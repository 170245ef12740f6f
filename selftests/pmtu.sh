#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU discovery (RFC 1191, RFC 8201) and black-hole detection
# (RFC 4821, net.xtcp.tcp_mtu_probing): an xtcp sender and, first, a
# native TCP sender as the control, through a router to a native
# receiver, in both families.  pmtu.py has the cases and the bounds.
#
#	C (sender) --1500-- R (router) --1280-- S (native receiver)
#
# The debug kernel (KASAN, lockdep, under TCG) moves less data and runs
# the xtcp sender only.
#
#   PMTU_BIG=BYTES	ICMP-phase transfer (4 MiB; 512 KiB debug)
#   PMTU_SMALL=BYTES	black-hole-phase transfer (256 KiB; 64 KiB debug)
#   PMTU_PHASES=...	sysctl,icmp,blackhole (default: all)
. "$(dirname "$0")/lib.sh"
X=31
Y=32
C=xpmc$X
R=xpmr$X
S=xpms$X

start=$SECONDS
big=${PMTU_BIG:-$((4 << 20))}
small=${PMTU_SMALL:-$((256 << 10))}
if xtcp_debug_kernel; then
	big=${PMTU_BIG:-$((512 << 10))}
	small=${PMTU_SMALL:-$((64 << 10))}
fi

stacks=tcp
if xtcp_load; then
	stacks=tcp,xtcp
	# The debug kernel checks xtcp only: native TCP, the reference,
	# runs the same cases in the stock kernel.
	xtcp_debug_kernel && stacks=xtcp
else
	fail "xtcp.ko loads"
fi

# RTO floor towards the ICMP cases' servers (route rto_min): a repair by
# the ICMP reaction must come within 0.7 of it, a repair by the RTO
# cannot.  The debug kernel is slow enough to need more room.
rto_min=2
xtcp_debug_kernel && rto_min=6

# C -- R: 10.X.0.0/24, fd00:X::/64 (C .1, R .2)
netns_pair "$C" "$R" "$X" || { fail "netns setup"; finish; }
# R -- S: 10.Y.0.0/24, fd00:Y::/64 (R .1, S .2 and .10-.15 for the cases).
# Only R's end is 1280: S advertises the MSS of its own 1500-byte link,
# so the sender learns the 1280 from R's ICMP, not from the handshake.
ip netns add "$S" || { fail "netns setup"; finish; }
_ns_list+=("$S")
ip -n "$R" link add veth1 mtu 1280 type veth peer name veth1 mtu 1500 \
	netns "$S" || { fail "veth R-S"; finish; }
# One ip process per namespace: each fork costs under TCG.
{
	echo "link set lo up"
	echo "addr add 10.$Y.0.2/24 dev veth1"
	echo "addr add fd00:$Y::2/64 dev veth1 nodad"
	for i in 10 11 12 13 14 15; do
		echo "addr add 10.$Y.0.$i/24 dev veth1"
		echo "addr add fd00:$Y::$i/64 dev veth1 nodad"
	done
	echo "link set veth1 up"
	echo "route add default via 10.$Y.0.1"
	echo "route add default via fd00:$Y::1"
} | ip -n "$S" -batch - || { fail "S setup"; finish; }
{
	echo "addr add 10.$Y.0.1/24 dev veth1"
	echo "addr add fd00:$Y::1/64 dev veth1 nodad"
	echo "link set veth1 up"
} | ip -n "$R" -batch - || { fail "R setup"; finish; }
{
	echo "route add default via 10.$X.0.2"
	echo "route add default via fd00:$X::2"
	for i in 10 11; do
		echo "route add 10.$Y.0.$i/32 via 10.$X.0.2 rto_min ${rto_min}s"
		echo "route add fd00:$Y::$i/128 via fd00:$X::2 rto_min ${rto_min}s"
	done
} | ip -n "$C" -batch - || { fail "C setup"; finish; }
# R forwards and sends its ICMP errors unthrottled (pmtu.py changes that
# for the black hole).  C: path MTU discovery on (the default), and reno
# (xtcp follows the namespace's native default): no HyStart to set
# ssthresh early, so an unset ssthresh means no loss response.
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 \
	net.ipv6.conf.all.forwarding=1 net.ipv4.icmp_ratelimit=0 \
	net.ipv6.icmp.ratelimit=0 || { fail "R sysctls"; finish; }
ip netns exec "$C" sysctl -qw net.ipv4.ip_no_pmtu_disc=0 \
	net.ipv4.tcp_congestion_control=reno || { fail "C sysctls"; finish; }

t0=$SECONDS
diag "setup: $((t0 - start)) s"
run_tap "pmtu" /usr/bin/python3 "$XTCP_TOP/selftests/pmtu.py" \
	-C "$C" -R "$R" -S "$S" -x "$X" -y "$Y" --stacks "$stacks" \
	--big "$big" --small "$small" --rto-min "$rto_min" \
	--phases "${PMTU_PHASES:-sysctl,icmp,blackhole}"
diag "pmtu.py: $((SECONDS - t0)) s"
finish
