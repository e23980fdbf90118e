// SPDX-License-Identifier: GPL-2.0
/*
 * A falco.yaml loads with warnings only (one per key saker lacks, at its
 * line); typos in keys saker reads stay errors; config_files drop-ins load
 * in order as in Falco (files, directories, strategies), and their errors
 * and warnings name the drop-in's own file:line.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/config.h"
#include "check_main.h"

#ifndef SAKER_TOP
#define SAKER_TOP "."
#endif

static char err[512], dir[64];

static int load(struct saker_config *c, const char *yaml)
{
	saker_config_defaults(c);
	err[0] = '\0';
	return saker_config_load_buffer(c, "t.yaml", yaml, strlen(yaml), err, sizeof(err));
}

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	char sub[128];

	snprintf(dir, sizeof(dir), "/tmp/saker-dropins-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/config.d", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Warnings that contain what, in order. */
static size_t count_warnings(const struct saker_config *c, const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < c->nwarnings; i++)
		n += strstr(c->warnings[i], what) != NULL;
	return n;
}

START_TEST(test_falco_yaml)
{
	static const char *const ignored[] = {
		"watch_config_files", "append_output", "static_fields", "engine", "load_plugins",
		"plugins", "time_format_iso_8601", "buffer_format_base64",
		"json_include_message_property", "json_include_output_fields_property",
		"buffered_outputs", "outputs", "file_output.keep_alive", "grpc_output", "grpc",
		"webserver.threadiness", "webserver.ssl_enabled", "webserver.ssl_certificate",
		"libs_logger",
		"output_timeout", "syscall_event_timeouts", "syscall_event_drops", "metrics",
		"base_syscalls", "falco_libs",
	};
	const char *path = SAKER_TOP "/tests/config/falco.yaml";
	struct saker_config c;
	char want[256];
	size_t i;

	saker_config_defaults(&c);
	ck_assert_msg(saker_config_load(&c, path, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		snprintf(want, sizeof(want), ": '%s' is a Falco key saker does not implement: ignored",
			 ignored[i]);
		ck_assert_msg(count_warnings(&c, want) == 1, "no warning for %s", ignored[i]);
	}
	/* the line of the key, the section's once for a whole section */
	ck_assert_uint_eq(count_warnings(&c, "falco.yaml:9:1: 'watch_config_files'"), 1);
	ck_assert_uint_eq(count_warnings(&c, "falco.yaml:45:1: 'plugins'"), 1);
	ck_assert_uint_eq(count_warnings(&c, "falco.yaml:78:3: 'file_output.keep_alive'"), 1);
	/* Falco's config.d is not on this host: skipped, said */
	ck_assert_uint_eq(count_warnings(&c, "falco.yaml:7:5: config_files: /etc/falco/config.d: No such file or directory: skipped"),
			  access("/etc/falco/config.d", F_OK) ? 1 : 0);
	ck_assert_uint_ge(c.nwarnings, sizeof(ignored) / sizeof(ignored[0]));
	/* what saker shares with Falco is taken */
	ck_assert_uint_eq(c.nrules, 3);
	ck_assert_str_eq(c.rules_files[2], "/etc/falco/rules.d");
	ck_assert(c.syslog_enabled && c.stdout_enabled && !c.file_enabled);
	ck_assert_str_eq(c.file_path, "./events.txt");
	/* so are http_output and program_output.keep_alive (no warning) */
	ck_assert_uint_eq(count_warnings(&c, "'http_output"), 0);
	ck_assert_uint_eq(count_warnings(&c, "'program_output"), 0);
	ck_assert(!c.http_enabled && !c.http_keep_alive && !c.program_keep_alive);
	ck_assert_str_eq(c.http_url, "http://some.url");
	ck_assert_str_eq(c.http_user_agent, "falcosecurity/falco");
	ck_assert_str_eq(c.http_ca_path, "/etc/falco/certs/");
	ck_assert_str_eq(c.http_client_key, "/etc/falco/certs/client/client.key");
	/* Falco's logging keys are saker's too */
	ck_assert_uint_eq(count_warnings(&c, "'log_"), 0);
	ck_assert(c.log_stderr && c.log_syslog);
	ck_assert_int_eq(c.log_level, SAKER_PRIO_INFORMATIONAL);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
}
END_TEST

/* Near a key saker has, or inside a section saker has: an error, with a hint. */
START_TEST(test_typos_are_errors)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "priorty: debug\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:1: unknown key 'priorty' (did you mean 'priority'?)");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "json_ouptut: true\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:1: unknown key 'json_ouptut' (did you mean 'json_output'?)");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "stdout_outptu:\n  enabled: false\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:1: unknown key 'stdout_outptu' (did you mean 'stdout_output'?)");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "merge:\n  window: 5\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:3: unknown key 'merge.window' (merge has: window_ms, max_pending)");
	saker_config_free(&c);
	/* a typo of a Falco key is caught too */
	ck_assert_int_eq(load(&c, "webservr:\n  enabled: true\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:1: unknown key 'webservr' (did you mean 'webserver'?)");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "log_level: debug\nlog_stderr: false\n"), 0);
	ck_assert_int_eq(c.log_level, SAKER_PRIO_DEBUG);
	ck_assert(!c.log_stderr && !c.log_syslog);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "log_level: chatty\n"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t.yaml:1:12: log_level: invalid value 'chatty'"));
	saker_config_free(&c);
	/* Falco's old name of rules_files */
	ck_assert_int_eq(load(&c, "rules_file: [/x.yaml]\n"), 0);
	ck_assert_uint_eq(c.nrules, 1);
	ck_assert_str_eq(c.rules_files[0], "/x.yaml");
	saker_config_free(&c);
}
END_TEST

/* Files and directories in order, later keys override; -o still wins after. */
START_TEST(test_dropins_order)
{
	struct saker_config c;
	char main_yaml[512];

	put("config.d/20-b.yaml", "merge:\n  window_ms: 20\nstats:\n  interval_s: 5\n");
	put("config.d/10-a.yaml", "merge:\n  window_ms: 10\n  max_pending: 99\n");
	put("config.d/30-c.txt", "not: loaded\n");
	put("last.yaml", "stats:\n  interval_s: 7\n");
	snprintf(main_yaml, sizeof(main_yaml),
		 "config_files:\n  - %s/config.d\n  - %s/last.yaml\nmerge:\n  window_ms: 1\npriority: error\n",
		 dir, dir);
	put("saker.yaml", main_yaml);
	snprintf(main_yaml, sizeof(main_yaml), "%s/saker.yaml", dir);
	saker_config_defaults(&c);
	ck_assert_msg(saker_config_load(&c, main_yaml, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.merge_window_ms, 20);
	ck_assert_uint_eq(c.merge_max_pending, 99);
	ck_assert_uint_eq(c.stats_interval_s, 7);
	ck_assert_int_eq(c.priority, SAKER_PRIO_ERROR);
	ck_assert_uint_eq(c.nloaded, 4);
	ck_assert_ptr_nonnull(strstr(c.loaded[0], "/saker.yaml"));
	ck_assert_ptr_nonnull(strstr(c.loaded[1], "/config.d/10-a.yaml"));
	ck_assert_ptr_nonnull(strstr(c.loaded[2], "/config.d/20-b.yaml"));
	ck_assert_ptr_nonnull(strstr(c.loaded[3], "/last.yaml"));
	ck_assert_ptr_nonnull(strstr(saker_config_origin(&c, "merge.window_ms"), "/20-b.yaml:2:14"));
	ck_assert_int_eq(saker_config_set(&c, "merge.window_ms=3", err, sizeof(err)), 0);
	ck_assert_uint_eq(c.merge_window_ms, 3);
	ck_assert_uint_eq(c.nwarnings, 0);
	saker_config_free(&c);
}
END_TEST

/* Falco 0.39's {path, strategy}: override, append (lists grow), add-only. */
START_TEST(test_dropin_strategies)
{
	struct saker_config c;
	char y[1024];

	put("app.yaml", "rules_files: [/b.yaml]\npriority: warning\n");
	put("add.yaml", "priority: error\njson_output: true\n");
	snprintf(y, sizeof(y),
		 "rules_files: [/a.yaml]\npriority: notice\nconfig_files:\n"
		 "  - path: %s/app.yaml\n    strategy: append\n"
		 "  - {path: %s/add.yaml, strategy: add-only}\n", dir, dir);
	ck_assert_msg(load(&c, y) == 0, "%s", err);
	ck_assert_uint_eq(c.nrules, 2);
	ck_assert_str_eq(c.rules_files[0], "/a.yaml");
	ck_assert_str_eq(c.rules_files[1], "/b.yaml");
	/* append replaces scalars; add-only takes only what nothing set */
	ck_assert_int_eq(c.priority, SAKER_PRIO_WARNING);
	ck_assert(c.json_output);
	saker_config_free(&c);
	snprintf(y, sizeof(y), "config_files:\n  - path: %s/app.yaml\n    strategy: merge\n", dir);
	ck_assert_int_eq(load(&c, y), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:3:15: config_files: strategy 'merge' (override, append or add-only)");
	saker_config_free(&c);
}
END_TEST

/* A drop-in's errors and warnings are at its own file:line. */
START_TEST(test_dropin_errors)
{
	struct saker_config c;
	char y[512], want[256];

	put("bad.yaml", "\nmerge:\n  window_ms: lots\n");
	put("warn.yaml", "grpc:\n  enabled: true\nconfig_files: [/x]\n");
	snprintf(y, sizeof(y), "config_files: [%s/warn.yaml, %s/missing.yaml]\n", dir, dir);
	ck_assert_msg(load(&c, y) == 0, "%s", err);
	ck_assert_uint_eq(c.nwarnings, 3);
	snprintf(want, sizeof(want), "%s/warn.yaml:1:1: 'grpc' is a Falco key", dir);
	ck_assert_uint_eq(count_warnings(&c, want), 1);
	snprintf(want, sizeof(want), "%s/warn.yaml:3:1: config_files in a file of config_files: ignored", dir);
	ck_assert_uint_eq(count_warnings(&c, want), 1);
	snprintf(want, sizeof(want), "t.yaml:1:%zu: config_files: %s/missing.yaml: No such file or directory: skipped",
		 strlen(dir) + 28, dir);
	ck_assert_msg(count_warnings(&c, want) == 1, "%s", c.warnings[2]);
	saker_config_free(&c);
	snprintf(y, sizeof(y), "config_files: %s/bad.yaml\n", dir);
	ck_assert_int_eq(load(&c, y), -EINVAL);
	snprintf(want, sizeof(want), "%s/bad.yaml:3:14: merge.window_ms: expected an integer 0..10000, got 'lots'", dir);
	ck_assert_str_eq(err, want);
	saker_config_free(&c);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("config_dropins");
	TCase *tc = tcase_create("config_dropins");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_falco_yaml);
	tcase_add_test(tc, test_typos_are_errors);
	tcase_add_test(tc, test_dropins_order);
	tcase_add_test(tc, test_dropin_strategies);
	tcase_add_test(tc, test_dropin_errors);
	suite_add_tcase(s, tc);
	return s;
}
