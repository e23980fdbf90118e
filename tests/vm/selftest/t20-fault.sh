#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test (scripts/harness-selftest.sh): load faultmod with mode=$SAKER_FAULT (warn, oops,
# softlockup, rcu, hung), after lowering that detector's threshold so the fault shows within seconds.
# The VM must end right there; if insmod returns, the fault did not end the VM and the test fails.
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

mode=${SAKER_FAULT:-warn}
ko=/saker/testmods/faultmod.ko
[ -f "$ko" ] || fail "no $ko in the initramfs (scripts/kernels.sh build-testmods)"
case $mode in
	softlockup) echo 1 >/proc/sys/kernel/watchdog_thresh || fail "watchdog_thresh" ;;
	rcu) echo 3 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout || fail "rcu_cpu_stall_timeout" ;;
	hung) echo 1 >/proc/sys/kernel/hung_task_timeout_secs || fail "hung_task_timeout_secs" ;;
esac
# The host compares this uptime with the panic's timestamp (the fault's cost in guest time).
echo "SAKER-FAULT: mode=$mode uptime=$(cut -d' ' -f1 /proc/uptime)" >/dev/console
insmod "$ko" mode="$mode" secs=60
fail "insmod faultmod mode=$mode returned ($?): the fault did not end the VM"
