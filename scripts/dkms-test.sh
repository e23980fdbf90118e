#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the DKMS packaging: does dkms.conf really build and install
# the module? For each test kernel whose headers are installed: dkms add,
# build, install, check the installed module's vermagic, then remove
# everything again so the machine is left as it was found. Then the first
# kernel's PREEMPT_RT flavour: DKMS must skip it and make must refuse it.
# Prints "PASS dkms-VER", "FAIL dkms-VER" or "SKIP dkms-VER" per kernel.
#   SAKER_DKMS_SRC  source tree to package instead of this checkout
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=${SAKER_DKMS_SRC:-$ROOT}
CONF="$SRC/dkms.conf"
LOGDIR="$ROOT/build/dkms"
MARK=.saker-dkms-test   # marks a /usr/src tree as ours to delete

if [ ! -f "$CONF" ]; then
	echo "SKIP dkms (no dkms.conf in $SRC)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	# dkms writes /usr/src, /var/lib/dkms and /lib/modules.
	echo "SKIP dkms (needs root)"
	exit 0
fi
command -v dkms >/dev/null || { echo "FAIL dkms (dkms not installed: scripts/deps.sh)"; exit 1; }

# dkms.conf is shell, but sourcing it would run whatever it contains in
# this script: read just the two assignments.
confvar() { sed -n "s/^$1=[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\}[[:space:]]*$/\1/p" "$CONF" | tail -n1; }
NAME=$(confvar PACKAGE_NAME)
VERSION=$(confvar PACKAGE_VERSION)
if [ -z "$NAME" ] || [ -z "$VERSION" ]; then
	echo "FAIL dkms (no PACKAGE_NAME/PACKAGE_VERSION in dkms.conf)"
	exit 1
fi
DEST="/usr/src/$NAME-$VERSION"
mkdir -p "$LOGDIR"

mapfile -t KERNELS < <("$ROOT/scripts/kernels.sh" list)

# A real installation of the same version is not ours to touch; the
# remains of an interrupted earlier run of this script (marked) are.
registered() { [ -n "$(dkms status -m "$NAME" -v "$VERSION" 2>/dev/null)" ]; }
if [ ! -e "$DEST/$MARK" ] && { [ -e "$DEST" ] || registered; }; then
	for k in "${KERNELS[@]}"; do
		echo "SKIP dkms-$k ($NAME/$VERSION is already installed on this machine; not touching it)"
	done
	exit 0
fi
if [ -e "$DEST/$MARK" ]; then
	dkms remove -m "$NAME" -v "$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "$DEST" "/var/lib/dkms/${NAME:?}"
fi

# Snapshot what dkms may add so cleanup removes only that: depmod writes
# modules.* into /lib/modules/VER even for kernels whose image is absent,
# and signing creates a key pair in /var/lib/dkms.
declare -A BEFORE
for k in "${KERNELS[@]}"; do
	BEFORE[$k]=$(ls -A "/lib/modules/$k" 2>/dev/null || true)
done
mok_existed=0
[ -e /var/lib/dkms/mok.key ] && mok_existed=1
dkms_dir_existed=0
[ -d "/var/lib/dkms/$NAME" ] && dkms_dir_existed=1

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local k e
	if registered; then
		dkms remove -m "$NAME" -v "$VERSION" --all >>"$LOGDIR/cleanup.log" 2>&1 || true
	fi
	[ -e "$DEST/$MARK" ] && rm -rf "$DEST"
	[ "$dkms_dir_existed" -eq 1 ] || rm -rf "/var/lib/dkms/${NAME:?}"
	[ "$mok_existed" -eq 1 ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	for k in "${KERNELS[@]}"; do
		[ -d "/lib/modules/$k" ] || continue
		for e in "/lib/modules/$k"/modules.* "/lib/modules/$k/updates"; do
			[ -e "$e" ] || continue
			grep -qxF "${e##*/}" <<<"${BEFORE[$k]}" || rm -rf "$e"
		done
		# A kernel dir that did not exist before (no headers, no image).
		[ -n "${BEFORE[$k]}" ] || rmdir "/lib/modules/$k" 2>/dev/null || true
	done
}
trap cleanup EXIT

# DKMS's convention: the source tree lives in /usr/src/NAME-VERSION. Copy
# sources only (no VCS, build outputs or downloads).
mkdir -p "$DEST"
touch "$DEST/$MARK"
tar -C "$SRC" --exclude=./.git --exclude=./build --exclude=./.cache \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude=modules.order --exclude=Module.symvers -cf - . |
	tar -C "$DEST" -xf -

if ! dkms add -m "$NAME" -v "$VERSION" >"$LOGDIR/add.log" 2>&1; then
	sed 's/^/    /' "$LOGDIR/add.log"
	for k in "${KERNELS[@]}"; do echo "FAIL dkms-$k (dkms add failed)"; done
	exit 1
fi

failed=0
for k in "${KERNELS[@]}"; do
	log="$LOGDIR/$k.log"
	if [ ! -e "/lib/modules/$k/build" ]; then
		echo "SKIP dkms-$k (no headers: scripts/kernels.sh fetch)"
		continue
	fi
	why=""
	if ! dkms build -m "$NAME" -v "$VERSION" -k "$k" >"$log" 2>&1; then
		why="dkms build failed"
	elif ! dkms install -m "$NAME" -v "$VERSION" -k "$k" >>"$log" 2>&1; then
		why="dkms install failed"
	elif ! dkms status -m "$NAME" -v "$VERSION" -k "$k" 2>/dev/null | grep -q ': installed'; then
		why="dkms status does not say installed"
	else
		ko=$(find "/lib/modules/$k/updates" -name "$NAME.ko*" 2>/dev/null | head -n1)
		if [ -z "$ko" ]; then
			why="no $NAME.ko under /lib/modules/$k/updates"
		else
			vm=$(modinfo -F vermagic "$ko" 2>>"$log" || true)
			case "$vm" in
				"$k "*) echo "dkms-$k: $ko vermagic $vm" >>"$log" ;;
				*) why="$ko has vermagic '$vm'" ;;
			esac
		fi
	fi
	if [ -z "$why" ]; then
		echo "PASS dkms-$k"
	else
		echo "FAIL dkms-$k ($why)"
		tail -n 40 "$log" | sed 's/^/    /'
		make_log="/var/lib/dkms/$NAME/$VERSION/build/make.log"
		[ -f "$make_log" ] && tail -n 40 "$make_log" | sed 's/^/    make.log: /'
		failed=1
	fi
done
# PREEMPT_RT: the module refuses to build there (its probes would take
# sleeping locks), and DKMS must skip such a kernel, not fail its install.
rt="${KERNELS[0]%-amd64}-rt-amd64"
if [ -e "/lib/modules/$rt/build" ]; then
	log="$LOGDIR/$rt.log"
	why=""
	dkms build -m "$NAME" -v "$VERSION" -k "$rt" >"$log" 2>&1 && why="dkms built it"
	if [ -z "$why" ] && ! grep -q 'BUILD_EXCLUSIVE' "$log"; then
		why="dkms failed for another reason than BUILD_EXCLUSIVE"
	fi
	if [ -z "$why" ]; then
		# Built by hand, it must stop with the message that says why.
		tmp=$(mktemp -d)
		cp -R "$SRC/kmod/." "$tmp/"
		if make -C "/lib/modules/$rt/build" M="$tmp" modules >>"$log" 2>&1; then
			why="make built it against the RT headers"
		elif ! grep -q 'does not support PREEMPT_RT' "$log"; then
			why="make failed without saying PREEMPT_RT"
		fi
		rm -rf "$tmp"
	fi
	if [ -z "$why" ]; then
		echo "PASS dkms-$rt (refused: excluded by dkms.conf, #error by make)"
	else
		echo "FAIL dkms-$rt ($why)"
		tail -n 20 "$log" | sed 's/^/    /'
		failed=1
	fi
else
	echo "SKIP dkms-$rt (no RT headers)"
fi
exit "$failed"
