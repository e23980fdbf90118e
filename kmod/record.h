/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building one record in this CPU's scratch area, for the record_*.c files:
 * claim the area (re-entry refused and counted), start a record of a type,
 * append strings, emit it into the CPU's ring in one piece.
 */
#ifndef SAKER_RECORD_H
#define SAKER_RECORD_H

#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "saker.h"

DECLARE_PER_CPU(struct saker_cpu *, saker_cpus);

/* Claim this CPU's scratch area, or count a re-entry and give up. */
static inline struct saker_cpu *saker_enter(void)
{
	struct saker_cpu *c = this_cpu_read(saker_cpus);

	if (unlikely(!c)) {
		saker_ring_count(SAKER_CNT(drops_fault));
		return NULL;
	}
	if (unlikely(c->busy)) {
		saker_ring_count(SAKER_CNT(reentries));
		return NULL;
	}
	c->busy = 1;
	barrier();
	return c;
}

static inline void saker_leave(struct saker_cpu *c)
{
	barrier();
	c->busy = 0;
}

/* The record under construction in the scratch area. */
struct saker_rec {
	u8 *buf;
	u32 len;
	bool truncated;		/* the last string put was cut */
};

static inline void *saker_rec_start(struct saker_rec *r, struct saker_cpu *c,
			     u16 type, size_t fixed)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)c->rec;

	memset(c->rec, 0, sizeof(*h) + fixed);
	h->type = type;
	h->body_len = fixed;
	r->buf = c->rec;
	r->len = sizeof(*h) + fixed;
	r->truncated = false;
	return h + 1;
}

/*
 * Append up to max bytes of s (its last ones if tail); returns how many
 * were written and sets r->truncated when s was cut.
 */
static inline u16 saker_rec_put(struct saker_rec *r, const void *s, size_t n,
			 size_t max, bool tail)
{
	size_t room = SAKER_REC_MAX - SAKER_REC_ALIGN - r->len;

	r->truncated = false;
	if (max > room)
		max = room;
	if (n > max) {
		if (tail)
			s = (const u8 *)s + (n - max);
		n = max;
		r->truncated = true;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	return n;
}

static inline void saker_rec_emit(struct saker_rec *r)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)r->buf;
	const struct saker_task *t = (const struct saker_task *)(h + 1);
	u32 len = ALIGN(r->len, SAKER_REC_ALIGN);

	memset(r->buf + r->len, 0, len - r->len);
	h->len = len;
	saker_ring_write(&saker_dev.rings[smp_processor_id()], r->buf, len,
			 saker_task_privileged(t));
}

/* A path string, or its tail; *cut is set if it is not the whole path. */
static inline u16 saker_rec_put_path(struct saker_rec *r, struct saker_cpu *c,
			      const struct path *p, bool *cut)
{
	bool truncated = false;
	const char *s;
	size_t len;
	u16 n;

	s = saker_path(c->path, sizeof(c->path), p, &len, &truncated);
	if (!s) {
		*cut = true;
		return 0;
	}
	n = saker_rec_put(r, s, len, SAKER_PATH_MAX, true);
	*cut = truncated || r->truncated;
	return n;
}

/*
 * base (len bytes; NULL for none), "/" and name (n bytes) into the record,
 * setting *cut when the path is not whole. The name says what was asked
 * for: when both do not fit, it goes alone.
 */
static inline u16 saker_rec_put_joined(struct saker_rec *r, const char *base,
				       size_t len, const char *name, size_t n,
				       bool *cut)
{
	u16 total = 0;

	if (base && len + 1 + n > SAKER_PATH_MAX) {
		base = NULL;
		*cut = true;
	}
	if (base) {
		total = saker_rec_put(r, base, len, SAKER_PATH_MAX, true);
		if (len != 1)	/* the root dir "/" needs no separator */
			total += saker_rec_put(r, "/", 1, 1, false);
	}
	total += saker_rec_put(r, name, n, SAKER_PATH_MAX - total, true);
	if (r->truncated)
		*cut = true;
	return total;
}

#endif /* SAKER_RECORD_H */
