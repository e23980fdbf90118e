#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# emu-check.sh (in the VM, from scripts/emu-check.sh): EMU_CYCLES (60) cycles of insmod of a bare
# module, rmmod, while every CPU runs two open storms (an existing file, a missing path) the whole
# time, so both the registration and the unregistration patch do_filp_open while other vCPUs run
# it. EMU_MODULE: bare (tests/vm/emu/emubare.ko, a plain kprobe, default) or saker (the project's
# module). A fault panics the VM (scripts/vm.sh), so the host reads the last "emu: N/K ok" line.
# Ends with "SAKER-EMU: cycles=N clean".
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

K=${EMU_CYCLES:-60}
case ${EMU_MODULE:-bare} in
	bare) ko=/saker/testmods/emubare.ko name=emubare ;;
	saker) ko=$SAKER_KO name=saker ;;
	*) fail "EMU_MODULE=$EMU_MODULE: bare or saker" ;;
esac
[ -f "$ko" ] || fail "no $ko in the initramfs"
command -v storm >/dev/null 2>&1 || fail "storm not in the initramfs (make vm-helpers)"
[ -e /etc/hostname ] || fail "no /etc/hostname to open"

pids=
# shellcheck disable=SC2016 # expanded when the script ends
on_exit 'for p in $pids; do kill -KILL $p 2>/dev/null; done'
c=0
while [ "$c" -lt "$(nproc)" ]; do
	taskset -c "$c" storm 1000000000000 /etc/hostname >/dev/null &
	pids="$pids $!"
	taskset -c "$c" storm 1000000000000 /nonexistent/emu-check >/dev/null &
	pids="$pids $!"
	c=$((c + 1))
done
info "$name: $K cycles, $(nproc) CPUs, 2 open storms each"
i=0
while [ "$i" -lt "$K" ]; do
	insmod "$ko" 2>insmod.err || fail "cycle $i: insmod $ko: $(cat insmod.err)"
	sleep 0.2
	rmmod "$name" 2>rmmod.err || fail "cycle $i: rmmod $name: $(cat rmmod.err)"
	for p in $pids; do
		kill -0 "$p" 2>/dev/null || fail "cycle $i: storm $p died"
	done
	i=$((i + 1))
	echo "emu: $i/$K ok"
done
echo "SAKER-EMU: cycles=$i clean"
