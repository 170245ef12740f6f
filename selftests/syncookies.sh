#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SYN cookies (net.ipv4/net.xtcp tcp_syncookies), with the scripted peer
# of scripted.sh and a real native client: cookie SYN-ACKs without request
# socks, the ACK that completes them, the options a cookie carries, forged
# and misplaced cookies, a SYN flood with a tiny backlog, and the drop
# without cookies.  Native TCP first (must pass), then xtcp; both families.
# See syncookies.py for the cases.
. "$(dirname "$0")/lib.sh"
X=13
SUT=xcsut$X
PEER=xcpeer$X

# The native control validates the test, not xtcp: in the (much slower)
# debug kernel it is left to the stock run, and the flood is smaller.
native="0,"
flood=200
if xtcp_debug_kernel; then
	native=
	flood=50
	skip "native TCP control cases" "run in the stock kernel only"
fi
protos="${native%,}"
if xtcp_load; then
	diag "xtcp.ko loaded at ${SECONDS}s"
	protos="$native$IPPROTO_XTCP"
else
	skip "xtcp cases" "xtcp.ko did not load"
fi
[ -n "$protos" ] || { fail "nothing to test"; finish; }
netns_pair "$SUT" "$PEER" "$X" || { fail "netns setup"; finish; }
# As few commands as can be: each costs seconds in the debug kernel.
mac() {
	[[ $(ip -n "$1" -o link show veth0) =~ link/ether\ ([0-9a-f:]+) ]] &&
		echo "${BASH_REMATCH[1]}"
}
sut_mac=$(mac "$SUT")
peer_mac=$(mac "$PEER")
[ -n "$sut_mac" ] && [ -n "$peer_mac" ] || { fail "veth addresses"; finish; }
# .9 / ::9 is the scripted peer (see scripted.sh); .2 / ::2 the real client.
ip -n "$SUT" -batch - <<EOF
neigh replace 10.$X.0.9 lladdr $peer_mac dev veth0 nud permanent
neigh replace fd00:$X::9 lladdr $peer_mac dev veth0 nud permanent
EOF
ip netns exec "$SUT" ethtool -K veth0 tso off gso off gro off >/dev/null 2>&1

diag "setup took ${SECONDS}s"
run_tap "cookies" /usr/bin/python3 "$XTCP_TOP/selftests/syncookies.py" \
	--sut "$SUT" --peer "$PEER" --sut-mac "$sut_mac" --peer-mac "$peer_mac" \
	-x "$X" --protos "$protos" --flood "$flood"
diag "cases done at ${SECONDS}s"
finish
