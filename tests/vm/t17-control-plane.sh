#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t17-control-plane: the generic netlink family "saker". sakerctl status and stats answer with or
# without a reader, and while one holds /dev/saker (which sakerctl info cannot); an unprivileged
# caller gets EPERM for every command and nothing changes; root can turn
# event classes off and on, each change in the kernel log; the kernel refuses malformed requests
# with EINVAL and a reason; sakerd raises an alert for classes off at start and for every change
# while it runs, and status and stats answer while it holds the ring; unloading the module removes
# the family.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

tb=$(command -v truebin) || fail "no truebin helper"
command -v genlpoke >/dev/null 2>&1 || fail "no genlpoke helper"
cpus=$(grep -c "^processor" /proc/cpuinfo)

# Before the module: a clear message, status 1.
if sakerctl status >none.out 2>none.err; then fail "sakerctl status succeeded with no module"; fi
grep -q 'not loaded' none.err || fail "no 'not loaded' message: $(cat none.err)"

load_module
sakerctl status --json >s0.json 2>s0.err || fail "sakerctl status: $(cat s0.err)"
event_check "$(cat s0.json)" '.reader_pid == 0 and .classes == "all" and .classes_mask == 511 and
	.abi_version == 2 and .module_version == "0.1.0" and .nr_rings >= '"$cpus" "status without a reader"
event_check "$(cat s0.json)" '(.hooks | map(.name) | index("sched_process_exec")) != null and
	(.hooks[] | select(.name == "fd_install") | .kind == "kprobe") and
	(.hooks[] | select(.name == "sched_process_fork") | .hits > 0)' "status lists the hooks with their runs"
sakerctl status >s0.txt 2>&1 || fail "sakerctl status (table): $(cat s0.txt)"
grep -q '^reader  *none' s0.txt || fail "table: no 'reader none' line: $(cat s0.txt)"

start_trace out.json err.json
# The reader holds the device: info cannot open it, status and stats still answer.
if sakerctl info >info.out 2>info.err; then fail "sakerctl info opened the device beside a reader"; fi
sakerctl status --json >s1.json 2>s1.err || fail "status beside a reader: $(cat s1.err)"
event_check "$(cat s1.json)" '.reader_pid == '"$TRACE_PID"' and .reader_comm == "sakerctl"' \
	"status names the reader"
i=0
while [ $i -lt 20 ]; do cat /proc/version >/dev/null; i=$((i + 1)); done
sakerctl stats --json >st1.json 2>st1.err || fail "sakerctl stats: $(cat st1.err)"
event_check "$(cat st1.json)" '(.cpus | length) >= '"$cpus"' and .total.events > 0 and
	.total.events == ([.cpus[].events] | add) and (.cpus | map(.cpu) | sort == (. | unique))' \
	"stats: one entry per CPU, totals add up, events counted"
sakerctl stats >st1.txt 2>&1 || fail "sakerctl stats (table): $(cat st1.txt)"
grep -q '^total ' st1.txt || fail "stats table: no total row: $(cat st1.txt)"
# Unprivileged: EPERM for every command, reads included (root's only, as the device), and nothing
# changed.
for cmd in "status" "stats --json" "config get" "config set classes=exec"; do
	# shellcheck disable=SC2086 # the command's words
	if runas 65534 65534 sakerctl $cmd >np.out 2>np.err; then
		fail "unprivileged 'sakerctl $cmd' succeeded: $(cat np.out)"
	fi
	grep -q 'not permitted' np.err || fail "unprivileged 'sakerctl $cmd': no EPERM message: $(cat np.err)"
done
assert_eq "$(sakerctl config get | head -n 1)" "classes=all" "classes after the refused change"

# Root turns opens off: no open event, exec still recorded; then on again.
dmesg -c >/dev/null 2>&1 || true
sakerctl config set classes=exec,fork,exit 2>cs.err || fail "config set: $(cat cs.err)"
assert_eq "$(sakerctl config get | head -n 1)" "classes=exec,fork,exit" "classes after the change"
dmesg | grep -q 'event classes 0x1ff -> 0x7, set by pid' || fail "no kernel log line for the change: $(dmesg | tail -n 5)"
run_pid off.pid cat /proc/cmdline >/dev/null || fail "cat /proc/cmdline"
run_pid tb.pid "$tb" || fail "truebin"
sakerctl config set classes=all 2>ca.err || fail "config set all: $(cat ca.err)"
run_pid on.pid cat /proc/cmdline >/dev/null || fail "cat /proc/cmdline (on)"
stop_trace
assert_none out.json '.type == "open" and .pid == $p' "an open was recorded with the open class off" \
	--argjson p "$(cat off.pid)"
assert_some out.json '.type == "exec" and .pid == $p' "no exec event with the open class off" \
	--argjson p "$(cat tb.pid)"
assert_some out.json '.type == "open" and .pid == $p and .path == "/proc/cmdline"' \
	"no open event once the open class is back" --argjson p "$(cat on.pid)"

# Malformed requests: EINVAL (22) with a reason; an unknown command: EOPNOTSUPP (95).
poke bits 22
grep -q 'unknown event class bits' poke.bits || fail "no reason for unknown bits: $(cat poke.bits)"
poke outattr 22
poke badsize 22
poke empty 22
grep -q 'nothing to set' poke.empty || fail "no reason for an empty set: $(cat poke.empty)"
poke above 22
poke stray 22
grep -q 'not taken by this command' poke.stray || fail "no reason for a stray attribute: $(cat poke.stray)"
poke nocpu 22
poke badcmd 95
genlpoke resv >poke.resv 2>&1 || true
info "genlpoke resv: $(cat poke.resv)"
assert_eq "$(sakerctl config get | head -n 1)" "classes=all" "classes after the malformed requests"

# sakerd holds the ring: status names it, stats answer, and it warned of the classes left off.
if command -v sakerd >/dev/null 2>&1; then
	# shellcheck source=tests/vm/sakerd-lib.sh
	. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"
	sd_install 'json_output: true'
	sakerctl config set classes=exec,open 2>cs2.err || fail "config set exec,open: $(cat cs2.err)"
	sd_start
	grep -q 'records only these event classes: exec,open' sakerd.err ||
		fail "sakerd did not warn of the classes off: $(cat sakerd.err)"
	sakerctl status --json >s3.json 2>s3.err || fail "status beside sakerd: $(cat s3.err)"
	event_check "$(cat s3.json)" '.reader_pid == '"$SD_PID"' and .reader_comm == "sakerd" and
		.classes == "exec,open"' "status names sakerd as the reader"
	sakerctl stats --json >st3.json 2>st3.err || fail "stats beside sakerd: $(cat st3.err)"
	# An alert where alerts go, at start and when the classes change under sakerd.
	# classes_alert TEXT: sakerd wrote the classes alert whose output holds TEXT.
	classes_alert() { grep -F '"rule":"saker: event classes changed"' sakerd.out | grep -qF "$1"; }
	wait_for 10 classes_alert 'exec,open (was all)' ||
		fail "no alert for the classes off at start: $(cat sakerd.out)"
	sakerctl config set classes=all 2>ca2.err || fail "config set all: $(cat ca2.err)"
	wait_for 10 classes_alert 'records every event class again (was exec,open)' ||
		fail "no alert for the classes back on: $(tail -n 3 sakerd.out)"
	sakerctl config set classes=exec 2>ce.err || fail "config set exec: $(cat ce.err)"
	wait_for 10 classes_alert 'only these event classes: exec (was all)' ||
		fail "no alert for the classes turned off under sakerd: $(tail -n 3 sakerd.out)"
	sd_stop
	sakerctl config set classes=all 2>ca3.err || fail "config set all: $(cat ca3.err)"
else
	info "sakerd not in the initramfs: the daemon part is skipped"
fi

unload_module
if sakerctl status >gone.out 2>gone.err; then fail "sakerctl status succeeded after rmmod"; fi
grep -q 'not loaded' gone.err || fail "after rmmod: no 'not loaded' message: $(cat gone.err)"
