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
# The debug kernel (KASAN, lockdep, under TCG) moves less data.
#
#   PMTU_BIG=BYTES	ICMP-phase transfer (4 MiB; 1 MiB debug)
#   PMTU_SMALL=BYTES	black-hole-phase transfer (256 KiB; 128 KiB debug)
#   PMTU_PHASES=...	sysctl,icmp,blackhole (default: all)
. "$(dirname "$0")/lib.sh"
X=31
Y=32
C=xpmc$X
R=xpmr$X
S=xpms$X

big=${PMTU_BIG:-$((4 << 20))}
small=${PMTU_SMALL:-$((256 << 10))}
if xtcp_debug_kernel; then
	big=${PMTU_BIG:-$((1 << 20))}
	small=${PMTU_SMALL:-$((128 << 10))}
fi

stacks=tcp
if xtcp_load; then
	stacks=tcp,xtcp
else
	fail "xtcp.ko loads"
fi

# C -- R: 10.X.0.0/24, fd00:X::/64 (C .1, R .2)
netns_pair "$C" "$R" "$X" || { fail "netns setup"; finish; }
# R -- S: 10.Y.0.0/24, fd00:Y::/64 (R .1, S .2 and .10-.15 for the cases)
ip netns add "$S" || { fail "netns setup"; finish; }
_ns_list+=("$S")
# Only R's end is 1280: S advertises the MSS of its own 1500-byte link,
# so the sender learns the 1280 from R's ICMP, not from the handshake.
ip -n "$R" link add veth1 mtu 1280 type veth peer name veth1 mtu 1500 \
	netns "$S" || { fail "veth R-S"; finish; }
ip -n "$S" link set lo up
ip -n "$R" addr add "10.$Y.0.1/24" dev veth1
ip -n "$R" addr add "fd00:$Y::1/64" dev veth1 nodad
ip -n "$S" addr add "10.$Y.0.2/24" dev veth1
ip -n "$S" addr add "fd00:$Y::2/64" dev veth1 nodad
for i in 10 11 12 13 14 15; do
	ip -n "$S" addr add "10.$Y.0.$i/24" dev veth1
	ip -n "$S" addr add "fd00:$Y::$i/64" dev veth1 nodad
done
ip -n "$R" link set veth1 up
ip -n "$S" link set veth1 up
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$C" route add default via "10.$X.0.2"
ip -n "$C" -6 route add default via "fd00:$X::2"
ip -n "$S" route add default via "10.$Y.0.1"
ip -n "$S" -6 route add default via "fd00:$Y::1"
# The ICMP cases' servers: an RTO of at least 1 s, so that a repair by
# the ICMP reaction is told apart from one by the RTO.
for i in 10 11; do
	ip -n "$C" route add "10.$Y.0.$i/32" via "10.$X.0.2" rto_min 1s
	ip -n "$C" -6 route add "fd00:$Y::$i/128" via "fd00:$X::2" rto_min 1s
done
# reno at C (xtcp follows the namespace's native default): no HyStart
# to set ssthresh early, so an unset ssthresh means no loss response.
ip netns exec "$C" sysctl -qw net.ipv4.tcp_congestion_control=reno
# Path MTU discovery on (the default), ICMP not rate-limited away.
ip netns exec "$C" sysctl -qw net.ipv4.ip_no_pmtu_disc=0
ip netns exec "$R" sysctl -qw net.ipv4.icmp_ratelimit=0
ip netns exec "$R" sysctl -qw net.ipv6.icmp.ratelimit=0
t0=$SECONDS
run_tap "pmtu" /usr/bin/python3 "$XTCP_TOP/selftests/pmtu.py" \
	-C "$C" -R "$R" -S "$S" -x "$X" -y "$Y" --stacks "$stacks" \
	--big "$big" --small "$small" \
	--phases "${PMTU_PHASES:-sysctl,icmp,blackhole}"
diag "pmtu.py: $((SECONDS - t0)) s"
finish
