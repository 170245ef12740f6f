#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the xtcp selftests: TAP output (kselftest style),
# module load/unload, and network namespaces joined by veth.
#
# A test script sources this file, calls ok/fail/skip (or check, or
# run_tap for a helper program that speaks TAP) once per test case, and
# ends with `finish`, which prints the plan (TAP allows it last).  Test cases must assert real
# behaviour; a case that cannot run is reported as SKIP, never as ok.

XTCP_TOP=${XTCP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# The module under test; scripts/check points it at the build for the
# booted kernel.
XTCP_KO=${XTCP_KO:-$XTCP_TOP/net/xtcp/xtcp.ko}
XTCP_BIN=${XTCP_BIN:-$XTCP_TOP/selftests/bin}
IPPROTO_XTCP=253

_tap_n=0
_tap_failed=0
_ns_list=()

echo "TAP version 13"

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $*"
}

fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $*"
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1 # SKIP ${2:-}"
}

# check NAME CMD...: one test case that passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		fail "$name"
	fi
}

diag() {
	echo "$*" | sed 's/^/# /'
}

# tap_relay PREFIX [NOTE]: re-emit each TAP result read from stdin as a
# case of this script, named "PREFIX: ...", and its comment lines (with
# NOTE=note, as "# PREFIX: ...").  Sets tap_n (results), tap_bad
# (failures) and tap_rc (from a line "helper-exit N").  Bash string
# operations only: no fork per line, which costs seconds under TCG.
tap_relay() {
	local prefix=$1 note=${2:-} line rest
	tap_n=0 tap_bad=0 tap_rc=
	while IFS= read -r line; do
		case "$line" in
		"not ok "*)
			rest=${line#not ok }; rest=${rest#* }
			tap_n=$((tap_n + 1)); tap_bad=$((tap_bad + 1))
			fail "$prefix: $rest" ;;
		"ok "*)
			rest=${line#ok }; rest=${rest#* }
			tap_n=$((tap_n + 1))
			case "$rest" in
			*"# SKIP"*) skip "$prefix: ${rest%% # SKIP*}" "${rest#*# SKIP }" ;;
			*) ok "$prefix: $rest" ;;
			esac ;;
		"helper-exit "*) tap_rc=${line#helper-exit } ;;
		"#"*)
			if [ "$note" = note ]; then
				echo "# $prefix: ${line#\# }"
			else
				echo "$line"
			fi ;;
		esac
	done
}

# run_tap PREFIX CMD...: run a helper that prints TAP and re-emit each of
# its results as a case of this script.  A helper that exits non-zero
# without reporting a failure, or reports nothing, counts as a failure.
run_tap() {
	local prefix=$1 t0=$SECONDS
	shift
	tap_relay "$prefix" < <("$@" 2>&1; echo "helper-exit $?")
	echo "# $prefix: $tap_n results in $((SECONDS - t0)) s"
	if [ "$tap_n" = 0 ] || { [ "${tap_rc:-1}" != 0 ] && [ "$tap_bad" = 0 ]; }; then
		fail "$prefix: helper exited $tap_rc after $tap_n results"
	fi
}

finish() {
	cleanup_netns
	echo "1..$_tap_n"
	[ "$_tap_failed" = 0 ]
	exit $?
}

# The debug kernel (KASAN, lockdep, kmemleak) runs every test several
# times slower under TCG; scripts scale their loop counts down there.
xtcp_debug_kernel() {
	case "$(uname -r)" in
	*xtcp-debug*) return 0 ;;
	esac
	return 1
}

xtcp_loaded() {
	[ -d /sys/module/xtcp ]
}

xtcp_load() {
	xtcp_loaded || insmod "$XTCP_KO"
}

xtcp_unload() {
	! xtcp_loaded || rmmod xtcp
}

# netns_pair A B [ADDR_PREFIX]: two namespaces joined by a veth pair,
# 10.x.0.1/24 + fd00:x::1/64 on A, .2 / ::2 on B.  Offloads stay as veth
# defaults unless the test changes them.
netns_pair() {
	local a=$1 b=$2 x=${3:-1}
	# One ip per namespace: every exec costs under TCG.
	_ns_list+=("$a" "$b")
	ip -batch - <<-EOF || return 1
	netns add $a
	netns add $b
	EOF
	ip -n "$a" -batch - <<-EOF || return 1
	link add veth0 type veth peer name veth0 netns $b
	link set lo up
	addr add 10.$x.0.1/24 dev veth0
	addr add fd00:$x::1/64 dev veth0 nodad
	link set veth0 up
	EOF
	ip -n "$b" -batch - <<-EOF || return 1
	link set lo up
	addr add 10.$x.0.2/24 dev veth0
	addr add fd00:$x::2/64 dev veth0 nodad
	link set veth0 up
	EOF
}

# veth_mac NS: the MAC address of veth0 in NS (without ip netns exec,
# which sets up a mount namespace: slow under TCG)
veth_mac() {
	[[ $(ip -n "$1" -o link show veth0) =~ link/ether\ ([0-9a-f:]+) ]] &&
		echo "${BASH_REMATCH[1]}"
}

# peer_link SUT PEER X: the link of the scripted-peer scripts (peer.py):
# netns_pair SUT PEER X, then 10.X.0.9 and fd00:X::9 as static neighbours
# of the SUT behind the peer's end of the veth.  The peer namespace does
# not own .9 (and does not forward), so only peer.py answers for it.
# Offloads off on the SUT: segments on the wire exactly as TCP cut them.
# Sets sut_mac and peer_mac.
peer_link() {
	local sut=$1 peer=$2 x=$3
	netns_pair "$sut" "$peer" "$x" || return 1
	sut_mac=$(veth_mac "$sut")
	peer_mac=$(veth_mac "$peer")
	[ -n "$sut_mac" ] && [ -n "$peer_mac" ] || return 1
	ip -n "$sut" -batch - <<-EOF
	neigh replace 10.$x.0.9 lladdr $peer_mac dev veth0 nud permanent
	neigh replace fd00:$x::9 lladdr $peer_mac dev veth0 nud permanent
	EOF
	ip netns exec "$sut" ethtool -K veth0 tso off gso off gro off >/dev/null 2>&1
	return 0
}

cleanup_netns() {
	local ns
	for ns in "${_ns_list[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	_ns_list=()
}

# nap SECONDS: sleep without fork and exec, which cost hundreds of
# milliseconds each under TCG (a read that times out on a pipe nobody
# writes to).
exec {_nap_fd}<> <(:)
nap() {
	read -r -t "$1" -u "$_nap_fd" _
	return 0
}

# file_wait FILE TEXT TRIES: wait (TRIES tenths of a second at most)
# until FILE is not empty and contains TEXT (any content if TEXT is
# empty), e.g. a server's "listening" line, without a fork or exec per
# poll: each costs about a second in the debug kernel under make check.
file_wait() {
	local f=$1 text=$2 tries=$3 i content
	for ((i = 0; i < tries; i++)); do
		if [ -s "$f" ]; then
			[ -z "$text" ] && return 0
			read -r -d '' content < "$f"
			[[ $content == *"$text"* ]] && return 0
		fi
		nap 0.1
	done
	return 1
}

# ss_wait N NS FILTER...: wait (20 s at most) until at least N TCP
# sockets of NS match the ss filter, e.g. servers listening: polling, not
# a fixed sleep, which is either too long or too short under emulation.
# One exec per poll (ss -N enters the namespace itself; mapfile counts).
ss_wait() {
	local n=$1 ns=$2 i lines
	shift 2
	for ((i = 0; i < 100; i++)); do
		mapfile -t lines < <(ss -N "$ns" -Htn "$@")
		[ "${#lines[@]}" -ge "$n" ] && return 0
		nap 0.2
	done
	return 1
}

# pid_snmp PID GROUP KEY: a counter of the namespace PID runs in, from
# /proc/PID/net/snmp (GROUP Icmp, KEY OutDestUnreachs) or, with GROUP
# "6", /proc/PID/net/snmp6 (KEY Icmp6OutDestUnreachs); no process, where
# snmp_get costs two (a second each in the debug kernel).
pid_snmp() {
	local pid=$1 grp=$2 key=$3 i
	local -a f hdr
	if [ "$grp" = 6 ]; then
		while read -r -a f; do
			[ "${f[0]}" = "$key" ] && { echo "${f[1]}"; return 0; }
		done < "/proc/$pid/net/snmp6"
		return 1
	fi
	while read -r -a f; do
		[ "${f[0]}" = "$grp:" ] || continue
		if [ ${#hdr[@]} = 0 ]; then
			hdr=("${f[@]}")
			continue
		fi
		for ((i = 1; i < ${#hdr[@]}; i++)); do
			[ "${hdr[i]}" = "$key" ] && { echo "${f[i]}"; return 0; }
		done
		return 1
	done < "/proc/$pid/net/snmp"
	return 1
}

# A kernel counter from /proc/net/snmp or netstat, e.g. snmp_get Icmp OutDestUnreachs
snmp_get() {
	local ns=$1 grp=$2 key=$3
	ip netns exec "$ns" awk -v g="$grp:" -v k="$key" '
		$1 == g && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == g && hdr { print $col[k]; exit }' /proc/net/snmp
}
