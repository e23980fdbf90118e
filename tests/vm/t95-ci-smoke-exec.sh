#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t95-ci-smoke-exec (seed 000, false positive "CI/CD smoke tests"): a CI job's `kubectl exec` without a
# tty. A plain command raises nothing; one run through sh -c raises only "Shell Spawned in Container"
# (the seed's documented false positive, silenced by an exception), never the tty rules.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_k8s_container web docker.io/library/nginx:1.25 web-5d9c7 shop

scenario_begin
kubectl_exec web cat /etc/hostname >out.txt || fail "kubectl exec cat"
grep -q web-5d9c7 out.txt || fail "the exec did not run in the container: $(cat out.txt)"
expect_silence

scenario_begin
kubectl_exec web sh -c 'test -s /etc/hostname && echo smoke-ok' </dev/null >out.txt || fail "kubectl exec sh -c"
grep -q smoke-ok out.txt || fail "smoke test output: $(cat out.txt)"
expect_alert "Shell Spawned in Container" '.output_fields["proc.ttyname"] == null'
expect_only "Shell Spawned in Container"

stop_sakerd
