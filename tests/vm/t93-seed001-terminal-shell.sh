#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t93-seed001-terminal-shell (seed 001): `kubectl exec -it my-busybox-pod -- sh`, then commands typed
# on its terminal: "Terminal Shell in Container" with the shell's tty (pts/N, proc.tty != 0), plus
# "Shell Spawned in Container" and "Interactive Exec into Container"; the commands typed are not shells.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_k8s_container busybox docker.io/library/busybox:1.36 my-busybox-pod default
id=$(container_id busybox | cut -c1-12)

scenario_begin
type_into 'tty
ls / >/dev/null
cat /etc/passwd >/dev/null
exit
' busybox -t sh || fail "kubectl exec -it sh: $(cat exec.out)"
pts=$(grep -o '/dev/pts/[0-9]*' exec.out | head -n 1)
[ -n "$pts" ] || fail "the shell has no pts: $(cat exec.out)"
expect_alert "Terminal Shell in Container" '.output_fields["proc.name"] == "sh"
	and .output_fields["proc.ttyname"] == $t and .output_fields["container.id"] == $c
	and .output_fields["container.name"] == "busybox" and .output_fields["container.image"] == "docker.io/library/busybox:1.36"
	and .output_fields["proc.pname"] == "runc" and .priority == "Warning"' --arg t "${pts#/dev/}" --arg c "$id"
expect_alert "Shell Spawned in Container" '.output_fields["proc.ttyname"] == $t' --arg t "${pts#/dev/}"
expect_alert "Interactive Exec into Container" '.output_fields["container.id"] == $c' --arg c "$id"
expect_only "Terminal Shell in Container" "Shell Spawned in Container" "Interactive Exec into Container"
[ "$(scn_count "Terminal Shell in Container")" -eq 1 ] || fail "one terminal shell, $(scn_count "Terminal Shell in Container") alerts"

stop_sakerd
