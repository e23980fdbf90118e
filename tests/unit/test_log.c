// SPDX-License-Identifier: GPL-2.0
/* The programs' log lines: "prog: " prefix on a file or terminal, a syslog
 * priority when stderr is the journal, strerror for warn, levels filtered,
 * long messages cut but still one line. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "check_main.h"

static char out[8192];

/* Runs fn with stderr redirected to a temporary file; out holds what it wrote. */
static void capture(void (*fn)(void), bool journal)
{
	char path[] = "/tmp/saker-test-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	struct stat st;
	char js[64];
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (journal)
		setenv("JOURNAL_STREAM", js, 1);
	else
		setenv("JOURNAL_STREAM", "1:2", 1);	/* someone else's stream */
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	close(fd);
	unsetenv("JOURNAL_STREAM");
}

static void levels(void)
{
	saker_log_init("sakerd", SAKER_LOG_INFO);
	errno = ENOENT;
	saker_log_warn("cannot open %s", "/x");
	saker_log_warnx("plain %d", 7);
	saker_log_info("info");
	saker_log_debug("hidden");
}

START_TEST(test_prefix_and_strerror)
{
	capture(levels, false);
	ck_assert_str_eq(out, "sakerd: cannot open /x: No such file or directory\n"
			      "sakerd: plain 7\nsakerd: info\n");
	ck_assert(!saker_log_journal());
}
END_TEST

START_TEST(test_journal_priorities)
{
	capture(levels, true);
	ck_assert_str_eq(out, "<4>cannot open /x: No such file or directory\n<4>plain 7\n<6>info\n");
	ck_assert(saker_log_journal());
}
END_TEST

static void long_line(void)
{
	static char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	saker_log_init("p", SAKER_LOG_DEBUG);
	saker_log_warnx("%s", big);
	saker_log_debug("next");
}

START_TEST(test_long_message_cut_to_one_line)
{
	char *nl;

	capture(long_line, false);
	nl = strchr(out, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_int_lt(nl - out, 4096);
	ck_assert(!strncmp(nl - 3, "...", 3));
	ck_assert_str_eq(nl + 1, "p: next\n");
}
END_TEST

/* log_level debug shows debug; warning hides info; log_stderr false: nothing on stderr. */
static void configured(void)
{
	saker_log_init("sakerd", SAKER_LOG_INFO);
	saker_log_setup(SAKER_LOG_DEBUG, true, false);
	saker_log_debug("d1");
	saker_log_setup(SAKER_LOG_WARNING, true, false);
	saker_log_info("i1");
	saker_log_warnx("w1");
	saker_log_errx("e1");
	saker_log_setup(2, true, false);	/* critical: errors are below it */
	saker_log_errx("e2");
	saker_log_setup(SAKER_LOG_DEBUG, false, false);
	saker_log_warnx("w2");
	saker_log_setup(SAKER_LOG_INFO, true, false);
	saker_log_info("i2");
}

START_TEST(test_configured_levels)
{
	capture(configured, false);
	ck_assert_str_eq(out, "sakerd: d1\nsakerd: w1\nsakerd: e1\nsakerd: i2\n");
	capture(configured, true);
	ck_assert_str_eq(out, "<7>d1\n<4>w1\n<3>e1\n<6>i2\n");
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, test_prefix_and_strerror);
	tcase_add_test(tc, test_journal_priorities);
	tcase_add_test(tc, test_long_message_cut_to_one_line);
	tcase_add_test(tc, test_configured_levels);
	suite_add_tcase(s, tc);
	/* No fork: the tests redirect this process's stderr. */
	saker_test_fork_status = CK_NOFORK;
	return s;
}
