#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make deb`: the Debian packages saker and saker-dkms, in build/deb/.
# dpkg-buildpackage writes its results into the parent of the source tree,
# so the tree is copied to build/deb/src/saker-VERSION (sources only: no
# .git, no build outputs) and built there; then lintian checks the result
# and any error or warning fails the build (overrides, each with its
# reason, are in debian/*.lintian-overrides).
#   SAKER_DEB_NO_LINTIAN=1  skip lintian (faster rebuilds while editing)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/build/deb"
log() { echo "deb-build.sh: $*" >&2; }
die() { log "$*"; exit 1; }

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")
[ -n "$version" ] || die "no PACKAGE_VERSION in dkms.conf"
src="$OUT/src/saker-$version"

# Build dependencies (debian/control) and lintian, installed from the
# archive when missing, as scripts/deps.sh does for the rest.
need=(debhelper dh-dkms dpkg-dev libjansson-dev libmnl-dev libyaml-dev pkg-config)
[ "${SAKER_DEB_NO_LINTIAN:-}" = 1 ] || need+=(lintian)
missing=()
for p in "${need[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: apt-get install ${missing[*]}"
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 \
		install -y --no-install-recommends "${missing[@]}" >&2
fi

rm -rf "$OUT"
mkdir -p "$src"
tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./.cache \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude=modules.order --exclude=Module.symvers -cf - . |
	tar -C "$src" -xf -

log "dpkg-buildpackage in $src (log: $OUT/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -uc -us) >"$OUT/build.log" 2>&1; then
	tail -n 40 "$OUT/build.log" >&2
	die "dpkg-buildpackage failed (log: $OUT/build.log)"
fi
mv "$OUT"/src/*.deb "$OUT"/src/*.changes "$OUT"/src/*.buildinfo "$OUT"/
rm -rf "$OUT/src"

if [ "${SAKER_DEB_NO_LINTIAN:-}" != 1 ]; then
	log "lintian"
	# Tags of level info and below are advice; error and warning fail.
	if ! lintian --fail-on error,warning --display-info \
		"$OUT"/saker_*.changes >"$OUT/lintian.log" 2>&1 </dev/null; then
		cat "$OUT/lintian.log" >&2
		die "lintian found errors or warnings (log: $OUT/lintian.log)"
	fi
	cat "$OUT/lintian.log" >&2
fi
ls -1 "$OUT"/*.deb
