// SPDX-License-Identifier: GPL-2.0
/*
 * Local syslog output: RFC 3164 records sent to /dev/log ourselves rather
 * than through syslog(3), because syslog(3) hides send errors (nothing to
 * count), shares openlog() state with the rest of the daemon, and blocks in
 * send() where a stop request cannot reach it. See docs/outputs.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "outputs_int.h"

struct local_out {
	struct sockaddr_un sa;
	int fd;
};

static int local_open(struct saker_out *out, const struct saker_outputs_config *cfg,
		      char *err, size_t errlen)
{
	const char *path = cfg->syslog_path ? cfg->syslog_path : "/dev/log";
	struct local_out *l;

	if (strlen(path) >= sizeof(l->sa.sun_path)) {
		snprintf(err, errlen, "syslog_output: %s: path too long", path);
		return -ENAMETOOLONG;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "syslog_output: out of memory");
		return -ENOMEM;
	}
	l->sa.sun_family = AF_UNIX;
	strcpy(l->sa.sun_path, path);
	/* Connected lazily: syslogd may start after us, or restart. */
	l->fd = -1;
	out->priv = l;
	return 0;
}

static int local_connect(struct local_out *l)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&l->sa, sizeof(l->sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	l->fd = fd;
	return 0;
}

static int local_deliver(struct saker_out *out, const struct saker_payload *p)
{
	struct local_out *l = out->priv;
	const char *what = "send";
	int ret = 0, attempt;

	/* A second attempt on a fresh socket covers a restarted syslogd. */
	for (attempt = 0; attempt < 2; attempt++) {
		if (l->fd < 0) {
			ret = local_connect(l);
			if (ret) {
				what = l->sa.sun_path;
				continue;
			}
		}
		/* A full receive queue waits (stop-aware); the queue bounds the rest. */
		ret = saker_out_write_all(out, l->fd, p->local, p->local_len, true, -1);
		if (!ret) {
			saker_out_recovered(out);
			return 0;
		}
		if (ret == -ECANCELED)
			return ret;
		what = "send";
		close(l->fd);
		l->fd = -1;
	}
	saker_out_failed(out, what, -ret);
	return ret;
}

static void local_close(struct saker_out *out, uint64_t deadline_ns)
{
	struct local_out *l = out->priv;

	(void)deadline_ns;
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l);
	out->priv = NULL;
}

const struct saker_out_ops saker_out_syslog_ops = {
	.open = local_open,
	.deliver = local_deliver,
	.close = local_close,
};
