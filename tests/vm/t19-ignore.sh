#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t19-ignore: the module's ignore list (sakerctl config set ignore=PIDS). A process on it is not
# recorded (opens, forks, exit), only counted as "ignored", while its children and everyone else are;
# once it exits, a new process given its pid is recorded again; the list goes with the reader; bad
# ids are refused (ESRCH, usage errors, too many) and a refused set changes nothing, classes and
# filter included; sakerd raises a critical alert while a list is set and a notice when it empties.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

command -v genlpoke >/dev/null 2>&1 || fail "no genlpoke helper"

# ignore_now: the ignore= line of sakerctl config get.
ignore_now() {
	sakerctl config get | grep '^ignore=' || fail "config get: no ignore= line"
}

load_module
assert_eq "$(ignore_now)" "ignore=none" "ignore list after load"
start_trace out.json err.json

# bg waits for "go" with builtins only (no fork before it is ignored), then opens /etc/hostname itself (a redirection: no child) and runs a child
# that opens /proc/version, 20 times.
rm -f go
sh -c 'echo $$ >bg.pid
	while [ ! -e go ]; do :; done
	i=0
	while [ $i -lt 20 ]; do read -r x </etc/hostname; cat /proc/version >/dev/null; i=$((i + 1)); done' &
bgsh=$!
wait_for 10 test -s bg.pid || fail "bg did not start"
bg=$(cat bg.pid)
dmesg -c >/dev/null 2>&1 || true
sakerctl config set ignore="$bg" 2>set.err || fail "config set ignore=$bg: $(cat set.err)"
assert_eq "$(ignore_now)" "ignore=$bg" "ignore list after the set"
dmesg | grep -q 'ignore list of 1 thread groups, set by pid' || fail "no kernel log line for the set: $(dmesg | tail -n 5)"
sakerctl status >st.txt 2>&1 || fail "status: $(cat st.txt)"
grep -q "^ignore list  $bg: " st.txt || fail "status shows no ignore list: $(cat st.txt)"
if runas 65534 65534 sakerctl config set ignore=none >np.out 2>np.err; then
	fail "unprivileged config set ignore=none succeeded"
fi
assert_eq "$(ignore_now)" "ignore=$bg" "ignore list after the refused unprivileged change"
: >go
wait_exit "$bgsh" 60 || fail "bg did not finish"
[ "$WAIT_STATUS" -eq 0 ] || fail "bg exited with $WAIT_STATUS"
run_pid other.pid cat /etc/hostname >/dev/null || fail "cat /etc/hostname"
trace_sync
assert_none out.json '.type == "open" and .pid == $p and .path == "/etc/hostname"' \
	"an open of the ignored process was recorded" --argjson p "$bg"
assert_none out.json '(.type == "exit" and .pid == $p) or (.type == "fork" and .parent_tid == $p)' \
	"the ignored process's exit or forks were recorded" --argjson p "$bg"
assert_count out.json '.type == "open" and .ppid == $p and .path == "/proc/version"' 20 \
	"the ignored process's children are recorded" --argjson p "$bg"
assert_some out.json '.type == "open" and .pid == $p and .path == "/etc/hostname"' \
	"another process's open of the same file" --argjson p "$(cat other.pid)"
sakerctl stats --json >stats.json 2>stats.err || fail "stats: $(cat stats.err)"
event_check "$(cat stats.json)" '.total.ignored >= 41 and .total.ignored == ([.cpus[].ignored] | add)' \
	"ignored counts the process's 20 opens, 20 forks and exit"

# Gone: the list shows no one, and a new process given the same pid is recorded.
assert_eq "$(ignore_now)" "ignore=none" "ignore list once the process exited"
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	n=0
	while [ $n -lt 10 ]; do
		echo $((bg - 1)) >/proc/sys/kernel/ns_last_pid
		sh -c 'echo $$ >reuse.pid; read -r x </etc/hostname'
		[ "$(cat reuse.pid)" = "$bg" ] && break
		n=$((n + 1))
	done
	[ "$(cat reuse.pid)" = "$bg" ] || fail "could not start a process as pid $bg again"
	trace_sync
	assert_some out.json '.type == "open" and .pid == $p and .path == "/etc/hostname"' \
		"a new process given the ignored pid is not recorded" --argjson p "$bg"
else
	info "no /proc/sys/kernel/ns_last_pid: pid reuse not tried"
fi

# Refused: no such process, a thread's id, bad lists; a refused set changes nothing.
if sakerctl config set ignore=2147483000 >esrch.out 2>esrch.err; then fail "ignore of a missing pid accepted"; fi
grep -q 'no thread group with this id' esrch.err || fail "no reason for a missing pid: $(cat esrch.err)"
for bad in abc "1," ,1 1,,2 0 -5 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17; do
	sakerctl config set ignore=$bad >bad.out 2>bad.err
	st=$?
	[ "$st" -eq 2 ] || fail "config set ignore=$bad: exit $st, not a usage error: $(cat bad.err)"
done
poke ignstray 22
poke ignmany 7
poke ignatomic 3
assert_eq "$(sakerctl config get | tr '\n' ' ')" "classes=all open_filter=none ignore=none " \
	"configuration after the refused sets"

# The list is the reader's: it goes when the reader closes the device.
sakerctl config set ignore=$$ 2>self.err || fail "config set ignore=$$: $(cat self.err)"
assert_eq "$(ignore_now)" "ignore=$$" "ignore list with the test shell"
stop_trace
assert_eq "$(ignore_now)" "ignore=none" "ignore list after the reader closed"

# sakerd: an alert while someone else's list is set, a notice when it empties.
if command -v sakerd >/dev/null 2>&1; then
	# shellcheck source=tests/vm/sakerd-lib.sh
	. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"
	sd_install 'json_output: true'
	sd_start
	sleep 300 &
	slp=$!
	sakerctl config set ignore=$slp 2>sd.err || fail "config set ignore=$slp: $(cat sd.err)"
	ignore_alert() { grep -F '"rule":"saker: ignore list changed"' sakerd.out | grep -F "$1" | grep -qF "$2"; }
	wait_for 10 ignore_alert "does not record the thread groups $slp:" '"priority":"Critical"' ||
		fail "no alert for the ignore list: $(tail -n 3 sakerd.out)"
	kill $slp
	wait $slp 2>/dev/null
	wait_for 10 ignore_alert "ignores no thread group again (was $slp)" '"priority":"Notice"' ||
		fail "no notice when the ignored process exited: $(tail -n 3 sakerd.out)"
	sd_stop
else
	info "sakerd not in the initramfs: the daemon part is skipped"
fi
unload_module
