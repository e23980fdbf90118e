// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd --replay through the configured outputs, end to end without the
 * module: the golden events replayed by the built sakerd with file, program
 * (once per alert), HTTP and remote syslog (TCP) outputs enabled reach
 * receivers in this process, each alert once on every output, and the
 * closing report names each output's counts. Also: an HTTP receiver that
 * is down makes the replay neither hang nor lie (the drops are reported).
 */
#include <dirent.h>
#include <sys/wait.h>

#include "outputs_testlib.h"
#include "http_testlib.h"
#include "check_main.h"

#ifndef SAKER_SAKERD
#define SAKER_SAKERD "build/sakerd"
#endif

/* The golden events give this many alerts with the shipped rules. */
#define GOLDEN_ALERTS 8

static char logpath[128];

/* Runs sakerd --replay with cfg; its exit status, stderr in logpath. */
static int run_replay(const char *cfg)
{
	char cmd[1024];
	int st;

	tmp_path(logpath, sizeof(logpath), "sakerd.log");
	snprintf(cmd, sizeof(cmd), "%s -q -c '%s' -r " SAKER_TOP "/rules/saker_rules.yaml"
		 " --replay " SAKER_TOP "/tests/rules/golden_events.jsonl >/dev/null 2>'%s'",
		 SAKER_SAKERD, cfg, logpath);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static size_t count_runs(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char p[400];

		if (strncmp(e->d_name, "run.", 4))
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
		ck_assert_uint_eq(count_lines(p), 1);
		n++;
	}
	closedir(d);
	return n;
}

static void rm_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(replay_reaches_every_output)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	char cfg[128], alerts[128], yaml[2048], *log;
	struct http_rx h;
	struct rx r;

	make_tmpdir();
	http_rx_start(&h, 0, 200);
	rx_start(&r, true, 0, &m, 0, true);
	tmp_path(cfg, sizeof(cfg), "saker.yaml");
	tmp_path(alerts, sizeof(alerts), "alerts.log");
	snprintf(yaml, sizeof(yaml),
		 "json_output: true\n"
		 "stdout_output:\n  enabled: false\n"
		 "file_output:\n  enabled: true\n  filename: %s\n"
		 "program_output:\n  enabled: true\n"
		 "  program: \"cat > \\\"$(mktemp %s/run.XXXXXX)\\\"\"\n"
		 "http_output:\n  enabled: true\n  url: http://127.0.0.1:%d/\n"
		 "remote_syslog_output:\n  enabled: true\n  host: 127.0.0.1\n  port: %d\n"
		 "  protocol: tcp\n",
		 alerts, tmpdir, h.port, r.port);
	write_file(cfg, yaml);
	ck_assert_int_eq(run_replay(cfg), 0);
	log = slurp(logpath);
	rx_stop(&r, 'f');
	http_rx_stop(&h);
	/* Every alert once on every output. */
	ck_assert_uint_eq(count_lines(alerts), GOLDEN_ALERTS);
	ck_assert_uint_eq(count_runs(), GOLDEN_ALERTS);
	ck_assert_uint_eq(h.n, GOLDEN_ALERTS);
	ck_assert_uint_eq(m.n, GOLDEN_ALERTS);
	ck_assert_ptr_nonnull(strstr(h.reqs[0].body, "\"rule\":"));
	ck_assert_ptr_nonnull(strstr(m.v[0], "\"rule\":"));
	/* The report names each output's counts. */
	ck_assert_msg(strstr(log, "output file: 8 sent, 0 dropped"), "%s", log);
	ck_assert_msg(strstr(log, "output http: 8 sent, 0 dropped"), "%s", log);
	ck_assert_msg(strstr(log, "output program: 8 sent"), "%s", log);
	ck_assert_msg(strstr(log, "output remote_syslog: 8 sent"), "%s", log);
	ck_assert_ptr_null(strstr(log, "output stdout"));
	free(log);
	http_rx_free(&h);
	msgs_free(&m);
	rm_tmpdir();
}
END_TEST

START_TEST(replay_receiver_down_reported)
{
	char cfg[128], yaml[512], *log;
	struct http_rx h;
	uint64_t t0;
	int port;

	make_tmpdir();
	/* A port nothing listens on. */
	http_rx_start(&h, 0, 200);
	port = h.port;
	http_rx_stop(&h);
	tmp_path(cfg, sizeof(cfg), "saker.yaml");
	snprintf(yaml, sizeof(yaml),
		 "stdout_output:\n  enabled: false\n"
		 "outputs_queue:\n  capacity: 2\n"
		 "http_output:\n  enabled: true\n  url: http://127.0.0.1:%d/\n", port);
	write_file(cfg, yaml);
	t0 = now_ms();
	ck_assert_int_eq(run_replay(cfg), 0);
	/* One 3 s wait without progress, then a 1 s drain, no more. */
	ck_assert_uint_lt(now_ms() - t0, 8000);
	log = slurp(logpath);
	ck_assert_msg(strstr(log, "output http: 0 sent, 8 dropped (queue full), 0 failed"),
		      "%s", log);
	ck_assert_msg(strstr(log, "not keeping up"), "%s", log);
	ck_assert_ptr_nonnull(strstr(log, "Couldn't connect"));
	free(log);
	rm_tmpdir();
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("replay_outputs");
	TCase *tc = tcase_create("replay");

	/* libcurl honours *_proxy variables: the receivers are local. */
	setenv("NO_PROXY", "*", 1);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, replay_reaches_every_output);
	tcase_add_test(tc, replay_receiver_down_reported);
	suite_add_tcase(s, tc);
	return s;
}
