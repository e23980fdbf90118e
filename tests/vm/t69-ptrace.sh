#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t69-ptrace: a process reaching another (the ptrace access check in attach mode). PTRACE_ATTACH,
# an open of /proc/PID/mem and process_vm_readv each give one "ptrace" event naming the target
# (pid, comm, euid), the syscall and, for ptrace, the request; reading /proc/PID/status (read mode,
# what ps does) gives none; alice attaching to root's process is refused before the check: none;
# with the class off, none at all.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

command -v ptraceat >/dev/null 2>&1 || fail "no ptraceat helper"
load_module
sakerctl status --json >status.json || fail "sakerctl status: $(cat status.json)"
jq -e '.features | index("ptrace")' status.json >/dev/null || fail "no ptrace feature: $(cat status.json)"

sleep 60 &
tpid=$!
on_exit "kill $tpid 2>/dev/null"

start_trace out.json err.json
run_pid at.pid ptraceat attach "$tpid" || fail "ptraceat attach $tpid"
run_pid mem.pid ptraceat mem "$tpid" || fail "ptraceat mem $tpid"
run_pid vm.pid ptraceat vmread "$tpid" || fail "ptraceat vmread $tpid"
run_pid st.pid cat "/proc/$tpid/status" >/dev/null || fail "cat /proc/$tpid/status"
run_pid user.pid runas 1000 1000 ptraceat attach "$tpid" 2>user.err && fail "alice could attach to root's process"
sakerctl config set classes=exec,fork,exit,open,cred,load,ns >set.out 2>&1 ||
	fail "classes without ptrace: $(cat set.out)"
run_pid off.pid ptraceat attach "$tpid" || fail "ptraceat attach with the class off"
sakerctl config set classes=all >set.out 2>&1 || fail "classes=all: $(cat set.out)"
stop_trace

target='.target_pid == $t and .target_tid == $t and .target_comm == "sleep" and .target_euid == 0'
at=$(cat at.pid)
assert_count out.json '.type == "ptrace" and .pid == $p' 1 "PTRACE_ATTACH: one event" --argjson p "$at"
ev=$(jq_first out.json '.type == "ptrace" and .pid == $p' --argjson p "$at")
event_check "$ev" "$target" "PTRACE_ATTACH: the target" --argjson t "$tpid"
event_check "$ev" '.syscall == "ptrace" and .request == 16 and .realcreds == true and .comm == "ptraceat"' \
	"PTRACE_ATTACH: by ptrace(2), request 16"

mp=$(cat mem.pid)
assert_count out.json '.type == "ptrace" and .pid == $p' 1 "/proc/PID/mem: one event" --argjson p "$mp"
ev=$(jq_first out.json '.type == "ptrace" and .pid == $p' --argjson p "$mp")
event_check "$ev" "$target" "/proc/PID/mem: the target" --argjson t "$tpid"
event_check "$ev" '.request == null and .realcreds == false' "/proc/PID/mem: not ptrace(2)"

vp=$(cat vm.pid)
assert_count out.json '.type == "ptrace" and .pid == $p' 1 "process_vm_readv: one event" --argjson p "$vp"
ev=$(jq_first out.json '.type == "ptrace" and .pid == $p' --argjson p "$vp")
event_check "$ev" "$target and .syscall == \"process_vm_readv\"" "process_vm_readv: the target" --argjson t "$tpid"

assert_count out.json '.type == "ptrace" and .pid == $p' 0 "read mode (/proc/PID/status)" --argjson p "$(cat st.pid)"
assert_count out.json '.type == "ptrace" and .pid == $p' 0 "alice refused before the check" \
	--argjson p "$(cat user.pid)"
assert_count out.json '.type == "ptrace" and .pid == $p' 0 "the ptrace class off" --argjson p "$(cat off.pid)"

unload_module
