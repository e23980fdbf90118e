// SPDX-License-Identifier: GPL-2.0
/*
 * Event time (issue 10): the clock anchor's arithmetic and sampling.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/clock.h"
#include "check_main.h"

START_TEST(test_offset_saturates)
{
	ck_assert_int_eq(saker_clock_offset(1700000000000000000ull, 5000), 1699999999999995000ll);
	ck_assert_int_eq(saker_clock_offset(5000, 7000), -2000);
	ck_assert_int_eq(saker_clock_offset(0, 0), 0);
	ck_assert_int_eq(saker_clock_offset(UINT64_MAX, 0), INT64_MAX);
	ck_assert_int_eq(saker_clock_offset(0, UINT64_MAX), INT64_MIN);
	ck_assert_int_eq(saker_clock_offset((uint64_t)INT64_MAX, 0), INT64_MAX);
	ck_assert_int_eq(saker_clock_offset(0, (uint64_t)INT64_MAX), -INT64_MAX);
}
END_TEST

START_TEST(test_real_ns_bounds)
{
	const uint64_t max = INT64_MAX;

	ck_assert_uint_eq(saker_clock_real_ns(1000, 1700000000000000000ll), 1700000000000001000ull);
	/* a wall clock set before boot: negative offsets work, and floor at 0 */
	ck_assert_uint_eq(saker_clock_real_ns(5000, -2000), 3000);
	ck_assert_uint_eq(saker_clock_real_ns(2000, -2000), 0);
	ck_assert_uint_eq(saker_clock_real_ns(1000, -2000), 0);
	ck_assert_uint_eq(saker_clock_real_ns(0, INT64_MIN), 0);
	ck_assert_uint_eq(saker_clock_real_ns(UINT64_MAX, INT64_MIN), 0);
	ck_assert_uint_eq(saker_clock_real_ns(max, INT64_MIN), 0);
	ck_assert_uint_eq(saker_clock_real_ns(max, -1), max - 1);
	/* never past INT64_MAX: a time_t and a rule number hold it */
	ck_assert_uint_eq(saker_clock_real_ns(max, 1), max);
	ck_assert_uint_eq(saker_clock_real_ns(UINT64_MAX, 0), max);
	ck_assert_uint_eq(saker_clock_real_ns(UINT64_MAX, INT64_MAX), max);
	ck_assert_uint_eq(saker_clock_real_ns(1, INT64_MAX), max);
	ck_assert_uint_eq(saker_clock_real_ns(0, INT64_MAX), max);
	ck_assert_uint_eq(saker_clock_real_ns(0, 0), 0);
}
END_TEST

START_TEST(test_anchor_sample)
{
	struct saker_clock_anchor a, b;
	uint64_t m, r, conv;
	int64_t step = 12345;

	saker_clock_anchor_sample(&a);
	m = saker_now_mono_ns();
	r = saker_now_real_ns();
	conv = saker_clock_real_ns(m, a.offset_ns);
	/* now through the anchor is now, within the sample's error and 10 ms */
	ck_assert_uint_le(conv > r ? conv - r : r - conv, a.error_ns + 10000000ull);
	ck_assert_uint_lt(a.error_ns, 10000000ull);
	/* the clocks were not stepped in between: a refresh keeps the anchor */
	b = a;
	ck_assert(!saker_clock_anchor_refresh(&b, &step));
	ck_assert_int_eq(b.offset_ns, a.offset_ns);
	ck_assert_int_eq(step, 12345);
}
END_TEST

START_TEST(test_anchor_step)
{
	struct saker_clock_anchor a, b;
	int64_t step = 0;

	saker_clock_anchor_sample(&a);
	/* An anchor 5 s off stands for a wall clock stepped by 5 s since. */
	b = a;
	b.offset_ns -= 5000000000ll;
	ck_assert(saker_clock_anchor_refresh(&b, &step));
	ck_assert_int_le(llabs(b.offset_ns - a.offset_ns), 10000000ll);
	ck_assert_int_le(llabs(step - 5000000000ll), 10000000ll);
	b = a;
	b.offset_ns += 5000000000ll;
	ck_assert(saker_clock_anchor_refresh(&b, NULL));
	ck_assert_int_le(llabs(b.offset_ns - a.offset_ns), 10000000ll);
	/* extreme anchors do not overflow the step */
	b.offset_ns = INT64_MIN;
	b.error_ns = 0;
	ck_assert(saker_clock_anchor_refresh(&b, &step));
	ck_assert_int_eq(step, INT64_MAX);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("anchor");

	tcase_add_test(tc, test_offset_saturates);
	tcase_add_test(tc, test_real_ns_bounds);
	tcase_add_test(tc, test_anchor_sample);
	tcase_add_test(tc, test_anchor_step);
	suite_add_tcase(s, tc);
	return s;
}
