# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Helpers sourced by the in-VM tests (tests/vm/tNN-*.sh): `. /saker/tests/lib.sh`.
# POSIX sh for busybox ash. Contract: docs/conventions.md ("In-VM contract", "sakerctl trace JSON").
# Globals a test may read: TRACE_PID, TRACE_OUT, TRACE_ERR. Everything else is prefixed _saker_.

# Sourced once: a second `.` keeps the first definitions (and any a caller overrode).
[ -n "${_saker_lib_loaded:-}" ] && return 0
_saker_lib_loaded=1

SAKER_KO=${SAKER_KO:-/saker/saker.ko}
SAKER_CGROOT=${SAKER_CGROOT:-/sys/fs/cgroup}
TRACE_PID=
TRACE_OUT=
TRACE_ERR=
_saker_cleanup_cmds=
_saker_sync_n=0

# fail MSG...: print "FAIL: MSG" on stderr and end the test with status 1 (the EXIT trap cleans up).
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip MSG...: print "SKIP: MSG" and end the test with status 77.
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# info MSG...: progress line on stderr, prefixed with the test name.
info() {
	echo "${0##*/}: $*" >&2
}

# on_exit CMD: run the shell command CMD (eval'd) when the test ends, last registered first. Only from
# the test's main shell: a registration made in a subshell (cmd &, $(...)) is lost.
on_exit() {
	_saker_cleanup_cmds="$1
$_saker_cleanup_cmds"
}

# Built-in cleanup (EXIT trap): stop a running trace, run the on_exit commands, unload the module.
_saker_cleanup() {
	_saker_st=$?
	trap - EXIT
	if [ -n "$TRACE_PID" ]; then
		kill -CONT "$TRACE_PID" 2>/dev/null
		kill -TERM "$TRACE_PID" 2>/dev/null
		wait_exit "$TRACE_PID" 10 || { kill -KILL "$TRACE_PID" 2>/dev/null; wait "$TRACE_PID" 2>/dev/null; }
		TRACE_PID=
	fi
	eval "$_saker_cleanup_cmds"
	if grep -q '^saker ' /proc/modules 2>/dev/null; then
		rmmod saker 2>/dev/null || echo "cleanup: rmmod saker failed" >&2
	fi
	exit "$_saker_st"
}
trap _saker_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# assert_eq GOT WANT MSG: fail with MSG and both values unless GOT = WANT (string comparison).
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# assert_ne GOT NOTWANT MSG: fail with MSG unless GOT != NOTWANT.
assert_ne() {
	[ "$1" != "$2" ] || fail "$3: got '$1', must differ"
}

# load_module [PARAM=VALUE...]: insmod the module with the params; fail with the dmesg tail if it fails.
load_module() {
	if ! insmod "$SAKER_KO" "$@" 2>insmod.err; then
		fail "insmod $SAKER_KO $*: $(cat insmod.err)
$(dmesg | tail -n 20)"
	fi
	_saker_devnode || fail "no /dev/saker after insmod"
}

# Make sure /dev/saker exists (devtmpfs creates it; else mknod it from sysfs). Waits up to 2 s.
_saker_devnode() {
	_saker_i=0
	while [ ! -c /dev/saker ] && [ "$_saker_i" -lt 20 ]; do
		for _saker_f in /sys/class/*/saker/dev; do
			[ -r "$_saker_f" ] || continue
			_saker_mm=$(cat "$_saker_f")
			mknod -m 600 /dev/saker c "${_saker_mm%%:*}" "${_saker_mm##*:}" 2>/dev/null
		done
		[ -c /dev/saker ] && break
		sleep 0.1
		_saker_i=$((_saker_i + 1))
	done
	[ -c /dev/saker ]
}

# unload_module: rmmod saker; fail (with the dmesg tail) if it fails.
unload_module() {
	if ! rmmod saker 2>rmmod.err; then
		fail "rmmod saker: $(cat rmmod.err)
$(dmesg | tail -n 20)"
	fi
}

# stats_count FILE: number of {"type":"stats"} lines in FILE (sakerctl's stderr).
stats_count() {
	grep -c '"type":"stats"' "$1" 2>/dev/null || true
}

# start_trace OUT ERR [ARGS...]: run `sakerctl trace ARGS >OUT 2>ERR &`, wait up to 10 s for its first
# stats line (reader attached), remember the pid in TRACE_PID.
start_trace() {
	TRACE_OUT=$1
	TRACE_ERR=$2
	shift 2
	: >"$TRACE_OUT"
	: >"$TRACE_ERR"
	sakerctl trace "$@" >"$TRACE_OUT" 2>"$TRACE_ERR" &
	TRACE_PID=$!
	_saker_i=0
	while [ "$(stats_count "$TRACE_ERR")" -lt 1 ]; do
		if ! alive "$TRACE_PID"; then
			wait "$TRACE_PID"
			_saker_st=$?
			TRACE_PID=
			fail "sakerctl trace exited with $_saker_st before attaching: $(cat "$TRACE_ERR")"
		fi
		[ "$_saker_i" -ge 100 ] && fail "sakerctl trace: no stats line within 10 s: $(cat "$TRACE_ERR")"
		sleep 0.1
		_saker_i=$((_saker_i + 1))
	done
}

# trace_stats: ask the running trace for a stats line (SIGUSR1) and wait up to 10 s until it is in ERR.
trace_stats() {
	_saker_n=$(stats_count "$TRACE_ERR")
	kill -USR1 "$TRACE_PID" || fail "trace_stats: sakerctl is gone"
	_saker_i=0
	while [ "$(stats_count "$TRACE_ERR")" -le "$_saker_n" ]; do
		[ "$_saker_i" -ge 100 ] && fail "sakerctl: no stats line within 10 s of SIGUSR1"
		sleep 0.1
		_saker_i=$((_saker_i + 1))
	done
}

# trace_sync: open a fresh marker file on every CPU and wait up to 20 s until the trace printed all the
# markers. Rings are FIFO per CPU, so everything recorded before is then in TRACE_OUT too.
trace_sync() {
	_saker_sync_n=$((_saker_sync_n + 1))
	_saker_cpus=$(nproc)
	_saker_c=0
	_saker_markers=
	while [ "$_saker_c" -lt "$_saker_cpus" ]; do
		_saker_m="$PWD/.saker-sync.$_saker_sync_n.$_saker_c"
		: >"$_saker_m"
		taskset -c "$_saker_c" cat "$_saker_m" || fail "trace_sync: taskset -c $_saker_c failed"
		_saker_markers="$_saker_markers $_saker_m"
		_saker_c=$((_saker_c + 1))
	done
	_saker_i=0
	for _saker_m in $_saker_markers; do
		# Match on the basename: the JSON encoder may escape the slashes.
		while ! grep -qE "\"path\":\"[^\"]*${_saker_m##*/}\"" "$TRACE_OUT"; do
			alive "$TRACE_PID" || fail "trace_sync: sakerctl died: $(tail -n 5 "$TRACE_ERR")"
			[ "$_saker_i" -ge 200 ] && fail "trace_sync: open of $_saker_m not in the trace after 20 s (output not flushed, or event lost?)"
			sleep 0.1
			_saker_i=$((_saker_i + 1))
		done
	done
}

# alive PID: true if PID exists and is not a zombie (kill -0 alone also succeeds on an unreaped child).
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) in Z | "") return 1 ;; esac
	return 0
}

# wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds; returns 1 if it still fails after
# SECONDS. The caller fails with its own message, built after the wait: `wait_for 10 f || fail "$(...)"`.
wait_for() {
	_saker_w=$(($1 * 10))
	shift
	_saker_i=0
	until "$@"; do
		[ "$_saker_i" -ge "$_saker_w" ] && return 1
		sleep 0.1
		_saker_i=$((_saker_i + 1))
	done
	return 0
}

# wait_exit PID SECONDS: wait until child PID ends (polling; returns 1 if it still runs after SECONDS),
# reap it and leave its exit status in WAIT_STATUS.
wait_exit() {
	_saker_i=0
	while alive "$1"; do
		[ "$_saker_i" -ge $(($2 * 10)) ] && return 1
		sleep 0.1
		_saker_i=$((_saker_i + 1))
	done
	wait "$1"
	WAIT_STATUS=$?
	return 0
}

# stop_trace [nosync]: trace_sync (unless nosync), then SIGINT and wait (10 s, then SIGKILL and fail).
# Fails unless sakerctl exits 0 and printed a final stats line.
stop_trace() {
	[ -n "$TRACE_PID" ] || fail "stop_trace: no trace running"
	[ "${1:-}" = nosync ] || trace_sync
	_saker_n=$(stats_count "$TRACE_ERR")
	kill -INT "$TRACE_PID"
	if ! wait_exit "$TRACE_PID" 10; then
		kill -KILL "$TRACE_PID"
		wait "$TRACE_PID"
		TRACE_PID=
		fail "sakerctl trace did not exit within 10 s of SIGINT"
	fi
	TRACE_PID=
	[ "$WAIT_STATUS" -eq 0 ] || fail "sakerctl trace exited with $WAIT_STATUS after SIGINT: $(tail -n 5 "$TRACE_ERR")"
	[ "$(stats_count "$TRACE_ERR")" -gt "$_saker_n" ] || fail "sakerctl trace printed no stats line at exit"
	if grep -v '"type":"stats"' "$TRACE_ERR" | grep -q .; then
		info "sakerctl stderr besides stats: $(grep -v '"type":"stats"' "$TRACE_ERR" | head -n 5)"
	fi
}

# complete_lines FILE: FILE's lines up to its last newline. A trace still running may have written
# half an event; jq would fail on it.
complete_lines() {
	head -n "$(tr -cd '\n' <"$1" | wc -c)" "$1"
}

# jq_count FILE FILTER [JQ-ARGS...]: print how many JSON lines of FILE satisfy FILTER (a jq boolean
# expression on one event; JQ-ARGS such as --arg n v / --argjson n v are passed to jq). Fails on jq errors.
jq_count() {
	_saker_f=$1
	_saker_flt=$2
	shift 2
	complete_lines "$_saker_f" | jq -n "$@" "[inputs | select($_saker_flt)] | length" ||
		fail "jq_count: jq failed on $_saker_f with filter: $_saker_flt"
}

# jq_first FILE FILTER [JQ-ARGS...]: print the first JSON line of FILE satisfying FILTER ("" if none).
jq_first() {
	_saker_f=$1
	_saker_flt=$2
	shift 2
	complete_lines "$_saker_f" | jq -cn "$@" "first(inputs | select($_saker_flt)) // empty" ||
		fail "jq_first: jq failed on $_saker_f with filter: $_saker_flt"
}

# jq_get JSON EXPR [JQ-ARGS...]: evaluate jq EXPR on the JSON text JSON and print it raw (-r).
jq_get() {
	_saker_j=$1
	_saker_e=$2
	shift 2
	printf '%s\n' "$_saker_j" | jq -r "$@" "$_saker_e" || fail "jq_get: jq failed on: $_saker_e"
}

# assert_some FILE FILTER MSG [JQ-ARGS...]: fail with MSG unless at least one line satisfies FILTER.
assert_some() {
	_saker_f=$1
	_saker_flt=$2
	_saker_msg=$3
	shift 3
	_saker_c=$(jq_count "$_saker_f" "$_saker_flt" "$@") || exit 1
	[ "$_saker_c" -gt 0 ] || fail "$_saker_msg (no event in $_saker_f matches: $_saker_flt $*)"
}

# assert_none FILE FILTER MSG [JQ-ARGS...]: fail with MSG (and the first offender) if any line satisfies FILTER.
assert_none() {
	_saker_f=$1
	_saker_flt=$2
	_saker_msg=$3
	shift 3
	_saker_c=$(jq_count "$_saker_f" "$_saker_flt" "$@") || exit 1
	[ "$_saker_c" -eq 0 ] ||
		fail "$_saker_msg ($_saker_c events match: $_saker_flt $*; first: $(jq_first "$_saker_f" "$_saker_flt" "$@"))"
}

# assert_count FILE FILTER N MSG [JQ-ARGS...]: fail with MSG unless exactly N lines satisfy FILTER.
assert_count() {
	_saker_f=$1
	_saker_flt=$2
	_saker_want=$3
	_saker_msg=$4
	shift 4
	_saker_c=$(jq_count "$_saker_f" "$_saker_flt" "$@") || exit 1
	[ "$_saker_c" -eq "$_saker_want" ] ||
		fail "$_saker_msg ($_saker_c events match, want $_saker_want: $_saker_flt $*)"
}

# event_check JSON EXPR MSG [JQ-ARGS...]: fail with MSG and the event unless jq EXPR is true on the event JSON.
event_check() {
	_saker_j=$1
	_saker_e=$2
	_saker_msg=$3
	shift 3
	[ -n "$_saker_j" ] || fail "$_saker_msg: no such event"
	_saker_r=$(printf '%s\n' "$_saker_j" | jq "$@" "$_saker_e") || fail "event_check: jq failed on: $_saker_e"
	[ "$_saker_r" = true ] || fail "$_saker_msg ($_saker_e is $_saker_r) in event: $_saker_j"
}

# ns_ino PID|self NAME: print the inode number of /proc/PID/ns/NAME (mnt, pid, net, uts, ipc, user, cgroup).
ns_ino() {
	_saker_l=$(readlink "/proc/$1/ns/$2") || fail "readlink /proc/$1/ns/$2"
	_saker_l=${_saker_l##*[}
	echo "${_saker_l%]}"
}

# self_cgroup: print the cgroup v2 path of the calling shell ("/" or "/system.slice/...").
self_cgroup() {
	sed -n 's/^0:://p' /proc/self/cgroup
}

# hex64: print 64 random lowercase hex digits (a container id).
hex64() {
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

# dev_encode MAJOR MINOR: print the kernel's new_encode_dev()/huge_encode_dev() form of a device number.
dev_encode() {
	echo $((($2 & 255) | ($1 << 8) | (($2 & ~255) << 12)))
}

# poke CASE ERRNO: the genlpoke helper's request CASE; fails unless the kernel answered with ERRNO
# (0: an ack). The answer is left in poke.CASE.
poke() {
	genlpoke "$1" >"poke.$1" 2>&1 || fail "genlpoke $1: $(cat "poke.$1")"
	grep -q "^error=$2 " "poke.$1" || fail "genlpoke $1: expected error=$2: $(cat "poke.$1")"
	info "genlpoke $1: $(cat "poke.$1")"
}

# run_pid PIDFILE CMD [ARGS...]: run CMD in a child that first writes its pid to PIDFILE and closes
# fds 3-9 (so CMD's first open gets fd 3), then execs CMD (same pid); returns CMD's status.
run_pid() {
	_saker_pf=$1
	shift
	# shellcheck disable=SC2016 # $$ and $@ are for the child shell
	sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; echo $$ >"$0"; exec "$@"' "$_saker_pf" "$@"
}

# container_cgroup ID: print the cgroup directory of fake container ID (docker naming).
container_cgroup() {
	echo "$SAKER_CGROOT/system.slice/docker-$1.scope"
}

# container_create ID: create the cgroup of fake container ID and remove it when the test ends.
container_create() {
	_saker_cg=$(container_cgroup "$1")
	[ -d "$_saker_cg" ] && return 0
	mkdir -p "$_saker_cg" || fail "container_create: mkdir $_saker_cg"
	on_exit "rmdir '$_saker_cg' 2>/dev/null"
}

# make_container ID CMD [ARGS...]: run CMD as pid 1 of a fake docker container: cgroup
# system.slice/docker-ID.scope plus new pid, mnt, uts, ipc and net namespaces (user and cgroup ns are
# the host's). /proc stays the host's, so /proc/self/ns/* inside shows the container's namespaces and
# /proc/self the host pid. Returns when CMD ends. To run it in the background (`make_container ID
# CMD &`), call container_create ID first, from the main shell, so that the cgroup is removed at exit.
make_container() {
	container_create "$1"
	_saker_cg=$(container_cgroup "$1")
	shift
	# The subshell moves itself ("0" = the writer) into the cgroup, then becomes unshare, whose
	# forked child (pid 1 of the new pid namespace) execs CMD.
	(
		echo 0 >"$_saker_cg/cgroup.procs" || exit 125
		exec unshare --pid --fork --mount --uts --ipc --net "$@"
	)
}

# wait_file FILE [SECONDS]: wait (default 10 s) until FILE exists and is not empty; fail otherwise.
wait_file() {
	_saker_i=0
	while [ ! -s "$1" ]; do
		[ "$_saker_i" -ge $((${2:-10} * 10)) ] && fail "wait_file: $1 did not appear"
		sleep 0.1
		_saker_i=$((_saker_i + 1))
	done
}

# ring_stat STATSLINE RING KEY: print counter KEY (events, drops_full, ...) of ring RING from a stats line.
ring_stat() {
	# shellcheck disable=SC2016 # jq variables
	jq_get "$1" '.rings[] | select(.ring == $r) | .[$k]' --argjson r "$2" --arg k "$3"
}

# stats_line ERR N: print the N-th stats line of ERR (1-based; "last" for the last one).
stats_line() {
	if [ "$2" = last ]; then
		grep '"type":"stats"' "$1" | tail -n 1
	else
		grep '"type":"stats"' "$1" | sed -n "${2}p"
	fi
}

# quiet_cpus: move every user process (this shell, pid 1, the runner) to CPU 0 so that the other CPUs
# run only what a test pins there; kernel threads (no exe link) are left alone. Masks are restored when
# the test ends. Processes started later from this shell inherit CPU 0.
quiet_cpus() {
	: >"$PWD/.masks"
	for _saker_d in /proc/[0-9]*; do
		_saker_p=${_saker_d#/proc/}
		readlink "$_saker_d/exe" >/dev/null 2>&1 || continue
		_saker_m=$(taskset -p "$_saker_p" 2>/dev/null) || continue
		echo "$_saker_p ${_saker_m##*: }" >>"$PWD/.masks"
		taskset -p 1 "$_saker_p" >/dev/null 2>&1
	done
	on_exit "while read -r p m; do taskset -p \"\$m\" \"\$p\" >/dev/null 2>&1; done <'$PWD/.masks'"
	[ "$(taskset -p $$ | sed 's/.*: //')" = 1 ] || fail "could not pin the test shell to CPU 0"
}

# cpu_ticks PID: user + system clock ticks PID has used so far (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() {
	_saker_s=$(cat "/proc/$1/stat") || fail "cpu_ticks: no process $1"
	_saker_s=${_saker_s##*) }
	# shellcheck disable=SC2086 # word splitting wanted
	set -- $_saker_s
	echo $((${12} + ${13}))
}

# blocked_in PID NR: how many threads of PID are inside syscall number NR right now.
blocked_in() {
	_saker_n=0
	for _saker_t in /proc/"$1"/task/*/syscall; do
		read -r _saker_nr _saker_rest <"$_saker_t" 2>/dev/null || continue
		[ "$_saker_nr" = "$2" ] && _saker_n=$((_saker_n + 1))
	done
	echo "$_saker_n"
}
