#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# emu-check.sh (`make emu-check`): is an oops during kprobe (un)registration under load the
# emulator's or the module's? Runs tests/vm/emu/emu-check.sh (insmod/rmmod of a bare kprobe module
# while every CPU storms open()) for EMU_CYCLES (60) cycles on every test kernel, once under
# multi-threaded TCG and once under thread=single, both with EMU_SMP (4) vCPUs, and prints the
# cycles each run completed before the first fault, or "clean". docs/testing.md has the results.
# Not part of make check: multi-threaded TCG is expected to oops.
#   EMU_CYCLES  cycles per run (60)      EMU_SMP    vCPUs (4)
#   EMU_MODULE  bare (default) or saker  EMU_MODES  "multi single"
# Exits 1 if a single-threaded run faulted (the claim would be wrong), else 0.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

K=${EMU_CYCLES:-60}
SMP=${EMU_SMP:-4}
MODULE=${EMU_MODULE:-bare}
MODES=${EMU_MODES:-multi single}
[[ $K =~ ^[1-9][0-9]*$ ]] || { echo "emu-check.sh: EMU_CYCLES must be a positive number" >&2; exit 2; }
[[ $SMP =~ ^[1-9][0-9]*$ ]] || { echo "emu-check.sh: EMU_SMP must be a positive number" >&2; exit 2; }
[[ $MODULE =~ ^(bare|saker)$ ]] || { echo "emu-check.sh: EMU_MODULE must be bare or saker" >&2; exit 2; }
modname=emubare
[ "$MODULE" = bare ] || modname=saker

mapfile -t kernels < <(scripts/kernels.sh list)
[ ${#kernels[@]} -gt 0 ] || { echo "emu-check.sh: no test kernels" >&2; exit 1; }
make --no-print-directory userspace vm-helpers >/dev/null

rows=() bad=0
for v in "${kernels[@]}"; do
	for mode in $MODES; do
		log="build/emu-check-$v-$mode.log" t0=$SECONDS rc=0
		echo "emu-check.sh: $v, $mode-threaded TCG, -smp $SMP, $MODULE module, $K cycles"
		SAKER_VM_LOG=$log scripts/vm.sh run "$v" "EMU_CYCLES=$K EMU_MODULE=$MODULE sh /saker/tests/emu/emu-check.sh" \
			--accel "$mode" --smp "$SMP" --timeout $((120 + K * 20)) >"$log.out" 2>&1 || rc=$?
		n=$({ grep -ao 'emu: [0-9]*/' "$log" || true; } | tail -n1 | tr -dc 0-9)
		n=${n:-0}
		if grep -aq 'SAKER-EMU: cycles=[0-9]* clean' "$log" && [ "$rc" -eq 0 ]; then
			res="clean"
		else
			first=$(scripts/vm.sh trace "$log" | head -n1 | sed 's/^\[ *[0-9.]*\] //')
			case $rc in
				124) res="hung (timeout) after $n cycles" ;;
				125)
					# The oops's module list: "name(OE+)" while loading, "(OE-)" while unloading.
					phase=$({ grep -ao "Modules linked in:.*$modname([A-Z]*[+-])" "$log" || true; } | head -n1)
					case $phase in
						*"+)") phase=" (insmod)" ;;
						*"-)") phase=" (rmmod)" ;;
						*) phase="" ;;
					esac
					res="FAULT in cycle $((n + 1))$phase: ${first:-no trace}"
					;;
				*) res="failed (exit $rc) after $n cycles: $(grep -a '^FAIL' "$log" | head -n1)" ;;
			esac
			[ "$mode" != single ] || bad=1
		fi
		rows+=("$(printf '%-22s %-7s %6s  %4ss  %s' "$v" "$mode" "$n/$K" $((SECONDS - t0)) "$res")")
		echo "  ${rows[-1]}"
	done
done
echo
printf '%-22s %-7s %6s  %5s  %s\n' kernel tcg cycles time result
printf '%s\n' "${rows[@]}"
exit "$bad"
