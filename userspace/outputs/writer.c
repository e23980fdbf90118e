// SPDX-License-Identifier: GPL-2.0
/*
 * What every output's writer thread uses (outputs_int.h): waits that a stop
 * request ends at once (the writer's eventfd is polled beside the fd),
 * the reconnect backoff, a bounded write of a whole record, and the error
 * reports, once per streak.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "outputs_int.h"

void saker_out_drain_wake(struct saker_out *out)
{
	uint64_t v;

	if (read(out->wake_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: already consumed. */
	}
}

int saker_out_wait_fd(struct saker_out *out, int fd, short events, int timeout_ms)
{
	uint64_t end = 0;
	struct pollfd pfd[2] = {
		{ .fd = out->wake_fd, .events = POLLIN },
		{ .fd = fd, .events = events },
	};
	nfds_t nfds = fd >= 0 ? 2 : 1;

	if (timeout_ms >= 0)
		end = saker_now_mono_ns() + (uint64_t)timeout_ms * 1000000ULL;
	for (;;) {
		int wait = -1, n;

		if (atomic_load(&out->stop))
			return -ECANCELED;
		if (timeout_ms >= 0) {
			uint64_t now = saker_now_mono_ns();

			if (now >= end)
				return 0;
			wait = (int)((end - now + 999999) / 1000000);
		}
		n = poll(pfd, nfds, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[0].revents)
			saker_out_drain_wake(out);
		if (nfds == 2 && pfd[1].revents)
			return pfd[1].revents;
	}
}

int saker_out_sleep(struct saker_out *out, unsigned int ms)
{
	int ret = saker_out_wait_fd(out, -1, 0, (int)ms);

	return ret < 0 ? ret : 0;
}

unsigned int saker_out_backoff(unsigned int *ms)
{
	unsigned int cur = *ms ? *ms : SAKER_OUT_BACKOFF_MIN_MS;

	*ms = cur >= SAKER_OUT_BACKOFF_MAX_MS / 2 ? SAKER_OUT_BACKOFF_MAX_MS : cur * 2;
	return cur;
}

int saker_out_write_all(struct saker_out *out, int fd, const char *buf,
			size_t len, bool sock, int stall_ms)
{
	while (len) {
		ssize_t n;
		int ret;

		/* MSG_DONTWAIT: stdout may be a blocking socket shared with others. */
		n = sock ? send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT)
			 : write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		ret = saker_out_wait_fd(out, fd, POLLOUT, stall_ms);
		if (ret < 0)
			return ret;
		if (!ret)
			return -ETIMEDOUT;
	}
	return 0;
}

void saker_out_failed(struct saker_out *out, const char *what, int err)
{
	char buf[128];

	if (out->failing)
		return;
	out->failing = true;
	/* From a writer thread: the log writes each line in one write(2). */
	saker_log_warnx("%s output: %s: %s (reported once until it recovers)",
			out->name, what, strerror_r(err, buf, sizeof(buf)));
}

void saker_out_failedx(struct saker_out *out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (out->failing)
		return;
	out->failing = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	saker_log_warnx("%s output: %s (reported once until it recovers)", out->name, msg);
}

void saker_out_recovered(struct saker_out *out)
{
	if (!out->failing)
		return;
	out->failing = false;
	saker_log_info("%s output: recovered", out->name);
}
