// SPDX-License-Identifier: GPL-2.0
/* Loss alert policy: the first loss alerts at once, later ones at most once
 * per interval with what was lost since the previous alert, none is lost. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "daemon/losses.h"
#include "check_main.h"

#define S 1000000000ull

START_TEST(test_first_loss_alerts_at_once)
{
	struct saker_loss_watch w;
	struct saker_loss_counts now = { 0 }, since;

	saker_loss_watch_init(&w, 30 * S);
	ck_assert(!saker_loss_check(&w, &now, 5 * S, &since));
	now.share = 3;
	ck_assert(saker_loss_check(&w, &now, 6 * S, &since));
	ck_assert_uint_eq(since.share, 3);
	ck_assert_uint_eq(saker_loss_total(&since), 3);
}
END_TEST

START_TEST(test_rate_limited_and_summed)
{
	struct saker_loss_watch w;
	struct saker_loss_counts now = { .full = 1 }, since;

	saker_loss_watch_init(&w, 30 * S);
	ck_assert(saker_loss_check(&w, &now, 10 * S, &since));
	/* Within the interval: counted, not alerted. */
	now.full = 5;
	now.missed = 2;
	ck_assert(!saker_loss_check(&w, &now, 20 * S, &since));
	now.fault = 1;
	ck_assert(!saker_loss_check(&w, &now, 39 * S, &since));
	/* After it: everything since the first alert, in one. */
	ck_assert(saker_loss_check(&w, &now, 40 * S, &since));
	ck_assert_uint_eq(since.full, 4);
	ck_assert_uint_eq(since.missed, 2);
	ck_assert_uint_eq(since.fault, 1);
	/* Quiet again: nothing to say however long it is. */
	ck_assert(!saker_loss_check(&w, &now, 400 * S, &since));
}
END_TEST

START_TEST(test_describe_names_causes)
{
	struct saker_loss_counts c = { .full = 2, .share = 7, .missed = 1 };
	char buf[200];

	saker_loss_describe(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ring full 2, unprivileged over its fair share 7, open probe missed 1");
	saker_loss_describe(&c, buf, 12);
	ck_assert_uint_lt(strlen(buf), 12);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("losses");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, test_first_loss_alerts_at_once);
	tcase_add_test(tc, test_rate_limited_and_summed);
	tcase_add_test(tc, test_describe_names_causes);
	suite_add_tcase(s, tc);
	return s;
}
