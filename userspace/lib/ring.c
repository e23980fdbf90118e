// SPDX-License-Identifier: GPL-2.0
/*
 * Consumer side of the saker rings. The protocol and its memory ordering are
 * defined in kmod/uapi/saker.h; the steps C1..C3 are marked below.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"
#include "errbuf.h"

/* A sane upper bound on possible CPUs; guards the allocations below. */
#define MAX_RINGS 65536U

struct saker_ring {
	int fd;
	int epfd;
	struct saker_info info;
	void **maps;				/* nr_rings mappings */
	struct saker_ring_view *views;		/* nr_rings consumer states */
	struct saker_ring_counters *counters;	/* for saker_ring_stats() */
	char err[SAKER_ERRLEN];
};

static int handshake(int fd, const char *path, struct saker_info *info,
		     char *err, size_t errlen)
{
	int ret;

	memset(info, 0, sizeof(*info));
	info->abi_version = SAKER_ABI_VERSION;
	if (ioctl(fd, SAKER_IOC_INFO, info) == 0)
		return 0;
	ret = -errno;
	if (ret == -EPROTO && info->abi_version != SAKER_ABI_VERSION)
		saker_set_err(err, errlen,
			"%s: kernel module ABI v%u, this program expects v%u",
			path, info->abi_version, SAKER_ABI_VERSION);
	else if (ret == -EPROTO)
		saker_set_err(err, errlen,
			"%s: kernel module speaks another ABI, this program expects v%u",
			path, SAKER_ABI_VERSION);
	else
		saker_set_err(err, errlen, "%s: SAKER_IOC_INFO: %s", path,
			strerror(-ret));
	return ret;
}

static int open_device(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fd = -errno;
		saker_set_err(err, errlen, "%s: %s", path, strerror(-fd));
	}
	return fd;
}

/* The layout must be what the mapping and the drain rely on. */
static int check_layout(const struct saker_info *in, const char *path,
			char *err, size_t errlen)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (in->nr_rings == 0 || in->nr_rings > MAX_RINGS ||
	    in->ring_size < SAKER_REC_ALIGN ||
	    (in->ring_size & (in->ring_size - 1)) ||
	    in->hdr_size < sizeof(struct saker_ring_hdr) ||
	    in->hdr_size % SAKER_REC_ALIGN ||
	    in->map_size != in->hdr_size + in->ring_size ||
	    in->map_size % page || in->map_size > (UINT64_MAX >> 1) / in->nr_rings) {
		saker_set_err(err, errlen,
			"%s: unusable ring layout from the kernel (nr_rings %u ring_size %llu hdr_size %llu map_size %llu)",
			path, in->nr_rings, (unsigned long long)in->ring_size,
			(unsigned long long)in->hdr_size,
			(unsigned long long)in->map_size);
		return -EPROTO;
	}
	return 0;
}

static int map_rings(struct saker_ring *r, const char *path, char *err,
		     size_t errlen)
{
	const struct saker_info *in = &r->info;
	uint32_t i;
	int ret;

	for (i = 0; i < in->nr_rings; i++) {
		void *m = mmap(NULL, in->map_size, PROT_READ, MAP_SHARED, r->fd,
			       (off_t)(i * in->map_size));
		struct saker_ring_view *v = &r->views[i];

		if (m == MAP_FAILED) {
			ret = -errno;
			saker_set_err(err, errlen, "%s: mmap of ring %u: %s", path, i,
				strerror(-ret));
			goto unmap_rings;
		}
		r->maps[i] = m;
		v->hdr = m;
		v->data = (const unsigned char *)m + in->hdr_size;
		v->size = in->ring_size;
		v->index = i;
		v->err = r->err;
		v->errlen = sizeof(r->err);
		/* Start where the kernel says the consumer is. */
		v->tail = __atomic_load_n(&v->hdr->tail, __ATOMIC_ACQUIRE);
		if (v->tail % SAKER_REC_ALIGN) {
			saker_set_err(err, errlen, "%s: ring %u: unaligned tail %" PRIu64,
				path, i, v->tail);
			ret = -EPROTO;
			i++;
			goto unmap_rings;
		}
	}
	return 0;

unmap_rings:
	while (i--)
		munmap(r->maps[i], in->map_size);
	return ret;
}

int saker_ring_open(struct saker_ring **out, const char *path, char *err,
		    size_t errlen)
{
	struct epoll_event ee = { .events = EPOLLIN };
	struct saker_ring *r;
	uint32_t i, n;
	int ret;

	if (!path)
		path = SAKER_DEVICE;
	r = calloc(1, sizeof(*r));
	if (!r) {
		saker_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r->fd = open_device(path, err, errlen);
	if (r->fd < 0) {
		ret = r->fd;
		goto free_ring;
	}
	ret = handshake(r->fd, path, &r->info, err, errlen);
	if (ret)
		goto close_device;
	ret = check_layout(&r->info, path, err, errlen);
	if (ret)
		goto close_device;
	n = r->info.nr_rings;
	r->maps = calloc(n, sizeof(*r->maps));
	r->views = calloc(n, sizeof(*r->views));
	r->counters = calloc(n, sizeof(*r->counters));
	if (!r->maps || !r->views || !r->counters) {
		saker_set_err(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto free_arrays;
	}
	ret = map_rings(r, path, err, errlen);
	if (ret)
		goto free_arrays;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		ret = -errno;
		saker_set_err(err, errlen, "epoll_create1: %s", strerror(-ret));
		goto unmap_rings;
	}
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->fd, &ee)) {
		ret = -errno;
		saker_set_err(err, errlen, "%s: epoll_ctl: %s", path, strerror(-ret));
		goto close_epoll;
	}
	*out = r;
	return 0;

close_epoll:
	close(r->epfd);
unmap_rings:
	for (i = 0; i < n; i++)
		munmap(r->maps[i], r->info.map_size);
free_arrays:
	free(r->counters);
	free(r->views);
	free(r->maps);
close_device:
	close(r->fd);
free_ring:
	free(r);
	return ret;
}

void saker_ring_close(struct saker_ring *r)
{
	uint32_t i;

	if (!r)
		return;
	close(r->epfd);
	for (i = 0; i < r->info.nr_rings; i++)
		munmap(r->maps[i], r->info.map_size);
	free(r->counters);
	free(r->views);
	free(r->maps);
	close(r->fd);
	free(r);
}

const struct saker_info *saker_ring_info(const struct saker_ring *r)
{
	return &r->info;
}

int saker_ring_fd(const struct saker_ring *r)
{
	return r->epfd;
}

const char *saker_ring_error(const struct saker_ring *r)
{
	return r->err;
}

uint64_t saker_ring_corrupt(const struct saker_ring *r)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < r->info.nr_rings; i++)
		n += r->views[i].corrupt;
	return n;
}

int saker_ring_wait(struct saker_ring *r, int timeout_ms,
		    const sigset_t *sigmask)
{
	struct epoll_event ee;
	int n = epoll_pwait(r->epfd, &ee, 1, timeout_ms, sigmask);

	if (n < 0)
		return -errno;
	return n > 0;
}

static void report_corrupt(struct saker_ring_view *v, uint64_t pos,
			   uint64_t head, const char *why)
{
	v->corrupt++;
	saker_set_err(v->err, v->errlen,
		"ring %u offset %" PRIu64 " (position %" PRIu64 ", head %" PRIu64
		"): %s; skipped to head",
		v->index, pos & (v->size - 1), pos, head, why);
}

int saker_ring_drain_view(struct saker_ring_view *v, saker_rec_fn fn,
			  void *ctx)
{
	/* C1: pairs with the producer's release of head (P3). */
	uint64_t head = __atomic_load_n(&v->hdr->head, __ATOMIC_ACQUIRE);
	uint64_t mask = v->size - 1;
	const char *why;
	size_t used;
	int ret;

	if (head == v->tail)
		return 0;
	if (head < v->tail || head % SAKER_REC_ALIGN) {
		/* Nothing valid can be consumed: CONSUME would be refused. */
		report_corrupt(v, v->tail, head, "impossible head position");
		return 0;
	}
	if (head - v->tail > v->size) {
		report_corrupt(v, v->tail, head, "head beyond the ring's capacity");
		v->tail = head;
		return 0;
	}
	/* C2: every byte in [tail, head) is published and stays put. */
	while (v->tail < head) {
		uint64_t off = v->tail & mask;
		uint64_t avail = head - v->tail;
		const unsigned char *rec = v->data + off;

		/* Records never straddle the end: frame up to it at most. */
		if (avail > v->size - off)
			avail = v->size - off;
		ret = saker_record_frame(rec, avail, &used, &why);
		if (ret == SAKER_DECODE_CORRUPT || ret == SAKER_DECODE_SHORT) {
			/* In a ring, SHORT means a record crossing head or the end. */
			report_corrupt(v, v->tail, head, why);
			v->tail = head;
			return 0;
		}
		v->tail += used;
		if (ret == SAKER_DECODE_SKIP)
			continue;
		v->records++;
		ret = fn(rec, used, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/* Decoding for saker_ring_drain_events(): view is the ring being drained. */
struct drain_events {
	struct saker_ring_view *view;
	saker_event_fn fn;
	void *ctx;
};

static int drain_rings(struct saker_ring *r, saker_rec_fn fn, void *ctx,
		       struct drain_events *de)
{
	uint64_t before_records = 0, after_records = 0;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < r->info.nr_rings && !ret; i++) {
		struct saker_ring_view *v = &r->views[i];
		uint64_t old_tail = v->tail;
		struct saker_consume c = { .ring = i };

		if (de)
			de->view = v;
		before_records += v->records;
		ret = saker_ring_drain_view(v, fn, ctx);
		after_records += v->records;
		if (v->tail == old_tail)
			continue;
		/* C3: the kernel releases tail to the producer (P1). */
		c.tail = v->tail;
		if (ioctl(r->fd, SAKER_IOC_CONSUME, &c)) {
			int e = errno;

			saker_set_err(r->err, sizeof(r->err),
				"ring %u: SAKER_IOC_CONSUME to %" PRIu64 ": %s",
				i, v->tail, strerror(e));
			/* Keep v->tail: rewinding would deliver events twice. */
			return -e;
		}
	}
	if (ret < 0)
		return ret;
	return (int)(after_records - before_records);
}

int saker_ring_drain(struct saker_ring *r, saker_rec_fn fn, void *ctx)
{
	return drain_rings(r, fn, ctx, NULL);
}

static int decode_rec(const void *rec, size_t len, void *ctx)
{
	struct drain_events *de = ctx;
	struct saker_ring_view *v = de->view;
	struct saker_event ev;
	const char *why = "bad record";
	size_t used;

	if (saker_decode(rec, len, &ev, &used, &why) == SAKER_DECODE_EVENT)
		return de->fn(&ev, de->ctx);
	/* Framing held, so the next record is found: skip only this one. */
	v->records--;
	v->corrupt++;
	saker_set_err(v->err, v->errlen,
		"ring %u offset %" PRIu64 " (position %" PRIu64 "): %s; record skipped",
		v->index, (v->tail - len) & (v->size - 1), v->tail - len, why);
	return 0;
}

int saker_ring_drain_events(struct saker_ring *r, saker_event_fn fn, void *ctx)
{
	struct drain_events de = { .fn = fn, .ctx = ctx };

	return drain_rings(r, decode_rec, &de, &de);
}

int saker_ring_stats(struct saker_ring *r, struct saker_stats *st)
{
	struct saker_info info = { .abi_version = SAKER_ABI_VERSION };
	uint32_t i;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < r->info.nr_rings; i++) {
		const struct saker_ring_hdr *h = r->views[i].hdr;
		struct saker_ring_counters *c = &r->counters[i];

		/* Producer-written with WRITE_ONCE: plain atomic loads suffice. */
		c->events = __atomic_load_n(&h->events, __ATOMIC_RELAXED);
		c->drops_full = __atomic_load_n(&h->drops_full, __ATOMIC_RELAXED);
		c->drops_fault = __atomic_load_n(&h->drops_fault, __ATOMIC_RELAXED);
		c->reentries = __atomic_load_n(&h->reentries, __ATOMIC_RELAXED);
		c->drops_share = __atomic_load_n(&h->drops_share, __ATOMIC_RELAXED);
		c->filtered = __atomic_load_n(&h->filtered, __ATOMIC_RELAXED);
		c->ignored = __atomic_load_n(&h->ignored, __ATOMIC_RELAXED);
		st->records += r->views[i].records;
		st->corrupt += r->views[i].corrupt;
	}
	st->nr_rings = r->info.nr_rings;
	st->rings = r->counters;
	if (ioctl(r->fd, SAKER_IOC_INFO, &info)) {
		ret = -errno;
		saker_set_err(r->err, sizeof(r->err), "SAKER_IOC_INFO: %s",
			strerror(-ret));
		info.open_missed = r->info.open_missed;
	}
	r->info.open_missed = info.open_missed;
	st->open_missed = info.open_missed;
	return ret;
}

int saker_ring_query_info(const char *path, struct saker_info *info,
			  char *err, size_t errlen)
{
	int fd, ret;

	if (!path)
		path = SAKER_DEVICE;
	fd = open_device(path, err, errlen);
	if (fd < 0)
		return fd;
	ret = handshake(fd, path, info, err, errlen);
	close(fd);
	return ret;
}

const char *saker_ring_open_hint(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENXIO:
	case -ENODEV:
		return " (is the saker module loaded? try: modprobe saker)";
	case -EBUSY:
		return " (another reader has the device open: is sakerd or sakerctl trace running?)";
	case -EACCES:
	case -EPERM:
		return " (the device is root-only: run as root)";
	}
	return "";
}
