// SPDX-License-Identifier: GPL-2.0
/*
 * http_output against a tiny HTTP/1.1 receiver in this process (127.0.0.1,
 * ephemeral port): every alert arrives once as a POST of its JSON object
 * with Content-Type application/json; a receiver that is down, slow or
 * answering errors costs counted drops and never stalls emit(); delivery
 * resumes when it comes back; keep_alive and compress_uploads do what
 * they say; https checks certificates (ca_cert, insecure, mtls); Falco's
 * program_output recipe (curl -d @-) posts each alert.
 */
#include <jansson.h>
#include <zlib.h>

#include "outputs_testlib.h"
#include "http_testlib.h"
#include "tls_testlib.h"
#include "check_main.h"

static struct saker_outputs_config http_cfg(char *url, int port)
{
	struct saker_outputs_config c = {
		.queue_size = 64,
		.hostname = "test-host",
		.json_include_output = true,
		.json_include_tags = true,
		.facility = 16,
		.http_enabled = true,
		.http_url = url,
		.http_user_agent = "saker-test",
	};

	sprintf(url, "http://127.0.0.1:%d/alerts", port);
	return c;
}

/* The id of the alert a JSON body carries, checking it is Falco's object. */
static int body_id(const char *body)
{
	json_error_t e;
	json_t *j = json_loads(body, 0, &e);
	const char *out;
	int id;

	ck_assert_msg(j, "not JSON: %s (%s)", body, e.text);
	ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), "Test rule");
	ck_assert_str_eq(json_string_value(json_object_get(j, "priority")), "Warning");
	ck_assert_str_eq(json_string_value(json_object_get(j, "hostname")), "test-host");
	ck_assert_ptr_nonnull(json_object_get(j, "output_fields"));
	out = json_string_value(json_object_get(j, "output"));
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "alert id="));
	id = atoi(strstr(out, "alert id=") + 9);
	json_decref(j);
	return id;
}

/* A port nothing listens on (bound, then closed). */
static int free_port(void)
{
	struct http_rx h;
	int port;

	http_rx_start(&h, 0, 200);
	port = h.port;
	http_rx_stop(&h);
	return port;
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(http_posts_falco_json)
{
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	struct http_rx h;
	struct rx_want w = { &h, 20 };
	bool seen[20] = { false };
	char url[64];
	int i;

	http_rx_start(&h, 0, 200);
	c = http_cfg(url, h.port);
	/* Text lines elsewhere; HTTP receivers still get JSON. */
	c.json = false;
	o = new_outputs(&c);
	for (i = 0; i < 20; i++)
		emit_id(o, i, i % 2 ? FORGED : NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	ck_assert(wait_for(has_reqs, &w, 2000));
	st = stats(o, 0);
	ck_assert_str_eq(st.name, "http");
	ck_assert_uint_eq(st.sent, 20);
	ck_assert_uint_eq(st.dropped_queue + st.dropped_error + st.queued, 0);
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	ck_assert_uint_eq(h.n, 20);
	for (size_t k = 0; k < h.n; k++) {
		ck_assert_str_eq(h.reqs[k].method, "POST");
		ck_assert_str_eq(h.reqs[k].ctype, "application/json");
		ck_assert_str_eq(h.reqs[k].agent, "saker-test");
		ck_assert_str_eq(h.reqs[k].cenc, "");
		/* One object, no trailing newline, as Falco posts it. */
		ck_assert_int_eq(h.reqs[k].body[h.reqs[k].len - 1], '}');
		i = body_id(h.reqs[k].body);
		ck_assert_int_ge(i, 0);
		ck_assert_int_lt(i, 20);
		ck_assert(!seen[i]);
		seen[i] = true;
	}
	/* keep_alive false (Falco's default): a connection per alert. */
	ck_assert_uint_eq(h.conns, 20);
	http_rx_free(&h);
}
END_TEST

START_TEST(http_keep_alive_one_connection)
{
	struct saker_outputs_config c;
	struct saker_outputs *o;
	struct http_rx h;
	char url[64];
	int i;

	http_rx_start(&h, 0, 200);
	c = http_cfg(url, h.port);
	c.http_keep_alive = true;
	o = new_outputs(&c);
	for (i = 0; i < 10; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	ck_assert_uint_eq(stats(o, 0).sent, 10);
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	ck_assert_uint_eq(h.n, 10);
	ck_assert_uint_eq(h.conns, 1);
	http_rx_free(&h);
}
END_TEST

START_TEST(http_compress_uploads_gzip)
{
	struct saker_outputs_config c;
	struct saker_outputs *o;
	struct http_rx h;
	struct rx_want w = { &h, 1 };
	char url[64], plain[4096];
	z_stream z = { 0 };

	http_rx_start(&h, 0, 200);
	c = http_cfg(url, h.port);
	c.http_compress = true;
	o = new_outputs(&c);
	emit_id(o, 7, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	ck_assert(wait_for(has_reqs, &w, 2000));
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	ck_assert_str_eq(h.reqs[0].cenc, "gzip");
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)h.reqs[0].body;
	z.avail_in = (uInt)h.reqs[0].len;
	z.next_out = (Bytef *)plain;
	z.avail_out = sizeof(plain) - 1;
	ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	plain[z.total_out] = '\0';
	inflateEnd(&z);
	ck_assert_int_eq(body_id(plain), 7);
	http_rx_free(&h);
}
END_TEST

/* The receiver is down, then comes back on the same port. */
START_TEST(http_down_then_back)
{
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	struct http_rx h;
	struct rx_want w = { &h, 8 };
	int port = free_port(), i, errfd, saved;
	char url[64], errpath[128], *log;
	uint64_t t0, took;

	c = http_cfg(url, port);
	c.queue_size = 8;
	make_tmpdir();
	tmp_path(errpath, sizeof(errpath), "stderr");
	errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(STDERR_FILENO);
	dup2(errfd, STDERR_FILENO);
	o = new_outputs(&c);
	t0 = now_ms();
	for (i = 0; i < 200; i++)
		emit_id(o, i, NULL);
	took = now_ms() - t0;
	/* 200 alerts against a dead receiver: queued or counted, at once. */
	ck_assert_msg(took < 100, "emit took %llu ms", (unsigned long long)took);
	msleep(300);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 0);
	ck_assert_uint_eq(st.queued, 8);
	ck_assert_uint_eq(st.dropped_queue, 192);
	ck_assert_uint_eq(st.dropped_error, 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(errfd);
	/* Logged, rate-limited: the first drop at once, then one line per 30 s;
	 * the connect error once for the whole streak. */
	log = slurp(errpath);
	ck_assert_msg(strstr(log, "http output: 1 alert dropped, queue full (8)"), "%s", log);
	ck_assert_ptr_null(strstr(strstr(log, "alert dropped") + 13, "dropped"));
	ck_assert_ptr_nonnull(strstr(log, "Couldn't connect"));
	ck_assert_ptr_null(strstr(strstr(log, "Couldn't connect") + 16, "Couldn't connect"));
	free(log);
	unlink(errpath);
	rmdir(tmpdir);
	/* Back: the 8 kept alerts go out (backoff is at most a few 100 ms here). */
	http_rx_start(&h, port, 200);
	ck_assert(wait_for(has_reqs, &w, 5000));
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	emit_id(o, 500, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 9);
	ck_assert_uint_eq(st.sent + st.dropped_queue + st.dropped_error + st.queued, 201);
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	ck_assert_uint_eq(h.n, 9);
	/* The first 8 emitted are the ones that waited, in order. */
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(body_id(h.reqs[i].body), i);
	ck_assert_int_eq(body_id(h.reqs[8].body), 500);
	http_rx_free(&h);
}
END_TEST

/* A receiver that takes 200 ms per alert: the queue absorbs, the rest counts. */
START_TEST(http_slow_receiver_drops_counted)
{
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	struct http_rx h;
	uint64_t t0, took;
	char url[64];
	int i;

	http_rx_start(&h, 0, 200);
	h.delay_ms = 200;
	c = http_cfg(url, h.port);
	c.queue_size = 4;
	o = new_outputs(&c);
	t0 = now_ms();
	for (i = 0; i < 50; i++)
		emit_id(o, i, NULL);
	took = now_ms() - t0;
	ck_assert_msg(took < 100, "emit took %llu ms", (unsigned long long)took);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent + st.dropped_queue, 50);
	ck_assert_uint_ge(st.dropped_queue, 45);
	ck_assert_uint_ge(st.sent, 4);
	/* close() does not wait for a slow receiver beyond its budget. */
	emit_id(o, 99, NULL);
	t0 = now_ms();
	saker_outputs_free(o, 0);
	took = now_ms() - t0;
	ck_assert_msg(took < 1000, "close took %llu ms", (unsigned long long)took);
	http_rx_stop(&h);
	http_rx_free(&h);
}
END_TEST

START_TEST(http_error_status_counted)
{
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	struct http_rx h;
	char url[64];
	int i;

	http_rx_start(&h, 0, 500);
	c = http_cfg(url, h.port);
	o = new_outputs(&c);
	for (i = 0; i < 5; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	st = stats(o, 0);
	/* Answered but refused: each alert once, counted, not retried. */
	ck_assert_uint_eq(st.dropped_error, 5);
	ck_assert_uint_eq(st.sent, 0);
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	ck_assert_uint_eq(h.n, 5);
	http_rx_free(&h);
}
END_TEST

/* Credentials in the URL are used, never logged. */
START_TEST(http_url_credentials_not_logged)
{
	struct saker_outputs_config c;
	struct saker_outputs *o;
	char url[128], errpath[128], *log;
	struct http_rx h;
	int errfd, saved;

	http_rx_start(&h, 0, 500);
	c = http_cfg(url, h.port);
	snprintf(url, sizeof(url), "http://alice:s3cret@127.0.0.1:%d/alerts", h.port);
	make_tmpdir();
	tmp_path(errpath, sizeof(errpath), "stderr");
	errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(STDERR_FILENO);
	dup2(errfd, STDERR_FILENO);
	o = new_outputs(&c);
	emit_id(o, 0, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	saker_outputs_free(o, 1000);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(errfd);
	http_rx_stop(&h);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.reqs[0].auth, "Basic YWxpY2U6czNjcmV0");
	log = slurp(errpath);
	ck_assert_msg(strstr(log, "http://***@127.0.0.1:"), "%s", log);
	ck_assert_msg(!strstr(log, "s3cret") && !strstr(log, "alice"), "%s", log);
	free(log);
	unlink(errpath);
	rmdir(tmpdir);
	http_rx_free(&h);
}
END_TEST

START_TEST(http_bad_config_refused)
{
	struct saker_outputs_config c = { .queue_size = 4, .http_enabled = true };
	struct saker_outputs *o = NULL;
	char err[256];

	c.http_url = "ftp://example.invalid/";
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "http_output: url"));
	c.http_url = "https://127.0.0.1/";
	c.http_mtls = true;
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "client_cert"));
}
END_TEST

/* Falco's recipe: program_output (once per alert) with curl -d @- posts
 * each alert as it arrives on the program's stdin. */
START_TEST(program_curl_recipe)
{
	struct saker_outputs_config c = { .queue_size = 16, .hostname = "test-host",
					  .json = true, .json_include_output = true,
					  .program_enabled = true };
	struct saker_output_stats st;
	struct saker_outputs *o;
	char prog[256];
	struct http_rx h;
	int i;

	http_rx_start(&h, 0, 200);
	snprintf(prog, sizeof(prog), "curl -s -f -H 'Content-Type: application/json' "
		 "--data-binary @- http://127.0.0.1:%d/falco", h.port);
	c.program = prog;
	o = new_outputs(&c);
	for (i = 0; i < 3; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 10000), 0);
	st = stats(o, 0);
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	ck_assert_uint_eq(st.sent, 3);
	ck_assert_uint_eq(h.n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_str_eq(h.reqs[i].ctype, "application/json");
		/* One alert per request, the line as the program got it. */
		ck_assert_int_eq(body_id(h.reqs[i].body), i);
		ck_assert_int_eq(h.reqs[i].body[h.reqs[i].len - 1], '\n');
	}
	http_rx_free(&h);
}
END_TEST

/* ---- https ------------------------------------------------------------ */

/* A server context with the test certificate; client certificates from
 * the test CA required when want_client. */
static SSL_CTX *server_ctx(bool want_client)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	char crt[128], key[128], ca[128];

	ck_assert_ptr_nonnull(ctx);
	cert_path(crt, sizeof(crt), "srv.crt");
	cert_path(key, sizeof(key), "srv.key");
	cert_path(ca, sizeof(ca), "ca.crt");
	ck_assert_int_eq(SSL_CTX_use_certificate_file(ctx, crt, SSL_FILETYPE_PEM), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM), 1);
	if (want_client) {
		ck_assert_int_eq(SSL_CTX_load_verify_locations(ctx, ca, NULL), 1);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
		/* curl resumes sessions; OpenSSL refuses that without a context id. */
		SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"saker-test", 10);
	}
	return ctx;
}

struct https_case {
	const char *host;	/* in the URL */
	const char *ca;		/* ca_cert file in the cert dir */
	bool insecure, want_client, mtls;
	bool delivered;		/* expected */
};

static void https_run(const struct https_case *k)
{
	char url[96], ca[128], crt[128], key[128];
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	SSL_CTX *ctx = server_ctx(k->want_client);
	struct http_rx h;
	int i;

	http_rx_start_tls(&h, 0, 200, ctx);
	c = http_cfg(url, h.port);
	snprintf(url, sizeof(url), "https://%s:%d/alerts", k->host, h.port);
	cert_path(ca, sizeof(ca), k->ca);
	cert_path(crt, sizeof(crt), "cli.crt");
	cert_path(key, sizeof(key), "cli.key");
	c.http_ca_cert = ca;
	c.http_insecure = k->insecure;
	c.http_mtls = k->mtls;
	c.http_client_cert = crt;
	c.http_client_key = key;
	o = new_outputs(&c);
	for (i = 0; i < 3; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 10000), 0);
	st = stats(o, 0);
	saker_outputs_free(o, 1000);
	http_rx_stop(&h);
	SSL_CTX_free(ctx);
	if (k->delivered) {
		ck_assert_uint_eq(st.sent, 3);
		ck_assert_uint_eq(h.n, 3);
		ck_assert_int_eq(body_id(h.reqs[2].body), 2);
	} else {
		/* Refused: each alert counted, nothing reached the receiver. */
		ck_assert_uint_eq(st.dropped_error, 3);
		ck_assert_uint_eq(st.sent, 0);
		ck_assert_uint_eq(h.n, 0);
		ck_assert_uint_ge(h.tls_refused + h.conns, 3);
	}
	http_rx_free(&h);
}

START_TEST(https_ca_cert_by_name)
{
	struct https_case k = { "localhost", "ca.crt", false, false, false, true };

	https_run(&k);
}
END_TEST

START_TEST(https_ca_cert_by_address)
{
	struct https_case k = { "127.0.0.1", "ca.crt", false, false, false, true };

	https_run(&k);
}
END_TEST

START_TEST(https_wrong_ca_refused)
{
	struct https_case k = { "127.0.0.1", "other.crt", false, false, false, false };

	https_run(&k);
}
END_TEST

START_TEST(https_insecure_skips_checks)
{
	struct https_case k = { "127.0.0.1", "other.crt", true, false, false, true };

	https_run(&k);
}
END_TEST

START_TEST(https_mtls_client_certificate)
{
	struct https_case k = { "127.0.0.1", "ca.crt", false, true, true, true };

	https_run(&k);
}
END_TEST

START_TEST(https_mtls_missing_refused)
{
	/* The server wants a client certificate, mtls is off. */
	struct https_case k = { "127.0.0.1", "ca.crt", false, true, false, false };

	https_run(&k);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("http_output");
	TCase *tc = tcase_create("http");
	TCase *tls = tcase_create("https");

	/* libcurl honours *_proxy variables: the receivers are local. */
	setenv("NO_PROXY", "*", 1);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, http_posts_falco_json);
	tcase_add_test(tc, http_keep_alive_one_connection);
	tcase_add_test(tc, http_compress_uploads_gzip);
	tcase_add_test(tc, http_down_then_back);
	tcase_add_test(tc, http_slow_receiver_drops_counted);
	tcase_add_test(tc, http_error_status_counted);
	tcase_add_test(tc, http_bad_config_refused);
	tcase_add_test(tc, http_url_credentials_not_logged);
	tcase_add_test(tc, program_curl_recipe);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tls, 30);
	tcase_add_unchecked_fixture(tls, make_certs, remove_certs);
	tcase_add_test(tls, https_ca_cert_by_name);
	tcase_add_test(tls, https_ca_cert_by_address);
	tcase_add_test(tls, https_wrong_ca_refused);
	tcase_add_test(tls, https_insecure_skips_checks);
	tcase_add_test(tls, https_mtls_client_certificate);
	tcase_add_test(tls, https_mtls_missing_refused);
	suite_add_tcase(s, tls);
	return s;
}
