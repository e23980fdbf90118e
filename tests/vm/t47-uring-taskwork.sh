#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t47-uring-taskwork: an io_uring open that runs from task_work while its task is inside an open
# syscall (a linked IORING_OP_OPENAT into a fixed-file slot, released as a blocked open(FIFO) is
# interrupted) is recorded: it is not the syscall's own open, and no fd_install() follows it.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

[ -e /etc/hostname ] || { echo saker-vm >/etc/hostname && on_exit 'rm -f /etc/hostname'; } ||
	fail "create /etc/hostname"
mkfifo fifo || fail "mkfifo"
load_module
start_trace out.json err.json
run_pid u.pid uring_taskwork "$PWD/fifo" /etc/hostname >u.out 2>&1
st=$?
stop_trace
[ "$st" -eq 3 ] && skip "io_uring direct opens unavailable: $(cat u.out)"
[ "$st" -eq 0 ] || fail "uring_taskwork exit $st: $(cat u.out)"
assert_eq "$(cat u.out)" "open res=0" "the linked open into slot 0"
p=$(cat u.pid)
# The helper opens PATH itself first (to have it cached), then io_uring does.
ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/etc/hostname" and .fd == null' --argjson p "$p")
[ -n "$ev" ] || fail "the io_uring open of /etc/hostname run from task_work inside open(FIFO) is missing: $(
	jq_count out.json '.type == "open" and .pid == $p and .path == "/etc/hostname"' --argjson p "$p") of 2 opens seen"
info "event: $ev"
event_check "$ev" '.errno == 0' "io_uring open run from task_work inside open(FIFO)"
# The FIFO open itself, restarted after the task_work, is the syscall's own: recorded once, with its fd.
assert_count out.json '.type == "open" and .pid == $p and .path == $f and .errno == 0 and .flags % 4 == 0' 1 \
	"the FIFO's own open" --argjson p "$p" --arg f "$PWD/fifo"
unload_module
