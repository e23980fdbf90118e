#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test kernels: which Debian kernels saker is tested on, getting their
# headers and boot images, and building the module against each of them.
#
#   kernels.sh list             ABI names of the test kernels, one per line
#   kernels.sh kdir             headers dir of the first test kernel (for the Makefile)
#   kernels.sh fetch [VER...]   install headers, unpack vmlinuz into .cache/kernels/VER/
#   kernels.sh build-kmod VER   build kmod/ against VER's headers into build/kmod-VER/saker.ko
#   kernels.sh build-testmods VER  build the test-only modules (tests/vm/*/Kbuild) for VER
#   kernels.sh refresh          forget the cached list and resolve it again
#   kernels.sh fetch-chroot SUITE [REGEX]
#                               a kernel of another Debian suite (bullseye, sid...):
#                               a debootstrap chroot in .cache/chroots/SUITE holding
#                               the newest linux-headers-*-amd64 matching REGEX (a
#                               grep -E on the ABI name; default: any but rt/cloud)
#                               and its gcc; the image unpacked into .cache/kernels/VER/
#                               as for the others; prints VER. build-kmod and
#                               build-testmods VER then build inside that chroot.
#
# The host's own apt never sees a foreign suite: chroot kernels are the only
# way to test kernels bookworm does not ship (docs/testing.md, "Kernel matrix").
#
# Versions are resolved from apt at run time (Debian bumps the ABI with every
# security update, so a hardcoded version would stop being downloadable).
# SAKER_KERNELS="v1 v2" overrides the list; SAKER_KMOD_SRC overrides kmod/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache/kernels"
LIST="$CACHE/list"
CHROOTS="$ROOT/.cache/chroots"
MIRROR=${SAKER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SAKER_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

die() { echo "kernels.sh: $*" >&2; exit 1; }
log() { echo "kernels.sh: $*" >&2; }

# apt-get needs root; fall back to sudo so a developer can run this unprivileged.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root (or sudo) for: $*"; fi
}

# apt-cache only knows packages after `apt-get update`; an empty list dir
# means a fresh machine (or a docker-style image with lists removed).
apt_lists_present() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# Lists younger than 6 hours (apt-get update touches the InRelease files).
apt_lists_fresh() {
	[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*InRelease' -mmin -360 2>/dev/null | head -n1)" ]
}

# A package name apt can install right now (has a candidate version).
apt_has_candidate() {
	local c
	c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
	[ -n "$c" ] && [ "$c" != "(none)" ]
}

# Resolve the test kernels from apt: the default 6.1 kernel (what the
# linux-headers-amd64 meta package points at) and the newest 6.12 backport
# that bookworm ships in main.
resolve() {
	local k61 k612
	k61=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\(6\.1\.[^ ]*-amd64\)$/\1/p' | sort -V | tail -n1)
	k612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
		awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -n1)
	[ -n "$k61" ] && echo "$k61"
	[ -n "$k612" ] && echo "$k612"
	return 0
}

# A cached version stays valid while its headers are installed or apt can
# still get them; otherwise the archive moved on to a new ABI.
cache_valid() {
	local v
	[ -s "$LIST" ] || return 1
	while read -r v; do
		[ -d "/usr/src/linux-headers-$v" ] && continue
		apt_has_candidate "linux-headers-$v" || return 1
	done <"$LIST"
}

# The list: env override, else the cache, else resolve (running apt-get
# update once if the lists are missing) and cache the result.
kernels() {
	if [ -n "${SAKER_KERNELS:-}" ]; then
		tr ' ' '\n' <<<"$SAKER_KERNELS" | sed '/^$/d'
		return
	fi
	if ! cache_valid; then
		local got
		# Resolved once per checkout, so make it count: old lists name
		# kernels the archive has already replaced (and no longer serves).
		if ! apt_lists_fresh; then
			log "refreshing apt's package lists"
			as_root apt-get update -qq >&2 || true
		fi
		got=$(resolve)
		[ -n "$got" ] || die "cannot resolve the test kernels from apt"
		mkdir -p "$CACHE"
		printf '%s\n' "$got" >"$LIST.tmp.$$"
		mv -f "$LIST.tmp.$$" "$LIST"
	fi
	cat "$LIST"
}

# Called on every `make`: must be fast and silent, and never touch apt's
# state (no update, no install).
cmd_kdir() {
	local first=""
	if [ -n "${SAKER_KERNELS:-}" ]; then
		first=${SAKER_KERNELS%% *}
	elif [ -s "$LIST" ]; then
		first=$(head -n1 "$LIST")
	elif apt_lists_present; then
		first=$(resolve | head -n1)
	fi
	if [ -n "$first" ] && [ -d "/usr/src/linux-headers-$first" ]; then
		echo "/usr/src/linux-headers-$first"
	fi
	return 0
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Headers installed through apt (they pull linux-kbuild and the matching gcc);
# the image only downloaded and unpacked: installing it would run initramfs
# and bootloader hooks on this machine for a kernel it never boots.
fetch_one() {
	local v=$1 dir="$CACHE/$1" tmp deb pkg round
	if [ -f "$dir/suite" ]; then
		fetch_chroot "$(cat "$dir/suite")" "=$v" >/dev/null
		return
	fi
	if ! pkg_installed "linux-headers-$v"; then
		log "installing linux-headers-$v"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends -o DPkg::Lock::Timeout=600 "linux-headers-$v" >&2
	fi
	if [ -e "$dir/vmlinuz" ] && [ -d "$dir/root/lib/modules/$v" ]; then
		return 0
	fi
	log "downloading the linux-image package for $v"
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/dl.XXXXXX")
	# apt-get download drops privileges to _apt, which may not reach this
	# directory (e.g. under /root); as root, download as root instead.
	local dl=(apt-get download -q)
	[ "$(id -u)" -ne 0 ] || dl+=(-o APT::Sandbox::User=root)
	# Second round after apt-get update: the lists may predate a new upload
	# of the same ABI (the old .deb is then gone from the archive).
	for round in 1 2; do
		for pkg in "linux-image-$v-unsigned" "linux-image-$v"; do
			if (cd "$tmp" && "${dl[@]}" "$pkg" >&2); then
				break 2
			fi
		done
		[ "$round" = 2 ] || as_root apt-get update -qq >&2 || true
	done
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	if [ -z "$deb" ]; then
		rm -rf "$tmp"
		die "cannot download linux-image-$v(-unsigned); if the archive moved to a new ABI: scripts/kernels.sh refresh"
	fi
	rm -rf "$dir/root"
	dpkg-deb -x "$deb" "$dir/root"
	rm -rf "$tmp"
	[ -f "$dir/root/boot/vmlinuz-$v" ] || die "no boot/vmlinuz-$v in $(basename "$deb")"
	ln -sfn "root/boot/vmlinuz-$v" "$dir/vmlinuz"
}

# --- kernels of other Debian suites, built in chroots ------------------------

# The suite's apt sources: the suite itself, plus its security and updates
# suites when it has them (a stable release's kernels are updated there).
chroot_sources() {
	case $1 in
	sid | unstable | experimental) echo "deb $MIRROR $1 main" ;;
	*)
		echo "deb $MIRROR $1 main"
		echo "deb $MIRROR $1-updates main"
		echo "deb $SECURITY_MIRROR $1-security main"
		;;
	esac
}

# in_chroot SUITE CMD...: run CMD in the suite's chroot, with /proc (objtool
# and apt need it) mounted in a private mount namespace that ends with CMD:
# no mount outlives the command, whatever happens to it.
in_chroot() {
	local c="$CHROOTS/$1"
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	as_root env SAKER_CHROOT_BIND="${SAKER_CHROOT_BIND:-}" unshare --mount --propagation private sh -ec '
		c=$1; shift
		mount -t proc proc "$c/proc"
		[ -z "${SAKER_CHROOT_BIND:-}" ] || mount --bind "${SAKER_CHROOT_BIND%%:*}" "$c${SAKER_CHROOT_BIND#*:}"
		exec chroot "$c" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive "$@"' _ "$c" "$@"
}

# make_chroot SUITE: a minbase debootstrap of SUITE with make, made once
# (.cache/chroots/SUITE/.saker-ready marks a finished one).
make_chroot() {
	local s=$1 c="$CHROOTS/$1"
	[ -f "$c/.saker-ready" ] && return 0
	command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
	log "debootstrap $s into $c (minbase; a few minutes)"
	rm -rf "$c.tmp"
	mkdir -p "$CHROOTS"
	as_root debootstrap --variant=minbase "$s" "$c.tmp" "$MIRROR" >&2 ||
		die "debootstrap $s failed (log: $c.tmp/debootstrap/debootstrap.log)"
	rm -rf "$c"
	mv "$c.tmp" "$c"
	chroot_sources "$s" >"$c/etc/apt/sources.list"
	# sid's Release file may be past its Valid-Until between two pushes of
	# the archive; a test chroot does not need that check.
	printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' \
		>"$c/etc/apt/apt.conf.d/99saker"
	in_chroot "$s" apt-get update -q >&2 || die "apt-get update in the $s chroot failed"
	in_chroot "$s" apt-get install -y -q make >&2 || die "cannot install make in the $s chroot"
	touch "$c/.saker-ready"
}

# chroot_resolve SUITE REGEX: the newest kernel ABI the suite's apt has
# headers for, among those matching REGEX (not rt, not cloud); "=VER" is
# VER exactly.
chroot_resolve() {
	in_chroot "$1" apt-cache search --names-only '^linux-headers-[0-9][^ ]*-amd64$' |
		awk '{print $1}' | sed 's/^linux-headers-//' | grep -vE -- '-(rt|cloud)-amd64$' |
		if [ "${2:0:1}" = = ]; then grep -xF -- "${2:1}"; else grep -E -- "$2"; fi | sort -V | tail -n1
}

# fetch_chroot SUITE [REGEX]: see the header; prints the kernel's ABI name.
fetch_chroot() {
	local s=$1 re=${2:-.} c v dir tmp deb pkg img
	[[ $s =~ ^[a-z]+$ ]] || die "bad suite name '$s'"
	c="$CHROOTS/$s"
	make_chroot "$s"
	# The ABI moves with every upload: refresh the lists once in 6 hours.
	if [ -z "$(find "$c/var/lib/apt/lists" -maxdepth 1 -name '*Release' -mmin -360 2>/dev/null | head -n1)" ]; then
		in_chroot "$s" apt-get update -q >&2 || log "apt-get update in the $s chroot failed; using old lists"
	fi
	v=$(chroot_resolve "$s" "$re")
	[ -n "$v" ] || die "the $s chroot's apt has no linux-headers-*-amd64 matching '$re'"
	if [ ! -d "$c/usr/src/linux-headers-$v" ]; then
		log "installing linux-headers-$v in the $s chroot"
		in_chroot "$s" apt-get install -y -q "linux-headers-$v" >&2 ||
			die "cannot install linux-headers-$v in the $s chroot"
	fi
	dir="$CACHE/$v"
	mkdir -p "$dir"
	echo "$s" >"$dir/suite"
	if [ ! -e "$dir/vmlinuz" ]; then
		# 7.x splits the image: linux-image-VER is a meta package and
		# linux-binary-VER holds usr/lib/modules/VER/vmlinuz (the modules,
		# not needed here, are in a third package).
		log "downloading the kernel image package for $v ($s)"
		tmp=$(mktemp -d "$dir/root.XXXXXX")
		img=""
		for pkg in "linux-image-$v-unsigned" "linux-binary-$v" "linux-image-$v"; do
			rm -rf "$c/tmp/saker-image"
			mkdir -p "$c/tmp/saker-image"
			in_chroot "$s" sh -c "cd /tmp/saker-image && apt-get download -q -o APT::Sandbox::User=root $pkg" >&2 ||
				continue
			deb=$(find "$c/tmp/saker-image" -maxdepth 1 -name '*.deb' | head -n1)
			[ -n "$deb" ] || continue
			dpkg-deb -x "$deb" "$tmp"
			for img in "boot/vmlinuz-$v" "usr/lib/modules/$v/vmlinuz"; do
				[ -f "$tmp/$img" ] && break 2
			done
			img=""
		done
		rm -rf "$c/tmp/saker-image"
		[ -n "$img" ] || { rm -rf "$tmp"; die "no vmlinuz in linux-image-$v(-unsigned) or linux-binary-$v ($s)"; }
		rm -rf "$dir/root"
		mv "$tmp" "$dir/root"
		ln -sfn "root/$img" "$dir/vmlinuz"
	fi
	echo "$v"
}

cmd_fetch() {
	local v vers
	if [ $# -gt 0 ]; then vers=("$@"); else mapfile -t vers < <(kernels); fi
	for v in "${vers[@]}"; do fetch_one "$v"; done
}

# Build in a per-kernel copy so two kernels' objects never mix and the
# source stays clean. The copy is rebuilt from scratch when any source
# changed (checksummed), which also drops files deleted from the source.
# build_tree VER SRC OUT: kbuild SRC against VER's headers in OUT.
# A kernel fetched with fetch-chroot is built in its suite's chroot, OUT
# bind-mounted at /saker-build there.
build_tree() {
	local v=$1 src=$2 out=$3 kdir="/usr/src/linux-headers-$1" sum suite=""
	[ -d "$src" ] || die "no module sources in $src"
	if [ -f "$CACHE/$v/suite" ]; then
		suite=$(cat "$CACHE/$v/suite")
		[ -d "$CHROOTS/$suite$kdir" ] ||
			die "no headers for $v in the $suite chroot (run: scripts/kernels.sh fetch-chroot $suite)"
	else
		[ -d "$kdir" ] || die "no headers for $v in $kdir (run: scripts/kernels.sh fetch $v)"
	fi
	sum=$( (cd "$src" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod*' \
		! -name '.*.cmd' ! -name 'modules.order' ! -name 'Module.symvers' \
		! -name '*.o.d' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum)
	# One build per output at a time: parallel vm.sh runs share build/.
	mkdir -p "$(dirname "$out")"
	exec 9>"$(dirname "$out")/.$(basename "$out").lock"
	flock 9
	if [ -f "$out/.srcsum" ] && [ "$(cat "$out/.srcsum")" = "$sum" ]; then
		exec 9>&-
		return 0
	fi
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$src" && tar --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='modules.order' --exclude='Module.symvers' -cf - .) |
		tar -C "$out" -xf -
	if [ -n "$suite" ]; then
		log "building $(basename "$src") for $v in the $suite chroot"
		mkdir -p "$CHROOTS/$suite/saker-build"
		SAKER_CHROOT_BIND="$out:/saker-build" in_chroot "$suite" \
			make -C "$kdir" M=/saker-build -j"$(nproc)" modules >&2 ||
			die "build of $src for $v failed"
	else
		log "building $(basename "$src") for $v"
		make -C "$kdir" M="$out" -j"$(nproc)" modules >&2
	fi
	compgen -G "$out/*.ko" >/dev/null || die "build of $src for $v produced no .ko"
	echo "$sum" >"$out/.srcsum"
	exec 9>&-
}

cmd_build_kmod() {
	local v=${1:?usage: kernels.sh build-kmod VER}
	build_tree "$v" "${SAKER_KMOD_SRC:-$ROOT/kmod}" "$ROOT/build/kmod-$v"
	[ -f "$ROOT/build/kmod-$v/saker.ko" ] || die "build for $v produced no saker.ko"
}

# The test-only modules (every tests/vm/DIR/ with a Kbuild: faultmod, emu)
# into build/testmods-VER/DIR/; the initramfs carries them in /saker/testmods/.
cmd_build_testmods() {
	local v=${1:?usage: kernels.sh build-testmods VER} d
	for d in "$ROOT"/tests/vm/*/Kbuild; do
		[ -f "$d" ] || continue
		d=$(dirname "$d")
		build_tree "$v" "$d" "$ROOT/build/testmods-$v/$(basename "$d")"
	done
}

case "${1:-}" in
	list) kernels ;;
	kdir) cmd_kdir ;;
	fetch) shift; cmd_fetch "$@" ;;
	build-kmod) shift; cmd_build_kmod "$@" ;;
	build-testmods) shift; cmd_build_testmods "$@" ;;
	refresh) rm -f "$LIST"; kernels ;;
	fetch-chroot) shift; [ $# -ge 1 ] || die "usage: kernels.sh fetch-chroot SUITE [REGEX]"; fetch_chroot "$@" ;;
	*) echo "usage: $0 list|kdir|fetch [VER...]|build-kmod VER|build-testmods VER|refresh|fetch-chroot SUITE [REGEX]" >&2; exit 2 ;;
esac
