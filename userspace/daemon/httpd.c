// SPDX-License-Identifier: GPL-2.0
/*
 * The health and metrics endpoint's server: one thread, one poll() over
 * the listening socket, a stop pipe and at most SAKER_HTTPD_MAX_CONNS
 * non-blocking connections. Each connection reads one request head,
 * gets one answer and is closed (Connection: close): no keep-alive, no
 * body, nothing a client can make grow. The page it serves is a copy
 * the event loop published; the loop never waits on this thread for
 * longer than a memcpy under the mutex.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpd.h"
#include "lib/clock.h"
#include "lib/errbuf.h"

struct conn {
	int fd;			/* -1: free slot */
	uint64_t deadline_ns;
	size_t in_len;
	char in[SAKER_HTTPD_MAX_REQUEST];
	char *out;		/* the whole answer, once the head is read */
	size_t out_len, out_off;
};

struct saker_httpd {
	int lfd;
	int stop_pipe[2];
	pthread_t thread;
	char healthz[256];
	bool metrics;
	unsigned int port;
	pthread_mutex_t lock;	/* guards page, page_len, reason, stamp_ns */
	char *page;
	size_t page_len;
	char reason[256];	/* "" when healthy */
	uint64_t stamp_ns;	/* 0: nothing published yet */
	atomic_uint_fast64_t requests, bad, timeouts;
	struct conn conns[SAKER_HTTPD_MAX_CONNS];
};

static char *answer(int code, const char *status, const char *ctype, const char *body,
		    size_t len, bool head, size_t *out_len)
{
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
			 code, status, ctype, len);
	size_t blen = head ? 0 : len;
	char *out = malloc((size_t)n + blen);

	if (!out)
		return NULL;
	memcpy(out, hdr, (size_t)n);
	if (blen)
		memcpy(out + n, body, blen);
	*out_len = (size_t)n + blen;
	return out;
}

static char *text_answer(int code, const char *status, const char *body, bool head,
			 size_t *out_len)
{
	return answer(code, status, "text/plain; charset=utf-8", body, strlen(body), head,
		      out_len);
}

static char *healthz(struct saker_httpd *h, bool head, size_t *out_len)
{
	uint64_t now = saker_now_mono_ns(), stamp;
	char body[320];

	pthread_mutex_lock(&h->lock);
	stamp = h->stamp_ns;
	if (!stamp)
		snprintf(body, sizeof(body), "starting: the event loop has not run yet\n");
	else if (now - stamp > SAKER_HTTPD_STALE_NS)
		snprintf(body, sizeof(body), "event loop stalled: last ran %llu ms ago\n",
			 (unsigned long long)((now - stamp) / 1000000));
	else if (h->reason[0])
		snprintf(body, sizeof(body), "%s\n", h->reason);
	else
		snprintf(body, sizeof(body), "ok");
	pthread_mutex_unlock(&h->lock);
	if (!strcmp(body, "ok"))
		return text_answer(200, "OK", "ok\n", head, out_len);
	return text_answer(503, "Service Unavailable", body, head, out_len);
}

static char *metrics_page(struct saker_httpd *h, bool head, size_t *out_len)
{
	char *out;

	pthread_mutex_lock(&h->lock);
	if (!h->page)
		out = text_answer(503, "Service Unavailable", "no metrics yet\n", head, out_len);
	else
		out = answer(200, "OK", "text/plain; version=0.0.4; charset=utf-8", h->page,
			     h->page_len, head, out_len);
	pthread_mutex_unlock(&h->lock);
	return out;
}

/* The answer to a complete request head in c->in (NUL-terminated). */
static char *route(struct saker_httpd *h, struct conn *c, size_t *out_len)
{
	char *sp1, *sp2, *q, *line = c->in;
	bool head;

	line[strcspn(line, "\r\n")] = '\0';
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		atomic_fetch_add(&h->bad, 1);
		return text_answer(400, "Bad Request", "bad request\n", false, out_len);
	}
	*sp1 = *sp2 = '\0';
	head = !strcmp(line, "HEAD");
	if (!head && strcmp(line, "GET")) {
		atomic_fetch_add(&h->bad, 1);
		return text_answer(405, "Method Not Allowed", "only GET and HEAD\n", false,
				   out_len);
	}
	q = strchr(sp1 + 1, '?');	/* a query string changes nothing */
	if (q)
		*q = '\0';
	if (!strcmp(sp1 + 1, h->healthz))
		return healthz(h, head, out_len);
	if (h->metrics && !strcmp(sp1 + 1, "/metrics"))
		return metrics_page(h, head, out_len);
	return text_answer(404, "Not Found", "not found\n", head, out_len);
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->in_len = c->out_len = c->out_off = 0;
}

/* Reads what is there; once the head is complete, builds the answer. */
static void conn_read(struct saker_httpd *h, struct conn *c)
{
	ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(c);
		return;
	}
	if (n < 0)
		return;
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	if (strstr(c->in, "\r\n\r\n") || strstr(c->in, "\n\n")) {
		c->out = route(h, c, &c->out_len);
	} else if (c->in_len == sizeof(c->in) - 1) {
		atomic_fetch_add(&h->bad, 1);
		c->out = text_answer(431, "Request Header Fields Too Large",
				     "request head over 4096 bytes\n", false, &c->out_len);
	} else {
		return;
	}
	if (!c->out) {	/* no memory for the answer: the client sees a close */
		conn_close(c);
		return;
	}
	atomic_fetch_add(&h->requests, 1);
}

static void conn_write(struct conn *c)
{
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->out_off += (size_t)n;
	if (c->out_off == c->out_len) {
		/* Our half closed first, so the client reads EOF after the body. */
		shutdown(c->fd, SHUT_WR);
		conn_close(c);
	}
}

static void accept_one(struct saker_httpd *h)
{
	int fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	size_t i;

	if (fd < 0)
		return;
	for (i = 0; i < SAKER_HTTPD_MAX_CONNS; i++) {
		if (h->conns[i].fd < 0) {
			h->conns[i].fd = fd;
			h->conns[i].deadline_ns = saker_now_mono_ns() +
						  SAKER_HTTPD_TIMEOUT_MS * 1000000ull;
			return;
		}
	}
	close(fd);	/* not reached: the listener is not polled when full */
}

static void *serve(void *arg)
{
	struct saker_httpd *h = arg;
	struct pollfd pfd[SAKER_HTTPD_MAX_CONNS + 2];
	size_t map[SAKER_HTTPD_MAX_CONNS + 2];

	for (;;) {
		uint64_t now = saker_now_mono_ns(), next = now + SAKER_HTTPD_TIMEOUT_MS * 1000000ull;
		size_t i, n = 0, used = 0;
		int r;

		pfd[n++] = (struct pollfd){ .fd = h->stop_pipe[0], .events = POLLIN };
		for (i = 0; i < SAKER_HTTPD_MAX_CONNS; i++) {
			struct conn *c = &h->conns[i];

			if (c->fd < 0)
				continue;
			if (now >= c->deadline_ns) {
				atomic_fetch_add(&h->timeouts, 1);
				conn_close(c);
				continue;
			}
			used++;
			if (c->deadline_ns < next)
				next = c->deadline_ns;
			map[n] = i;
			pfd[n++] = (struct pollfd){ .fd = c->fd,
						    .events = c->out ? POLLOUT : POLLIN };
		}
		/* Full: new clients wait in the listen backlog, not here. */
		if (used < SAKER_HTTPD_MAX_CONNS)
			pfd[n++] = (struct pollfd){ .fd = h->lfd, .events = POLLIN };
		r = poll(pfd, (nfds_t)n, (int)((next - now) / 1000000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pfd[0].revents)
			break;
		for (i = 1; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == h->lfd) {
				accept_one(h);
				continue;
			}
			if (h->conns[map[i]].out)
				conn_write(&h->conns[map[i]]);
			else
				conn_read(h, &h->conns[map[i]]);
		}
	}
	return NULL;
}

static int listen_on(struct saker_httpd *h, const struct saker_httpd_config *cfg,
		     char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int one = 1, ret;

	if (cfg->port > 65535) {
		saker_set_err(err, errlen, "webserver.listen_port %u: above 65535", cfg->port);
		return -EINVAL;
	}
	if (inet_pton(AF_INET, cfg->address, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)cfg->port);
		len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, cfg->address, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)cfg->port);
		len = sizeof(*in6);
	} else {
		saker_set_err(err, errlen, "webserver.listen_address '%s': not a numeric IPv4 or IPv6 address",
			      cfg->address);
		return -EINVAL;
	}
	h->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->lfd < 0)
		goto fail;
	/* A restart rebinds at once, past the old socket's TIME_WAIT. */
	setsockopt(h->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(h->lfd, (struct sockaddr *)&ss, len) || listen(h->lfd, 64))
		goto fail;
	len = sizeof(ss);
	if (getsockname(h->lfd, (struct sockaddr *)&ss, &len))
		goto fail;
	h->port = ntohs(ss.ss_family == AF_INET ? in4->sin_port : in6->sin6_port);
	return 0;
fail:
	ret = -errno;
	saker_set_err(err, errlen, "webserver on %s port %u: %s", cfg->address, cfg->port,
		      strerror(errno));
	return ret;
}

int saker_httpd_start(struct saker_httpd **out, const struct saker_httpd_config *cfg,
		      char *err, size_t errlen)
{
	struct saker_httpd *h = calloc(1, sizeof(*h));
	size_t i;
	int ret;

	if (!h) {
		saker_set_err(err, errlen, "webserver: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	h->lfd = h->stop_pipe[0] = h->stop_pipe[1] = -1;
	for (i = 0; i < SAKER_HTTPD_MAX_CONNS; i++)
		h->conns[i].fd = -1;
	snprintf(h->healthz, sizeof(h->healthz), "%s", cfg->healthz_path);
	h->metrics = cfg->metrics;
	pthread_mutex_init(&h->lock, NULL);
	ret = listen_on(h, cfg, err, errlen);
	if (ret)
		goto close_listen;
	if (pipe2(h->stop_pipe, O_CLOEXEC)) {
		ret = -errno;
		saker_set_err(err, errlen, "webserver: %s", strerror(errno));
		goto close_listen;
	}
	ret = -pthread_create(&h->thread, NULL, serve, h);
	if (ret) {
		saker_set_err(err, errlen, "webserver thread: %s", strerror(-ret));
		goto close_pipe;
	}
	*out = h;
	return 0;
close_pipe:
	close(h->stop_pipe[0]);
	close(h->stop_pipe[1]);
close_listen:
	if (h->lfd >= 0)
		close(h->lfd);
	pthread_mutex_destroy(&h->lock);
	free(h);
	return ret;
}

unsigned int saker_httpd_port(const struct saker_httpd *h)
{
	return h->port;
}

int saker_httpd_publish(struct saker_httpd *h, const char *page, size_t len,
			const char *unhealthy)
{
	char *copy = page ? malloc(len ? len : 1) : NULL;
	uint64_t now = saker_now_mono_ns();

	if (copy)
		memcpy(copy, page, len);
	pthread_mutex_lock(&h->lock);
	if (copy) {
		free(h->page);
		h->page = copy;
		h->page_len = len;
	}
	snprintf(h->reason, sizeof(h->reason), "%s", unhealthy ? unhealthy : "");
	h->stamp_ns = now ? now : 1;
	pthread_mutex_unlock(&h->lock);
	return copy || !page ? 0 : -ENOMEM;
}

void saker_httpd_stats(const struct saker_httpd *h, struct saker_httpd_stats *st)
{
	st->requests = atomic_load(&h->requests);
	st->bad = atomic_load(&h->bad);
	st->timeouts = atomic_load(&h->timeouts);
}

void saker_httpd_stop(struct saker_httpd *h)
{
	size_t i;

	if (!h)
		return;
	if (write(h->stop_pipe[1], "x", 1) == 1)
		pthread_join(h->thread, NULL);
	for (i = 0; i < SAKER_HTTPD_MAX_CONNS; i++)
		if (h->conns[i].fd >= 0)
			conn_close(&h->conns[i]);
	close(h->stop_pipe[0]);
	close(h->stop_pipe[1]);
	close(h->lfd);
	pthread_mutex_destroy(&h->lock);
	free(h->page);
	free(h);
}
