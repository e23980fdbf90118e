#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t16-abi: /dev/saker refuses what its ABI does not define: reserved input bytes set (EINVAL), another
# ABI version (EPROTO, with its own), mappings that are writable or executable, now or later.
# shellcheck disable=SC2119 # load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

load_module
abicheck >abi.out 2>&1 || fail "abicheck: $(grep -v '^ok' abi.out)"
info "$(wc -l <abi.out) checks passed"
unload_module
