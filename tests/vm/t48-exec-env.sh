#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t48-exec-env: the exec event carries the new program's environment (envp as exec laid it out), so
# LD_PRELOAD, proxy and GLIBC_TUNABLES rules work: each variable as set, none for `env -i`, the first
# 4096 bytes of a longer one with env_truncated set (a variable past the cut is not seen: documented);
# sakerd's proc.env[NAME] matches it, and a forked child still has its parent's.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

tb=$(command -v truebin) || fail "no truebin helper"
big=$(head -c 5000 /dev/zero | tr '\0' x)
pad=$(head -c 4200 /dev/zero | tr '\0' p)
load_module
start_trace out.json err.json
run_pid e1.pid env -i LD_PRELOAD=/tmp/evil.so "GLIBC_TUNABLES=glibc.malloc.mxfast=1" "$tb" || fail "env truebin"
run_pid e2.pid env -i "$tb" || fail "env -i truebin"
run_pid e3.pid env -i "BIG=$big" "$tb" || fail "env BIG truebin"
run_pid e4.pid env -i "PAD=$pad" LD_PRELOAD=/tmp/late.so "$tb" || fail "env PAD truebin"
stop_trace

ev=$(jq_first out.json '.type == "exec" and .pid == $p and .comm == "truebin"' --argjson p "$(cat e1.pid)")
event_check "$ev" '.env == ["LD_PRELOAD=/tmp/evil.so", "GLIBC_TUNABLES=glibc.malloc.mxfast=1"]' "env as set"
event_check "$ev" '.env_truncated == false' "short env not flagged"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .comm == "truebin"' --argjson p "$(cat e2.pid)")
event_check "$ev" '.env == [] and .env_truncated == false' "env -i: no variables"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .comm == "truebin"' --argjson p "$(cat e3.pid)")
event_check "$ev" '.env_truncated == true and (.env | length) == 1 and (.env[0] | length) == 4095
	and (.env[0] | startswith("BIG=xxx"))' "long env: the first 4096 bytes, flagged"
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .comm == "truebin"' --argjson p "$(cat e4.pid)")
event_check "$ev" '.env_truncated == true and (.env | map(select(startswith("LD_PRELOAD"))) | length) == 0' \
	"a variable past the cut is not seen, and the cut is flagged"
unload_module

command -v sakerd >/dev/null 2>&1 || { info "sakerd not in the initramfs: daemon part skipped"; exit 0; }
cat >env.yaml <<'EOF2'
- rule: Preload Set
  desc: a program started with LD_PRELOAD
  condition: evt.type in (execve, execveat) and proc.env[LD_PRELOAD] != ""
  output: preload %proc.env[LD_PRELOAD] by %proc.name
  priority: WARNING
- rule: Preload Child Open
  desc: a forked child of such a program opens a file
  condition: evt.type = openat and proc.env[LD_PRELOAD] = /tmp/evil.so and fd.name = /tmp/t48-probe
  output: child %proc.pid of a preloaded parent
  priority: WARNING
EOF2
cat >saker.yaml <<EOF2
rules_files:
  - $PWD/env.yaml
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $PWD/alerts.json
stats:
  interval_s: 0
EOF2
out=$(sakerd -n -c saker.yaml 2>&1) || fail "sakerd -n: $out"
load_module
sakerd -c saker.yaml 2>sakerd.err &
spid=$!
on_exit "kill $spid 2>/dev/null; wait $spid 2>/dev/null"
running() { grep -q 'sakerd: running' sakerd.err; }
child_alert() { [ -s alerts.json ] && grep -q 'Preload Child Open' alerts.json; }
wait_for 10 running || fail "sakerd not running: $(cat sakerd.err)"
echo probe >/tmp/t48-probe
on_exit "rm -f /tmp/t48-probe"
# The subshell is a fork that never execs: its environment is its parent's.
env LD_PRELOAD=/tmp/evil.so sh -c '( read -r x </tmp/t48-probe ); true' || fail "preloaded sh"
wait_for 10 child_alert || fail "no child alert: $(cat alerts.json 2>/dev/null) $(cat sakerd.err)"
assert_some alerts.json '.rule == "Preload Set" and .output_fields["proc.env[LD_PRELOAD]"] == "/tmp/evil.so"
	and (.output | endswith("Warning preload /tmp/evil.so by sh"))' \
	"exec with LD_PRELOAD alerted: $(cat alerts.json)"
env -i "BIG=$big" "$tb" || fail "env BIG truebin under sakerd"
kill -TERM "$spid"
wait_exit "$spid" 15 || fail "sakerd did not exit"
# The exit statistics count the cut environment.
cut=$(grep '"type":"sakerd_stats"' sakerd.err | tail -n 1 | jq '.exec_cut.env')
[ "${cut:-0}" -ge 1 ] || fail "exec_cut.env is '$cut' after a 5 kB environment: $(tail -n 1 sakerd.err)"
unload_module
