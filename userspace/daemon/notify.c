// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify without libsystemd: the protocol is one datagram per state
 * change on a SOCK_DGRAM AF_UNIX socket, which is all sakerd needs (no
 * fd passing). The socket is made once at start, so a notification can
 * never fail for want of a descriptor later.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

/* The address of NOTIFY_SOCKET, whose name the socket is connected to. */
static int notify_addr(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* systemd sets only absolute paths and abstract names. */
	if ((name[0] != '/' && name[0] != '@') || n < 2 || n >= sizeof(sa->sun_path))
		return -EINVAL;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@')	/* abstract: a leading NUL, length without a final one */
		sa->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	return 0;
}

static uint64_t watchdog_period_ns(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (!usec)
		return 0;
	/* With WATCHDOG_PID, only the process it names pings. */
	if (pid && strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno || end == usec || *end || !v || v > UINT64_MAX / 1000)
		return 0;
	return (uint64_t)v * 1000;
}

int saker_notify_init(struct saker_notify *n)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int ret;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (!name || !*name)
		return 0;
	ret = notify_addr(name, &sa, &len);
	if (ret)
		return ret;
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return -errno;
	/* Connected: a send needs no address, and a missing peer shows at once. */
	if (connect(n->fd, (struct sockaddr *)&sa, len)) {
		ret = -errno;
		goto close_fd;
	}
	n->watchdog_ns = watchdog_period_ns();
	n->on = true;
	return 0;
close_fd:
	close(n->fd);
	n->fd = -1;
	return ret;
}

void saker_notify_close(struct saker_notify *n)
{
	if (n->on)
		close(n->fd);
	n->on = false;
	n->fd = -1;
}

int saker_notify_send(struct saker_notify *n, const char *state)
{
	size_t len = strlen(state);
	ssize_t w;

	if (!n->on)
		return 0;
	/* Never block the event loop on a busy manager: the datagram is dropped and counted. */
	w = send(n->fd, state, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w == (ssize_t)len)
		return 0;
	n->failed++;
	return w < 0 ? -errno : -EMSGSIZE;
}

int saker_notify_sendf(struct saker_notify *n, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int len;

	if (!n->on)
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	return saker_notify_send(n, buf);	/* a cut STATUS line is still a status */
}

bool saker_notify_watchdog(struct saker_notify *n, uint64_t now_ns)
{
	uint64_t due;

	if (!n->on || !n->watchdog_ns)
		return false;
	due = n->watchdog_ns / 2;
	due = due > SAKER_NOTIFY_TICK_NS ? due - SAKER_NOTIFY_TICK_NS : 0;
	if (n->last_ping_ns && now_ns - n->last_ping_ns < due)
		return false;
	n->last_ping_ns = now_ns;
	saker_notify_send(n, "WATCHDOG=1");
	return true;
}
