#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t64-cred: credential changes (commit_creds). runas's setgid and setuid each give one "cred" event
# with the ids before and after and the syscall that made them (setuid also drops root's
# capabilities); an exec of a set-user-ID binary by uid 1000 gives one with euid 0 and syscall
# execve; unshare -U one with a new user namespace; an exec that changes nothing gives none; with
# the class turned off, none at all.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

true_bin=/saker/bin/truebin
[ -x "$true_bin" ] || fail "no truebin helper"
{ cp "$true_bin" suidtrue && chown 0:0 suidtrue && chmod 4755 suidtrue; } || fail "setup: suidtrue"
chmod 755 . || fail "setup: chmod ."

load_module
sakerctl status --json >status.json || fail "sakerctl status: $(cat status.json)"
jq -e '.features | index("cred")' status.json >/dev/null || fail "no cred feature: $(cat status.json)"
jq -e '.hooks | map(.name) | index("commit_creds")' status.json >/dev/null ||
	fail "commit_creds is not among the hooks: $(cat status.json)"

start_trace out.json err.json
run_pid ra.pid runas 1000 1000 "$true_bin" || fail "runas 1000 1000 truebin"
run_pid su.pid runas 1000 1000 "$PWD/suidtrue" || fail "runas 1000 1000 suidtrue"
run_pid plain.pid "$true_bin" || fail "truebin"
run_pid us.pid unshare -U "$true_bin" || fail "unshare -U truebin"
sakerctl config set classes=exec,fork,exit,open >set.out 2>&1 || fail "classes without cred: $(cat set.out)"
run_pid off.pid runas 1000 1000 "$true_bin" || fail "runas with the cred class off"
sakerctl config set classes=all >set.out 2>&1 || fail "classes=all: $(cat set.out)"
stop_trace

ra=$(cat ra.pid)
assert_count out.json '.type == "cred" and .pid == $p' 2 "runas: setgid and setuid, one event each" --argjson p "$ra"
ev=$(jq_first out.json '.type == "cred" and .pid == $p and .syscall == "setgid"' --argjson p "$ra")
event_check "$ev" '.old.gid == 0 and .new.gid == 1000 and .new.egid == 1000 and .new.sgid == 1000 and .new.fsgid == 1000' \
	"setgid: gids 0 -> 1000"
event_check "$ev" '.old.uid == 0 and .new.uid == 0 and .uid == 0' "setgid: the uid stays 0"
ev=$(jq_first out.json '.type == "cred" and .pid == $p and .syscall == "setuid"' --argjson p "$ra")
event_check "$ev" '.old.uid == 0 and .new.uid == 1000 and .new.euid == 1000 and .new.suid == 1000 and .new.fsuid == 1000' \
	"setuid: uids 0 -> 1000"
event_check "$ev" '.old.cap_effective != 0 and .new.cap_effective == 0 and .new.cap_permitted == 0' \
	"setuid: root's capabilities dropped"
event_check "$ev" '.old.gid == 1000 and .comm == "runas"' "setuid: after setgid, by runas"

su=$(cat su.pid)
assert_count out.json '.type == "cred" and .pid == $p and .syscall == "execve"' 1 \
	"set-user-ID exec: one event from execve" --argjson p "$su"
ev=$(jq_first out.json '.type == "cred" and .pid == $p and .syscall == "execve"' --argjson p "$su")
event_check "$ev" '.old.euid == 1000 and .new.euid == 0 and .new.suid == 0 and .new.uid == 1000 and .uid == 1000' \
	"set-user-ID exec: euid 1000 -> 0, the real uid stays"

assert_count out.json '.type == "cred" and .pid == $p' 0 "an exec that changes nothing" \
	--argjson p "$(cat plain.pid)"
us=$(cat us.pid)
assert_some out.json '.type == "cred" and .pid == $p and .syscall == "unshare" and .new.userns != .old.userns' \
	"unshare -U: a new user namespace" --argjson p "$us"
assert_count out.json '.type == "cred" and .pid == $p' 0 "the cred class off" --argjson p "$(cat off.pid)"
assert_some out.json '.type == "exec" and .pid == $p' "the cred class off: execs still recorded" \
	--argjson p "$(cat off.pid)"

unload_module
