#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm-tests.sh VER [--group all|main|unload] [--suite DIR] [--env 'K=V ...']
#             [--timeout SEC] [--log FILE]
#
# Runs the in-VM test runner (tests/vm/run.sh) on kernel VER and survives
# kernel faults: when the VM dies in the middle (a fault panics it at once,
# see scripts/vm.sh), the test that was running is recorded as FAILED with
# the kernel's trace, and the same kernel boots again for the tests left
# (SAKER_ONLY), so one fault costs one test, not the kernel's whole suite.
#   --group  main: the untagged tests, 2 vCPUs (default); unload: the tests
#            tagged "# saker-vm: unload-under-load", 4 vCPUs (more than this
#            host's cores, so the vCPUs interleave as contended CPUs do);
#            all: every test, 2 vCPUs. Every boot is single-threaded TCG:
#            multi-threaded TCG faults by itself on live kernel text
#            patching (docs/testing.md, "The emulator finding").
#   --suite  directory of the tests inside the VM (run.sh's SAKER_SUITE)
#   --env    variables for run.sh and the tests ("K=V K2=V2", no quoting)
#   --timeout  seconds per boot (1500); --log  the consoles of every boot
# Streams the consoles; ends the log and stdout with one line
#   VM-TESTS: passed=P failed=F skipped=S boots=B
# and exits 0 when nothing failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

usage() {
	echo "usage: $0 VER [--group all|main|unload] [--suite DIR] [--env 'K=V ...'] [--timeout SEC] [--log FILE]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
VER=$1
shift
GROUP=main SUITE="" ENVS="" TIMEOUT=1500 LOG="build/vm-tests-$VER.log"
while [ $# -gt 0 ]; do
	case "$1" in
		--group) GROUP=${2:?}; shift 2 ;;
		--suite) SUITE=${2:?}; shift 2 ;;
		--env) ENVS=${2?}; shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--log) LOG=${2:?}; shift 2 ;;
		*) usage ;;
	esac
done
case $GROUP in
	main | all) vmopts=(--accel single --smp 2) ;;
	unload) vmopts=(--accel single --smp 4) ;;
	*) usage ;;
esac
# Names and values end up in a shell command line inside the VM.
for kv in $ENVS; do
	[[ $kv =~ ^[A-Z_][A-Z0-9_]*=[A-Za-z0-9_./:,+-]*$ ]] || { echo "vm-tests.sh: bad --env item '$kv'" >&2; exit 2; }
done
[ -z "$SUITE" ] || [[ $SUITE =~ ^/[A-Za-z0-9_./-]+$ ]] || usage

mkdir -p "$(dirname "$LOG")"
: >"$LOG"
BOOTLOG="$LOG.boot"
passed=0 failed=0 skipped=0 boots=0 only=""

# verdicts LOG: "VERDICT name" for every PASS/FAIL/SKIP line of LOG.
verdicts() { { grep -ao 'SAKER-TEST: \(PASS\|FAIL\|SKIP\) [A-Za-z0-9_.-]*' "$1" || true; } | cut -d' ' -f2-; }
count() { { grep -ao -- "SAKER-TEST: $1 " "$2" || true; } | wc -l; }
# say LINE: to stdout and to the combined log.
say() { printf '%s\n' "$1" | tee -a "$LOG"; }

while :; do
	boots=$((boots + 1))
	# shellcheck disable=SC2016 # the single quotes are for the VM's shell
	cmd="$ENVS SAKER_GROUP=$GROUP${SUITE:+ SAKER_SUITE=$SUITE}${only:+ SAKER_ONLY='$only'} sh /saker/tests/run.sh"
	rc=0
	SAKER_VM_NO_TRACE=1 SAKER_VM_LOG=$BOOTLOG scripts/vm.sh run "$VER" "$cmd" "${vmopts[@]}" --timeout "$TIMEOUT" || rc=$?
	# vm.sh writes the log only once qemu has run.
	[ "$rc" -ne 126 ] || : >"$BOOTLOG"
	cat "$BOOTLOG" >>"$LOG"
	passed=$((passed + $(count PASS "$BOOTLOG")))
	failed=$((failed + $(count FAIL "$BOOTLOG")))
	skipped=$((skipped + $(count SKIP "$BOOTLOG")))

	if [ "$rc" -eq 126 ]; then
		say "SAKER-TEST: FAIL vm-setup (VM setup failed: module build?)"
		failed=$((failed + 1))
		break
	fi
	if grep -aq 'SAKER-TEST-SUMMARY:' "$BOOTLOG"; then
		if [ "$rc" -ne 0 ] && [ "$(count FAIL "$BOOTLOG")" -eq 0 ]; then
			say "SAKER-TEST: FAIL run.sh (runner exit $rc with no failed test)"
			failed=$((failed + 1))
		fi
		break
	fi

	# The VM ended in the middle: which test was running, which are left.
	trace=$(scripts/vm.sh trace "$BOOTLOG")
	case $rc in
		124) why="VM timed out after ${TIMEOUT}s" ;;
		*) if [ -n "$trace" ]; then why="VM died: kernel fault"; else why="VM died without status (exit $rc)"; fi ;;
	esac
	plan=$({ grep -a '^SAKER-TEST: PLAN' "$BOOTLOG" || true; } | head -n1 | sed 's/^SAKER-TEST: PLAN *//')
	done_names=" $(verdicts "$BOOTLOG" | cut -d' ' -f2 | tr '\n' ' ') "
	running=$({ grep -ao 'SAKER-TEST: START [A-Za-z0-9_.-]*' "$BOOTLOG" || true; } | tail -n1 | cut -d' ' -f3)
	if [ -n "$running" ] && [[ $done_names == *" $running "* ]]; then
		running=""
	fi
	if [ -z "$running" ]; then
		# START lost (console), or died between two tests: the first one left.
		for n in $plan; do
			[[ $done_names == *" $n "* ]] || { running=$n; break; }
		done
	fi
	if [ -z "$running" ]; then
		if [ -z "$plan" ]; then
			say "SAKER-TEST: FAIL vm-boot ($why before the tests started)"
		else
			say "SAKER-TEST: FAIL run.sh ($why after the last test)"
		fi
		[ -z "$trace" ] || printf '%s\n' "$trace" | sed 's/^/    /' | tee -a "$LOG"
		failed=$((failed + 1))
		break
	fi
	say "SAKER-TEST: FAIL $running ($why)"
	[ -z "$trace" ] || printf '%s\n' "$trace" | sed 's/^/    /' | tee -a "$LOG"
	failed=$((failed + 1))
	done_names="$done_names$running "
	rest="" seen=0
	for n in $plan; do
		[ "$n" = "$running" ] && { seen=1; continue; }
		[ "$seen" = 1 ] && [[ $done_names != *" $n "* ]] && rest="$rest $n"
	done
	only=${rest# }
	[ -n "$only" ] || break
	say "vm-tests.sh: booting $VER again for the tests left:$rest"
done
rm -f "$BOOTLOG"
say "VM-TESTS: passed=$passed failed=$failed skipped=$skipped boots=$boots"
[ "$failed" -eq 0 ]
