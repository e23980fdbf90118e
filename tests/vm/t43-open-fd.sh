#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t43-open-fd: the fd of a successful open is the one the process got, also when another process
# shares its fd table (clone(CLONE_FILES) without CLONE_THREAD) and opens at the same time; an open
# that created its file says so; open_by_handle_at() is recorded with its path and fd.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

N=200
mkdir files || fail "mkdir"
: >existing || fail "create existing"
load_module
start_trace out.json err.json
clonefiles "$N" "$PWD/files" >opens.txt || fail "clonefiles failed"
run_pid h.pid byhandle "$PWD/existing" >handle.out || fail "byhandle: $(cat handle.out)"
stop_trace

assert_eq "$(wc -l <opens.txt)" $((2 * N)) "clonefiles: opens printed"
# One jq pass: every (pid, fd, path) printed by the openers must be an event with that fd.
jq -Rn '[inputs | split(" ") | {pid: (.[0] | tonumber), fd: (.[1] | tonumber), path: .[2]}]' opens.txt >want.json ||
	fail "jq opens.txt"
bad=$(jq -n --slurpfile w want.json '[inputs | select(.type == "open")] as $ev
	| [$w[0][] as $o | select([$ev[] | select(.pid == $o.pid and .path == $o.path and .fd == $o.fd)]
	| length != 1) | $o] | .[0:3]' out.json) || fail "jq out.json"
assert_eq "$bad" "[]" "opens whose event has another fd, or none, or two"
p=$(grep ' /.*/parent\.0$' opens.txt | cut -d' ' -f1)
ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == $f' --argjson p "$p" --arg f "$PWD/files/parent.0")
event_check "$ev" '.created == true and .flags % 256 == 65' "O_WRONLY|O_CREAT open of a new file"

fd=$(sed -n 's/^fd //p' handle.out)
ev=$(jq_first out.json '.type == "open" and .pid == $p and .syscall == "open_by_handle_at"' --argjson p "$(cat h.pid)")
event_check "$ev" '.path == $f and .fd == $fd and .errno == 0 and .created == false' "open_by_handle_at" \
	--arg f "$PWD/existing" --argjson fd "$fd"
unload_module
