#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-daemon (in the VM, run by scripts/bench-daemon.sh; not a test): sakerd with the default rules
# (installed /etc/saker, JSON alerts to a file, module with its default parameters).
#  (a) alert latency: a shell in a fake docker container reads /etc/shadow BENCH_ALERTS times,
#      BENCH_GAP_US apart; p50/p99/max of sakerd's latency_us (event timestamp to the alert handed to
#      the outputs) from its statistics.
#  (b) sustained open rate: BENCH_GENS (one per CPU) opengen processes open a file, together at a
#      fixed rate, for BENCH_STEP_S seconds, stepping
#      through BENCH_RATES until the kernel drops records (drops_full > 0: sakerd did not keep up) or
#      opengen cannot reach the rate. Per step: achieved rate, drops, how long sakerd took after the
#      generator stopped to handle the backlog (and that backlog), and sakerd's CPU use.
# Prints "SAKER-BENCH: ..." lines.
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/sakerd-lib.sh
. "${SAKER_TESTS:-/saker/tests}/sakerd-lib.sh"

ALERTS_N=${BENCH_ALERTS:-200}
GAP_US=${BENCH_GAP_US:-50000}
RATES=${BENCH_RATES:-5000 10000 20000 40000 80000 160000 320000}
STEP_S=${BENCH_STEP_S:-10}
GENS=${BENCH_GENS:-$(nproc)}
DOCKER=/var/lib/docker/containers

command -v opengen >/dev/null 2>&1 || fail "opengen helper not built (make vm-helpers)"
cd "$(mktemp -d /tmp/bench-daemon.XXXXXX)" || fail "mktemp"
sd_install "json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $PWD/alerts.json
stats:
  interval_s: 0"
load_module
sd_start

# ---- (a) alert latency
id=$(hex64)
mkdir -p "$DOCKER/$id" || fail "mkdir $DOCKER/$id"
on_exit "rm -rf '$DOCKER/$id'"
printf '{"ID":"%s","Name":"/bench","Config":{"Image":"alpine:3.19","Labels":{}}}\n' "$id" \
	>"$DOCKER/$id/config.v2.json"
# busybox unshare runs its command as /proc/self/exe (comm "exe"): the loop runs in a shell below it.
loop="i=0; while [ \$i -lt $ALERTS_N ]; do cat /etc/shadow >/dev/null; usleep $GAP_US; i=\$((i + 1)); done"
make_container "$id" sh -c "/bin/sh -c '$loop'; exit 0" || fail "container failed"
want=$((ALERTS_N + 1))	# and the container's shell
i=0
while [ "$(wc -l <alerts.json)" -lt "$want" ]; do
	[ $i -ge 600 ] && fail "$(wc -l <alerts.json) alerts after 60 s, want $want: $(jq -r .rule alerts.json | sort | uniq -c)"
	sleep 0.1
	i=$((i + 1))
done
st=$(sd_stats) || exit 1
lat=$(jq_get "$st" '.latency_us | "\(.alerts) \(.p50) \(.p99) \(.max)"')
# shellcheck disable=SC2086 # four numbers
set -- $lat
[ "$1" -eq "$want" ] || fail "latency histogram holds $1 alerts, want $want: $st"
echo "SAKER-BENCH: latency: $1 alerts, p50 $2 us, p99 $3 us, max $4 us"
echo "$1 $2 $3 $4" >latency

# ---- (b) sustained open rate
# counters: "kernel_events drops_full open_missed processed cpu_ns" now. The CPU time is the sum of
# sakerd's threads' run time in ns (schedstat), exact where tick sampling under TCG is not.
counters() {
	_st=$(sd_stats) || exit 1
	_k=$(jq_get "$_st" '[(.kernel.rings | map(.events) | add), (.kernel.rings | map(.drops_full) | add),
		.kernel.open_missed, (.events | add)] | map(tostring) | join(" ")')
	_t=$(cat "/proc/$SD_PID"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f\n", s }')
	echo "$_k $_t"
}

now_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

echo target >target
printf 'SAKER-BENCH: %-8s %9s %9s %8s %8s %8s %8s %6s %8s\n' rate achieved events drops missed backlog drain_ms cpu% us/event
: >steps
for rate in $RATES; do
	# shellcheck disable=SC2046 # five numbers
	set -- $(counters)
	k0=$1 d0=$2 m0=$3 t0=$5
	start=$(now_ms)
	j=0 pids=
	while [ $j -lt "$GENS" ]; do
		opengen $((rate / GENS)) "$STEP_S" "$PWD/target" >"gen.$j" &
		pids="$pids $!"
		j=$((j + 1))
	done
	for p in $pids; do
		wait "$p" || fail "opengen $((rate / GENS)) $STEP_S failed"
	done
	gen_end=$(now_ms)
	achieved=$(cat gen.* | awk '{ s += $5 } END { printf "%.0f\n", s }')
	# shellcheck disable=SC2046 # five numbers
	set -- $(counters)
	k1=$1
	backlog=$(($1 - $4))
	# Until sakerd has handled what the kernel recorded up to the end of the run (the statistics
	# requests themselves make a few events more, which are not waited for). 2 minutes at most.
	while [ "$4" -lt "$k1" ]; do
		[ $(($(now_ms) - gen_end)) -gt 120000 ] && fail "sakerd did not catch up within 120 s"
		sleep 0.1
		# shellcheck disable=SC2046
		set -- $(counters)
	done
	done_ms=$(now_ms)
	events=$((k1 - k0)) drops=$(($2 - d0)) missed=$(($3 - m0))
	drain=$((done_ms - gen_end))
	cpu=$(awk -v t="$(($5 - t0))" -v ms="$((done_ms - start))" 'BEGIN { printf "%.0f", t / 10000 / ms }')
	per=$(awk -v t="$(($5 - t0))" -v n="$events" 'BEGIN { printf "%.2f", t / 1000 / n }')
	printf 'SAKER-BENCH: %-8s %9s %9s %8s %8s %8s %8s %6s %8s\n' "$rate" "$achieved" "$events" "$drops" \
		"$missed" "$backlog" "$drain" "$cpu" "$per"
	echo "$rate $achieved $events $drops $missed $backlog $drain $cpu $per" >>steps
	[ "$drops" -gt 0 ] && break
	[ "$achieved" -lt $((rate * 95 / 100)) ] && break
done
best=$(awk '$4 == 0 && $2 >= $1 * 0.95 { r = $1; c = $8 } END { print (r ? r " " c : "none -") }' steps)
top=$(awk '$4 == 0 && $2 > a { a = $2; c = $8; u = $9 } END { print (a ? a " " c " " u : "none - -") }' steps)
echo "SAKER-BENCH: kernel $(uname -r), $(nproc) CPUs, $GENS generators, step ${STEP_S}s"
echo "SAKER-BENCH: highest target rate reached with zero drops: ${best% *}/s (sakerd CPU ${best#* }%)"
# shellcheck disable=SC2086 # three words
set -- $top
echo "SAKER-BENCH: highest achieved rate with zero drops: $1/s (sakerd CPU $2% of one CPU, $3 us CPU per event)"
sd_stop
unload_module
