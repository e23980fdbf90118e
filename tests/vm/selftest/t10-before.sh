#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test (scripts/harness-selftest.sh): a test that passes before the fault.
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
info "before the fault"
