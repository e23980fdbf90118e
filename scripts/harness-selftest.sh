#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# harness-selftest.sh [--all]: the VM harness itself turns a kernel fault into
# one failed test, with the kernel's trace, within seconds, and goes on with
# the next test in a new VM (docs/testing.md). Run by `make check`.
#   default: on the first test kernel, tests/vm/selftest/ (t10 passes, t20
#     loads faultmod mode=warn, t30 passes) must end as t10 PASS, t20 FAIL
#     with the WARNING trace, t30 PASS in a second boot; on the other
#     kernels, t20 alone must fail the same way (one boot each).
#   --all: also every other fault kind (oops, softlockup, rcu, hung) on
#     every test kernel, one boot each (about 15 s a boot).
# Prints PASS/FAIL lines (counted by scripts/test.sh); exits 1 on a failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ALL=0
case "${1:-}" in
	"") ;;
	--all) ALL=1 ;;
	*) echo "usage: $0 [--all]" >&2; exit 2 ;;
esac

# The console line a fault kind must produce, and the detector it proves.
declare -A SIGN=(
	# "WARNING: CPU: 0 PID: 1 at FILE:LINE faultmod_init+..." up to 6.x,
	# "WARNING: FILE:LINE at faultmod_init+..., CPU#0: insmod/1" in 7.x.
	[warn]='WARNING: .*faultmod_init'
	[oops]='BUG: kernel NULL pointer dereference'
	[softlockup]='soft lockup - CPU#'
	# rcu_sched on kernels without preemptible RCU (Debian's 5.10).
	[rcu]='rcu_(preempt|sched) (self-)?detected stall'
	[hung]='blocked for more than'
)
# Guest seconds from the insmod to the panic: the lowered thresholds (t20)
# are 2 s (soft lockup), 3 s (RCU stall) and 1-2 s (hung task) under TCG.
MAX_GUEST=10
# Wall seconds from the panic line to the end of qemu.
MAX_WALL=10

mapfile -t kernels < <(scripts/kernels.sh list)
[ ${#kernels[@]} -gt 0 ] || { echo "FAIL harness-selftest: no test kernels"; exit 1; }
make --no-print-directory userspace vm-helpers >/dev/null

fails=0
pass() { echo "PASS $*"; }
failed() { echo "FAIL $*"; fails=$((fails + 1)); }

# check VER MODE FULL: boot VER with the self-test suite and fault MODE;
# FULL=1 runs t10, t20 and t30 (t30 in a second boot), else t20 alone.
check() {
	local v=$1 mode=$2 full=$3 out log envs t0 secs rc=0 fault_up panic_up wall
	out="build/selftest-$v-$mode.out" log="build/selftest-$v-$mode.log"
	envs="SAKER_FAULT=$mode"
	[ "$full" = 1 ] || envs+=" SAKER_ONLY=t20-fault"
	t0=$SECONDS
	scripts/vm-tests.sh "$v" --suite /saker/tests/selftest --env "$envs" --timeout 180 \
		--log "$log" >"$out" 2>&1 || rc=$?
	secs=$((SECONDS - t0))
	local name="harness-selftest $v $mode"
	[ "$rc" -ne 0 ] || { failed "$name: vm-tests.sh exit 0, the fault went unnoticed (see $out)"; return; }
	local res
	res=$(grep -a '^VM-TESTS:' "$log" | tail -n1)
	local want="VM-TESTS: passed=0 failed=1 skipped=0 boots=1"
	[ "$full" = 1 ] && want="VM-TESTS: passed=2 failed=1 skipped=0 boots=2"
	[ "$res" = "$want" ] || { failed "$name: got '$res', want '$want' (see $out)"; return; }
	grep -aq '^SAKER-TEST: FAIL t20-fault (VM died: kernel fault)$' "$log" ||
		{ failed "$name: t20-fault not reported as killed by a kernel fault (see $out)"; return; }
	# The trace printed under the FAIL line: the fault's own first line and the panic.
	local trace
	trace=$(sed -n '/^SAKER-TEST: FAIL t20-fault (VM died/,/^[^ ]/p' "$log" | grep -a '^    ')
	grep -aEq -- "${SIGN[$mode]}" <<<"$trace" ||
		{ failed "$name: the trace lacks '${SIGN[$mode]}' (see $out)"; return; }
	grep -aq 'Kernel panic' <<<"$trace" || { failed "$name: the trace lacks the panic line (see $out)"; return; }
	if [ "$full" = 1 ]; then
		grep -aq '^SAKER-TEST: PASS t10-before' "$log" || { failed "$name: t10-before did not pass"; return; }
		grep -aq '^SAKER-TEST: PASS t30-after' "$log" || { failed "$name: the test after the fault did not run"; return; }
		grep -aq '^SAKER-TEST: PLAN t30-after$' "$log" || { failed "$name: the second boot did not run t30 alone"; return; }
	fi
	fault_up=$(sed -n 's/.*SAKER-FAULT: mode=[a-z]* uptime=\([0-9.]*\).*/\1/p' "$log" | head -n1)
	panic_up=$(sed -n 's/^\[ *\([0-9.]*\)\] Kernel panic.*/\1/p' "$log" | head -n1)
	wall=$(sed -n 's/^vm.sh: qemu ended \([0-9.]*\)s after the kernel panic$/\1/p' "$out" | head -n1)
	if [ -z "$fault_up" ] || [ -z "$panic_up" ] || [ -z "$wall" ]; then
		failed "$name: no fault/panic timestamps (see $out)"
		return
	fi
	if ! awk -v a="$fault_up" -v b="$panic_up" -v w="$wall" -v mg="$MAX_GUEST" -v mw="$MAX_WALL" \
		'BEGIN { exit !(b - a <= mg && w <= mw) }'; then
		failed "$name: too slow: panic $(awk -v a="$fault_up" -v b="$panic_up" 'BEGIN { print b - a }')s (guest) after the fault, qemu ended ${wall}s after it"
		return
	fi
	pass "$name: FAILED with the trace; panic $(awk -v a="$fault_up" -v b="$panic_up" 'BEGIN { printf "%.1f", b - a }')s after the fault (guest), qemu gone ${wall}s later; ${secs}s for ${res##*boots=} boot(s)"
}

first=1
for v in "${kernels[@]}"; do
	check "$v" warn "$first"
	first=0
	if [ "$ALL" = 1 ]; then
		for m in oops softlockup rcu hung; do check "$v" "$m" 0; done
	fi
done
[ "$fails" -eq 0 ]
