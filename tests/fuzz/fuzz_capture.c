// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the capture file reader (lib/capture.c): the input
 * is a whole capture file, header included. It is opened through a memfd
 * (the reader takes a path), every event is read, turned into JSON and
 * applied to a process table, and written again with the capture writer;
 * reading the copy back must give the same records byte for byte.
 * Build: make fuzz-capture; seeds: tests/fuzz/corpus_capture/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/capture.h"
#include "lib/json.h"
#include "track/proctable.h"

#define MAX_EVENTS 4096		/* bounds the work of one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_fd = -1, copy_fd = -1;
static char in_path[64], copy_path[64];

static void make_memfd(const char *name, int *fd, char *path, size_t len)
{
	*fd = memfd_create(name, MFD_CLOEXEC);
	if (*fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, len, "/proc/self/fd/%d", *fd);
}

/* Replace the memfd's content with buf. */
static void fill_memfd(int fd, const void *buf, size_t len)
{
	if (ftruncate(fd, 0) || (len && pwrite(fd, buf, len, 0) != (ssize_t)len))
		abort();
}

static unsigned int touch(struct saker_str s)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < s.len; i++)
		sum += (unsigned char)s.p[i];
	return sum;
}

static const unsigned char *raw(const struct saker_event *ev)
{
	return (const unsigned char *)ev->task - sizeof(struct saker_rec_hdr);
}

/* Reads the copy back: the same records, in order, then a clean end. */
static void check_copy(unsigned char *recs, size_t *lens, size_t n)
{
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[256];
	size_t i, off = 0;

	if (saker_capture_reader_open(&r, copy_path, err, sizeof(err)))
		abort();	/* the writer's own header */
	for (i = 0; i < n; i++) {
		if (saker_capture_next(r, &ev) != 1 || ev.rec_len != lens[i] ||
		    memcmp(raw(&ev), recs + off, lens[i]))
			abort();
		off += lens[i];
	}
	if (saker_capture_next(r, &ev) != 0)
		abort();
	saker_capture_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saker_capture_writer *w;
	struct saker_capture_reader *r;
	struct saker_proctable *pt;
	volatile unsigned int sink = 0;
	unsigned char *recs = NULL;
	size_t *lens = NULL, n = 0, total = 0;
	struct saker_event ev;
	char err[256];
	int ret = 0;

	if (in_fd < 0) {
		make_memfd("fuzz-capture", &in_fd, in_path, sizeof(in_path));
		make_memfd("fuzz-capture-copy", &copy_fd, copy_path, sizeof(copy_path));
	}
	fill_memfd(in_fd, data, size);
	if (saker_capture_reader_open(&r, in_path, err, sizeof(err)))
		return 0;
	/* Small table: eviction runs too. */
	pt = saker_proctable_new(8);
	fill_memfd(copy_fd, NULL, 0);
	if (!pt || saker_capture_writer_open(&w, copy_path, err, sizeof(err)))
		abort();
	recs = malloc(size ? size : 1);
	lens = malloc(MAX_EVENTS * sizeof(*lens));
	if (!recs || !lens)
		abort();
	while (n < MAX_EVENTS && (ret = saker_capture_next(r, &ev)) == 1) {
		json_t *j;

		/* A record is never longer than the file it came from. */
		if (ev.rec_len > size - total || ev.rec_len % 8)
			abort();
		sink += touch(ev.filename) + touch(ev.exe) + touch(ev.args) +
			touch(ev.cwd) + touch(ev.cgroup) + touch(ev.env) +
			touch(ev.path);
		j = saker_json_event(&ev);
		if (!j)
			abort();
		json_decref(j);
		saker_proctable_pre(pt, &ev);
		saker_proctable_post(pt, &ev);
		memcpy(recs + total, raw(&ev), ev.rec_len);
		lens[n++] = ev.rec_len;
		total += ev.rec_len;
		if (saker_capture_write_event(w, &ev))
			abort();
	}
	/* An error leaves a message; the end of the file leaves none. */
	if (n < MAX_EVENTS && ret < 0 && !*saker_capture_reader_error(r))
		abort();
	saker_capture_reader_close(r);
	if (saker_capture_writer_close(w))
		abort();
	check_copy(recs, lens, n);
	saker_proctable_free(pt);
	free(lens);
	free(recs);
	(void)sink;
	return 0;
}
