#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t92-trusted-debug-image (seed 000, false positive "debug images"): bash exec'd into a container of an
# image listed in trusted_shell_images raises no "Shell Spawned in Container", with or without a tty,
# while the same exec into an nginx container does.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_k8s_container netshoot docker.io/nicolaka/netshoot:v0.13 netshoot-debug default
make_k8s_container web docker.io/library/nginx:1.25 web-0 shop

scenario_begin
kubectl_exec netshoot bash -c 'ls /etc >/dev/null; true' || fail "kubectl exec netshoot"
expect_silence

# Interactive: the tty rules still report the session (they have no image exception), not this one.
scenario_begin
type_into 'ls / >/dev/null
exit
' netshoot -t bash || fail "kubectl exec -it netshoot bash"
expect_no_alert "Shell Spawned in Container"

# The control: the same exec into an image that is not trusted.
scenario_begin
kubectl_exec web bash -c 'ls /etc >/dev/null; true' || fail "kubectl exec web"
expect_alert "Shell Spawned in Container" '.output_fields["container.name"] == "web"'
expect_only "Shell Spawned in Container"

stop_sakerd
