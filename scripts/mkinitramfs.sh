#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh VER OUT.cpio.gz: the test VM's whole root filesystem, per
# the in-VM contract in docs/conventions.md. Everything runs from this
# initramfs (no disk), so it carries busybox, jq, our binaries with their
# shared libraries, the module built for VER, the VM tests and the rules.
#
# The command to run is NOT in here: scripts/vm.sh appends a second small
# cpio holding /saker/cmd (the kernel unpacks concatenated archives in
# order), so no quoting passes through the kernel command line and this
# archive can be reused for any command.
#
# SAKER_INITRAMFS_EXTRA=DIR: a tree copied over the root as it is, each ELF
# in it with its shared libraries (make bench-compare adds sysdig, auditd
# and scap.ko this way; the tests never set it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VER=${1:?usage: mkinitramfs.sh VER OUT.cpio.gz}
OUT=${2:?usage: mkinitramfs.sh VER OUT.cpio.gz}
BUILD="$ROOT/build"

die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || die "busybox not found (apt-get install busybox-static)"
# A dynamic busybox would work too but only busybox-static is guaranteed to
# have every applet the tests use (timeout, setsid, unshare, nsenter...).
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is dynamic; install busybox-static"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/saker-initramfs.XXXXXX")
TMPOUT=""
trap 'rm -rf "$STAGE" "$TMPOUT"' EXIT

mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,home/alice} \
	"$STAGE"/saker/{bin,tests,rules} "$STAGE/lib/modules/$VER"
chmod 1777 "$STAGE/tmp"
# The kernel opens /dev/console for init before anything is mounted; mknod
# needs root, so init also reopens it after mounting devtmpfs.
[ "$(id -u)" -ne 0 ] || mknod -m 600 "$STAGE/dev/console" c 5 1
chmod 700 "$STAGE/root"

# Applet symlinks made here rather than by `busybox --install` at boot: the
# init script itself needs /bin/sh before it could run anything.
cp "$BUSYBOX" "$STAGE/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
	[ -e "$STAGE/$applet" ] || ln -s /bin/busybox "$STAGE/$applet"
done

# Copy an ELF with every shared library ldd resolves (the loader included),
# at the same absolute paths so the binary's PT_INTERP and RUNPATHs work.
copy_libs() {
	local lib
	{ ldd "$1" 2>/dev/null || true; } | awk '
		/=>/ && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' | while read -r lib; do
		if [ ! -e "$STAGE$lib" ]; then
			mkdir -p "$STAGE$(dirname "$lib")"
			cp -L "$lib" "$STAGE$lib"
		fi
	done
}

is_elf() { [ -f "$1" ] && [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

cp /usr/bin/jq "$STAGE/usr/bin/jq" 2>/dev/null || die "jq not found (apt-get install jq)"
copy_libs /usr/bin/jq

# Our programs: every executable ELF at the top of build/ (sakerctl, sakerd
# when built) and every static test helper.
shopt -s nullglob
for f in "$BUILD"/* "$BUILD"/vm-helpers/*; do
	if [ -x "$f" ] && is_elf "$f"; then
		cp "$f" "$STAGE/saker/bin/"
		copy_libs "$f"
	fi
done

if [ -f "$BUILD/kmod-$VER/saker.ko" ]; then
	cp "$BUILD/kmod-$VER/saker.ko" "$STAGE/saker/saker.ko"
else
	echo "mkinitramfs.sh: note: no $BUILD/kmod-$VER/saker.ko, the VM will have no module" >&2
fi
# Test-only modules (faultmod, emubare: scripts/kernels.sh build-testmods).
for f in "$BUILD/testmods-$VER"/*/*.ko; do
	mkdir -p "$STAGE/saker/testmods"
	cp "$f" "$STAGE/saker/testmods/"
done
echo "$VER" >"$STAGE/saker/kver"
# busybox modinfo/modprobe refuse to work without a modules.dep, even for a
# module given by path.
touch "$STAGE/lib/modules/$VER/modules.dep"
[ -d "$ROOT/tests/vm" ] && cp -R "$ROOT/tests/vm/." "$STAGE/saker/tests/"
[ -d "$ROOT/rules" ] && cp -R "$ROOT/rules/." "$STAGE/saker/rules/"
shopt -u nullglob

if [ -n "${SAKER_INITRAMFS_EXTRA:-}" ]; then
	[ -d "$SAKER_INITRAMFS_EXTRA" ] || die "SAKER_INITRAMFS_EXTRA=$SAKER_INITRAMFS_EXTRA is not a directory"
	cp -R "$SAKER_INITRAMFS_EXTRA/." "$STAGE/"
	while IFS= read -r -d '' f; do
		is_elf "$f" && copy_libs "$f"
	done < <(find "$SAKER_INITRAMFS_EXTRA" -type f -print0)
fi

# Users the tests switch to: an unprivileged login user and nobody.
cat >"$STAGE/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
alice:x:1000:1000:alice:/home/alice:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$STAGE/etc/group" <<'EOF'
root:x:0:
tty:x:5:
alice:x:1000:
nogroup:x:65534:
EOF
# Empty passwords are never used (no login), but su/login want the file.
printf 'root:*:0::::::\nalice:*:0::::::\nnobody:*:0::::::\n' >"$STAGE/etc/shadow"
chmod 600 "$STAGE/etc/shadow"
chown 1000:1000 "$STAGE/home/alice" 2>/dev/null || true
echo saker-vm >"$STAGE/etc/hostname"
printf '127.0.0.1 localhost saker-vm\n::1 localhost\n' >"$STAGE/etc/hosts"

cat >"$STAGE/init" <<'EOF'
#!/bin/sh
# PID 1 of the test VM: set up the system, run /saker/cmd, report its exit
# status on the console and power off. Never exits (that would panic).
export PATH=/saker/bin:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
# ptmxmode=666 so unprivileged users (alice) can open pseudo-terminals.
mount -t devpts -o ptmxmode=666,mode=620,gid=5 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
# udev makes these on a real system; glibc's fexecve falls back to
# /dev/fd/N when the kernel's execveat cannot run the fd (5.10, memexec).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for n in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${n#*:}" ] || ln -s "/proc/self/fd/${n%%:*}" "/dev/${n#*:}"
done
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
hostname saker-vm
ip link set lo up 2>/dev/null
# Any kernel fault ends the VM at once (docs/testing.md): the command line
# (scripts/vm.sh) sets the first four, the hung-task and RCU-stall ones are
# sysctls only. A kernel that ignores one would turn faults into timeouts or
# silent passes, so refuse to run the command then.
faults_ok=1
for kv in hung_task_panic=1 panic_on_rcu_stall=1; do
	echo "${kv#*=}" >"/proc/sys/kernel/${kv%%=*}" 2>/dev/null
done
for kv in panic_on_warn=1 panic_on_oops=1 softlockup_panic=1 panic=-1 hung_task_panic=1 panic_on_rcu_stall=1; do
	got=$(cat "/proc/sys/kernel/${kv%%=*}" 2>/dev/null)
	if [ "$got" != "${kv#*=}" ]; then
		echo "SAKER-BOOT-FAIL: kernel.${kv%%=*} is '${got:-missing}', want ${kv#*=}: faults would not end the VM"
		faults_ok=0
	fi
done
# WARNING lines are KERN_WARNING, hidden by "quiet": show them from here on
# so that a WARN's first line reaches the console before panic_on_warn.
echo 5 >/proc/sys/kernel/printk
echo "SAKER-BOOT kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
cd /
rc=0
if [ "$faults_ok" != 1 ]; then
	rc=125
elif [ -f /saker/cmd ]; then
	sh /saker/cmd </dev/null || rc=$?
else
	echo "init: no /saker/cmd" >&2
	rc=125
fi
sync
echo "SAKER-EXIT $rc"
poweroff -f
# poweroff should not return; if it does, a panic with panic=-1 and qemu's
# -no-reboot still ends the VM.
sleep 5
exit "$rc"
EOF
chmod 755 "$STAGE/init"

mkdir -p "$(dirname "$OUT")"
# Written beside OUT and renamed: a concurrent vm.sh may be reading OUT.
TMPOUT=$(mktemp "$(dirname "$OUT")/.initramfs.XXXXXX")
# The kernel unpacks owners as stored: as root the staged owners are right
# (alice owns her home); unprivileged, force root so the system files are.
owner=()
[ "$(id -u)" -eq 0 ] || owner=(-R 0:0)
(cd "$STAGE" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc "${owner[@]}" --quiet) | gzip -1 >"$TMPOUT"
chmod 644 "$TMPOUT"
mv -f "$TMPOUT" "$OUT"
