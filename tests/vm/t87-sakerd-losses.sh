#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t87-sakerd-losses: events the kernel could not record are never silent. An unprivileged flood into a
# small ring, with sakerd stopped, makes the module drop records; once running again, sakerd raises
# one Critical "saker: kernel events lost" alert within seconds, naming the cause (the fair share)
# and the count, and its statistics count the same drops.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

CPU=1
[ "$(nproc)" -gt "$CPU" ] || skip "needs at least $((CPU + 1)) CPUs"
quiet_cpus
long=$(printf '/nonexistent/%0200d' 0)

load_module ring_kb=128 share_pct=50
# The flood is of failed opens, which no shipped rule wants: the open filter would leave them out
# before they reach a ring. This test is of the loss path, so every open is recorded.
sd_install 'json_output: true
stdout_output:
  enabled: true
kernel:
  open_filter: false'
sd_start
kill -STOP "$SD_PID" || fail "SIGSTOP sakerd"
runas 65534 65534 storm 5000 "$long" "$CPU" >/dev/null 2>&1
kill -CONT "$SD_PID" || fail "SIGCONT sakerd"
lost_alert() { grep -q '"rule":"saker: kernel events lost"' sakerd.out; }
wait_for 10 lost_alert || fail "no loss alert within 10 s: $(tail -n 5 sakerd.err)"
st=$(sd_stats) || exit 1
sd_stop
alert=$(grep '"rule":"saker: kernel events lost"' sakerd.out)
assert_eq "$(printf '%s\n' "$alert" | wc -l)" 1 "loss alerts for one burst"
event_check "$alert" '.priority == "Critical" and .source == "internal"' "loss alert priority and source"
n=$(jq_get "$alert" '.output_fields["saker.lost.fair_share"]')
[ "$n" -gt 0 ] || fail "loss alert counts no fair-share drops: $alert"
event_check "$alert" '.output | test("unprivileged over its fair share")' "loss alert names the cause"
k=$(jq_get "$st" "[.kernel.rings[] | .drops_share] | add")
assert_eq "$n" "$k" "fair-share drops: alert vs statistics"
unload_module
