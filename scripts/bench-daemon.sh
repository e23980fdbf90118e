#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench-daemon.sh (`make bench-daemon`): what sakerd sustains. Boots the first test kernel once and runs
# tests/vm/bench-daemon.sh there: sakerd with the default rules writing JSON alerts to a file;
# (a) alert latency p50/p99/max (event timestamp to outputs) over BENCH_ALERTS (200) /etc/shadow reads
# in a fake container, BENCH_GAP_US (50000) apart; (b) open rates BENCH_RATES ("5000 ... 320000"), by
# BENCH_GENS (one per CPU) generators, BENCH_STEP_S (10) seconds each, until the kernel drops records
# or the generators fall short.
# Under TCG absolute numbers are far below real hardware; docs/benchmarks.md ("Daemon").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

KVER=${SAKER_BENCH_KERNEL:-$(scripts/kernels.sh list | head -n1)}
[ -n "$KVER" ] || { echo "bench-daemon.sh: no test kernel (scripts/kernels.sh list is empty)" >&2; exit 1; }

make --no-print-directory userspace vm-helpers >/dev/null

env_args=""
for v in BENCH_ALERTS BENCH_GAP_US BENCH_STEP_S BENCH_GENS BENCH_RATES; do
	if [ -n "${!v:-}" ]; then
		# Digits (and spaces for the list) only: they end up in a shell command line inside the VM.
		[[ ${!v} =~ ^[0-9][0-9\ ]*$ ]] || { echo "bench-daemon.sh: $v must be numbers" >&2; exit 2; }
		env_args+="$v=\"${!v}\" "
	fi
done

LOG="$ROOT/build/bench-daemon-$KVER.log"
echo "bench-daemon.sh: kernel $KVER; full console in $LOG" >&2
set +e
SAKER_VM_LOG="$LOG" scripts/vm.sh run "$KVER" "${env_args}sh /saker/tests/bench-daemon.sh" \
	--timeout 1800 --mem 1024 >"$LOG.out" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	tail -n 30 "$LOG.out" >&2
	echo "bench-daemon.sh: the benchmark failed (exit $rc)" >&2
	exit "$rc"
fi
grep -a '^SAKER-BENCH: ' "$LOG.out" | sed 's/^SAKER-BENCH: //'
