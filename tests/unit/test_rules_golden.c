// SPDX-License-Identifier: GPL-2.0
/* Golden tests: crafted events (tests/rules/golden_events.jsonl) replayed
 * through rule sets must raise exactly the expected alerts, in order. */
#include <unistd.h>

#include "lib/capture.h"
#include "rules_testlib.h"
#include "check_main.h"

struct collect {
	char buf[65536];
	size_t n;
};

static void on_alert(void *arg, const struct saker_alert *a)
{
	struct collect *c = arg;
	int w = snprintf(c->buf + c->n, sizeof(c->buf) - c->n, "%llu %s\n",
			 (unsigned long long)a->ev->task->ts_ns, a->rule->name);

	if (w > 0 && c->n + (size_t)w < sizeof(c->buf))
		c->n += (size_t)w;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 65536);

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_uint_lt(fread(s, 1, 65535, f), 65535);
	fclose(f);
	return s;
}

static bool have_shared(void)
{
	return access(SAKER_TOP "/../shared/compat/falco_rules.yaml", R_OK) == 0;
}

static void golden(const char *const *rules, bool all, const char *expected)
{
	struct saker_engine *e = saker_engine_new();
	struct saker_replay_stats st = { 0 };
	struct collect *c = calloc(1, sizeof(*c));
	char *want;

	saker_engine_set_match_mode(e, all ? SAKER_MATCH_ALL : SAKER_MATCH_FIRST);
	for (; *rules; rules++)
		ck_assert_int_eq(saker_engine_load_path(e, *rules), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_replay_file(e, SAKER_TOP "/tests/rules/golden_events.jsonl",
					   NULL, on_alert, c, &st), 0);
	ck_assert_uint_eq(st.events, 25);
	ck_assert_uint_eq(st.bad, 0);
	/* SAKER_GOLDEN_UPDATE=1 rewrites the expectation: review the diff. */
	if (getenv("SAKER_GOLDEN_UPDATE")) {
		FILE *f = fopen(expected, "w");

		ck_assert_msg(f != NULL, "cannot write %s", expected);
		fputs(c->buf, f);
		fclose(f);
	}
	want = slurp(expected);
	ck_assert_str_eq(c->buf, want);
	free(want);
	free(c);
	saker_engine_free(e);
}

START_TEST(test_saker_first)
{
	const char *rules[] = { SAKER_TOP "/rules", NULL };

	golden(rules, false, SAKER_TOP "/tests/rules/golden_first.expected");
}
END_TEST

START_TEST(test_saker_all)
{
	const char *rules[] = { SAKER_TOP "/rules/saker_rules.yaml", NULL };

	golden(rules, true, SAKER_TOP "/tests/rules/golden_all.expected");
}
END_TEST

START_TEST(test_falco_and_saker_all)
{
	const char *rules[] = { SAKER_TOP "/../shared/compat/falco_rules.yaml",
				SAKER_TOP "/rules", NULL };

	if (!have_shared()) {
		fprintf(stderr, "SKIP: ../shared/compat/falco_rules.yaml not found\n");
		return;
	}
	golden(rules, true, SAKER_TOP "/tests/rules/golden_falco_all.expected");
}
END_TEST

START_TEST(test_seeds_all)
{
	const char *rules[] = { SAKER_TOP "/../shared/compat/falco_rules.yaml",
				SAKER_TOP "/tests/rules/seeds.yaml", NULL };

	if (!have_shared()) {
		fprintf(stderr, "SKIP: ../shared/compat/falco_rules.yaml not found\n");
		return;
	}
	golden(rules, true, SAKER_TOP "/tests/rules/golden_seeds_all.expected");
}
END_TEST

START_TEST(test_output_text)
{
	struct saker_engine *e = saker_engine_new();
	struct saker_replay_stats st = { 0 };

	ck_assert_int_eq(saker_engine_load_path(e, SAKER_TOP "/rules"), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	tl_last_output[0] = '\0';
	ck_assert_int_eq(saker_replay_file(e, SAKER_TOP "/tests/rules/golden_events.jsonl",
					   NULL, tl_on_alert, NULL, &st), 0);
	/* the last alert: io_uring read of /etc/shadow by python3 on the host */
	ck_assert_str_eq(tl_last_rule, "Sensitive File Read");
	ck_assert_str_eq(tl_last_output,
			 "Sensitive file opened for reading (file=/etc/shadow process=python3 "
			 "cmdline=python3 evil.py parent=bash user=root uid=0 container=host "
			 "image=<NA> io_uring=true)");
	saker_engine_free(e);
}
END_TEST

/* The same events as a capture file (sakerctl trace --write format). */
START_TEST(test_capture_replay)
{
	char path[] = "/tmp/saker-golden-XXXXXX";
	struct saker_capture_writer *w;
	struct saker_engine *e = saker_engine_new();
	struct saker_replay_stats st = { 0 };
	struct collect *c = calloc(1, sizeof(*c));
	static uint64_t rec[8192];
	char err[256], *line = NULL, *want;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(saker_capture_writer_open(&w, path, err, sizeof(err)), 0);
	f = fopen(SAKER_TOP "/tests/rules/golden_events.jsonl", "r");
	ck_assert_ptr_nonnull(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		char why[SAKER_REPLAY_ERRLEN];
		long len = saker_json_to_record(line, (size_t)n, rec, sizeof(rec), NULL, why,
						sizeof(why));

		ck_assert_int_gt(len, 0);
		ck_assert_int_eq(saker_capture_write(w, rec, (size_t)len), 0);
	}
	free(line);
	fclose(f);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(saker_engine_load_path(e, SAKER_TOP "/rules"), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_replay_file(e, path, NULL, on_alert, c, &st), 0);
	ck_assert_uint_eq(st.events, 25);
	want = slurp(SAKER_TOP "/tests/rules/golden_all.expected");
	/* no container metadata in a capture: only the alert list is compared */
	ck_assert_str_eq(c->buf, want);
	free(want);
	free(c);
	saker_engine_free(e);
	unlink(path);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("rules_golden");
	TCase *tc = tcase_create("golden");

	tcase_add_test(tc, test_saker_first);
	tcase_add_test(tc, test_saker_all);
	tcase_add_test(tc, test_falco_and_saker_all);
	tcase_add_test(tc, test_seeds_all);
	tcase_add_test(tc, test_output_text);
	tcase_add_test(tc, test_capture_replay);
	suite_add_tcase(s, tc);
	return s;
}
