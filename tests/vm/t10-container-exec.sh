#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t10-container-exec: a shell started as pid 1 of a fake docker container, and an interactive
# `nsenter` exec into it, are reported with the container's namespaces, vpid, cgroup path and id,
# and parent_other_pidns; a host shell with the host's.
# shellcheck disable=SC2016,SC2119,SC2154 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

NS_ALL="mnt pid net uts ipc user cgroup"
NS_NEW="mnt pid net uts ipc"

load_module
start_trace out.json err.json

# Host view, from this shell (the module reports the same for its children).
for n in $NS_ALL; do
	eval "host_$n=\$(ns_ino self $n)"
done
host_cg=$(self_cgroup)
[ -n "$host_cg" ] || fail "cannot read this shell's cgroup v2 path"
host_cgid=$(stat -c %i "$SAKER_CGROOT$host_cg") || fail "stat $SAKER_CGROOT$host_cg"

# 1. Host shell: host namespaces, no container entry.
run_pid host.pid sh -c 'exit 0' || fail "host sh failed"
hp=$(cat host.pid)
trace_sync
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args[0] == "sh"' --argjson p "$hp")
[ -n "$ev" ] || fail "no exec event for host sh pid $hp"
for n in $NS_ALL; do
	eval "want=\$host_$n"
	event_check "$ev" ".ns.$n == $want" "host sh: ns.$n is not this shell's"
done
event_check "$ev" '.parent_other_pidns == false' "host sh: parent_other_pidns"
event_check "$ev" ".vpid == $hp and .vtid == $hp and .tid == $hp" "host sh: vpid/vtid must equal the pid"
event_check "$ev" '.cgroup == $c' "host sh: cgroup path" --arg c "$host_cg"
event_check "$ev" ".cgroup_id == $host_cgid" "host sh: cgroup_id is not the inode of $SAKER_CGROOT$host_cg"

# 2. Container: pid 1 records its own view, then waits until we are done with the exec below.
id=$(hex64)
cgdir=$(container_cgroup "$id")
ctr_script='for n in mnt pid net uts ipc user cgroup; do readlink /proc/self/ns/$n; done >ns.inside
read -r hostpid _ </proc/self/stat
echo "$hostpid $$" >pid.tmp && mv pid.tmp pid.inside
while [ ! -e ctr.stop ]; do sleep 0.1; done'
container_create "$id"
make_container "$id" sh -c "$ctr_script" &
ctr_job=$!
on_exit "touch '$PWD/ctr.stop'; kill $ctr_job 2>/dev/null; wait $ctr_job 2>/dev/null"
wait_file pid.inside 20
read -r cp cvpid <pid.inside
assert_eq "$cvpid" 1 "container shell: \$\$ inside"
cgid=$(stat -c %i "$cgdir") || fail "stat $cgdir"
grep -q "^0::/system.slice/docker-$id.scope\$" "/proc/$cp/cgroup" || fail "container pid $cp is not in $cgdir"

# Inside values, "mnt:[N]" -> N, in NS_ALL order.
# shellcheck disable=SC2046 # one word per namespace
set -- $(sed 's/.*\[\([0-9]*\)\]/\1/' ns.inside)
[ $# -eq 7 ] || fail "ns.inside: want 7 namespaces: $(cat ns.inside)"
for n in $NS_ALL; do
	eval "in_$n=$1"
	shift
done
for n in $NS_NEW; do
	eval "a=\$in_$n b=\$host_$n"
	assert_ne "$a" "$b" "container $n namespace (setup: unshare did not create one)"
done

# 3. Interactive exec into the container: join its namespaces and cgroup, run a shell on a pty.
(
	echo 0 >"$cgdir/cgroup.procs" || exit 125
	exec nsenter -t "$cp" -m -u -i -n -p ptyrun sh -c "read -r hp _ </proc/self/stat; tty >$PWD/exec.tty; echo \"\$hp \$\$\" >$PWD/exec.pid"
) >exec.out 2>&1 || fail "nsenter+ptyrun failed: $(cat exec.out)"
read -r ep evpid <exec.pid
execpts=$(cat exec.tty)
touch ctr.stop
wait "$ctr_job" || fail "container exited with $?"

stop_trace

# Container pid 1.
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args[0] == "sh"' --argjson p "$cp")
[ -n "$ev" ] || fail "no exec event for container sh (host pid $cp)"
for n in $NS_ALL; do
	eval "want=\$in_$n"
	event_check "$ev" ".ns.$n == $want" "container sh: ns.$n differs from readlink /proc/self/ns/$n inside"
done
event_check "$ev" '.vpid == 1 and .vtid == 1' "container sh: vpid/vtid must be 1"
event_check "$ev" ".tid == $cp" "container sh: tid must be the host pid"
event_check "$ev" '.parent_other_pidns == true' "container sh: parent_other_pidns"
event_check "$ev" '.cgroup == $c' "container sh: cgroup path" --arg c "/system.slice/docker-$id.scope"
event_check "$ev" ".cgroup_id == $cgid" "container sh: cgroup_id is not the inode of $cgdir"
# Its later events (the forks for readlink) carry the same container identity.
assert_none out.json '.pid == $p and (.vpid != 1 or .cgroup_id != $g or .ns.pid != $n)' \
	"container sh: an event of the same process lost its container identity" \
	--argjson p "$cp" --argjson g "$cgid" --argjson n "$in_pid"
assert_some out.json '.type == "fork" and .ppid == $p and .ns.pid == $n and .vpid > 1 and .cgroup_id == $g' \
	"container sh: no fork of a child inside the container pid namespace" \
	--argjson p "$cp" --argjson n "$in_pid" --argjson g "$cgid"

# The nsenter'd shell: container identity, a vpid > 1 and a pty; its parent ptyrun is in the same pid
# ns (parent_other_pidns false), while ptyrun's own exec (parent: nsenter, host pidns) is an entry.
ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args[0] == "sh"' --argjson p "$ep")
[ -n "$ev" ] || fail "no exec event for the nsenter'd sh (pid $ep)"
event_check "$ev" ".vpid == $evpid and .vpid > 1" "exec'd sh: vpid must be $evpid"
for n in $NS_ALL; do
	eval "want=\$in_$n"
	event_check "$ev" ".ns.$n == $want" "exec'd sh: ns.$n is not the container's"
done
event_check "$ev" '.cgroup == $c' "exec'd sh: cgroup path" --arg c "/system.slice/docker-$id.scope"
event_check "$ev" ".cgroup_id == $cgid" "exec'd sh: cgroup_id"
event_check "$ev" '.parent_other_pidns == false' "exec'd sh: parent (ptyrun) is in the same pid ns"
event_check "$ev" '.tty == $t and .tty_dev != 0 and .stdin == "tty"' "exec'd sh: tty must be ${execpts#/dev/}" \
	--arg t "${execpts#/dev/}"
event_check "$ev" ".session_leader == true and .sid == $ep" "exec'd sh: session leader"
assert_some out.json '.type == "exec" and (.args[0] | endswith("ptyrun")) and .parent_other_pidns == true and .ns.pid == $n' \
	"ptyrun entering the container: parent_other_pidns must be true" --argjson n "$in_pid"

unload_module
