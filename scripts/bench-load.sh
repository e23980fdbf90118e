#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench-load.sh: rule loading must scale linearly. Generates rule files of
# N and 4N rules (each with its own list, macro, exception and an appended
# override, the shapes that once made loading quadratic), times
# `sakerd -V` on both side by side and prints the ratio: about 4 is linear,
# 16 quadratic; then the peak resident memory of the larger. Absolute times
# on a shared machine are noise; the ratio is the figure (docs/benchmarks.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAKERD=${SAKERD:-$ROOT/build/sakerd}
N=${BENCH_LOAD_RULES:-4000}
DIR=$ROOT/build/bench-load
mkdir -p "$DIR"

gen() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "- list: l%d\n  items: [a%d, b%d]\n- macro: m%d\n  condition: proc.name in (l%d)\n", i, i, i, i, i
			printf "- rule: rule number %d\n  desc: generated\n  condition: evt.type = execve and m%d and proc.pname = p%d\n", i, i, i
			printf "  output: hit %%proc.name %%proc.pname\n  priority: WARNING\n"
			printf "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[x%d]]\n", i
		}
		for (i = 0; i < n; i += 4)
			printf "- rule: rule number %d\n  condition: and proc.name != z\n  override:\n    condition: append\n", i
	}' >"$2"
}

best() {
	local f=$1 t best=""
	for _ in 1 2 3; do
		t=$( { /usr/bin/time -f %e "$SAKERD" -q -V "$f" >/dev/null; } 2>&1 | tail -n 1)
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
	done
	echo "$best"
}

gen "$N" "$DIR/small.yaml"
gen $((4 * N)) "$DIR/large.yaml"
"$SAKERD" -q -V "$DIR/large.yaml" >/dev/null || { echo "bench-load: the generated file does not load" >&2; exit 1; }
small=$(best "$DIR/small.yaml")
large=$(best "$DIR/large.yaml")
# Peak resident memory over the file's size: what a large rule set costs.
rss=$( { /usr/bin/time -f %M "$SAKERD" -q -V "$DIR/large.yaml" >/dev/null; } 2>&1 | tail -n 1)
size=$(stat -c %s "$DIR/large.yaml")
awk -v r="$rss" -v s="$size" -v n=$((4 * N)) 'BEGIN {
	printf "BENCH-LOAD-MEM: %d rules, %.1f MB file, %.1f MB resident at peak, %.1f x the file, %.0f bytes per rule\n", n, s / 1e6, r * 1024 / 1e6, r * 1024 / s, r * 1024 / n
}'
awk -v s="$small" -v l="$large" -v n="$N" 'BEGIN {
	r = s > 0 ? l / s : 0
	printf "BENCH-LOAD: %d rules %.2f s, %d rules %.2f s, ratio %.1f (4 = linear, 16 = quadratic)\n", n, s, 4 * n, l, r
	exit !(s == 0 || r < 8)
}'
