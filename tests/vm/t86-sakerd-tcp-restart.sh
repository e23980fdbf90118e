#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t86-sakerd-tcp-restart: the remote TCP syslog output keeps its queue while the receiver is down and
# counts what does not fit. sakerd (installed configuration, outputs_queue.capacity 8, JSON alerts to
# the alert file and to a TCP receiver on 127.0.0.1:5515) delivers one alert; the receiver stops;
# N=20 more alerts are raised (`cat /etc/shadow m.I`, told apart by their command line); the receiver
# restarts on the same port. Then exactly the first 8 of the N arrive, in order, after the one before,
# and the statistics count the other 12 as dropped_queue: delivered + dropped == generated, exactly,
# for the remote output and for every other output.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

PORT=5515
CAP=8
N=20

sd_install "# Operator's choices; everything else as installed.
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $PWD/alerts.json
remote_syslog_output:
  enabled: true
  host: 127.0.0.1
  port: $PORT
  protocol: tcp
outputs_queue:
  capacity: $CAP"

recv_start tcp tcp "$PORT" tcp.raw
load_module
sd_start
: >m.0
cat /etc/shadow m.0 >/dev/null
wait_frames tcp.raw 1 20 "the first alert did not reach the receiver"

# The receiver goes away: sakerd sees the closed connection at its next send, and retries the connect
# with backoff while alerts queue up.
recv_stop tcp
i=1
while [ $i -le $N ]; do
	: >"m.$i"
	cat /etc/shadow "m.$i" >/dev/null
	i=$((i + 1))
done
# All N+1 alerts handed to the outputs: the remote queue holds CAP, the rest were dropped.
i=0
while :; do
	st=$(sd_stats) || exit 1
	[ "$(jq_get "$st" '.alerts["Sensitive File Read"] // 0')" -eq $((N + 1)) ] && break
	[ $i -ge 100 ] && fail "sakerd did not raise $((N + 1)) alerts within 20 s: $st"
	sleep 0.2
	i=$((i + 1))
done
r=$(sd_output "$st" remote_syslog) || exit 1
info "receiver down: $r"
event_check "$r" ".sent == 1 and .queued == $CAP and .dropped_queue == $((N - CAP)) and .dropped_error == 0" \
	"remote output while the receiver is down"
[ "$(frame_count tcp.raw)" -eq 1 ] || fail "frames arrived while the receiver was down?"

# Same port again: the queued alerts arrive on the new connection (backoff: 30 s at most).
recv_start tcp tcp "$PORT" tcp.raw
wait_frames tcp.raw $((CAP + 1)) 40 "queued alerts not delivered after the receiver came back"
# Nothing more may come: the last queued alert is written once the receiver has all 9.
i=0
while :; do
	st=$(sd_stats) || exit 1
	r=$(sd_output "$st" remote_syslog) || exit 1
	[ "$(jq_get "$r" .queued)" -eq 0 ] && break
	[ $i -ge 50 ] && fail "remote queue not empty 10 s after the frames arrived: $r"
	sleep 0.2
	i=$((i + 1))
done
sd_stop
recv_stop tcp
info "exit stats: $SD_EXIT"

# Delivered: m.0 then m.1 .. m.CAP, each once, in order.
frames tcp.raw tcp.msgs
sed 's/^[^[]*\[saker@32473 [^]]*\] //' tcp.msgs | jq -r '.output_fields["proc.cmdline"]' >got.cmdlines ||
	fail "TCP MSG not JSON: $(cat tcp.msgs)"
i=0
: >want.cmdlines
while [ $i -le $CAP ]; do
	echo "cat /etc/shadow m.$i" >>want.cmdlines
	i=$((i + 1))
done
cmp -s got.cmdlines want.cmdlines ||
	fail "delivered alerts are not m.0..m.$CAP in order: $(tr '\n' ',' <got.cmdlines)"

# The same counts at exit, and for every output: sent + dropped + queued == alerts raised.
total=$((N + 1))
event_check "$SD_EXIT" ".alerts_total == $total and .alerts[\"Sensitive File Read\"] == $total" "alert counts"
r=$(sd_output "$SD_EXIT" remote_syslog) || exit 1
event_check "$r" ".sent == $((CAP + 1)) and .dropped_queue == $((N - CAP)) and .dropped_error == 0
	and .queued == 0 and .reconnects >= 1" "remote output at exit"
[ "$(jq_get "$r" '.sent + .dropped_queue + .dropped_error')" -eq $total ] ||
	fail "remote: delivered + dropped != $total generated: $r"
event_check "$SD_EXIT" "all(.outputs[]; .sent + .dropped_queue + .dropped_error + .queued == $total)" \
	"an output lost count of alerts"
f=$(sd_output "$SD_EXIT" file) || exit 1
[ "$(wc -l <alerts.json)" -eq "$(jq_get "$f" .sent)" ] ||
	fail "alert file: $(wc -l <alerts.json) lines, $(jq_get "$f" .sent) counted as sent"
unload_module
