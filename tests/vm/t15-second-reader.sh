#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t15-second-reader: /dev/saker has one reader at a time. While a trace runs, a second
# `sakerctl trace` fails at once with a clear EBUSY message and a non-zero status; the first trace
# keeps working, and once it is gone the device can be opened again.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

load_module
start_trace out.json err.json

sakerctl trace >second.out 2>second.err &
p2=$!
if ! wait_exit "$p2" 10; then
	kill -KILL "$p2"
	wait "$p2"
	fail "second sakerctl trace did not fail: still running after 10 s"
fi
st=$WAIT_STATUS
[ "$st" -ne 0 ] || fail "second sakerctl trace exited 0 while a reader was attached"
[ "$st" -lt 128 ] || fail "second sakerctl trace died of signal $((st - 128))"
grep -qi 'busy' second.err || fail "second sakerctl trace: no EBUSY / busy message on stderr: $(cat second.err)"
[ ! -s second.out ] || fail "second sakerctl trace printed events: $(head -n 3 second.out)"
info "second reader: status $st: $(head -n 1 second.err)"

# The first reader is unharmed: an open after the failed attach still shows up.
kill -0 "$TRACE_PID" || fail "the first sakerctl trace died"
run_pid cat.pid cat /proc/version >/dev/null || fail "cat /proc/version"
stop_trace
assert_some out.json '.type == "open" and .pid == $p and .path == "/proc/version"' \
	"first reader: open of /proc/version after the failed second attach is missing" \
	--argjson p "$(cat cat.pid)"

# The slot is free again.
start_trace out2.json err2.json
stop_trace

unload_module
