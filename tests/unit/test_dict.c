// SPDX-License-Identifier: GPL-2.0
/* lib/dict: get/put/replace/delete, growth, and delete's backward shift
 * checked against a plain array over many random operations. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dict.h"
#include "check_main.h"

static int freed;

static void count_free(void *val)
{
	freed++;
	free(val);
}

static int *num(int v)
{
	int *p = malloc(sizeof(*p));

	ck_assert_ptr_nonnull(p);
	*p = v;
	return p;
}

START_TEST(test_put_get_replace_del)
{
	struct saker_dict *m = saker_dict_new(count_free);

	freed = 0;
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_null(saker_dict_get(m, "a"));
	ck_assert_int_eq(saker_dict_put(m, "a", num(1)), 0);
	ck_assert_int_eq(saker_dict_put(m, "", num(2)), 0);
	ck_assert_int_eq(*(int *)saker_dict_get(m, "a"), 1);
	ck_assert_int_eq(*(int *)saker_dict_get(m, ""), 2);
	ck_assert_uint_eq(saker_dict_count(m), 2);
	/* Replacing frees the old value, not the key count. */
	ck_assert_int_eq(saker_dict_put(m, "a", num(3)), 0);
	ck_assert_int_eq(freed, 1);
	ck_assert_int_eq(*(int *)saker_dict_get(m, "a"), 3);
	ck_assert_uint_eq(saker_dict_count(m), 2);
	ck_assert_int_eq(saker_dict_del(m, "a"), 0);
	ck_assert_int_eq(freed, 2);
	ck_assert_int_eq(saker_dict_del(m, "a"), -ENOENT);
	ck_assert_ptr_null(saker_dict_get(m, "a"));
	ck_assert_uint_eq(saker_dict_count(m), 1);
	/* Length-keyed: "ab" of "abc" is "ab"; "" and "\0" differ. */
	ck_assert_int_eq(saker_dict_putn(m, "abc", 2, num(4)), 0);
	ck_assert_int_eq(*(int *)saker_dict_get(m, "ab"), 4);
	ck_assert_int_eq(*(int *)saker_dict_getn(m, "abz", 2), 4);
	ck_assert_ptr_null(saker_dict_getn(m, "\0", 1));
	ck_assert_int_eq(*(int *)saker_dict_getn(m, "\0", 0), 2);
	saker_dict_free(m);
	ck_assert_int_eq(freed, 4);
}
END_TEST

static int sum_each(const char *key, void *val, void *ctx)
{
	long *sum = ctx;

	ck_assert_int_eq(atoi(key), *(int *)val);
	*sum += *(int *)val;
	return 0;
}

static int stop_at_7(const char *key, void *val, void *ctx)
{
	(void)key;
	(void)ctx;
	return *(int *)val == 7 ? 42 : 0;
}

START_TEST(test_grow_and_each)
{
	struct saker_dict *m = saker_dict_new(count_free);
	char key[16];
	long sum = 0;
	int i;

	freed = 0;
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "%d", i);
		ck_assert_int_eq(saker_dict_put(m, key, num(i)), 0);
	}
	ck_assert_uint_eq(saker_dict_count(m), 10000);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "%d", i);
		ck_assert_int_eq(*(int *)saker_dict_get(m, key), i);
	}
	ck_assert_int_eq(saker_dict_each(m, sum_each, &sum), 0);
	ck_assert_int_eq(sum, 10000L * 9999 / 2);
	ck_assert_int_eq(saker_dict_each(m, stop_at_7, NULL), 42);
	saker_dict_free(m);
	ck_assert_int_eq(freed, 10000);
}
END_TEST

/* Delete by the map's own key copy, as an eviction loop does. */
static int first_key(const char *key, void *val, void *ctx)
{
	(void)val;
	*(const char **)ctx = key;
	return 1;
}

START_TEST(test_del_own_key)
{
	struct saker_dict *m = saker_dict_new(NULL);
	const char *k = NULL;
	static int v;

	ck_assert_int_eq(saker_dict_put(m, "only", &v), 0);
	ck_assert_int_eq(saker_dict_each(m, first_key, &k), 1);
	ck_assert_int_eq(saker_dict_del(m, k), 0);
	ck_assert_uint_eq(saker_dict_count(m), 0);
	saker_dict_free(m);
}
END_TEST

#define MODEL_KEYS 300

START_TEST(test_random_against_model)
{
	struct saker_dict *m = saker_dict_new(NULL);
	static int vals[MODEL_KEYS];
	bool present[MODEL_KEYS] = { false };
	unsigned int seed = 12345;
	size_t count = 0;
	char key[16];
	int i, op;

	for (op = 0; op < 50000; op++) {
		int k;

		seed = seed * 1103515245 + 12345;
		k = (int)((seed >> 8) % MODEL_KEYS);
		snprintf(key, sizeof(key), "k%d", k);
		if ((seed >> 20) & 1) {
			ck_assert_int_eq(saker_dict_put(m, key, &vals[k]), 0);
			count += !present[k];
			present[k] = true;
		} else {
			ck_assert_int_eq(saker_dict_del(m, key), present[k] ? 0 : -ENOENT);
			count -= present[k];
			present[k] = false;
		}
		if (op % 500)
			continue;
		ck_assert_uint_eq(saker_dict_count(m), count);
		for (i = 0; i < MODEL_KEYS; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			ck_assert_ptr_eq(saker_dict_get(m, key), present[i] ? &vals[i] : NULL);
		}
	}
	saker_dict_free(m);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("dict");
	TCase *tc = tcase_create("dict");

	tcase_add_test(tc, test_put_get_replace_del);
	tcase_add_test(tc, test_grow_and_each);
	tcase_add_test(tc, test_del_own_key);
	tcase_add_test(tc, test_random_against_model);
	suite_add_tcase(s, tc);
	return s;
}
