#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t66-load: loads of kernel code (the LSM hooks security_kernel_read_file and
# security_kernel_load_data). insmod of a module gives a "load" event with what "module" and, when
# given by descriptor (finit_module), the file's path and inode; a file that is no module is
# recorded too (the kernel reads it before it checks it) and the insmod fails; an unprivileged
# insmod is refused before the kernel reads anything: no event; with the class off, none at all.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

mod=/saker/testmods/emubare.ko
[ -f "$mod" ] || skip "no $mod (scripts/kernels.sh build-testmods)"
ino=$(stat -c %i "$mod") || fail "stat $mod"

load_module
sakerctl status --json >status.json || fail "sakerctl status: $(cat status.json)"
jq -e '.features | index("load")' status.json >/dev/null || fail "no load feature: $(cat status.json)"
jq -e '.hooks | map(.name) | index("security_kernel_read_file")' status.json >/dev/null ||
	fail "security_kernel_read_file is not among the hooks: $(cat status.json)"

start_trace out.json err.json
run_pid ok.pid insmod "$mod" || fail "insmod $mod: $(dmesg | tail -n 3)"
rmmod emubare || fail "rmmod emubare"
run_pid bad.pid insmod /etc/hostname 2>bad.err && fail "insmod /etc/hostname succeeded"
run_pid user.pid runas 1000 1000 insmod "$mod" 2>user.err && fail "alice could insmod"
sakerctl config set classes=exec,fork,exit,open,cred >set.out 2>&1 || fail "classes without load: $(cat set.out)"
run_pid off.pid insmod "$mod" || fail "insmod with the load class off"
rmmod emubare || fail "rmmod emubare (class off)"
sakerctl config set classes=all >set.out 2>&1 || fail "classes=all: $(cat set.out)"
stop_trace

okp=$(cat ok.pid)
assert_count out.json '.type == "load" and .pid == $p' 1 "insmod: one load event" --argjson p "$okp"
ev=$(jq_first out.json '.type == "load" and .pid == $p' --argjson p "$okp")
event_check "$ev" '.what == "module" and .comm == "insmod" and .uid == 0' "insmod: a module load by root"
case $(echo "$ev" | jq -r .syscall) in
finit_module)
	event_check "$ev" '.path == $m and .ino == $i and .path_truncated == false' \
		"finit_module: the module file" --arg m "$mod" --argjson i "$ino" ;;
init_module) event_check "$ev" '.path == null' "init_module: no file" ;;
*) fail "insmod: unexpected syscall: $ev" ;;
esac
assert_some out.json '.type == "load" and .pid == $p and .what == "module"' \
	"insmod of a file that is no module: recorded" --argjson p "$(cat bad.pid)"
assert_count out.json '.type == "load" and .pid == $p' 0 "unprivileged insmod: refused before the read" \
	--argjson p "$(cat user.pid)"
assert_count out.json '.type == "load" and .pid == $p' 0 "the load class off" --argjson p "$(cat off.pid)"

unload_module
