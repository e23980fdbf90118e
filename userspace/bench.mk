# SPDX-License-Identifier: GPL-2.0
# make bench-daemon: sakerd's alert latency and the highest open rate it sustains without kernel drops,
# measured in one VM boot (scripts/bench-daemon.sh, tests/vm/bench-daemon.sh). Included from
# userspace/build.mk; not part of all. docs/benchmarks.md, "Daemon".
.PHONY: bench-daemon
bench-daemon: $(SAKERD) vm-helpers
	scripts/bench-daemon.sh
