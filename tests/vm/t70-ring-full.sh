#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t70-ring-full: a full ring drops and counts, never blocks, never corrupts. With a small ring and the
# reader stopped, a storm of N opens on CPU 1 must be accounted for exactly on ring 1
# (events + drops == N), every recorded one must come out once the reader resumes, and reading
# continues cleanly afterwards (no new drops, later events intact, no corrupt records).
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

# The module parameter that sets the ring size (one place to change it).
RING_PARAM="ring_kb=128"
N=20000
STORM_CPU=1

[ "$(nproc)" -gt "$STORM_CPU" ] || skip "needs at least $((STORM_CPU + 1)) CPUs"
[ -e /etc/hostname ] || { echo saker-vm >/etc/hostname && on_exit 'rm -f /etc/hostname'; } ||
	fail "create /etc/hostname"
: >after

# Keep CPU 1 quiet: every user process (this shell, pid 1, the runner) goes to CPU 0; the reader, started
# from here, inherits it. Kernel threads have no exe link and are left alone. Masks are restored at exit.
: >masks
for d in /proc/[0-9]*; do
	p=${d#/proc/}
	readlink "$d/exe" >/dev/null 2>&1 || continue
	m=$(taskset -p "$p" 2>/dev/null) || continue
	echo "$p ${m##*: }" >>masks
	taskset -p 1 "$p" >/dev/null 2>&1
done
on_exit "while read -r p m; do taskset -p \"\$m\" \"\$p\" >/dev/null 2>&1; done <'$PWD/masks'"
[ "$(taskset -p $$ | sed 's/.*: //')" = 1 ] || fail "could not pin the test shell to CPU 0"

# shellcheck disable=SC2086 # RING_PARAM may hold several params
load_module $RING_PARAM
start_trace out.json err.json
s0=$(stats_line err.json 1)

kill -STOP "$TRACE_PID" || fail "SIGSTOP the reader"
run_pid storm.pid storm "$N" /etc/hostname "$STORM_CPU" >storm.out || fail "storm failed"
kill -CONT "$TRACE_PID" || fail "SIGCONT the reader"
sp=$(cat storm.pid)
assert_eq "$(cat storm.out)" "$N" "storm: successful opens"
trace_stats
s1=$(stats_line err.json last)

ev=$(ring_stat "$s1" "$STORM_CPU" events)
ev=$((ev - $(ring_stat "$s0" "$STORM_CPU" events)))
full=$(($(ring_stat "$s1" "$STORM_CPU" drops_full) - $(ring_stat "$s0" "$STORM_CPU" drops_full)))
fault=$(($(ring_stat "$s1" "$STORM_CPU" drops_fault) - $(ring_stat "$s0" "$STORM_CPU" drops_fault)))
reent=$(($(ring_stat "$s1" "$STORM_CPU" reentries) - $(ring_stat "$s0" "$STORM_CPU" reentries)))
missed=$(($(jq_get "$s1" .open_missed) - $(jq_get "$s0" .open_missed)))
info "ring $STORM_CPU: events +$ev drops_full +$full drops_fault +$fault reentries +$reent; open_missed +$missed"

# Wait until the reader has printed every record that ring 1 holds (at most 60 s). grep, not jq, to
# poll cheaply: the keys come in a fixed order (type, ts, time, cpu, tid, pid); jq checks exactly below.
deadline=$(($(date +%s) + 60))
while :; do
	got=$(grep -cE "\"cpu\":$STORM_CPU,\"tid\":[0-9]+,\"pid\":$sp," out.json)
	[ "$got" -ge "$ev" ] && break
	[ "$(date +%s)" -ge "$deadline" ] &&
		fail "reader did not drain ring $STORM_CPU: $got of $ev recorded events printed after 60 s"
	sleep 0.2
done

[ "$full" -gt 0 ] || fail "no drops_full on ring $STORM_CPU: $N opens fit in a ring set by $RING_PARAM?"
if [ "$fault" -ne 0 ] || [ "$reent" -ne 0 ] || [ "$missed" -ne 0 ]; then
	fail "unexpected losses: drops_fault $fault, reentries $reent, open_missed $missed"
fi
if [ $((ev + full)) -ne "$N" ]; then
	other=$(jq_count out.json '.cpu == $c and .pid != $p' --argjson p "$sp" --argjson c "$STORM_CPU")
	fail "ring $STORM_CPU: events $ev + drops_full $full != $N opens ($other events of other processes seen on CPU $STORM_CPU)"
fi
assert_count out.json '.type == "open" and .pid == $p and .cpu == $c and .comm == "storm" and .path == "/etc/hostname" and .errno == 0' \
	"$ev" "storm: printed open events on CPU $STORM_CPU must equal the ring's events counter" \
	--argjson p "$sp" --argjson c "$STORM_CPU"
assert_none out.json '.pid == $p and .cpu == $c and .type != "open"' "storm: non-open event on CPU $STORM_CPU" \
	--argjson p "$sp" --argjson c "$STORM_CPU"
# Timestamps on one ring only grow: the ring handed out records in order and none twice.
jq -n --argjson p "$sp" '[inputs | select(.pid == $p and .type == "open") | .ts] as $t
	| [range(1; $t | length) | select($t[.] <= $t[. - 1])] | length' out.json >order.out ||
	fail "jq on out.json"
assert_eq "$(cat order.out)" 0 "storm: open timestamps not strictly increasing"

# Reading resumed cleanly: a smaller burst on the same CPU, then an open elsewhere, all come out.
run_pid after.pid storm 100 "$PWD/after" "$STORM_CPU" >/dev/null || fail "second storm failed"
run_pid cat.pid cat /etc/hostname >/dev/null || fail "cat /etc/hostname"
stop_trace
s2=$(stats_line err.json last)

assert_count out.json '.type == "open" and .pid == $p and .cpu == $c and .path == $f' 100 \
	"after the overflow: all 100 opens of the second burst on CPU $STORM_CPU" \
	--argjson p "$(cat after.pid)" --argjson c "$STORM_CPU" --arg f "$PWD/after"
assert_some out.json '.type == "open" and .pid == $p and .path == "/etc/hostname" and .comm == "cat"' \
	"after the overflow: cat /etc/hostname not seen" --argjson p "$(cat cat.pid)"
assert_eq "$(ring_stat "$s2" "$STORM_CPU" drops_full)" "$(ring_stat "$s1" "$STORM_CPU" drops_full)" \
	"drops_full on ring $STORM_CPU after the reader resumed"
for s in "$s0" "$s1" "$s2"; do
	assert_eq "$(jq_get "$s" .corrupt)" 0 "stats: corrupt records"
done

unload_module
