// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluator's prefilters (rules/rules_prefilter.c, rules_prekey.c): an
 * event runs only the rules its path and its key fields (proc.name = v...)
 * allow, and what alerts is what every rule's condition says, in load
 * order: first-match picks the same rule, exact and prefix paths,
 * failures, keys on several fields and many rules per type; and terms
 * put in order of cost (rules_order.c) give the condition's own result.
 */
#include "rules_testlib.h"
#include "check_main.h"

#define R(name, cond) "- rule: " name "\n  desc: d\n  condition: " cond \
	"\n  output: o\n  priority: WARNING\n"

static int run_open(struct saker_engine *e, const char *override)
{
	char *json = tl_event(tl_base_open, override);
	int n = tl_run(e, json);

	free(json);
	return n;
}

START_TEST(test_first_match_order)
{
	const char *yaml = R("etc", "evt.type = openat and evt.is_open_read = true and "
			     "fd.name startswith /etc/")
			   R("cat", "evt.type = openat and proc.name = cat");
	struct saker_engine *e = tl_engine(yaml);

	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	/* both may match: the first in load order alerts */
	ck_assert_int_eq(run_open(e, "{\"path\":\"/etc/shadow\"}"), 1);
	ck_assert_str_eq(tl_last_rule, "etc");
	/* a path the first rule does not watch: the second still runs */
	ck_assert_int_eq(run_open(e, "{\"path\":\"/usr/lib/libc.so.6\"}"), 1);
	ck_assert_str_eq(tl_last_rule, "cat");
	/* a write below /etc is not the first rule's either */
	ck_assert_int_eq(run_open(e, "{\"path\":\"/etc/shadow\",\"flags\":1}"), 1);
	ck_assert_str_eq(tl_last_rule, "cat");
	saker_engine_free(e);

	e = tl_engine(yaml);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(run_open(e, "{\"path\":\"/etc/shadow\"}"), 2);
	ck_assert_int_eq(run_open(e, "{\"path\":\"/etc\"}"), 1);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_exact_prefix_failed)
{
	struct saker_engine *e = tl_engine(
		R("exact", "evt.type = openat and fd.name = /tmp/x")
		R("prefix", "evt.type = openat and fd.name startswith /var/lib/")
		R("failed", "evt.type = openat and fd.name = /srv/a and evt.res != SUCCESS"));

	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(run_open(e, "{\"path\":\"/tmp/x\"}"), 1);
	ck_assert_str_eq(tl_last_rule, "exact");
	ck_assert_int_eq(run_open(e, "{\"path\":\"/tmp/xy\"}"), 0);
	ck_assert_int_eq(run_open(e, "{\"path\":\"/tmp\"}"), 0);
	ck_assert_int_eq(run_open(e, "{\"path\":\"/var/lib/dpkg/status\"}"), 1);
	ck_assert_str_eq(tl_last_rule, "prefix");
	ck_assert_int_eq(run_open(e, "{\"path\":\"/var/li\"}"), 0);
	/* a failed open still reaches the rules that want failures */
	ck_assert_int_eq(run_open(e, "{\"path\":\"/srv/a\",\"fd\":null,\"errno\":2,"
				     "\"errname\":\"ENOENT\"}"), 1);
	ck_assert_str_eq(tl_last_rule, "failed");
	ck_assert_int_eq(run_open(e, "{\"path\":\"/srv/a\"}"), 0);
	saker_engine_free(e);
}
END_TEST

/* An open by a process named comm of path, read (flags 0) or write (1). */
static int open_as(struct saker_engine *e, const char *comm, const char *path, int flags)
{
	char o[256];

	snprintf(o, sizeof(o), "{\"comm\":\"%s\",\"path\":\"%s\",\"flags\":%d}",
		 comm, path, flags);
	return run_open(e, o);
}

START_TEST(test_keys)
{
	struct saker_engine *e = tl_engine(
		R("tar", "evt.type = openat and proc.name = tar")
		R("set", "evt.type = openat and proc.name in (cat, dd) and fd.name startswith /etc/")
		R("or", "evt.type = openat and (proc.name = cat or fd.name = /etc/x)")
		R("two", "evt.type = openat and proc.name = cat and fd.typechar = f and "
		  "evt.is_open_write = true")
		R("none", "evt.type = openat and proc.name in (zz) and proc.name = zz"));

	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(open_as(e, "tar", "/usr/x", 0), 1);
	ck_assert_str_eq(tl_last_rule, "tar");
	/* set and or; not two (a read) */
	ck_assert_int_eq(open_as(e, "cat", "/etc/passwd", 0), 2);
	ck_assert_str_eq(tl_last_rule, "or");
	ck_assert_int_eq(open_as(e, "dd", "/etc/passwd", 0), 1);
	ck_assert_str_eq(tl_last_rule, "set");
	/* a key in an or is no key: the other side still matches */
	ck_assert_int_eq(open_as(e, "sh", "/etc/x", 0), 1);
	ck_assert_str_eq(tl_last_rule, "or");
	ck_assert_int_eq(open_as(e, "cat", "/tmp/a", 1), 2);
	ck_assert_str_eq(tl_last_rule, "two");
	ck_assert_int_eq(open_as(e, "zz", "/tmp/a", 0), 1);
	ck_assert_str_eq(tl_last_rule, "none");
	ck_assert_int_eq(open_as(e, "ta", "/tmp/a", 0), 0);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_needles)
{
	struct saker_engine *e = tl_engine(
		R("dots", "evt.type = openat and fd.nameraw contains '../' and "
		  "fd.name contains ../e")
		R("ssh", "evt.type = openat and (fd.name contains /.ssh/ or proc.name = vi)")
		R("cmd", "evt.type = openat and proc.cmdline contains zz"));

	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(open_as(e, "cat", "/x/../etc/passwd", 0), 1);
	ck_assert_str_eq(tl_last_rule, "dots");
	ck_assert_int_eq(open_as(e, "cat", "/x/../tmp/passwd", 0), 0);
	ck_assert_int_eq(open_as(e, "cat", "/x/etc/passwd", 0), 0);
	/* a contains in an or is no key */
	ck_assert_int_eq(open_as(e, "vi", "/x", 0), 1);
	ck_assert_str_eq(tl_last_rule, "ssh");
	ck_assert_int_eq(open_as(e, "cat", "/root/.ssh/id", 0), 1);
	ck_assert_str_eq(tl_last_rule, "ssh");
	/* no command line without the process table: the rule cannot match */
	ck_assert_int_eq(open_as(e, "zz", "/x", 0), 0);
	saker_engine_free(e);
}
END_TEST

/* An or whose branches each need proc.name: keyed on the union of their names. */
START_TEST(test_or_keys)
{
	struct saker_engine *e = tl_engine(
		R("nc", "evt.type = openat and ((proc.name = nc and fd.name = /a) or "
		  "(proc.name in (ncat, socat) and fd.name startswith /b/))")
		R("mixed", "evt.type = openat and (proc.name = vi or fd.name = /c)"));

	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(open_as(e, "nc", "/a", 0), 1);
	ck_assert_str_eq(tl_last_rule, "nc");
	ck_assert_int_eq(open_as(e, "socat", "/b/x", 0), 1);
	ck_assert_str_eq(tl_last_rule, "nc");
	ck_assert_int_eq(open_as(e, "nc", "/b/x", 0), 0);
	ck_assert_int_eq(open_as(e, "sh", "/a", 0), 0);
	/* branches on different fields: no key */
	ck_assert_int_eq(open_as(e, "sh", "/c", 0), 1);
	ck_assert_str_eq(tl_last_rule, "mixed");
	ck_assert_int_eq(open_as(e, "vi", "/x", 0), 1);
	ck_assert_str_eq(tl_last_rule, "mixed");
	saker_engine_free(e);
}
END_TEST

/*
 * rules_order.c puts cheap terms first and negations last: the results
 * are the condition's own, with missing values and macros shared by rules.
 */
START_TEST(test_order_same_results)
{
	/* the costly glob holds, the cheap negation does not */
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '/etc/*' and not proc.name = cat and "
				    "evt.type = openat", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '/etc/*' and not proc.name = dd and "
				    "evt.type = openat", NULL), 1);
	/* no parent: the set test is false, its negation true */
	ck_assert_int_eq(MATCH_OPEN("(fd.name contains shadow or evt.type = execve) and "
				    "not proc.pname in (zz) and fd.num >= 0", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.type = openat and (proc.cmdline contains x or "
				    "fd.name = /etc/shadow)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.type = openat and fd.name regex '/etc/.*' and "
				    "not (fd.name endswith shadow or proc.name = cat)", NULL), 0);
}
END_TEST

/*
 * Macros nested 16 deep, each using the one below twice: the key walk is
 * bounded (PK_VISITS_MAX) and the result is the condition's. Deeper nests
 * are slow to compile before the prefilters are built (the loader's walks).
 */
START_TEST(test_nested_macros)
{
	char *yaml = calloc(1, 8192);
	size_t n = 0;
	struct saker_engine *e;
	int i;

	ck_assert_ptr_nonnull(yaml);
	n += (size_t)snprintf(yaml + n, 8192 - n, "- macro: m0\n  condition: proc.name = cat\n");
	for (i = 1; i <= 16; i++)
		n += (size_t)snprintf(yaml + n, 8192 - n, "- macro: m%d\n  condition: "
				      "(m%d and (m%d or fd.name = /x))\n", i, i - 1, i - 1);
	snprintf(yaml + n, 8192 - n, R("deep", "evt.type = openat and m16"));
	e = tl_engine(yaml);
	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(open_as(e, "cat", "/etc/passwd", 0), 1);
	ck_assert_str_eq(tl_last_rule, "deep");
	ck_assert_int_eq(open_as(e, "dd", "/x", 0), 0);
	saker_engine_free(e);
	free(yaml);
}
END_TEST

/* More rules for one type than a bitmap word holds. */
START_TEST(test_many_rules)
{
	char *yaml = calloc(1, 200 * 128), name[16], path[32];
	size_t n = 0;
	struct saker_engine *e;
	int i;

	ck_assert_ptr_nonnull(yaml);
	for (i = 0; i < 150; i++)
		n += (size_t)snprintf(yaml + n, 200 * 128 - n, R("r%d", "evt.type = openat "
				      "and fd.name = /p/%d"), i, i);
	e = tl_engine(yaml);
	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	for (i = 0; i < 150; i += 7) {
		snprintf(path, sizeof(path), "{\"path\":\"/p/%d\"}", i);
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_int_eq(run_open(e, path), 1);
		ck_assert_str_eq(tl_last_rule, name);
	}
	ck_assert_int_eq(run_open(e, "{\"path\":\"/p/150\"}"), 0);
	ck_assert_int_eq(run_open(e, "{\"path\":\"/p/\"}"), 0);
	saker_engine_free(e);
	free(yaml);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("prefilter");
	TCase *tc = tcase_create("prefilter");

	tcase_add_test(tc, test_first_match_order);
	tcase_add_test(tc, test_exact_prefix_failed);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_or_keys);
	tcase_add_test(tc, test_needles);
	tcase_add_test(tc, test_order_same_results);
	tcase_add_test(tc, test_nested_macros);
	tcase_add_test(tc, test_many_rules);
	suite_add_tcase(s, tc);
	return s;
}
