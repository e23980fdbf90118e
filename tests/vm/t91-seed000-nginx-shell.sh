#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t91-seed000-nginx-shell (seed 000, LAB-001): `kubectl exec` into a Kubernetes nginx container runs
# bash, which reads /etc/shadow: "Shell Spawned in Container" (shell bash, parent runc, the container's
# name, image and pod from containerd's state file) and "Sensitive File Read", nothing else.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_k8s_container lab001 docker.io/library/nginx:1.25 lab001 default
id=$(container_id lab001 | cut -c1-12)

scenario_begin
kubectl_exec lab001 bash -c 'cat /etc/shadow >/dev/null; true' || fail "kubectl exec failed"
expect_alert "Shell Spawned in Container" '.output_fields["proc.name"] == "bash"
	and .output_fields["proc.pname"] == "runc" and .output_fields["container.id"] == $c
	and .output_fields["container.name"] == "lab001"
	and .output_fields["container.image.repository"] == "docker.io/library/nginx"
	and (.output_fields["proc.cmdline"] | startswith("bash -c")) and .priority == "Error"' --arg c "$id"
expect_alert "Sensitive File Read" '.output_fields["fd.name"] == "/etc/shadow"
	and .output_fields["proc.name"] == "cat" and .output_fields["proc.pname"] == "bash"
	and .output_fields["container.id"] == $c' --arg c "$id"
expect_only "Shell Spawned in Container" "Sensitive File Read"
[ "$(scn_count "Shell Spawned in Container")" -eq 1 ] || fail "one shell, but $(scn_count "Shell Spawned in Container") alerts"

stop_sakerd
