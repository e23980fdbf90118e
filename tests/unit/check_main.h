/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one Check runner of the unit tests (check_main.c, in
 * libsaker_testlib.a, holds main()). Each tests/unit/test_*.c defines
 * saker_test_suite() and nothing else at top level that runs.
 *
 * Check's environment variables work as usual: CK_FORK=no runs the tests in
 * the runner's process (for gdb), CK_RUN_SUITE / CK_RUN_CASE pick one,
 * CK_VERBOSITY=silent|minimal|normal|verbose sets the report.
 */
#ifndef SAKER_TEST_CHECK_MAIN_H
#define SAKER_TEST_CHECK_MAIN_H

#include <check.h>

/* The test program's suite; called once, before the run. */
Suite *saker_test_suite(void);

/*
 * CK_FORK_GETENV by default (one child per test unless CK_FORK=no); a
 * suite whose tests must run in the runner's own process (they redirect
 * its stderr, say) sets CK_NOFORK in saker_test_suite().
 */
extern enum fork_status saker_test_fork_status;

#endif /* SAKER_TEST_CHECK_MAIN_H */
