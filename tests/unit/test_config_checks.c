// SPDX-License-Identifier: GPL-2.0
/*
 * What `sakerd -n` used to pass and must refuse, each with the file:line:col
 * of the key: ports out of range (70000 was sent to 4464), a host that does
 * not resolve, a file output in a missing directory, a key given twice; and
 * the same for the newer outputs: http_output.url's scheme, port and host,
 * the syslog max_message_size floor, TLS syslog resolved as a stream.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "check_main.h"

static char err[512];

static int load(struct saker_config *c, const char *yaml)
{
	saker_config_defaults(c);
	err[0] = '\0';
	return saker_config_load_buffer(c, "t.yaml", yaml, strlen(yaml), err, sizeof(err));
}

START_TEST(test_ports)
{
	static const char *const bad[] = { "0", "70000", "-1", "65536", "5x", "no-such-service" };
	struct saker_config c;
	char y[128], want[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(y, sizeof(y), "remote_syslog_output:\n  enabled: true\n  port: %s\n", bad[i]);
		ck_assert_int_eq(load(&c, y), -EINVAL);
		snprintf(want, sizeof(want), "t.yaml:3:9: remote_syslog_output.port: expected a port 1..65535 or a service of /etc/services, got '%s'",
			 bad[i]);
		ck_assert_str_eq(err, want);
		saker_config_free(&c);
	}
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  port: 65535\n"), 0);
	ck_assert_str_eq(c.remote_port, "65535");
	saker_config_free(&c);
	saker_config_defaults(&c);
	ck_assert_int_eq(saker_config_set(&c, "remote_syslog_output.port=70000", err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "-o remote_syslog_output.port: expected a port 1..65535"));
	ck_assert_str_eq(c.remote_port, "514");
	saker_config_free(&c);
}
END_TEST

START_TEST(test_duplicate_keys)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "priority: debug\njson_output: true\npriority: error\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:3:1: duplicate key 'priority' (first at line 1)");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\n  filename: /a\n  enabled: false\n"),
			 -EINVAL);
	ck_assert_str_eq(err, "t.yaml:4:3: duplicate key 'file_output.enabled' (first at line 2)");
	saker_config_free(&c);
	/* the same name in two sections is no duplicate */
	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\nsyslog_output:\n  enabled: true\n"), 0);
	saker_config_free(&c);
}
END_TEST

/* The alert file is created at start; its directory must exist already. */
START_TEST(test_file_output_directory)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\n  filename: /nonexistent/dir/a.log\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:3:13: file_output.filename: the directory of /nonexistent/dir/a.log: No such file or directory");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\n  filename: /etc/hostname/a.log\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t.yaml:3:13: file_output.filename: the directory of /etc/hostname/a.log"));
	saker_config_free(&c);
	/* the default filename: the line that enabled the output */
	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\n"), 0);
	ck_assert_int_eq(saker_config_set(&c, "proctable.max_procs=10", err, sizeof(err)), 0);
	if (access("/var/log/saker", F_OK)) {
		ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, "t.yaml:2:12: file_output.enabled: the directory of /var/log/saker/alerts.log: No such file or directory");
	}
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "file_output:\n  enabled: true\n  filename: /tmp/a.log\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	/* off: not checked */
	ck_assert_int_eq(load(&c, "file_output:\n  filename: /nonexistent/a.log\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
}
END_TEST

#define WANT_HOST "t.yaml:3:9: remote_syslog_output.host: 'saker-test.invalid' does not resolve: "

/* -n resolves the host; .invalid never resolves (RFC 6761). */
START_TEST(test_unresolvable_host)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  enabled: true\n  host: saker-test.invalid\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(!strncmp(err, WANT_HOST, strlen(WANT_HOST)), "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "(at a start, sakerd retries it)"));
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  enabled: true\n  host: 127.0.0.1\n"), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	/* disabled: not looked up */
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  host: saker-test.invalid\n"), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
}
END_TEST

/*
 * http_output.url gets the remote syslog's checks: an http(s) URL, a port
 * 1..65535 (in the URL), and -n resolves its host, at the url's line.
 */
START_TEST(test_http_url)
{
	static const char *const bad[][2] = {
		{ "ftp://h/", "expected http://... or https://..., got 'ftp://h/'" },
		{ "sidekick:2801", "expected http://... or https://..., got 'sidekick:2801'" },
		{ "http:///x", "no host in 'http:///x'" },
		{ "http://h:70000/", "port '70000' in 'http://h:70000/': expected 1..65535" },
		{ "http://h:0/", "port '0' in 'http://h:0/': expected 1..65535" },
		{ "https://h:80x/", "port '80x' in 'https://h:80x/': expected 1..65535" },
		{ "http://[::1/", "an unclosed '[' in 'http://[::1/'" },
	};
	static const char *const good[] = {
		"http://127.0.0.1:2801/", "HTTPS://localhost", "http://u:p@127.0.0.1:8080/a?b",
		"http://[::1]:2801/", "http://localhost:/",
	};
	struct saker_config c;
	char y[160], want[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(y, sizeof(y), "http_output:\n  enabled: true\n  url: \"%s\"\n", bad[i][0]);
		ck_assert_int_eq(load(&c, y), 0);
		ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "t.yaml:3:8: http_output.url: %s", bad[i][1]);
		ck_assert_str_eq(err, want);
		saker_config_free(&c);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(y, sizeof(y), "http_output:\n  enabled: true\n  url: \"%s\"\n", good[i]);
		ck_assert_int_eq(load(&c, y), 0);
		ck_assert_msg(saker_config_check(&c, err, sizeof(err)) == 0, "%s: %s", good[i], err);
		ck_assert_msg(saker_config_check_host(&c, err, sizeof(err)) == 0, "%s: %s", good[i], err);
		saker_config_free(&c);
	}
	/* disabled: not checked */
	ck_assert_int_eq(load(&c, "http_output:\n  url: ftp://h/\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	/* enabled without a URL: at the line that enabled it */
	ck_assert_int_eq(load(&c, "http_output:\n  enabled: true\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:12: http_output.enabled: needs http_output.url");
	saker_config_free(&c);
	/* -n: the host resolves, or the url's line says it does not */
	ck_assert_int_eq(load(&c, "http_output:\n  enabled: true\n  url: https://saker-test.invalid:2801/\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(!strncmp(err, "t.yaml:3:8: http_output.url: host 'saker-test.invalid' does not resolve: ",
			       strlen("t.yaml:3:8: http_output.url: host 'saker-test.invalid' does not resolve: ")),
		      "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "(at a start, sakerd retries it)"));
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "http_output:\n  url: https://saker-test.invalid/\n"), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	/* mtls needs both files */
	ck_assert_int_eq(load(&c, "http_output:\n  enabled: true\n  url: http://127.0.0.1/\n"
			      "  mtls: true\n  client_key: \"\"\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:4:9: http_output.mtls: needs http_output.client_cert and http_output.client_key");
	saker_config_free(&c);
	/* a typo inside the section is an error, not a Falco key ignored */
	ck_assert_int_eq(load(&c, "http_output:\n  ulr: http://h/\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:3: unknown key 'http_output.ulr' (did you mean 'http_output.url'?)");
	saker_config_free(&c);
}
END_TEST

/* The syslog limits and TLS get the remote syslog's checks, at their line. */
START_TEST(test_syslog_limits_tls)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "syslog_output:\n  max_message_size: 479\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:21: syslog_output.max_message_size: at least 480 bytes, got 479");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  max_message_size: 100\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:21: remote_syslog_output.max_message_size: at least 480 bytes, got 100");
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  max_message_size: 480\n"), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	/* tls is a stream: resolved as TCP is; the port checked as for udp and tcp */
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  enabled: true\n  protocol: tls\n"
			      "  host: saker-test.invalid\n  port: 6514\n"), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(!strncmp(err, "t.yaml:4:9: remote_syslog_output.host: 'saker-test.invalid' does not resolve: ",
			       strlen("t.yaml:4:9: remote_syslog_output.host: 'saker-test.invalid' does not resolve: ")),
		      "%s", err);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  enabled: true\n  protocol: tls\n"
			      "  host: 127.0.0.1\n  port: 6514\n"), 0);
	ck_assert_int_eq(saker_config_check_host(&c, err, sizeof(err)), 0);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  protocol: tls\n  port: 70000\n"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t.yaml:3:9: remote_syslog_output.port: expected a port 1..65535"));
	saker_config_free(&c);
}
END_TEST

/* Where each key was set: the file's line, "-o", or nothing for a default. */
START_TEST(test_origins)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "\nmerge:\n  window_ms: 5\nrules_files: [/a]\n"), 0);
	ck_assert_str_eq(saker_config_origin(&c, "merge.window_ms"), "t.yaml:3:14");
	ck_assert_str_eq(saker_config_origin(&c, "rules_files"), "t.yaml:4:14");
	ck_assert_ptr_null(saker_config_origin(&c, "priority"));
	ck_assert_int_eq(saker_config_set(&c, "merge.window_ms=7", err, sizeof(err)), 0);
	ck_assert_str_eq(saker_config_origin(&c, "merge.window_ms"), "-o");
	ck_assert_int_eq(saker_config_set(&c, "rules_files=", err, sizeof(err)), 0);
	ck_assert_int_eq(saker_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "-o: rules_files: no rule file given");
	saker_config_free(&c);
}
END_TEST

/* Each syslog output has its facility: the local one Falco's user by default. */
START_TEST(test_facilities)
{
	struct saker_config c;

	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  facility: local3\n"), 0);
	ck_assert_int_eq(c.facility, 19);
	ck_assert_int_eq(c.syslog_facility, 1);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "syslog_output:\n  enabled: true\n  facility: local5\n"), 0);
	ck_assert_int_eq(c.syslog_facility, 21);
	ck_assert_int_eq(c.facility, 16);
	saker_config_free(&c);
	ck_assert_int_eq(load(&c, "syslog_output:\n  facility: kern\n"), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:2:13: syslog_output.facility: kern is the kernel's facility; use user or local0..local7");
	saker_config_free(&c);
	/* app_name is no key (outputs.md used to say it was) */
	ck_assert_int_eq(load(&c, "remote_syslog_output:\n  app_name: x\n"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown key 'remote_syslog_output.app_name'"));
	saker_config_free(&c);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("config_checks");
	TCase *tc = tcase_create("config_checks");

	tcase_add_test(tc, test_ports);
	tcase_add_test(tc, test_duplicate_keys);
	tcase_add_test(tc, test_file_output_directory);
	tcase_add_test(tc, test_unresolvable_host);
	tcase_add_test(tc, test_http_url);
	tcase_add_test(tc, test_syslog_limits_tls);
	tcase_add_test(tc, test_origins);
	tcase_add_test(tc, test_facilities);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
