#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t94-seed002-interactive-exec (seed 002, entry-leader semantics): `docker exec -it redis sh` into a
# running docker container: the shell is the session leader of a new terminal session, its parent (runc)
# is outside the container's pid namespace (proc.is_container_entry) -> "Interactive Exec into
# Container", once; a shell started inside that session is not an entry (only "Terminal Shell"); a
# non-interactive exec raises neither tty rule. (The nested shell is called by its path: busybox ash runs
# a bare "sh" as its own applet through /proc/self/exe, which the kernel names "exe".)
# shellcheck disable=SC2016 # jq programs name $vars
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

scn_init
make_docker_container redis docker.io/library/redis:7
id=$(container_id redis | cut -c1-12)

scenario_begin
type_into '/bin/sh -c "ls / >/dev/null; true"
exit
' redis -t sh || fail "docker exec -it sh: $(cat exec.out)"
expect_alert "Interactive Exec into Container" '.output_fields["proc.name"] == "sh"
	and .output_fields["proc.pname"] == "runc" and (.output_fields["proc.is_container_entry"] | . == true or . == 1)
	and .output_fields["proc.vpid"] > 1 and .output_fields["container.id"] == $c
	and .output_fields["container.name"] == "redis" and .output_fields["container.image"] == "docker.io/library/redis:7"
	and .priority == "Error"' --arg c "$id"
expect_alert "Terminal Shell in Container" '.output_fields["proc.pname"] == "sh"'
expect_only "Interactive Exec into Container" "Terminal Shell in Container" "Shell Spawned in Container"
[ "$(scn_count "Interactive Exec into Container")" -eq 1 ] || fail "the nested shell counted as an entry"
[ "$(scn_count "Shell Spawned in Container")" -eq 1 ] || fail "the nested shell (parent sh) raised Shell Spawned"
[ "$(scn_count "Terminal Shell in Container")" -eq 2 ] || fail "want 2 terminal shells"

scenario_begin
docker_exec redis sh -c 'ls / >/dev/null; true' || fail "docker exec sh"
expect_no_alert "Interactive Exec into Container" "Terminal Shell in Container"

stop_sakerd
