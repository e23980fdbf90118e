#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t42-open-blind: opens that sleep in the kernel cannot blind saker. An unprivileged user (uid 65534)
# holds many threads blocked in open() of a FIFO, more than the open kretprobe's pool of in-flight
# opens (open_maxactive=16): root's successful opens are still recorded, each with its fd (they are
# seen at fd_install, which keeps no state across the open), and the opens the kretprobe could not
# follow (here a failed one) are counted in open_missed for this reader, never silently lost.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

HOLD=64
POOL=16
[ -e /etc/hostname ] || { echo saker-vm >/etc/hostname && on_exit 'rm -f /etc/hostname'; } ||
	fail "create /etc/hostname"
chmod 755 . || fail "chmod the test dir"
mkfifo fifo && chmod 666 fifo || fail "mkfifo"

load_module "open_maxactive=$POOL"
start_trace out.json err.json
s0=$(stats_line err.json 1)
assert_eq "$(jq_get "$s0" .open_missed)" 0 "open_missed when the reader attached"

runas 65534 65534 fifohold "$HOLD" "$PWD/fifo" >hold.out 2>&1 &
hold_pid=$!
on_exit "[ -e '$PWD/fifo' ] && : >'$PWD/fifo' & kill -KILL $hold_pid 2>/dev/null"
# openat is 257 on x86_64: every holder inside it, asleep in the FIFO's open.
holders_blocked() { [ "$(blocked_in "$hold_pid" 257)" -ge "$HOLD" ]; }
wait_for 30 holders_blocked ||
	fail "holders not blocked in open after 30 s: $(blocked_in "$hold_pid" 257) of $HOLD; $(cat hold.out)"
info "$HOLD opens of uid 65534 asleep in the kernel, pool $POOL"

run_pid ok.pid cat /etc/hostname >/dev/null || fail "cat /etc/hostname"
run_pid bad.pid cat /nonexistent/blind 2>/dev/null && fail "cat of a missing file succeeded"
trace_stats
s1=$(stats_line err.json last)
missed=$(jq_get "$s1" .open_missed)

: >fifo	# a writer: every holder's open returns
wait_exit "$hold_pid" 30 || fail "holders still blocked after the writer opened"
assert_eq "$(cat hold.out | tail -n 1)" "opened $HOLD" "holders' opens returned"
stop_trace

ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/etc/hostname"' --argjson p "$(cat ok.pid)")
event_check "$ev" '.errno == 0 and .fd == 3' "root's open while the pool was exhausted"
[ "$missed" -gt 0 ] || fail "open_missed is $missed with $HOLD opens in flight and a pool of $POOL"
info "open_missed $missed while exhausted"
# Every holder's open is recorded too once it returned: they are successful open syscalls.
assert_count out.json '.type == "open" and .uid == 65534 and .path == $f and .errno == 0' "$HOLD" \
	"holders' successful opens" --arg f "$PWD/fifo"
unload_module
