#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check-deb-vm`: does sakerd.service, sandbox and all, really run
# sakerd? The VM tests boot busybox, not systemd, so this boots Debian's own
# kernel under systemd from a bookworm root with both packages installed
# (DKMS builds the module there) and checks, in the VM:
#   - the module was loaded by /etc/modules-load.d/saker.conf;
#   - sakerd.service is active, and the open filter it sets over generic
#     netlink is in the module (CAP_SYS_ADMIN, CAP_NET_ADMIN, AF_NETLINK);
#   - reading /etc/shadow raises the alert on stdout (the journal) and
#     through /dev/log (syslog_output, inside PrivateDevices);
#   - with the drop-in docs/daemon.md gives for a remote collector (here
#     127.0.0.1, UDP), the remote syslog output sends (SIGUSR2 statistics:
#     sent > 0, no errors), through RestrictAddressFamilies/IPAddressDeny;
#   - systemd-analyze security scores the unit as shipped 2.5 or better
#     (the drop-in's AF_INET costs 0.3: printed, not checked).
# The root is made from scripts/deb-test.sh's cached base (run make
# check-deb first, or this makes it) and packed with mkfs.ext4 -d; qemu
# boots it under single-threaded TCG. 3 to 9 minutes here; not in make check.
# Prints PASS/FAIL lines; exit 1 on a failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W="$ROOT/build/deb-vm"
C="$W/root"
BASE="$ROOT/build/deb-test/bookworm-minbase.tar"
ARCHIVES="$ROOT/build/deb-test/archives"
T0=$(date +%s)
log() { echo "deb-vm-test.sh: [$(($(date +%s) - T0)) s] $*" >&2; }
die() { log "$*"; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP deb-vm (needs root)"
	exit 0
fi
compgen -G "$ROOT/build/deb/saker_*.deb" >/dev/null || die "no packages in build/deb: make deb"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (scripts/deps.sh)"
K=${SAKER_DEB_VM_KERNEL:-$("$ROOT/scripts/kernels.sh" list | head -n1)}
if [ ! -f "$BASE" ]; then
	# deb-test.sh makes the base on its way; a failing run there still has.
	"$ROOT/scripts/deb-test.sh" >/dev/null 2>&1 || true
	[ -f "$BASE" ] || die "no $BASE (scripts/deb-test.sh could not make it)"
fi

# As in deb-test.sh: /proc and apt's cache mounted for CMD only.
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private sh -ec '
		c=$1; a=$2; shift 2
		mount -t proc proc "$c/proc"
		mount --bind "$a" "$c/var/cache/apt/archives"
		exec chroot "$c" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' _ "$C" "$ARCHIVES" "$@"
}

log "root in $C: systemd, linux-image-$K and its headers, then the packages"
rm -rf "$C"
mkdir -p "$C" "$ARCHIVES"
tar -C "$C" -xf "$BASE"
# The root boots: its services may start (the base forbids it in chroots).
rm -f "$C/usr/sbin/policy-rc.d"
in_root apt-get update -q >"$W.log" 2>&1 || die "apt-get update failed ($W.log)"
in_root apt-get install -y -q systemd systemd-sysv udev kmod dkms "linux-image-$K" \
	"linux-headers-$K" >>"$W.log" 2>&1 || die "cannot install systemd and $K ($W.log)"
mkdir -p "$C/debs"
cp "$ROOT"/build/deb/saker_*.deb "$ROOT"/build/deb/saker-dkms_*.deb "$C/debs/"
in_root sh -c 'apt-get install -y -q /debs/*.deb' >>"$W.log" 2>&1 || die "apt-get install of the packages failed ($W.log)"
rm -rf "$C/debs"

# The VM's side: an fstab, the local syslog output on, and a oneshot unit
# after sakerd that writes its findings to /root/report and powers off.
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$C/etc/fstab"
echo saker-vm >"$C/etc/hostname"
sed -i '/^syslog_output:/,/enabled:/s/enabled: false/enabled: true/' "$C/etc/saker/saker.yaml"
grep -A1 '^syslog_output:' "$C/etc/saker/saker.yaml" | grep -q 'enabled: true' ||
	die "cannot turn syslog_output on in /etc/saker/saker.yaml"
sed -i -e '/^remote_syslog_output:/,/enabled:/s/enabled: false/enabled: true/' \
	-e 's/^  # host: logs.example.org$/  host: 127.0.0.1/' "$C/etc/saker/saker.yaml"
grep -A2 '^remote_syslog_output:' "$C/etc/saker/saker.yaml" | grep -q 'host: 127.0.0.1' ||
	die "cannot point remote_syslog_output at 127.0.0.1 in /etc/saker/saker.yaml"
# The drop-in docs/daemon.md and the unit's comment tell an admin to write.
mkdir -p "$C/etc/systemd/system/sakerd.service.d"
printf '[Service]\nRestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6\nIPAddressAllow=127.0.0.1\n' \
	>"$C/etc/systemd/system/sakerd.service.d/remote.conf"
cat >"$C/usr/local/sbin/saker-report" <<'EOF'
#!/bin/sh
exec >/root/report 2>&1
sleep 5
echo "module $(grep -c '^saker ' /proc/modules)"
echo "active $(systemctl is-active sakerd.service)"
cat /etc/shadow >/dev/null
sleep 3
systemctl kill --kill-who=main --signal=USR2 sakerd.service
sleep 2
journalctl -b -u sakerd.service --no-pager | sed 's/^/journal /'
journalctl -b -t saker --no-pager | sed 's/^/syslog /'
sakerctl config get | sed 's/^/config /'
# The unit as shipped (a copy under another name: no drop-in applies),
# and as running here, with the remote drop-in's address families.
mkdir -p /tmp/shipped
cp /lib/systemd/system/sakerd.service /tmp/shipped/sakerd-shipped.service
systemd-analyze security --offline=true /tmp/shipped/sakerd-shipped.service | tail -n 1 | sed 's/^/security /'
systemd-analyze security sakerd.service | tail -n 1 | sed 's/^/running /'
echo end
sync
systemctl poweroff
EOF
chmod 0755 "$C/usr/local/sbin/saker-report"
cat >"$C/etc/systemd/system/saker-report.service" <<'EOF'
[Unit]
Description=saker VM test: report and power off
After=sakerd.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/saker-report
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/saker-report.service \
	"$C/etc/systemd/system/multi-user.target.wants/saker-report.service"

log "mkfs.ext4 -d and boot $K under systemd (console: $W.console)"
rm -f "$W.img"
mkfs.ext4 -q -F -L root -d "$C" "$W.img" 3G
timeout 900 qemu-system-x86_64 -accel tcg,thread=single -smp 1 -m 1536 -nographic -no-reboot \
	-nic none -kernel "$C/boot/vmlinuz-$K" -initrd "$C/boot/initrd.img-$K" \
	-drive "file=$W.img,if=virtio,format=raw" \
	-append "root=/dev/vda rw console=ttyS0 panic=-1" >"$W.console" 2>&1 ||
	log "qemu exited with $? (console: $W.console)"
report=$(debugfs -R 'cat /root/report' "$W.img" 2>/dev/null || true)
printf '%s\n' "$report" >"$W.report"
grep -q '^end$' <<<"$report" || die "no report from the VM (console: $W.console)"

failed=0
check() {
	if grep -qE "$2" <<<"$report"; then
		echo "PASS deb-vm-$1"
	else
		echo "FAIL deb-vm-$1 (no line matching '$2' in $W.report)"
		failed=1
	fi
}
check module-loaded '^module 1$'
check sakerd-active '^active active$'
check open-filter '^config open_filter=[0-9]+ entries'
check alert-journal '^journal .*sakerd\[[0-9]+\]: .*Sensitive file opened for reading \(file=/etc/shadow'
check alert-syslog '^syslog .*saker\[[0-9]+\]: .*Sensitive file opened for reading \(file=/etc/shadow'
# The remote output's statistics line (SIGUSR2, JSON on stderr).
remote=$(grep -o '{[^{}]*"remote_syslog"[^{}]*}' <<<"$report" | tail -n1)
if grep -qE '"sent": *[1-9]' <<<"$remote" && grep -qE '"dropped_error": *0' <<<"$remote"; then
	echo "PASS deb-vm-remote-dropin ($remote)"
else
	echo "FAIL deb-vm-remote-dropin (remote output statistics: '${remote:-none}')"
	failed=1
fi
score=$(sed -n 's/^security .*sakerd-shipped.service: \([0-9.]*\).*/\1/p' <<<"$report")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }'; then
	echo "PASS deb-vm-security ($score)"
else
	echo "FAIL deb-vm-security (exposure '${score:-none}', want 2.5 or less)"
	failed=1
fi
grep -E '^(journal|config|security|running) ' <<<"$report" | grep -v ' ok \(path\|below\) ' | sed 's/^/    /'
[ "$failed" -ne 0 ] || rm -rf "$C" "$W.img"
log "done"
exit "$failed"
