#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t44-long-paths: a binary run from, and a cwd in, a directory deeper than PATH_MAX still have a name in
# the exec event: the end of the path (the part that names the file), flagged truncated per field,
# never an empty exe or cwd; a failed open there keeps the name it asked for.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

SEG=dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
top=$PWD
# 60 levels of 97 bytes: a 5.8 kB path, beyond d_path()'s 4 kB buffer (cd -P: ash's logical cd
# stops at PATH_MAX).
i=0
while [ $i -lt 60 ]; do
	mkdir "$SEG" && cd -P "$SEG" || fail "mkdir level $i"
	i=$((i + 1))
done
cp /saker/bin/truebin ./deepbin || fail "cp truebin"
mkdir leaf && cd -P leaf || fail "leaf"

load_module
start_trace "$top/out.json" "$top/err.json"
run_pid "$top/x.pid" ../deepbin || fail "run ../deepbin"
run_pid "$top/c.pid" cat missing-here 2>/dev/null && fail "cat missing-here succeeded"
cd "$top" || fail "cd back"
stop_trace

ev=$(jq_first out.json '.type == "exec" and .pid == $p and .filename == "../deepbin"' --argjson p "$(cat x.pid)")
event_check "$ev" '.exe_truncated == true and (.exe | endswith("/" + $s + "/deepbin"))' "deep exe: its tail, flagged" \
	--arg s "$SEG"
event_check "$ev" '(.exe | length) > 3000 and (.exe | length) <= 4096' "deep exe: a useful tail (most of 4 kB)"
event_check "$ev" '.cwd_truncated == true and (.cwd | endswith("/" + $s + "/leaf"))' "deep cwd: its tail, flagged" \
	--arg s "$SEG"
event_check "$ev" '.filename == "../deepbin" and .filename_truncated == false' "exec filename as given"
event_check "$ev" '.cgroup_truncated == false and .args_truncated == false' "other fields not flagged"
ev=$(jq_first out.json '.type == "open" and .pid == $p and .comm == "cat" and .errno == 2' --argjson p "$(cat c.pid)")
event_check "$ev" '.path == "missing-here" and .path_truncated == true' \
	"failed relative open in a deep cwd: the name asked for, flagged"
# Cleanup from the bottom up: no single name reaches the deep end.
i=0
while [ $i -lt 60 ]; do
	cd -P "$SEG" || fail "cleanup: cd level $i"
	i=$((i + 1))
done
rm -rf leaf deepbin
while [ $i -gt 0 ]; do
	cd -P .. && rmdir "$SEG" || fail "cleanup: rmdir level $i"
	i=$((i - 1))
done
unload_module
