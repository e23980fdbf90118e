#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check-deb`: the packages of `make deb` on a clean Debian 12. In a
# fresh bookworm chroot (debootstrap minbase, cached as a tarball under
# build/deb-test/ so a rerun starts in seconds):
#   1. install dkms and the first test kernel's headers, and remember every
#      file of the chroot;
#   2. apt-get install both .debs: saker-dkms's postinst must build and
#      install the module for those headers (vermagic checked), and
#      `sakerd -n` must accept the shipped configuration and rules;
#   3. install the other test kernels' headers: DKMS's kernel hook must
#      build the module for each of them too;
#   4. apt-get purge both packages: nothing of them may be left: no module
#      in the DKMS tree or under /lib/modules, no /usr/src/saker-*, no file
#      dpkg -L listed, no conffile, no /etc/saker, no /var/log/saker, no
#      unit symlink; the chroot's file list must equal the one of step 1
#      (for step 3's kernels: their headers' files only).
# Prints "PASS deb-STEP" or "FAIL deb-STEP (why)" and exits 1 on a failure.
#   --build         make deb first (scripts/deb-build.sh, lintian included)
#   --first-kernel  the first test kernel only (make check: about 2 minutes
#                   instead of 7 to 14; make check-deb tests them all)
#   SAKER_DEB_KERNELS="V1 V2"  the kernels (default: scripts/kernels.sh list)
#   SAKER_DEBIAN_MIRROR        the archive (default: this host's apt sources)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W="$ROOT/build/deb-test"
BASE="$W/bookworm-minbase.tar"
C="$W/root"
ARCHIVES="$W/archives"   # apt's package cache, kept between runs
LOG="$W/test.log"
SUITE=bookworm

T0=$(date +%s)
log() { echo "deb-test.sh: [$(($(date +%s) - T0)) s] $*" >&2; }
die() { log "$*"; exit 1; }

BUILD=0 FIRST_ONLY=0
for a in "$@"; do
	case $a in
	--build) BUILD=1 ;;
	--first-kernel) FIRST_ONLY=1 ;;
	*) die "usage: $0 [--build] [--first-kernel]" ;;
	esac
done
if [ "$(id -u)" -ne 0 ]; then
	# debootstrap, chroot and mount need root, as the DKMS test does.
	echo "SKIP deb (needs root)"
	exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap not found: apt-get install debootstrap"
mkdir -p "$W"
if [ "$BUILD" -eq 1 ]; then
	if "$ROOT/scripts/deb-build.sh" >"$W/build.log" 2>&1; then
		echo "PASS deb-build (lintian: $(grep -c '^[EW]:' "$ROOT/build/deb/lintian.log" || true) errors and warnings)"
	else
		sed 's/^/    /' "$W/build.log" | tail -n 30
		echo "FAIL deb-build (scripts/deb-build.sh: $W/build.log)"
		exit 1
	fi
fi
compgen -G "$ROOT/build/deb/saker_*.deb" >/dev/null || die "no packages in build/deb: make deb"
compgen -G "$ROOT/build/deb/saker-dkms_*.deb" >/dev/null || die "no saker-dkms in build/deb: make deb"

# apt_uri SUITE: the first archive URI this host's apt sources use for
# SUITE (one-line .list files and deb822 .sources files), so the chroot
# reaches the archive the way this machine does.
apt_uri() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [opts] URI SUITE COMPONENTS...
		awk -v s="$1" '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == s) print $i
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$1" 'BEGIN { RS = "" } {
			n = split($0, l, "\n"); u = ""; ok = 0; deb = 0; on = 1
			for (j = 1; j <= n; j++) {
				if (l[j] ~ /^Types:.*(^|[ \t])deb([ \t]|$)/) deb = 1
				if (l[j] ~ /^Enabled:[ \t]*no/) on = 0
				if (l[j] ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", l[j]); split(l[j], a, " "); u = a[1] }
				if (l[j] ~ /^Suites:/) {
					sub(/^Suites:[ \t]*/, "", l[j]); m = split(l[j], b, " ")
					for (k = 1; k <= m; k++) if (b[k] == s) ok = 1
				}
			}
			if (ok && deb && on && u != "") print u
		}' "$f"
	done
}
MIRROR=${SAKER_DEBIAN_MIRROR:-$(apt_uri "$SUITE" | head -n1)}
SECURITY=${SAKER_DEBIAN_SECURITY_MIRROR:-$(apt_uri "$SUITE-security" | head -n1)}
[ -n "$MIRROR" ] || die "no '$SUITE' archive in /etc/apt/sources.list*: set SAKER_DEBIAN_MIRROR"

read -r -a KERNELS <<<"${SAKER_DEB_KERNELS:-$("$ROOT/scripts/kernels.sh" list | tr '\n' ' ')}"
[ ${#KERNELS[@]} -gt 0 ] || die "no test kernels (scripts/kernels.sh list)"
[ "$FIRST_ONLY" -eq 0 ] || KERNELS=("${KERNELS[0]}")

# in_root CMD...: CMD in the chroot, with /proc and apt's package cache
# mounted in a private mount namespace that ends with CMD (no mount
# outlives it).
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private sh -ec '
		c=$1; a=$2; shift 2
		mount -t proc proc "$c/proc"
		mount --bind "$a" "$c/var/cache/apt/archives"
		exec chroot "$c" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' _ "$C" "$ARCHIVES" "$@"
}

# The base: debootstrapped once, its apt pointed at this host's archive.
make_base() {
	local t="$W/base.tmp"
	log "debootstrap $SUITE from $MIRROR into $t (once; cached as $BASE)"
	rm -rf "$t"
	debootstrap --variant=minbase "$SUITE" "$t" "$MIRROR" >"$W/debootstrap.log" 2>&1 ||
		die "debootstrap failed (log: $W/debootstrap.log)"
	{
		echo "deb $MIRROR $SUITE main"
		echo "deb $MIRROR $SUITE-updates main"
		[ -z "$SECURITY" ] || echo "deb $SECURITY $SUITE-security main"
	} >"$t/etc/apt/sources.list"
	printf 'APT::Install-Recommends "false";\n' >"$t/etc/apt/apt.conf.d/99saker"
	# Nothing starts services in a chroot.
	printf '#!/bin/sh\nexit 101\n' >"$t/usr/sbin/policy-rc.d"
	chmod 0755 "$t/usr/sbin/policy-rc.d"
	rm -f "$t"/var/cache/apt/archives/*.deb
	tar -C "$t" -cf "$BASE.tmp" .
	mv "$BASE.tmp" "$BASE"
	rm -rf "$t"
}

# snapshot FILE: every path of the chroot but the ones that change with
# any apt run (dpkg's and apt's own records, logs, caches).
snapshot() {
	(cd "$C" && find . -xdev \
		\( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./var/cache \
		-o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./var/log/apt \
		-o -path ./var/log/dpkg.log -o -path ./var/log/alternatives.log \
		-o -path ./debs \) -prune -o -print | sort) >"$1"
}

failed=0
pass() { echo "PASS deb-$1"; }
fail() {
	echo "FAIL deb-$1 ($2)"
	failed=1
}

mkdir -p "$W" "$ARCHIVES"
: >"$LOG"
[ -f "$BASE" ] || make_base
log "fresh chroot in $C (log: $LOG)"
rm -rf "$C"
mkdir -p "$C"
tar -C "$C" -xf "$BASE"
mkdir -p "$C/debs"
cp "$ROOT"/build/deb/saker_*.deb "$ROOT"/build/deb/saker-dkms_*.deb "$C/debs/"

# 1. dkms and the first kernel's headers; then the chroot's file list.
first=${KERNELS[0]}
log "installing dkms and linux-headers-$first"
in_root apt-get update -q >>"$LOG" 2>&1 || die "apt-get update in the chroot failed (log: $LOG)"
in_root apt-get install -y -q dkms "linux-headers-$first" >>"$LOG" 2>&1 ||
	die "cannot install dkms linux-headers-$first in the chroot (log: $LOG)"
snapshot "$W/before.list"

# 2. The packages; saker-dkms's postinst builds the module.
log "apt-get install ./saker_*.deb ./saker-dkms_*.deb"
if in_root sh -c 'apt-get install -y -q /debs/*.deb' >"$W/install.log" 2>&1; then
	pass install
else
	fail install "apt-get install failed: $W/install.log"
	tail -n 30 "$W/install.log" | sed 's/^/    /'
	exit 1
fi
cat "$W/install.log" >>"$LOG"
# What DKMS said while the package was configured: the user's evidence.
sed -n '/Loading new saker/,/^Setting up saker /p' "$W/install.log" | sed 's/^/    /'

# check_module VER: DKMS built and installed saker.ko for VER.
check_module() {
	local k=$1 st ko vm
	# (readelf warns about .comment on stderr for compressed modules)
	st=$(in_root dkms status -m saker -k "$k" 2>/dev/null || true)
	echo "    dkms status: $st"
	case $st in *": installed"*) ;; *) echo "dkms status does not say installed"; return 1 ;; esac
	ko=$(cd "$C" && find "lib/modules/$k/updates" -name 'saker.ko*' 2>/dev/null | head -n1)
	[ -n "$ko" ] || { echo "no saker.ko under /lib/modules/$k/updates"; return 1; }
	vm=$(in_root modinfo -F vermagic "/$ko" 2>&1 || true)
	echo "    /$ko: vermagic $vm"
	case $vm in "$k "*) ;; *) echo "vermagic '$vm' is not $k"; return 1 ;; esac
}
if why=$(check_module "$first"); then
	echo "$why"
	pass "dkms-$first"
else
	fail "dkms-$first" "$(tail -n1 <<<"$why")"
	sed 's/^/    /' <<<"$why"
	tail -n 30 "$C"/var/lib/dkms/saker/*/build/make.log 2>/dev/null | sed 's/^/    make.log: /'
fi

# The shipped configuration and rules, as the unit's ExecStartPre checks them.
if out=$(in_root sakerd -n 2>&1); then
	sed 's/^/    sakerd -n: /' <<<"$out" | head -n 5
	pass sakerd-check
else
	fail sakerd-check "sakerd -n: $(tail -n1 <<<"$out")"
fi

# What purge must remove: every file the packages own and their conffiles.
in_root dpkg-query -L saker saker-dkms >"$W/owned.list" 2>&1 || true
# shellcheck disable=SC2016 # a dpkg-query format, not shell
in_root dpkg-query -W -f='${Conffiles}\n' saker saker-dkms | awk 'NF {print $1}' >"$W/conffiles.list"
log "$(wc -l <"$W/owned.list") paths owned, $(wc -l <"$W/conffiles.list") conffiles"
# A log file sakerd would have written: purge takes /var/log/saker too.
mkdir -p "$C/var/log/saker"
echo test >"$C/var/log/saker/alerts.log"

# 3. A kernel installed after the package: DKMS's kernel hook builds for it.
snapshot "$W/installed.list"
for k in "${KERNELS[@]:1}"; do
	log "installing linux-headers-$k (DKMS's kernel hook must build saker)"
	if ! in_root apt-get install -y -q "linux-headers-$k" >"$W/headers-$k.log" 2>&1; then
		fail "dkms-$k" "cannot install linux-headers-$k: $W/headers-$k.log"
		continue
	fi
	cat "$W/headers-$k.log" >>"$LOG"
	if why=$(check_module "$k"); then
		echo "$why"
		pass "dkms-$k"
	else
		fail "dkms-$k" "$(tail -n1 <<<"$why")"
		sed 's/^/    /' <<<"$why"
	fi
done
# The later kernels' files are theirs, not saker's: what came with them,
# less what DKMS built for saker there, must be there after the purge.
snapshot "$W/with-kernels.list"
comm -13 "$W/installed.list" "$W/with-kernels.list" |
	grep -vE '/saker|^\./(usr/)?lib/modules/[^/]+/updates(/dkms)?$' >"$W/kernels.list" || true

# 4. Purge, and look for anything left.
# --autoremove: the libraries apt pulled in for sakerd go too, as a user
# removing saker would have them go.
log "apt-get purge --autoremove saker saker-dkms"
if ! in_root apt-get purge --autoremove -y -q saker saker-dkms >"$W/purge.log" 2>&1; then
	fail purge "apt-get purge failed: $W/purge.log"
	tail -n 30 "$W/purge.log" | sed 's/^/    /'
	exit 1
fi
cat "$W/purge.log" >>"$LOG"
left=()
# A purged package is forgotten by dpkg; "un" or "pn" would be as good.
for p in saker saker-dkms; do
	st=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case $st in "" | un* | pn*) ;; *) left+=("dpkg: $p is '$st'") ;; esac
done
[ -z "$(in_root dkms status -m saker 2>/dev/null)" ] || left+=("dkms status: $(in_root dkms status -m saker)")
[ ! -e "$C/var/lib/dkms/saker" ] || left+=("/var/lib/dkms/saker")
for d in "$C"/usr/src/saker-*; do [ ! -e "$d" ] || left+=("${d#"$C"}"); done
while read -r ko; do left+=("/$ko"); done < <(cd "$C" && find lib/modules -name 'saker.ko*' 2>/dev/null)
while read -r f; do
	# Directories the packages share with others stay (/usr/share/man...).
	[ -n "$f" ] && [ "${f:0:1}" = / ] || continue
	if [ -e "$C$f" ] && [ ! -d "$C$f" ]; then left+=("$f (dpkg -L)"); fi
done <"$W/owned.list"
while read -r f; do [ ! -e "$C$f" ] || left+=("$f (conffile)"); done <"$W/conffiles.list"
for f in /etc/saker /var/log/saker /etc/systemd/system/multi-user.target.wants/sakerd.service; do
	[ ! -e "$C$f" ] || left+=("$f")
done
# Every path now must have been there before the packages came, or have
# come with step 3's kernels; and those must all still be there.
snapshot "$W/after.list"
sort -u "$W/before.list" "$W/kernels.list" >"$W/expected.list"
# depmod's indexes of a kernel that had none (headers but no image here)
# are the exception: dkms install and remove regenerate them; they must
# not name saker any more.
while read -r f; do
	if [[ $f =~ ^\./(usr/)?lib/modules/[^/]+/modules\.[a-z.]+$ ]]; then
		! grep -qs saker "$C/${f#./}" || left+=("${f#.} (names saker)")
		depmod_idx=$((${depmod_idx:-0} + 1))
		continue
	fi
	left+=("${f#.} (new since install)")
done < <(comm -13 "$W/expected.list" "$W/after.list")
while read -r f; do left+=("${f#.} (removed by the purge, not saker's)"); done < <(comm -23 "$W/expected.list" "$W/after.list")
if [ ${#left[@]} -eq 0 ]; then
	echo "    after purge: no saker in dpkg or DKMS, no /usr/src/saker-*, no saker.ko, none of the" \
		"$(wc -l <"$W/owned.list") owned paths, none of the $(wc -l <"$W/conffiles.list") conffiles;" \
		"$(wc -l <"$W/after.list") paths, as before install (+${depmod_idx:-0} depmod indexes without saker)"
	pass purge
else
	fail purge "${#left[@]} things left"
	printf '    left: %s\n' "${left[@]}" | head -n 40
fi

# A passed run's chroot is of no more use (about 1 GB with two kernels'
# headers); a failed one stays for a look.
if [ "$failed" -eq 0 ]; then
	rm -rf "$C"
	log "done: all passed"
else
	log "done: failures; the chroot is left in $C"
fi
exit "$failed"
