#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-compare (in the VM, run by scripts/bench-compare.sh; not a test): saker beside Falco's scap.ko
# with sysdig and auditd. Six workloads under four configurations, in interleaved rounds (so drift
# hits every configuration alike): "base" (nothing loaded), "saker" (module + sakerd with the shipped
# rules and the open filter they set, as bench-kmod's "sakerd"), "sysdig" (scap.ko + sysdig evaluating
# a filter like one Falco rule, output to /dev/null), "auditd" (auditd with open/openat and execve
# rules). Per workload and configuration it records the median ns/op and, over the warm-up, the timed
# run and the drain, the events the consumer got, the drops and the consumer's CPU (utime + stime
# from /proc/PID/stat). Prints "SAKER-BENCH: ..." lines; scripts/bench-compare.sh plots the ratios.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

ROUNDS=${BENCH_ROUNDS:-3}
# Sized for ~1-3 s per timed run without any tool under TCG (6.1: nullsys ~0.6 us, rw ~5 us,
# openclose ~18 us, forkexec ~7 ms, one mixed iteration ~150 ms), and for the whole run to stay near
# 25 minutes: auditd takes 0.7-2.5 ms per open event under TCG, so opens are the fewest.
NULLSYS_N=${BENCH_NULLSYS:-1000000}
RW_N=${BENCH_RW:-200000}
OPENCLOSE_N=${BENCH_OPENCLOSE:-20000}
OPENFAIL_N=${BENCH_OPENFAIL:-10000}
FORKEXEC_N=${BENCH_FORKEXEC:-200}
MIXED_N=${BENCH_MIXED:-15}
WORKLOADS="nullsys rw openclose openfail forkexec mixed"
RULES=${SAKER_RULES:-/saker/rules}/saker_rules.yaml
# A filter like Falco's "Read sensitive file untrusted" (opens under /etc), evaluated by sysdig.
SYSDIG_FILTER='evt.type=openat and fd.name startswith /etc'
# USER_HZ: /proc/PID/stat counts CPU in 1/100 s.
TICK_MS=10

cd "$(mktemp -d /tmp/bench.XXXXXX)" || fail "mktemp"
W=$PWD
echo bench >bench.file
: >results

# The build loop of the mixed workload: preprocess, "compile", link and check four small sources.
mkdir -p mixed/src mixed/obj mixed/out
for f in a b c d; do
	i=0
	while [ "$i" -lt 40 ]; do echo "#define X$i $i"; echo "int f$f$i(int x) { return x + $i; }"; i=$((i + 1)); done \
		>"mixed/src/$f.c"
done
cat >mixed/build.sh <<EOF
cd $W/mixed || exit 1
for f in a b c d; do
	sed 's/int /long /g' src/\$f.c >obj/\$f.i
	grep -v '^#' obj/\$f.i | sort >obj/\$f.o
done
cat obj/a.o obj/b.o obj/c.o obj/d.o >out/prog
[ "\$(wc -l <out/prog)" -eq 160 ] || exit 1
rm -f obj/a.i obj/b.i obj/c.i obj/d.i obj/a.o obj/b.o obj/c.o obj/d.o
EOF

# cpu_ms PID...: utime + stime of the processes, in ms (0 for one that is gone).
cpu_ms() {
	_c=0
	for _p in "$@"; do
		_t=$(awk '{ print $14 + $15 }' "/proc/$_p/stat" 2>/dev/null) || _t=0
		_c=$((_c + ${_t:-0}))
	done
	echo $((_c * TICK_MS))
}

# wait_idle SECONDS PID...: until the processes used at most one tick in a second (they caught up).
wait_idle() {
	_end=$1
	shift
	_i=0
	_a=$(cpu_ms "$@")
	while [ "$_i" -lt "$_end" ]; do
		sleep 1
		_b=$(cpu_ms "$@")
		[ $((_b - _a)) -le "$TICK_MS" ] && return 0
		_a=$_b
		_i=$((_i + 1))
	done
	return 1
}

# --- saker: the module and sakerd on the shipped rules (open filter on) ---------------------------

cat >saker.yaml <<EOF
rules_files:
  - $RULES
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: /dev/null
stats:
  interval_s: 0
EOF

saker_setup() {
	load_module
	sakerd -c saker.yaml 2>sd.err &
	SD_PID=$!
	wait_for 20 grep -q 'sakerd: running' sd.err || fail "sakerd not running: $(cat sd.err)"
}
saker_teardown() {
	kill -TERM "$SD_PID"
	wait_exit "$SD_PID" 30 || fail "sakerd did not stop"
	unload_module
}
sd_empty() {
	[ "$(jq_get "$(sakerctl stats --json)" '.total.queued_bytes')" -eq 0 ]
}
# saker_count: "EVENTS DROPS CPU_MS" so far.
saker_count() {
	_s=$(sakerctl stats --json) || fail "sakerctl stats"
	echo "$(jq_get "$_s" '"\(.total.events) \(.total.drops)"') $(cpu_ms "$SD_PID")"
}
saker_before() { C0=$(saker_count); }
saker_after() {
	wait_for 120 sd_empty || fail "sakerd did not catch up within 120 s"
	C1=$(saker_count)
}

# --- sysdig: scap.ko, one sysdig per workload (its event counts are printed when it ends) ---------

SYSDIG_OK=0
if [ -f /saker/scap.ko ] && command -v sysdig >/dev/null; then
	if insmod /saker/scap.ko 2>scap.err; then
		rmmod scap
		SYSDIG_OK=1
	else
		echo "SAKER-BENCH: sysdig: not run: insmod scap.ko failed: $(cat scap.err) $(dmesg | tail -n 5)"
	fi
else
	echo "SAKER-BENCH: sysdig: not run: no scap.ko or sysdig in the VM (see bench-compare.sh's output)"
fi
scap_users() {
	awk '$1 == "scap" { print $3 }' /proc/modules
}
scap_open() {
	[ "$(scap_users)" -gt 0 ]
}
sysdig_setup() {
	insmod /saker/scap.ko || fail "insmod scap.ko"
}
sysdig_teardown() {
	rmmod scap || fail "rmmod scap"
}
sysdig_before() {
	sysdig -v -p '%evt.num %proc.name %fd.name' "$SYSDIG_FILTER" >/dev/null 2>sg.err &
	SG_PID=$!
	wait_for 60 scap_open || fail "sysdig did not open the scap devices: $(cat sg.err)"
	# Its start (libraries, the /proc scan) is not the workload's cost: measure from when it is idle.
	wait_idle 60 "$SG_PID" || fail "sysdig did not settle within 60 s"
	C0="0 0 $(cpu_ms "$SG_PID")"
}
sysdig_after() {
	wait_idle 120 "$SG_PID" || fail "sysdig did not catch up within 120 s"
	_c=$(cpu_ms "$SG_PID")
	# TERM, not INT: a background job of a script starts with SIGINT ignored.
	kill -TERM "$SG_PID"
	wait_exit "$SG_PID" 60 || fail "sysdig did not stop"
	_e=$(sed -n 's/^Driver Events:\([0-9]*\)/\1/p' sg.err)
	_d=$(sed -n 's/^Driver Drops:\([0-9]*\)/\1/p' sg.err)
	{ [ -n "$_e" ] && [ -n "$_d" ]; } || fail "no event counts from sysdig: $(tail -n 5 sg.err)"
	C1="$_e $_d $_c"
}

# --- auditd: rules for open/openat and execve, log in /tmp ---------------------------------------

mkdir -p /var/run /var/log/audit audit/plugins.d
cat >audit/auditd.conf <<EOF
local_events = yes
write_logs = yes
log_file = $W/audit/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 2000
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
plugin_dir = $W/audit/plugins.d
q_depth = 2000
overflow_action = IGNORE
EOF
chmod 600 audit/auditd.conf
KAUDITD=$(for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = kauditd ] && echo "${p#/proc/}"; done)
# Once auditing was ever enabled, every new task is audited (the syscall slow path) unless a task
# rule says never: without it, the configurations after the first auditd one would pay for it too.
auditctl -a task,never >/dev/null || fail "auditctl -a task,never"
audit_lost() {
	auditctl -s | awk '$1 == "lost" { print $2 }'
}
audit_pid_is() {
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$1" ]
}
auditd_setup() {
	: >audit/audit.log
	auditd -n -c "$W/audit" 2>ad.err &
	AD_PID=$!
	wait_for 30 audit_pid_is "$AD_PID" || fail "auditd did not register: $(cat ad.err)"
	auditctl -D >/dev/null
	auditctl -b 8192 >/dev/null
	auditctl -a always,exit -F arch=b64 -S open,openat -k bench-open >/dev/null || fail "auditctl open rule"
	auditctl -a always,exit -F arch=b64 -S execve -k bench-exec >/dev/null || fail "auditctl execve rule"
	auditctl -e 1 >/dev/null
}
auditd_teardown() {
	auditctl -e 0 >/dev/null
	auditctl -D >/dev/null
	auditctl -a task,never >/dev/null
	kill -TERM "$AD_PID"
	wait_exit "$AD_PID" 30 || fail "auditd did not stop"
}
audit_settled() {
	[ "$(auditctl -s | awk '$1 == "backlog" { print $2 }')" -eq 0 ]
}
auditd_before() {
	: >audit/audit.log
	C0="0 $(audit_lost) $(cpu_ms "$AD_PID" "$KAUDITD")"
}
# Events: one SYSCALL record per audited syscall (with CWD, PATH, PROCTITLE records beside it).
auditd_after() {
	wait_for 120 audit_settled || fail "the audit backlog did not empty within 120 s"
	wait_idle 120 "$AD_PID" "$KAUDITD" || fail "auditd did not catch up within 120 s"
	_c=$(cpu_ms "$AD_PID" "$KAUDITD")
	C1="$(grep -c '^type=SYSCALL ' audit/audit.log) $(audit_lost) $_c"
	AD_RECORDS=$(wc -l <audit/audit.log)
}

# --- the rounds ----------------------------------------------------------------------------------

CONFIGS="base saker auditd"
[ "$SYSDIG_OK" = 1 ] && CONFIGS="base saker sysdig auditd"

# run_config CONFIG ROUND: each workload once; "CONFIG WORKLOAD NS EVENTS DROPS CPU_MS OPS" to results.
run_config() {
	for w in $WORKLOADS; do
		case $w in
		nullsys) n=$NULLSYS_N arg= ;;
		rw) n=$RW_N arg=$W/rw.file ;;
		openclose) n=$OPENCLOSE_N arg=$W/bench.file ;;
		openfail) n=$OPENFAIL_N arg=$W/nonexistent ;;
		forkexec) n=$FORKEXEC_N arg= ;;
		mixed) n=$MIXED_N arg=$W/mixed/build.sh ;;
		esac
		C0="0 0 0" C1="0 0 0" AD_RECORDS=0
		[ "$1" = base ] || "${1}_before"
		# Under TCG a probe's insertion or removal flushes the translated code: a tenth of a run
		# first, untimed, so that no config pays for translating the workload again.
		# shellcheck disable=SC2086 # arg is empty or one word
		bench "$w" $((n / 10 + 1)) $arg >/dev/null || fail "bench $w (warm-up) failed"
		# shellcheck disable=SC2086
		line=$(bench "$w" "$n" $arg) || fail "bench $w $n failed"
		[ "$1" = base ] || "${1}_after"
		ns=${line##* }
		# shellcheck disable=SC2086 # two lists of three numbers
		set -- "$1" "$2" $C0 $C1
		d="$1 $w $ns $(($6 - $3)) $(($7 - $4)) $(($8 - $5)) $((n + n / 10 + 1))"
		echo "$d" >>results
		echo "SAKER-BENCH: data $2 $d records=$AD_RECORDS"
	done
}

# rotate N WORDS...: the words starting at the Nth (0-based), wrapping around.
rotate() {
	_n=$1
	shift
	_i=0
	_head=
	for _w in "$@"; do
		if [ "$_i" -lt "$_n" ]; then _head="$_head $_w"; else printf '%s ' "$_w"; fi
		_i=$((_i + 1))
	done
	echo "$_head"
}

# Each round starts one configuration later, so that no configuration always runs in the same
# place of a round (the host's load changes over minutes: other VMs start and end).
ncfg=$(echo "$CONFIGS" | wc -w)
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# shellcheck disable=SC2086 # a list of words
	order=$(rotate $(((r - 1) % ncfg)) $CONFIGS)
	for c in $order; do
		[ "$c" = base ] || "${c}_setup"
		run_config "$c" "$r"
		[ "$c" = base ] || "${c}_teardown"
		echo "SAKER-BENCH: round $r $c done"
	done
	r=$((r + 1))
done

# med CONFIG WORKLOAD FIELD: the median of FIELD (3 ns, 4 events, 5 drops, 6 cpu) over the rounds.
med() {
	awk -v c="$1" -v w="$2" -v f="$3" '$1 == c && $2 == w { print $f }' results | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sum() {
	awk -v c="$1" -v w="$2" -v f="$3" '$1 == c && $2 == w { s += $f } END { print s + 0 }' results
}

echo "SAKER-BENCH: kernel $(uname -r), $(nproc) CPUs, $ROUNDS rounds; sysdig filter: $SYSDIG_FILTER"
echo "SAKER-BENCH: iterations: nullsys $NULLSYS_N, rw $RW_N, openclose $OPENCLOSE_N, openfail $OPENFAIL_N, forkexec $FORKEXEC_N, mixed $MIXED_N"
echo "SAKER-BENCH: median ns/op (ratio to base)"
printf 'SAKER-BENCH: %-10s %12s' workload base
for c in $CONFIGS; do [ "$c" = base ] || printf ' %22s' "$c"; done
echo
ratio_hdr="workload"
for c in $CONFIGS; do [ "$c" = base ] || ratio_hdr="$ratio_hdr $c"; done
echo "SAKER-BENCH: ratio $ratio_hdr"
for w in $WORKLOADS; do
	a=$(med base "$w" 3)
	printf 'SAKER-BENCH: %-10s %12s' "$w" "$a"
	rl=$w
	for c in $CONFIGS; do
		[ "$c" = base ] && continue
		b=$(med "$c" "$w" 3)
		x=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
		printf ' %12s (x%s)' "$b" "$x"
		rl="$rl $x"
	done
	echo
	echo "SAKER-BENCH: ratio $rl" >>ratios
done
cat ratios
echo "SAKER-BENCH: per run (median over rounds; drops summed): events, drops, consumer CPU ms, CPU us/event, CPU us/op"
printf 'SAKER-BENCH: %-10s %-7s %10s %9s %9s %10s %9s\n' workload tool events drops cpu_ms us/event us/op
for w in $WORKLOADS; do
	for c in $CONFIGS; do
		[ "$c" = base ] && continue
		e=$(med "$c" "$w" 4)
		cpu=$(med "$c" "$w" 6)
		ops=$(med "$c" "$w" 7)
		awk -v w="$w" -v c="$c" -v e="$e" -v d="$(sum "$c" "$w" 5)" -v cpu="$cpu" -v ops="$ops" 'BEGIN {
			printf "SAKER-BENCH: %-10s %-7s %10d %9d %9d %10s %9.2f\n", w, c, e, d, cpu,
				(e > 0 ? sprintf("%.2f", cpu * 1000 / e) : "-"), cpu * 1000 / ops }'
	done
done
lost=$(awk '{ s += $5 } END { print s + 0 }' results)
echo "SAKER-BENCH: drops over all runs: $lost"
