#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t46-compat32: a 32-bit program's calls are named from the ia32 syscall table: its open (ia32 5, which
# is fstat on x86_64), a failed openat (ia32 295) and its execve (ia32 11) come out as "open",
# "openat" and "execve", the opens flagged compat, with the right fd and errno. (Exec of a 64-bit
# binary turns the call into a native execve before the exec tracepoint: not compat any more.)
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

[ -e /etc/hostname ] || { echo saker-vm >/etc/hostname && on_exit 'rm -f /etc/hostname'; } ||
	fail "create /etc/hostname"
load_module
start_trace out.json err.json
run_pid c.pid compat32 2>c.err
st=$?
stop_trace
[ "$st" -eq 0 ] || { grep -q 'Exec format error' c.err && skip "kernel runs no 32-bit programs"; fail "compat32 exit $st"; }
p=$(cat c.pid)
ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/etc/hostname"' --argjson p "$p")
event_check "$ev" '.syscall == "open" and .compat == true and .fd == 3 and .errno == 0' "ia32 open"
ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/nonexistent/compat32"' --argjson p "$p")
event_check "$ev" '.syscall == "openat" and .compat == true and .errno == 2' "ia32 openat, failed"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .filename == "/saker/bin/truebin"' --argjson p "$p")
event_check "$ev" '.syscall == "execve"' "ia32 execve"
unload_module
