#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the xtcp selftests (inside the VM) and print one TAP stream:
# every case of every test script, prefixed with the script's name.
#
#   run_tests.sh [TEST...]     default: every test listed in TESTS
#
# XTCP_KO names the module built for the running kernel.
# A script that dies, times out or reports no cases is a failure.
cd "$(dirname "$0")" || exit 1
TESTS=${TESTS:-"socket_create.sh netns.sh load_unload.sh conn.sh scripted.sh programs.sh churn.sh tw_reuse.sh syncookies.sh control.sh recovery.sh impaired.sh recovery_peer.sh slow_reader.sh pmtu.sh mib.sh"}
case "$(uname -r)" in
*xtcp-debug*) TIMEOUT=${TEST_TIMEOUT:-1800} ;;
*) TIMEOUT=${TEST_TIMEOUT:-600} ;;
esac
[ $# -gt 0 ] && TESTS="$*"

n=0
failed=0
echo "TAP version 13"
for t in $TESTS; do
	echo "# === $t"
	start=$(date +%s)
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
			;;
		"TAP version"* | "1.."*) ;;
		"exit-status "*) rc=${line#exit-status } ;;
		*) echo "# $line" ;;
		esac
	done < <(timeout -k 5 "$TIMEOUT" "./$t" 2>&1; echo "exit-status $?")
	if [ "$cases" = 0 ] || [ "${rc:-1}" = 124 ] ||
	   { [ "${rc:-1}" != 0 ] && [ "$sfailed" = 0 ]; }; then
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n ${t%.sh}: script ended (exit $rc) after $cases cases"
	fi
	echo "# $t took $(($(date +%s) - start))s"
	# Leave nothing behind for the next script.
	rmmod xtcp_diag 2>/dev/null
	rmmod xtcp 2>/dev/null
	for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns"; done
done
echo "1..$n"
[ "$failed" = 0 ]
