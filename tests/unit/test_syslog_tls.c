// SPDX-License-Identifier: GPL-2.0
/*
 * Remote syslog over TLS (RFC 5425) against a TLS receiver in this process
 * on 127.0.0.1. The CAs and certificates are made when the test starts
 * with the openssl command (EC P-256, valid 2 days) in a temporary
 * directory: a test CA, a server certificate for localhost and 127.0.0.1
 * signed by it, a client certificate, and a second, unrelated CA. Checked:
 * frames arrive once and whole; a server that a wrong CA or a wrong name
 * vouches for is refused, counted, and gets no record; a client
 * certificate is presented when configured.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdatomic.h>
#include <sys/time.h>

#include "outputs_testlib.h"
#include "tls_testlib.h"
#include "check_main.h"

/* ---- the TLS receiver -------------------------------------------------- */

struct tls_rx {
	int fd, port;
	SSL_CTX *ctx;
	pthread_t th;
	atomic_bool stop;
	atomic_int accepted, refused;
	struct msgs *m;
};

static void serve(struct tls_rx *t, SSL *ssl)
{
	static char buf[1 << 16];
	size_t len = 0;

	while (!atomic_load(&t->stop)) {
		int n = SSL_read(ssl, buf + len, (int)(sizeof(buf) - len));
		bool bad = false;
		size_t used;

		if (n <= 0) {
			if (SSL_get_error(ssl, n) == SSL_ERROR_WANT_READ)
				continue;
			break;
		}
		len += (size_t)n;
		used = parse_frames(t->m, buf, len, &bad);
		memmove(buf, buf + used, len - used);
		len -= used;
		if (bad) {
			pthread_mutex_lock(&t->m->lock);
			t->m->bad++;
			pthread_mutex_unlock(&t->m->lock);
		}
	}
	if (len) {
		pthread_mutex_lock(&t->m->lock);
		t->m->partial++;
		pthread_mutex_unlock(&t->m->lock);
	}
}

static void *tls_rx_main(void *arg)
{
	struct tls_rx *t = arg;

	while (!atomic_load(&t->stop)) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
		/* Blocking reads that wake every 20 ms to see stop. */
		struct timeval tv = { 0, 20000 };
		SSL *ssl;
		int cfd, r;

		if (poll(&pfd, 1, 10) <= 0)
			continue;
		cfd = accept(t->fd, NULL, NULL);
		if (cfd < 0)
			continue;
		setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ssl = SSL_new(t->ctx);
		SSL_set_fd(ssl, cfd);
		while ((r = SSL_accept(ssl)) != 1 && !atomic_load(&t->stop) &&
		       SSL_get_error(ssl, r) == SSL_ERROR_WANT_READ)
			;
		if (r == 1) {
			atomic_fetch_add(&t->accepted, 1);
			serve(t, ssl);
		} else {
			atomic_fetch_add(&t->refused, 1);
		}
		ERR_clear_error();
		SSL_free(ssl);
		close(cfd);
	}
	return NULL;
}

static void tls_rx_start(struct tls_rx *t, struct msgs *m, bool want_client_cert)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char crt[128], key[128], ca[128];

	memset(t, 0, sizeof(*t));
	t->m = m;
	cert_path(crt, sizeof(crt), "srv.crt");
	cert_path(key, sizeof(key), "srv.key");
	cert_path(ca, sizeof(ca), "ca.crt");
	t->ctx = SSL_CTX_new(TLS_server_method());
	ck_assert_ptr_nonnull(t->ctx);
	ck_assert_int_eq(SSL_CTX_use_certificate_file(t->ctx, crt, SSL_FILETYPE_PEM), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(t->ctx, key, SSL_FILETYPE_PEM), 1);
	if (want_client_cert) {
		ck_assert_int_eq(SSL_CTX_load_verify_locations(t->ctx, ca, NULL), 1);
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	t->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(t->fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(t->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(t->fd, (struct sockaddr *)&sa, &len), 0);
	t->port = ntohs(sa.sin_port);
	ck_assert_int_eq(listen(t->fd, 8), 0);
	ck_assert_int_eq(pthread_create(&t->th, NULL, tls_rx_main, t), 0);
}

static void tls_rx_stop(struct tls_rx *t)
{
	atomic_store(&t->stop, true);
	pthread_join(t->th, NULL);
	close(t->fd);
	SSL_CTX_free(t->ctx);
}

static struct saker_outputs_config tls_cfg(int port, char *portbuf, char *ca,
					   const char *ca_name)
{
	struct saker_outputs_config c = remote_cfg(true, port, portbuf);

	c.remote_proto = SAKER_SYSLOG_TLS;
	cert_path(ca, 128, ca_name);
	c.remote_ca_file = ca;
	return c;
}

/* ---- tests ------------------------------------------------------------- */

static void deliver_ok(const char *host, const char *server_name, bool client_cert)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 100 };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16], ca[128], crt[128], key[128];
	struct tls_rx t;
	int i;

	tls_rx_start(&t, &m, client_cert);
	c = tls_cfg(t.port, port, ca, "ca.crt");
	c.remote_host = host;
	c.remote_server_name = server_name;
	if (client_cert) {
		cert_path(crt, sizeof(crt), "cli.crt");
		cert_path(key, sizeof(key), "cli.key");
		c.remote_client_cert = crt;
		c.remote_client_key = key;
	}
	o = new_outputs(&c);
	for (i = 0; i < 100; i++)
		emit_id(o, i, i % 3 ? NULL : FORGED);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	ck_assert(wait_for(has_msgs, &want, 3000));
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 100);
	ck_assert_uint_eq(st.dropped_error + st.dropped_queue, 0);
	saker_outputs_free(o, 1000);
	tls_rx_stop(&t);
	ck_assert_int_eq(atomic_load(&t.accepted), 1);
	ck_assert_int_eq(atomic_load(&t.refused), 0);
	ck_assert_uint_eq(m.n, 100);
	ck_assert_uint_eq(m.bad, 0);
	for (size_t k = 0; k < m.n; k++) {
		ck_assert_msg(!strncmp(m.v[k], "<132>1 ", 7), "%s", m.v[k]);
		ck_assert_ptr_null(strchr(m.v[k], '\n'));
	}
	check_ids(&m, 100, 1);
	msgs_free(&m);
}

START_TEST(tls_delivers_frames_by_name)
{
	/* Connect to the address, check the certificate for a DNS name. */
	deliver_ok("127.0.0.1", "localhost", false);
}
END_TEST

START_TEST(tls_delivers_frames_by_address)
{
	/* No server_name: the host, an address here, is checked (IP SAN). */
	deliver_ok("127.0.0.1", NULL, false);
}
END_TEST

START_TEST(tls_client_certificate)
{
	deliver_ok("localhost", NULL, true);
}
END_TEST

static void refused(const char *ca_name, const char *server_name)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16], ca[128];
	struct tls_rx t;
	int i;

	tls_rx_start(&t, &m, false);
	c = tls_cfg(t.port, port, ca, ca_name);
	c.remote_server_name = server_name;
	o = new_outputs(&c);
	for (i = 0; i < 3; i++)
		emit_id(o, i, NULL);
	/* Backoff between attempts: 0 + 100 + 200 ms. */
	ck_assert_int_eq(saker_outputs_flush(o, 3000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.dropped_error, 3);
	ck_assert_uint_eq(st.sent, 0);
	saker_outputs_free(o, 500);
	tls_rx_stop(&t);
	/* The receiver saw handshakes fail and not one record. */
	ck_assert_int_ge(atomic_load(&t.refused), 3);
	ck_assert_int_eq(atomic_load(&t.accepted), 0);
	ck_assert_uint_eq(m.n, 0);
	msgs_free(&m);
}

START_TEST(tls_wrong_ca_refused)
{
	refused("other.crt", "localhost");
}
END_TEST

START_TEST(tls_wrong_name_refused)
{
	refused("ca.crt", "logs.example.org");
}
END_TEST

START_TEST(tls_bad_files_refused_at_start)
{
	struct saker_outputs_config c;
	struct saker_outputs *o = NULL;
	char port[16], ca[128], err[512];

	c = tls_cfg(6514, port, ca, "missing.crt");
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "ca_file") && strstr(err, "missing.crt"), "%s", err);
	c = tls_cfg(6514, port, ca, "ca.crt");
	/* A certificate with another's key. */
	c.remote_client_cert = ca;
	c.remote_client_key = ca;
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "client_cert"), "%s", err);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("syslog_tls");
	TCase *tc = tcase_create("tls");

	tcase_set_timeout(tc, 20);
	tcase_add_unchecked_fixture(tc, make_certs, remove_certs);
	tcase_add_test(tc, tls_delivers_frames_by_name);
	tcase_add_test(tc, tls_delivers_frames_by_address);
	tcase_add_test(tc, tls_client_certificate);
	tcase_add_test(tc, tls_wrong_ca_refused);
	tcase_add_test(tc, tls_wrong_name_refused);
	tcase_add_test(tc, tls_bad_files_refused_at_start);
	suite_add_tcase(s, tc);
	return s;
}
