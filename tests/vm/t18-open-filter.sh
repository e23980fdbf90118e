#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t18-open-filter: the open filter sakerd derives from the shipped rules and hands to the module.
# The same scenario (reads of credential files, io_uring included, writes below /etc and /usr/bin,
# failed opens, unrelated opens and a background storm of them) runs under sakerd with
# kernel.open_filter on and off: the alerts are the same, and only with the filter does the module
# leave opens out, counted as "filtered". The filter goes when sakerd closes the device; malformed
# filters are refused with a reason and change nothing.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

command -v sakerd >/dev/null 2>&1 || skip "sakerd not in the initramfs"
command -v sakerctl >/dev/null 2>&1 || fail "no sakerctl"
command -v genlpoke >/dev/null 2>&1 || fail "no genlpoke helper"
RULES=${SAKER_RULES:-/saker/rules}/saker_rules.yaml

cat >saker.yaml <<EOF2
rules_files:
  - $RULES
json_output: true
rule_matching: all
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $PWD/alerts.json
stats:
  interval_s: 0
EOF2

out=$(sakerd -n -c saker.yaml 2>&1) || fail "sakerd -n: $out"
case $out in *"open filter: "*" entries for 3 rules"*) ;; *) fail "sakerd -n shows no open filter: $out" ;; esac

mkdir -p storm.d usrbin
: >storm.d/file
load_module

# scenario: what the shipped open rules watch, and what they do not.
scenario() {
	storm 20000 "$PWD/storm.d/file" >storm.out 2>&1 &
	spid=$!
	cat /etc/shadow >/dev/null
	cat /etc/pam.d/other >/dev/null 2>&1 || true
	cat /etc/passwd /proc/cmdline >/dev/null
	uring_open /etc/shadow >/dev/null 2>&1 || true
	runas 65534 65534 cat /etc/shadow >/dev/null 2>&1 || true
	cp /bin/busybox /etc/t18-written.conf
	rm -f /etc/t18-written.conf
	cp /bin/busybox /usr/bin/t18-written
	rm -f /usr/bin/t18-written
	cat /nonexistent >/dev/null 2>&1 || true
	ls /etc >/dev/null
	wait "$spid" || fail "storm: $(cat storm.out)"
}

# run NAME ARGS...: sakerd with ARGS over the scenario; the alerts, one sorted key line each, in
# NAME.alerts, the module's filtered count in NAME.filtered, sakerd's log in NAME.err.
run() {
	name=$1
	shift
	: >alerts.json
	sakerd -c saker.yaml "$@" 2>"$name.err" &
	sdpid=$!
	on_exit "kill $sdpid 2>/dev/null"
	wait_for 10 grep -q 'sakerd: running' "$name.err" || fail "$name: sakerd not running: $(cat "$name.err")"
	sakerctl status >"$name.status" 2>&1 || fail "$name: sakerctl status: $(cat "$name.status")"
	scenario
	sleep 1
	sakerctl stats --json >"$name.stats" 2>&1 || fail "$name: sakerctl stats: $(cat "$name.stats")"
	kill -TERM "$sdpid"
	wait_exit "$sdpid" 15 || fail "$name: sakerd did not stop"
	jq_get "$(cat "$name.stats")" '.total.filtered' >"$name.filtered"
	drops=$(jq_get "$(cat "$name.stats")" '.total.drops')
	[ "$drops" -eq 0 ] || fail "$name: $drops events lost: the runs cannot be compared"
	jq -c '[.rule, .output_fields["fd.name"], .output_fields["proc.name"], .output_fields["user.uid"]]' \
		alerts.json | sort >"$name.alerts"
	info "$name: $(wc -l <"$name.alerts") alerts, $(cat "$name.filtered") opens filtered"
}

run on
grep -q 'open filter: 18 entries for 3 rules' on.err || fail "sakerd did not set the filter: $(cat on.err)"
grep -q '^open filter  18 entries' on.status || fail "status shows no filter: $(cat on.status)"
dmesg | grep -q 'open filter of 18 entries, set by pid' || fail "no kernel log of the filter"
assert_eq "$(sakerctl config get | grep "^open_filter=")" "open_filter=none" "the filter after sakerd closed the device"
run off -o kernel.open_filter=false
grep -q '^open filter  none' off.status || fail "status shows a filter with kernel.open_filter=false: $(cat off.status)"

[ "$(cat off.filtered)" -eq 0 ] || fail "opens were filtered with the filter off: $(cat off.filtered)"
[ "$(cat on.filtered)" -ge 20000 ] || fail "the storm's opens were not filtered: $(cat on.filtered)"
grep -q '"Sensitive File Read","/etc/shadow","cat"' on.alerts || fail "no /etc/shadow alert: $(cat on.alerts)"
grep -q '"Write below etc","/etc/t18-written.conf"' on.alerts || fail "no write below etc: $(cat on.alerts)"
grep -q '"Write below binary dir","/usr/bin/t18-written"' on.alerts || fail "no write below /usr/bin: $(cat on.alerts)"
if ! cmp -s on.alerts off.alerts; then
	diff on.alerts off.alerts >&2
	fail "the alerts differ with and without the open filter"
fi

# Malformed filters: EINVAL (22) with a reason, and no filter set.
poke frel 22
grep -q 'path must be absolute' poke.frel || fail "no reason for a relative path: $(cat poke.frel)"
poke fnomatch 22
poke fkinds 22
poke fstray 22
poke fanypath 22
poke fset 0
assert_eq "$(sakerctl config get | grep "^open_filter=")" "open_filter=1 entries" "the filter genlpoke set"
poke fnone 0
assert_eq "$(sakerctl config get | grep "^open_filter=")" "open_filter=none" "the filter after malformed requests"

# An open syscall's failure is decided as the open starts (the kretprobe's entry), its success as
# the fd is installed. With an entry for failed reads only, the failure is recorded and the success
# left out; with fset (successful opens below /tmp) the reverse.
: >/tmp/t18-present
[ ! -e /tmp/t18-missing ] || fail "setup: /tmp/t18-missing exists"
start_trace ff.json ff.err
poke ffail 0
run_pid ff1.pid cat /tmp/t18-missing 2>/dev/null && fail "cat /tmp/t18-missing succeeded"
run_pid ff2.pid cat /tmp/t18-present || fail "cat /tmp/t18-present"
poke fset 0
run_pid ff3.pid cat /tmp/t18-missing 2>/dev/null && fail "cat /tmp/t18-missing succeeded"
run_pid ff4.pid cat /tmp/t18-present || fail "cat /tmp/t18-present"
stop_trace
assert_count ff.json '.type == "open" and .pid == $p and .path == "/tmp/t18-missing" and .errno == 2' 1 \
	"the failed read ffail keeps" --argjson p "$(cat ff1.pid)"
assert_count ff.json '.type == "open" and .pid == $p' 0 "the successful read ffail leaves out" \
	--argjson p "$(cat ff2.pid)"
assert_count ff.json '.type == "open" and .pid == $p and .path == "/tmp/t18-missing"' 0 \
	"the failed open fset leaves out" \
	--argjson p "$(cat ff3.pid)"
assert_count ff.json '.type == "open" and .pid == $p and .path == "/tmp/t18-present" and .fd == 3' 1 \
	"the successful open below /tmp fset keeps" --argjson p "$(cat ff4.pid)"
