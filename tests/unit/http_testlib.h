/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny HTTP/1.1 receiver for the tests (test_http_output, the replay end
 * to end test): on 127.0.0.1, one connection at a time, keep-alive, records
 * each request's method, headers of interest and body, answers a chosen
 * status after an optional delay; HTTPS when given an OpenSSL context.
 */
#ifndef SAKER_HTTP_TESTLIB_H
#define SAKER_HTTP_TESTLIB_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/time.h>

#include "outputs_testlib.h"

/* ---- the receiver ------------------------------------------------------ */

struct req {
	char *body;
	size_t len;
	char ctype[64], cenc[32], agent[64], method[8], auth[128];
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
	SSL_CTX *tls;		/* set before start: HTTPS */
	SSL *ssl;		/* the connection's, receiver thread only */
	size_t tls_refused;	/* handshakes that failed */
};

/* Whole writes and reads, on the socket or through TLS. */
static inline bool conn_write(struct http_rx *h, int cfd, const char *p, size_t n)
{
	if (h->ssl)
		return SSL_write(h->ssl, p, (int)n) == (int)n;
	return write(cfd, p, n) == (ssize_t)n;
}

/* >0 bytes, 0 nothing yet, <0 closed. */
static inline ssize_t conn_read(struct http_rx *h, int cfd, char *p, size_t n)
{
	ssize_t got;

	if (!h->ssl) {
		got = recv(cfd, p, n, 0);
		return got > 0 ? got : -1;
	}
	got = SSL_read(h->ssl, p, (int)n);
	if (got > 0)
		return got;
	return SSL_get_error(h->ssl, (int)got) == SSL_ERROR_WANT_READ ? 0 : -1;
}

static inline void header(const char *head, const char *name, char *out, size_t size)
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
static inline void serve_conn(struct http_rx *h, int cfd)
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
					header(buf, "Authorization:", r->auth, sizeof(r->auth));
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
				if (!conn_write(h, cfd, reply, strlen(reply)))
					return;
				continue;
			}
		}
		/* TLS may hold decrypted bytes the socket no longer shows. */
		if (!(h->ssl && SSL_pending(h->ssl)) && poll(pfd, 2, 10) <= 0)
			continue;
		if (pfd[1].revents)
			return;
		got = conn_read(h, cfd, buf + len, sizeof(buf) - len - 1);
		if (got < 0)
			return;
		len += (size_t)got;
	}
}

static inline void *http_rx_main(void *arg)
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
		if (h->tls) {
			/* Reads wake every 20 ms: a client that stalls cannot hang us. */
			struct timeval tv = { 0, 20000 };
			int r;

			setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			h->ssl = SSL_new(h->tls);
			SSL_set_fd(h->ssl, cfd);
			while ((r = SSL_accept(h->ssl)) != 1 &&
			       SSL_get_error(h->ssl, r) == SSL_ERROR_WANT_READ)
				;
			if (r != 1) {
				pthread_mutex_lock(&h->lock);
				h->tls_refused++;
				pthread_mutex_unlock(&h->lock);
				ERR_clear_error();
				SSL_free(h->ssl);
				h->ssl = NULL;
				close(cfd);
				continue;
			}
		}
		serve_conn(h, cfd);
		if (h->ssl) {
			ERR_clear_error();
			SSL_free(h->ssl);
			h->ssl = NULL;
		}
		close(cfd);
	}
	return NULL;
}

static inline void http_rx_start_tls(struct http_rx *h, int port, int status, SSL_CTX *tls);

/* port 0: ephemeral; else that port (a receiver coming back). */
static inline void http_rx_start(struct http_rx *h, int port, int status)
{
	http_rx_start_tls(h, port, status, NULL);
}

/* The same over TLS with ctx (NULL: plain HTTP); the caller frees ctx. */
static inline void http_rx_start_tls(struct http_rx *h, int port, int status, SSL_CTX *tls)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int on = 1;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->status = status;
	h->tls = tls;
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

static inline void http_rx_stop(struct http_rx *h)
{
	ck_assert_int_eq(write(h->stop[1], "x", 1), 1);
	pthread_join(h->th, NULL);
	close(h->stop[0]);
	close(h->stop[1]);
	close(h->fd);
}

static inline void http_rx_free(struct http_rx *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->reqs[i].body);
}

static inline size_t http_rx_count(struct http_rx *h)
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

static inline bool has_reqs(void *arg)
{
	struct rx_want *w = arg;

	return http_rx_count(w->h) >= w->n;
}

#endif /* SAKER_HTTP_TESTLIB_H */
