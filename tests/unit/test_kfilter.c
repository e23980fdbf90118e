// SPDX-License-Identifier: GPL-2.0
/*
 * The module's open filter from the rules (rules/rules_kfilter.c) and its
 * verdict on events (lib/kfilter.c): what the filter keeps, that it never
 * loses an alert (replays with and without it give the same alerts), and
 * that what cannot be bounded keeps every open.
 */
#include <unistd.h>

#include "lib/decode.h"
#include "lib/kfilter.h"
#include "rules_testlib.h"
#include "check_main.h"

static uint64_t rec[8192];

/* The filter's verdict on the base open with override applied. */
static bool keeps(const struct saker_kfilter *kf, const char *override)
{
	char *json = tl_event(tl_base_open, override);
	char jerr[SAKER_REPLAY_ERRLEN];
	struct saker_event ev;
	const char *err = NULL;
	size_t used;
	long len;

	len = saker_json_to_record(json, strlen(json), rec, sizeof(rec), NULL, jerr, sizeof(jerr));
	ck_assert_msg(len > 0, "json_to_record: %s", jerr);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &err), SAKER_DECODE_EVENT);
	free(json);
	return saker_kfilter_keep(kf, &ev);
}

static void derive(const char *yaml, struct saker_kfilter *kf)
{
	struct saker_engine *e = tl_engine(yaml);

	ck_assert_uint_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(saker_engine_kfilter(e, kf), 0);
	saker_engine_free(e);
}

#define RULE(cond) "- rule: r\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"

START_TEST(test_shipped_rules)
{
	struct saker_engine *e = saker_engine_new();
	struct saker_kfilter kf;

	ck_assert_int_eq(saker_engine_load_path(e, SAKER_TOP "/rules/saker_rules.yaml"), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_engine_kfilter(e, &kf), 0);
	ck_assert(!kf.none);
	ck_assert_uint_eq(kf.rules, 3);
	/* Sensitive File Read: reads of listed files, and below listed dirs */
	ck_assert(keeps(&kf, "{\"path\":\"/etc/shadow\",\"flags\":0}"));
	ck_assert(keeps(&kf, "{\"path\":\"/etc/pam.d/sshd\",\"flags\":0}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/etc/passwd\",\"flags\":0}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/etc/shadowx\",\"flags\":0}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/tmp/x\",\"flags\":0}"));
	/* Write below etc, Write below binary dir */
	ck_assert(keeps(&kf, "{\"path\":\"/etc/passwd\",\"flags\":1}"));
	ck_assert(keeps(&kf, "{\"path\":\"/usr/bin/ls\",\"flags\":2}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/tmp/x\",\"flags\":1}"));
	/* only successful file opens: a failure or O_DIRECTORY is no match */
	ck_assert(!keeps(&kf, "{\"path\":\"/etc/shadow\",\"fd\":null,\"errno\":13,"
			 "\"errname\":\"EACCES\",\"path_from_name\":true}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/etc/pam.d\",\"flags\":65536}"));
	/* a path cut short, or not absolute: kept, the filter cannot tell */
	ck_assert(keeps(&kf, "{\"path\":\"etc/shadow\",\"flags\":0}"));
	ck_assert(keeps(&kf, "{\"path\":\"/x/y\",\"flags\":0,\"path_truncated\":true}"));
	saker_kfilter_release(&kf);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_derivation)
{
	struct saker_kfilter kf;

	/* a rule on execs only: no open is kept, and that is a filter */
	derive(RULE("evt.type = execve and proc.name = sh"), &kf);
	ck_assert(!kf.none);
	ck_assert_uint_eq(kf.n, 0);
	ck_assert(!keeps(&kf, "{}"));
	saker_kfilter_release(&kf);

	/* any open by a process name: every open of those syscalls */
	derive(RULE("evt.type = open and proc.name = cat"), &kf);
	ck_assert(!kf.none);
	ck_assert(keeps(&kf, "{\"syscall\":\"open\",\"path\":\"/anything\"}"));
	ck_assert(!keeps(&kf, "{\"syscall\":\"openat\",\"path\":\"/anything\"}"));
	saker_kfilter_release(&kf);

	/* a negated path bounds nothing */
	derive(RULE("evt.type in (open, openat) and not fd.name startswith /etc"), &kf);
	ck_assert(keeps(&kf, "{\"path\":\"/tmp/a\"}"));
	saker_kfilter_release(&kf);

	/* no event type at all, nothing on opens: every open */
	derive(RULE("proc.name = cat"), &kf);
	ck_assert(kf.none);
	ck_assert(keeps(&kf, "{\"path\":\"/tmp/a\"}"));
	saker_kfilter_release(&kf);

	/* glob: its literal start; pmatch: the patterns as prefixes */
	derive(RULE("evt.type = openat and (fd.name glob '/tmp/*.sh' or fd.name pmatch (/srv/a, /opt/*/bin))"),
	       &kf);
	ck_assert(keeps(&kf, "{\"path\":\"/tmp/x.sh\"}"));
	ck_assert(keeps(&kf, "{\"path\":\"/srv/a/b\"}"));
	ck_assert(keeps(&kf, "{\"path\":\"/opt/z/bin/q\"}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/var/x.sh\"}"));
	saker_kfilter_release(&kf);

	/* failures: kept on the masks alone, their path is not built */
	derive(RULE("evt.type = openat and evt.rawres < 0 and fd.name = /etc/shadow"), &kf);
	ck_assert(keeps(&kf, "{\"path\":\"/x\",\"fd\":null,\"errno\":2,\"errname\":\"ENOENT\","
			"\"path_from_name\":true}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/etc/shadow\"}"));
	saker_kfilter_release(&kf);

	/* exact and prefix meet: the exact paths below the prefix */
	derive(RULE("evt.type = openat and fd.name in (/etc/a, /var/b) and fd.directory = /etc"),
	       &kf);
	ck_assert_uint_eq(kf.n, 1);
	ck_assert(keeps(&kf, "{\"path\":\"/etc/a\"}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/var/b\"}"));
	saker_kfilter_release(&kf);

	/*
	 * Many exceptions whose negation is two clauses (any open, or one of a
	 * directory): folded again and again, the path bound stays one path.
	 */
#define EXC(n) " and not (proc.name = p" #n " and fd.typechar = f)"
	derive(RULE("evt.type = openat and fd.name startswith /etc/" EXC(1) EXC(2) EXC(3)
		    EXC(4) EXC(5) EXC(6) EXC(7) EXC(8) EXC(9) EXC(10) EXC(11) EXC(12) EXC(13)
		    EXC(14) EXC(15) EXC(16)), &kf);
#undef EXC
	ck_assert(!kf.none);
	ck_assert_uint_eq(kf.n, 1);
	ck_assert(keeps(&kf, "{\"path\":\"/etc/passwd\"}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/tmp/a\"}"));
	saker_kfilter_release(&kf);

	/* oneof and a condition that is always false */
	derive(RULE("evt.type = openat and fd.name startswith oneof (/a, /b)"), &kf);
	ck_assert(keeps(&kf, "{\"path\":\"/b/c\"}"));
	ck_assert(!keeps(&kf, "{\"path\":\"/c\"}"));
	saker_kfilter_release(&kf);
}
END_TEST

struct collect {
	char *buf;
	size_t n, cap;
};

static void on_alert(void *arg, const struct saker_alert *a)
{
	struct collect *c = arg;
	int w;

	if (c->cap - c->n < 8192) {
		c->cap = c->cap * 2 + 65536;
		c->buf = realloc(c->buf, c->cap);
		ck_assert_ptr_nonnull(c->buf);
	}
	w = snprintf(c->buf + c->n, c->cap - c->n, "%llu %s %s\n",
		     (unsigned long long)a->ev->task->ts_ns, a->rule->name, a->output);
	ck_assert_int_gt(w, 0);
	c->n += (size_t)w;
}

/* The same alerts with the filter as without; returns the filtered count. */
static uint64_t same_alerts(const char *const *rules, const char *events, bool all)
{
	struct saker_replay_stats st0 = { 0 }, st1 = { 0 };
	struct collect c0 = { 0 }, c1 = { 0 };
	struct saker_engine *e = saker_engine_new();
	struct saker_kfilter kf;

	saker_engine_set_match_mode(e, all ? SAKER_MATCH_ALL : SAKER_MATCH_FIRST);
	for (; *rules; rules++)
		ck_assert_int_eq(saker_engine_load_path(e, *rules), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_engine_kfilter(e, &kf), 0);
	ck_assert_int_eq(saker_replay_file(e, events, NULL, on_alert, &c0, &st0), 0);
	ck_assert_int_eq(saker_replay_file(e, events, &kf, on_alert, &c1, &st1), 0);
	ck_assert_uint_gt(st0.alerts, 0);
	ck_assert_uint_eq(st0.alerts, st1.alerts);
	ck_assert_uint_eq(c0.n, c1.n);
	ck_assert(!memcmp(c0.buf, c1.buf, c0.n));
	ck_assert_uint_eq(st0.filtered, 0);
	free(c0.buf);
	free(c1.buf);
	saker_kfilter_release(&kf);
	saker_engine_free(e);
	return st1.filtered;
}

START_TEST(test_golden_same_alerts)
{
	const char *shipped[] = { SAKER_TOP "/rules/saker_rules.yaml", NULL };
	const char *seeds[] = { SAKER_TOP "/../shared/compat/falco_rules.yaml",
				SAKER_TOP "/tests/rules/seeds.yaml", NULL };
	const char *falco[] = { SAKER_TOP "/../shared/compat/falco_rules.yaml",
				SAKER_TOP "/rules/saker_rules.yaml", NULL };
	const char *ev = SAKER_TOP "/tests/rules/golden_events.jsonl";

	ck_assert_uint_gt(same_alerts(shipped, ev, false), 0);
	same_alerts(shipped, ev, true);
	if (!access(falco[0], R_OK)) {
		same_alerts(falco, ev, true);
		same_alerts(seeds, ev, true);
	} else
		fprintf(stderr, "SKIP: ../shared/compat/falco_rules.yaml not found\n");
}
END_TEST

/* The benchmark's synthetic capture: thousands of processes, most events opens. */
START_TEST(test_synthetic_same_alerts)
{
	const char *shipped[] = { SAKER_TOP "/rules/saker_rules.yaml", NULL };
	char path[] = "/tmp/saker-kfilter-XXXXXX", cmd[512];
	int fd = mkstemp(path);
	uint64_t filtered;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s %s 200000 >/dev/null", SAKER_GEN_EVENTS, path);
	ck_assert_int_eq(system(cmd), 0);
	filtered = same_alerts(shipped, path, true);
	/* the mix is mostly opens no shipped rule wants */
	ck_assert_uint_gt(filtered, 100000);
	unlink(path);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("kfilter");
	TCase *tc = tcase_create("kfilter");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_shipped_rules);
	tcase_add_test(tc, test_derivation);
	tcase_add_test(tc, test_golden_same_alerts);
	tcase_add_test(tc, test_synthetic_same_alerts);
	suite_add_tcase(s, tc);
	return s;
}
