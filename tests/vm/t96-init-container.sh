#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t96-init-container (seed 000, false positive "init containers"): an init container whose entrypoint is a
# shell script, started by the shim. The site's exception scoped to the container name (init-schema)
# keeps it silent; the same image and script under another container name still alerts.
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
cat >init.sh <<'EOS'
echo "waiting for the database"
for i in 1 2; do ls /etc >/dev/null; done
echo ready
EOS

scenario_begin
make_k8s_container init-schema docker.io/library/postgres:16 db-0 shop sh "$PWD/init.sh"
wait_exit "$(cat ctr-init-schema/shim)" 20 || fail "the init container did not end"
[ "$WAIT_STATUS" -eq 0 ] || fail "init script: $(cat ctr-init-schema/log)"
grep -q ready ctr-init-schema/log || fail "the init script did not run: $(cat ctr-init-schema/log)"
expect_silence

scenario_begin
make_k8s_container app docker.io/library/postgres:16 db-0 shop sh "$PWD/init.sh"
wait_exit "$(cat ctr-app/shim)" 20 || fail "the app container did not end"
expect_alert "Shell Spawned in Container" '.output_fields["container.name"] == "app"
	and (.output_fields["proc.pname"] | startswith("containerd-shim"))'
expect_only "Shell Spawned in Container"

stop_sakerd
