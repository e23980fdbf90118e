#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-kmod (in the VM, run by scripts/bench-kmod.sh; not a test): cost of the module on four
# workloads, as the ratio to "without" of the median ns/op over interleaved rounds (A B C D A B C D,
# so drift hits every config alike). Configs: without the module; "trace" = module loaded and
# `sakerctl trace >/dev/null` draining every event; "sakerd" = sakerd with the shipped rules, which
# sets the open filter they give; "nofilter" = the same sakerd with kernel.open_filter=false.
# Prints "SAKER-BENCH: ..." lines; the ratio only means something if the drop counters are 0.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

ROUNDS=${BENCH_ROUNDS:-3}
# Iterations sized for ~2-5 s per run under TCG (measured on 6.1: openclose ~14 us, forkexec ~10 ms,
# nullsys ~1 us per op without the module); override with BENCH_OPENCLOSE etc.
OPENCLOSE_N=${BENCH_OPENCLOSE:-200000}
FORKEXEC_N=${BENCH_FORKEXEC:-300}
NULLSYS_N=${BENCH_NULLSYS:-3000000}
# Under TCG the JSON reader drains ~20k events/s, slower than the workloads produce them: a ring
# that holds a whole run (200000 opens * ~250 B) keeps drops at 0, so "trace" is the full cost.
RING_KB=${BENCH_RING_KB:-65536}
# nullsys first: measured before any backlog of the other workloads is in the system.
WORKLOADS="nullsys openclose openfail forkexec"
OPENFAIL_N=${BENCH_OPENFAIL:-$OPENCLOSE_N}
CONFIGS="without trace sakerd nofilter"
RULES=${SAKER_RULES:-/saker/rules}/saker_rules.yaml

cd "$(mktemp -d /tmp/bench.XXXXXX)" || fail "mktemp"
echo bench >bench.file
: >results

# wait_drained: block until the reader printed every record written so far (stats: records equals the
# sum of the rings' events), so that one workload's backlog does not slow down the next. 120 s at most.
wait_drained() {
	_t=0
	while [ "$_t" -lt 120 ]; do
		_n=$(stats_count "$TRACE_ERR")
		kill -USR1 "$TRACE_PID"
		_i=0
		while [ "$(stats_count "$TRACE_ERR")" -le "$_n" ] && [ "$_i" -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		_left=$(stats_line "$TRACE_ERR" last | jq '(.rings | map(.events) | add) - .records')
		[ "$_left" -le 0 ] && return 0
		sleep 1
		_t=$((_t + 1 + _i / 10))
	done
	fail "the reader did not catch up within 120 s ($_left records behind)"
}

# sd_queued: bytes the rings hold that sakerd has not consumed yet.
sd_queued() {
	jq_get "$(sakerctl stats --json)" '.total.queued_bytes'
}

sd_empty() {
	[ "$(sd_queued)" -eq 0 ]
}

# sd_drained: wait until sakerd consumed everything (120 s at most).
sd_drained() {
	wait_for 120 sd_empty || fail "sakerd did not catch up within 120 s"
}

cat >saker.yaml <<EOF2
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
EOF2

# sd_start [ARGS]: sakerd on the shipped rules, running.
sd_start() {
	sakerd -c saker.yaml "$@" 2>sd.err &
	SD_PID=$!
	wait_for 20 grep -q 'sakerd: running' sd.err || fail "sakerd not running: $(cat sd.err)"
}

# sd_stop ROUND: stop sakerd; its lost events (kernel drops) appended to drops like the trace's.
sd_stop() {
	_s=$(sakerctl stats --json) || fail "sakerctl stats"
	kill -TERM "$SD_PID"
	wait_exit "$SD_PID" 30 || fail "sakerd did not stop"
	d=$(jq_get "$_s" '"\(.total.drops_full) \(.total.drops_fault) \(.total.reentries) 0 0 \(.total.events)"')
	echo "$d" >>drops
	echo "SAKER-BENCH: round $1 $2 drops=$(jq_get "$_s" '.total.drops') filtered=$(jq_get "$_s" '.total.filtered') events=$(jq_get "$_s" '.total.events')"
}

# run_config CONFIG ROUND: each workload once; "CONFIG WORKLOAD NS_PER_OP" appended to results.
run_config() {
	for w in $WORKLOADS; do
		case $w in
		openclose) args="$OPENCLOSE_N $PWD/bench.file" ;;
		openfail) args="$OPENFAIL_N $PWD/nonexistent" ;;
		forkexec) args=$FORKEXEC_N ;;
		nullsys) args=$NULLSYS_N ;;
		esac
		# Under TCG a probe's insertion or removal flushes the translated code: a tenth of a run
		# first, untimed, so that no config pays for translating the workload again.
		n=${args%% *}
		case $args in *" "*) rest=${args#* } ;; *) rest= ;; esac
		# shellcheck disable=SC2086 # rest is a list
		bench "$w" $((n / 10 + 1)) $rest >/dev/null || fail "bench $w (warm-up) failed"
		# shellcheck disable=SC2086 # args is a list
		line=$(bench "$w" $args) || fail "bench $w $args failed"
		ns=${line##* }
		echo "$1 $w $ns" >>results
		echo "SAKER-BENCH: round $2 $1 $w: $ns ns/op"
		[ -z "$TRACE_PID" ] || wait_drained
		[ -z "$SD_PID" ] || sd_drained
	done
}
SD_PID=

# One line per round and loaded config: drops_full drops_fault reentries open_missed corrupt events (all rings).
: >drops
r=1
while [ "$r" -le "$ROUNDS" ]; do
	run_config without "$r"

	load_module "ring_kb=$RING_KB"
	start_trace /dev/null "stats.$r"
	run_config trace "$r"
	stop_trace nosync
	s=$(stats_line "stats.$r" last)
	d=$(jq_get "$s" '[(.rings | map(.drops_full), map(.drops_fault), map(.reentries), map(.events) | add),
		.open_missed, .corrupt] | "\(.[0]) \(.[1]) \(.[2]) \(.[4]) \(.[5]) \(.[3])"')
	echo "$d" >>drops
	# shellcheck disable=SC2086 # split the six numbers
	set -- $d
	echo "SAKER-BENCH: round $r drops_full=$1 drops_fault=$2 reentries=$3 open_missed=$4 corrupt=$5 events=$6"
	sd_start
	run_config sakerd "$r"
	sd_stop "$r" sakerd
	sd_start -o kernel.open_filter=false
	run_config nofilter "$r"
	sd_stop "$r" nofilter
	SD_PID=
	unload_module
	r=$((r + 1))
done

# median CONFIG WORKLOAD: the middle value of the rounds.
median() {
	awk -v c="$1" -v w="$2" '$1 == c && $2 == w { print $3 }' results | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "SAKER-BENCH: kernel $(uname -r), $(nproc) CPUs, ring_kb=$RING_KB, $ROUNDS rounds, median ns/op"
echo "SAKER-BENCH: ratio = median ns/op of the config / median ns/op without the module"
printf 'SAKER-BENCH: %-10s %10s' workload without
for c in $CONFIGS; do [ "$c" = without ] || printf ' %10s %7s' "$c" ratio; done
echo
for w in $WORKLOADS; do
	a=$(median without "$w")
	printf 'SAKER-BENCH: %-10s %10s' "$w" "$a"
	for c in $CONFIGS; do
		[ "$c" = without ] && continue
		b=$(median "$c" "$w")
		printf ' %10s %7s' "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "x%.3f", b / a }')"
	done
	echo
done
lost=$(awk '{ s += $1 + $2 + $3 + $4 + $5 } END { print s + 0 }' drops)
if [ "$lost" -eq 0 ]; then
	echo "SAKER-BENCH: drops: none (every event was delivered)"
else
	echo "SAKER-BENCH: WARNING: $lost events dropped/missed/corrupt: the ratios understate the cost"
fi
