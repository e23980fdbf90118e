#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh run VER 'COMMAND' [--timeout SEC] [--mem MB] [--accel multi|single] [--smp N]
# vm.sh trace LOG
#
# run: boots Debian kernel VER in qemu (TCG: this host has no KVM and its own
# kernel cannot load modules) with the saker initramfs, runs COMMAND with
# busybox sh as root inside, streams the serial console to stdout and to
# build/vm-VER.log, and exits with COMMAND's exit status.
#   124  timed out (default 600 s)
#   125  the VM ended without reporting a status (panic, init died, ...)
#   126  could not set up the VM (kernel fetch, module build, initramfs)
# Any kernel fault (oops, WARN, soft lockup, RCU stall, hung task) panics
# the guest and ends the VM at once; the kernel's trace is then printed.
# --accel single (default): one host thread for all vCPUs (thread=single).
# --accel multi: multi-threaded TCG, one host thread per vCPU; it runs stale
#   code after live kernel text patching (kprobes, static keys, even at
#   boot) and faults by itself, so only `make emu-check` uses it (docs/testing.md).
# --smp N: vCPUs (default 2).
# SAKER_VM_APPEND adds kernel parameters (e.g. "loglevel=7"); SAKER_VM_LOG
# sets the log file.
#
# trace: print the kernel's fault trace found in a console LOG (nothing if
# none): from the first fault line after the last "SAKER-TEST: START", at
# most ~30 lines, with the "Kernel panic" line.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"

usage() {
	echo "usage: $0 run VER 'COMMAND' [--timeout SEC] [--mem MB] [--accel multi|single] [--smp N]" >&2
	echo "       $0 trace LOG" >&2
	exit 2
}
setup_fail() { echo "vm.sh: $*" >&2; exit 126; }

# Lines that start a kernel fault report; the first one after the running
# test's START line is where the trace begins.
FAULT_RE='BUG:|WARNING:|Oops|Kernel panic|general protection|RCU|rcu_.*detected stall|soft lockup|hung_task|blocked for more than'
TRACE_LINES=30

# print_trace LOG: the fault trace in LOG (see the header).
print_trace() {
	awk -v re="$FAULT_RE" -v max="$TRACE_LINES" '
		{ line[NR] = $0 }
		/SAKER-TEST: START / { from = NR }
		END {
			for (i = from + 1; i <= NR; i++)
				if (line[i] ~ re) { first = i; break }
			if (!first) exit
			for (i = first; i <= NR && i < first + max; i++) print line[i]
			# The panic line says why the VM ended; keep it when the trace is longer.
			for (j = i; j <= NR; j++)
				if (line[j] ~ /Kernel panic/) { print "    [...]"; print line[j]; break }
		}' "$1"
}

case "${1:-}" in
	run) shift ;;
	trace) [ $# -eq 2 ] || usage; print_trace "$2"; exit 0 ;;
	*) usage ;;
esac
TIMEOUT=600 MEM=1024 ACCEL=single SMP=2 pos=()
while [ $# -gt 0 ]; do
	case "$1" in
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--mem) MEM=${2:?}; shift 2 ;;
		--accel) ACCEL=${2:?}; shift 2 ;;
		--smp) SMP=${2:?}; shift 2 ;;
		*) pos+=("$1"); shift ;;
	esac
done
[ ${#pos[@]} -eq 2 ] || usage
[[ $SMP =~ ^[1-9][0-9]*$ ]] || usage
case $ACCEL in
	multi) accel=tcg,thread=multi ;;
	single) accel=tcg,thread=single ;;
	*) usage ;;
esac
VER=${pos[0]} CMD=${pos[1]}

KERNEL="$ROOT/.cache/kernels/$VER/vmlinuz"
[ -e "$KERNEL" ] || "$ROOT/scripts/kernels.sh" fetch "$VER" || setup_fail "cannot fetch kernel $VER"

# The module is optional for the harness itself (t00 skips without it), so
# only build it once kmod/ has a kbuild file.
KSRC=${SAKER_KMOD_SRC:-$ROOT/kmod}
if [ -f "$KSRC/Kbuild" ] || [ -f "$KSRC/Makefile" ]; then
	"$ROOT/scripts/kernels.sh" build-kmod "$VER" || setup_fail "module build for $VER failed"
else
	echo "vm.sh: note: $KSRC has no Kbuild yet; booting without the module" >&2
fi
"$ROOT/scripts/kernels.sh" build-testmods "$VER" || setup_fail "test module build for $VER failed"

mkdir -p "$BUILD"
WORK=$(mktemp -d "$BUILD/.vm-$VER.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Rebuilt every run: it takes ~3 s and staleness checks over build/, tests/
# and rules/ would be more fragile than that.
BASE="$BUILD/initramfs-$VER.cpio.gz"
"$ROOT/scripts/mkinitramfs.sh" "$VER" "$BASE" || setup_fail "initramfs build failed"

# The command travels as a file in a second, appended cpio archive: no
# quoting or length limits from the kernel command line.
mkdir -p "$WORK/cmd/saker"
printf '%s\n' "$CMD" >"$WORK/cmd/saker/cmd"
(cd "$WORK/cmd" && printf '%s\n' saker/cmd | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$WORK/cmd.cpio.gz"
cat "$BASE" "$WORK/cmd.cpio.gz" >"$WORK/initrd"

# The console is parsed from a private copy: other runs for the same kernel
# (another terminal, another developer) rewrite the shared log meanwhile.
LOG=${SAKER_VM_LOG:-$BUILD/vm-$VER.log}
CONSOLE="$WORK/console.log"
# Every fault panics (oops, WARN, soft lockup here; hung task and RCU stall
# by sysctl in the initramfs' init, which checks all of them), and panic=-1
# + -no-reboot turn a panic into the end of qemu at once instead of a hang
# until the timeout. The soft-lockup (20 s) and RCU-stall (21 s) thresholds
# stay the kernels' defaults: with 6 busy threads on this 2-core host for
# 32 min neither misfired (docs/testing.md).
# no_timer_check: the kernel's IO-APIC timer check counts ticks in a busy
# loop, and a vCPU the busy host does not run meanwhile fails it ("IO-APIC
# + timer doesn't work", a panic before init; seen here with load 10).
# -nic none: no network device, saves the NIC ROM.
# stdin from /dev/null keeps qemu from putting a terminal into raw mode.
FAULTS="oops=panic panic_on_warn=1 softlockup_panic=1 panic=-1"
qemu=(qemu-system-x86_64 -accel "$accel" -smp "$SMP" -m "$MEM" -nographic -no-reboot -nic none
	-kernel "$KERNEL" -initrd "$WORK/initrd"
	-append "console=ttyS0 quiet no_timer_check $FAULTS ${SAKER_VM_APPEND:-}")

start=$EPOCHREALTIME
boot_wall="" boot_guest="" panic_at=""
echo "vm.sh: booting $VER ($ACCEL-threaded TCG, $SMP vCPUs, timeout ${TIMEOUT}s)" >&2
set +e
# The serial console ends lines with CRLF; strip the CR so logs grep cleanly.
timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null 2>&1 | {
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		printf '%s\n' "$line"
		printf '%s\n' "$line" >&3
		if [ -z "$boot_wall" ] && [[ $line == *SAKER-BOOT* ]]; then
			boot_wall=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
			boot_guest=$(sed -n 's/.*SAKER-BOOT.*uptime=\([0-9.]*\).*/\1/p' <<<"$line")
			echo "vm.sh: $VER booted in ${boot_wall}s wall (guest uptime ${boot_guest}s)" >&2
		fi
		[ -n "$panic_at" ] || [[ $line != *"Kernel panic"* ]] || panic_at=$EPOCHREALTIME
	done
	# How long a fault costs after the panic (harness-selftest.sh checks it).
	if [ -n "$panic_at" ]; then
		awk -v a="$panic_at" -v b="$EPOCHREALTIME" \
			'BEGIN { printf "vm.sh: qemu ended %.1fs after the kernel panic\n", b - a }' >&2
	fi
} 3>"$CONSOLE"
st=("${PIPESTATUS[@]}")
set -e
total=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')

cp "$CONSOLE" "$LOG.tmp.$$" && mv -f "$LOG.tmp.$$" "$LOG"

rc=$( { grep -ao 'SAKER-EXIT [0-9]*' "$CONSOLE" || true; } | tail -n1 | cut -d' ' -f2)
if [ -n "$rc" ]; then
	:
elif [ "${st[0]}" -eq 124 ] || [ "${st[0]}" -eq 137 ]; then
	echo "vm.sh: TIMEOUT after ${TIMEOUT}s ($VER)" >&2
	rc=124
else
	echo "vm.sh: the VM ended without SAKER-EXIT (qemu status ${st[0]}; panic?)" >&2
	rc=125
fi
# SAKER_VM_NO_TRACE=1: the caller prints the trace itself (vm-tests.sh).
if { [ "$rc" -eq 124 ] || [ "$rc" -eq 125 ]; } && [ -z "${SAKER_VM_NO_TRACE:-}" ]; then
	trace=$(print_trace "$CONSOLE")
	if [ -n "$trace" ]; then
		echo "vm.sh: kernel trace:" >&2
		printf '%s\n' "$trace" | sed 's/^/    /' >&2
	fi
fi
echo "vm.sh: $VER exit $rc after ${total}s; log $LOG" >&2
exit "$rc"
