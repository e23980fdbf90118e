// SPDX-License-Identifier: GPL-2.0
/*
 * proc.env: the environment captured at exec, read as libsinsp reads it
 * (entries joined by spaces; proc.env[NAME] is NAME's value, trimmed, ""
 * when unset), inherited by forked children, cut at SAKER_ENV_MAX.
 */
#include "check_main.h"
#include "rules_testlib.h"

#define ENV_JSON "{\"env\":[\"PATH=/usr/bin:/bin\",\"\",\"LD_PRELOAD= /tmp/x.so \",\"EMPTY=\"]}"

static int env_match(const char *cond, const char *override)
{
	return tl_match(cond, tl_base_exec, override);
}

START_TEST(test_env_joined)
{
	ck_assert_int_eq(env_match("proc.env = \"PATH=/usr/bin:/bin LD_PRELOAD= /tmp/x.so  EMPTY=\"",
				   ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env contains \"LD_PRELOAD=\"", ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env icontains ld_preload", ENV_JSON), 1);
	/* no environment at all: an empty string, not a missing value */
	ck_assert_int_eq(env_match("proc.env = \"\"", "{\"env\":[]}"), 1);
	ck_assert_int_eq(env_match("proc.env = \"\"", NULL), 1);
}
END_TEST

START_TEST(test_env_named)
{
	ck_assert_int_eq(env_match("proc.env[LD_PRELOAD] = /tmp/x.so", ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env[\"LD_PRELOAD\"] = /tmp/x.so", ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env['PATH'] startswith /usr", ENV_JSON), 1);
	/* unset, or set to nothing: "" (so != "" is the "is set" test) */
	ck_assert_int_eq(env_match("proc.env[HTTP_PROXY] = \"\"", ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env[HTTP_PROXY] != \"\"", ENV_JSON), 0);
	ck_assert_int_eq(env_match("proc.env[EMPTY] = \"\"", ENV_JSON), 1);
	/* a name is matched whole, not as a prefix */
	ck_assert_int_eq(env_match("proc.env[LD] = \"\"", ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env[PAT] = \"\"", ENV_JSON), 1);
	ck_assert_int_eq(env_match("proc.env[GLIBC_TUNABLES] contains \"glibc.malloc\"",
				   "{\"env\":[\"GLIBC_TUNABLES=glibc.tunables=glibc.malloc.mxfast=1\"]}"), 1);
}
END_TEST

START_TEST(test_env_truncated_flag)
{
	ck_assert_int_eq(env_match("proc.env_truncated = true",
				   "{\"env\":[\"A=1\"],\"env_truncated\":true}"), 1);
	ck_assert_int_eq(env_match("proc.env_truncated = false", ENV_JSON), 1);
}
END_TEST

/* A forked child runs with its parent's environment until it execs. */
START_TEST(test_env_inherited)
{
	struct saker_proctable *pt = saker_proctable_new(0);
	struct saker_engine *e;
	char *ev;

	e = tl_engine("- rule: r\n  desc: d\n  condition: evt.type = openat and"
		      " proc.env[LD_PRELOAD] = /tmp/x.so\n  output: o %proc.env[LD_PRELOAD]\n"
		      "  priority: INFO\n");
	tl_use_proctable(e, pt);
	ev = tl_event(tl_base_exec, "{\"pid\":10,\"tid\":10,\"env\":[\"LD_PRELOAD=/tmp/x.so\"]}");
	ck_assert_int_eq(tl_run(e, ev), 0);
	free(ev);
	ev = tl_event("{\"type\":\"fork\",\"pid\":11,\"tid\":11,\"ppid\":10,\"parent_tid\":10,"
		      "\"thread\":false}", NULL);
	tl_run(e, ev);
	free(ev);
	ev = tl_event(tl_base_open, "{\"pid\":11,\"tid\":11,\"ppid\":10}");
	ck_assert_int_eq(tl_run(e, ev), 1);
	ck_assert_str_eq(tl_last_output, "o /tmp/x.so");
	free(ev);
	/* its own exec without the variable ends it */
	ev = tl_event(tl_base_exec, "{\"pid\":11,\"tid\":11,\"ppid\":10,\"env\":[\"A=1\"]}");
	tl_run(e, ev);
	free(ev);
	ev = tl_event(tl_base_open, "{\"pid\":11,\"tid\":11,\"ppid\":10}");
	ck_assert_int_eq(tl_run(e, ev), 0);
	free(ev);
	saker_engine_free(e);
	saker_proctable_free(pt);
}
END_TEST

/* The incubating rule's macro, as upstream writes it. */
START_TEST(test_env_upstream_macro)
{
	struct saker_engine *e;
	char *ev;

	e = tl_engine("- macro: glibc_tunables_env\n  condition: (proc.env icontains GLIBC_TUNABLES)\n"
		      "- rule: r\n  desc: d\n  condition: evt.type = execve and glibc_tunables_env\n"
		      "  output: o\n  priority: INFO\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ev = tl_event(tl_base_exec, "{\"env\":[\"GLIBC_TUNABLES=glibc.malloc.mxfast=1\"]}");
	ck_assert_int_eq(tl_run(e, ev), 1);
	free(ev);
	ev = tl_event(tl_base_exec, ENV_JSON);
	ck_assert_int_eq(tl_run(e, ev), 0);
	free(ev);
	saker_engine_free(e);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("proc_env");
	TCase *tc = tcase_create("env");

	tcase_add_test(tc, test_env_joined);
	tcase_add_test(tc, test_env_named);
	tcase_add_test(tc, test_env_truncated_flag);
	tcase_add_test(tc, test_env_inherited);
	tcase_add_test(tc, test_env_upstream_macro);
	suite_add_tcase(s, tc);
	return s;
}
