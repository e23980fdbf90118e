#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t88-sakerd-http: sakerd's http_output and program_output (keep_alive false, Falco's default) on a
# real kernel. A shell in a fake docker container that reads /etc/shadow raises two alerts; each
# reaches busybox httpd in the VM (a CGI script records every POST) as the alert's JSON object with
# Content-Type application/json, and each runs the program once with the alert alone on its stdin.
# Then the HTTP receiver is stopped, two more alerts are raised, and it is started again: the alerts
# waited in the queue and arrive once it is back, none dropped. The exit statistics count 4 sent
# per output, nothing dropped.
# shellcheck disable=SC2016,SC2119 # jq programs; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

PORT=8080
WWW=$PWD/www
RUNS=$PWD/runs
DOCKER=/var/lib/docker/containers

command -v busybox >/dev/null 2>&1 || skip "no busybox in the initramfs"
busybox httpd --help 2>&1 | grep -q 'Usage: httpd' || skip "busybox has no httpd"
mkdir -p "$WWW/cgi-bin" "$RUNS" || fail "mkdir"
# The CGI records the body (Content-Length bytes), then its content type, one line each.
cat >"$WWW/cgi-bin/alert" <<EOF || fail "write the CGI"
#!/bin/sh
head -c "\$CONTENT_LENGTH" >>"$PWD/http.body"
echo >>"$PWD/http.body"
echo "\$REQUEST_METHOD \$CONTENT_TYPE" >>"$PWD/http.meta"
printf 'Content-Type: text/plain\r\n\r\nok\n'
EOF
chmod +x "$WWW/cgi-bin/alert" || fail "chmod"
: >http.body
: >http.meta

# httpd_start: busybox httpd in the foreground on 127.0.0.1:PORT; wait until it accepts.
HTTPD=
httpd_start() {
	busybox httpd -f -p "127.0.0.1:$PORT" -h "$WWW" 2>>httpd.err &
	HTTPD=$!
	on_exit "kill $HTTPD 2>/dev/null"
	wait_for 10 sh -c "echo | busybox nc 127.0.0.1 $PORT >/dev/null 2>&1" ||
		fail "httpd not accepting on $PORT: $(cat httpd.err)"
}
httpd_stop() {
	kill "$HTTPD" || fail "httpd is gone"
	wait_exit "$HTTPD" 10 || fail "httpd did not exit"
	HTTPD=
}

# runs: number of program runs so far (each made its own file).
runs() {
	set -- "$RUNS"/run.*
	[ -e "$1" ] && echo $# || echo 0
}
runs_ge() {
	[ "$(runs)" -ge "$1" ]
}

sd_install "json_output: true
stdout_output:
  enabled: false
http_output:
  enabled: true
  url: http://127.0.0.1:$PORT/cgi-bin/alert
program_output:
  enabled: true
  program: \"cat > \\\"\$(mktemp $RUNS/run.XXXXXX)\\\"\""

id=$(hex64)
mkdir -p "$DOCKER/$id" || fail "mkdir $DOCKER/$id"
on_exit "rm -rf '$DOCKER/$id'"
printf '{"ID":"%s","Name":"/t88web","Config":{"Image":"alpine:3.19","Labels":{}}}\n' "$id" \
	>"$DOCKER/$id/config.v2.json"

# two_alerts: a container shell that reads /etc/shadow (Shell Spawned in Container, Sensitive File Read).
two_alerts() {
	make_container "$id" sh -c '/bin/sh -c "cat /etc/shadow >/dev/null; true"; exit 0' ||
		fail "container failed"
}

httpd_start
load_module
sd_start

two_alerts
wait_lines http.body 2 20 "alerts missing at the HTTP receiver"
wait_for 20 runs_ge 2 || fail "program runs missing: $(runs)"

# Receiver down: the next two alerts wait in the queue (retried with backoff).
httpd_stop
two_alerts
sleep 1
[ "$(wc -l <http.body)" -eq 2 ] || fail "alerts delivered while the receiver was down?"
st=$(sd_stats) || exit 1
out=$(sd_output "$st" http)
event_check "$out" '.sent == 2 and .queued == 2 and .dropped_queue == 0 and .dropped_error == 0' \
	"http output while down"
httpd_start
wait_lines http.body 4 30 "queued alerts not delivered after the receiver came back"
sd_stop
info "exit stats: $SD_EXIT"

# Every POST: method POST, Content-Type application/json, the Falco JSON object of one alert.
[ "$(grep -c '^POST application/json$' http.meta)" -eq 4 ] || fail "requests: $(cat http.meta)"
got=$(jq -r .rule http.body | sort | tr '\n' ',') || fail "bodies not JSON: $(head -c 300 http.body)"
[ "$got" = "Sensitive File Read,Sensitive File Read,Shell Spawned in Container,Shell Spawned in Container," ] ||
	fail "HTTP rules: $got"
assert_count http.body '.hostname == "saker-vm" and .source == "syscall" and (.output_fields | type) == "object"' \
	4 "Falco-shaped bodies"

# One program run per alert, each with exactly one alert line.
[ "$(runs)" -eq 4 ] || fail "program runs: $(runs), want 4"
for f in "$RUNS"/run.*; do
	[ "$(wc -l <"$f")" -eq 1 ] || fail "$f: $(wc -l <"$f") lines"
	jq -e .rule "$f" >/dev/null || fail "$f: not an alert: $(cat "$f")"
done

event_check "$SD_EXIT" '.alerts_total == 4 and ([.outputs[].name] | sort) == ["http", "program"]
	and all(.outputs[]; .sent == 4 and .dropped_queue == 0 and .dropped_error == 0 and .queued == 0)' \
	"exit statistics"
unload_module
