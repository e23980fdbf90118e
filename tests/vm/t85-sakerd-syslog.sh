#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t85-sakerd-syslog: sakerd run from its installed configuration (/etc/saker as `make install` lays it
# out, with the operator's output choices: JSON alerts to the default alert file, stdout, the local
# syslog and a remote TCP syslog receiver) raises, for a shell in a fake docker container that reads
# /etc/shadow, exactly "Shell Spawned in Container" and "Sensitive File Read", each once, in every
# output. The local syslog (/dev/log) and the TCP receiver (127.0.0.1:5514) are the sysrecv helper,
# which keeps every record whole (busybox syslogd cuts records at 1 KiB and rewrites their header):
# RFC 3164 records on /dev/log; RFC 6587 octet-counted RFC 5424 records with the rule in structured
# data over TCP. The exit statistics count 2 alerts sent per output, nothing dropped.
# shellcheck disable=SC2016,SC2119 # jq programs and sed expressions name $vars; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

PORT=5514
LOGDIR=/var/log/saker
DOCKER=/var/lib/docker/containers
EXPECTED="Sensitive File Read
Shell Spawned in Container"

[ -e /dev/log ] && skip "/dev/log exists: a syslog daemon runs already"
[ -e "$LOGDIR" ] && fail "$LOGDIR exists already"
mkdir -p "$LOGDIR" || fail "mkdir $LOGDIR"
on_exit "rm -rf '$LOGDIR'"
sd_install "# Operator's choices; everything else as installed.
json_output: true
file_output:
  enabled: true
syslog_output:
  enabled: true
remote_syslog_output:
  enabled: true
  host: 127.0.0.1
  port: $PORT
  protocol: tcp"

# The container's name and image, from docker's state file at the default root.
id=$(hex64)
short=$(echo "$id" | cut -c1-12)
mkdir -p "$DOCKER/$id" || fail "mkdir $DOCKER/$id"
on_exit "rm -rf '$DOCKER/$id'"
printf '{"ID":"%s","Name":"/t85web","Config":{"Image":"alpine:3.19","Labels":{}}}\n' "$id" \
	>"$DOCKER/$id/config.v2.json"

recv_start syslog unix /dev/log syslog.raw
recv_start tcp tcp "$PORT" tcp.raw
load_module
sd_start

# busybox runs applets through /proc/self/exe (the kernel's comm is "exe"; saker names them after
# argv[0]): the outer sh is the container's shell (parent unshare) and raises the alert, the inner
# one has a shell parent and raises nothing.
make_container "$id" sh -c '/bin/sh -c "cat /etc/shadow >/dev/null; true"; exit 0' || fail "container failed"
wait_lines "$LOGDIR/alerts.log" 2 20 "alerts missing from the alert file"
wait_lines syslog.raw 2 20 "alerts missing from the local syslog"
wait_frames tcp.raw 2 20 "alerts missing at the TCP receiver"
# The exit flushes the outputs before its statistics: later alerts would show up now.
sd_stop
recv_stop syslog
recv_stop tcp
info "exit stats: $SD_EXIT"

# check_alerts NAME FILE: FILE holds one JSON alert per line: exactly the expected rules, once each,
# about the container.
check_alerts() {
	got=$(jq -r .rule "$2" | sort) || fail "$1: not JSON lines: $(head -c 300 "$2")"
	[ "$got" = "$EXPECTED" ] || fail "$1: rules '$(echo "$got" | tr '\n' ',')', want '$(echo "$EXPECTED" | tr '\n' ',')': $(cat "$2")"
	assert_count "$2" '.rule == "Shell Spawned in Container" and .output_fields["container.id"] == $c
		and .output_fields["container.name"] == "t85web" and .priority == "Error"
		and .source == "syscall" and .hostname == "saker-vm"' 1 "$1: container shell alert" --arg c "$short"
	assert_count "$2" '.rule == "Sensitive File Read" and .output_fields["fd.name"] == "/etc/shadow"
		and .output_fields["proc.name"] == "cat" and .output_fields["container.id"] == $c
		and .priority == "Warning"' 1 "$1: /etc/shadow alert" --arg c "$short"
}

# pri FACILITY PRIORITY: the PRI of a record of that facility number and Falco priority. The
# local syslog's facility is Falco's, user (1); the remote one's local0 (16), the installed defaults.
pri() {
	case $2 in
	Error) echo $(($1 * 8 + 3)) ;;
	Warning) echo $(($1 * 8 + 4)) ;;
	*) fail "unexpected priority $2" ;;
	esac
}

# 1. The alert file (the installed default path) and stdout.
check_alerts "alert file" "$LOGDIR/alerts.log"
check_alerts stdout sakerd.out

# 2. Local syslog: "<PRI>Mmm dd hh:mm:ss saker[PID]: MSG", one record per datagram, MSG the JSON.
hdr='^<[0-9]\{1,3\}>[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] saker\['"$SD_PID"'\]: '
bad=$(grep -v "$hdr{" syslog.raw) && fail "local syslog records not in RFC 3164 form: $bad"
sed "s/$hdr//" syslog.raw >syslog.json
check_alerts "local syslog" syslog.json
while IFS= read -r rec; do
	p=${rec#<}
	p=${p%%>*}
	[ "$p" = "$(pri 1 "$(printf '%s\n' "$rec" | sed "s/$hdr//" | jq -r .priority)")" ] ||
		fail "local syslog: PRI $p does not match the priority: $rec"
done <syslog.raw

# 3. TCP: octet counting (whole frames, nothing else), then RFC 5424:
# "<PRI>1 TIMESTAMP saker-vm saker PID alert [saker@32473 rule=".." priority=".." source=".."] MSG".
frames tcp.raw tcp.msgs
ts='[0-9]\{4\}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]\{6\}Z'
h5424='^<\([0-9]\{1,3\}\)>1 '"$ts"' saker-vm saker '"$SD_PID"' alert \[saker@32473 rule="\([^"]*\)" priority="\([A-Za-z]*\)" source="syscall"\] '
bad=$(grep -v "$h5424{" tcp.msgs) && fail "TCP records not in RFC 5424 form: $bad"
sed "s/$h5424//" tcp.msgs >tcp.json
check_alerts "TCP syslog" tcp.json
while IFS= read -r rec; do
	sd=$(printf '%s\n' "$rec" | sed "s/$h5424.*/\1|\2|\3/")
	msg=$(printf '%s\n' "$rec" | sed "s/$h5424//")
	want=$(printf '%s\n' "$msg" | jq -r '.priority as $p | .rule + "|" + $p') || fail "TCP MSG is not JSON: $rec"
	[ "$sd" = "$(pri 16 "${want##*|}")|$want" ] ||
		fail "TCP record: PRI|SD rule|SD priority '$sd', MSG says '$want': $rec"
done <tcp.msgs

# 4. Statistics: 2 alerts, each output sent both, nothing dropped or left; latency measured.
event_check "$SD_EXIT" '.alerts_total == 2 and .alerts["Shell Spawned in Container"] == 1
	and .alerts["Sensitive File Read"] == 1 and (.outputs | length) == 4
	and ([.outputs[].name] | sort) == ["file", "remote_syslog", "stdout", "syslog"]
	and all(.outputs[]; .sent == 2 and .dropped_queue == 0 and .dropped_error == 0 and .queued == 0
		and .reconnects == 0)
	and .latency_us.alerts == 2 and .latency_us.p50 > 0 and .latency_us.max >= .latency_us.p99' \
	"exit statistics"
for k in exec open; do
	[ "$(jq_get "$SD_EXIT" ".events.$k")" -gt 0 ] || fail "no $k events counted"
done
unload_module
