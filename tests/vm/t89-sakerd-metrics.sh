#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t89-sakerd-metrics: the health and metrics endpoint of the live daemon. With webserver.enabled,
# sakerd answers /healthz "ok" on 127.0.0.1:8765 once running, and /metrics (Prometheus text) moves
# with what happens: a read of /etc/shadow raises "Sensitive File Read", and within the page's
# one-second refresh its alert counter (rule and priority), the stdout output's deliveries and the
# open events are counted, and the kernel rings are listed per CPU. The client is busybox wget
# (static, in the initramfs). sakerd runs as under a Type=notify unit with WatchdogSec=4: the
# notifyrecv helper, as NOTIFY_SOCKET (abstract), gets READY=1, WATCHDOG=1 every tick,
# RELOADING=1 then READY=1 around SIGHUP, and STOPPING=1.
# shellcheck disable=SC2119 # load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

command -v wget >/dev/null 2>&1 || skip "no wget applet"
URL=http://127.0.0.1:8765

load_module
notifyrecv @saker-t88 >notify.log 2>&1 &
npid=$!
on_exit "kill $npid 2>/dev/null"
wait_for 5 grep -q '^bound' notify.log || fail "notifyrecv: $(cat notify.log)"
# What systemd sets for a Type=notify unit with WatchdogSec=4 (inherited by sd_start's sakerd).
export NOTIFY_SOCKET=@saker-t88 WATCHDOG_USEC=4000000
sd_install 'json_output: true
stdout_output:
  enabled: true
stats:
  interval_s: 0
webserver:
  enabled: true'
sd_start
grep -q 'webserver: health and metrics on 127.0.0.1 port 8765' sakerd.err ||
	fail "no webserver line: $(cat sakerd.err)"
h=$(wget -q -O - "$URL/healthz") || fail "GET /healthz failed"
assert_eq "$h" "ok" "/healthz"

# metric NAME{LABELS}: the value of that sample in a fresh /metrics page, or empty.
metric() {
	wget -q -O - "$URL/metrics" >metrics.txt || fail "GET /metrics failed"
	# Label values may hold spaces (rule names): match the whole prefix, not awk's $1.
	awk -v k="$1 " 'index($0, k) == 1 { print substr($0, length(k) + 1) }' metrics.txt
}
metric x >/dev/null
grep -q '^# TYPE saker_kernel_drops_total counter' metrics.txt || fail "no kernel drops family: $(head -n 20 metrics.txt)"
[ -n "$(metric 'saker_kernel_events_total{cpu="0"}')" ] || fail "no per-CPU kernel events"
[ -n "$(metric 'saker_kernel_drops_total{cpu="0",cause="ring_full"}')" ] || fail "no per-CPU ring_full drops"
[ "$(metric saker_rules_loaded)" -gt 0 ] || fail "no rules loaded in /metrics"
before=$(metric 'saker_alerts_total{rule="Sensitive File Read",priority="Warning"}')
[ -z "$before" ] || fail "a Sensitive File Read alert before the read: $before"

cat /etc/shadow >/dev/null
alerted() { grep -q '"rule":"Sensitive File Read"' sakerd.out; }
wait_for 10 alerted || fail "no Sensitive File Read alert: $(tail -n 5 sakerd.err)"
counted() { [ "$(metric 'saker_alerts_total{rule="Sensitive File Read",priority="Warning"}')" = 1 ]; }
wait_for 5 counted || fail "the alert is not counted in /metrics: $(grep saker_alerts_total metrics.txt)"
# Sent counts once the output's writer thread has written it: maybe a page after the alert count.
delivered() { [ "$(metric 'saker_output_sent_total{output="stdout"}')" -ge 1 ]; }
wait_for 5 delivered || fail "no stdout delivery counted: $(grep saker_output_ metrics.txt)"
[ "$(metric 'saker_events_total{type="open"}')" -gt 0 ] || fail "no open events counted"
[ "$(metric saker_alert_latency_seconds_count)" -ge 1 ] || fail "no latency sample"

# systemd's view: ready once running, watchdog pings from the loop, the reload bracketed.
ready() { grep -q '^READY=1;STATUS=running: [0-9]* rules, [0-9]* rings$' notify.log; }
wait_for 5 ready || fail "no READY=1: $(cat notify.log)"
n=$(grep -c '^WATCHDOG=1$' notify.log)
sleep 3
m=$(grep -c '^WATCHDOG=1$' notify.log)
[ $((m - n)) -ge 2 ] || fail "$((m - n)) watchdog pings in 3 s, WatchdogSec=4: $(cat notify.log)"
kill -HUP "$SD_PID"
reloaded() { grep -q '^READY=1;STATUS=running: [0-9]* rules (reloaded)$' notify.log; }
wait_for 10 reloaded || fail "no READY=1 after SIGHUP: $(cat notify.log)"
grep -v '^WATCHDOG' notify.log | grep -A1 '^RELOADING=1;MONOTONIC_USEC=[0-9]*$' | grep -q 'reloaded' ||
	fail "RELOADING=1 did not come right before the READY=1 of the reload: $(cat notify.log)"
counted_reload() { [ "$(metric saker_rules_reloads_total)" = 1 ]; }	# within the 1 s refresh
wait_for 5 counted_reload || fail "the reload is not counted in /metrics"
sd_stop
stopping() { grep -q '^STOPPING=1;STATUS=stopping$' notify.log; }
wait_for 5 stopping || fail "no STOPPING=1: $(cat notify.log)"
unload_module
