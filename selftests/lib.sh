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

# run_tap PREFIX CMD...: run a helper that prints TAP and re-emit each of
# its results as a case of this script.  A helper that exits non-zero
# without reporting a failure, or reports nothing, counts as a failure.
run_tap() {
	local prefix=$1 line n=0 bad=0 rc=
	shift
	while IFS= read -r line; do
		case "$line" in
		"not ok "*)
			n=$((n + 1)); bad=$((bad + 1))
			line=${line#not ok }
			line=${line#"${line%%[!0-9]*}"}
			fail "$prefix: ${line# }" ;;
		"ok "*)
			n=$((n + 1))
			line=${line#ok }
			line=${line#"${line%%[!0-9]*}"}
			line=${line# }
			case "$line" in
			*"# SKIP"*) skip "$prefix: ${line%%# SKIP*}" "${line#*# SKIP}" ;;
			*) ok "$prefix: $line" ;;
			esac ;;
		"helper-exit "*) rc=${line#helper-exit } ;;
		"#"*) echo "$line" ;;
		esac
	done < <("$@" 2>&1; echo "helper-exit $?")
	if [ "$n" = 0 ] || { [ "${rc:-1}" != 0 ] && [ "$bad" = 0 ]; }; then
		fail "$prefix: helper exited $rc after $n results"
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
	ip netns add "$a" || return 1
	ip netns add "$b" || return 1
	_ns_list+=("$a" "$b")
	ip -n "$a" link add veth0 type veth peer name veth0 netns "$b" || return 1
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	ip -n "$a" addr add "10.$x.0.1/24" dev veth0
	ip -n "$b" addr add "10.$x.0.2/24" dev veth0
	ip -n "$a" addr add "fd00:$x::1/64" dev veth0 nodad
	ip -n "$b" addr add "fd00:$x::2/64" dev veth0 nodad
	ip -n "$a" link set veth0 up
	ip -n "$b" link set veth0 up
}

cleanup_netns() {
	local ns
	for ns in "${_ns_list[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	_ns_list=()
}

# A kernel counter from /proc/net/snmp or netstat, e.g. snmp_get Icmp OutDestUnreachs
snmp_get() {
	local ns=$1 grp=$2 key=$3
	ip netns exec "$ns" awk -v g="$grp:" -v k="$key" '
		$1 == g && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == g && hdr { print $col[k]; exit }' /proc/net/snmp
}
