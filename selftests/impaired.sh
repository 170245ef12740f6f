#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Transfers over an impaired path (issue 4): netem or tbf on both ends of
# the veth, so data and ACKs both see the impairment, and one checksummed
# transfer (xtcp_conn xfer: N bytes client->server, then after the
# client's FIN N bytes back, FNV checksums compared end to end, read() 0
# at FIN on both ends) per scenario, pairing and address family.
#
# Scenarios: random loss 0.1, 1 and 5 %; burst loss (Gilbert-Elliott);
# 2 % and 25 % reordering; 1 % duplication; 0.1 % corruption; 50 ms and
# 200 ms RTT; a 40 Mbit/s rate limit with a shallow (5 ms) tbf queue.
# Pairings: xtcp->xtcp, xtcp client->native server, native
# client->xtcp server; each transfer moves data both ways, so every
# pairing has xtcp both sending and receiving through the impairment.
#
# Every segment is its own packet at the qdisc, so that netem loses,
# reorders and duplicates segments, not 64 KiB GSO super-packets: both
# stacks build GSO packets whatever the device offers (and cut them in
# software after the qdisc when it has tso/gso off), so the veths have
# gso_max_segs 1 as well as tso/gso off.  The transfers of one scenario
# run at the same time (they share the impaired link, as flows on a real
# path do).
#
# The default (make check) runs every scenario once in each family and
# rotates the pairing from one scenario to the next, so each pairing is
# covered in both families within the time budget.  IMPAIRED_PAIRS with
# all three pairings and IMPAIRED_BIG_MB=64 runs the whole matrix of
# the issue at 0.5 MiB and a 64 MiB transfer in every scenario (160 s);
# IMPAIRED_FULL=1 runs the whole matrix at 64 MiB each way (730 s).
#
#   IMPAIRED_FULL=1		whole matrix, 64 MiB (unless IMPAIRED_MB)
#   IMPAIRED_MB=N		MiB per transfer, each way (may be fractional:
#				0.25); default 0.5 (1/16 in the debug kernel,
#				which also runs one family per scenario,
#				alternating, unless IMPAIRED_FAMILIES is set)
#   IMPAIRED_SCENARIOS="..."	scenario names to run (default: all)
#   IMPAIRED_PAIRS="c:s ..."	pairings (spaces or commas between);
#				setting it runs every listed pairing for
#				every scenario (tcp:tcp is the native
#				baseline: proves a scenario passable)
#   IMPAIRED_FAMILIES="v4 v6"	address families
#   IMPAIRED_BIG_MB=N		one transfer of each scenario moves N MiB
#				each way, the others IMPAIRED_MB; which one
#				rotates from scenario to scenario (with all
#				pairings: a 64 MiB transfer in every
#				scenario for a fifth of the CPU of
#				IMPAIRED_FULL)
#   IMPAIRED_TIMEOUT=S		limit per transfer, seconds (default
#				20 + 10 s per MiB, 4x in the debug kernel)
#   IMPAIRED_OFFLOADS=on	keep tso/gso on (and GSO packets whole at netem)
. "$(dirname "$0")/lib.sh"
CONN=$XTCP_BIN/xtcp_conn
X=16
A=ic$X
B=is$X

# name|qdisc and arguments, the same on both ends of the veth[|tick]
#
# netem's Gilbert-Elliott chain moves one step per packet, not per unit
# of time: a flow whose SYN or tail retransmission lands in the bad state
# can leave it only with its own backed-off retransmissions (one per RTO),
# so the handshake or the tail fails with a probability that belongs to
# netem, not to either TCP (seen: a 10 s connect() timeout under burst
# loss).  "tick" adds 50 small pings per second across the link for the
# scenario, so that a burst also ends in time, as on a shared real path.
SCENARIOS_ALL="
loss0.1|netem loss 0.1%
loss1|netem loss 1%
loss5|netem loss 5%
burst|netem loss gemodel 0.5% 30% 100% 0%|tick
reorder2|netem delay 5ms reorder 2% 50%
reorder25|netem delay 5ms reorder 25% 50%
dup1|netem duplicate 1%
corrupt0.1|netem corrupt 0.1%
rtt50|netem delay 25ms limit 10000
rtt200|netem delay 100ms limit 10000
rate|tbf rate 40mbit burst 16kb latency 5ms
"

full=${IMPAIRED_FULL:-0}
if [ -n "${IMPAIRED_MB:-}" ]; then
	mb=$IMPAIRED_MB
elif [ "$full" = 1 ]; then
	mb=64
elif xtcp_debug_kernel; then
	mb=0.0625
else
	mb=0.5
fi
# mib_bytes MB, mib_limit MB: the byte count and the time limit of a
# transfer of MB MiB each way
mib_bytes() { awk -v m="$1" 'BEGIN { printf "%d", m * 1048576 }'; }
mib_limit() {
	local t
	if [ -n "${IMPAIRED_TIMEOUT:-}" ]; then
		echo "$IMPAIRED_TIMEOUT"
		return
	fi
	t=$(awk -v m="$1" 'BEGIN { printf "%d", 20 + 10 * m }')
	xtcp_debug_kernel && t=$((t * 4))
	echo "$t"
}
bytes=$(mib_bytes "$mb")
tmo=$(mib_limit "$mb")
big_mb=${IMPAIRED_BIG_MB:-}
if [ -n "$big_mb" ]; then
	big_bytes=$(mib_bytes "$big_mb")
	big_tmo=$(mib_limit "$big_mb")
fi
families=${IMPAIRED_FAMILIES:-"v4 v6"}
# The debug kernel (there to catch splats, several times slower under
# TCG) runs one transfer per scenario by default: the family alternates
# and the pairing rotates from scenario to scenario.
one_family=0
if xtcp_debug_kernel && [ -z "${IMPAIRED_FAMILIES:-}" ] &&
   [ "$full" != 1 ]; then
	one_family=1
fi
rotate=1
if [ -n "${IMPAIRED_PAIRS:-}" ]; then
	pairs=${IMPAIRED_PAIRS//,/ }
	rotate=0
else
	pairs="xtcp:xtcp xtcp:tcp tcp:xtcp"
	[ "$full" = 1 ] && rotate=0
fi
# transfers per scenario (the big one's rotation counts them); arrays,
# not a subshell per count: processes are slow under TCG
# shellcheck disable=SC2206
fam_list=($families) pair_list=($pairs)
ncombos=${#fam_list[@]}
[ "$one_family" = 1 ] && ncombos=1
[ "$rotate" = 1 ] || ncombos=$((ncombos * ${#pair_list[@]}))
diag "impaired: $mb MiB each way, limit ${tmo}s per transfer," \
	"pairs: $pairs ($([ $rotate = 1 ] && echo rotated || echo all))${big_mb:+,}" \
	"${big_mb:+one $big_mb MiB transfer per scenario (limit ${big_tmo}s)}"

[ -x "$CONN" ] || { fail "xtcp_conn is built (make -C selftests)"; finish; }
have_xtcp=1
xtcp_load || have_xtcp=0
netns_pair "$A" "$B" "$X" || { fail "netns setup"; finish; }
if [ "${IMPAIRED_OFFLOADS:-off}" = off ]; then
	for ns in "$A" "$B"; do
		ip netns exec "$ns" ethtool -K veth0 tso off gso off \
			>/dev/null 2>&1
		ip -n "$ns" link set dev veth0 gso_max_segs 1 ||
			fail "ip link set veth0 gso_max_segs 1 in $ns"
	done
fi

proto() { [ "$1" = xtcp ] && echo "$IPPROTO_XTCP" || echo 0; }
tmpd=$(mktemp -d /tmp/xtcp-impaired.XXXXXX)

# impair N QDISC ARGS...: the same qdisc on both ends, as the only band
# of a root prio qdisc: replacing a child does not deactivate the device
# (replacing the root does, and waits for RCU grace periods: seconds per
# scenario in the debug kernel).  Each scenario's qdisc gets a handle of
# its own, so that it is created afresh and grafted: a replace with the
# same kind and handle would be a change, and netem keeps the reorder and
# corrupt settings a change does not mention.
impair() {
	local ns h=$((100 + $1)):
	shift
	for ns in "$A" "$B"; do
		# shellcheck disable=SC2068
		tc -n "$ns" qdisc replace dev veth0 parent 1:1 handle "$h" $@ ||
			return 1
	done
}
for ns in "$A" "$B"; do
	tc -n "$ns" qdisc replace dev veth0 root handle 1: prio bands 2 \
		priomap 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ||
		fail "tc: root prio qdisc in $ns"
done

# start_xfer FAM C S [BYTES LIMIT]: one xtcp_conn xfer in the
# background (BYTES each way, default $bytes; LIMIT seconds, default
# $tmo), its output in $tmpd/N.out.  The transfers of one scenario (one
# per family, or all pairings with IMPAIRED_PAIRS/IMPAIRED_FULL) run at
# once over the impaired link, so they share it, as flows on a real
# path do.
port=21000
nx=0
started=()
start_xfer() {
	local fam=$1 c=$2 s=$3 n=${4:-$bytes} lim=${5:-$tmo} famopt=""
	[ "$fam" = v6 ] && famopt=-6
	nx=$((nx + 1))
	port=$((port + 10))
	started+=("$nx|$fam $c->$s|$n|$lim")
	[ "$lim" -gt "$scen_tmo" ] && scen_tmo=$lim
	(t0=$SECONDS
	 timeout -s ALRM -k 5 "$lim" ip netns exec "$A" "$CONN" xfer \
		-C "$A" -S "$B" -c "$(proto "$c")" -s "$(proto "$s")" \
		-x "$X" -P "$port" $famopt -n "$n" -b "$n" \
		-L "$lim" 2>&1
	 echo "helper-exit $?"
	 echo "# wall $((SECONDS - t0)) s") >"$tmpd/$nx.out" &
}

# collect SCENARIO: wait for the scenario's transfers, then relay each
# one's TAP (a run killed by the limit prints its own "timed out" from
# SIGALRM, or is reported here).  Just before the limit the sockets of
# both namespaces are dumped, and shown if a transfer failed.  The
# watcher's own output goes nowhere: killed early, it leaves its sleep
# behind, which must not hold run_tests.sh's pipe open until it ends.
collect() {
	local scen=$1 e idx prefix watch rest
	(sleep $((scen_tmo * 3 / 4)) &&
	 for ns in "$A" "$B"; do
		echo "# $ns, $((scen_tmo * 3 / 4)) s in:"
		ip netns exec "$ns" ss -tinoe 2>&1 | sed 's/^/#   /'
	 done >"$tmpd/snap") >/dev/null 2>&1 &
	watch=$!
	[ ${#xfer_pids[@]} = 0 ] || wait "${xfer_pids[@]}"
	if [ -s "$tmpd/snap" ]; then
		wait "$watch"	# it has started: let it finish
	else
		kill "$watch" 2>/dev/null
		wait "$watch" 2>/dev/null
	fi
	for e in "${started[@]}"; do
		idx=${e%%|*}
		rest=${e#*|}
		prefix="$scen ${rest%%|*}"
		rest=${rest#*|}
		tap_relay "$prefix" note <"$tmpd/$idx.out"
		if [ "$tap_n" = 0 ]; then
			fail "$prefix: xfer ${rest%%|*}: no result (exit $tap_rc; limit ${rest#*|}s)"
		elif [ "${tap_rc:-1}" != 0 ] && [ "$tap_bad" = 0 ]; then
			fail "$prefix: xtcp_conn exited $tap_rc"
		fi
		if [ "$tap_bad" != 0 ] || [ "$tap_n" = 0 ]; then
			cat "$tmpd/snap" 2>/dev/null
		fi
	done
	rm -f "$tmpd"/*
	started=()
	xfer_pids=()
}

t_start=$SECONDS
i=0
while IFS='|' read -r name qd extra; do
	[ -n "$name" ] || continue
	if [ -n "${IMPAIRED_SCENARIOS:-}" ]; then
		case " $IMPAIRED_SCENARIOS " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	if [ "$have_xtcp" = 0 ]; then
		skip "$name" "xtcp.ko did not load"
		continue
	fi
	# shellcheck disable=SC2086	# the qdisc's words
	if ! impair "$i" $qd; then
		fail "$name: tc qdisc $qd"
		continue
	fi
	t1=$SECONDS
	j=0
	xfer_pids=()
	scen_tmo=$tmo
	combo=0
	tick=
	if [ "$extra" = tick ]; then
		ip netns exec "$A" busybox ping -q -s 16 -i 0.02 "10.$X.0.2" \
			>/dev/null 2>&1 &
		tick=$!
	fi
	for fam in $families; do
		if [ "$one_family" = 1 ] && [ "$fam" != "$(
		    [ $((i % 2)) = 0 ] && echo v4 || echo v6)" ]; then
			j=$((j + 1))
			continue
		fi
		# shellcheck disable=SC2086
		set -- $pairs
		if [ "$rotate" = 1 ]; then
			k=$(((i + j) % $#))
			shift "$k"
			set -- "$1"
		fi
		for p in "$@"; do
			# with IMPAIRED_BIG_MB, the i-th transfer of scenario
			# i (modulo the scenario's count) is the big one
			if [ -n "$big_mb" ] && [ $((i % ncombos)) = "$combo" ]; then
				start_xfer "$fam" "${p%%:*}" "${p##*:}" \
					"$big_bytes" "$big_tmo"
			else
				start_xfer "$fam" "${p%%:*}" "${p##*:}"
			fi
			xfer_pids+=($!)
			combo=$((combo + 1))
		done
		j=$((j + 1))
	done
	collect "$name"
	if [ -n "$tick" ]; then
		kill "$tick" 2>/dev/null
		wait "$tick" 2>/dev/null
	fi
	diag "$name: $((SECONDS - t1)) s"
	i=$((i + 1))
done <<< "$SCENARIOS_ALL"
rmdir "$tmpd" 2>/dev/null
for ns in "$A" "$B"; do
	tc -n "$ns" qdisc del dev veth0 root 2>/dev/null
done
diag "impaired: all transfers in $((SECONDS - t_start)) s"
finish
