// SPDX-License-Identifier: GPL-2.0
/*
 * The programs' command lines as a user types them: sakerd and sakerctl of
 * this build are run (SAKER_BUILD) and their output and exit status
 * checked. Nothing here needs the kernel module.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/version.h"
#include "kmod/uapi/saker.h"
#include "check_main.h"

#ifndef SAKER_TOP
#define SAKER_TOP "."
#endif
#ifndef SAKER_BUILD
#define SAKER_BUILD SAKER_TOP "/build"
#endif

static char out[65536];

/* Runs "sh -c CMD" from the source tree, stdout and stderr into out; the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && B='%s' && (%s) 2>&1", SAKER_TOP,
		 SAKER_BUILD, cmd);
	p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	while (n < sizeof(out) - 1) {
		size_t got = fread(out + n, 1, sizeof(out) - 1 - n, p);

		if (!got)
			break;
		n += got;
	}
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

START_TEST(test_version)
{
	char want[128];

	snprintf(want, sizeof(want), "sakerd %s\nmodule ABI %u\n", saker_version(),
		 SAKER_ABI_VERSION);
	ck_assert_int_eq(run("$B/sakerd --version"), 0);
	ck_assert_str_eq(out, want);
	snprintf(want, sizeof(want), "sakerctl %s\nmodule ABI %u\n", saker_version(),
		 SAKER_ABI_VERSION);
	ck_assert_int_eq(run("$B/sakerctl --version"), 0);
	ck_assert_str_eq(out, want);
}
END_TEST

/* One version: dkms.conf's, the module's MODULE_VERSION and the man pages'. */
START_TEST(test_version_one_source)
{
	ck_assert_str_ne(saker_version(), "unknown");
	ck_assert_int_eq(run("sed -n 's/^PACKAGE_VERSION=\"\\(.*\\)\"/\\1/p' dkms.conf"), 0);
	ck_assert_str_eq(strtok(out, "\n"), saker_version());
	ck_assert_int_eq(run("sed -n 's/^#define SAKER_MODULE_VERSION\\t*\"\\(.*\\)\"/\\1/p' kmod/saker.h"), 0);
	ck_assert_str_eq(strtok(out, "\n"), saker_version());
	ck_assert_int_eq(run("for m in man/*.[58]; do sed -n 's/^\\.TH .*\"saker \\([^\"]*\\)\".*/\\1/p' $m; done | sort -u"), 0);
	ck_assert_str_eq(strtok(out, "\n"), saker_version());
	ck_assert_ptr_null(strtok(NULL, "\n"));
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("version");

	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_version_one_source);
	suite_add_tcase(s, tc);
	return s;
}
