#!/usr/bin/env bash
# vm.sh run VER 'COMMAND' [--timeout SEC] [--mem MB]
#
# Boots Debian kernel VER in qemu (TCG: this host has no KVM and its own
# kernel cannot load modules) with the saker initramfs, runs COMMAND with
# busybox sh as root inside, streams the serial console to stdout and to
# build/vm-VER.log, and exits with COMMAND's exit status.
#   124  timed out (default 600 s)
#   125  the VM ended without reporting a status (panic, init died, ...)
#   126  could not set up the VM (kernel fetch, module build, initramfs)
# SAKER_VM_APPEND adds kernel parameters (e.g. "loglevel=7"); SAKER_VM_LOG
# sets the log file.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"

usage() { echo "usage: $0 run VER 'COMMAND' [--timeout SEC] [--mem MB]" >&2; exit 2; }
setup_fail() { echo "vm.sh: $*" >&2; exit 126; }

[ "${1:-}" = run ] || usage
shift
TIMEOUT=600 MEM=1024 pos=()
while [ $# -gt 0 ]; do
	case "$1" in
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--mem) MEM=${2:?}; shift 2 ;;
		*) pos+=("$1"); shift ;;
	esac
done
[ ${#pos[@]} -eq 2 ] || usage
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
# panic=-1 + -no-reboot: a kernel panic ends qemu at once instead of hanging
# until the timeout. -nic none: no network device, saves the NIC ROM.
# stdin from /dev/null keeps qemu from putting a terminal into raw mode.
qemu=(qemu-system-x86_64 -accel tcg -smp 2 -m "$MEM" -nographic -no-reboot -nic none
	-kernel "$KERNEL" -initrd "$WORK/initrd"
	-append "console=ttyS0 panic=-1 quiet ${SAKER_VM_APPEND:-}")

start=$EPOCHREALTIME
boot_wall="" boot_guest=""
echo "vm.sh: booting $VER (timeout ${TIMEOUT}s)" >&2
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
	done
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
echo "vm.sh: $VER exit $rc after ${total}s; log $LOG" >&2
exit "$rc"
