// SPDX-License-Identifier: GPL-2.0
/* lib/idname: ERANGE retried with a larger buffer, misses told from
 * errors, through injected getpwuid_r/getgrgid_r. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/idname.h"
#include "check_main.h"

static size_t need;		/* buffer the fake entry needs */
static int fail_with;		/* an error to return instead */
static size_t calls, last_len;

static int fake_pw(uid_t uid, struct passwd *pw, char *buf, size_t len,
		   struct passwd **res)
{
	calls++;
	last_len = len;
	*res = NULL;
	if (fail_with)
		return fail_with;
	if (uid != 1000)
		return 0;	/* glibc's "no such user" */
	if (len < need)
		return ERANGE;
	snprintf(buf, len, "alice");
	memset(pw, 0, sizeof(*pw));
	pw->pw_name = buf;
	*res = pw;
	return 0;
}

static int fake_gr(gid_t gid, struct group *gr, char *buf, size_t len,
		   struct group **res)
{
	calls++;
	*res = NULL;
	if (gid != 50)
		return ENOENT;	/* also allowed by POSIX for a miss */
	snprintf(buf, len, "staff");
	memset(gr, 0, sizeof(*gr));
	gr->gr_name = buf;
	*res = gr;
	return 0;
}

static const struct saker_idname_ops fake = { fake_pw, fake_gr };

static void reset(size_t n, int err)
{
	need = n;
	fail_with = err;
	calls = 0;
}

START_TEST(test_found_and_missing)
{
	char name[64];

	reset(1, 0);
	ck_assert_int_eq(saker_idname_ops(&fake, 1000, false, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "alice");
	ck_assert_uint_eq(calls, 1);
	ck_assert_int_eq(saker_idname_ops(&fake, 1001, false, name, sizeof(name)), -ENOENT);
	ck_assert_str_eq(name, "");
	ck_assert_int_eq(saker_idname_ops(&fake, 50, true, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "staff");
	ck_assert_int_eq(saker_idname_ops(&fake, 51, true, name, sizeof(name)), -ENOENT);
	/* Cut to fit the caller's buffer. */
	ck_assert_int_eq(saker_idname_ops(&fake, 1000, false, name, 4), 0);
	ck_assert_str_eq(name, "ali");
}
END_TEST

START_TEST(test_erange_grows)
{
	char name[64];

	/* An entry with a large gecos/member list: 3 doublings. */
	reset(SAKER_IDNAME_BUF_MIN * 8, 0);
	ck_assert_int_eq(saker_idname_ops(&fake, 1000, false, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "alice");
	ck_assert_uint_eq(calls, 4);
	/* Beyond the cap: an error, not "no such user". */
	reset(SAKER_IDNAME_BUF_MAX + 1, 0);
	ck_assert_int_eq(saker_idname_ops(&fake, 1000, false, name, sizeof(name)), -ERANGE);
	ck_assert_str_eq(name, "");
	ck_assert_uint_eq(last_len, SAKER_IDNAME_BUF_MAX);
}
END_TEST

START_TEST(test_transient_error)
{
	char name[64];

	reset(1, EIO);
	ck_assert_int_eq(saker_idname_ops(&fake, 1000, false, name, sizeof(name)), -EIO);
	ck_assert_str_eq(name, "");
	ck_assert_uint_eq(calls, 1);
}
END_TEST

START_TEST(test_libc_root)
{
	char name[64];

	/* root is in every passwd this runs with. */
	ck_assert_int_eq(saker_idname(0, false, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "root");
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("idname");
	TCase *tc = tcase_create("idname");

	tcase_add_test(tc, test_found_and_missing);
	tcase_add_test(tc, test_erange_grows);
	tcase_add_test(tc, test_transient_error);
	tcase_add_test(tc, test_libc_root);
	suite_add_tcase(s, tc);
	return s;
}
