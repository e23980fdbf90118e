# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Attack-story helpers shared by the scenario tests (tests/vm/t91..t99) and the demo (tests/vm/demo.sh).
# Source after lib.sh: `. /saker/tests/lib.sh; . /saker/tests/scenario.sh`. POSIX sh for busybox ash.
#
# Containers are simulated as a node runs them, so that the kernel reports genuine data:
#  - the runtime binaries are copies of the static helper ctrsim installed as
#    /usr/bin/containerd-shim-runc-v2 and /usr/bin/runc (comm/exe are those names), and
#    /usr/sbin/nginx (a web server pid 1 whose "vulnerable" handler runs shell commands);
#  - a container's pid 1 is forked by the shim in new pid/mnt/uts/ipc/net namespaces, in the cgroup
#    the runtime names (containerd/CRI: /kubepods.slice/.../cri-containerd-<id>.scope; docker:
#    /system.slice/docker-<id>.scope), with its own /etc (bind mount of a copy), and its parent is the
#    shim; an exec (`kubectl exec`, `docker exec`) is `runc exec`: it joins the namespaces, its child
#    joins the cgroup and execs the command (parent runc, in the host pid namespace);
#  - the runtime's state files carry the names: containerd <root>/k8s.io/<id>/config.json with the CRI
#    annotations, docker <root>/<id>/config.v2.json, at the default roots of sakerd's configuration.
# /bin/bash is a copy of busybox. busybox picks its applet from argv[0] and has no "bash" applet, so
# bash is exec'd by its path with argv[0] "ash": the kernel reports exe=/bin/bash, comm=bash.
#
# Globals: SAKERD_PID, ALERTS (sakerd's JSON alert file), SCN_FATAL (1: a failed expectation ends the
# test with fail; 0: expect_* return 1 and print why, for the demo).

[ -n "${_saker_scn_loaded:-}" ] && return 0
_saker_scn_loaded=1

SCN_RULES=${SAKER_RULES:-/saker/rules}/saker_rules.yaml
SCN_CONTAINERD_ROOT=${SCN_CONTAINERD_ROOT:-/run/containerd/io.containerd.runtime.v2.task}
SCN_DOCKER_ROOT=${SCN_DOCKER_ROOT:-/var/lib/docker/containers}
SCN_FATAL=${SCN_FATAL:-1}
SCN_WAIT=${SCN_WAIT:-15}
SAKERD_PID=
ALERTS=
SCN_MARK=0
_scn_sync_n=0

# Images that run shells by design and the site's init-container exception: the tuning the seeds'
# false-positive notes recommend (debug images and Helm hook images in trusted_shell_images, init
# containers scoped by container name).
SCN_TRUSTED_IMAGES="docker.io/nicolaka/netshoot, docker.io/alpine/helm"
SCN_INIT_CONTAINERS="init-schema"

_scn_fail() {
	if [ "$SCN_FATAL" = 1 ]; then
		fail "$*"
	fi
	echo "  !! $*" >&2
	return 1
}

# _scn_install PATH SOURCE: copy SOURCE to PATH unless PATH exists; removed when the test ends.
_scn_install() {
	[ -e "$1" ] && return 0
	mkdir -p "${1%/*}" || fail "mkdir ${1%/*}"
	cp "$2" "$1" || fail "cp $2 $1"
	on_exit "rm -f '$1'"
}

# scn_setup: install the runtime binaries and /bin/bash (see the top of this file).
scn_setup() {
	command -v sakerd >/dev/null 2>&1 || skip "sakerd not in the initramfs"
	_scn_ctrsim=$(command -v ctrsim) || skip "ctrsim helper not built (make vm-helpers)"
	_scn_install /usr/bin/containerd-shim-runc-v2 "$_scn_ctrsim"
	_scn_install /usr/bin/runc "$_scn_ctrsim"
	_scn_install /usr/sbin/nginx "$_scn_ctrsim"
	_scn_install /bin/bash /bin/busybox
}

# scn_config FILE: write sakerd's configuration FILE (every matching rule alerts, JSON alerts to
# $PWD/alerts.json, the default state roots) and the site rules in $PWD/rules.d.
scn_config() {
	ALERTS=$PWD/alerts.json
	mkdir -p rules.d
	cat >rules.d/site.yaml <<EOF
# Site tuning, as the seeds' false-positive notes recommend.
- list: trusted_shell_images
  items: [$SCN_TRUSTED_IMAGES]
  override:
    items: append

- rule: Shell Spawned in Container
  exceptions:
    - name: init_container_scripts
      fields: [container.name]
      comps: [in]
      values:
        - [[$SCN_INIT_CONTAINERS]]
  override:
    exceptions: append

# Marker of tests/vm/scenario.sh (alert_sync): sakerd has handled every event before it.
- rule: saker scenario sync
  desc: scenario test marker
  condition: evt.type in (open, openat, openat2) and fd.name contains /.saker-scn-sync.
  output: sync %fd.name
  priority: DEBUG
  tags: [saker_test]
EOF
	cat >"$1" <<EOF
rules_files:
  - $SCN_RULES
  - $PWD/rules.d
rule_matching: all
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $ALERTS
stats:
  interval_s: 0
containers:
  state_roots:
    containerd: $SCN_CONTAINERD_ROOT
    docker: $SCN_DOCKER_ROOT
    crio: ""
    podman: ""
EOF
	_scn_out=$(sakerd -n -c "$1" 2>&1) || fail "sakerd -n -c $1: $_scn_out"
}

# start_sakerd CONFIG: run sakerd -c CONFIG in the background (stderr in sakerd.err), wait until it
# runs; stopped when the test ends.
start_sakerd() {
	: >"${ALERTS:-alerts.json}"
	: >sakerd.err
	sakerd -c "$1" 2>sakerd.err &
	SAKERD_PID=$!
	on_exit "kill $SAKERD_PID 2>/dev/null; wait $SAKERD_PID 2>/dev/null"
	_scn_i=0
	until grep -q 'sakerd: running' sakerd.err; do
		alive "$SAKERD_PID" || fail "sakerd exited: $(cat sakerd.err)"
		[ $_scn_i -ge 100 ] && fail "sakerd not running after 10 s: $(cat sakerd.err)"
		sleep 0.1
		_scn_i=$((_scn_i + 1))
	done
}

# stop_sakerd: SIGTERM, wait; fail unless it exits 0.
stop_sakerd() {
	kill -TERM "$SAKERD_PID"
	wait_exit "$SAKERD_PID" 10 || fail "sakerd did not exit within 10 s of SIGTERM"
	[ "$WAIT_STATUS" -eq 0 ] || fail "sakerd exited with $WAIT_STATUS: $(tail -n 5 sakerd.err)"
}

# scn_init: everything a scenario needs: runtime binaries, config, module, sakerd.
scn_init() {
	scn_setup
	scn_config saker.yaml
	load_module
	start_sakerd saker.yaml
}

# ---- containers

# _scn_start NAME ID CGDIR HOSTNAME [CMD...]: the shim starts the container (see the top).
_scn_start() {
	_scn_d=$PWD/ctr-$1
	_scn_id=$2
	_scn_cg=$3
	_scn_h=$4
	shift 4
	mkdir -p "$_scn_d/etc" || fail "mkdir $_scn_d"
	# The image's /etc, private to the container. Written, not copied from the VM: reading the VM's
	# /etc/shadow would itself be an alert.
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$_scn_d/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$_scn_d/etc/group"
	printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$_scn_d/etc/shadow"
	chmod 600 "$_scn_d/etc/shadow"
	printf '127.0.0.1 localhost %s\n' "$_scn_h" >"$_scn_d/etc/hosts"
	echo "$_scn_h" >"$_scn_d/etc/hostname"
	echo "$_scn_id" >"$_scn_d/id"
	echo "$_scn_cg" >"$_scn_d/cg"
	if [ $# -eq 0 ]; then
		set -- sleep 1000000
	fi
	/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id "$_scn_id" -cgroup "$_scn_cg" \
		-etc "$_scn_d/etc" -hostname "$_scn_h" -pidfile "$_scn_d/pid" -- "$@" \
		</dev/null >"$_scn_d/log" 2>&1 &
	echo $! >"$_scn_d/shim"
	wait_file "$_scn_d/pid" 10
}

# scn_stop_container NAME: kill the container's pid 1 (the whole pid namespace goes), wait for the shim,
# remove the cgroups made for it and its state directory.
scn_stop_container() {
	_scn_d=$PWD/ctr-$1
	[ -f "$_scn_d/pid" ] && kill -KILL "$(cat "$_scn_d/pid")" 2>/dev/null
	if [ -f "$_scn_d/shim" ]; then
		wait_exit "$(cat "$_scn_d/shim")" 5 || kill -KILL "$(cat "$_scn_d/shim")" 2>/dev/null
	fi
	if [ -f "$_scn_d/rmdirs" ]; then
		while read -r _scn_x; do
			case $_scn_x in
			"$SAKER_CGROOT"/*)
				# The killed processes may take a moment to leave the cgroup.
				_scn_i=0
				while [ -d "$_scn_x" ] && ! rmdir "$_scn_x" 2>/dev/null && [ $_scn_i -lt 20 ]; do
					sleep 0.1
					_scn_i=$((_scn_i + 1))
				done
				;;
			*) rm -rf "$_scn_x" ;;
			esac
		done <"$_scn_d/rmdirs"
	fi
}

# _scn_new NAME: the container's private directory ctr-NAME; its cleanup runs when the test ends.
_scn_new() {
	[ -e "$PWD/ctr-$1" ] && fail "container $1 exists already"
	mkdir -p "$PWD/ctr-$1" || fail "mkdir ctr-$1"
	on_exit "scn_stop_container '$1'"
}

# _scn_mkdirs NAME DIR...: mkdir -p each DIR that does not exist, remembered (deepest first) for removal.
_scn_mkdirs() {
	_scn_n=$1
	shift
	for _scn_x in "$@"; do
		[ -d "$_scn_x" ] && continue
		mkdir -p "$_scn_x" || fail "mkdir $_scn_x"
		{
			echo "$_scn_x"
			cat "$PWD/ctr-$_scn_n/rmdirs" 2>/dev/null
		} >"$PWD/ctr-$_scn_n/rmdirs.new"
		mv "$PWD/ctr-$_scn_n/rmdirs.new" "$PWD/ctr-$_scn_n/rmdirs"
	done
}

# _scn_entrypoint NAME IMAGE: the default pid 1 for IMAGE: nginx images run the nginx helper (with its
# request FIFO, see rce), others sleep.
_scn_entrypoint() {
	case $2 in
	*nginx*)
		mkfifo "$PWD/ctr-$1.rce" || fail "mkfifo"
		echo "/usr/sbin/nginx -rce $PWD/ctr-$1.rce"
		;;
	*) echo "sleep 1000000" ;;
	esac
}

# make_k8s_container NAME IMAGE POD NS [CMD...]: a Kubernetes container started by containerd (CRI):
# cgroup kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid>.slice/
# cri-containerd-<id>.scope, state file <containerd root>/k8s.io/<id>/config.json with the CRI
# annotations. CMD defaults to the image's entrypoint (_scn_entrypoint). From the test's main shell.
make_k8s_container() {
	_scn_name=$1 _scn_image=$2 _scn_pod=$3 _scn_ns=$4
	shift 4
	_scn_id=$(hex64)
	_scn_u=$(hex64)
	_scn_uid=$(echo "$_scn_u" | sed 's/^\(........\)\(....\)\(....\)\(....\)\(............\).*/\1_\2_\3_\4_\5/')
	_scn_qos=$SAKER_CGROOT/kubepods.slice/kubepods-besteffort.slice
	_scn_pcg=$_scn_qos/kubepods-besteffort-pod$_scn_uid.slice
	_scn_cg=$_scn_pcg/cri-containerd-$_scn_id.scope
	_scn_st=$SCN_CONTAINERD_ROOT/k8s.io/$_scn_id
	if [ $# -eq 0 ]; then
		# shellcheck disable=SC2046 # the entrypoint's words
		set -- $(_scn_entrypoint "$_scn_name" "$_scn_image")
	fi
	_scn_new "$_scn_name"
	_scn_mkdirs "$_scn_name" "$SAKER_CGROOT/kubepods.slice" "$_scn_qos" "$_scn_pcg" "$_scn_cg" "$_scn_st"
	# shellcheck disable=SC2016 # jq variables
	jq -n --arg n "$_scn_name" --arg i "$_scn_image" --arg p "$_scn_pod" --arg s "$_scn_ns" \
		--arg sid "$_scn_u" '{ociVersion: "1.1.0", process: {terminal: false, cwd: "/"},
		annotations: {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.container-name": $n,
		"io.kubernetes.cri.image-name": $i, "io.kubernetes.cri.sandbox-id": $sid,
		"io.kubernetes.cri.sandbox-name": $p, "io.kubernetes.cri.sandbox-namespace": $s,
		"io.kubernetes.pod.name": $p, "io.kubernetes.pod.namespace": $s}}' \
		>"$_scn_st/config.json" || fail "write $_scn_st/config.json"
	_scn_start "$_scn_name" "$_scn_id" "$_scn_cg" "$_scn_pod" "$@"
}

# make_docker_container NAME IMAGE [CMD...]: a docker container: cgroup system.slice/docker-<id>.scope,
# state file <docker root>/<id>/config.v2.json.
make_docker_container() {
	_scn_name=$1 _scn_image=$2
	shift 2
	_scn_id=$(hex64)
	_scn_cg=$SAKER_CGROOT/system.slice/docker-$_scn_id.scope
	_scn_st=$SCN_DOCKER_ROOT/$_scn_id
	if [ $# -eq 0 ]; then
		# shellcheck disable=SC2046 # the entrypoint's words
		set -- $(_scn_entrypoint "$_scn_name" "$_scn_image")
	fi
	_scn_new "$_scn_name"
	_scn_mkdirs "$_scn_name" "$SAKER_CGROOT/system.slice" "$_scn_cg" "$_scn_st"
	# shellcheck disable=SC2016 # jq variables
	jq -n --arg id "$_scn_id" --arg n "/$_scn_name" --arg i "$_scn_image" \
		'{ID: $id, Name: $n, Config: {Image: $i, Labels: {}}, State: {Running: true}}' \
		>"$_scn_st/config.v2.json" || fail "write $_scn_st/config.v2.json"
	_scn_start "$_scn_name" "$_scn_id" "$_scn_cg" "$_scn_name" "$@"
}

# container_pid NAME: host pid of the container's pid 1.   container_id NAME: its 64-hex id.
container_pid() { cat "$PWD/ctr-$1/pid"; }
container_id() { cat "$PWD/ctr-$1/id"; }

# kubectl_exec NAME [-t|--tty|-it] CMD [ARGS...]: `kubectl exec [-it] NAME -- CMD`, i.e. the shim's
# `runc exec [-t]` into container NAME. With -t the command gets a new pty as controlling terminal
# (session leader) and this function's stdin is typed into it. Returns CMD's status.
kubectl_exec() {
	_scn_d=$PWD/ctr-$1
	shift
	[ -f "$_scn_d/pid" ] || fail "kubectl_exec: no container ${_scn_d##*/ctr-}"
	_scn_t=
	case $1 in -t | --tty | -it)
		_scn_t=-t
		shift
		;;
	esac
	if [ "$1" = bash ] || [ "$1" = /bin/bash ]; then
		shift
		set -- -argv0 ash -- /bin/bash "$@"
	else
		set -- -- "$@"
	fi
	/usr/bin/runc exec $_scn_t -cgroup "$(cat "$_scn_d/cg")" -pid "$(cat "$_scn_d/pid")" "$@"
}

# type_into INPUT NAME [-t] CMD [ARGS...]: kubectl_exec with the text INPUT typed on its stdin (the
# pty with -t), its output in exec.out. Fails (SCN_FATAL=0: returns 1) unless it ends within 30 s;
# else returns CMD's status.
type_into() {
	_scn_in=$1
	shift
	printf '%s' "$_scn_in" | kubectl_exec "$@" >exec.out 2>&1 &
	_scn_p=$!
	if ! wait_exit "$_scn_p" 30; then
		kill -KILL "$_scn_p" 2>/dev/null
		_scn_fail "exec into $1 did not end within 30 s: $(tail -c 300 exec.out)"
		return 1
	fi
	return "$WAIT_STATUS"
}

# docker_exec: the same path (docker -> containerd -> shim -> runc exec).
docker_exec() {
	kubectl_exec "$@"
}

_scn_lines() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# rce NAME CMD: the "exploit": make the web server (nginx helper, pid 1 of NAME) run CMD through
# /bin/sh -c, and wait (20 s) until it has finished.
rce() {
	_scn_f=$PWD/ctr-$1.rce
	[ -p "$_scn_f" ] || fail "rce: container $1 has no request FIFO (not an nginx image?)"
	_scn_before=$(_scn_lines "$_scn_f.done")
	printf '%s\n' "$2" >"$_scn_f"
	_scn_i=0
	while [ "$(_scn_lines "$_scn_f.done")" -le "$_scn_before" ]; do
		[ $_scn_i -ge 200 ] && fail "rce: the request did not complete in 20 s"
		sleep 0.1
		_scn_i=$((_scn_i + 1))
	done
}

# ---- alerts

# alert_sync: open a marker file on every CPU and wait (20 s) until sakerd alerted each (the site rule
# "saker scenario sync"): every event recorded before has then been handled.
alert_sync() {
	_scn_sync_n=$((_scn_sync_n + 1))
	_scn_c=0
	_scn_ms=
	while [ "$_scn_c" -lt "$(nproc)" ]; do
		_scn_m=.saker-scn-sync.$_scn_sync_n.$_scn_c
		: >"$PWD/$_scn_m"
		taskset -c "$_scn_c" cat "$PWD/$_scn_m" || fail "alert_sync: taskset -c $_scn_c"
		_scn_ms="$_scn_ms $_scn_m"
		_scn_c=$((_scn_c + 1))
	done
	_scn_i=0
	for _scn_m in $_scn_ms; do
		while ! grep -qF "$_scn_m\"" "$ALERTS"; do
			alive "$SAKERD_PID" || fail "alert_sync: sakerd died: $(tail -n 5 sakerd.err)"
			[ $_scn_i -ge 200 ] && fail "alert_sync: no sync alert for $_scn_m after 20 s"
			sleep 0.1
			_scn_i=$((_scn_i + 1))
		done
		rm -f "$PWD/$_scn_m"
	done
}

# scenario_begin: wait for sakerd to catch up, then count only later alerts.
scenario_begin() {
	alert_sync
	SCN_MARK=$(wc -l <"$ALERTS")
}

# scn_alerts: the alerts (JSON lines) since scenario_begin, without sync markers.
scn_alerts() {
	tail -n "+$((SCN_MARK + 1))" "$ALERTS" |
		jq -c -R 'fromjson? | select(.rule != "saker scenario sync")'
}

# scn_count RULE [FILTER [JQ-ARGS...]]: alerts of RULE since scenario_begin satisfying FILTER.
scn_count() {
	_scn_r=$1
	_scn_flt=${2:-true}
	shift
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2016 # jq variables
	scn_alerts | jq -n --arg __rule "$_scn_r" "$@" "[inputs | select(.rule == \$__rule and ($_scn_flt))] | length" ||
		fail "scn_count: jq failed on: $_scn_flt"
}

# expect_alert RULE [FILTER [JQ-ARGS...]]: wait (SCN_WAIT s) for an alert of RULE since scenario_begin
# whose JSON satisfies the jq FILTER.
expect_alert() {
	_scn_i=0
	while [ "$(scn_count "$@")" -eq 0 ]; do
		if [ $_scn_i -ge $((SCN_WAIT * 10)) ]; then
			_scn_fail "no '$1' alert${2:+ matching $2} within $SCN_WAIT s; alerts since the scenario began:
$(scn_alerts | jq -r '"    " + .rule + ": " + (.output_fields | tostring)')"
			return 1
		fi
		sleep 0.1
		_scn_i=$((_scn_i + 1))
	done
}

# expect_no_alert RULE...: after alert_sync, no alert of any RULE since scenario_begin.
expect_no_alert() {
	alert_sync
	_scn_bad=0
	for _scn_r in "$@"; do
		if [ "$(scn_count "$_scn_r")" -ne 0 ]; then
			_scn_fail "unexpected '$_scn_r' alert: $(scn_alerts | jq -c --arg r "$_scn_r" 'select(.rule == $r) | .output' | head -n 1)" || _scn_bad=1
		fi
	done
	return $_scn_bad
}

# scn_unexpected RULE...: after alert_sync, print (one per line, sorted) the rules that alerted since
# scenario_begin and are not among RULE...
scn_unexpected() {
	alert_sync
	scn_alerts | jq -r '.rule' | sort -u | while read -r _scn_r; do
		_scn_ok=0
		for _scn_w in "$@"; do
			[ "$_scn_r" = "$_scn_w" ] && _scn_ok=1
		done
		[ $_scn_ok = 1 ] || echo "$_scn_r"
	done
}

# shellcheck disable=SC2120 # called without arguments by expect_silence
# expect_only RULE...: after alert_sync, every alert since scenario_begin is of one of RULE... (none
# given: silence).
expect_only() {
	_scn_u=$(scn_unexpected "$@")
	[ -z "$_scn_u" ] && return 0
	_scn_fail "unexpected alerts ($(echo "$_scn_u" | tr '\n' ',' | sed 's/,$//')):
$(scn_alerts | jq -r '"    " + .output')"
}

# expect_silence: no alert at all since scenario_begin.
expect_silence() {
	# shellcheck disable=SC2119 # no rule allowed
	expect_only
}
