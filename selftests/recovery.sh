#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sender-side loss recovery: congestion control through the kernel's
# tcp_congestion_ops, the SACK scoreboard, RACK-TLP, the three-dupACK
# fallback (recovery.py, a scripted peer; native TCP first, must pass),
# then real transfers over a lossy, reordering netem link between xtcp
# and native TCP in both directions and both families, with cubic and
# with reno, each checksummed end to end.
#
# The debug kernel (KASAN, lockdep, under TCG) runs the python peer and
# netem many times slower: there it runs the xtcp side of the main
# scripted cases in IPv4 only (native TCP, the reference, runs them in
# the stock kernel) and one 1 MiB netem transfer each way.
#
#   REC_BIG=BYTES	netem transfer size each way (8 MiB; 1 MiB debug)
#   REC_CASES="..."	only these recovery.py cases (default: all)
#   REC_NETEM=0		skip the netem transfers
. "$(dirname "$0")/lib.sh"
X=21
SUT=xrsut$X
PEER=xrpeer$X
Y=22
A=xrc$Y
B=xrs$Y
CONN=$XTCP_BIN/xtcp_conn

if [ -z "${REC_BIG:-}" ]; then
	REC_BIG=$((8 << 20))
	xtcp_debug_kernel && REC_BIG=$((1 << 20))
fi

protos="0"
have_xtcp=1
if xtcp_load; then
	protos="0,$IPPROTO_XTCP"
else
	have_xtcp=0
	skip "xtcp cases" "xtcp.ko did not load"
fi

# --- scripted peer ---
peer_link "$SUT" "$PEER" "$X" || { fail "netns setup"; finish; }
# An RTO of at least 1 s towards the peer (both stacks honour the route's
# rto_min), so that a slow scripted peer under emulation never races the
# RTO: every reaction checked here must come long before it.
ip -n "$SUT" route add "10.$X.0.9/32" dev veth0 rto_min 1s
ip -n "$SUT" -6 route add "fd00:$X::9/128" dev veth0 rto_min 1s

families="${REC_FAMILIES:-4,6}"
cases=${REC_CASES:-}
if xtcp_debug_kernel && [ "$protos" != 0 ]; then
	families=4
	protos=$IPPROTO_XTCP
	cases=${REC_CASES:-"congestion-control sack-scoreboard tlp"}
fi
run_tap "recovery" /usr/bin/python3 -S "$XTCP_TOP/selftests/recovery.py" \
	--sut "$SUT" --peer "$PEER" --sut-mac "$sut_mac" --peer-mac "$peer_mac" \
	-x "$X" --protos "${REC_PROTOS:-$protos}" --families "$families" \
	$cases
[ "${REC_NETEM:-1}" = 0 ] && finish

# --- netem: 1% loss and 5% reordering both ways ---
[ -x "$CONN" ] || { fail "xtcp_conn is built (make -C selftests)"; finish; }
if [ "$have_xtcp" = 0 ]; then
	skip "netem transfers" "xtcp.ko did not load"
	finish
fi
netns_pair "$A" "$B" "$Y" || { fail "netns setup"; finish; }
for ns in "$A" "$B"; do
	ip netns exec "$ns" tc qdisc add dev veth0 root netem \
		delay 2ms reorder 5% loss 1% limit 10000 ||
		{ fail "netem on $ns"; finish; }
done

proto() { [ "$1" = xtcp ] && echo "$IPPROTO_XTCP" || echo 0; }
port=24000
xfer() {	# FAM CLIENT SERVER CC
	local fam=$1 c=$2 s=$3 cc=$4 famopt= line n=0 bad=0 t0=$SECONDS
	[ "$fam" = v6 ] && famopt=-6
	local ns
	for ns in "$A" "$B"; do
		ip netns exec "$ns" sysctl -qw net.xtcp.tcp_congestion_control="$cc"
		ip netns exec "$ns" sysctl -qw net.ipv4.tcp_congestion_control="$cc"
	done
	port=$((port + 100))
	while IFS= read -r line; do
		case "$line" in
		"not ok "*) n=$((n + 1)); bad=$((bad + 1))
			fail "netem $fam $c->$s $cc: ${line#not ok * }" ;;
		"ok "*) n=$((n + 1))
			ok "netem $fam $c->$s $cc: ${line#ok * }" ;;
		"#"*) echo "$line" ;;
		esac
	done < <(ip netns exec "$A" "$CONN" xfer -C "$A" -S "$B" \
		-c "$(proto "$c")" -s "$(proto "$s")" -x "$Y" -P "$port" $famopt \
		-n "$REC_BIG" -b "$REC_BIG" 2>&1)
	[ "$n" = 0 ] && fail "netem $fam $c->$s $cc: no result"
	echo "# netem $fam $c->$s $cc: $((SECONDS - t0)) s"
}

# Each run moves REC_BIG both ways, so xtcp sends and receives in each.
if xtcp_debug_kernel; then
	xfer v4 xtcp tcp cubic
	finish
fi
for fam in v4 v6; do
	xfer "$fam" xtcp tcp cubic
	xfer "$fam" tcp xtcp cubic
done
xfer v4 xtcp xtcp reno
finish
