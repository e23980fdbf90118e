#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t72-fair-share: an unprivileged user cannot flood a ring so that the host's root activity goes
# unrecorded. With the reader stopped, uid 65534 fills CPU 1's ring with failed opens of long names:
# it gets at most its share (share_pct) and the rest of its records are dropped and counted in
# drops_share; root's opens on that CPU after the flood are all still recorded.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

CPU=1
N=20000
ROOT_N=100
[ "$(nproc)" -gt "$CPU" ] || skip "needs at least $((CPU + 1)) CPUs"
quiet_cpus
long=$(printf '/nonexistent/%0200d' 0)

load_module ring_kb=128 share_pct=50
start_trace out.json err.json
s0=$(stats_line err.json 1)
kill -STOP "$TRACE_PID" || fail "SIGSTOP the reader"
runas 65534 65534 storm "$N" "$long" "$CPU" >flood.out 2>&1
run_pid root.pid storm "$ROOT_N" /etc/passwd "$CPU" >root.out || fail "root storm"
kill -CONT "$TRACE_PID" || fail "SIGCONT the reader"
trace_stats
s1=$(stats_line err.json last)
stop_trace

share=$(($(ring_stat "$s1" "$CPU" drops_share) - $(ring_stat "$s0" "$CPU" drops_share)))
full=$(($(ring_stat "$s1" "$CPU" drops_full) - $(ring_stat "$s0" "$CPU" drops_full)))
flood=$(jq_count out.json '.type == "open" and .uid == 65534 and .errno == 2 and .cpu == $c' --argjson c "$CPU")
info "flood: $flood recorded, $share dropped over the share, $full dropped ring full"
[ "$share" -gt 0 ] || fail "no drops_share after $N unprivileged opens into a 128 KiB ring"
assert_eq "$((flood + share + full))" "$N" "flood records: recorded + dropped"
assert_eq "$full" 0 "flood records dropped as ring full (the share must stop them first)"
assert_count out.json '.type == "open" and .pid == $p and .path == "/etc/passwd" and .errno == 0' "$ROOT_N" \
	"root's opens after the flood" --argjson p "$(cat root.pid)"
unload_module
