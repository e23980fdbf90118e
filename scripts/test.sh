#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/test.sh [--unit-only|--vm-only]: the whole test suite (`make check`).
#   1. deps.sh and the test kernels (headers + boot images)
#   2. build: userspace, VM helpers, unit tests
#   3. Check unit tests in build/tests/unit/ (natively, then under ASan and
#      UBSan); the fuzz targets over their seeds; make analyze (scan-build,
#      cppcheck)
#   4. per test kernel: boot it in qemu and run /saker/tests/run.sh, once
#      for the untagged tests (2 vCPUs), once for the tests tagged
#      "# saker-vm: unload-under-load" (4 vCPUs); every boot single-threaded
#      TCG, as many side by side as host cores; then the harness self-test
#      (a kernel fault fails one test, with its trace)
#   5. DKMS packaging test on this host
#   6. checkpatch.pl over kmod/ (kernel coding style)
# Ends with one line "N passed, N failed, N skipped"; exits 1 if anything
# failed or nothing ran.
#   SAKER_VM_TIMEOUT  seconds for one VM boot's whole run (1800; 3600 for the
#                     unload group)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=build
mkdir -p "$BUILD"

MODE=all
case "${1:-}" in
	"") ;;
	--unit-only) MODE=unit ;;
	--vm-only) MODE=vm ;;
	*) echo "usage: $0 [--unit-only|--vm-only]" >&2; exit 2 ;;
esac

T0=$SECONDS
TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
ROWS=()

# record STAGE PASSED FAILED SKIPPED NOTE: one row of the final table.
record() {
	ROWS+=("$(printf '%-34s %6s %6s %7s  %s' "$1" "$2" "$3" "$4" "$5")")
	TOTAL_P=$((TOTAL_P + $2)) TOTAL_F=$((TOTAL_F + $3)) TOTAL_S=$((TOTAL_S + $4))
}
banner() { printf '\n===== %s (%ds) =====\n' "$*" $((SECONDS - T0)); }

# host_check STAGE SCRIPT [ARG...]: run a host-side check that prints
# PASS/FAIL/SKIP lines and count them; a non-zero exit without a FAIL line
# counts as one.
host_check() {
	local stage=$1 rc=0 out p f s note=""
	banner "$stage"
	out=$("${@:2}" 2>&1) || rc=$?
	printf '%s\n' "$out"
	p=$(grep -c '^PASS' <<<"$out" || true)
	f=$(grep -c '^FAIL' <<<"$out" || true)
	s=$(grep -c '^SKIP' <<<"$out" || true)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1 note="$2 exit $rc"; fi
	record "$stage" "$p" "$f" "$s" "$note"
}

# --- 1. dependencies and kernels ---------------------------------------------
banner deps
if ! scripts/deps.sh; then
	record deps 0 1 0 "scripts/deps.sh failed"
fi
if [ "$MODE" != unit ]; then
	banner kernels
	if ! scripts/kernels.sh fetch; then
		record kernels 0 1 0 "scripts/kernels.sh fetch failed"
	fi
fi

# --- 2. build ----------------------------------------------------------------
# The targets come from other build.mk files; while one does not exist yet
# it is skipped with a note instead of failing the run.
build_target() {
	local t=$1 err="$BUILD/make-$1.err"
	if ! make -n "$t" >/dev/null 2>"$err"; then
		if grep -qF "No rule to make target '$t'.  Stop." "$err" ||
			grep -qE "No rule to make target '[^']*\.mk'" "$err"; then
			echo "note: make target '$t' does not exist yet; skipped"
			return 0
		fi
	fi
	banner "make $t"
	if make -j"$(nproc)" WERROR=1 "$t"; then
		record "build:$t" 0 0 0 "ok"
	else
		record "build:$t" 0 1 0 "make $t failed"
	fi
}
targets=(userspace vm-helpers)
[ "$MODE" = vm ] || targets+=(unit-tests)
for t in "${targets[@]}"; do build_target "$t"; done

# --- 3. unit tests -----------------------------------------------------------
# Check prints "NN%: Checks: N, Failures: F, Errors: E" per suite runner.
# run_unit PROGRAM [STAGE-PREFIX]: one Check program, one row.
run_unit() {
	local f=$1 name log rc n fl er
	name=${2:-unit}:$(basename "$f")
	log="$BUILD/${name/:/-}.log"
	rc=0
	timeout 300 "$f" >"$log" 2>&1 || rc=$?
	read -r n fl er < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$log" |
		awk '{ n += $1; f += $2; e += $3 } END { print n + 0, f + 0, e + 0 }')
	if [ "$n" -eq 0 ]; then
		# Not a Check program, or it died before its summary.
		if [ "$rc" -eq 0 ]; then
			record "$name" 1 0 0 "no Check summary; exit 0"
		else
			record "$name" 0 1 0 "exit $rc, no Check summary"
			sed 's/^/    /' "$log" | tail -n 40
		fi
		return
	fi
	local failed=$((fl + er)) note=""
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1 note="exit $rc with no failed check"
	fi
	record "$name" $((n - fl - er)) "$failed" 0 "$note"
	if [ "$failed" -ne 0 ]; then
		grep -vE '^Running suite|^[0-9]+%: Checks' "$log" | sed 's/^/    /' | tail -n 40
	fi
}
if [ "$MODE" != vm ]; then
	banner "unit tests"
	shopt -s nullglob
	units=()
	for f in "$BUILD"/tests/unit/*; do
		[ -f "$f" ] && [ -x "$f" ] && units+=("$f")
	done
	shopt -u nullglob
	if [ ${#units[@]} -eq 0 ]; then
		echo "note: no unit test programs in $BUILD/tests/unit/"
	fi
	for f in "${units[@]}"; do
		run_unit "$f"
		echo "${ROWS[-1]}"
	done

	# The same programs built with AddressSanitizer (leaks included) and
	# UBSan, into build/asan: a sanitizer report makes the program exit
	# non-zero, which run_unit counts as a failure.
	banner "unit tests under ASan and UBSan"
	SAN="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
	if make -j"$(nproc)" WERROR=1 BUILD="$BUILD/asan" CFLAGS="$SAN" LDFLAGS="-fsanitize=address,undefined" \
		unit-tests >"$BUILD/make-asan.log" 2>&1; then
		for f in "${units[@]}"; do
			f="$BUILD/asan/tests/unit/$(basename "$f")"
			[ -x "$f" ] || continue
			run_unit "$f" asan
			echo "${ROWS[-1]}"
		done
	else
		record "build:unit-tests-asan" 0 1 0 "sanitizer build failed"
		tail -n 20 "$BUILD/make-asan.log"
	fi
fi

# The fuzz targets (clang, ASan+UBSan) built and run once over their seeds:
# every past finding is a seed, so it stays fixed (docs/testing.md).
if [ "$MODE" != vm ]; then
	banner "fuzz targets over their seeds"
	if make -j"$(nproc)" WERROR=1 fuzz-build >"$BUILD/make-fuzz.log" 2>&1; then
		out=$(make -s WERROR=1 fuzz-corpus 2>&1) || true
		printf '%s\n' "$out"
		record fuzz-corpus "$(grep -c '^PASS' <<<"$out" || true)" \
			"$(grep -c '^FAIL' <<<"$out" || true)" 0 ""
	else
		record "build:fuzz" 0 1 0 "fuzz build failed ($BUILD/make-fuzz.log)"
		tail -n 20 "$BUILD/make-fuzz.log"
	fi
fi

# Static analysis (scan-build, cppcheck): clean, or a failure.
if [ "$MODE" != vm ]; then
	banner "make analyze"
	if make -j"$(nproc)" WERROR=1 analyze >"$BUILD/analyze.log" 2>&1; then
		record analyze 1 0 0 "scan-build and cppcheck clean"
	else
		record analyze 0 1 0 "make analyze found something ($BUILD/analyze.log)"
		grep -E 'warning:|error:|bugs? found' "$BUILD/analyze.log" | head -n 40
	fi
fi

# --- 4. VM tests --------------------------------------------------------------
# scripts/vm-tests.sh boots the kernel, and again after a kernel fault for the
# tests left: a fault fails the test that was running (with the kernel's
# trace) and only that one.
VM_FAILS=()
# vm_log STAGE: the combined console log of a VM stage.
vm_log() { local l="$BUILD/test-$1.log"; echo "${l//:/-}"; }
# vm_run VER GROUP STAGE: run the stage's VM tests (vm-tests.sh streams the console).
# The unload group holds t81's 100 stress cycles: ~12 min, longer on a busy host.
vm_run() {
	local tmo=1800
	[ "$2" != unload ] || tmo=3600
	scripts/vm-tests.sh "$1" --group "$2" --timeout "${SAKER_VM_TIMEOUT:-$tmo}" --log "$(vm_log "$3")" || true
}
# vm_record STAGE: one row from the stage's log, and its failures for the summary.
vm_record() {
	local stage=$1 log res p f s note=""
	log=$(vm_log "$stage")
	res=$({ grep -a '^VM-TESTS:' "$log" 2>/dev/null || true; } | tail -n1)
	if [[ $res =~ passed=([0-9]+)\ failed=([0-9]+)\ skipped=([0-9]+) ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
		# The tests a fault or a timeout killed, for the table.
		note=$(sed -n 's/^SAKER-TEST: FAIL \([^ ]*\) (VM \(died\|timed out\).*/\1/p' "$log" | tr '\n' ' ')
		note=${note:+killed the VM: $note}
	else
		p=0 f=1 s=0 note="vm-tests.sh ended without a result"
	fi
	# Failure lines with their indented output or trace, for the summary.
	if [ "$f" -gt 0 ]; then
		VM_FAILS+=("== $stage ($log)")
		VM_FAILS+=("$(awk '/^SAKER-TEST: FAIL /{on=1; n=0; print; next} on && /^  / && n++ < 40 {print; next} {on=0}' "$log")")
	fi
	record "$stage" "$p" "$f" "$s" "$note"
}
if [ "$MODE" != unit ]; then
	if ! kernels=$(scripts/kernels.sh list) || [ -z "$kernels" ]; then
		record vm 0 1 0 "no test kernels"
	else
		# Two boots per kernel: the tests tagged "# saker-vm: unload-under-load"
		# (4 vCPUs, the longest, first) and the others. Every boot is
		# single-threaded TCG (docs/testing.md), so one uses one host core:
		# as many run side by side as cores, each console line tagged.
		stages=()
		for g in unload main; do
			while read -r v; do stages+=("$g:$v"); done <<<"$kernels"
		done
		banner "vm: ${stages[*]}"
		jobs_max=$(nproc) running=0
		for st in "${stages[@]}"; do
			vm_run "${st#*:}" "${st%%:*}" "vm-$st" 2>&1 | sed -u "s/^/[$st] /" &
			running=$((running + 1))
			if [ "$running" -ge "$jobs_max" ]; then
				wait -n || true
				running=$((running - 1))
			fi
		done
		wait
		for st in "${stages[@]}"; do vm_record "vm-$st"; done
	fi

	# A kernel fault must cost one test, with its trace, and no timeout.
	host_check harness-selftest scripts/harness-selftest.sh

	# --- 5. DKMS -------------------------------------------------------------
	host_check dkms scripts/dkms-test.sh

	# --- 5b. Debian packages: make deb (lintian-clean), installed, built by
	# DKMS and purged in a bookworm chroot; the first kernel only (about 2
	# minutes; make check-deb adds 6.12: docs/testing.md).
	host_check deb scripts/deb-test.sh --build --first-kernel
fi

# --- 6. kernel coding style of kmod/ (checkpatch.pl) -------------------------
if [ "$MODE" = all ]; then
	host_check checkpatch scripts/checkpatch.sh
fi

# --- summary -----------------------------------------------------------------
banner summary
printf '%-34s %6s %6s %7s  %s\n' stage passed failed skipped note
printf '%s\n' "${ROWS[@]}"
if [ ${#VM_FAILS[@]} -gt 0 ]; then
	echo
	echo "failed VM tests:"
	printf '%s\n' "${VM_FAILS[@]}"
fi
echo "total time $((SECONDS - T0))s"
echo "$TOTAL_P passed, $TOTAL_F failed, $TOTAL_S skipped"
[ "$TOTAL_F" -eq 0 ] && [ "$TOTAL_P" -gt 0 ]
