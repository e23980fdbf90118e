#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t74-idle-reader: a reader never spins. With a watermark of 1 KiB a few records wake the reader at
# once and it drains them; the latency timer armed by the first one fires later, with nothing left to
# read. That wakeup must be settled, not left pending: afterwards the idle reader (sakerctl trace and
# sakerd) uses next to no CPU.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

IDLE=5
# Clock ticks per second of /proc/PID/stat (USER_HZ).
HZ=100

# provoke: isolated bursts of a few records, each crossing the 1 KiB watermark.
provoke() {
	i=0
	while [ $i -lt 10 ]; do
		cat /etc/passwd /etc/group /etc/hostname /etc/passwd >/dev/null
		sleep 0.2
		i=$((i + 1))
	done
}

# idle_cpu PID WHAT: fail if PID uses more than 5% of a CPU over IDLE seconds of quiet.
idle_cpu() {
	sleep 1
	t0=$(cpu_ticks "$1")
	sleep "$IDLE"
	t1=$(cpu_ticks "$1")
	used=$((t1 - t0))
	info "$2: $used ticks in ${IDLE}s idle"
	[ "$used" -le $((IDLE * HZ / 20)) ] || fail "$2 spins when idle: $used of $((IDLE * HZ)) ticks in ${IDLE}s"
}

load_module wakeup_kb=1 latency_ms=50
start_trace out.json err.json
provoke
idle_cpu "$TRACE_PID" "sakerctl trace"
stop_trace
unload_module

load_module wakeup_kb=1 latency_ms=50
sd_install 'stdout_output:
  enabled: true'
sd_start
provoke
idle_cpu "$SD_PID" "sakerd"
sd_stop
unload_module
