#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t30-open-paths: every way of opening /etc/shadow -- plain, through "..", relative to cwd /etc,
# through a symlink, and through io_uring (inline and punted to an io-wq worker) -- is reported as an
# open of exactly "/etc/shadow" with errno 0, the right fd, inode and device, by the right process.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

# An existing /etc/shadow is left as it is (root-owned, not world-readable on any sane system).
if [ ! -e /etc/shadow ]; then
	mkdir -p /etc || fail "mkdir /etc"
	(umask 077 && echo 'root:*:19000:0:99999:7:::' >/etc/shadow) || fail "create /etc/shadow"
	on_exit 'rm -f /etc/shadow'
fi
ino=$(stat -c %i /etc/shadow) || fail "stat /etc/shadow"
dev=$(stat -c %d /etc/shadow)
lnk=/tmp/saker-lnk.$$
ln -sf /etc/shadow "$lnk" || fail "ln -s"
on_exit "rm -f '$lnk'"

load_module
start_trace out.json err.json

# run_pid closes fds 3-9, so cat's open returns fd 3.
run_pid plain.pid cat /etc/shadow >/dev/null || fail "cat /etc/shadow"
run_pid dotdot.pid cat /etc/../etc/shadow >/dev/null || fail "cat /etc/../etc/shadow"
run_pid rel.pid sh -c 'cd /etc && exec cat shadow' >/dev/null || fail "cd /etc && cat shadow"
run_pid link.pid cat "$lnk" >/dev/null || fail "cat $lnk"
run_pid uring.pid uring_open /etc/shadow >uring.out 2>&1
st=$?
[ "$st" -eq 3 ] && fail "io_uring is not available in this kernel: $(cat uring.out)"
[ "$st" -eq 0 ] || fail "uring_open /etc/shadow: $(cat uring.out)"
run_pid uringa.pid uring_open -a /etc/shadow >uringa.out 2>&1 || fail "uring_open -a /etc/shadow: $(cat uringa.out)"

stop_trace

# check_open PIDFILE WHAT: the process of PIDFILE has exactly one open of /etc/shadow, done by cat with
# fd 3, and it is right in every field.
check_open() {
	p=$(cat "$1")
	assert_count out.json '.type == "open" and .pid == $p and .path == "/etc/shadow"' 1 \
		"$2: want exactly one open event with path /etc/shadow" --argjson p "$p"
	ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/etc/shadow"' --argjson p "$p")
	event_check "$ev" '.errno == 0 and .errname == null' "$2: errno"
	event_check "$ev" '.fd == 3' "$2: fd (fds 3-9 were closed, so the kernel returned 3)"
	event_check "$ev" '.comm == "cat" and .tid == $p' "$2: process" --argjson p "$p"
	event_check "$ev" ".ino == $ino and .dev == $dev" "$2: ino/dev must be those of /etc/shadow ($ino, $dev)"
	event_check "$ev" '.path_from_name == false and .path_truncated == false and .is_exec == false' "$2: flags"
	event_check "$ev" '(.flags % 4) == 0' "$2: O_RDONLY"
	event_check "$ev" '.syscall == "openat" or .syscall == "open"' "$2: syscall"
	event_check "$ev" '.io_worker == false' "$2: io_worker"
}
check_open plain.pid "cat /etc/shadow"
check_open dotdot.pid "cat /etc/../etc/shadow"
check_open rel.pid "cd /etc && cat shadow"
check_open link.pid "cat $lnk (symlink)"
# The symlink itself is never reported as the path.
assert_none out.json '.type == "open" and .path == $l' "symlink path reported instead of its target" --arg l "$lnk"

# check_uring_count PID WHAT: exactly one successful open of /etc/shadow by PID. The kernel may first
# try the open non-blocking (LOOKUP_CACHED) and fail it with EAGAIN before a worker retries it; such
# an attempt may be reported, no other failure may.
check_uring_count() {
	assert_count out.json '.type == "open" and .pid == $p and .path == "/etc/shadow" and .errno == 0' 1 \
		"$2: want exactly one successful open event of /etc/shadow" --argjson p "$1"
	assert_none out.json '.type == "open" and .pid == $p and .path == "/etc/shadow" and .errno != 0 and .errno != 11' \
		"$2: failed open of /etc/shadow reported" --argjson p "$1"
}

# io_uring, inline: issued from io_uring_enter by the process itself (or, if the kernel punted it,
# by one of its io-wq workers). fd: the one uring_open printed, or null when the kernel cannot know it.
p=$(cat uring.pid)
fd=$(sed -n 's/^fd=//p' uring.out)
check_uring_count "$p" "io_uring open"
ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/etc/shadow" and .errno == 0' --argjson p "$p")
event_check "$ev" '.errname == null' "io_uring open: errname"
event_check "$ev" "(.fd == $fd or .fd == null)" "io_uring open: fd must be $fd (or null if unknown)"
event_check "$ev" '(.syscall == "io_uring_enter" and .io_worker == false and .tid == $p) or (.io_worker == true and .tid != $p)' \
	"io_uring open: neither io_uring_enter from the process nor an io worker" --argjson p "$p"
event_check "$ev" ".ino == $ino and .dev == $dev" "io_uring open: ino/dev"

# IOSQE_ASYNC: always an io-wq worker thread of the same process.
p=$(cat uringa.pid)
fd=$(sed -n 's/^fd=//p' uringa.out)
check_uring_count "$p" "io_uring async open"
ev=$(jq_first out.json '.type == "open" and .pid == $p and .path == "/etc/shadow" and .errno == 0' --argjson p "$p")
event_check "$ev" '.errname == null' "io_uring async open: errname"
event_check "$ev" '.io_worker == true and .tid != $p' "io_uring async open: must come from an io worker thread" \
	--argjson p "$p"
event_check "$ev" "(.fd == $fd or .fd == null)" "io_uring async open: fd must be $fd (or null)"
event_check "$ev" ".ino == $ino and .dev == $dev" "io_uring async open: ino/dev"

unload_module
