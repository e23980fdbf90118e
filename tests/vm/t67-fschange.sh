#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t67-fschange: file changes at the LSM path hooks. mkdir, a file renamed, hard-linked, symlinked,
# chmod'ed, chown'ed, unlinked, and the directory removed: one "fschange" event each with the op,
# the absolute path(s) as the task saw them (a relative name made absolute against the cwd), the
# new mode or owner and the inode acted on; an unlink the filesystem refuses (alice, a root-owned
# sticky directory) is recorded as the attempt it is; with the class off, none at all.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

cwd=$(pwd -P)
load_module
sakerctl status --json >status.json || fail "sakerctl status: $(cat status.json)"
jq -e '.features | index("fschange")' status.json >/dev/null || fail "no fschange feature: $(cat status.json)"

{ mkdir -p sticky && chmod 1777 sticky && : >sticky/rootfile; } || fail "setup: sticky"
chmod 755 . || fail "setup: chmod ."
start_trace out.json err.json
run_pid mk.pid mkdir d || fail "mkdir d"
: >d/f || fail "create d/f"
ino=$(stat -c %i d/f)
run_pid mv.pid mv d/f d/g || fail "mv d/f d/g"
run_pid ln.pid ln d/g d/h || fail "ln d/g d/h"
run_pid sl.pid ln -s ../target d/s || fail "ln -s"
run_pid cm.pid chmod 4755 d/g || fail "chmod"
run_pid co.pid chown 1000:1000 d/g || fail "chown"
run_pid rm.pid rm d/g d/h d/s || fail "rm"
run_pid rd.pid rmdir d || fail "rmdir"
run_pid alice.pid runas 1000 1000 rm -f "$cwd/sticky/rootfile" 2>/dev/null && fail "alice removed root's file in a sticky dir"
sakerctl config set classes=exec,fork,exit,open >set.out 2>&1 || fail "classes without fs: $(cat set.out)"
run_pid off.pid mkdir d2 || fail "mkdir d2 with the class off"
sakerctl config set classes=all >set.out 2>&1 || fail "classes=all: $(cat set.out)"
stop_trace

one() { # PIDFILE OP FILTER WHAT
	assert_count out.json '.type == "fschange" and .pid == $p and .op == $op' 1 "$4: one $2 event" \
		--argjson p "$(cat "$1")" --arg op "$2"
	ev=$(jq_first out.json '.type == "fschange" and .pid == $p and .op == $op' --argjson p "$(cat "$1")" --arg op "$2")
	event_check "$ev" "$3" "$4" --arg d "$cwd/d" --argjson i "$ino"
}
# The mode after the umask (0755), or as asked (0777) where the filesystem applies ACLs instead.
one mk.pid mkdir '.path == "\($d)" and (.mode == 493 or .mode == 511) and .ino == 0 and .path2 == null' \
	"mkdir: the new dir and its mode"
one mv.pid rename '.path == "\($d)/f" and .path2 == "\($d)/g" and .ino == $i' "mv: both names, the file's inode"
one ln.pid link '.path == "\($d)/g" and .path2 == "\($d)/h" and .ino == $i' "ln: the file and its new name"
one sl.pid symlink '.path == "\($d)/s" and .path2 == "../target"' "ln -s: the link and its target as given"
one cm.pid chmod '.path == "\($d)/g" and .mode == 2541 and .ino == $i' "chmod 4755: the new mode"
one co.pid chown '.path == "\($d)/g" and .new_uid == 1000 and .new_gid == 1000' "chown 1000:1000: the new owner"
assert_count out.json '.type == "fschange" and .pid == $p and .op == "unlink"' 3 "rm: three unlinks" \
	--argjson p "$(cat rm.pid)"
assert_some out.json '.type == "fschange" and .pid == $p and .op == "unlink" and .path == "\($d)/g" and .ino == $i' \
	"rm: d/g and its inode" --argjson p "$(cat rm.pid)" --arg d "$cwd/d" --argjson i "$ino"
one rd.pid rmdir '.path == "\($d)"' "rmdir: the dir"
assert_some out.json '.type == "fschange" and .pid == $p and .op == "unlink" and .path == $f and .uid == 1000' \
	"alice: the refused unlink is recorded as an attempt" --argjson p "$(cat alice.pid)" --arg f "$cwd/sticky/rootfile"
assert_count out.json '.type == "fschange" and .pid == $p' 0 "the fs class off" --argjson p "$(cat off.pid)"

unload_module
