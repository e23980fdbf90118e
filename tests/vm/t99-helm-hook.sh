#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t99-helm-hook (seed 000, false positive "Helm hooks"): a chart's pre-install hook Job whose container
# runs a shell script, from an image the site added to trusted_shell_images (alpine/helm): silent. The
# same hook from an image not in the list alerts.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
hook='echo "pre-install: migrating"; ls /etc >/dev/null; echo done'

scenario_begin
make_k8s_container pre-install docker.io/alpine/helm:3.14 shop-pre-install-x7k2p shop sh -c "$hook"
wait_exit "$(cat ctr-pre-install/shim)" 20 || fail "the hook did not end"
grep -q "done" ctr-pre-install/log || fail "the hook did not run: $(cat ctr-pre-install/log)"
expect_silence

scenario_begin
make_k8s_container pre-upgrade docker.io/library/alpine:3.19 shop-pre-upgrade-q8d1f shop sh -c "$hook"
wait_exit "$(cat ctr-pre-upgrade/shim)" 20 || fail "the hook did not end"
expect_alert "Shell Spawned in Container" '.output_fields["container.name"] == "pre-upgrade"'
expect_only "Shell Spawned in Container"

stop_sakerd
