#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t97-seed003-nginx-rce (seed 003): in an nginx pod, an exploited request makes nginx run /bin/sh, which
# appends a user to /etc/passwd: "Shell Spawned in Container" (parent nginx) and "Write below etc"
# (file /etc/passwd), nothing else. The container has its own /etc: the VM's stays untouched.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_k8s_container nginx docker.io/library/nginx:latest nginx-test default
id=$(container_id nginx | cut -c1-12)
before=$(md5sum </etc/passwd)

scenario_begin
rce nginx 'echo "svc:x:0:0::/root:/bin/sh" >>/etc/passwd'
expect_alert "Shell Spawned in Container" '.output_fields["proc.name"] == "sh"
	and .output_fields["proc.pname"] == "nginx" and .output_fields["container.name"] == "nginx"
	and .output_fields["container.id"] == $c' --arg c "$id"
expect_alert "Write below etc" '.output_fields["fd.name"] == "/etc/passwd" and .output_fields["proc.name"] == "sh"
	and .output_fields["proc.pname"] == "nginx" and .output_fields["container.id"] == $c' --arg c "$id"
expect_only "Shell Spawned in Container" "Write below etc"
grep -q '^svc:' ctr-nginx/etc/passwd || fail "the container's /etc/passwd was not written"
[ "$(md5sum </etc/passwd)" = "$before" ] || fail "the VM's /etc/passwd changed"

stop_sakerd
