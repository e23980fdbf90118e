#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t62-exit-group: of the exits of a process's threads, exactly one says the process ended
# (group_dead), even when all threads leave at the same instant. 40 runs of 8 threads leaving
# together through a barrier. (Not "the last one by timestamp": another thread may reach the exit
# probe after the one that saw the group's live count reach zero.)
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

RUNS=40
THREADS=8
load_module
exact=$(sakerctl info | sed -n 's/^features.*\(exit_group_dead\).*/\1/p')
start_trace out.json err.json
: >pids
i=0
while [ $i -lt $RUNS ]; do
	run_pid p.$i threadexit "$THREADS" || fail "threadexit run $i"
	cat p.$i >>pids
	i=$((i + 1))
done
stop_trace
jq -Rn '[inputs | tonumber]' pids >pids.json || fail "jq pids"
# Per process: exits seen, how many say group_dead.
jq -n --slurpfile ps pids.json '[inputs | select(.type == "exit")] as $x | [$ps[0][] as $p
	| [$x[] | select(.pid == $p)] | {pid: $p, exits: length,
	  dead: ([.[] | select(.group_dead)] | length)}]' out.json >exits.json || fail "jq exits"
assert_eq "$(jq --argjson n "$THREADS" '[.[] | select(.exits != ($n + 1))] | length' exits.json)" 0 "processes without $((THREADS + 1)) exits"
wrong=$(jq -c '[.[] | select(.dead != 1)] | .[0:3]' exits.json)
if [ -n "$exact" ]; then
	assert_eq "$wrong" "[]" "processes with other than one group_dead exit"
else
	info "kernel reports group_dead as an estimate (no exit_group_dead feature): $wrong"
	[ "$(jq '[.[] | select(.dead == 0)] | length' exits.json)" -eq 0 ] || fail "a process ended with no group_dead exit"
fi
unload_module
