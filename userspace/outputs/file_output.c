// SPDX-License-Identifier: GPL-2.0
/*
 * The stdout and file outputs: alert lines written to a file descriptor
 * that must never stall its writer, and the file reopened for logrotate
 * (saker_outputs_reopen() flags it, the writer reopens before its next line).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs_int.h"

struct stdout_out {
	int fd;
	bool sock;
};

/*
 * A write() that blocks cannot be stopped, so the writer needs a
 * non-blocking fd without touching the flags of fd 1, which other processes
 * share: a pipe, FIFO or terminal is opened anew through /proc, a socket
 * gets MSG_DONTWAIT, and a regular file does not block.
 */
static int stdout_open(struct saker_out *out, const struct saker_outputs_config *cfg,
		       char *err, size_t errlen)
{
	struct stdout_out *so = malloc(sizeof(*so));
	struct stat st;

	(void)cfg;
	if (!so) {
		snprintf(err, errlen, "stdout_output: out of memory");
		return -ENOMEM;
	}
	so->fd = STDOUT_FILENO;
	so->sock = false;
	if (!fstat(STDOUT_FILENO, &st)) {
		if (S_ISSOCK(st.st_mode)) {
			so->sock = true;
		} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
			int fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK |
				      O_CLOEXEC | O_NOCTTY);

			if (fd >= 0)
				so->fd = fd;
		}
	}
	out->priv = so;
	return 0;
}

static void stdout_close(struct saker_out *out, uint64_t deadline_ns)
{
	struct stdout_out *so = out->priv;

	(void)deadline_ns;
	if (!so)
		return;
	if (so->fd != STDOUT_FILENO)
		close(so->fd);
	free(so);
	out->priv = NULL;
}

static int stdout_deliver(struct saker_out *out, const struct saker_payload *p)
{
	struct stdout_out *so = out->priv;
	int ret = saker_out_write_all(out, so->fd, p->line, p->line_len,
				      so->sock, -1);

	if (ret && ret != -ECANCELED)
		saker_out_failed(out, "write", -ret);
	else if (!ret)
		saker_out_recovered(out);
	return ret;
}

const struct saker_out_ops saker_out_stdout_ops = {
	.open = stdout_open,
	.deliver = stdout_deliver,
	.close = stdout_close,
};

struct file_out {
	const char *path;
	int fd;
};

static int file_open_fd(const char *path)
{
	/* O_NONBLOCK only matters for a FIFO: it must not stall the writer. */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
		      O_NONBLOCK, 0600);

	return fd < 0 ? -errno : fd;
}

static int file_open(struct saker_out *out, const struct saker_outputs_config *cfg,
		     char *err, size_t errlen)
{
	struct file_out *f;
	int fd;

	if (!cfg->file_path || !*cfg->file_path) {
		snprintf(err, errlen, "file_output: no filename");
		return -EINVAL;
	}
	fd = file_open_fd(cfg->file_path);
	if (fd < 0) {
		snprintf(err, errlen, "file_output: %s: %s", cfg->file_path,
			 strerror(-fd));
		return fd;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		close(fd);
		snprintf(err, errlen, "file_output: out of memory");
		return -ENOMEM;
	}
	f->path = cfg->file_path;
	f->fd = fd;
	out->priv = f;
	return 0;
}

static int file_deliver(struct saker_out *out, const struct saker_payload *p)
{
	struct file_out *f = out->priv;
	int ret = saker_out_write_all(out, f->fd, p->line, p->line_len, false, -1);

	if (ret && ret != -ECANCELED)
		saker_out_failed(out, f->path, -ret);
	else if (!ret)
		saker_out_recovered(out);
	return ret;
}

static void file_reopen(struct saker_out *out)
{
	struct file_out *f = out->priv;
	int fd = file_open_fd(f->path);

	/* Keep writing to the old file rather than losing alerts. */
	if (fd < 0) {
		saker_out_failed(out, "reopen", -fd);
		return;
	}
	close(f->fd);
	f->fd = fd;
}

static void file_close(struct saker_out *out, uint64_t deadline_ns)
{
	struct file_out *f = out->priv;

	(void)deadline_ns;
	if (!f)
		return;
	close(f->fd);
	free(f);
	out->priv = NULL;
}

const struct saker_out_ops saker_out_file_ops = {
	.open = file_open,
	.deliver = file_deliver,
	.reopen = file_reopen,
	.close = file_close,
};
