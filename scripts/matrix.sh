#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# matrix.sh (`make check-matrix`): the VM tests on every kernel saker
# supports, booted, not only built: Debian's 5.10 (bullseye, in a chroot),
# 6.1 and 6.12 (bookworm, as make check) and the newest kernel sid has (in a
# chroot). For each: fetch it, build the module and the test modules, run
# scripts/vm-tests.sh --group unload (t80, t81's 100 stress cycles; 4 vCPUs)
# and --group main (every other test; 2 vCPUs), and the harness self-test
# (a WARN in a test module fails one test with its trace). Not part of
# make check: about an hour and a half on an idle 2-core host.
#   SAKER_MATRIX         kernels to run (default "5.10 6.1 6.12 sid")
#   SAKER_MATRIX_GROUPS  what to run on each (default "unload main selftest")
#   SAKER_MATRIX_JOBS    VMs at once (default 2: single-threaded TCG uses one
#                        host core per VM)
# Prints one row per kernel and group (passed, failed, skipped, minutes, the
# first boot's wall time), the failures with their traces, and a last line
# "N passed, N failed"; exits 1 on any failure. Consoles and per-run output:
# build/matrix-VER-GROUP.log and .out.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MATRIX=${SAKER_MATRIX:-5.10 6.1 6.12 sid}
GROUPS_=${SAKER_MATRIX_GROUPS:-unload main selftest}
JOBS=${SAKER_MATRIX_JOBS:-2}
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "matrix.sh: SAKER_MATRIX_JOBS must be a positive number" >&2; exit 2; }
for g in $GROUPS_; do
	case $g in unload | main | selftest) ;; *) echo "matrix.sh: unknown group '$g'" >&2; exit 2 ;; esac
done
T0=$SECONDS
mkdir -p build

# resolve NAME: the kernel's ABI name, fetched (headers and image).
resolve() {
	local v
	case $1 in
	5.10) scripts/kernels.sh fetch-chroot bullseye '^5\.10\.' ;;
	sid) scripts/kernels.sh fetch-chroot sid ;;
	6.1 | 6.12)
		# make check's kernels, through their usual path (host apt).
		v=$(scripts/kernels.sh list | grep -E "^${1//./\\.}\\." | head -n1)
		[ -n "$v" ] || { echo "matrix.sh: no $1 kernel in scripts/kernels.sh list" >&2; return 1; }
		scripts/kernels.sh fetch "$v" >&2
		echo "$v"
		;;
	*) echo "matrix.sh: unknown kernel '$1' (5.10, 6.1, 6.12 or sid)" >&2; return 1 ;;
	esac
}

ROWS=() FAILS=() TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
row() {
	ROWS+=("$(printf '%-28s %-8s %6s %6s %7s %7s  %s' "$1" "$2" "$3" "$4" "$5" "$6" "$7")")
	TOTAL_P=$((TOTAL_P + $3)) TOTAL_F=$((TOTAL_F + $4)) TOTAL_S=$((TOTAL_S + $5))
}

make --no-print-directory userspace vm-helpers >/dev/null

# Fetch and build, one kernel after the other (apt and the builds use both
# cores); a kernel that cannot be fetched or built is one failed row.
vers=()
for k in $MATRIX; do
	v="" out="build/matrix-$k-setup.out"
	if ! v=$(resolve "$k" 2>"$out") || [ -z "$v" ]; then
		echo "matrix.sh: $k: cannot fetch the kernel (build/matrix-$k-setup.out)" >&2
		tail -n 5 "$out" >&2
		row "$k" fetch 0 1 0 - "cannot fetch: $(tail -n1 "$out")"
		FAILS+=("== $k: fetch" "$(tail -n 20 "$out")")
		continue
	fi
	echo "matrix.sh: $k is $v" >&2
	if ! { scripts/kernels.sh build-kmod "$v" && scripts/kernels.sh build-testmods "$v"; } >>"$out" 2>&1; then
		echo "matrix.sh: $v: the module build failed (build/matrix-$k-setup.out)" >&2
		row "$v" build 0 1 0 - "module build failed"
		FAILS+=("== $v: build" "$(grep -E 'error|Error' "$out" | head -n 20)")
		continue
	fi
	vers+=("$v")
done

# run_one VER GROUP: one group's boots; the result in build/matrix-VER-GROUP.result.
run_one() {
	local v=$1 g=$2 log="build/matrix-$1-$2.log" out="build/matrix-$1-$2.out" t0=$SECONDS rc=0
	if [ "$g" = selftest ]; then
		SAKER_KERNELS=$v scripts/harness-selftest.sh >"$out" 2>&1 || rc=$?
	else
		local tmo=1800
		[ "$g" != unload ] || tmo=3600
		scripts/vm-tests.sh "$v" --group "$g" --timeout "$tmo" --log "$log" >"$out" 2>&1 || rc=$?
	fi
	echo "$rc $((SECONDS - t0))" >"build/matrix-$v-$g.result"
	grep -a '^SAKER-TEST: \(PASS\|FAIL\|SKIP\)\|^PASS\|^FAIL' "$out" | sed "s/^/[$v $g] /" || true
}

stages=()
for g in $GROUPS_; do
	for v in "${vers[@]}"; do stages+=("$v $g"); done
done
echo "matrix.sh: running ${#stages[@]} stages, $JOBS at once" >&2
for st in "${stages[@]}"; do rm -f "build/matrix-${st% *}-${st#* }.result"; done
running=0
for st in "${stages[@]}"; do
	# shellcheck disable=SC2086 # "VER GROUP"
	run_one $st &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

for st in "${stages[@]}"; do
	v=${st% *} g=${st#* }
	out="build/matrix-$v-$g.out" log="build/matrix-$v-$g.log"
	read -r rc secs <"build/matrix-$v-$g.result" || { rc=1 secs=0; }
	mins=$(awk -v s="$secs" 'BEGIN { printf "%.1f", s / 60 }')
	boot=$(sed -n 's/^vm.sh: .* booted in \([0-9.]*\)s wall.*/\1s/p' "$out" | head -n1)
	if [ "$g" = selftest ]; then
		p=$(grep -c '^PASS' "$out" || true) f=$(grep -c '^FAIL' "$out" || true) s=0
		[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
		note=""
		[ "$f" -eq 0 ] || FAILS+=("== $v selftest ($out)" "$(grep -a '^FAIL' "$out")")
	else
		res=$({ grep -a '^VM-TESTS:' "$log" 2>/dev/null || true; } | tail -n1)
		if [[ $res =~ passed=([0-9]+)\ failed=([0-9]+)\ skipped=([0-9]+)\ boots=([0-9]+) ]]; then
			p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
			note="boot ${boot:-?}, ${BASH_REMATCH[4]} boot(s)"
		else
			p=0 f=1 s=0 note="vm-tests.sh ended without a result"
		fi
		skips=$(sed -n 's/^SAKER-TEST: SKIP \([^ ]*\).*/\1/p' "$log" | tr '\n' ' ')
		[ -z "$skips" ] || note+="; skipped: $skips"
		if [ "$f" -gt 0 ]; then
			FAILS+=("== $v $g ($log)")
			FAILS+=("$(awk '/^SAKER-TEST: FAIL /{on=1; n=0; print; next} on && /^  / && n++ < 40 {print; next} {on=0}' "$log")")
		fi
	fi
	row "$v" "$g" "$p" "$f" "$s" "$mins" "$note"
done

echo
printf '%-28s %-8s %6s %6s %7s %7s  %s\n' kernel group passed failed skipped minutes note
printf '%s\n' "${ROWS[@]}"
if [ ${#FAILS[@]} -gt 0 ]; then
	echo
	echo "failures:"
	printf '%s\n' "${FAILS[@]}"
fi
echo "total time $(((SECONDS - T0) / 60)) min"
echo "$TOTAL_P passed, $TOTAL_F failed"
[ "$TOTAL_F" -eq 0 ] && [ "$TOTAL_P" -gt 0 ]
