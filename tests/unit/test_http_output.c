// SPDX-License-Identifier: GPL-2.0
/*
 * http_output against a tiny HTTP/1.1 receiver in this process (127.0.0.1,
 * ephemeral port): every alert arrives once as a POST of its JSON object
 * with Content-Type application/json; a receiver that is down, slow or
 * answering errors costs counted drops and never stalls emit(); delivery
 * resumes when it comes back; keep_alive and compress_uploads do what
 * they say.
 */
#include <jansson.h>
#include <zlib.h>

#include "outputs_testlib.h"
#include "check_main.h"

/* ---- the receiver ------------------------------------------------------ */

struct req {
	char *body;
	size_t len;
	char ctype[64], cenc[32], agent[64], method[8];
};

struct http_rx {
	int fd, port;
	int stop[2];
	pthread_t th;
	pthread_mutex_t lock;
	struct req reqs[256];
	size_t n;
	size_t conns;
	int status;		/* answered to every request */
	unsigned int delay_ms;	/* before each answer */
};

static void header(const char *head, const char *name, char *out, size_t size)
{
	const char *p = strcasestr(head, name);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(name);
	while (*p == ' ')
		p++;
	n = strcspn(p, "\r\n");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

/* Reads requests from one connection until it closes or stop. */
static void serve_conn(struct http_rx *h, int cfd)
{
	static char buf[1 << 16];
	size_t len = 0;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = cfd, .events = POLLIN },
					 { .fd = h->stop[0], .events = POLLIN } };
		char *end, clen[32], reply[128];
		size_t hlen, blen;
		ssize_t got;
		struct req *r;

		end = len ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
		if (end) {
			hlen = (size_t)(end - buf) + 4;
			buf[hlen - 1] = '\0';
			header(buf, "Content-Length:", clen, sizeof(clen));
			blen = (size_t)atol(clen);
			if (len >= hlen + blen) {
				pthread_mutex_lock(&h->lock);
				if (h->n < 256) {
					r = &h->reqs[h->n++];
					r->body = malloc(blen + 1);
					memcpy(r->body, buf + hlen, blen);
					r->body[blen] = '\0';
					r->len = blen;
					header(buf, "Content-Type:", r->ctype, sizeof(r->ctype));
					header(buf, "Content-Encoding:", r->cenc, sizeof(r->cenc));
					header(buf, "User-Agent:", r->agent, sizeof(r->agent));
					snprintf(r->method, sizeof(r->method), "%.*s",
						 (int)strcspn(buf, " "), buf);
				}
				pthread_mutex_unlock(&h->lock);
				memmove(buf, buf + hlen + blen, len - hlen - blen);
				len -= hlen + blen;
				if (h->delay_ms)
					msleep(h->delay_ms);
				snprintf(reply, sizeof(reply),
					 "HTTP/1.1 %d X\r\nContent-Length: 2\r\n\r\nok", h->status);
				if (write(cfd, reply, strlen(reply)) < 0)
					return;
				continue;
			}
		}
		if (poll(pfd, 2, 10) <= 0)
			continue;
		if (pfd[1].revents)
			return;
		got = recv(cfd, buf + len, sizeof(buf) - len - 1, 0);
		if (got <= 0)
			return;
		len += (size_t)got;
	}
}

static void *http_rx_main(void *arg)
{
	struct http_rx *h = arg;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = h->fd, .events = POLLIN },
					 { .fd = h->stop[0], .events = POLLIN } };
		int cfd;

		if (poll(pfd, 2, 10) <= 0)
			continue;
		if (pfd[1].revents)
			break;
		cfd = accept(h->fd, NULL, NULL);
		if (cfd < 0)
			continue;
		pthread_mutex_lock(&h->lock);
		h->conns++;
		pthread_mutex_unlock(&h->lock);
		serve_conn(h, cfd);
		close(cfd);
	}
	return NULL;
}

/* port 0: ephemeral; else that port (a receiver coming back). */
static void http_rx_start(struct http_rx *h, int port, int status)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int on = 1;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->status = status;
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(h->fd, 0);
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(h->fd, (struct sockaddr *)&sa, &len), 0);
	h->port = ntohs(sa.sin_port);
	ck_assert_int_eq(listen(h->fd, 16), 0);
	ck_assert_int_eq(pipe(h->stop), 0);
	ck_assert_int_eq(pthread_create(&h->th, NULL, http_rx_main, h), 0);
}

static void http_rx_stop(struct http_rx *h)
{
	ck_assert_int_eq(write(h->stop[1], "x", 1), 1);
	pthread_join(h->th, NULL);
	close(h->stop[0]);
	close(h->stop[1]);
	close(h->fd);
}

static void http_rx_free(struct http_rx *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->reqs[i].body);
}

static size_t http_rx_count(struct http_rx *h)
{
	size_t n;

	pthread_mutex_lock(&h->lock);
	n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

struct rx_want {
	struct http_rx *h;
	size_t n;
};

static bool has_reqs(void *arg)
{
	struct rx_want *w = arg;

	return http_rx_count(w->h) >= w->n;
}

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
	int port = free_port(), i;
	uint64_t t0, took;
	char url[64];

	c = http_cfg(url, port);
	c.queue_size = 8;
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

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("http_output");
	TCase *tc = tcase_create("http");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, http_posts_falco_json);
	tcase_add_test(tc, http_keep_alive_one_connection);
	tcase_add_test(tc, http_compress_uploads_gzip);
	tcase_add_test(tc, http_down_then_back);
	tcase_add_test(tc, http_slow_receiver_drops_counted);
	tcase_add_test(tc, http_error_status_counted);
	tcase_add_test(tc, http_bad_config_refused);
	suite_add_tcase(s, tc);
	return s;
}
