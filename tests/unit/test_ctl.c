// SPDX-License-Identifier: GPL-2.0
/* ctl/genl.c: the event class lists of "sakerctl config set" and back, and
 * the sums sakerctl status and stats print. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "ctl/ctl.h"
#include "check_main.h"

START_TEST(test_parse_classes)
{
	char err[128];
	uint32_t m = 99;

	ck_assert_int_eq(saker_ctl_parse_classes("all", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, SAKER_CLASS_ALL);
	ck_assert_int_eq(saker_ctl_parse_classes("none", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, 0);
	ck_assert_int_eq(saker_ctl_parse_classes("open,exec", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, SAKER_CLASS_OPEN | SAKER_CLASS_EXEC);
	ck_assert_int_eq(saker_ctl_parse_classes("exec,exec", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, SAKER_CLASS_EXEC);
	ck_assert_int_eq(saker_ctl_parse_classes("exec,forks", &m, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown event class 'forks'"));
	ck_assert_int_eq(saker_ctl_parse_classes("exec,", &m, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(saker_ctl_parse_classes("", &m, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(saker_ctl_parse_classes(",exec", &m, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(saker_ctl_parse_classes("Exec", &m, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_format_classes)
{
	char buf[64];

	saker_ctl_format_classes(SAKER_CLASS_ALL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "all");
	saker_ctl_format_classes(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	saker_ctl_format_classes(SAKER_CLASS_EXEC | SAKER_CLASS_FORK | SAKER_CLASS_EXIT, buf,
				 sizeof(buf));
	ck_assert_str_eq(buf, "exec,fork,exit");
	/* A newer module's bit is not "all", nor dropped into a known name. */
	saker_ctl_format_classes(SAKER_CLASS_ALL | 0x10000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "exec,fork,exit,open,cred,load,ns,ptrace,fs");
	saker_ctl_format_classes(SAKER_CLASS_ALL & ~SAKER_CLASS_CRED, buf, sizeof(buf));
	ck_assert_str_eq(buf, "exec,fork,exit,open,load,ns,ptrace,fs");
	/* Short buffers stay terminated. */
	saker_ctl_format_classes(SAKER_CLASS_EXEC | SAKER_CLASS_OPEN, buf, 6);
	ck_assert_uint_lt(strlen(buf), 6);
}
END_TEST

START_TEST(test_cpu_sum)
{
	struct saker_ctl_cpu v[2] = {
		{ .cpu = 0, .events = 10, .drops_full = 1, .drops_share = 2, .queued = 64 },
		{ .cpu = 1, .events = 5, .drops_fault = 3, .reentries = 4, .queued = 8 },
	}, t;

	saker_ctl_cpu_sum(v, 2, &t);
	ck_assert_uint_eq(t.events, 15);
	ck_assert_uint_eq(t.queued, 72);
	ck_assert_uint_eq(saker_ctl_cpu_drops(&t), 10);
	saker_ctl_cpu_sum(v, 0, &t);
	ck_assert_uint_eq(t.events, 0);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("ctl");

	tcase_add_test(tc, test_parse_classes);
	tcase_add_test(tc, test_format_classes);
	tcase_add_test(tc, test_cpu_sum);
	suite_add_tcase(s, tc);
	return s;
}
