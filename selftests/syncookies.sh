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
# .9 / ::9 is the scripted peer (see lib.sh's peer_link); .2 / ::2 the
# real client.
peer_link "$SUT" "$PEER" "$X" || { fail "netns setup"; finish; }

diag "setup took ${SECONDS}s"
run_tap "cookies" /usr/bin/python3 -S "$XTCP_TOP/selftests/syncookies.py" \
	--sut "$SUT" --peer "$PEER" --sut-mac "$sut_mac" --peer-mac "$peer_mac" \
	-x "$X" --protos "$protos" --flood "$flood"
diag "cases done at ${SECONDS}s"
finish
