#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scripted-peer cases for reliable transfer (recovery_peer.py): PAWS,
# D-SACK, SACK blocks after holes, zero-window probing and backoff,
# window-scale shift 14, a malformed-option zoo and extreme SYN option
# values.  By default (time budget): native TCP in IPv4 with the cases
# that wait on no timer (it validates those expectations), xtcp in IPv4
# with every case, xtcp in IPv6 with the quick ones (the debug kernel:
# xtcp in IPv4 with every case).  Every case passes
# against native TCP in both families:
#   RECOVERY_COMBOS=tcp:4,tcp:6 selftests/run_tests.sh recovery_peer.sh
#
#   RECOVERY_COMBOS="STACK:FAMILY[:quick],..."	default
#			"tcp:4:quick,xtcp:4,xtcp:6:quick"
. "$(dirname "$0")/lib.sh"
X=13
SUT=rsut$X
PEER=rpeer$X
combos=${RECOVERY_COMBOS:-"tcp:4:quick,xtcp:4,xtcp:6:quick"}
# The debug kernel is there to catch splats in xtcp: no native baseline
# (the stock run has it), xtcp in IPv4 only.
xtcp_debug_kernel && combos=${RECOVERY_COMBOS:-"xtcp:4"}

if ! xtcp_load; then
	skip "xtcp cases" "xtcp.ko did not load"
	combos=$(echo "$combos" | tr ',' '\n' | grep -v '^xtcp:' | paste -sd,)
fi
peer_link "$SUT" "$PEER" "$X" || { fail "netns setup"; finish; }

[ -n "$combos" ] &&
run_tap "recovery" /usr/bin/python3 -S "$XTCP_TOP/selftests/recovery_peer.py" \
	--sut "$SUT" --peer "$PEER" --sut-mac "$sut_mac" --peer-mac "$peer_mac" \
	-x "$X" --combos "$combos" "$@"
finish
