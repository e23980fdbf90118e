#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench-compare.sh (`make bench-compare`): saker beside Falco's kernel module (scap.ko with sysdig)
# and auditd, in one boot of the first test kernel: tests/vm/bench-compare.sh runs six workloads
# (null syscall, read/write of a small file, open+close, failed open, fork+exec, a shell-script build
# loop) under four configurations in interleaved rounds and prints medians, ratios to the baseline,
# events delivered and dropped and the consumer's CPU. This script gets what that needs: sysdig from
# the archive, scap.ko built from Debian's falcosecurity-scap-dkms source for the test kernel, auditd
# (unpacked, not installed: installing would start it on this host), then draws the slowdown per
# workload and tool with gnuplot into build/bench-compare.png.
# BENCH_* variables (BENCH_ROUNDS, BENCH_NULLSYS, BENCH_RW, BENCH_OPENCLOSE, BENCH_OPENFAIL,
# BENCH_FORKEXEC, BENCH_MIXED) are passed through to the VM. Under TCG only ratios within one run mean
# something (docs/benchmarks.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

die() { echo "bench-compare.sh: $*" >&2; exit 1; }
log() { echo "bench-compare.sh: $*" >&2; }
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root (or sudo) for: $*"; fi
}

KVER=${SAKER_BENCH_KERNEL:-$(scripts/kernels.sh list | head -n1)}
[ -n "$KVER" ] || die "no test kernel (scripts/kernels.sh list is empty)"
CACHE="$ROOT/.cache/bench-compare"
OUT="$ROOT/build/bench-compare"
mkdir -p "$CACHE/debs" "$OUT"

# Host packages: sysdig (its libraries go into the VM with it), auditd's libraries, gnuplot. Only
# what is missing, as scripts/deps.sh does.
need=()
for p in sysdig gnuplot-nox libauparse0 libwrap0 libcap-ng0 libgssapi-krb5-2 libkrb5-3; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${need[@]}" >&2
fi
# auditd and the scap source are only unpacked: the first would start a daemon here, the second
# pulls dkms, which would build for every kernel on this host.
dl=(apt-get download -q)
[ "$(id -u)" -ne 0 ] || dl+=(-o APT::Sandbox::User=root)
for p in auditd falcosecurity-scap-dkms; do
	if ! compgen -G "$CACHE/debs/${p}_*.deb" >/dev/null; then
		log "downloading $p"
		(cd "$CACHE/debs" && "${dl[@]}" "$p" >&2) || die "cannot download $p"
	fi
done
rm -rf "$CACHE/root"
mkdir -p "$CACHE/root"
for d in "$CACHE"/debs/*.deb; do dpkg-deb -x "$d" "$CACHE/root"; done

# scap.ko for the test kernel, from the package's source as DKMS would build it. A failure is
# reported with its log and the benchmark runs without that column.
scap_src=$(compgen -G "$CACHE/root/usr/src/scap-*" | head -n1) || true
[ -n "$scap_src" ] || die "falcosecurity-scap-dkms has no usr/src/scap-*"
SCAP_BUILD="$OUT/scap-$KVER"
SCAP_LOG="$OUT/scap-$KVER.log"
rm -rf "$SCAP_BUILD"
cp -R "$scap_src" "$SCAP_BUILD"
scap_ok=1
if ! make -C "/usr/src/linux-headers-$KVER" M="$SCAP_BUILD" -j"$(nproc)" modules >"$SCAP_LOG" 2>&1 ||
	[ ! -f "$SCAP_BUILD/scap.ko" ]; then
	scap_ok=0
	tail -n 40 "$SCAP_LOG" >&2
	log "scap.ko did not build for $KVER (log: $SCAP_LOG): no sysdig column"
fi

# What the VM gets besides the usual initramfs (SAKER_INITRAMFS_EXTRA, scripts/mkinitramfs.sh).
EXTRA="$OUT/root"
rm -rf "$EXTRA"
mkdir -p "$EXTRA/usr/bin" "$EXTRA/sbin" "$EXTRA/saker"
cp "$CACHE/root/sbin/auditd" "$CACHE/root/sbin/auditctl" "$EXTRA/sbin/"
if [ "$scap_ok" = 1 ]; then
	cp /usr/bin/sysdig "$EXTRA/usr/bin/"
	cp "$SCAP_BUILD/scap.ko" "$EXTRA/saker/scap.ko"
fi

make --no-print-directory userspace vm-helpers >/dev/null

env_args=""
for v in BENCH_ROUNDS BENCH_NULLSYS BENCH_RW BENCH_OPENCLOSE BENCH_OPENFAIL BENCH_FORKEXEC BENCH_MIXED; do
	if [ -n "${!v:-}" ]; then
		# Digits only: they end up in a shell command line inside the VM.
		[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number"
		env_args+="$v=${!v} "
	fi
done

LOG="$ROOT/build/bench-compare-$KVER.log"
log "kernel $KVER; full console in $LOG"
set +e
SAKER_INITRAMFS_EXTRA="$EXTRA" SAKER_VM_LOG="$LOG" scripts/vm.sh run "$KVER" \
	"${env_args}sh /saker/tests/bench-compare.sh" --timeout 3000 --mem 1536 >"$LOG.out" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	tail -n 30 "$LOG.out" >&2
	die "the benchmark failed (exit $rc)"
fi
grep -a '^SAKER-BENCH: ' "$LOG.out" | grep -vE ': (round|data|ratio) ' | sed 's/^SAKER-BENCH: //'
echo "(per-round numbers: grep 'SAKER-BENCH: round' $LOG.out)"

# The plot: one cluster per workload, one bar per tool, the ratio to the baseline.
DAT="$OUT/ratios.dat"
grep -a '^SAKER-BENCH: ratio ' "$LOG.out" | sed 's/^SAKER-BENCH: ratio //' >"$DAT"
[ -s "$DAT" ] || die "no ratio lines in $LOG.out"
PNG="$ROOT/build/bench-compare.png"
ncol=$(awk 'NR == 1 { print NF }' "$DAT")
gnuplot <<EOF
set terminal pngcairo size 900,500 font "sans,10"
set output "$PNG"
set title "Slowdown per workload ($KVER, qemu TCG, median of the rounds)"
set ylabel "time per operation / baseline"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set key top left
set grid ytics
# Ratios from 1 to ~100: a log scale keeps the small ones readable.
set logscale y 2
set yrange [0.7:*]
set xtics nomirror
plot for [c=2:$ncol] "$DAT" using c:xtic(1) title columnheader(c), 1 with lines lc "black" dt 2 notitle
EOF
log "plot: $PNG"
