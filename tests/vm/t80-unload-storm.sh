#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t80-unload-storm: the module cannot be removed while a reader has /dev/saker open, and can be
# removed while its hooks fire at full rate (an open storm) once the reader is gone -- three times
# in a row. The runner then checks that dmesg holds no BUG/WARNING/Oops.
# Unregisters the probes while other CPUs run the probed code: booted with 4 vCPUs (docs/testing.md).
# saker-vm: unload-under-load
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

ROUNDS=3
# Must outlast a round (it is killed at the end of each): 1e6 opens took under 30 s under TCG, not
# always enough with the reader's JSON output to write; 1e7 is ~10 s natively.
STORM_N=10000000
[ -e /etc/hostname ] || { echo saker-vm >/etc/hostname && on_exit 'rm -f /etc/hostname'; } ||
	fail "create /etc/hostname"
storm_pid=
on_exit '[ -n "$storm_pid" ] && kill -KILL "$storm_pid" 2>/dev/null'

r=1
while [ "$r" -le "$ROUNDS" ]; do
	load_module
	start_trace "out.$r.json" "err.$r.json"
	storm "$STORM_N" /etc/hostname >/dev/null &
	storm_pid=$!
	sleep 1
	alive "$storm_pid" || fail "round $r: storm ended within 1 s"

	if rmmod saker 2>rmmod.err; then
		fail "round $r: rmmod succeeded while the reader had /dev/saker open"
	fi
	grep -q '^saker ' /proc/modules || fail "round $r: module gone after a failed rmmod"
	info "round $r: rmmod with a reader: $(cat rmmod.err)"

	stop_trace nosync
	alive "$storm_pid" || fail "round $r: storm ended before the unload"
	unload_module
	alive "$storm_pid" || fail "round $r: storm ended before the unload completed (not tested under load)"
	grep -q '^saker ' /proc/modules && fail "round $r: module still listed after rmmod"
	[ ! -e /sys/module/saker ] || fail "round $r: /sys/module/saker still present"

	kill -TERM "$storm_pid"
	wait "$storm_pid"
	st=$?
	[ "$st" -eq 143 ] || fail "round $r: storm died with status $st instead of SIGTERM"
	# The reader saw the storm (checked last: the output is large and jq is slow under TCG).
	ev=$(jq_first "out.$r.json" '.type == "open" and .pid == $p and .path == "/etc/hostname"' --argjson p "$storm_pid")
	[ -n "$ev" ] || fail "round $r: no storm open in the trace"
	storm_pid=
	rm -f "out.$r.json"
	r=$((r + 1))
done
