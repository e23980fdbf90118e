#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the VM booted the kernel the host asked for and the
# module in the initramfs was built for it. Skips while there is no module.
set -eu
want=$(cat /saker/kver)
got=$(uname -r)
echo "kernel $got"
[ "$got" = "$want" ] || { echo "booted $got, expected $want"; exit 1; }
[ -f /saker/saker.ko ] || { echo "no /saker/saker.ko"; exit 77; }
vermagic=$(modinfo -F vermagic /saker/saker.ko)
echo "vermagic $vermagic"
case "$vermagic" in
	"$got "*) ;;
	*) echo "module built for another kernel"; exit 1 ;;
esac
# Users the tests rely on.
id alice && id nobody
