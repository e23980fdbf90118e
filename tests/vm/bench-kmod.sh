#!/bin/sh
# bench-kmod (in the VM, run by scripts/bench-kmod.sh; not a test): cost of the module on three
# workloads, as the ratio with/without of the median ns/op over interleaved rounds (A B A B A B, so
# drift hits both configs alike). "with" = module loaded and `sakerctl trace >/dev/null` draining.
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
# that holds a whole run (200000 opens * ~250 B) keeps drops at 0, so "with" is the full cost.
RING_KB=${BENCH_RING_KB:-65536}
# nullsys first: measured before any backlog of the other workloads is in the system.
WORKLOADS="nullsys openclose forkexec"

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

# run_config CONFIG ROUND: each workload once; "CONFIG WORKLOAD NS_PER_OP" appended to results.
run_config() {
	for w in $WORKLOADS; do
		case $w in
		openclose) args="$OPENCLOSE_N $PWD/bench.file" ;;
		forkexec) args=$FORKEXEC_N ;;
		nullsys) args=$NULLSYS_N ;;
		esac
		# shellcheck disable=SC2086 # args is a list
		line=$(bench "$w" $args) || fail "bench $w $args failed"
		ns=${line##* }
		echo "$1 $w $ns" >>results
		echo "SAKER-BENCH: round $2 $1 $w: $ns ns/op"
		[ -z "$TRACE_PID" ] || wait_drained
	done
}

# One line per "with" round: drops_full drops_fault reentries open_missed corrupt events (all rings).
: >drops
r=1
while [ "$r" -le "$ROUNDS" ]; do
	run_config without "$r"

	load_module "ring_kb=$RING_KB"
	start_trace /dev/null "stats.$r"
	run_config with "$r"
	stop_trace nosync
	unload_module
	s=$(stats_line "stats.$r" last)
	d=$(jq_get "$s" '[(.rings | map(.drops_full), map(.drops_fault), map(.reentries), map(.events) | add),
		.open_missed, .corrupt] | "\(.[0]) \(.[1]) \(.[2]) \(.[4]) \(.[5]) \(.[3])"')
	echo "$d" >>drops
	# shellcheck disable=SC2086 # split the six numbers
	set -- $d
	echo "SAKER-BENCH: round $r drops_full=$1 drops_fault=$2 reentries=$3 open_missed=$4 corrupt=$5 events=$6"
	r=$((r + 1))
done

# median CONFIG WORKLOAD: the middle value of the rounds.
median() {
	awk -v c="$1" -v w="$2" '$1 == c && $2 == w { print $3 }' results | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "SAKER-BENCH: kernel $(uname -r), $(nproc) CPUs, ring_kb=$RING_KB, $ROUNDS rounds, median ns/op"
printf 'SAKER-BENCH: %-10s %12s %12s %8s\n' workload without with ratio
for w in $WORKLOADS; do
	a=$(median without "$w")
	b=$(median with "$w")
	printf 'SAKER-BENCH: %-10s %12s %12s %8s\n' "$w" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
done
lost=$(awk '{ s += $1 + $2 + $3 + $4 + $5 } END { print s + 0 }' drops)
if [ "$lost" -eq 0 ]; then
	echo "SAKER-BENCH: drops: none (every event was delivered)"
else
	echo "SAKER-BENCH: WARNING: $lost events dropped/missed/corrupt: the ratios understate the cost"
fi
