#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t45-exec-identity: an exec event tells a fileless binary (run from a memfd) and a deleted one from a
# named file by flags from the kernel, not by the " (deleted)" suffix of a name, and carries the
# binary's identity (dev, inode, links) whatever its name: a renamed or hard-linked copy of a binary
# has the same identity as the original.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

cp /saker/bin/truebin ./tb || fail "cp truebin"
ln ./tb ./tb-link || fail "hard link"
cp /saker/bin/truebin ./gone || fail "cp truebin"
# A name that looks like a memfd's but is a plain file.
mkdir ./memfd: && cp /saker/bin/truebin "./memfd:/x (deleted)" || fail "lookalike"
ino=$(stat -c %i ./tb)

load_module
start_trace out.json err.json
run_pid m.pid memexec payload ./tb || fail "memexec"
run_pid t.pid ./tb || fail "./tb"
run_pid l.pid ./tb-link || fail "./tb-link"
# A deleted binary: held open on fd 7, unlinked, then run through /proc/self/fd/7 (run_pid would
# close fd 7).
exec 7<./gone || fail "open ./gone"
rm -f ./gone
# shellcheck disable=SC2016 # $$ is the child's
sh -c 'echo $$ >d.pid; exec /proc/self/fd/7' || fail "exec deleted"
exec 7<&-
run_pid f.pid "./memfd:/x (deleted)" || fail "lookalike"
stop_trace

ev=$(jq_first out.json '.type == "exec" and .pid == $p and .exe_memfd' --argjson p "$(cat m.pid)")
event_check "$ev" '.exe_memfd == true and .exe_deleted == true and .exe_nlink == 0 and (.exe | startswith("/memfd:payload"))' \
	"memfd exec"
# fexecve is execveat(fd, "", AT_EMPTY_PATH); ELF loading rewrites the number to execve's.
event_check "$ev" '.syscall == "execveat"' "memfd exec through fexecve: the call"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .filename == "./tb"' --argjson p "$(cat t.pid)")
event_check "$ev" '.exe_memfd == false and .exe_deleted == false and .exe_ino == $i and .exe_nlink == 2' \
	"named binary: identity" --argjson i "$ino"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .filename == "./tb-link"' --argjson p "$(cat l.pid)")
event_check "$ev" '.exe_ino == $i and (.exe | endswith("/tb-link"))' "hard link: same identity, own name" \
	--argjson i "$ino"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .exe_deleted' --argjson p "$(cat d.pid)")
event_check "$ev" '.exe_deleted == true and .exe_memfd == false and .exe_nlink == 0' "deleted binary"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and (.filename | startswith("./memfd:"))' --argjson p "$(cat f.pid)")
event_check "$ev" '.exe_deleted == false and .exe_memfd == false' "a file named like a memfd is not one"
unload_module
