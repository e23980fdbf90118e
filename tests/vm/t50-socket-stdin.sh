#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t50-socket-stdin: the kind of fds 0-2 at exec: a shell whose stdin is a socket (the reverse-shell
# shape) has stdin "socket", over AF_UNIX and over TCP; a shell reading a pipe has stdin "pipe".
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

tcp=1
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null || tcp=0

load_module
start_trace out.json err.json

run_pid unix.pid sockstdin sh -c true </dev/null >/dev/null || fail "sockstdin sh -c true"
if [ "$tcp" = 1 ]; then
	run_pid tcp.pid sockstdin -t sh -c true </dev/null >/dev/null 2>tcp.err || fail "sockstdin -t: $(cat tcp.err)"
fi
echo | sh -c 'echo $$ >pipe.pid; true' || fail "echo | sh"

stop_trace

# AF_UNIX: sockstdin put a socket on fd 0 and left fd 1 (/dev/null, a char device: "other").
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args == ["sh", "-c", "true"]' --argjson p "$(cat unix.pid)")
[ -n "$ev" ] || fail "no exec event of 'sh -c true' under sockstdin"
event_check "$ev" '.stdin == "unix"' "sockstdin (AF_UNIX): stdin"
event_check "$ev" '.stdout == "other"' "sockstdin (AF_UNIX): stdout is /dev/null"
# Before sockstdin replaced it, the same process had /dev/null as stdin.
assert_some out.json '.type == "exec" and .pid == $p and (.args[0] | endswith("sockstdin")) and .stdin == "other"' \
	"sockstdin's own exec: stdin /dev/null must be other" --argjson p "$(cat unix.pid)"

if [ "$tcp" = 1 ]; then
	ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args == ["sh", "-c", "true"]' --argjson p "$(cat tcp.pid)")
	[ -n "$ev" ] || fail "no exec event of 'sh -c true' under sockstdin -t"
	event_check "$ev" '.stdin == "socket"' "sockstdin -t (TCP): stdin"
else
	info "loopback could not be brought up: TCP case not run"
fi

ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args[0] == "sh"' --argjson p "$(cat pipe.pid)")
[ -n "$ev" ] || fail "no exec event of the sh reading a pipe"
event_check "$ev" '.stdin == "pipe"' "echo | sh: stdin"

unload_module
