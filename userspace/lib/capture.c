// SPDX-License-Identifier: GPL-2.0
/*
 * Capture file writer and reader; the format is described in capture.h.
 * The reader streams (it also works on pipes) and decodes with saker_decode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "clock.h"
#include "errbuf.h"

#define ERRLEN		256
#define BUF_SIZE	(64 * 1024)
/* Bigger than any known record; bounds memory for a hostile length. */
#define REC_MAX		(16 * 1024 * 1024)
#define HDR_MAX		4096

struct saker_capture_writer {
	int fd;
	bool own_fd;		/* false for stdout: the caller owns it */
	int error;		/* first -errno met; sticky */
	size_t fill;
	unsigned char *buf;	/* BUF_SIZE bytes */
	char *path;
	char err[ERRLEN];
};

struct saker_capture_reader {
	int fd;
	bool own_fd;
	bool eof;
	unsigned char *buf;	/* cap bytes; records start 8-aligned */
	size_t cap, start, fill;
	uint64_t base;		/* file offset of buf[0] */
	struct saker_capture_info info;
	char *path;
	char err[ERRLEN];
};

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int writer_fail(struct saker_capture_writer *w, int ret)
{
	if (!w->error) {
		w->error = ret;
		saker_set_err(w->err, sizeof(w->err), "%s: %s", w->path,
			strerror(-ret));
	}
	return w->error;
}

int saker_capture_writer_open(struct saker_capture_writer **out,
			      const char *path, char *err, size_t errlen)
{
	struct saker_clock_anchor host;

	saker_clock_anchor_sample(&host);
	return saker_capture_writer_open_at(out, path, host.offset_ns, err,
					    errlen);
}

int saker_capture_writer_open_at(struct saker_capture_writer **out,
				 const char *path, int64_t clock_offset_ns,
				 char *err, size_t errlen)
{
	struct saker_capture_hdr hdr = {
		.abi_version = SAKER_ABI_VERSION,
		.header_len = SAKER_CAPTURE_HDR_LEN,
		.clock_offset_ns = clock_offset_ns,
	};
	struct saker_capture_writer *w;
	int ret;

	w = calloc(1, sizeof(*w));
	if (!w)
		goto out_of_memory;
	w->buf = malloc(BUF_SIZE);
	w->path = strdup(path);
	if (!w->buf || !w->path) {
		ret = -ENOMEM;
		saker_set_err(err, errlen, "out of memory");
		goto free_writer;
	}
	if (strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
	} else {
		/* 0600: argv and paths in a capture can be sensitive. */
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0600);
		if (w->fd < 0) {
			ret = -errno;
			saker_set_err(err, errlen, "%s: %s", path, strerror(-ret));
			goto free_writer;
		}
		w->own_fd = true;
	}
	memcpy(hdr.magic, SAKER_CAPTURE_MAGIC, sizeof(hdr.magic));
	memcpy(w->buf, &hdr, sizeof(hdr));
	w->fill = sizeof(hdr);
	*out = w;
	return 0;

free_writer:
	free(w->path);
	free(w->buf);
	free(w);
	return ret;
out_of_memory:
	saker_set_err(err, errlen, "out of memory");
	return -ENOMEM;
}

int saker_capture_flush(struct saker_capture_writer *w)
{
	int ret;

	if (w->error)
		return w->error;
	ret = write_all(w->fd, w->buf, w->fill);
	w->fill = 0;
	if (ret)
		return writer_fail(w, ret);
	return 0;
}

int saker_capture_write(struct saker_capture_writer *w, const void *rec,
			size_t len)
{
	int ret;

	if (w->error)
		return w->error;
	if (len < sizeof(struct saker_rec_hdr) || len % SAKER_REC_ALIGN)
		return -EINVAL;
	if (len > BUF_SIZE - w->fill) {
		ret = saker_capture_flush(w);
		if (ret)
			return ret;
	}
	if (len > BUF_SIZE) {
		ret = write_all(w->fd, rec, len);
		return ret ? writer_fail(w, ret) : 0;
	}
	memcpy(w->buf + w->fill, rec, len);
	w->fill += len;
	return 0;
}

int saker_capture_write_event(struct saker_capture_writer *w,
			      const struct saker_event *ev)
{
	/* The task is the first thing after the record header (saker.h). */
	const unsigned char *rec = (const unsigned char *)ev->task -
				   sizeof(struct saker_rec_hdr);

	return saker_capture_write(w, rec, ev->rec_len);
}

int saker_capture_writer_close(struct saker_capture_writer *w)
{
	int ret;

	saker_capture_flush(w);
	/* close() can report a delayed write error (NFS, quota). */
	if (w->own_fd && close(w->fd))
		writer_fail(w, -errno);
	ret = w->error;
	free(w->path);
	free(w->buf);
	free(w);
	return ret;
}

const char *saker_capture_writer_error(const struct saker_capture_writer *w)
{
	return w->err;
}

/* One read() into the free end of the buffer; sets eof. 0 or -errno. */
static int read_more(struct saker_capture_reader *r)
{
	ssize_t n;

	do
		n = read(r->fd, r->buf + r->fill, r->cap - r->fill);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int ret = -errno;

		saker_set_err(r->err, sizeof(r->err), "%s: %s", r->path,
			strerror(-ret));
		return ret;
	}
	if (n == 0)
		r->eof = true;
	r->fill += (size_t)n;
	return 0;
}

/* Fill the buffer until it holds want bytes or the file ends. */
static int read_until(struct saker_capture_reader *r, size_t want)
{
	int ret;

	while (r->fill < want && !r->eof) {
		ret = read_more(r);
		if (ret)
			return ret;
	}
	return 0;
}

int saker_capture_header_parse(const void *buf, size_t avail,
			       struct saker_capture_info *info,
			       char *err, size_t errlen)
{
	struct saker_capture_hdr hdr = { 0 };

	memset(info, 0, sizeof(*info));
	if (avail < SAKER_CAPTURE_HDR_LEN_V1) {
		if (avail >= sizeof(hdr.magic) &&
		    !memcmp(buf, SAKER_CAPTURE_MAGIC, sizeof(hdr.magic)))
			saker_set_err(err, errlen,
				"capture header truncated (%zu of %u bytes)",
				avail, SAKER_CAPTURE_HDR_LEN_V1);
		else
			saker_set_err(err, errlen,
				"not a saker capture file (only %zu bytes)", avail);
		return -ENODATA;
	}
	/* An old 16-byte header leaves clock_offset_ns zero. */
	memcpy(&hdr, buf, avail < sizeof(hdr) ? avail : sizeof(hdr));
	if (memcmp(hdr.magic, SAKER_CAPTURE_MAGIC, sizeof(hdr.magic))) {
		saker_set_err(err, errlen, "not a saker capture file (bad magic)");
		return -EINVAL;
	}
	if (hdr.abi_version != SAKER_ABI_VERSION) {
		saker_set_err(err, errlen,
			"capture holds ABI v%u records, this program reads v%u",
			hdr.abi_version, SAKER_ABI_VERSION);
		return -EPROTO;
	}
	if (hdr.header_len < SAKER_CAPTURE_HDR_LEN_V1 || hdr.header_len > HDR_MAX ||
	    hdr.header_len % SAKER_REC_ALIGN) {
		saker_set_err(err, errlen, "bad capture header length %u",
			hdr.header_len);
		return -EINVAL;
	}
	info->abi_version = hdr.abi_version;
	info->header_len = hdr.header_len;
	if (avail < hdr.header_len) {
		saker_set_err(err, errlen, "capture header truncated (%zu of %u bytes)",
			avail, hdr.header_len);
		return -ENODATA;
	}
	if (hdr.header_len >= SAKER_CAPTURE_HDR_LEN) {
		info->has_clock = true;
		info->clock_offset_ns = hdr.clock_offset_ns;
	}
	return 0;
}

static int check_header(struct saker_capture_reader *r)
{
	char msg[ERRLEN];
	int ret;

	ret = read_until(r, SAKER_CAPTURE_HDR_LEN_V1);
	if (ret)
		return ret;
	ret = saker_capture_header_parse(r->buf, r->fill, &r->info, msg, sizeof(msg));
	if (ret == -ENODATA && r->info.header_len) {
		/* The fixed part is in: now the rest of a longer header. */
		ret = read_until(r, r->info.header_len);
		if (ret)
			return ret;
		ret = saker_capture_header_parse(r->buf, r->fill, &r->info, msg,
						 sizeof(msg));
	}
	if (ret) {
		saker_set_err(r->err, sizeof(r->err), "%s: %s", r->path, msg);
		return ret == -ENODATA ? -EINVAL : ret;
	}
	if (!r->info.has_clock) {
		struct saker_clock_anchor host;

		/* Documented fallback: the replaying host's own anchor. */
		saker_clock_anchor_sample(&host);
		r->info.clock_offset_ns = host.offset_ns;
	}
	r->start = r->info.header_len;
	return 0;
}

/* A reader of fd (owned when own_fd) named path: header checked. */
static int reader_start(struct saker_capture_reader **out, int fd, bool own_fd,
			const char *path, char *err, size_t errlen)
{
	struct saker_capture_reader *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		goto out_of_memory;
	r->cap = BUF_SIZE;
	r->buf = malloc(r->cap);
	r->path = strdup(path);
	if (!r->buf || !r->path) {
		ret = -ENOMEM;
		saker_set_err(err, errlen, "out of memory");
		goto free_reader;
	}
	r->fd = fd;
	ret = check_header(r);
	if (ret) {
		saker_set_err(err, errlen, "%s", r->err);
		goto free_reader;
	}
	r->own_fd = own_fd;
	*out = r;
	return 0;

free_reader:
	free(r->path);
	free(r->buf);
	free(r);
	return ret;
out_of_memory:
	saker_set_err(err, errlen, "out of memory");
	return -ENOMEM;
}

int saker_capture_reader_open(struct saker_capture_reader **out,
			      const char *path, char *err, size_t errlen)
{
	int fd, ret;

	if (strcmp(path, "-") == 0)
		return reader_start(out, STDIN_FILENO, false, path, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		saker_set_err(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = reader_start(out, fd, true, path, err, errlen);
	if (ret)
		close(fd);
	return ret;
}

int saker_capture_reader_fdopen(struct saker_capture_reader **out, int fd,
				const char *name, char *err, size_t errlen)
{
	return reader_start(out, fd, true, name, err, errlen);
}

/* Move the unread bytes to the front and make room for need bytes. */
static int make_room(struct saker_capture_reader *r, size_t need)
{
	size_t avail = r->fill - r->start;

	/* start is 8-aligned, so the front stays aligned for the decoder. */
	memmove(r->buf, r->buf + r->start, avail);
	r->base += r->start;
	r->start = 0;
	r->fill = avail;
	if (need > r->cap) {
		unsigned char *nb = realloc(r->buf, need);

		if (!nb) {
			saker_set_err(r->err, sizeof(r->err), "out of memory");
			return -ENOMEM;
		}
		r->buf = nb;
		r->cap = need;
	}
	return 0;
}

int saker_capture_next(struct saker_capture_reader *r, struct saker_event *ev)
{
	const char *why = NULL;
	size_t used, avail, need;
	int res, ret;

	for (;;) {
		avail = r->fill - r->start;
		res = saker_decode(r->buf + r->start, avail, ev, &used, &why);
		if (res == SAKER_DECODE_EVENT) {
			r->start += used;
			ev->time_ns = saker_clock_real_ns(ev->task->ts_ns,
							  r->info.clock_offset_ns);
			return 1;
		}
		if (res == SAKER_DECODE_SKIP) {
			r->start += used;
			continue;
		}
		if (res == SAKER_DECODE_CORRUPT) {
			saker_set_err(r->err, sizeof(r->err),
				"%s: corrupt record at offset %llu: %s", r->path,
				(unsigned long long)(r->base + r->start), why);
			return -EBADMSG;
		}
		/* SHORT: the record's length is known once its header is in. */
		need = sizeof(struct saker_rec_hdr);
		if (avail >= need)
			need = ((const struct saker_rec_hdr *)(r->buf + r->start))->len;
		if (r->eof) {
			if (!avail)
				return 0;
			saker_set_err(r->err, sizeof(r->err),
				"%s: truncated record at offset %llu (%zu of %zu bytes)",
				r->path, (unsigned long long)(r->base + r->start),
				avail, need);
			return -EBADMSG;
		}
		if (need > REC_MAX) {
			saker_set_err(r->err, sizeof(r->err),
				"%s: record at offset %llu claims %zu bytes",
				r->path, (unsigned long long)(r->base + r->start),
				need);
			return -EBADMSG;
		}
		ret = make_room(r, need);
		if (!ret)
			ret = read_more(r);
		if (ret)
			return ret;
	}
}

const struct saker_capture_info *
saker_capture_reader_info(const struct saker_capture_reader *r)
{
	return &r->info;
}

const char *saker_capture_reader_error(const struct saker_capture_reader *r)
{
	return r->err;
}

void saker_capture_reader_close(struct saker_capture_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	free(r->path);
	free(r->buf);
	free(r);
}
