/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the outputs' unit tests: bounded condition waits,
 * temporary files, alerts tagged with an id, and in-process syslog
 * receivers (UDP datagrams, TCP octet-counted frames) on 127.0.0.1.
 */
#ifndef SAKER_OUTPUTS_TESTLIB_H
#define SAKER_OUTPUTS_TESTLIB_H

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "outputs/outputs.h"

#define T0 1795375896123456789ULL

/* ---- helpers ----------------------------------------------------------- */

static inline uint64_t now_ms(void)
{
	return saker_now_mono_ns() / SAKER_NSEC_PER_MSEC;
}

static inline void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Polls cond(arg) every millisecond for at most ms; its last value. */
static inline bool wait_for(bool (*cond)(void *), void *arg, unsigned int ms)
{
	uint64_t end = now_ms() + ms;

	while (!cond(arg)) {
		if (now_ms() >= end)
			return cond(arg);
		msleep(1);
	}
	return true;
}

static char tmpdir[64];

static inline void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/saker-outputs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static inline void tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static inline size_t count_lines(const char *path)
{
	char *s = slurp(path);
	size_t n = 0;

	for (char *c = s; c && *c; c++)
		n += *c == '\n';
	free(s);
	return n;
}

struct lines_arg {
	const char *path;
	size_t n;
};

static inline bool has_lines(void *arg)
{
	struct lines_arg *a = arg;

	return count_lines(a->path) >= a->n;
}

static inline void emit_id(struct saker_outputs *o, int id, const char *extra)
{
	char out[8192];
	struct saker_alert_msg m = {
		.time_ns = T0 + (uint64_t)id,
		.rule = "Test rule",
		.priority = SAKER_PRIO_WARNING,
		.source = "syscall",
		.output = out,
	};

	snprintf(out, sizeof(out), "alert id=%d%s", id, extra ? extra : "");
	saker_outputs_emit(o, &m);
}

static inline struct saker_output_stats stats(struct saker_outputs *o, size_t i)
{
	struct saker_output_stats st;

	saker_outputs_stats(o, i, &st);
	return st;
}

static inline struct saker_outputs *new_outputs(const struct saker_outputs_config *cfg)
{
	struct saker_outputs *o = NULL;
	char err[256];
	int ret = saker_outputs_new(&o, cfg, err, sizeof(err));

	ck_assert_msg(ret == 0, "saker_outputs_new: %d %s", ret, err);
	return o;
}

/* ---- receivers: UDP datagrams, TCP octet-counted frames -------------- */

struct msgs {
	pthread_mutex_t lock;
	char **v;
	size_t n, cap;
	size_t partial;		/* incomplete frames cut by a connection's end */
	size_t bad;		/* framing errors */
	size_t conns;
};

static inline void msgs_push(struct msgs *m, const char *p, size_t len)
{
	char *s = malloc(len + 1);

	memcpy(s, p, len);
	s[len] = '\0';
	pthread_mutex_lock(&m->lock);
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n++] = s;
	pthread_mutex_unlock(&m->lock);
}

static inline size_t msgs_count(struct msgs *m)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->n;
	pthread_mutex_unlock(&m->lock);
	return n;
}

static inline void msgs_free(struct msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
}

struct msgs_arg {
	struct msgs *m;
	size_t n;
};

static inline bool has_msgs(void *arg)
{
	struct msgs_arg *a = arg;

	return msgs_count(a->m) >= a->n;
}

/* The alert id in a message; every id in [0, n) must be seen `times` times. */
static inline void check_ids(struct msgs *m, int n, int times)
{
	int *seen = calloc((size_t)n, sizeof(int));

	for (size_t i = 0; i < m->n; i++) {
		const char *p = strstr(m->v[i], "alert id=");
		int id;

		ck_assert_msg(p, "no id in %s", m->v[i]);
		id = atoi(p + 9);
		ck_assert_int_ge(id, 0);
		ck_assert_int_lt(id, n);
		seen[id]++;
	}
	for (int i = 0; i < n; i++)
		ck_assert_msg(seen[i] == times, "id %d seen %d times", i, seen[i]);
	free(seen);
}

struct rx {
	bool tcp;
	int fd;			/* listening socket, or the UDP socket */
	int port;
	int stop[2];
	size_t close_after;	/* TCP: die after this many frames (0: never) */
	pthread_t th;
	struct msgs *m;
};

/* Frames in buf[0..len): pushes complete ones, returns bytes consumed. */
static inline size_t parse_frames(struct msgs *m, const char *buf, size_t len, bool *bad)
{
	size_t off = 0;

	while (off < len) {
		size_t i = off, flen = 0;

		while (i < len && buf[i] >= '0' && buf[i] <= '9' && i - off < 10)
			flen = flen * 10 + (size_t)(buf[i++] - '0');
		if (i == len)
			break;
		if (i == off || buf[i] != ' ' || buf[off] == '0') {
			*bad = true;
			break;
		}
		if (len - (i + 1) < flen)
			break;
		msgs_push(m, buf + i + 1, flen);
		off = i + 1 + flen;
	}
	return off;
}

static inline void *rx_main(void *arg)
{
	struct rx *r = arg;
	size_t cap = 1 << 20, len = 0, frames = 0;
	char *buf = malloc(cap);
	bool finishing = false;
	uint64_t end = 0;
	int cfd = -1;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = finishing ? -1 : r->stop[0], .events = POLLIN },
			{ .fd = r->fd, .events = POLLIN },
			{ .fd = cfd, .events = POLLIN },
		};
		/* Bounded waits: a receiver must never be the reason a test hangs. */
		int n = poll(pfd, 3, 10);

		/* Finishing: read until the sender closes and 10 ms pass in silence. */
		if (finishing && (now_ms() >= end || (n == 0 && cfd < 0)))
			break;
		if (n <= 0)
			continue;
		if (pfd[0].revents) {
			char c = 'k';

			if (read(r->stop[0], &c, 1) != 1 || c == 'k')
				break;
			finishing = true;
			end = now_ms() + 1500;
			continue;
		}
		if (!r->tcp && pfd[1].revents) {
			ssize_t got = recv(r->fd, buf, cap, 0);

			if (got >= 0)
				msgs_push(r->m, buf, (size_t)got);
			continue;
		}
		if (pfd[1].revents && cfd < 0) {
			cfd = accept(r->fd, NULL, NULL);
			len = 0;
			pthread_mutex_lock(&r->m->lock);
			r->m->conns++;
			pthread_mutex_unlock(&r->m->lock);
		}
		if (cfd >= 0 && pfd[2].revents) {
			ssize_t got = recv(cfd, buf + len, cap - len, 0);
			bool bad = false;
			size_t used;

			if (got <= 0) {
				if (len) {
					pthread_mutex_lock(&r->m->lock);
					r->m->partial++;
					pthread_mutex_unlock(&r->m->lock);
				}
				close(cfd);
				cfd = -1;
				continue;
			}
			len += (size_t)got;
			used = parse_frames(r->m, buf, len, &bad);
			frames = msgs_count(r->m);
			memmove(buf, buf + used, len - used);
			len -= used;
			if (bad) {
				pthread_mutex_lock(&r->m->lock);
				r->m->bad++;
				pthread_mutex_unlock(&r->m->lock);
			}
			/* Dies with unread data: the sender sees a reset. */
			if (r->close_after && frames >= r->close_after)
				break;
		}
	}
	if (cfd >= 0)
		close(cfd);
	close(r->fd);
	r->fd = -1;
	free(buf);
	return NULL;
}

/* Binds 127.0.0.1:port (0: ephemeral) and starts the receiver thread. */
static inline void rx_start(struct rx *r, bool tcp, int port, struct msgs *m, int rcvbuf,
		     bool thread)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int on = 1;

	memset(r, 0, sizeof(*r));
	r->tcp = tcp;
	r->m = m;
	r->fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(r->fd, 0);
	setsockopt(r->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (rcvbuf)
		setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(r->fd, (struct sockaddr *)&sa, &len), 0);
	r->port = ntohs(sa.sin_port);
	if (tcp)
		ck_assert_int_eq(listen(r->fd, 8), 0);
	ck_assert_int_eq(pipe(r->stop), 0);
	if (thread)
		ck_assert_int_eq(pthread_create(&r->th, NULL, rx_main, r), 0);
}

/* how: 'k' dies now (unread data resets the sender), 'f' reads to the end. */
static inline void rx_stop(struct rx *r, char how)
{
	ck_assert_int_eq(write(r->stop[1], &how, 1), 1);
	pthread_join(r->th, NULL);
	close(r->stop[0]);
	close(r->stop[1]);
}

static inline struct saker_outputs_config remote_cfg(bool tcp, int port, char *portbuf)
{
	struct saker_outputs_config c = {
		.queue_size = 1024,
		.hostname = "test-host",
		.remote_enabled = true,
		.remote_host = "127.0.0.1",
		.remote_port = portbuf,
		.remote_proto = tcp ? SAKER_SYSLOG_TCP : SAKER_SYSLOG_UDP,
		.facility = 16,
		.app_name = "saker",
	};

	sprintf(portbuf, "%d", port);
	return c;
}

#define FORGED "\n<13>1 2026-01-01T00:00:00Z evil forged - - - id=999\r\n"

#endif /* SAKER_OUTPUTS_TESTLIB_H */
