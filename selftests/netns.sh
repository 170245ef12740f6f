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

n=0
for i in $(seq 1 "$NS"); do
	ip netns add "xtcp-ns$i" || break
	ip netns exec "xtcp-ns$i" "$XTCP_BIN/socket_api" hold 0 >/dev/null || break
	n=$((n + 1))
done
check "$NS namespaces created, xtcp sockets in each" test "$n" = "$NS"
for i in $(seq 1 "$NS"); do ip netns del "xtcp-ns$i" 2>/dev/null; done

# Delete namespaces while xtcp sockets in them are still open: the
# sockets pin the namespace until they close.
pids=()
for i in $(seq 1 5); do
	ip netns add "xtcp-live$i"
	ip netns exec "xtcp-live$i" "$XTCP_BIN/socket_api" hold 2 >/dev/null &
	pids+=($!)
done
nap 0.5
for i in $(seq 1 5); do ip netns del "xtcp-live$i"; done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
check "namespaces deleted while xtcp sockets are open" test "$rc" = 0

# Churn: create and destroy namespaces quickly while loaded.
ok_churn=1
for i in $(seq 1 "$CHURN"); do
	ip netns add xtcp-churn && ip netns del xtcp-churn || ok_churn=0
done
check "$CHURN rounds of namespace create/destroy" test "$ok_churn" = 1
nap 1
check "rmmod after namespace churn" rmmod xtcp
finish
