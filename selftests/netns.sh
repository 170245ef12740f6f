#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network namespaces come and go with the module loaded: per-namespace init
# and exit run, a namespace holding xtcp sockets can be deleted, and the
# module unloads cleanly afterwards.
. "$(dirname "$0")/lib.sh"

xtcp_unload
check "insmod xtcp.ko" xtcp_load

# Namespace setup and teardown is slow under KASAN and lockdep: the
# debug kernel runs fewer of the same rounds.
NS=20
CHURN=30
xtcp_debug_kernel && NS=5 && CHURN=8

# Namespaces created before the module was loaded must also work.
ip netns add xtcp-pre
check "socket in a namespace older than the module" \
	ip netns exec xtcp-pre "$XTCP_BIN/socket_api" hold 0
ip netns del xtcp-pre

# One ip for all the adds, one for all the deletes (ip -batch stops at
# the first failure): a process costs a second in the debug kernel.
# batch VERB PREFIX COUNT: "netns VERB PREFIX1" .. "netns VERB PREFIXCOUNT"
batch() {
	local i
	for ((i = 1; i <= $3; i++)); do echo "netns $1 $2$i"; done
}
n=0
if ip -batch - < <(batch add xtcp-ns "$NS"); then
	for ((i = 1; i <= NS; i++)); do
		ip netns exec "xtcp-ns$i" "$XTCP_BIN/socket_api" hold 0 >/dev/null || break
		n=$((n + 1))
	done
fi
check "$NS namespaces created, xtcp sockets in each" test "$n" = "$NS"
ip -batch - < <(batch del xtcp-ns "$NS") 2>/dev/null

# Delete namespaces while xtcp sockets in them are still open: the
# sockets pin the namespace until they close.
# Each holder says "holding" once its sockets are open.
pids=()
live=$(mktemp -d)
ip -batch - < <(batch add xtcp-live 5)
for i in 1 2 3 4 5; do
	ip netns exec "xtcp-live$i" "$XTCP_BIN/socket_api" hold 4 > "$live/$i" &
	pids+=($!)
done
for i in 1 2 3 4 5; do
	file_wait "$live/$i" holding 100 || diag "holder $i did not start in 10 s"
done
ip -batch - < <(batch del xtcp-live 5)
rm -rf "$live"
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
check "namespaces deleted while xtcp sockets are open" test "$rc" = 0

# Churn: create and destroy namespaces quickly while loaded.
# (one ip -batch: the namespaces come and go as fast as the kernel lets)
ok_churn=1
for ((i = 1; i <= CHURN; i++)); do
	echo "netns add xtcp-churn"
	echo "netns del xtcp-churn"
done | ip -batch - || ok_churn=0
check "$CHURN rounds of namespace create/destroy" test "$ok_churn" = 1
nap 1
check "rmmod after namespace churn" rmmod xtcp
finish
