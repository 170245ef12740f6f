#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real, unmodified programs over xtcp through tools/xtcpize (LD_PRELOAD),
# against native peers, between two namespaces over veth:
#  - iperf3 client on xtcp against a native iperf3 server, and a native
#    client against an xtcp server, each in both data directions (-R);
#  - curl against nginx serving a generated file, checksum compared, with
#    each side on xtcp in turn and both, in IPv4 and IPv6.
# Every pairing runs native<->native first, which must pass (stock kernel
# only: the debug kernel runs fewer xtcp cases, with a 1 MiB file).  xtcp cases
# are SKIPped when xtcpize is not built or when xtcp cannot yet carry a
# connection (probed with xtcp_conn); otherwise a failure is a failure.
. "$(dirname "$0")/lib.sh"
X=11
A=xpc$X
B=xps$X
SA4=10.$X.0.2
SA6=fd00:$X::2
XTCPIZE=$XTCP_TOP/tools/xtcpize/xtcpize
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

netns_pair "$A" "$B" "$X" || { fail "netns setup"; finish; }

# Can xtcp run programs here at all?  Reason to skip, or empty.
noxtcp=
if [ ! -x "$XTCPIZE" ] || [ ! -f "$XTCP_TOP/tools/xtcpize/libxtcpize.so" ]; then
	noxtcp="tools/xtcpize/libxtcpize.so is not built"
elif ! xtcp_load; then
	noxtcp="xtcp.ko did not load"
else
	probe=$("$XTCP_BIN/xtcp_conn" xfer -C "$A" -S "$B" -c "$IPPROTO_XTCP" \
		-s "$IPPROTO_XTCP" -x "$X" -P 23000 -n 1 2>&1)
	case "$probe" in
	*"# SKIP"*) noxtcp="xtcp cannot connect yet: ${probe#*# SKIP }"
		noxtcp=${noxtcp%%$'\n'*} ;;
	esac
fi

# wrap SIDE: the command prefix that puts a program on SIDE's stack
# (xtcpize, reporting each converted socket on stderr, for xtcp).
wrap() {
	if [ "$1" = xtcp ]; then
		W=("$XTCPIZE" run -d)
	else
		W=()
	fi
}

# reap PID: wait up to 5 s for a server to exit, then kill it
reap() {
	local i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$1" 2>/dev/null || break
		nap 0.1
	done
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# xtcp_used FILE: xtcpize converted at least one socket, and none failed
# (bash patterns, not grep: an exec costs a second in the debug kernel)
xtcp_used() {
	local log
	read -r -d '' log < "$1"
	[[ $log == *"-> xtcp fd "[0-9]* ]] && [[ $log != *"-> xtcp fd -1"* ]]
}

# --- iperf3 ------------------------------------------------------------
# iperf_case CLIENT SERVER [-R]
iperf_case() {
	local c=$1 s=$2 rev=${3:-} name bytes rc srv
	name="iperf3 client $c -> server $s${rev:+ (reverse)}"
	if [ -n "$noxtcp" ] && [ "$c:$s" != tcp:tcp ]; then
		skip "$name" "$noxtcp"
		return
	fi
	wrap "$s"
	# Listening once it says so (--forceflush: not held in stdio's
	# buffer), read without exec: ss saw no xtcp listener (it would
	# need xtcp_diag), and each ss cost seconds in the debug kernel.
	# (Removed first: the last case's server said it too.)
	rm -f "$work/srv.out"
	ip netns exec "$B" "${W[@]}" iperf3 -s -1 --forceflush -B "$SA4" -p 5201 \
		> "$work/srv.out" 2> "$work/srv.err" &
	srv=$!
	file_wait "$work/srv.out" "Server listening" 100 ||
		diag "iperf3 server not listening after 10 s"
	wrap "$c"
	# The stock kernel runs for 2 s (90-250 MB here); the debug kernel,
	# which shares the CPUs with the other VMs of make check and moved
	# as little as 0.2 MB in 2 s, sends a fixed 4 MiB instead, so that
	# what is checked depends much less on the load (the receiver's count
	# stops when the sender has written everything: 1.7 MB of 2 MiB
	# arrived by then in one run).  A run is cut at 120 s.
	# shellcheck disable=SC2086 # $rev is empty or one word
	timeout 120 ip netns exec "$A" "${W[@]}" iperf3 -c "$SA4" -p 5201 \
		$iperf_amount -J $rev > "$work/cli.json" 2> "$work/cli.err"
	rc=$?
	reap "$srv"
	bytes=$(jq -r '.end.sum_received.bytes // 0' "$work/cli.json" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "${bytes:-0}" -gt 1000000 ]; then
		ok "$name: $bytes bytes received"
	else
		fail "$name: exit $rc, ${bytes:-0} bytes received"
		diag "$(jq -r '.error // empty' "$work/cli.json" 2>/dev/null)"
		diag "$(tail -n 5 "$work/cli.err" "$work/srv.err")"
	fi
	[ "$c" = xtcp ] && check "$name: the client's sockets were xtcp" xtcp_used "$work/cli.err"
	[ "$s" = xtcp ] && check "$name: the server's sockets were xtcp" xtcp_used "$work/srv.err"
}

# Native<->native pairings prove the harness; the debug kernel leaves
# them to the stock kernel, and moves a smaller file.
debug=0
iperf_amount="-t 2"
xtcp_debug_kernel && debug=1 && iperf_amount="-n 4M"
# The debug kernel also runs fewer combinations (a program start costs
# seconds there): iperf3 with xtcp receiving the bulk data, as client
# and as server (conn.sh moves bulk data each way between xtcp and native
# TCP in that kernel too), and curl in one family per mixed pairing.
[ "$debug" = 1 ] || iperf_case tcp tcp
[ "$debug" = 1 ] || iperf_case xtcp tcp
iperf_case xtcp tcp -R
iperf_case tcp xtcp
[ "$debug" = 1 ] || iperf_case tcp xtcp -R

# --- curl and nginx ----------------------------------------------------
www=$work/www
mkdir -p "$www" "$work/nginx"
size=$((3 << 20))
[ "$debug" = 1 ] && size=$((1 << 20))
head -c "$size" /dev/urandom > "$www/file.bin"
head -c 777 /dev/urandom >> "$www/file.bin"
read -r want _ < <(sha256sum < "$www/file.bin")
cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $work/nginx/body;
	proxy_temp_path $work/nginx/proxy;
	fastcgi_temp_path $work/nginx/fastcgi;
	uwsgi_temp_path $work/nginx/uwsgi;
	scgi_temp_path $work/nginx/scgi;
	server {
		listen $SA4:8080;
		listen [$SA6]:8080;
		root $www;
	}
}
EOF

start_nginx() {	# start_nginx tcp|xtcp
	wrap "$1"
	rm -f "$work/nginx/nginx.pid"
	ip netns exec "$B" "${W[@]}" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" \
		> "$work/nginx.out" 2> "$work/nginx.err" &
	nginx_pid=$!
	# nginx writes its pid file once its sockets listen (after
	# ngx_init_cycle()): waiting for it costs no exec, where a probe
	# connection cost three.
	file_wait "$work/nginx/nginx.pid" "" 100
}

stop_nginx() {
	kill "$nginx_pid" 2>/dev/null
	wait "$nginx_pid" 2>/dev/null
}

curl_case() {	# curl_case CLIENT SERVER v4|v6
	local c=$1 s=$2 fam=$3 name url got
	name="curl $c -> nginx $s ($fam)"
	url="http://$SA4:8080/file.bin"
	[ "$fam" = v6 ] && url="http://[$SA6]:8080/file.bin"
	wrap "$c"
	ip netns exec "$A" "${W[@]}" curl -sS --max-time 60 -o "$work/got.bin" "$url" \
		2> "$work/curl.err"
	got=
	[ -f "$work/got.bin" ] && read -r got _ < <(sha256sum < "$work/got.bin")
	if [ "$got" = "$want" ]; then
		ok "$name: $((size >> 20)) MiB + 777 B file, sha256 matches"
	else
		fail "$name: sha256 ${got:-none} != $want"
		diag "$(tail -n 5 "$work/curl.err" "$work/nginx/error.log" 2>/dev/null)"
	fi
	[ "$c" = xtcp ] && check "$name: curl's socket was xtcp" xtcp_used "$work/curl.err"
	rm -f "$work/got.bin"
}

for s in tcp xtcp; do
	if [ -n "$noxtcp" ] && [ "$s" = xtcp ]; then
		for c in tcp xtcp; do
			skip "curl $c -> nginx xtcp (v4)" "$noxtcp"
			skip "curl $c -> nginx xtcp (v6)" "$noxtcp"
		done
		continue
	fi
	if ! start_nginx "$s"; then
		fail "nginx ($s) listens on port 8080"
		diag "$(tail -n 5 "$work/nginx.err" "$work/nginx/error.log" 2>/dev/null)"
		stop_nginx
		continue
	fi
	[ "$s" = xtcp ] && check "nginx's listening sockets are xtcp" xtcp_used "$work/nginx.err"
	for c in tcp xtcp; do
		[ "$debug" = 1 ] && [ "$c:$s" = tcp:tcp ] && continue
		for fam in v4 v6; do
			[ "$debug" = 1 ] && [ "$c:$s:$fam" = xtcp:tcp:v6 ] && continue
			[ "$debug" = 1 ] && [ "$c:$s:$fam" = tcp:xtcp:v4 ] && continue
			if [ -n "$noxtcp" ] && [ "$c" = xtcp ]; then
				skip "curl $c -> nginx $s ($fam)" "$noxtcp"
				continue
			fi
			curl_case "$c" "$s" "$fam"
		done
	done
	stop_nginx
done
finish
