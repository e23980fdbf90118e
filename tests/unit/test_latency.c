// SPDX-License-Identifier: GPL-2.0
/* Alert latency histogram: bucket bounds are contiguous and tight enough,
 * quantiles land on the right sample's bucket, never above the maximum. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "daemon/latency.h"
#include "check_main.h"

START_TEST(test_buckets_contiguous)
{
	unsigned int b;

	/* Every bucket starts right after the previous one ends. */
	for (b = 1; b < SAKER_LAT_BUCKETS; b++) {
		uint64_t lo = saker_latency_bucket_max(b - 1) + 1;

		ck_assert_uint_eq(saker_latency_bucket(lo), b);
		ck_assert_uint_eq(saker_latency_bucket(saker_latency_bucket_max(b)), b);
	}
	ck_assert_uint_eq(saker_latency_bucket_max(SAKER_LAT_BUCKETS - 1), UINT64_MAX);
	ck_assert_uint_eq(saker_latency_bucket(UINT64_MAX), SAKER_LAT_BUCKETS - 1);
}
END_TEST

START_TEST(test_bucket_error_bound)
{
	static const uint64_t v[] = { 0, 1, 7, 8, 9, 15, 16, 17, 100, 999, 1000, 12345,
				      1000000, 123456789, 1ull << 40, (1ull << 62) + 5 };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t top = saker_latency_bucket_max(saker_latency_bucket(v[i]));

		ck_assert_uint_ge(top, v[i]);
		/* Within 1/8 of the value (exact below 8). */
		ck_assert_uint_le(top - v[i], v[i] / 8);
	}
}
END_TEST

START_TEST(test_quantiles)
{
	struct saker_latency h;
	uint64_t i, p50, p99;

	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(saker_latency_quantile(&h, 0.5), 0);
	/* 1..1000 us: p50 is 500, p99 is 990, each within its bucket's 12.5%. */
	for (i = 1; i <= 1000; i++)
		saker_latency_add(&h, i);
	ck_assert_uint_eq(h.count, 1000);
	ck_assert_uint_eq(h.max_us, 1000);
	p50 = saker_latency_quantile(&h, 0.50);
	p99 = saker_latency_quantile(&h, 0.99);
	ck_assert_uint_ge(p50, 500);
	ck_assert_uint_le(p50, 500 + 500 / 8);
	ck_assert_uint_ge(p99, 990);
	ck_assert_uint_le(p99, 1000);
	ck_assert_uint_eq(saker_latency_quantile(&h, 1.0), 1000);
	ck_assert_uint_eq(saker_latency_quantile(&h, 0.0001), 1);
}
END_TEST

START_TEST(test_quantile_capped_by_max)
{
	struct saker_latency h;

	memset(&h, 0, sizeof(h));
	saker_latency_add(&h, 20001);	/* its bucket is [18432, 20479] */
	ck_assert_uint_eq(saker_latency_quantile(&h, 0.5), 20001);
	ck_assert_uint_eq(saker_latency_quantile(&h, 0.99), 20001);
}
END_TEST

START_TEST(test_add_ns)
{
	struct saker_latency h;

	memset(&h, 0, sizeof(h));
	saker_latency_add_ns(&h, 1000000, 13500000);	/* 12.5 ms */
	saker_latency_add_ns(&h, 5000, 4000);		/* clock skew: 0 */
	ck_assert_uint_eq(h.count, 2);
	ck_assert_uint_eq(h.max_us, 12500);
	ck_assert_uint_eq(h.buckets[0], 1);
	ck_assert_uint_eq(h.sum_us, 12500);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("histogram");

	tcase_add_test(tc, test_buckets_contiguous);
	tcase_add_test(tc, test_bucket_error_bound);
	tcase_add_test(tc, test_quantiles);
	tcase_add_test(tc, test_quantile_capped_by_max);
	tcase_add_test(tc, test_add_ns);
	suite_add_tcase(s, tc);
	return s;
}
