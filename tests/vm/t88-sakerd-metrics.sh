#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t88-sakerd-metrics: the health and metrics endpoint of the live daemon. With webserver.enabled,
# sakerd answers /healthz "ok" on 127.0.0.1:8765 once running, and /metrics (Prometheus text) moves
# with what happens: a read of /etc/shadow raises "Sensitive File Read", and within the page's
# one-second refresh its alert counter (rule and priority), the stdout output's deliveries and the
# open events are counted, and the kernel rings are listed per CPU. The client is busybox wget
# (static, in the initramfs).
# shellcheck disable=SC2119 # load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

command -v wget >/dev/null 2>&1 || skip "no wget applet"
URL=http://127.0.0.1:8765

load_module
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
[ "$(metric 'saker_output_sent_total{output="stdout"}')" -ge 1 ] || fail "no stdout delivery counted"
[ "$(metric 'saker_events_total{type="open"}')" -gt 0 ] || fail "no open events counted"
[ "$(metric saker_alert_latency_seconds_count)" -ge 1 ] || fail "no latency sample"

sd_stop
unload_module
