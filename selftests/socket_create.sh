#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Socket creation in both families, with and without the module, and rmmod
# while sockets exist (refused) and after they are closed (allowed).
. "$(dirname "$0")/lib.sh"

xtcp_unload
run_tap "absent" "$XTCP_BIN/socket_api" absent
check "insmod xtcp.ko" xtcp_load
run_tap "loaded" "$XTCP_BIN/socket_api" create

# rmmod must be refused while an xtcp socket is open: every socket holds
# a reference on the module.
fifo=$(mktemp -u) && mkfifo "$fifo"
"$XTCP_BIN/socket_api" hold 60 > "$fifo" &
holder=$!
read -r -t 20 line < "$fifo"
rm -f "$fifo"
if [ "$line" = holding ]; then
	if rmmod xtcp 2>/dev/null; then
		fail "rmmod refused while sockets are open"
	else
		check "rmmod refused while sockets are open" xtcp_loaded
	fi
else
	fail "rmmod refused while sockets are open (holder did not start)"
fi
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "rmmod succeeds once sockets are closed" rmmod xtcp
check "module is gone after rmmod" test ! -d /sys/module/xtcp
run_tap "unloaded" "$XTCP_BIN/socket_api" absent
finish
