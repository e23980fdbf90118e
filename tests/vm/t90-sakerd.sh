#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t90-sakerd: the live daemon. sakerd reads the rings and writes JSON alerts to a file: a shell in a
# fake docker container (with docker state files giving its name and image) and a read of
# /etc/shadow inside it raise the rules of rules/saker_rules.yaml; SIGHUP with a broken rule file
# keeps the old rules and raises "saker: rule reload failed", a broken saker.yaml keeps the old
# configuration and raises "saker: configuration reload failed"; SIGUSR2 and exit print statistics.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

command -v sakerd >/dev/null 2>&1 || skip "sakerd not in the initramfs"
RULES=${SAKER_RULES:-/saker/rules}/saker_rules.yaml

id=$(hex64)
short=$(echo "$id" | cut -c1-12)
mkdir -p "docker/$id" rules.d
printf '{"ID":"%s","Name":"/t90web","Config":{"Image":"alpine:3.19","Labels":{}}}\n' "$id" \
	>"docker/$id/config.v2.json"
cat >saker.yaml <<EOF2
rules_files:
  - $RULES
  - $PWD/rules.d
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $PWD/alerts.json
stats:
  interval_s: 0
containers:
  state_roots:
    docker: $PWD/docker
    containerd: ""
    crio: ""
    podman: ""
EOF2

out=$(sakerd -n -c saker.yaml 2>&1) || fail "sakerd -n: $out"
case $out in *"configuration OK"*) ;; *) fail "sakerd -n said: $out" ;; esac
# A typo of a key saker has is an error; a key it does not know at all (a newer Falco's) a warning.
printf 'priorty: debug\n' >bad.yaml
if sakerd -n -c bad.yaml >bad.out 2>&1; then fail "sakerd -n accepted a mistyped key"; fi
grep -q "bad.yaml:1:1: unknown key 'priorty' (did you mean 'priority'?)" bad.out ||
	fail "sakerd -n: no file:line:col: $(cat bad.out)"
printf 'some_future_key: 1\n' >future.yaml
out=$(sakerd -n -c future.yaml -r "$RULES" 2>&1) || fail "sakerd -n refused an unknown key: $out"
case $out in *"future.yaml:1:1: unknown key 'some_future_key'"*"1 configuration warning"*) ;;
*) fail "sakerd -n: no warning for an unknown key: $out" ;; esac

load_module
sakerd -c saker.yaml 2>sakerd.err &
spid=$!
on_exit "kill $spid 2>/dev/null; wait $spid 2>/dev/null"
i=0
until grep -q 'sakerd: running' sakerd.err; do
	alive "$spid" || fail "sakerd exited: $(cat sakerd.err)"
	[ $i -ge 100 ] && fail "sakerd not running after 10 s: $(cat sakerd.err)"
	sleep 0.1
	i=$((i + 1))
done

# has_alert RULE: alerts.json holds an alert of RULE.
has_alert() {
	[ -s alerts.json ] && [ "$(jq_count alerts.json '.rule == $r' --arg r "$1")" -gt 0 ]
}

# more_reads N: alerts.json holds more than N "Sensitive File Read" alerts.
more_reads() {
	[ "$(jq_count alerts.json '.rule == "Sensitive File Read"')" -gt "$1" ]
}

# wait_alert RULE: wait up to 10 s for an alert of RULE in alerts.json.
wait_alert() {
	wait_for 10 has_alert "$1" ||
		fail "no '$1' alert within 10 s; alerts: $(cat alerts.json 2>/dev/null); sakerd: $(cat sakerd.err)"
}

# busybox unshare runs its command as /proc/self/exe (comm "exe"): the shell under test is a child.
make_container "$id" sh -c '/bin/sh -c "cat /etc/shadow >/dev/null; true"; exit 0' || fail "container failed"
wait_alert "Shell Spawned in Container"
wait_alert "Sensitive File Read"
assert_some alerts.json '.rule == "Shell Spawned in Container" and .output_fields["container.id"] == $c
	and .output_fields["container.name"] == "t90web" and .output_fields["container.image.repository"] == "alpine"
	and .priority == "Error" and .source == "syscall"' "shell alert without the container's id/name/image" --arg c "$short"
assert_some alerts.json '.rule == "Sensitive File Read" and .output_fields["fd.name"] == "/etc/shadow"
	and .output_fields["proc.name"] == "cat" and .output_fields["proc.pname"] == "sh"
	and .output_fields["container.id"] == $c' "/etc/shadow alert without file, process, parent or container" \
	--arg c "$short"
# sakerd's own reads (state files, /proc) never come back as events.
assert_none alerts.json '.output_fields["proc.pid"] == $p' "an alert about sakerd itself" --argjson p "$spid"

# A broken rule file: reload refused, old rules kept, a Critical internal alert.
printf -- '- rule: broken\n  condition: evt.type = \n' >rules.d/broken.yaml
kill -HUP "$spid"
wait_alert "saker: rule reload failed"
assert_some alerts.json '.rule == "saker: rule reload failed" and .priority == "Critical" and .source == "internal"' \
	"reload failure alert"
grep -q 'rule reload failed' sakerd.err || fail "no reload failure line on stderr"
rm rules.d/broken.yaml
n=$(jq_count alerts.json '.rule == "Sensitive File Read"')
cat /etc/shadow >/dev/null
wait_for 10 more_reads "$n" || fail "old rules lost after the failed reload"
kill -HUP "$spid"
wait_for 10 grep -q 'rules reloaded' sakerd.err || fail "no successful reload: $(tail -n 5 sakerd.err)"

# SIGHUP reads saker.yaml again: a broken one is kept out (said with its line, alerted) while the
# rules still reload; a key that needs a restart keeps its running value, said.
cp saker.yaml saker.yaml.good
printf 'merge: {window_ms: lots}\n' >>saker.yaml
kill -HUP "$spid"
wait_alert "saker: configuration reload failed"
grep -q 'configuration reload failed, keeping the old configuration: saker.yaml:[0-9]*:[0-9]*: merge.window_ms' sakerd.err ||
	fail "no configuration reload failure line: $(tail -n 5 sakerd.err)"
cp saker.yaml.good saker.yaml
printf 'merge:\n  window_ms: 20\n' >>saker.yaml
kill -HUP "$spid"
wait_for 10 grep -q 'merge.window_ms changed; that takes a restart' sakerd.err ||
	fail "no restart note for merge.window_ms: $(tail -n 5 sakerd.err)"

kill -USR2 "$spid"
wait_for 10 grep -q '"reason":"signal"' sakerd.err || fail "no stats line after SIGUSR2"
kill -TERM "$spid"
wait_exit "$spid" 10 || fail "sakerd did not exit within 10 s of SIGTERM"
[ "$WAIT_STATUS" -eq 0 ] || fail "sakerd exited with $WAIT_STATUS: $(tail -n 5 sakerd.err)"
st=$(grep '"reason":"exit"' sakerd.err) || fail "no stats line at exit"
event_check "$st" '.events.exec > 0 and .events.open > 0 and .proctable.seeded > 0 and .reload_failures == 2
	and .reloads == 3 and .containers.found >= 1 and .alerts["Sensitive File Read"] >= 2' "exit statistics"
info "stats: $st"
unload_module
