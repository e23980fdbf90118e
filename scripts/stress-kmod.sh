#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stress-kmod.sh (`make stress-kmod`): the module's load/unload stress, tests/vm/stress.sh, on every
# test kernel: one boot each under single-threaded TCG with 4 vCPUs (the only TCG mode that
# unregisters probes under load without oopsing on its own, docs/testing.md), SAKER_STRESS_CYCLES
# cycles (1000). Prints each kernel's figures (cycles, events the readers read, ring drops, opens the
# kretprobe missed, faults, minutes) and a final line; exits 1 on any failure or fault.
#   SAKER_STRESS_CYCLES  cycles per kernel (1000)
#   SAKER_STRESS_HOLD    seconds a reader stays attached per cycle (stress.sh's default)
#   SAKER_STRESS_JOBS    kernels run at once (default: host cores; a single-threaded VM uses one)
# Consoles: build/stress-kmod-VER.log (every cycle's line).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CYCLES=${SAKER_STRESS_CYCLES:-1000}
[[ $CYCLES =~ ^[1-9][0-9]*$ ]] || { echo "stress-kmod.sh: SAKER_STRESS_CYCLES must be a positive number" >&2; exit 2; }
envs="SAKER_STRESS_CYCLES=$CYCLES"
if [ -n "${SAKER_STRESS_HOLD:-}" ]; then
	[[ $SAKER_STRESS_HOLD =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "stress-kmod.sh: SAKER_STRESS_HOLD must be a number" >&2; exit 2; }
	envs+=" SAKER_STRESS_HOLD=$SAKER_STRESS_HOLD"
fi
JOBS=${SAKER_STRESS_JOBS:-$(nproc)}
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "stress-kmod.sh: SAKER_STRESS_JOBS must be a positive number" >&2; exit 2; }
# A cycle takes ~5 s on an idle 2-core host (docs/testing.md); three times that, plus the boot.
TIMEOUT=$((120 + CYCLES * 15))

mapfile -t kernels < <(scripts/kernels.sh list)
[ ${#kernels[@]} -gt 0 ] || { echo "stress-kmod.sh: no test kernels (scripts/kernels.sh list is empty)" >&2; exit 1; }
make --no-print-directory userspace vm-helpers >/dev/null
# Build once up front: parallel vm.sh runs would otherwise race to build the same trees.
for v in "${kernels[@]}"; do
	scripts/kernels.sh build-kmod "$v"
	scripts/kernels.sh build-testmods "$v"
done

echo "stress-kmod.sh: $CYCLES cycles on ${kernels[*]} ($JOBS at once; VM timeout ${TIMEOUT}s each)"

# run_one VER: one kernel's stress; its console with a [VER] prefix, the result in build/.
run_one() {
	local v=$1 log="build/stress-kmod-$1.log" t0=$SECONDS rc=0
	SAKER_VM_LOG=$log scripts/vm.sh run "$v" "$envs sh /saker/tests/stress.sh" \
		--accel single --smp 4 --timeout "$TIMEOUT" 2>&1 | sed -u "s/^/[$v] /" || true
	rc=$(grep -ao 'SAKER-EXIT [0-9]*' "$log" 2>/dev/null | tail -n1 | cut -d' ' -f2 || true)
	echo "${rc:-none} $((SECONDS - t0))" >"build/stress-kmod-$v.result"
}

rm -f build/stress-kmod-*.result
running=0
for v in "${kernels[@]}"; do
	run_one "$v" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

fails=0 tot_c=0 tot_e=0 tot_d=0 tot_m=0 tot_f=0
echo
for v in "${kernels[@]}"; do
	log="build/stress-kmod-$v.log"
	read -r rc secs <"build/stress-kmod-$v.result" || { rc=none secs=0; }
	line=$(grep -ao 'SAKER-STRESS: cycles=[0-9]* events=[0-9]* drops=[0-9]* missed=[0-9]* faults=[0-9]*' "$log" | tail -n1 || true)
	done_c=$(grep -ac 'stress: [0-9]*/' "$log" || true)
	min=$(awk -v s="$secs" 'BEGIN { printf "%.1f", s / 60 }')
	if [ "$rc" = 0 ] && [ -n "$line" ]; then
		read -r c e d m f < <(sed 's/[a-z]*=//g; s/SAKER-STRESS: //' <<<"$line")
		echo "stress-kmod: $v: cycles=$c events=$e drops=$d missed=$m faults=$f minutes=$min"
	else
		# No summary: a fault ended the VM (vm.sh printed the trace), or a cycle failed.
		c=$done_c e=0 d=0 m=0 f=0
		trace=$(scripts/vm.sh trace "$log")
		if [ -n "$trace" ]; then
			f=1
			echo "stress-kmod: $v: FAULT after $c cycles (minutes=$min):"
			printf '%s\n' "$trace" | sed 's/^/    /'
		else
			echo "stress-kmod: $v: FAILED after $c cycles (exit ${rc}, minutes=$min):"
			grep -a 'FAIL' "$log" | head -n 20 | sed 's/^/    /'
		fi
		fails=$((fails + 1))
	fi
	tot_c=$((tot_c + c)) tot_e=$((tot_e + e)) tot_d=$((tot_d + d)) tot_m=$((tot_m + m)) tot_f=$((tot_f + f))
done
echo "stress-kmod: ${#kernels[@]} kernels, $tot_c cycles, $tot_e events, $tot_d drops, $tot_m missed, $tot_f faults, $fails failed"
[ "$fails" -eq 0 ]
