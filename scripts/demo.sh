#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/demo.sh (`make demo`): boots the first test kernel (Debian 6.1) in
# qemu with the module and shows the events it reports. Runs
# tests/vm/demo.sh in the VM when that exists, else a minimal trace of
# `sh -c 'cat /etc/passwd'`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# Only the demo kernel's headers: no other kernel lands on this machine.
scripts/deps.sh --first-kernel
VER=$(scripts/kernels.sh list | head -n1)
scripts/kernels.sh fetch "$VER"
make -j"$(nproc)" userspace vm-helpers

if [ -f tests/vm/demo.sh ]; then
	CMD='sh /saker/tests/demo.sh'
else
	# Start the reader, give it a second to attach, run something, stop it.
	# shellcheck disable=SC2016 # expanded by the VM's shell
	CMD='
set -e
insmod /saker/saker.ko
sakerctl trace >/tmp/trace.json 2>/tmp/trace.err &
pid=$!
sleep 1
sh -c "cat /etc/passwd" >/dev/null
sleep 2
kill -INT "$pid"; wait "$pid" || true
echo "--- $(wc -l </tmp/trace.json) events, key fields (full JSON in the trace):"
jq -c "{type, pid, ppid, comm, filename, args, path, exit_code} | with_entries(select(.value != null))" /tmp/trace.json | head -n 30
echo "--- first event in full:"
head -n 1 /tmp/trace.json
echo "--- reader statistics:"
cat /tmp/trace.err
rmmod saker'
fi
exec scripts/vm.sh run "$VER" "$CMD" --timeout 300
