#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scripted-peer cases (peer.py): crafted segments into a namespace and the
# exact segments that come back, for what two real stacks cannot produce:
# option negotiation per offer, simultaneous open, old duplicate SYN-ACK /
# bad ACK in SYN_SENT, retransmitted FIN in TIME_WAIT, RFC 5961 RST and SYN
# validation, RST to a closed port.  Native TCP first (must pass), then
# xtcp.
. "$(dirname "$0")/lib.sh"
X=8
SUT=xsut$X
PEER=xpeer$X

# Native TCP first proves each expectation; the debug kernel leaves that
# control to the stock kernel and runs the xtcp cases only.
protos="0"
if xtcp_load; then
	protos="0,$IPPROTO_XTCP"
	xtcp_debug_kernel && protos="$IPPROTO_XTCP"
else
	skip "xtcp cases" "xtcp.ko did not load"
fi
peer_link "$SUT" "$PEER" "$X" || { fail "netns setup"; finish; }

run_tap "peer" /usr/bin/python3 -S "$XTCP_TOP/selftests/peer.py" \
	--sut "$SUT" --peer "$PEER" --sut-mac "$sut_mac" --peer-mac "$peer_mac" \
	-x "$X" --protos "$protos"
finish
