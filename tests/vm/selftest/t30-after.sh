#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test (scripts/harness-selftest.sh): the test after the fault, run by a fresh VM.
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
echo "SAKER-SELFTEST: after-fault test ran on $(uname -r)" >/dev/console
