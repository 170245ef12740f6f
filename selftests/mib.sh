#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp's counters (/proc/net/xtcp/snmp) side by side with native TCP's
# (/proc/net/snmp Tcp, /proc/net/netstat TcpExt; both per namespace):
#
# 1. PAWS as Linux applies it (mib.py, scripted peer; native must pass
#    the same cases): one tick of TSval lag passes, a reordered
#    duplicate ACK passes, an RST is not judged by PAWS, a SYN with an
#    old TSval is a SYN challenge; PAWSEstab counts only real drops.
# 2. A clean transfer, native<->native and xtcp<->xtcp at the same
#    time: counters of events that cannot happen on a clean path stay
#    0 for xtcp (PAWSEstab first of all) wherever native's stayed 0.
# 3. The same transfer through netem loss + reordering + duplication on
#    both ends: native<->native with xtcp<->xtcp, then xtcp->native
#    with native->xtcp (each xtcp end in a namespace of its own, so its
#    counters are its own).  Every counter both stacks have that
#    native moved (by at least MIB_MIN, default 5) must move for xtcp
#    too, in both pairings; TCPDelivered within a factor of 2.  A
#    counter missing after one round gets a second round of both
#    pairings, judged with the first (one round is a small sample:
#    native itself once counted TCPOFOQueue 0 in one of 16, when its
#    GSO packets still met netem whole).  Every segment is its own
#    packet at netem (gso_max_segs 1 on the veths, see impaired.sh).
#    Counters of chance events (undo, spurious RTO, TLP repairs,
#    reordering seen by SACK, which RACK's early marking usually
#    preempts, or by timestamps, which needs a partial undo) are shown,
#    not asserted.
# Both address families, each on a namespace pair of its own, so that
# both families' transfers of a step run at once and the counters stay
# apart (the debug kernel: IPv4 only).
# Each transfer: xtcp_conn xfer (N bytes each way, FNV checksums
# compared end to end).
#
#   MIB_KB=N	KiB per transfer each way (default 512; 128 in the
#		debug kernel)
#   MIB_MIN=N	native moves below this are not asserted (default 5)
#   MIB_NETEM="..."	the impairment (default below)
. "$(dirname "$0")/lib.sh"
CONN=$XTCP_BIN/xtcp_conn
X=17		# v4 transfers (and the scripted peer); 18: v6
kb=${MIB_KB:-512}
xtcp_debug_kernel && kb=${MIB_KB:-128}
bytes=$((kb * 1024))
min=${MIB_MIN:-5}
netem=${MIB_NETEM:-"netem delay 2ms reorder 10% 50% loss 2% duplicate 5%"}
tmo=60
xtcp_debug_kernel && tmo=180
combos="tcp:4,xtcp:4,xtcp:6"
fams="v4 v6"
# The debug kernel (there for splats; namespaces and scapy are slow in
# it): xtcp only, IPv4 only.
xtcp_debug_kernel && combos="xtcp:4" fams=v4
pairs=17
[ "$fams" = v4 ] || pairs="17 18"

# Events that need an impaired path (or a broken stack): 0 on a clean
# one wherever native's count is 0 too.
CLEAN_ZERO="PAWSEstab TCPACKSkippedPAWS TCPSACKReneging TCPLostRetransmit
TCPRenoRecovery TCPRenoReorder TCPDSACKOfoRecv TCPDSACKOfoSent TCPOFODrop
TCPOFOMerge TCPZeroWindowDrop TCPSlowStartRetrans TCPLossUndo
TCPSpuriousRTOs InCsumErrors InErrs XtcpBadOptions XtcpOutOfWindow"
# Chance events: shown, not asserted, in the lossy comparison.
CHANCE="TCPFullUndo TCPDSACKUndo TCPLossUndo TCPSpuriousRTOs
TCPLossProbeRecovery TCPSACKReneging TCPRenoRecovery TCPRenoReorder
TCPACKSkippedPAWS TCPACKSkippedSeq PAWSEstab TCPOFODrop TCPZeroWindowDrop
TCPWantZeroWindowAdv TCPToZeroWindowAdv TCPFromZeroWindowAdv
TCPSYNChallenge TCPChallengeACK EstabResets OutRsts TCPAbortOnData
DelayedACKs TCPDSACKOfoRecv TCPDSACKOfoSent TCPOFOMerge TCPSlowStartRetrans
TCPLostRetransmit TCPTimeouts TCPSACKReorder TCPTSReorder TCPPartialUndo"
# Asserted for the xtcp ends of the mixed pairings only: a receiver can
# merge a segment only once its sender has freed its own reference
# (skb_try_coalesce() refuses a cloned skb), and xtcp senders hold theirs
# longer than native ones (not understood yet: xtcp:xtcp counts 15-35
# where native counts hundreds; an xtcp receiver fed by native does).
MIXED_ONLY="TCPRcvCoalesce"

[ -x "$CONN" ] || { fail "xtcp_conn is built (make -C selftests)"; finish; }
t0=$SECONDS
if ! xtcp_load; then
	fail "xtcp.ko loads"
	finish
fi
for x in $pairs; do
	netns_pair "mc$x" "ms$x" "$x" || { fail "netns setup"; finish; }
	for ns in "mc$x" "ms$x"; do
		ip netns exec "$ns" ethtool -K veth0 tso off gso off gro off \
			>/dev/null 2>&1
		# one segment per packet at netem, for both stacks (see
		# impaired.sh)
		ip -n "$ns" link set dev veth0 gso_max_segs 1 ||
			fail "ip link set veth0 gso_max_segs 1 in $ns"
	done
done
tmpd=$(mktemp -d /tmp/xtcp-mib.XXXXXX)
diag "setup: $((SECONDS - t0)) s"

# --- 1. PAWS, scripted ---------------------------------------------
t1=$SECONDS
A=mc$X
B=ms$X
sut_mac=$(ip netns exec "$A" cat /sys/class/net/veth0/address)
peer_mac=$(ip netns exec "$B" cat /sys/class/net/veth0/address)
ip -n "$A" neigh replace "10.$X.0.9" lladdr "$peer_mac" dev veth0 nud permanent
ip -n "$A" neigh replace "fd00:$X::9" lladdr "$peer_mac" dev veth0 nud permanent
run_tap "paws" /usr/bin/python3 "$XTCP_TOP/selftests/mib.py" \
	--sut "$A" --peer "$B" --sut-mac "$sut_mac" --peer-mac "$peer_mac" \
	-x "$X" --combos "$combos"
diag "paws: $((SECONDS - t1)) s"

# --- counters --------------------------------------------------------
# snap NS: "STACK name value" per counter, STACK tcp (Tcp + TcpExt) or
# xtcp (Xtcp + XtcpExt); one process per namespace (processes are
# slow under TCG).
snap() {
	ip netns exec "$1" awk '
		FNR % 2 == 1 { split($0, names, " "); grp = $1; next }
		$1 != grp { next }
		grp == "Tcp:" || grp == "TcpExt:" { st = "tcp" }
		grp == "Xtcp:" || grp == "XtcpExt:" { st = "xtcp" }
		grp ~ /^(Tcp|TcpExt|Xtcp|XtcpExt):$/ {
			for (i = 2; i <= NF; i++) print st, names[i], $i
		}' /proc/net/snmp /proc/net/netstat /proc/net/xtcp/snmp
}

# run_phase NAME X SPEC...: in the background, the transfers of SPEC
# ("FAM C:S") at once between mcX and msX, with snapshots of both
# namespaces around them: $tmpd/NAME.delta ("STACK NS name delta"),
# $tmpd/NAME.N (transfer N's output) and $tmpd/NAME.N.rc.
run_phase() {
	local name=$1 x=$2 spec fam c s i=0 famopt pids=()
	shift 2
	(for ns in "mc$x" "ms$x"; do
		snap "$ns" | sed "s/ / $ns /"
	 done >"$tmpd/$name.before"
	 for spec in "$@"; do
		fam=${spec%% *} c=${spec#* } s=${c#*:} c=${c%%:*}
		famopt=""
		[ "$fam" = v6 ] && famopt=-6
		i=$((i + 1))
		(timeout -k 5 "$tmo" ip netns exec "mc$x" "$CONN" xfer \
			-C "mc$x" -S "ms$x" \
			-c "$([ "$c" = xtcp ] && echo 253 || echo 0)" \
			-s "$([ "$s" = xtcp ] && echo 253 || echo 0)" \
			-x "$x" -P $((22000 + 10 * i)) $famopt \
			-n "$bytes" -b "$bytes" >"$tmpd/$name.$i" 2>&1
		 echo $? >"$tmpd/$name.$i.rc") &
		pids+=($!)
	 done
	 wait "${pids[@]}"
	 for ns in "mc$x" "ms$x"; do
		snap "$ns" | sed "s/ / $ns /"
	 done >"$tmpd/$name.after"
	 awk 'NR == FNR { b[$1 " " $2 " " $3] = $4; next }
		{ print $1, $2, $3, $4 - b[$1 " " $2 " " $3] }' \
		"$tmpd/$name.before" "$tmpd/$name.after" >"$tmpd/$name.delta"
	) &
	phase_pids+=($!)
}

# report_phase NAME SPEC...: ok/fail per transfer.
report_phase() {
	local name=$1 spec i=0 rc
	shift
	for spec in "$@"; do
		i=$((i + 1))
		rc=$(cat "$tmpd/$name.$i.rc" 2>/dev/null)
		if [ "$rc" = 0 ] && grep -q '^ok ' "$tmpd/$name.$i" &&
		   ! grep -q '^not ok' "$tmpd/$name.$i"; then
			ok "$name: $spec transfer of $kb KiB each way"
		else
			fail "$name: $spec transfer of $kb KiB each way (exit $rc)"
			sed 's/^/# /' "$tmpd/$name.$i"
		fi
	done
}

wait_phases() {
	wait "${phase_pids[@]}"
	phase_pids=()
}

positive() {
	[ -n "$1" ] && [ "$1" != - ] && [ "$1" -gt 0 ]
}

# within2 REF V...: every V within a factor of 2 of REF.
within2() {
	local ref=$1 v
	shift
	positive "$ref" || return 1
	for v in "$@"; do
		positive "$v" && [ "$v" -ge $((ref / 2)) ] &&
			[ "$v" -le $((ref * 2)) ] || return 1
	done
}

# --- 2. clean path ---------------------------------------------------
t1=$SECONDS
phase_pids=()
px() { [ "$1" = v4 ] && echo 17 || echo 18; }
for fam in $fams; do
	run_phase "$fam-clean" "$(px "$fam")" "$fam tcp:tcp" "$fam xtcp:xtcp"
done
wait_phases
for fam in $fams; do
	report_phase "$fam-clean" "$fam tcp:tcp" "$fam xtcp:xtcp"
	# one awk for all of it: a process costs much under TCG
	awk -v zero="$CLEAN_ZERO" '
		$1 == "tcp" { nat[$3] += $4 }
		$1 == "xtcp" { xt[$3] += $4 }
		END {
			n = split(zero, z, /[ \n]+/)
			for (i = 1; i <= n; i++) {
				k = z[i]
				if (k == "") continue
				if (!(k in xt)) { bad = bad " " k "(no counter)"; continue }
				if (nat[k] + 0 == 0 || k == "PAWSEstab") {
					if (xt[k] != 0) bad = bad " " k "=" xt[k]
				} else {
					shown = shown " " k "=" xt[k] "(native " nat[k] ")"
				}
			}
			print "bad" bad
			print "shown" shown
			print "delivered", xt["TCPDelivered"] + 0
		}' "$tmpd/$fam-clean.delta" >"$tmpd/res"
	bad=$(sed -n 's/^bad//p' "$tmpd/res")
	shown=$(sed -n 's/^shown//p' "$tmpd/res")
	x=$(sed -n 's/^delivered //p' "$tmpd/res")
	check "$fam clean: no xtcp counts of events a clean path does not have (PAWSEstab, reneging, lost retransmits, drops...)${bad:+:$bad}" \
		[ -z "$bad" ]
	[ -z "$shown" ] || diag "$fam clean: native moved too:$shown"
	check "$fam clean: xtcp TCPDelivered moved ($x)" positive "$x"
done
diag "clean: $((SECONDS - t1)) s"

# --- 3. impaired path ------------------------------------------------
t1=$SECONDS
for x in $pairs; do
	for ns in "mc$x" "ms$x"; do
		# shellcheck disable=SC2086
		tc -n "$ns" qdisc replace dev veth0 root $netem ||
			fail "tc $netem in $ns"
	done
done
for fam in $fams; do
	run_phase "$fam-lossy" "$(px "$fam")" "$fam tcp:tcp" "$fam xtcp:xtcp"
done
wait_phases
for fam in $fams; do
	run_phase "$fam-mixed" "$(px "$fam")" "$fam xtcp:tcp" "$fam tcp:xtcp"
done
wait_phases
# lossy_compare FAM ROUNDS...: the comparison over the transfers of
# the rounds given (each round one lossy and one mixed phase); prints
# the missing counters.
lossy_compare() {
	local fam=$1 r files=() mfiles=()
	shift
	for r in "$@"; do
		files+=("$tmpd/$fam-lossy$r.delta")
		mfiles+=("$tmpd/$fam-mixed$r.delta")
	done
	# native: both ends of tcp:tcp; xtcp: both ends of xtcp:xtcp;
	# mixed: the xtcp end of each mixed pairing (client in mc, server
	# in ms)
	awk -v chance="$CHANCE" -v mixedonly="$MIXED_ONLY" -v min="$min" '
		FILENAME ~ /-lossy[0-9]*\.delta$/ && $1 == "tcp" { nat[$3] += $4 }
		FILENAME ~ /-lossy[0-9]*\.delta$/ && $1 == "xtcp" { xt[$3] += $4 }
		FILENAME ~ /-mixed[0-9]*\.delta$/ && $1 == "xtcp" { mx[$3] += $4 }
		END {
			n = split(chance, c, /[ \n]+/)
			for (i = 1; i <= n; i++) ch[c[i]] = 1
			n = split(mixedonly, c, /[ \n]+/)
			for (i = 1; i <= n; i++) mo[c[i]] = 1
			for (k in nat) {
				if (!(k in xt)) continue
				if (nat[k] == 0 && xt[k] == 0 && mx[k] == 0) continue
				table = table " " k "=" nat[k] "/" xt[k] "/" mx[k]
				if ((k in ch) || nat[k] < min) continue
				if (xt[k] <= 0 && !(k in mo))
					missing = missing " " k "(xtcp:xtcp)"
				if (mx[k] <= 0) missing = missing " " k "(mixed)"
			}
			print "table" table
			print "missing" missing
			print "delivered", nat["TCPDelivered"] + 0, \
				xt["TCPDelivered"] + 0, mx["TCPDelivered"] + 0
		}' "${files[@]}" "${mfiles[@]}" >"$tmpd/res"
	diag "$fam lossy (rounds:$*), native/xtcp:xtcp/mixed:$(sed -n 's/^table//p' "$tmpd/res")"
}

for fam in $fams; do
	report_phase "$fam-lossy" "$fam tcp:tcp" "$fam xtcp:xtcp"
	report_phase "$fam-mixed" "$fam xtcp:tcp" "$fam tcp:xtcp"
	lossy_compare "$fam" ""
	read -r n x m < <(sed -n 's/^delivered //p' "$tmpd/res")
	missing=$(sed -n 's/^missing//p' "$tmpd/res")
	if [ -n "$missing" ]; then
		# One round is a small sample: even native, on the same
		# path, has seen TCPOFOQueue 0 in a round where xtcp saw
		# hundreds (1 of 16 rounds).  A counter missing after one
		# round gets a second round, and the two are judged
		# together.
		diag "$fam lossy: missing after one round:$missing; a second round"
		run_phase "$fam-lossy2" "$(px "$fam")" "$fam tcp:tcp" "$fam xtcp:xtcp"
		wait_phases
		run_phase "$fam-mixed2" "$(px "$fam")" "$fam xtcp:tcp" "$fam tcp:xtcp"
		wait_phases
		report_phase "$fam-lossy2" "$fam tcp:tcp" "$fam xtcp:xtcp"
		report_phase "$fam-mixed2" "$fam xtcp:tcp" "$fam tcp:xtcp"
		lossy_compare "$fam" "" 2
		missing=$(sed -n 's/^missing//p' "$tmpd/res")
	fi
	check "$fam lossy: every counter native moved moved for xtcp${missing:+, not:$missing}" \
		[ -z "$missing" ]
	check "$fam lossy: TCPDelivered within 2x of native ($n/$x/$m)" \
		within2 "$n" "$x" "$m"
done
diag "lossy: $((SECONDS - t1)) s"
rm -rf "$tmpd"
diag "mib: $((SECONDS - t0)) s"
finish
