#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/fuzz.sh [--replay] BUILD NAME...: `make fuzz`. Runs each libFuzzer target
# BUILD/fuzz/fuzz_NAME for FUZZ_SECONDS (60) on a scratch copy of its seeds
# (tests/fuzz/corpus_NAME/, copied to BUILD/fuzz/run/NAME/corpus, so that
# runs never write into the source tree) and prints one line per target:
# seconds, executions, corpus size before and after, and OK or what it found
# (crash, leak, timeout, out-of-memory: the reproducer and the stack top).
# Exits 1 if any target found something. FUZZ_JOBS (1) targets run at once;
# each uses one core. Logs: BUILD/fuzz/run/NAME/log. docs/testing.md.
# --replay (`make fuzz-corpus`, part of make check): no fuzzing, every seed
# of tests/fuzz/corpus_NAME/ run once; prints PASS or FAIL per target.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
REPLAY=0
if [ "${1:-}" = --replay ]; then
	REPLAY=1
	shift
fi
[ $# -ge 2 ] || { echo "usage: $0 [--replay] BUILD NAME..." >&2; exit 2; }
BUILD=$1
shift
SECS=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
# One slow input (25 s, as OSS-Fuzz counts) is a finding, not a hang.
TIMEOUT=${FUZZ_TIMEOUT:-25}
# A tmpfs for the targets' scratch files when there is one.
SCRATCH=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && SCRATCH=/dev/shm

# run_one NAME: fuzz one target, leave its result line in run/NAME/result.
run_one() {
	local name=$1 bin=$BUILD/fuzz/fuzz_$1 work=$BUILD/fuzz/run/$1
	local t0 rc execs before after found top status tmp

	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "tests/fuzz/corpus_$name" ]; then
		cp -r "tests/fuzz/corpus_$name/." "$work/corpus/"
	fi
	before=$(find "$work/corpus" -type f | wc -l)
	# Targets that build files (procfs, containers) do it under TMPDIR.
	tmp=$(mktemp -d "$SCRATCH/saker-fuzz-$name.XXXXXX")
	t0=$SECONDS
	TMPDIR=$tmp UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} "$bin" -max_total_time="$SECS" -timeout="$TIMEOUT" -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
	rc=$?
	rm -rf "$tmp"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
	# A crash ends the run before the final statistics: the last status line.
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$work/log" | tail -n 1)
	after=$(find "$work/corpus" -type f | wc -l)
	found=$(find "$work/artifacts" -type f -printf '%f\n' | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		status=OK
	else
		# The first frame of saker's code, not the sanitizer's or libc's.
		top=$(grep -E '^ *#[0-9]+ 0x[0-9a-f]+ in ' "$work/log" |
		      grep -v -E ' in (__sanitizer|__asan|__ubsan|__interceptor|fuzzer::)|libc\.so|/nptl/|/signal/|/stdlib/' |
		      head -n 1 | sed -E 's/^ *#[0-9]+ 0x[0-9a-f]+ in //; s/ \(BuildId.*//')
		status="FOUND ${found:-nothing written (exit $rc)}: $(grep -m 1 -E 'ERROR: |SUMMARY: |runtime error: ' "$work/log" |
			sed -E 's/^==[0-9]+==//')${top:+ at $top}"
	fi
	printf '%-22s %5d s %10s execs  corpus %4d -> %-5d %s\n' "fuzz_$name" \
		$((SECONDS - t0)) "${execs:-?}" "$before" "$after" "$status" >"$work/result"
}

for name in "$@"; do
	[ -x "$BUILD/fuzz/fuzz_$name" ] || { echo "fuzz.sh: no target $BUILD/fuzz/fuzz_$name" >&2; exit 2; }
done
# replay_one NAME: each seed once, as a regression test of past findings.
replay_one() {
	local name=$1 log=$BUILD/fuzz/run/$1.replay.log tmp n
	local -a seeds

	mapfile -t seeds < <(find "tests/fuzz/corpus_$name" -type f 2>/dev/null | sort)
	n=${#seeds[@]}
	if [ "$n" -eq 0 ]; then
		echo "FAIL fuzz-corpus $name: no seeds in tests/fuzz/corpus_$name"
		return 1
	fi
	tmp=$(mktemp -d "$SCRATCH/saker-fuzz-$name.XXXXXX")
	if TMPDIR=$tmp "$BUILD/fuzz/fuzz_$name" -timeout="$TIMEOUT" "${seeds[@]}" >"$log" 2>&1; then
		echo "PASS fuzz-corpus $name ($n seeds)"
	else
		echo "FAIL fuzz-corpus $name: $(grep -m 1 -E 'ERROR: |SUMMARY: |runtime error: ' "$log") (log $log)"
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tmp"
}
if [ "$REPLAY" -eq 1 ]; then
	mkdir -p "$BUILD/fuzz/run"
	failed=0
	for name in "$@"; do
		replay_one "$name" || failed=$((failed + 1))
	done
	[ "$failed" -eq 0 ]
	exit
fi

running=0
for name in "$@"; do
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$name" &
	running=$((running + 1))
done
wait

failed=0
for name in "$@"; do
	line=$(cat "$BUILD/fuzz/run/$name/result" 2>/dev/null || echo "fuzz_$name: no result")
	printf '%s\n' "$line"
	case $line in *" OK") ;; *) failed=$((failed + 1)) ;; esac
done
echo "fuzz: $# targets, $failed with findings, ${SECS} s each (logs in $BUILD/fuzz/run/)"
[ "$failed" -eq 0 ]
