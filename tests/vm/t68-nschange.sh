#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t68-nschange: namespaces joined or made (switch_task_namespaces). unshare -u -i gives one
# "nschange" event from unshare with new uts and ipc namespaces and the rest unchanged; nsenter into
# another process's uts and mount namespaces gives events from setns that end in that process's
# namespaces (an entry into a container that does not join its cgroup is still seen); an exec that
# changes nothing gives none; with the class off, none at all.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

true_bin=/saker/bin/truebin
[ -x "$true_bin" ] || fail "no truebin helper"
nsino() { stat -L -c %i "/proc/$1/ns/$2"; }

load_module
sakerctl status --json >status.json || fail "sakerctl status: $(cat status.json)"
jq -e '.features | index("nschange")' status.json >/dev/null || fail "no nschange feature: $(cat status.json)"

# The target: a process in its own uts and mount namespaces.
unshare -u -m sleep 60 &
tpid=$!
on_exit "kill $tpid 2>/dev/null"
target_ready() { [ "$(nsino "$tpid" uts)" != "$(nsino $$ uts)" ]; }
wait_for 5 target_ready || fail "the target did not get its own uts namespace"
t_uts=$(nsino "$tpid" uts)
t_mnt=$(nsino "$tpid" mnt)

start_trace out.json err.json
run_pid un.pid unshare -u -i "$true_bin" || fail "unshare -u -i truebin"
run_pid ne.pid nsenter -t "$tpid" -u -m "$true_bin" || fail "nsenter -t $tpid -u -m truebin"
run_pid plain.pid "$true_bin" || fail "truebin"
sakerctl config set classes=exec,fork,exit,open,cred,load >set.out 2>&1 || fail "classes without ns: $(cat set.out)"
run_pid off.pid unshare -u "$true_bin" || fail "unshare with the ns class off"
sakerctl config set classes=all >set.out 2>&1 || fail "classes=all: $(cat set.out)"
stop_trace

un=$(cat un.pid)
assert_count out.json '.type == "nschange" and .pid == $p' 1 "unshare -u -i: one event" --argjson p "$un"
ev=$(jq_first out.json '.type == "nschange" and .pid == $p' --argjson p "$un")
event_check "$ev" '.syscall == "unshare" and .comm == "unshare"' "unshare: by the unshare syscall"
event_check "$ev" '.new_ns.uts != .ns.uts and .new_ns.ipc != .ns.ipc' "unshare: new uts and ipc namespaces"
event_check "$ev" '.new_ns.mnt == .ns.mnt and .new_ns.net == .ns.net and .new_ns.pid == .pid_children_was' \
	"unshare: the other namespaces unchanged"

ne=$(cat ne.pid)
assert_some out.json '.type == "nschange" and .pid == $p and .syscall == "setns"' "nsenter: events from setns" \
	--argjson p "$ne"
assert_some out.json '.type == "nschange" and .pid == $p and .new_ns.uts == $u' \
	"nsenter: the target's uts namespace joined" --argjson p "$ne" --argjson u "$t_uts"
assert_some out.json '.type == "nschange" and .pid == $p and .new_ns.mnt == $m' \
	"nsenter: the target's mount namespace joined" --argjson p "$ne" --argjson m "$t_mnt"
assert_some out.json '.type == "exec" and .pid == $p and .ns.uts == $u and .ns.mnt == $m' \
	"nsenter: truebin runs in the target's namespaces" --argjson p "$ne" --argjson u "$t_uts" --argjson m "$t_mnt"

assert_count out.json '.type == "nschange" and .pid == $p' 0 "an exec that changes nothing" \
	--argjson p "$(cat plain.pid)"
assert_count out.json '.type == "nschange" and .pid == $p' 0 "the ns class off" --argjson p "$(cat off.pid)"

unload_module
