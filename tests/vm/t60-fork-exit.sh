#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t60-fork-exit: process lifecycle. A shell's short-lived child is reported as fork (child pid, parent),
# exec and exit (group_dead, exit_code 0) in that order; exit codes are in wait(2) form: `exit 3` is
# 768, death by SIGKILL is 9.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

true_bin=/bin/true
[ -x "$true_bin" ] || true_bin=/saker/bin/truebin

load_module
start_trace out.json err.json

# $true_bin is not the last command, so sh forks a child for it.
sh -c "echo \$\$ >sh.pid; $true_bin; exit 0" || fail "sh -c '$true_bin; exit 0'"
sh -c 'echo $$ >three.pid; exit 3'
[ $? -eq 3 ] || fail "sh -c 'exit 3' did not exit 3"
sh -c 'echo $$ >killed.pid; kill -9 $$'
[ $? -eq 137 ] || fail "sh -c 'kill -9 \$\$' did not die of SIGKILL"

stop_trace

sp=$(cat sh.pid)
# The sh itself: forked by this shell, exec'd, exited 0.
assert_count out.json '.type == "fork" and .pid == $p' 1 "sh: want one fork event with the child pid" --argjson p "$sp"
ev=$(jq_first out.json '.type == "fork" and .pid == $p' --argjson p "$sp")
event_check "$ev" ".ppid == $$ and .parent_tid == $$ and .tid == $sp and .thread == false" \
	"sh: fork event must name this shell ($$) as the parent"

# Its one child: the fork whose parent is the sh.
assert_count out.json '.type == "fork" and .parent_tid == $p' 1 "sh: want exactly one fork of a child" --argjson p "$sp"
fork=$(jq_first out.json '.type == "fork" and .parent_tid == $p' --argjson p "$sp")
cp=$(jq_get "$fork" .pid)
event_check "$fork" ".ppid == $sp and .tid == $cp and .thread == false and .vpid == $cp" "child: fork event"
exec_ev=$(jq_first out.json '.type == "exec" and .pid == $p' --argjson p "$cp")
[ -n "$exec_ev" ] || fail "child $cp: no exec event"
event_check "$exec_ev" ".filename == \"$true_bin\" and .ppid == $sp" "child $cp: exec of $true_bin"
assert_count out.json '.type == "exit" and .pid == $p' 1 "child $cp: want exactly one exit event" --argjson p "$cp"
exit_ev=$(jq_first out.json '.type == "exit" and .pid == $p' --argjson p "$cp")
event_check "$exit_ev" '.exit_code == 0 and .group_dead == true and .tid == $p' "child $cp: exit" --argjson p "$cp"
# Order by timestamp: fork < exec < exit.
t_fork=$(jq_get "$fork" .ts)
t_exec=$(jq_get "$exec_ev" .ts)
t_exit=$(jq_get "$exit_ev" .ts)
if [ "$t_fork" -ge "$t_exec" ] || [ "$t_exec" -ge "$t_exit" ]; then
	fail "child $cp: timestamps out of order: fork $t_fork exec $t_exec exit $t_exit"
fi
# The sh's own exit comes after its child's.
ev=$(jq_first out.json '.type == "exit" and .pid == $p' --argjson p "$sp")
event_check "$ev" '.exit_code == 0 and .group_dead == true' "sh: exit"
event_check "$ev" ".ts > $t_exit" "sh: exited before its child"

ev=$(jq_first out.json '.type == "exit" and .pid == $p' --argjson p "$(cat three.pid)")
[ -n "$ev" ] || fail "no exit event for sh -c 'exit 3'"
event_check "$ev" '.exit_code == 768 and .group_dead == true' "exit 3: exit_code is in wait(2) form, 3 << 8"

ev=$(jq_first out.json '.type == "exit" and .pid == $p' --argjson p "$(cat killed.pid)")
[ -n "$ev" ] || fail "no exit event for sh killed by SIGKILL"
event_check "$ev" '.exit_code == 9 and .group_dead == true' "kill -9: exit_code is the signal number"

unload_module
