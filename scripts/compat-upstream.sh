#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# compat-upstream.sh DIR...: how Falco rule sets load in saker. Each DIR holds
# one set (every *.yaml in it, loaded together, falco_rules.yaml first, as a
# deployment loads them); prints one line per set: sakerd -V's verdict and
# the rules active, disabled and skipped (sakerd -L), and the first error.
# The sets are not in the tree (CI has no network): fetch falcosecurity/rules
# and falcosecurity/falco and lay out one directory per release or file.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAKERD=${SAKERD:-$ROOT/build/sakerd}
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
[ -x "$SAKERD" ] || { echo "$0: $SAKERD not built (make userspace)" >&2; exit 2; }
printf '%-40s %-20s %7s %8s %7s  %s\n' set verdict active disabled skipped "first error"
for d in "$@"; do
	files=()
	[ -f "$d/falco_rules.yaml" ] && files+=("$d/falco_rules.yaml")
	for f in "$d"/*.yaml; do
		[ "$f" = "$d/falco_rules.yaml" ] || files+=("$f")
	done
	args=()
	for f in "${files[@]}"; do args+=(-r "$f"); done
	out=$("$SAKERD" -V "${files[@]}" 2>&1 || true)
	verdict=$(tail -n 1 <<<"$out")
	err=$(grep -m1 ': error ' <<<"$out" | cut -c1-120 || true)
	list=$("$SAKERD" -q -L "${args[@]}" 2>/dev/null || true)
	count() { grep -c "^$1 " <<<"$list" || true; }
	printf '%-40s %-20s %7s %8s %7s  %s\n' "$(basename "$d") (${#files[@]})" "$verdict" \
		"$(count active)" "$(count disabled)" "$(count skipped)" "$err"
done
