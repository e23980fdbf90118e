#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs everything saker's build and tests need on Debian 12, from
# Debian's own archive. Safe to rerun: when every package is already
# installed it only asks dpkg and returns (no apt-get update, no network).
set -euo pipefail

# --first-kernel: only the first test kernel's headers (what `make demo`
# needs). The 6.12 headers package depends on its linux-image package, so
# installing them adds a boot kernel to this machine: fine on CI, not
# something a demo should do to a workstation.
ONLY_FIRST=0
case "${1:-}" in
	"") ;;
	--first-kernel) ONLY_FIRST=1 ;;
	*) echo "usage: $0 [--first-kernel]" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive

BASE=(
	build-essential gcc make clang pkg-config       # userspace, module
	clang-tools cppcheck                            # make analyze
	libjansson-dev libmnl-dev libyaml-dev check     # userspace libraries, unit tests
	libcurl4-openssl-dev zlib1g-dev libssl-dev      # http_output, syslog over TLS
	openssl curl                                    # test certificates, Falco's curl recipe (unit tests)
	qemu-system-x86 busybox-static jq cpio          # VM tests
	dkms kmod                                       # DKMS packaging test, modinfo
	debhelper dh-dkms lintian debootstrap           # make deb and its test in a chroot
	gzip xz-utils ca-certificates                   # initramfs, kernel packages
)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: run as root (or install sudo)" >&2; exit 1; }
	SUDO=(sudo)
fi

# Wait for a concurrent apt/dpkg instead of failing on its lock.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)

missing() {
	local p
	for p in "$@"; do
		[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || echo "$p"
	done
}

updated=0
apt_update() {
	[ "$updated" -eq 1 ] && return 0
	"${APT[@]}" update
	updated=1
}

# A fresh machine may have no package lists at all; the kernel list below is
# resolved from them.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
	apt_update
fi

# Headers of every test kernel (scripts/kernels.sh resolves the versions).
# wanted KERNEL-LIST: the base packages plus each kernel's headers.
wanted() {
	printf '%s\n' "${BASE[@]}"
	sed -n 's/^./linux-headers-&/p' <<<"$1"
	[ "$ONLY_FIRST" -eq 1 ] || rt_headers "$1"
}
# The PREEMPT_RT flavour of the first test kernel, where Debian has one:
# the DKMS test shows the module is refused there cleanly (headers only).
rt_headers() {
	local v c
	v=$(head -n1 <<<"$1")
	[ -n "$v" ] || return 0
	v="linux-headers-${v%-amd64}-rt-amd64"
	c=$(apt-cache policy "$v" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
	if [ -n "$c" ] && [ "$c" != "(none)" ]; then echo "$v"; fi
}
# kernels: the test kernels, or only the first with --first-kernel.
kernels() {
	if [ "$ONLY_FIRST" -eq 1 ]; then head -n1; else cat; fi
}
klist=$("$ROOT/scripts/kernels.sh" list | kernels)
mapfile -t PKGS < <(wanted "$klist")

mapfile -t todo < <(missing "${PKGS[@]}")
if [ ${#todo[@]} -eq 0 ]; then
	echo "deps.sh: all ${#PKGS[@]} packages present"
	exit 0
fi
echo "deps.sh: installing ${todo[*]}"
apt_update
for p in "${todo[@]}"; do
	case $p in
	linux-headers-*)
		if apt-cache depends "$p" 2>/dev/null | grep -q 'Depends: linux-image-'; then
			echo "deps.sh: note: Debian's $p depends on its linux-image package:" \
				"this machine gets that kernel installed (a new boot entry)" >&2
		fi ;;
	esac
done
# A stale list (the archive moved to a new kernel ABI) makes the install
# fail: refresh the lists and the kernel list, then try once more.
if ! "${APT[@]}" install -y --no-install-recommends "${todo[@]}"; then
	echo "deps.sh: install failed; refreshing the kernel list and retrying" >&2
	klist=$("$ROOT/scripts/kernels.sh" refresh | kernels)
	mapfile -t PKGS < <(wanted "$klist")
	mapfile -t todo < <(missing "${PKGS[@]}")
	"${APT[@]}" install -y --no-install-recommends "${todo[@]}"
fi
