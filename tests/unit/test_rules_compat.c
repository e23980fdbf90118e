// SPDX-License-Identifier: GPL-2.0
/* Compatibility: upstream falco_rules.yaml loads Ok (warnings allowed),
 * every exec/open rule is active, every other rule is listed as skipped
 * with its reason; the seeds' rules load on top of it. */
#include <unistd.h>

#include "rules_testlib.h"
#include "check_main.h"

#define FALCO SAKER_TOP "/../shared/compat/falco_rules.yaml"

static bool have_shared(void)
{
	if (access(FALCO, R_OK) == 0)
		return true;
	fprintf(stderr, "SKIP: %s not found (shared/ must sit at ../shared)\n", FALCO);
	return false;
}

START_TEST(test_falco_rules_ok)
{
	struct saker_engine *e;
	size_t i, active = 0, skipped = 0;

	if (!have_shared())
		return;
	e = saker_engine_new();
	ck_assert_int_eq(saker_engine_load_path(e, FALCO), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	for (i = 0; i < saker_engine_rule_count(e); i++) {
		const struct saker_rule_info *r = saker_engine_rule(e, i);

		if (r->state == SAKER_RULE_ACTIVE) {
			active++;
			/* only exec and open event types */
			ck_assert_msg(!strcmp(r->evttypes, "execve,execveat") ||
				      !strcmp(r->evttypes, "open,openat,openat2"),
				      "%s: %s", r->name, r->evttypes);
		} else {
			ck_assert_int_eq(r->state, SAKER_RULE_SKIPPED);
			ck_assert_ptr_nonnull(r->reason);
			ck_assert_msg(strstr(r->reason, "needs events saker does not capture"),
				      "%s: %s", r->name, r->reason);
			skipped++;
		}
	}
	ck_assert_uint_eq(active, 16);
	ck_assert_uint_eq(skipped, 9);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_seed_rules)
{
	struct saker_engine *e;
	size_t i;

	if (!have_shared())
		return;
	e = saker_engine_new();
	saker_engine_load_path(e, FALCO);
	saker_engine_load_path(e, SAKER_TOP "/tests/rules/seeds.yaml");
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert(tl_has_code(e, "W-PRIORITY", NULL, NULL));
	for (i = 0; i < saker_engine_rule_count(e); i++) {
		const struct saker_rule_info *r = saker_engine_rule(e, i);

		if (!strcmp(r->name, "Shell Spawned in Container") ||
		    !strcmp(r->name, "Terminal Access"))
			ck_assert_int_eq(r->state, SAKER_RULE_ACTIVE);
	}
	saker_engine_free(e);
	/* seed 001 verbatim: user.id/proc.id are unknown to Falco, so refused */
	e = saker_engine_new();
	saker_engine_load_path(e, FALCO);
	saker_engine_load_path(e, SAKER_TOP "/tests/rules/seed001_output.yaml");
	ck_assert_int_ne(saker_engine_compile(e), 0);
	ck_assert(tl_has_code(e, "E-OUTPUT-FIELD", NULL, NULL));
	{
		char buf[512];

		ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
		ck_assert_msg(strstr(buf, "'user.id' (did you mean 'user.uid'?)"), "%s", buf);
	}
	saker_engine_free(e);
	/* seed 003's example is not valid YAML (": " in a plain scalar) */
	e = saker_engine_new();
	saker_engine_load_path(e, SAKER_TOP "/tests/rules/seed003_invalid.yaml");
	ck_assert_int_ne(saker_engine_compile(e), 0);
	ck_assert(tl_has_code(e, "E-YAML", NULL, NULL));
	saker_engine_free(e);
}
END_TEST

START_TEST(test_saker_rules_ok_together)
{
	struct saker_engine *e = saker_engine_new();
	size_t i;

	ck_assert_int_eq(saker_engine_load_path(e, SAKER_TOP "/rules/saker_rules.yaml"), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	/* the shipped rules load without a single warning */
	ck_assert_int_eq(saker_engine_warning_count(e), 0);
	for (i = 0; i < saker_engine_rule_count(e); i++) {
		const struct saker_rule_info *r = saker_engine_rule(e, i);
		size_t t;
		bool mitre = false;

		ck_assert_int_eq(r->state, SAKER_RULE_ACTIVE);
		for (t = 0; t < r->ntags; t++)
			mitre |= r->tags[t][0] == 'T' && r->tags[t][1] >= '0' && r->tags[t][1] <= '9';
		ck_assert_msg(mitre, "%s has no MITRE ATT&CK technique tag", r->name);
	}
	saker_engine_free(e);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("rules_compat");
	TCase *tc = tcase_create("compat");

	tcase_add_test(tc, test_falco_rules_ok);
	tcase_add_test(tc, test_seed_rules);
	tcase_add_test(tc, test_saker_rules_ok_together);
	suite_add_tcase(s, tc);
	return s;
}
