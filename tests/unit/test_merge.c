// SPDX-License-Identifier: GPL-2.0
/* Timestamp merge of the per-CPU rings: out-of-order input comes out
 * sorted, recent records wait for the window, overflow is forced out. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/merge.h"
#include "check_main.h"

struct out {
	uint64_t ts[64];
	size_t n;
};

/* Every record due at now, into o; returns how many. */
static size_t flush(struct saker_merge *m, uint64_t now, struct out *o)
{
	const void *rec;
	size_t len, n = 0;
	uint64_t ts;

	while (saker_merge_next(m, now, &rec, &len)) {
		ck_assert_uint_eq(len, sizeof(ts));
		memcpy(&ts, rec, sizeof(ts));
		o->ts[o->n++] = ts;
		n++;
	}
	return n;
}

static void push(struct saker_merge *m, uint64_t ts)
{
	ck_assert_int_eq(saker_merge_push(m, ts, &ts, sizeof(ts)), 0);
}

START_TEST(test_two_rings_sorted)
{
	/* ring 0 then ring 1 drained in turn: each in order, not with each other */
	static const uint64_t ring0[] = { 100, 300, 500, 700 };
	static const uint64_t ring1[] = { 150, 200, 650, 900 };
	struct saker_merge m;
	struct out o = { .n = 0 };
	size_t i;

	saker_merge_init(&m, 50, 1000);
	for (i = 0; i < 4; i++)
		push(&m, ring0[i]);
	for (i = 0; i < 4; i++)
		push(&m, ring1[i]);
	ck_assert_uint_eq(flush(&m, UINT64_MAX, &o), 8);
	for (i = 1; i < o.n; i++)
		ck_assert_uint_lt(o.ts[i - 1], o.ts[i]);
	ck_assert_uint_eq(m.late, 0);
	saker_merge_fini(&m);
}
END_TEST

START_TEST(test_window_holds_recent)
{
	struct saker_merge m;
	struct out o = { .n = 0 };

	saker_merge_init(&m, 10000000, 1000);	/* 10 ms */
	push(&m, 1000000000);
	push(&m, 1005000000);
	/* at t = 1.012 s only the first is older than the window */
	ck_assert_uint_eq(flush(&m, 1012000000, &o), 1);
	ck_assert_uint_eq(o.ts[0], 1000000000);
	ck_assert_int_eq(saker_merge_timeout_ms(&m, 1012000000), 3);
	/* a late record from another CPU, older than the pending one, sorts first */
	push(&m, 1003000000);
	ck_assert_uint_eq(flush(&m, 1020000000, &o), 2);
	ck_assert_uint_eq(o.ts[1], 1003000000);
	ck_assert_uint_eq(o.ts[2], 1005000000);
	ck_assert_int_eq(saker_merge_timeout_ms(&m, 1020000000), -1);
	/* one older than what already went out is counted late, not dropped */
	push(&m, 1001000000);
	ck_assert_uint_eq(flush(&m, UINT64_MAX, &o), 1);
	ck_assert_uint_eq(m.late, 1);
	saker_merge_fini(&m);
}
END_TEST

START_TEST(test_max_pending_forces)
{
	struct saker_merge m;
	struct out o = { .n = 0 };
	uint64_t t;

	saker_merge_init(&m, 1000000000, 4);
	for (t = 10; t > 0; t--)
		push(&m, 5000 + t);
	ck_assert_uint_eq(flush(&m, 6000, &o), 6);
	ck_assert_uint_eq(m.forced, 6);
	ck_assert_uint_eq(m.n, 4);
	ck_assert_uint_eq(o.ts[0], 5001);
	ck_assert_uint_eq(o.ts[5], 5006);
	saker_merge_fini(&m);	/* frees the 4 still pending */
}
END_TEST

START_TEST(test_equal_ts_keep_arrival)
{
	struct saker_merge m;
	struct out o = { .n = 0 };
	uint64_t a = 7, b = 7;

	saker_merge_init(&m, 0, 100);
	saker_merge_push(&m, 42, &a, sizeof(a));
	saker_merge_push(&m, 42, &b, sizeof(b));
	ck_assert_uint_eq(flush(&m, 42, &o), 2);
	ck_assert_uint_eq(m.late, 0);
	saker_merge_fini(&m);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("merge");

	tcase_add_test(tc, test_two_rings_sorted);
	tcase_add_test(tc, test_window_holds_recent);
	tcase_add_test(tc, test_max_pending_forces);
	tcase_add_test(tc, test_equal_ts_keep_arrival);
	suite_add_tcase(s, tc);
	return s;
}
