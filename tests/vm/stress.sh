#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# stress.sh: SAKER_STRESS_CYCLES (100) load/unload cycles of the module under mixed load on every
# CPU (docs/testing.md). Run by t81-stress (make check) and scripts/stress-kmod.sh (make
# stress-kmod), under single-threaded TCG: it unregisters the probes while other CPUs run them.
# Load, started once and running through every cycle, per CPU: an open storm on an existing file,
# one on a missing path, a fork+exec storm and an io_uring open storm (io-wq on odd CPUs), plus on
# CPU 0 execs of a set-user-ID binary by alice (a credential change each); and one
# loop of control-plane requests (sakerctl status, stats, config set, a malformed request). Each
# cycle: insmod with varied parameters (ring_kb at its minimum one cycle in three, so rings fill
# and drop; wakeup_kb; latency_ms; open_maxactive down to 1; share_pct when the module has it, with
# the missing-path storm running as alice, whom it limits), an open() of a FIFO left blocked in
# flight, a reader attached and detached (sakerctl trace and sakerd in turn), rmmod under the load,
# then the FIFO's writer side opened: the blocked open must return cleanly. Fails on a failed
# insmod/rmmod, a load process or reader that died, a kernel log error; a kernel fault ends the VM
# (scripts/vm.sh). One short line per cycle (figures, seconds: total, then insmod, FIFO open,
# reader, rmmod and checks), then
#   SAKER-STRESS: cycles=N events=N drops=N missed=N faults=0 seconds=N control=N changes=N
# events: records the readers read; drops: the rings' drops_* counters (full, fault, share) at the
# reader's exit; missed: opens the kretprobe missed (open_maxactive).
#   SAKER_STRESS_HOLD  seconds the reader stays attached per cycle (0.5)
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

CYCLES=${SAKER_STRESS_CYCLES:-100}
HOLD=${SAKER_STRESS_HOLD:-0.5}
RULES=${SAKER_RULES:-/saker/rules}/saker_rules.yaml
NCPU=$(nproc)
case $CYCLES in '' | *[!0-9]*) fail "SAKER_STRESS_CYCLES=$CYCLES is not a number" ;; esac
for h in storm bench uring_storm runas truebin sakerctl sakerd; do
	command -v "$h" >/dev/null 2>&1 || fail "$h not in the initramfs (make userspace vm-helpers)"
done
[ -e /etc/hostname ] || fail "no /etc/hostname to open"
# Our files (lib.sh's too) in a directory of our own, wherever we were started.
cd "$(mktemp -d /tmp/saker-stress.XXXXXX)" || fail "mktemp"
chmod 755 . || fail "chmod ."
{ cp "$(command -v truebin)" suidtrue && chmod 4755 suidtrue; } || fail "setup: suidtrue"

# The smallest ring insmod accepts: it rejects smaller ones and the module prints the range
# ("between N and M"); if that message ever changes, try powers of two.
insmod "$SAKER_KO" ring_kb=1 2>/dev/null && fail "insmod accepted ring_kb=1"
min_kb=$(dmesg | sed -n 's/.*ring_kb=1: .* between \([0-9][0-9]*\) and .*/\1/p' | tail -n 1)
min_kb=${min_kb:-2}
while ! insmod "$SAKER_KO" ring_kb="$min_kb" 2>/dev/null; do
	min_kb=$((min_kb * 2))
	[ "$min_kb" -le 1048576 ] || fail "insmod failed for every ring_kb: $(dmesg | tail -n 5)"
done
unload_module
info "smallest ring: ring_kb=$min_kb; $NCPU CPUs, $CYCLES cycles"
# Parameters newer modules have: varied when present.
has_share=
modinfo "$SAKER_KO" 2>/dev/null | grep -q 'share_pct' && has_share=1

# The load, on every CPU, for the whole run (killed by the EXIT trap). Niced: it takes every cycle
# the rest leaves, while insmod, rmmod, the readers and this script run at full speed (under
# single-threaded TCG the four vCPUs share one host core).
load_pids=
# shellcheck disable=SC2016 # expanded when the test ends
on_exit 'for p in $load_pids; do kill -KILL $p 2>/dev/null; done'
N=1000000000000
# niced CMD...: run CMD at nice 19 (busybox has renice, not nice).
niced() {
	# shellcheck disable=SC2016 # $$ is the inner shell's
	sh -c 'renice -n 19 -p $$ >/dev/null && exec "$@"' niced "$@"
}
c=0
while [ "$c" -lt "$NCPU" ]; do
	async=
	[ $((c % 2)) -eq 1 ] && async=-a
	niced taskset -c "$c" storm $N /etc/hostname >/dev/null &
	load_pids="$load_pids $!"
	# As alice: records of tasks other than host root are the ones a fair share (share_pct) limits.
	niced taskset -c "$c" runas 1000 1000 storm $N /nonexistent/saker-stress >/dev/null &
	load_pids="$load_pids $!"
	niced taskset -c "$c" bench forkexec $N >/dev/null &
	load_pids="$load_pids $!"
	# Credential changes: alice execs a set-user-ID copy of truebin, one cred record per exec
	# (on CPU 0 only: the other storms already keep every CPU busy).
	if [ "$c" -eq 0 ]; then
		niced taskset -c "$c" runas 1000 1000 bench forkexec $N "$PWD/suidtrue" >/dev/null &
		load_pids="$load_pids $!"
	fi
	# shellcheck disable=SC2086 # $async is empty or one word
	niced taskset -c "$c" uring_storm $async $N /etc/hostname >/dev/null 2>uring.$c.err &
	load_pids="$load_pids $!"
	c=$((c + 1))
done

# The control plane across every load and unload: reads, a refused request, classes turned off and
# on again, an open filter and an ignore list set and removed under the hooks (genetlink's unregister
# must wait for requests in flight; a replaced filter or list is freed after a grace period). Full speed, not niced.
ctl_loop=
if command -v genlpoke >/dev/null 2>&1; then
	ctl_loop=1
	# shellcheck disable=SC2016 # the loop is the child shell's
	sh -c 'while :; do
		sakerctl stats --json; sakerctl status; genlpoke bits
		sakerctl config set classes=exec,fork,exit; sakerctl config get; sakerctl config set classes=all
		genlpoke fset; genlpoke fnone
		sakerctl config set ignore=$$,$PPID; genlpoke ignatomic; sakerctl config set ignore=none
		echo >>ctl.rounds
	done >/dev/null 2>&1' &
	load_pids="$load_pids $!"
fi

mkfifo fifo || fail "mkfifo"
cat >saker.yaml <<EOF
rules_files:
  - $RULES
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $PWD/alerts.json
stats:
  interval_s: 0
EOF
out=$(sakerd -n -c saker.yaml 2>&1) || fail "sakerd -n: $out"

# pick VAR LIST N: set VAR to the N-th word of LIST, cyclically (N from 0). Sets, not prints:
# every $(...) is a fork, and forks are slow with every vCPU busy.
pick() {
	_saker_pv=$1 _saker_pn=$3
	# shellcheck disable=SC2086 # a list of words
	set -- $2
	eval "$_saker_pv=\${$((_saker_pn % $# + 1))}"
}

# blocked_in_open PID: PID is inside an open syscall (open 2, openat 257 on x86_64).
blocked_in_open() {
	read -r _saker_sc _saker_rest <"/proc/$1/syscall" 2>/dev/null || return 1
	case $_saker_sc in 2 | 257) return 0 ;; esac
	return 1
}

# running PID: PID exists and is not a zombie, with shell builtins only (lib.sh's alive forks sed).
running() {
	read -r _saker_st <"/proc/$1/stat" 2>/dev/null || return 1
	_saker_st=${_saker_st##*) }
	case $_saker_st in Z* | X*) return 1 ;; esac
	return 0
}

# now: seconds since boot (centiseconds) in UP, without a fork.
now() {
	read -r UP _saker_rest </proc/uptime
}

# figures STATSLINE: "events drops missed" of a sakerctl stats line (records) or a sakerd exit
# statistics line (the events object), drops = every drops_* counter of every ring. awk, not
# jq: jq takes seconds under single-threaded TCG.
figures() {
	printf '%s\n' "$1" | awk '
		function sum(re, t,   s, v) {
			s = 0
			while (match(t, re)) {
				v = substr(t, RSTART, RLENGTH)
				sub(/.*:/, "", v)
				s += v
				t = substr(t, RSTART + RLENGTH)
			}
			return s
		}
		{
			if (match($0, /"events":\{[^}]*\}/))
				ev = sum(":[0-9]+", substr($0, RSTART, RLENGTH))
			else
				ev = sum("\"records\":[0-9]+", $0)
			print ev, sum("\"drops_[a-z]+\":[0-9]+", $0), sum("\"open_missed\":[0-9]+", $0)
		}'
}

now
T0=$UP
events=0 drops=0 missed=0 changes=0 ignores=0 i=0 ring='' wk='' lat='' mx='' sh_pct=''
t_load='' t_fifo='' t_reader='' t_unload=''
while [ "$i" -lt "$CYCLES" ]; do
	now
	cs=$UP
	# Different periods, so the combinations vary from cycle to cycle.
	pick ring "$min_kb $((min_kb * 8)) 4096" "$i"
	params="ring_kb=$ring"
	pick wk "0 1 $ring $((ring / 2))" "$i"
	[ "$wk" -eq 0 ] || params="$params wakeup_kb=$wk"
	pick lat "1 10 100 1000 10000" "$i"
	params="$params latency_ms=$lat"
	pick mx "1 2 8 0 3 64" "$i"
	[ "$mx" -eq 0 ] || params="$params open_maxactive=$mx"
	if [ -n "$has_share" ]; then
		pick sh_pct "0 25 100 50 0 30" "$i"
		[ "$sh_pct" -eq 0 ] || params="$params share_pct=$sh_pct"
	fi
	# shellcheck disable=SC2086 # the parameter list
	load_module $params
	now
	t_load=$UP

	# An open() in flight across the unload: no writer until after rmmod.
	cat fifo >fifo.out 2>fifo.err &
	fifo_pid=$!
	wait_for 10 blocked_in_open "$fifo_pid" || fail "cycle $i: cat fifo is not blocked in open"

	now
	t_fifo=$UP
	# Readers in turn: sakerctl trace, sakerd, sakerctl trace, sakerd... sakerctl writes JSON one
	# cycle in sixteen and a raw capture otherwise: a JSON cycle takes 10-20 s under TCG.
	case $((i % 2)) in
	0)
		reader="sakerctl trace"
		if [ $((i % 16)) -eq 0 ]; then
			start_trace /dev/null trace.err
		else
			reader="$reader -w"
			start_trace /dev/null trace.err --write -
		fi
		sleep "$HOLD"
		stop_trace nosync
		st=$(stats_line trace.err last)
		;;
	*)
		reader=sakerd
		: >sakerd.err
		sakerd -c saker.yaml 2>sakerd.err &
		spid=$!
		wait_for 20 grep -q 'sakerd: running' sakerd.err || fail "cycle $i: sakerd not running: $(cat sakerd.err)"
		sleep "$HOLD"
		kill -TERM "$spid"
		wait_exit "$spid" 20 || fail "cycle $i: sakerd did not exit within 20 s of SIGTERM"
		[ "$WAIT_STATUS" -eq 0 ] || fail "cycle $i: sakerd exited with $WAIT_STATUS: $(tail -n 5 sakerd.err)"
		st=$(grep '"reason":"exit"' sakerd.err | tail -n 1)
		[ -n "$st" ] || fail "cycle $i: sakerd printed no exit statistics: $(tail -n 5 sakerd.err)"
		;;
	esac
	# shellcheck disable=SC2046 # three numbers
	set -- $(figures "$st")
	[ $# -eq 3 ] || fail "cycle $i: no figures in the statistics: $st"
	ev=$1 dr=$2 ms=$3
	events=$((events + ev)) drops=$((drops + dr)) missed=$((missed + ms))

	running "$fifo_pid" || fail "cycle $i: the blocked open returned before the unload"
	now
	t_reader=$UP
	if ! rmmod saker 2>rmmod.err; then
		fail "cycle $i: rmmod saker under load ($params): $(cat rmmod.err)
$(dmesg | tail -n 20)"
	fi
	[ -e /sys/module/saker ] && fail "cycle $i: /sys/module/saker still there after rmmod"
	now
	t_unload=$UP
	# Opened read-write the FIFO never blocks and counts as its writer: the blocked open returns,
	# cat reads one line and ends at the close.
	exec 3<>fifo
	echo "x$i" >&3
	exec 3>&-
	wait "$fifo_pid"
	st=$?
	[ "$st" -eq 0 ] || fail "cycle $i: cat fifo exited with $st: $(cat fifo.err)"
	got=
	read -r got <fifo.out
	[ "$got" = "x$i" ] || fail "cycle $i: cat fifo read '$got', want x$i"

	for p in $load_pids; do
		running "$p" || fail "cycle $i: load process $p died ($(cat uring.*.err 2>/dev/null))"
	done
	log=$(dmesg -c)
	changes=$((changes + $(printf '%s\n' "$log" | grep -c 'event classes .* set by pid')))
	ignores=$((ignores + $(printf '%s\n' "$log" | grep -c 'ignore list of [0-9]* thread groups, set by pid')))
	case $log in
	*BUG* | *WARNING* | *Oops* | *lockdep* | *"general protection"* | *"Call Trace"* | *KASAN* | *UBSAN* | *refcount_t*)
		fail "cycle $i: kernel log errors ($params):
$log"
		;;
	esac
	i=$((i + 1))
	now
	# Seconds: the whole cycle (insmod, FIFO open, reader, rmmod, the rest).
	echo "stress: $i/$CYCLES $params $reader ev=$ev dr=$dr ms=$ms $(echo "$cs $t_load $t_fifo $t_reader $t_unload $UP" |
		awk '{ printf "%.1fs (%.1f %.1f %.1f %.1f %.1f)", $6 - $1, $2 - $1, $3 - $2, $4 - $3, $5 - $4, $6 - $5 }')"
done
now
rounds=$(wc -l <ctl.rounds 2>/dev/null || echo 0)
info "control plane: $rounds rounds of requests, $changes class changes and $ignores ignore lists logged by the module"
[ -z "$ctl_loop" ] || [ "$rounds" -gt 0 ] || fail "the control-plane loop never completed a round"
echo "SAKER-STRESS: cycles=$i events=$events drops=$drops missed=$missed faults=0 seconds=$(echo "$T0 $UP" | awk '{ printf "%d", $2 - $1 + 0.5 }') control=$rounds changes=$changes"
