// SPDX-License-Identifier: GPL-2.0
/* main() of every unit test program: run its suite, exit 1 on a failure. */
#include <stdlib.h>

#include "check_main.h"

enum fork_status saker_test_fork_status = CK_FORK_GETENV;

int main(void)
{
	SRunner *sr = srunner_create(saker_test_suite());
	int failed;

	srunner_set_fork_status(sr, saker_test_fork_status);
	/* CK_ENV: CK_VERBOSITY decides, normal when unset. */
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
