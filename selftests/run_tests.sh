#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the xtcp selftests (inside the VM) and print one TAP stream:
# every case of every test script, prefixed with the script's name.
#
#   run_tests.sh [TEST...]     default: every test listed in TESTS
#   run_tests.sh --list        print that list
#
# XTCP_KO names the module built for the running kernel.
# A script that dies, times out or reports no cases is a failure.
#
# Inside scripts/vm (XTCP_OUT set) each result is also written, with the
# seconds since its script started, to $XTCP_OUT/case-times.txt: where
# the time of a run goes.
cd "$(dirname "$0")" || exit 1
TESTS=${TESTS:-"socket_create.sh netns.sh load_unload.sh conn.sh scripted.sh programs.sh churn.sh tw_reuse.sh syncookies.sh control.sh recovery.sh impaired.sh recovery_peer.sh slow_reader.sh pmtu.sh mib.sh"}
case "$(uname -r)" in
*xtcp-debug*) TIMEOUT=${TEST_TIMEOUT:-1800} ;;
*) TIMEOUT=${TEST_TIMEOUT:-600} ;;
esac
# --list: the default list, for scripts/check to split among VMs
[ "${1:-}" = --list ] && { echo $TESTS; exit 0; }
[ $# -gt 0 ] && TESTS="$*"

# The modules as the guest loads them: copies on tmpfs without debug
# info (the stock build's xtcp.ko is 11 MB with it, read over 9p at every
# insmod, 50 times in load_unload.sh alone).
if [ -f "${XTCP_KO:-}" ]; then
	kodir=$(mktemp -d /tmp/xtcp-ko.XXXXXX)
	for f in "${XTCP_KO%/*}"/*.ko; do
		case "$f" in *_test.ko) continue ;; esac
		strip --strip-debug -o "$kodir/${f##*/}" "$f" 2>/dev/null ||
			cp "$f" "$kodir/"
	done
	export XTCP_KO=$kodir/${XTCP_KO##*/}
fi

# guest_busy: busy CPU time of the guest so far, in USER_HZ ticks (all
# CPUs, from /proc/stat, no fork).  Idle vCPUs cost the host next to
# nothing, busy ones all of a host core under TCG: the busy time of a
# script is what it costs the other VMs of make check (it includes time
# the host ran something else while the guest thought it busy).
# Also sets forks, the processes created so far: each fork and exec
# costs about a second of CPU in the debug kernel.
guest_busy() {
	local k u n s i w q sq st
	while read -r k u n s i w q sq st _; do
		case "$k" in
		cpu) busy=$((u + n + s + q + sq + st)) ;;
		processes) forks=$u; break ;;
		esac
	done < /proc/stat
}

TIMES=/dev/null
[ -n "${XTCP_OUT:-}" ] && [ -d "$XTCP_OUT" ] && TIMES=$XTCP_OUT/case-times.txt
n=0
failed=0
echo "TAP version 13"
exec 9>>"$TIMES"
for t in $TESTS; do
	echo "# === $t"
	start=$SECONDS
	guest_busy
	busy0=$busy forks0=$forks
	cases=0
	sfailed=0
	rc=
	while IFS= read -r line; do
		case "$line" in
		"ok "* | "not ok "*)
			cases=$((cases + 1))
			n=$((n + 1))
			# Bash string operations only: this loop sees every
			# result line, and a fork per line costs minutes
			# under TCG.
			if [ "${line#not ok }" != "$line" ]; then
				st="not ok"
				rest=${line#not ok }
			else
				st=ok
				rest=${line#ok }
			fi
			rest=${rest#"${rest%%[! ]*}"}
			rest=${rest#"${rest%%[!0-9]*}"}
			rest=${rest# }
			[ "$st" = "not ok" ] && failed=$((failed + 1)) &&
				sfailed=$((sfailed + 1))
			echo "$st $n ${t%.sh}: $rest"
			echo "$((SECONDS - start)) $st ${t%.sh}: $rest" >&9
			;;
		"TAP version"* | "1.."*) ;;
		"exit-status "*) rc=${line#exit-status } ;;
		*) echo "# $line" ;;
		esac
	done < <(timeout -k 5 "$TIMEOUT" "./$t" 2>&1 9>&-; echo "exit-status $?")
	if [ "$cases" = 0 ] || [ "${rc:-1}" = 124 ] ||
	   { [ "${rc:-1}" != 0 ] && [ "$sfailed" = 0 ]; }; then
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n ${t%.sh}: script ended (exit $rc) after $cases cases"
	fi
	guest_busy
	busy=$((busy - busy0))
	cost="guest cpu $((busy / 100)).$((busy % 100 / 10))s, $((forks - forks0)) processes"
	echo "# $t took $((SECONDS - start))s ($cost)"
	echo "$((SECONDS - start)) end $t ($cost)" >&9
	# Leave nothing behind for the next script.
	rmmod xtcp_diag 2>/dev/null
	rmmod xtcp 2>/dev/null
	for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns"; done
done
echo "1..$n"
[ "$failed" = 0 ]
