#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench-kmod.sh (`make bench-kmod`): what the module costs the workloads it watches. Boots the first
# test kernel once and runs tests/vm/bench-kmod.sh there: nullsys, openclose, openfail and forkexec,
# without the module, with `sakerctl trace` draining, with sakerd and its open filter, and with sakerd
# without it: interleaved rounds, median ns/op and the ratios.
# BENCH_* variables (BENCH_ROUNDS, BENCH_OPENCLOSE, BENCH_FORKEXEC, BENCH_NULLSYS, BENCH_RING_KB)
# are passed through to the VM. Under TCG absolute numbers mean little; the ratio is the result.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

KVER=${SAKER_BENCH_KERNEL:-$(scripts/kernels.sh list | head -n1)}
[ -n "$KVER" ] || { echo "bench-kmod.sh: no test kernel (scripts/kernels.sh list is empty)" >&2; exit 1; }

make --no-print-directory userspace vm-helpers >/dev/null

env_args=""
for v in BENCH_ROUNDS BENCH_OPENCLOSE BENCH_OPENFAIL BENCH_FORKEXEC BENCH_NULLSYS BENCH_RING_KB; do
	if [ -n "${!v:-}" ]; then
		# Digits only: they end up in a shell command line inside the VM.
		[[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-kmod.sh: $v must be a number" >&2; exit 2; }
		env_args+="$v=${!v} "
	fi
done

LOG="$ROOT/build/bench-kmod-$KVER.log"
echo "bench-kmod.sh: kernel $KVER; full console in $LOG" >&2
set +e
# The benchmark alone takes ~2-3 minutes under TCG; the ring holds 2 x 64 MiB.
SAKER_VM_LOG="$LOG" scripts/vm.sh run "$KVER" "${env_args}sh /saker/tests/bench-kmod.sh" \
	--timeout 1800 --mem 1024 >"$LOG.out" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	tail -n 30 "$LOG.out" >&2
	echo "bench-kmod.sh: the benchmark failed (exit $rc)" >&2
	exit "$rc"
fi
grep -a '^SAKER-BENCH: ' "$LOG.out" | grep -v ': round ' | sed 's/^SAKER-BENCH: //'
echo "(per-round numbers: grep 'round' $LOG.out)"
