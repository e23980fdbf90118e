// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd's rules step (daemon.c): an engine whose load or compile failed
 * is never run, at start (saker_daemon_engine fails) and at reload (the old
 * rules stay, the failure is alerted). The failures that leave no
 * diagnostic are out-of-memory ones: this program's mallocs go through
 * saker_test_malloc (tests/unit/build.mk links it with --wrap=malloc),
 * which fails the next one of a chosen size.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "rules/engine.h"
#include "check_main.h"

void *__real_malloc(size_t size);
void *saker_test_malloc(size_t size);

static size_t fail_size;	/* the next malloc of this size fails; 0: none */

void *saker_test_malloc(size_t size)
{
	if (fail_size && size == fail_size) {
		fail_size = 0;
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(size);
}

#define RULES "- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n" \
	      "  priority: INFO\n"

static char dir[] = "/tmp/saker-daemon-XXXXXX";
static char rules[256], alerts[256];

static void setup(struct saker_config *cfg, const char *yaml)
{
	FILE *f;

	strcpy(dir, "/tmp/saker-daemon-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(rules, sizeof(rules), "%s/rules.yaml", dir);
	snprintf(alerts, sizeof(alerts), "%s/alerts.log", dir);
	f = fopen(rules, "w");
	ck_assert_ptr_nonnull(f);
	fputs(yaml, f);
	fclose(f);
	saker_config_defaults(cfg);
	ck_assert_int_eq(saker_config_add_rules(cfg, rules, true), 0);
}

static void teardown(struct saker_config *cfg)
{
	char cmd[300];

	saker_config_free(cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Rules that compile give an engine, which takes events. */
START_TEST(test_engine_ok)
{
	struct saker_config cfg;
	struct saker_engine *e;
	char why[512] = "";

	setup(&cfg, RULES);
	ck_assert_int_eq(saker_daemon_engine(&cfg, &e, NULL, true, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(saker_engine_rule_count(e), 1);
	saker_engine_free(e);
	teardown(&cfg);
}
END_TEST

/*
 * The compile fails (its scratch cannot be allocated) with no rule error:
 * no engine, and why says what failed. It used to hand out an engine that
 * refused every event (saker_engine_process -EINVAL), silently.
 */
START_TEST(test_compile_failure_is_fatal)
{
	struct saker_config cfg;
	struct saker_engine *e = (void *)1;
	char why[512] = "";

	setup(&cfg, RULES);
	fail_size = SAKER_ENGINE_SCRATCH;
	ck_assert_int_eq(saker_daemon_engine(&cfg, &e, NULL, true, why, sizeof(why)), -ENOMEM);
	ck_assert_uint_eq(fail_size, 0);	/* the failure was hit */
	ck_assert_ptr_null(e);
	ck_assert_str_eq(why, "compiling the rules: Cannot allocate memory");
	teardown(&cfg);
}
END_TEST

/* A rule file that could not be taken in (no memory for it): no engine either. */
START_TEST(test_load_failure_is_fatal)
{
	struct saker_config cfg;
	struct saker_engine *e = (void *)1;
	char why[512] = "";

	setup(&cfg, RULES);
	fail_size = strlen(RULES) + 2;	/* the buffer the file is read into */
	ck_assert_int_eq(saker_daemon_engine(&cfg, &e, NULL, true, why, sizeof(why)), -ENOMEM);
	ck_assert_uint_eq(fail_size, 0);
	ck_assert_ptr_null(e);
	/* The first error names the file and the errno. */
	ck_assert_ptr_nonnull(strstr(why, ": Cannot allocate memory"));
	ck_assert_ptr_nonnull(strstr(why, "rules.yaml"));
	teardown(&cfg);
}
END_TEST

/* The daemon state saker_daemon_reload() uses: rules, track, alerts to a file. */
static void daemon_up(struct saker_daemon *d, struct saker_config *cfg)
{
	char why[512];

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	cfg->stdout_enabled = false;
	cfg->file_enabled = true;
	cfg->json_output = true;
	free(cfg->file_path);
	cfg->file_path = strdup(alerts);
	ck_assert_int_eq(saker_daemon_engine(cfg, &d->engine, NULL, true, why, sizeof(why)), 0);
	ck_assert_int_eq(saker_track_init(&d->track, 0, NULL, 0), 0);
	d->pipe.track = &d->track;
	saker_pipeline_set_engine(&d->pipe, d->engine);
	ck_assert_int_eq(saker_alerts_new(&d->alerts, cfg, why, sizeof(why)), 0);
}

static char *daemon_down(struct saker_daemon *d)
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	saker_alerts_flush(d->alerts, 2000);
	saker_alerts_free(d->alerts);
	saker_track_fini(&d->track);
	saker_engine_free(d->engine);
	f = fopen(alerts, "r");
	if (!f)
		return strdup("");
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return strdup("");
	}
	return text;
}

/* A reload whose compile fails keeps the old rules and raises the alert. */
START_TEST(test_reload_failure_keeps_rules)
{
	struct saker_config cfg;
	struct saker_daemon d;
	struct saker_engine *old;
	char *text;

	setup(&cfg, RULES);
	daemon_up(&d, &cfg);
	old = d.engine;
	fail_size = SAKER_ENGINE_SCRATCH;
	saker_daemon_reload(&d);
	ck_assert_uint_eq(fail_size, 0);
	ck_assert_ptr_eq(d.engine, old);
	ck_assert_ptr_eq(d.pipe.engine, old);
	ck_assert_uint_eq(d.reload_failures, 1);
	ck_assert_uint_eq(d.reloads, 0);
	/* then a good reload replaces them */
	saker_daemon_reload(&d);
	ck_assert_ptr_ne(d.engine, old);
	ck_assert_ptr_eq(d.pipe.engine, d.engine);
	ck_assert_uint_eq(d.reloads, 1);
	text = daemon_down(&d);
	ck_assert_msg(strstr(text, "\"rule\":\"saker: rule reload failed\"") &&
		      strstr(text, "\"saker.reason\":\"compiling the rules: Cannot allocate memory\""),
		      "alerts: '%s'", text);
	free(text);
	teardown(&cfg);
}
END_TEST

/* What SIGHUP reads: sakerd.c's rebuild, here a buffer over daemon_up's outputs. */
static const char *next_yaml;

static int rebuild(void *arg, struct saker_config *c, char *err, size_t errlen)
{
	int ret;

	(void)arg;
	ret = saker_config_load_buffer(c, "next.yaml", next_yaml, strlen(next_yaml), err, errlen);
	if (ret)
		return ret;
	c->stdout_enabled = false;
	c->file_enabled = true;
	free(c->file_path);
	c->file_path = strdup(alerts);
	return saker_config_add_rules(c, rules, true);
}

/*
 * SIGHUP reads the configuration again: a broken one is kept out (alert,
 * the rules still reload), keys that can change do, keys that need a
 * restart keep their value, and changed output keys rebuild the outputs.
 */
START_TEST(test_reload_config)
{
	struct saker_alerts *al;
	struct saker_config cfg;
	struct saker_daemon d;
	char *text;

	setup(&cfg, RULES);
	daemon_up(&d, &cfg);
	cfg.rebuild = rebuild;
	next_yaml = "json_output: true\nmerge:\n  window_ms: lots\n";
	saker_daemon_reload(&d);
	ck_assert_uint_eq(d.reload_failures, 1);
	ck_assert_uint_eq(d.reloads, 1);
	ck_assert_uint_eq(cfg.merge_window_ms, 10);

	next_yaml = "json_output: true\npriority: warning\nstats:\n  alert: true\nmerge:\n  window_ms: 99\n";
	al = d.alerts;
	saker_daemon_reload(&d);
	ck_assert_uint_eq(d.reloads, 2);
	ck_assert_int_eq(cfg.priority, SAKER_PRIO_WARNING);
	ck_assert(cfg.stats_alert);
	ck_assert_uint_eq(cfg.merge_window_ms, 10);	/* needs a restart */
	ck_assert_ptr_eq(d.alerts, al);			/* outputs unchanged */
	ck_assert_int_eq(saker_engine_rule(d.engine, 0)->state, SAKER_RULE_BELOW_PRIO);

	next_yaml = "json_output: false\n";
	saker_daemon_reload(&d);
	ck_assert_uint_eq(d.reloads, 3);
	ck_assert_ptr_ne(d.alerts, al);
	ck_assert(!cfg.json_output);
	ck_assert_int_eq(cfg.priority, SAKER_PRIO_DEBUG);

	/* http_output's and the syslog limits' keys are output keys too */
	al = d.alerts;
	next_yaml = "http_output:\n  user_agent: ua/2\nsyslog_output:\n  max_message_size: 4096\n";
	saker_daemon_reload(&d);
	ck_assert_uint_eq(d.reloads, 4);
	ck_assert_ptr_ne(d.alerts, al);
	ck_assert_str_eq(cfg.http_user_agent, "ua/2");
	ck_assert_uint_eq(cfg.syslog_max_len, 4096);
	/* and get the checks at their line: a bad URL keeps the configuration out */
	al = d.alerts;
	next_yaml = "http_output:\n  enabled: true\n  url: ftp://x/\n";
	saker_daemon_reload(&d);
	ck_assert_uint_eq(d.reload_failures, 2);
	ck_assert_uint_eq(d.reloads, 5);
	ck_assert_ptr_eq(d.alerts, al);
	ck_assert(!cfg.http_enabled);
	text = daemon_down(&d);
	ck_assert_msg(strstr(text, "\"rule\":\"saker: configuration reload failed\"") &&
		      strstr(text, "\"saker.reason\":\"next.yaml:3:14: merge.window_ms: expected an integer"),
		      "alerts: '%s'", text);
	/* json_output is false by now: a text line */
	ck_assert_msg(strstr(text, "Critical configuration reload failed, the previous configuration stays active: "
			     "next.yaml:3:8: http_output.url: expected http://... or https://..., got 'ftp://x/'"),
		      "alerts: '%s'", text);
	free(text);
	teardown(&cfg);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, test_engine_ok);
	tcase_add_test(tc, test_compile_failure_is_fatal);
	tcase_add_test(tc, test_load_failure_is_fatal);
	tcase_add_test(tc, test_reload_failure_keeps_rules);
	tcase_add_test(tc, test_reload_config);
	suite_add_tcase(s, tc);
	return s;
}
