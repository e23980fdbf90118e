// SPDX-License-Identifier: GPL-2.0
/*
 * The health and metrics endpoint (daemon/httpd.c, metrics.c, prom.c):
 * started on 127.0.0.1 port 0 and asked with a plain socket client, as a
 * Prometheus scraper or a kubelet probe would. The page must parse as the
 * text exposition format (every sample in a family with HELP and TYPE,
 * values numeric) and its counters must move when the daemon's pipeline
 * is fed the golden events; a stalled client must not hold up the loop.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/httpd.h"
#include "daemon/metrics.h"
#include "daemon/replay.h"
#include "lib/clock.h"
#include "check_main.h"

static int connect_to(unsigned int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Sends req, reads to EOF; the status code, the body in *body (free it). */
static int http(unsigned int port, const char *req, char **body)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *b;
	int fd = connect_to(port), code = -1;
	ssize_t n;

	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			char *more = realloc(buf, cap * 2);

			ck_assert_ptr_nonnull(more);
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	sscanf(buf, "HTTP/1.1 %d", &code);
	b = strstr(buf, "\r\n\r\n");
	*body = strdup(b ? b + 4 : "");
	free(buf);
	return code;
}

static int get(unsigned int port, const char *path, char **body)
{
	char req[256];

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	return http(port, req, body);
}

static struct saker_httpd *start(void)
{
	struct saker_httpd_config hc = { .address = "127.0.0.1", .port = 0,
					  .healthz_path = "/healthz", .metrics = true };
	struct saker_httpd *h = NULL;
	char err[256];

	ck_assert_msg(saker_httpd_start(&h, &hc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_gt(saker_httpd_port(h), 0);
	return h;
}

/* /healthz: 503 until the loop has run, 200 "ok", 503 with the reason. */
START_TEST(test_healthz)
{
	struct saker_httpd *h = start();
	unsigned int port = saker_httpd_port(h);
	char *body;

	ck_assert_int_eq(get(port, "/healthz", &body), 503);
	ck_assert_ptr_nonnull(strstr(body, "starting"));
	free(body);
	ck_assert_int_eq(get(port, "/metrics", &body), 503);
	free(body);
	ck_assert_int_eq(saker_httpd_publish(h, "# x\n", 4, NULL), 0);
	ck_assert_int_eq(get(port, "/healthz", &body), 200);
	ck_assert_str_eq(body, "ok\n");
	free(body);
	ck_assert_int_eq(get(port, "/healthz?verbose", &body), 200);
	free(body);
	ck_assert_int_eq(saker_httpd_publish(h, NULL, 0, "device not open"), 0);
	ck_assert_int_eq(get(port, "/healthz", &body), 503);
	ck_assert_str_eq(body, "device not open\n");
	free(body);
	/* the page survived a publish without one */
	ck_assert_int_eq(get(port, "/metrics", &body), 200);
	ck_assert_str_eq(body, "# x\n");
	free(body);
	saker_httpd_stop(h);
}
END_TEST

/* Anything but GET/HEAD of a known path is refused, and counted. */
START_TEST(test_bad_requests)
{
	struct saker_httpd *h = start();
	unsigned int port = saker_httpd_port(h);
	struct saker_httpd_stats st;
	char *body, *big;

	saker_httpd_publish(h, "p\n", 2, NULL);
	ck_assert_int_eq(get(port, "/nope", &body), 404);
	free(body);
	ck_assert_int_eq(http(port, "POST /metrics HTTP/1.1\r\n\r\n", &body), 405);
	free(body);
	ck_assert_int_eq(http(port, "garbage\r\n\r\n", &body), 400);
	free(body);
	ck_assert_int_eq(http(port, "HEAD /metrics HTTP/1.1\r\n\r\n", &body), 200);
	ck_assert_str_eq(body, "");
	free(body);
	big = malloc(SAKER_HTTPD_MAX_REQUEST + 100);
	memset(big, 'a', SAKER_HTTPD_MAX_REQUEST + 99);
	memcpy(big, "GET /", 5);
	big[SAKER_HTTPD_MAX_REQUEST + 99] = '\0';
	ck_assert_int_eq(http(port, big, &body), 431);
	free(body);
	free(big);
	saker_httpd_stats(h, &st);
	ck_assert_uint_eq(st.requests, 5);
	ck_assert_uint_eq(st.bad, 3);
	saker_httpd_stop(h);
}
END_TEST

/*
 * Every connection slot held by clients that never send: publishing (the
 * event loop's side) stays immediate, the stalled clients are cut at the
 * deadline and a new client is served after it.
 */
START_TEST(test_stalled_clients)
{
	struct saker_httpd *h = start();
	unsigned int port = saker_httpd_port(h);
	int fds[SAKER_HTTPD_MAX_CONNS], i;
	struct saker_httpd_stats st;
	uint64_t t0, dt;
	char *body;

	for (i = 0; i < SAKER_HTTPD_MAX_CONNS; i++)
		fds[i] = connect_to(port);
	ck_assert_int_eq(write(fds[0], "GET /healthz HTTP/1.1\r\n", 23), 23);	/* half a head */
	usleep(100000);
	t0 = saker_now_mono_ns();
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(saker_httpd_publish(h, "p\n", 2, NULL), 0);
	dt = saker_now_mono_ns() - t0;
	ck_assert_msg(dt < 50000000ull, "100 publishes took %llu ns", (unsigned long long)dt);
	t0 = saker_now_mono_ns();
	ck_assert_int_eq(get(port, "/healthz", &body), 200);
	dt = saker_now_mono_ns() - t0;
	free(body);
	/* served once the stalled ones were cut, not before, not much after */
	ck_assert_uint_ge(dt, (SAKER_HTTPD_TIMEOUT_MS - 300) * 1000000ull);
	ck_assert_uint_lt(dt, (SAKER_HTTPD_TIMEOUT_MS + 1500) * 1000000ull);
	saker_httpd_stats(h, &st);
	ck_assert_uint_eq(st.timeouts, SAKER_HTTPD_MAX_CONNS);
	for (i = 0; i < SAKER_HTTPD_MAX_CONNS; i++)
		close(fds[i]);
	saker_httpd_stop(h);
}
END_TEST

/* A taken port or a name instead of an address: a start error saying which. */
START_TEST(test_start_errors)
{
	struct saker_httpd *h = start(), *h2 = NULL;
	struct saker_httpd_config hc = { .address = "127.0.0.1", .port = saker_httpd_port(h),
					  .healthz_path = "/healthz", .metrics = true };
	char err[256], want[128];

	ck_assert_int_eq(saker_httpd_start(&h2, &hc, err, sizeof(err)), -EADDRINUSE);
	snprintf(want, sizeof(want), "webserver on 127.0.0.1 port %u: Address already in use",
		 hc.port);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(h2);
	hc.address = "localhost";
	ck_assert_int_eq(saker_httpd_start(&h2, &hc, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "webserver.listen_address 'localhost': not a numeric IPv4 or IPv6 address");
	saker_httpd_stop(h);
	/* IPv6 loopback, where the host has it */
	hc.address = "::1";
	hc.port = 0;
	if (saker_httpd_start(&h2, &hc, err, sizeof(err)) == 0) {
		ck_assert_uint_gt(saker_httpd_port(h2), 0);
		saker_httpd_stop(h2);
	}
}
END_TEST

/* --- the exposition format ------------------------------------------- */

struct family {
	char name[128];
	bool help, type;
	char kind[16];
};

/*
 * Checks page as format 0.0.4: HELP then TYPE before a family's samples,
 * each sample's name the family's (histograms: _bucket, _sum, _count),
 * labels quoted, a numeric value. Returns the number of samples.
 */
static size_t check_exposition(const char *page)
{
	static struct family fam[256];
	size_t nfam = 0, samples = 0, i;
	char *copy = strdup(page), *save = NULL, *line;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], *v, *end;
		size_t n;
		bool found = false;

		if (!strncmp(line, "# HELP ", 7)) {
			ck_assert_uint_lt(nfam, 256);
			n = strcspn(line + 7, " ");
			ck_assert_uint_lt(n, sizeof(fam[0].name));
			memcpy(fam[nfam].name, line + 7, n);
			fam[nfam].name[n] = '\0';
			for (i = 0; i < nfam; i++)
				ck_assert_msg(strcmp(fam[i].name, fam[nfam].name),
					      "family %s twice", fam[i].name);
			ck_assert_msg(!strncmp(fam[nfam].name, "saker_", 6), "%s", line);
			fam[nfam++].help = true;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			ck_assert_uint_gt(nfam, 0);
			n = strcspn(line + 7, " ");
			ck_assert_msg(!strncmp(line + 7, fam[nfam - 1].name, n) &&
				      !fam[nfam - 1].name[n], "TYPE without HELP: %s", line);
			snprintf(fam[nfam - 1].kind, sizeof(fam[0].kind), "%s", line + 8 + n);
			ck_assert_msg(!strcmp(fam[nfam - 1].kind, "counter") ||
				      !strcmp(fam[nfam - 1].kind, "gauge") ||
				      !strcmp(fam[nfam - 1].kind, "histogram"), "%s", line);
			if (!strcmp(fam[nfam - 1].kind, "counter"))
				ck_assert_msg(strstr(fam[nfam - 1].name, "_total"), "%s", line);
			fam[nfam - 1].type = true;
			continue;
		}
		ck_assert_msg(line[0] != '#', "stray comment: %s", line);
		n = strcspn(line, "{ ");
		ck_assert_uint_lt(n, sizeof(name));
		memcpy(name, line, n);
		name[n] = '\0';
		v = line + n;
		if (*v == '{') {	/* skip quoted label values, escapes included */
			bool q = false;

			for (v++; *v && (q || *v != '}'); v++) {
				if (q && *v == '\\')
					v++;
				else if (*v == '"')
					q = !q;
			}
			ck_assert_msg(*v == '}', "unterminated labels: %s", line);
			v++;
		}
		ck_assert_msg(*v == ' ', "no value: %s", line);
		errno = 0;
		strtod(v + 1, &end);
		ck_assert_msg(!errno && end != v + 1 && !*end, "value not numeric: %s", line);
		for (i = 0; i < nfam && !found; i++) {
			size_t fl = strlen(fam[i].name);

			if (!strcmp(name, fam[i].name))
				found = true;
			else if (!strcmp(fam[i].kind, "histogram") && !strncmp(name, fam[i].name, fl) &&
				 (!strcmp(name + fl, "_bucket") || !strcmp(name + fl, "_sum") ||
				  !strcmp(name + fl, "_count")))
				found = true;
			if (found)
				ck_assert_msg(fam[i].help && fam[i].type, "%s", line);
		}
		ck_assert_msg(found, "sample without HELP/TYPE: %s", line);
		samples++;
	}
	free(copy);
	return samples;
}

/* The value of the sample line starting with prefix (name and labels), or -1. */
static double value_of(const char *page, const char *prefix)
{
	const char *p = page;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

START_TEST(test_label_escaping)
{
	struct saker_prom p = { 0 };
	const char *l[] = { "rule", "a \"quoted\" \\ rule\nnext", NULL };

	saker_prom_family(&p, "saker_x_total", "counter", "help with \\ and\nnewline");
	saker_prom_sample(&p, "saker_x_total", l, 3);
	ck_assert_int_eq(saker_prom_end(&p), 0);
	ck_assert_str_eq(p.buf, "# HELP saker_x_total help with \\\\ and\\nnewline\n"
		"# TYPE saker_x_total counter\n"
		"saker_x_total{rule=\"a \\\"quoted\\\" \\\\ rule\\nnext\"} 3\n");
	ck_assert_uint_eq(check_exposition(p.buf), 1);
	saker_prom_free(&p);
}
END_TEST

static char dir[] = "/tmp/saker-metrics-XXXXXX";

/* A daemon's pipeline with the shipped rules, alerts to a file, no device. */
static void daemon_up(struct saker_daemon *d, struct saker_config *cfg)
{
	char why[512], path[300];

	strcpy(dir, "/tmp/saker-metrics-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.log", dir);
	saker_config_defaults(cfg);
	ck_assert_int_eq(saker_config_add_rules(cfg, SAKER_TOP "/rules", true), 0);
	cfg->rule_matching = SAKER_MATCH_ALL;
	cfg->stdout_enabled = false;
	cfg->file_enabled = true;
	free(cfg->file_path);
	cfg->file_path = strdup(path);
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->replay = true;
	ck_assert_int_eq(saker_daemon_engine(cfg, &d->engine, NULL, true, why, sizeof(why)), 0);
	ck_assert_int_eq(saker_track_init(&d->track, 0, NULL, 0), 0);
	d->pipe.track = &d->track;
	saker_pipeline_set_engine(&d->pipe, d->engine);
	ck_assert_int_eq(saker_alerts_new(&d->alerts, cfg, why, sizeof(why)), 0);
	d->pipe.alert = saker_alerts_rule;
	d->pipe.alert_arg = d->alerts;
}

static void daemon_down(struct saker_daemon *d, struct saker_config *cfg)
{
	char cmd[300];

	saker_alerts_free(d->alerts);
	saker_track_fini(&d->track);
	saker_engine_free(d->engine);
	saker_config_free(cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The golden events through the daemon's own per-record step. */
static void feed_golden(struct saker_daemon *d)
{
	static uint64_t rec[8192];
	FILE *f = fopen(SAKER_TOP "/tests/rules/golden_events.jsonl", "r");
	char *line = NULL, err[SAKER_REPLAY_ERRLEN];
	size_t cap = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		long len = saker_json_to_record(line, (size_t)n, rec, sizeof(rec), NULL, err,
						sizeof(err));

		ck_assert_msg(len > 0, "%s", err);
		ck_assert_int_ge(saker_pipeline_record(&d->pipe, rec, (size_t)len, NULL), 0);
	}
	free(line);
	fclose(f);
}

/* The page parses; events, alerts per rule and priority, deliveries and
 * latency move with the fed events; the same page comes out of /metrics. */
START_TEST(test_metrics_move)
{
	struct saker_config cfg;
	struct saker_daemon d;
	struct saker_prom before, after;
	struct saker_httpd *h;
	char *body;

	daemon_up(&d, &cfg);
	ck_assert_ptr_null(saker_metrics_unhealthy(&d));
	ck_assert_int_eq(saker_metrics_render(&d, &before), 0);
	ck_assert_uint_gt(check_exposition(before.buf), 10);
	ck_assert(value_of(before.buf, "saker_events_total{type=\"exec\"}") == 0);
	ck_assert(value_of(before.buf, "saker_rules_loaded") > 0);
	ck_assert(value_of(before.buf, "saker_alert_latency_seconds_count") == 0);
	feed_golden(&d);
	ck_assert_int_eq(saker_alerts_flush(d.alerts, 2000), 0);
	ck_assert_int_eq(saker_metrics_render(&d, &after), 0);
	check_exposition(after.buf);
	ck_assert(value_of(after.buf, "saker_events_total{type=\"exec\"}") > 0);
	ck_assert(value_of(after.buf, "saker_events_total{type=\"open\"}") > 0);
	ck_assert_msg(value_of(after.buf, "saker_alerts_total{rule=\"Sensitive File Read\","
			       "priority=\"Warning\"}") >= 1, "%s", after.buf);
	ck_assert(value_of(after.buf, "saker_output_sent_total{output=\"file\"}") ==
		  (double)saker_alerts_total(d.alerts));
	ck_assert(value_of(after.buf, "saker_alert_latency_seconds_count") ==
		  value_of(after.buf, "saker_alert_latency_seconds_bucket{le=\"+Inf\"}"));
	ck_assert(value_of(after.buf, "saker_alert_latency_seconds_count") > 0);
	/* a SIGHUP reload is counted and times the new rules' load */
	saker_daemon_reload(&d);
	saker_prom_free(&after);
	ck_assert_int_eq(saker_metrics_render(&d, &after), 0);
	ck_assert(value_of(after.buf, "saker_rules_reloads_total") == 1);
	ck_assert(value_of(after.buf, "saker_rules_load_seconds") > 0);
	ck_assert(value_of(after.buf, "saker_rules_load_seconds") < 10);
	/* served as rendered */
	d.httpd = h = start();
	saker_daemon_health_tick(&d);
	ck_assert_int_eq(get(saker_httpd_port(h), "/metrics", &body), 200);
	ck_assert_uint_gt(check_exposition(body), 10);
	ck_assert(value_of(body, "saker_events_total{type=\"exec\"}") ==
		  value_of(after.buf, "saker_events_total{type=\"exec\"}"));
	ck_assert(value_of(body, "saker_webserver_requests_total") == 0);
	free(body);
	ck_assert_int_eq(get(saker_httpd_port(h), "/healthz", &body), 200);
	free(body);
	/* without a device, outside replay: unhealthy, and said why */
	d.replay = false;
	saker_daemon_health_tick(&d);
	ck_assert_int_eq(get(saker_httpd_port(h), "/healthz", &body), 503);
	ck_assert_str_eq(body, "device not open\n");
	free(body);
	saker_daemon_health_stop(&d);
	saker_prom_free(&before);
	saker_prom_free(&after);
	daemon_down(&d, &cfg);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("httpd");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_healthz);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_stalled_clients);
	tcase_add_test(tc, test_start_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("exposition");
	tcase_add_test(tc, test_label_escaping);
	tcase_add_test(tc, test_metrics_move);
	suite_add_tcase(s, tc);
	return s;
}
