#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t40-open-fail: failed opens are reported with the exact errno and name, and an absolute path built
# from the name the process passed (relative names resolved against its cwd): ENOENT for a missing
# absolute and relative path, EACCES for /etc/shadow read by uid 1000.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

# An existing /etc/shadow is left as it is (root-owned, not world-readable on any sane system).
if [ ! -e /etc/shadow ]; then
	mkdir -p /etc || fail "mkdir /etc"
	(umask 077 && echo 'root:*:19000:0:99999:7:::' >/etc/shadow) || fail "create /etc/shadow"
	on_exit 'rm -f /etc/shadow'
fi
[ ! -e /nonexistent ] || fail "setup: /nonexistent exists"
cwd=$(pwd -P)
[ ! -e nofile ] || fail "setup: $cwd/nofile exists"

load_module
start_trace out.json err.json

run_pid abs.pid cat /nonexistent/x 2>/dev/null && fail "cat /nonexistent/x succeeded"
run_pid rel.pid cat nofile 2>/dev/null && fail "cat nofile succeeded"
run_pid user.pid runas 1000 1000 cat /etc/shadow 2>user.err && fail "uid 1000 could read /etc/shadow"
grep -qi 'denied' user.err || fail "runas 1000 cat /etc/shadow: expected 'Permission denied': $(cat user.err)"

stop_trace

# check_fail PIDFILE PATH ERRNO ERRNAME WHAT: exactly one open of PATH by cat in that process, failed
# with ERRNO/ERRNAME, no fd, no inode, path built from the name.
check_fail() {
	p=$(cat "$1")
	assert_count out.json '.type == "open" and .pid == $p and .comm == "cat"' 1 \
		"$5: want exactly one open event from cat" --argjson p "$p"
	ev=$(jq_first out.json '.type == "open" and .pid == $p and .comm == "cat"' --argjson p "$p")
	event_check "$ev" '.path == $path' "$5: path" --arg path "$2"
	event_check "$ev" ".errno == $3 and .errname == \"$4\"" "$5: errno must be $3 ($4)"
	event_check "$ev" '.fd == null' "$5: fd of a failed open"
	event_check "$ev" '.path_from_name == true and .path_truncated == false' "$5: path_from_name"
	event_check "$ev" '.ino == 0' "$5: inode of a failed open"
	event_check "$ev" '.is_exec == false' "$5: is_exec"
}
check_fail abs.pid /nonexistent/x 2 ENOENT "cat /nonexistent/x"
check_fail rel.pid "$cwd/nofile" 2 ENOENT "cat nofile (cwd $cwd)"
check_fail user.pid /etc/shadow 13 EACCES "uid 1000: cat /etc/shadow"
ev=$(jq_first out.json '.type == "open" and .pid == $p and .comm == "cat"' --argjson p "$(cat user.pid)")
event_check "$ev" '.uid == 1000 and .euid == 1000 and .gid == 1000 and .egid == 1000' "uid 1000: credentials"
# runas's exec of cat, by uid 1000 and no longer root.
assert_some out.json '.type == "exec" and .pid == $p and .args == ["cat", "/etc/shadow"] and .uid == 1000 and .euid == 1000' \
	"uid 1000: exec of cat with uid 1000" --argjson p "$(cat user.pid)"

unload_module
