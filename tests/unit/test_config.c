// SPDX-License-Identifier: GPL-2.0
/* saker.yaml: defaults, every key, unknown keys and type errors with
 * file:line:col, -o overrides, cross-key checks, the shipped file. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "check_main.h"

#ifndef SAKER_TOP
#define SAKER_TOP "."
#endif

static char err[512];

static int load(struct saker_config *c, const char *yaml)
{
	saker_config_defaults(c);
	err[0] = '\0';
	return saker_config_load_buffer(c, "t.yaml", yaml, strlen(yaml), err, sizeof(err));
}

START_TEST(test_defaults)
{
	struct saker_config c;

	saker_config_defaults(&c);
	ck_assert_uint_eq(c.nrules, 2);
	ck_assert_str_eq(c.rules_files[0], "/etc/saker/saker_rules.yaml");
	ck_assert_str_eq(c.rules_files[1], "/etc/saker/rules.d");
	ck_assert_int_eq(c.rule_matching, SAKER_MATCH_FIRST);
	ck_assert_int_eq(c.priority, SAKER_PRIO_DEBUG);
	ck_assert(!c.json_output && c.json_include_output && c.json_include_tags);
	ck_assert(c.stdout_enabled && !c.file_enabled && !c.syslog_enabled);
	ck_assert(!c.remote_enabled && !c.program_enabled);
	ck_assert_str_eq(c.device, "/dev/saker");
	ck_assert_str_eq(c.remote_port, "514");
	ck_assert_int_eq(c.facility, 16);
	ck_assert_uint_eq(c.merge_window_ms, 10);
	ck_assert_uint_eq(c.stats_interval_s, 60);
	ck_assert_uint_eq(c.max_procs, 65536);
	ck_assert_str_eq(c.proc_root, "/proc");
	ck_assert_str_eq(c.containerd_root, "/run/containerd/io.containerd.runtime.v2.task");
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	/* an empty file keeps every default */
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, ""), 0);
	ck_assert_uint_eq(c.nrules, 2);
	saker_config_free(&c);
}
END_TEST

START_TEST(test_every_key)
{
	static const char yaml[] =
		"rules_files:\n  - /a.yaml\n  - /rules.d\n"
		"rule_matching: all\npriority: warning\njson_output: true\n"
		"json_include_output_property: false\njson_include_tags_property: no\n"
		"stdout_output:\n  enabled: false\n"
		"file_output:\n  enabled: true\n  filename: /var/log/x.log\n"
		"syslog_output:\n  enabled: true\n"
		"remote_syslog_output:\n  enabled: true\n  host: logs.example\n  port: 6514\n"
		"  protocol: tcp\n  facility: local3\n"
		"program_output:\n  enabled: true\n  program: \"jq -c .\"\n"
		"outputs_queue:\n  capacity: 100\nhostname: node1\ndevice: /dev/x\n"
		"merge:\n  window_ms: 25\n  max_pending: 1000\n"
		"proctable:\n  max_procs: 5000\n  proc_root: /fake/proc\n"
		"containers:\n  state_roots:\n    containerd: /c1\n    docker: /c2\n"
		"    crio: /c3\n    podman: /c4\n  cache_ttl_s: 7\n  negative_ttl_s: 2\n"
		"stats:\n  interval_s: 0\n  alert: true\n";
	struct saker_config c;

	ck_assert_msg(load(&c, yaml) == 0, "%s", err);
	ck_assert_uint_eq(c.nrules, 2);
	ck_assert_str_eq(c.rules_files[1], "/rules.d");
	ck_assert_int_eq(c.rule_matching, SAKER_MATCH_ALL);
	ck_assert_int_eq(c.priority, SAKER_PRIO_WARNING);
	ck_assert(c.json_output && !c.json_include_output && !c.json_include_tags);
	ck_assert(!c.stdout_enabled && c.file_enabled && c.syslog_enabled);
	ck_assert_str_eq(c.file_path, "/var/log/x.log");
	ck_assert(c.remote_enabled);
	ck_assert_str_eq(c.remote_host, "logs.example");
	ck_assert_str_eq(c.remote_port, "6514");
	ck_assert_int_eq(c.remote_proto, SAKER_CFG_TCP);
	ck_assert_int_eq(c.facility, 19);
	ck_assert(c.program_enabled);
	ck_assert_str_eq(c.program, "jq -c .");
	ck_assert_uint_eq(c.queue_capacity, 100);
	ck_assert_str_eq(c.hostname, "node1");
	ck_assert_str_eq(c.device, "/dev/x");
	ck_assert_uint_eq(c.merge_window_ms, 25);
	ck_assert_uint_eq(c.merge_max_pending, 1000);
	ck_assert_uint_eq(c.max_procs, 5000);
	ck_assert_str_eq(c.proc_root, "/fake/proc");
	ck_assert_str_eq(c.containerd_root, "/c1");
	ck_assert_str_eq(c.docker_root, "/c2");
	ck_assert_str_eq(c.crio_root, "/c3");
	ck_assert_str_eq(c.podman_root, "/c4");
	ck_assert_uint_eq(c.containers_ttl_s, 7);
	ck_assert_uint_eq(c.containers_negative_ttl_s, 2);
	ck_assert_uint_eq(c.stats_interval_s, 0);
	ck_assert(c.stats_alert);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
}
END_TEST

/* The delivery keys added for issue 12, Falco's spellings. */
START_TEST(test_output_keys)
{
	static const char yaml[] =
		"http_output:\n  enabled: true\n  url: https://sidekick:2801/\n"
		"  user_agent: ua/1\n  insecure: true\n  ca_cert: /ca.pem\n"
		"  ca_bundle: /bundle.pem\n  ca_path: /cas/\n  mtls: true\n"
		"  client_cert: /c.crt\n  client_key: /c.key\n  echo: true\n"
		"  compress_uploads: true\n  keep_alive: true\n"
		"program_output:\n  keep_alive: true\n"
		"syslog_output:\n  max_message_size: 2048\n"
		"remote_syslog_output:\n  protocol: TLS\n  ca_file: /ca.pem\n"
		"  max_message_size: 65536\n"
		"  server_name: logs.example\n  client_cert: /c.pem\n  client_key: /k.pem\n";
	struct saker_config c;

	saker_config_defaults(&c);
	/* Falco's default: a run per alert. */
	ck_assert(!c.program_keep_alive);
	/* rsyslog's default limit. */
	ck_assert_uint_eq(c.syslog_max_len, 8192);
	ck_assert_uint_eq(c.remote_max_len, 8192);
	saker_config_free(&c);
	ck_assert_msg(load(&c, yaml) == 0, "%s", err);
	ck_assert(c.program_keep_alive);
	ck_assert_int_eq(c.remote_proto, SAKER_CFG_TLS);
	ck_assert_str_eq(c.remote_ca_file, "/ca.pem");
	ck_assert_str_eq(c.remote_server_name, "logs.example");
	ck_assert_str_eq(c.remote_client_cert, "/c.pem");
	ck_assert_str_eq(c.remote_client_key, "/k.pem");
	ck_assert_uint_eq(c.syslog_max_len, 2048);
	ck_assert_uint_eq(c.remote_max_len, 65536);
	ck_assert(c.http_enabled && c.http_insecure && c.http_mtls);
	ck_assert(c.http_echo && c.http_compress && c.http_keep_alive);
	ck_assert_str_eq(c.http_url, "https://sidekick:2801/");
	ck_assert_str_eq(c.http_user_agent, "ua/1");
	ck_assert_str_eq(c.http_ca_cert, "/ca.pem");
	ck_assert_str_eq(c.http_ca_bundle, "/bundle.pem");
	ck_assert_str_eq(c.http_ca_path, "/cas/");
	ck_assert_str_eq(c.http_client_cert, "/c.crt");
	ck_assert_str_eq(c.http_client_key, "/c.key");
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	/* A limit no record header fits in: refused by name. */
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  max_message_size: 100\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "remote_syslog_output.max_message_size"));
	saker_config_free(&c);
	/* Enabled without a URL: refused by name. */
	ck_assert_int_eq(load(&c, "http_output:\n  enabled: true\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "http_output.url"));
	saker_config_free(&c);
}
END_TEST

START_TEST(test_unknown_key_position)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "priority: debug\nfile_output:\n  enabled: true\n  fliename: x\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:4:3: unknown key 'file_output.fliename' (did you mean 'file_output.filename'?)");
	saker_config_free(&c);
	/* far from every key: ignored, with a warning where it is (test_config_dropins) */
	ck_assert_int_eq(load(&c, "\n\nbogus: 1\n"), 0);
	ck_assert_uint_eq(c.nwarnings, 1);
	ck_assert_str_eq(c.warnings[0], "t.yaml:3:1: unknown key 'bogus' (neither saker's nor Falco's): ignored");
	saker_config_free(&c);
}
END_TEST

START_TEST(test_type_errors)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "json_output: maybe\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:14: json_output: invalid value 'maybe' (expected true or false)");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "stats:\n  interval_s: -1\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:15: stats.interval_s: expected an integer 0..86400, got '-1'");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "rule_matching: some\n"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "first or all"));
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "priority: loud\n"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t.yaml:1:11:"));
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "stdout_output: true\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:16: 'stdout_output' must be a mapping");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "device: [a, b]\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:9: 'device' must be a single value");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "rules_files:\n  - {a: 1}\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:5: 'rules_files' items must be strings");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  protocol: sctp\n"), -EINVAL);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  facility: 24\n"), -EINVAL);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "- a\n- b\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:1: the configuration must be a mapping of keys");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "priority: [\n"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t.yaml:2:"));
	saker_config_free(&c);
}
END_TEST

START_TEST(test_overrides)
{
	struct saker_config c;

	saker_config_defaults(&c);
	ck_assert_int_eq(saker_config_set(&c, "stdout_output.enabled=false", err, sizeof(err)), 0);
	ck_assert(!c.stdout_enabled);
	ck_assert_int_eq(saker_config_set(&c, "rules_files=/x,/y,/z", err, sizeof(err)), 0);
	ck_assert_uint_eq(c.nrules, 3);
	ck_assert_str_eq(c.rules_files[2], "/z");
	ck_assert_int_eq(saker_config_set(&c, "remote_syslog_output.facility=3", err, sizeof(err)), 0);
	ck_assert_int_eq(c.facility, 3);
	ck_assert_int_eq(saker_config_set(&c, "nope=1", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "-o nope=1: unknown key 'nope'");
	ck_assert_int_eq(saker_config_set(&c, "merge.window_ms=x", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(saker_config_set(&c, "json_output", err, sizeof(err)), -EINVAL);
	/* -r: the first replaces the list, the next ones add */
	ck_assert_int_eq(saker_config_add_rules(&c, "/r1", true), 0);
	ck_assert_int_eq(saker_config_add_rules(&c, "/r2", false), 0);
	ck_assert_uint_eq(c.nrules, 2);
	ck_assert_str_eq(c.rules_files[0], "/r1");
	saker_config_free(&c);
}
END_TEST

START_TEST(test_checks)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\n  filename: \"\"\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:12: file_output.enabled: needs file_output.filename");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  enabled: true\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "rules_files: []\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	saker_config_free(&c);
}
END_TEST

/* The shipped config/saker.yaml parses and equals the defaults it documents. */
START_TEST(test_shipped_file)
{
	struct saker_config c, d;

	saker_config_defaults(&c);
	saker_config_defaults(&d);
	ck_assert_msg(saker_config_load(&c, SAKER_TOP "/config/saker.yaml", err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(c.nrules, d.nrules);
	ck_assert_int_eq(c.stdout_enabled, d.stdout_enabled);
	ck_assert_int_eq(c.file_enabled, d.file_enabled);
	ck_assert_str_eq(c.file_path, d.file_path);
	ck_assert_uint_eq(c.stats_interval_s, d.stats_interval_s);
	ck_assert_uint_eq(c.merge_window_ms, d.merge_window_ms);
	ck_assert_str_eq(c.docker_root, d.docker_root);
	ck_assert_int_eq(c.log_level, d.log_level);
	ck_assert_int_eq(c.log_stderr, d.log_stderr);
	ck_assert_int_eq(c.log_syslog, d.log_syslog);
	ck_assert_int_eq(c.http_enabled, d.http_enabled);
	ck_assert_str_eq(c.http_user_agent, d.http_user_agent);
	ck_assert_str_eq(c.http_ca_path, d.http_ca_path);
	ck_assert_str_eq(c.http_client_key, d.http_client_key);
	ck_assert_int_eq(c.http_keep_alive, d.http_keep_alive);
	ck_assert_uint_eq(c.nwarnings, 0);
	saker_config_free(&c);
	saker_config_free(&d);
}
END_TEST

/*
 * A FIFO without a writer, a device or a directory given as the
 * configuration: refused at once with "PATH: not a regular file", never a
 * blocked open (sakerd -c FIFO used to hang with no message).
 */
START_TEST(test_not_regular_file)
{
	char dir[] = "/tmp/saker-config-XXXXXX", fifo[64];
	struct saker_config c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/saker.yaml", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	saker_config_defaults(&c);
	ck_assert_int_eq(saker_config_load(&c, fifo, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "/saker.yaml: not a regular file"));
	ck_assert_int_eq(saker_config_load(&c, "/dev/null", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "/dev/null: not a regular file");
	ck_assert_int_eq(saker_config_load(&c, dir, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, ": not a regular file"));
	ck_assert_int_eq(saker_config_load(&c, "/nonexistent/saker.yaml", err, sizeof(err)),
			 -ENOENT);
	ck_assert_str_eq(err, "/nonexistent/saker.yaml: No such file or directory");
	/* nothing was applied */
	ck_assert_uint_eq(c.nrules, 2);
	saker_config_free(&c);
	unlink(fifo);
	rmdir(dir);
}
END_TEST

/* "key: " and n opening brackets (open, "[" or "{a: "), closed again when close. */
static char *nested(const char *key, const char *open, const char *close, size_t n)
{
	size_t kl = strlen(key), ol = strlen(open), cl = close ? strlen(close) : 0;
	char *s = malloc(kl + n * (ol + cl) + 2), *p = s;
	size_t i;

	ck_assert_ptr_nonnull(s);
	memcpy(p, key, kl);
	p += kl;
	for (i = 0; i < n; i++, p += ol)
		memcpy(p, open, ol);
	for (i = 0; i < n && close; i++, p += cl)
		memcpy(p, close, cl);
	*p++ = '\n';
	*p = '\0';
	return s;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Nesting is limited to 64 levels, as in the rule loader, with the
 * position of the first node too deep; 100k levels fail at once (they took
 * 37 s in libyaml's document loader, superlinear).
 */
START_TEST(test_nesting_depth)
{
	struct saker_config c;
	double t0;
	char *y;

	y = nested("priority: ", "[", "]", 64);
	ck_assert_int_eq(load(&c, y), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:11: 'priority' must be a single value");
	saker_config_free(&c);
	free(y);
	y = nested("priority: ", "[", "]", 65);
	ck_assert_int_eq(load(&c, y), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:75: YAML nesting too deep (more than 64 levels)");
	saker_config_free(&c);
	free(y);

	y = nested("priority: ", "[", NULL, 100000);
	t0 = now_s();
	ck_assert_int_eq(load(&c, y), -EINVAL);
	ck_assert_msg(now_s() - t0 < 1.0, "took %.2f s", now_s() - t0);
	ck_assert_str_eq(err, "t.yaml:1:75: YAML nesting too deep (more than 64 levels)");
	saker_config_free(&c);
	free(y);
	y = nested("stats: ", "{a: ", NULL, 100000);
	t0 = now_s();
	ck_assert_int_eq(load(&c, y), -EINVAL);
	ck_assert_msg(now_s() - t0 < 1.0, "took %.2f s", now_s() - t0);
	ck_assert_str_eq(err, "t.yaml:1:261: YAML nesting too deep (more than 64 levels)");
	saker_config_free(&c);
	free(y);
}
END_TEST

/* A NUL byte or bad UTF-8 is reported where it is (the reader gives an offset). */
START_TEST(test_read_error_position)
{
	static const char nul[] = "json_output: true\npriority: war\0ning\n";
	static const char crlf[] = "json_output: true\r\n\r\nhostname: \"h\xc3\xa9\xc3\"\r\n";
	struct saker_config c;

	saker_config_defaults(&c);
	ck_assert_int_eq(saker_config_load_buffer(&c, "t.yaml", nul, sizeof(nul) - 1, err,
						  sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:14: control characters are not allowed (byte 0x00)");
	ck_assert_int_eq(saker_config_load_buffer(&c, "t.yaml", crlf, sizeof(crlf) - 1, err,
						  sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:3:15: invalid trailing UTF-8 octet (byte 0x22)");
	saker_config_free(&c);
}
END_TEST

/* webserver.*: off and local by default (Falco's names and port), each key read. */
START_TEST(test_webserver_keys)
{
	struct saker_config c;

	saker_config_defaults(&c);
	ck_assert(!c.web_enabled && c.web_metrics);
	ck_assert_str_eq(c.web_address, "127.0.0.1");
	ck_assert_uint_eq(c.web_port, 8765);
	ck_assert_str_eq(c.web_healthz, "/healthz");
	saker_config_free(&c);
	ck_assert_msg(load(&c, "webserver:\n  enabled: true\n  listen_address: \"::1\"\n"
			  "  listen_port: 9100\n  k8s_healthz_endpoint: /health\n"
			  "  prometheus_metrics_enabled: false\n") == 0, "%s", err);
	ck_assert(c.web_enabled && !c.web_metrics);
	ck_assert_str_eq(c.web_address, "::1");
	ck_assert_uint_eq(c.web_port, 9100);
	ck_assert_str_eq(c.web_healthz, "/health");
	ck_assert_int_eq(saker_config_set(&c, "webserver.listen_port=0", err, sizeof(err)), 0);
	ck_assert_uint_eq(c.web_port, 0);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "webserver:\n  listen_port: 65536\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:16: webserver.listen_port: expected an integer 0..65535, got '65536'");
	saker_config_free(&c);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_output_keys);
	tcase_add_test(tc, test_unknown_key_position);
	tcase_add_test(tc, test_type_errors);
	tcase_add_test(tc, test_overrides);
	tcase_add_test(tc, test_checks);
	tcase_add_test(tc, test_shipped_file);
	tcase_add_test(tc, test_webserver_keys);
	tcase_add_test(tc, test_not_regular_file);
	tcase_add_test(tc, test_nesting_depth);
	tcase_add_test(tc, test_read_error_position);
	suite_add_tcase(s, tc);
	return s;
}
