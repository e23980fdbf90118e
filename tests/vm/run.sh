#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-VM test runner (busybox sh, POSIX only): runs every
# /saker/tests/t[0-9]*.sh in order, each in a fresh directory under /tmp,
# with a timeout, and judges each by its exit status (0 pass, 77 skip, else
# fail) and by the kernel log it caused. See docs/conventions.md and
# docs/testing.md.
#   SAKER_TEST_TIMEOUT  seconds per test (300; a test's header line
#                       "# saker-vm: timeout N" sets its own)
#   SAKER_ONLY          space-separated test names to run instead of all
#                       (in this order, whatever their group)
#   SAKER_GROUP         main: only the tests without the tag line
#                       "# saker-vm: unload-under-load"; unload: only the
#                       tagged ones; all (default): every test
#   SAKER_SUITE         directory of the tests (default: this one; lib.sh stays here)
#   SAKER_VERBOSE=1     print every test's output, not only failures'
# Prints "SAKER-TEST: PLAN names..." first and "SAKER-TEST: START name" before
# each test, so that the host knows which test a kernel fault killed and
# which ones are left to run in a new VM (scripts/vm-tests.sh).
set -u

TESTDIR=$(cd "$(dirname "$0")" && pwd)
SUITE=${SAKER_SUITE:-$TESTDIR}
# lib.sh finds itself through SAKER_TESTS.
SAKER_TESTS=$TESTDIR
export SAKER_TESTS
TIMEOUT=${SAKER_TEST_TIMEOUT:-300}
# Kernel log lines that mean the kernel (our module) misbehaved.
BAD='BUG|WARNING|Oops|lockdep|general protection|Call Trace|KASAN|UBSAN|refcount_t'
passed=0 failed=0 skipped=0

indent() { sed 's/^/    /'; }

module_loaded() { grep -q '^saker ' /proc/modules 2>/dev/null; }

run_one() {
	t=$1
	name=$(basename "$t" .sh)
	dir=$(mktemp -d /tmp/saker-test.XXXXXX)
	out=$dir.out
	sidfile=$dir.sid
	note=""
	dmesg -c >/dev/null 2>&1
	echo "SAKER-TEST: START $name"
	tmo=$(sed -n 's/^# saker-vm: timeout \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	tmo=${tmo:-$TIMEOUT}
	start=$(date +%s)
	# setsid: the test and everything it starts share one session we can
	# clean up. busybox timeout runs the test in this same process.
	# shellcheck disable=SC2016 # $$ is for the inner shell
	(cd "$dir" && exec setsid sh -c 'echo $$ >"$1"; shift; exec timeout "$@"' \
		_ "$sidfile" "$tmo" sh "$t") >"$out" 2>&1 </dev/null
	rc=$?
	end=$(date +%s)
	sid=$(cat "$sidfile" 2>/dev/null)
	[ -n "$sid" ] && kill_session_id "$sid"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ $((end - start)) -ge "$tmo" ]; then
		note="timed out after ${tmo}s"
	fi
	if module_loaded; then
		if rmmod saker >>"$out" 2>&1; then
			echo "runner: test left the module loaded; removed it" >>"$out"
		else
			rc=1
			note="${note:+$note; }module left loaded and rmmod failed"
		fi
	fi
	hits=$(dmesg | grep -E "$BAD")
	if [ -n "$hits" ]; then
		rc=1
		note="${note:+$note; }kernel log has errors"
	fi
	case $rc in
		0) verdict=PASS; passed=$((passed + 1)) ;;
		77) verdict=SKIP; skipped=$((skipped + 1)) ;;
		*) verdict=FAIL; failed=$((failed + 1)) ;;
	esac
	echo "SAKER-TEST: $verdict $name ($((end - start))s${note:+, $note})"
	if [ "$verdict" = FAIL ] || [ "${SAKER_VERBOSE:-0}" = 1 ]; then
		echo "  output (exit $rc):"
		indent <"$out"
		if [ -n "$hits" ]; then
			echo "  kernel log:"
			dmesg | indent
		fi
	elif [ "$verdict" = SKIP ]; then
		tail -n 3 "$out" | indent
	fi
	rm -rf "$dir" "$out" "$sidfile"
}

# Kill whatever the test left running in its session (daemons left in the
# background hold the module and would break the next test). The session id
# is the pid of the process that called setsid.
kill_session_id() {
	target=$1
	for st in /proc/[0-9]*/stat; do
		s=$(cat "$st" 2>/dev/null) || continue
		# Fields after the ")" that ends comm: state ppid pgrp session.
		s=${s##*) }
		# shellcheck disable=SC2086 # word splitting wanted
		set -- $s
		p=${st#/proc/}
		p=${p%/stat}
		if [ "${4:-}" = "$target" ]; then
			kill -9 "$p" 2>/dev/null
		# busybox timeout's watcher daemonizes (own session, parent init)
		# and would linger up to a second after the test ended.
		elif [ "${2:-}" = 1 ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = timeout ]; then
			kill -9 "$p" 2>/dev/null
		fi
	done
}

# in_group FILE: FILE belongs to SAKER_GROUP.
in_group() {
	if grep -q '^# saker-vm: unload-under-load$' "$1"; then
		tagged=unload
	else
		tagged=main
	fi
	case ${SAKER_GROUP:-all} in
		all) return 0 ;;
		main | unload) [ "$tagged" = "$SAKER_GROUP" ] ;;
		*) return 1 ;;
	esac
}

case ${SAKER_GROUP:-all} in
	all | main | unload) ;;
	*)
		echo "SAKER-TEST: FAIL run.sh (SAKER_GROUP=$SAKER_GROUP: want all, main or unload)"
		echo "SAKER-TEST-SUMMARY: passed=0 failed=1 skipped=0"
		exit 1
		;;
esac
plan=
if [ -n "${SAKER_ONLY:-}" ]; then
	# shellcheck disable=SC2086 # a list of names
	for n in $SAKER_ONLY; do plan="$plan ${n%.sh}"; done
else
	for t in "$SUITE"/t[0-9]*.sh; do
		[ -f "$t" ] && in_group "$t" && plan="$plan $(basename "$t" .sh)"
	done
fi
echo "SAKER-TEST: PLAN${plan}"
for n in $plan; do
	t="$SUITE/$n.sh"
	if [ -f "$t" ]; then
		run_one "$t"
	else
		echo "SAKER-TEST: FAIL $n (no such test)"
		failed=$((failed + 1))
	fi
done

echo "SAKER-TEST-SUMMARY: passed=$passed failed=$failed skipped=$skipped"
[ "$failed" -eq 0 ]
