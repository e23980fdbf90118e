#!/usr/bin/env bash
# The test kernels: which Debian kernels saker is tested on, getting their
# headers and boot images, and building the module against each of them.
#
#   kernels.sh list             ABI names of the test kernels, one per line
#   kernels.sh kdir             headers dir of the first test kernel (for the Makefile)
#   kernels.sh fetch [VER...]   install headers, unpack vmlinuz into .cache/kernels/VER/
#   kernels.sh build-kmod VER   build kmod/ against VER's headers into build/kmod-VER/saker.ko
#   kernels.sh build-testmods VER  build the test-only modules (tests/vm/*/Kbuild) for VER
#   kernels.sh refresh          forget the cached list and resolve it again
#
# Versions are resolved from apt at run time (Debian bumps the ABI with every
# security update, so a hardcoded version would stop being downloadable).
# SAKER_KERNELS="v1 v2" overrides the list; SAKER_KMOD_SRC overrides kmod/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache/kernels"
LIST="$CACHE/list"

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

cmd_fetch() {
	local v vers
	if [ $# -gt 0 ]; then vers=("$@"); else mapfile -t vers < <(kernels); fi
	for v in "${vers[@]}"; do fetch_one "$v"; done
}

# Build in a per-kernel copy so two kernels' objects never mix and the
# source stays clean. The copy is rebuilt from scratch when any source
# changed (checksummed), which also drops files deleted from the source.
# build_tree VER SRC OUT: kbuild SRC against VER's headers in OUT.
build_tree() {
	local v=$1 src=$2 out=$3 kdir="/usr/src/linux-headers-$1" sum
	[ -d "$src" ] || die "no module sources in $src"
	[ -d "$kdir" ] || die "no headers for $v in $kdir (run: scripts/kernels.sh fetch $v)"
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
	log "building $(basename "$src") for $v"
	make -C "$kdir" M="$out" -j"$(nproc)" modules >&2
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
	*) echo "usage: $0 list|kdir|fetch [VER...]|build-kmod VER|build-testmods VER|refresh" >&2; exit 2 ;;
esac
