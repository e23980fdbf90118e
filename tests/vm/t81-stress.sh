#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t81-stress: tests/vm/stress.sh with SAKER_STRESS_CYCLES (100) cycles: the module loaded and unloaded
# under mixed load on every CPU, varied parameters, an open blocked across the unload, sakerctl and
# sakerd attaching and detaching (`make stress-kmod` runs 1000 cycles per kernel).
# Unregisters the probes while other CPUs run the probed code: booted with 4 vCPUs (docs/testing.md).
# saker-vm: unload-under-load
# saker-vm: timeout 3000
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

SAKER_STRESS_CYCLES=${SAKER_STRESS_CYCLES:-100}
export SAKER_STRESS_CYCLES
sh "$SAKER_TESTS/stress.sh" >stress.out 2>&1 || fail "stress.sh failed (exit $?):
$(cat stress.out)"
# The figures on the console even when the test passes (run.sh shows passing tests' output only verbose).
grep '^SAKER-STRESS: ' stress.out >/dev/console || fail "no SAKER-STRESS line: $(tail -n 5 stress.out)"
