/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timestamp merge of the per-CPU rings. Each ring is in time order, but
 * the rings are not ordered with each other: a fork on one CPU and the
 * child's exec on another may be drained in either order. Records are
 * copied out of the rings into a min-heap on their timestamp and handed
 * out once they are older than now - window, so that anything published a
 * little late by another CPU still sorts before them. docs/daemon.md.
 */
#ifndef SAKER_MERGE_H
#define SAKER_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct saker_merge_ent {
	uint64_t ts;
	uint64_t seq;		/* arrival order: ties keep ring order */
	void *rec;		/* malloc'd copy, 8-byte aligned */
	size_t len;
};

struct saker_merge {
	struct saker_merge_ent *heap;
	size_t n, cap;
	uint64_t seq;
	uint64_t window_ns;
	size_t max_pending;	/* beyond this, the oldest go out at once */
	uint64_t last_ts;	/* latest timestamp handed out */
	uint64_t late;		/* handed out after a newer one: window too small */
	uint64_t forced;	/* handed out early because max_pending was hit */
	uint64_t nomem;		/* records lost: no memory for the copy */
	void *out;		/* the record last handed out, freed by the next call */
};

void saker_merge_init(struct saker_merge *m, uint64_t window_ns,
		      size_t max_pending);
void saker_merge_fini(struct saker_merge *m);
/* Copies the record; 0 or -ENOMEM (counted in nomem). */
int saker_merge_push(struct saker_merge *m, uint64_t ts, const void *rec,
		     size_t len);
/*
 * The next record in timestamp order, if it is due: ts + window <= now
 * (now = UINT64_MAX: any), or more than max_pending wait. 1 with *rec and
 * *len (valid until the next call or saker_merge_fini), or 0.
 */
int saker_merge_next(struct saker_merge *m, uint64_t now, const void **rec,
		     size_t *len);
/* Milliseconds until the oldest record is due (rounded up), -1 if empty. */
int saker_merge_timeout_ms(const struct saker_merge *m, uint64_t now);

#endif /* SAKER_MERGE_H */
