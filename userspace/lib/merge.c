// SPDX-License-Identifier: GPL-2.0
/*
 * Min-heap of copied ring records keyed by (timestamp, arrival). A heap
 * rather than a sort per batch: records arrive in runs per ring and leave
 * a few at a time as the window slides, so each costs O(log n) once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

void saker_merge_init(struct saker_merge *m, uint64_t window_ns,
		      size_t max_pending)
{
	memset(m, 0, sizeof(*m));
	m->window_ns = window_ns;
	m->max_pending = max_pending ? max_pending : 1;
}

void saker_merge_fini(struct saker_merge *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->heap[i].rec);
	free(m->out);
	m->out = NULL;
	free(m->heap);
	m->heap = NULL;
	m->n = m->cap = 0;
}

static int before(const struct saker_merge_ent *a, const struct saker_merge_ent *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void sift_up(struct saker_merge_ent *h, size_t i)
{
	struct saker_merge_ent e = h[i];

	while (i) {
		size_t parent = (i - 1) / 2;

		if (!before(&e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = e;
}

static void sift_down(struct saker_merge_ent *h, size_t n, size_t i)
{
	struct saker_merge_ent e = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && before(&h[c + 1], &h[c]))
			c++;
		if (!before(&h[c], &e))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = e;
}

int saker_merge_push(struct saker_merge *m, uint64_t ts, const void *rec,
		     size_t len)
{
	struct saker_merge_ent *e;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct saker_merge_ent *h = realloc(m->heap, cap * sizeof(*h));

		if (!h)
			goto count_nomem;
		m->heap = h;
		m->cap = cap;
	}
	e = &m->heap[m->n];
	e->rec = malloc(len);
	if (!e->rec)
		goto count_nomem;
	memcpy(e->rec, rec, len);
	e->len = len;
	e->ts = ts;
	e->seq = m->seq++;
	sift_up(m->heap, m->n++);
	return 0;
count_nomem:
	m->nomem++;
	return -ENOMEM;
}

int saker_merge_next(struct saker_merge *m, uint64_t now, const void **rec,
		     size_t *len)
{
	struct saker_merge_ent top;
	int due;

	free(m->out);
	m->out = NULL;
	if (!m->n)
		return 0;
	top = m->heap[0];
	due = now == UINT64_MAX || top.ts + m->window_ns <= now ||
	      top.ts > now;	/* from the future: never wait for it */
	if (!due && m->n <= m->max_pending)
		return 0;
	if (!due)
		m->forced++;
	if (--m->n) {
		m->heap[0] = m->heap[m->n];
		sift_down(m->heap, m->n, 0);
	}
	if (top.ts < m->last_ts)
		m->late++;
	else
		m->last_ts = top.ts;
	m->out = top.rec;
	*rec = top.rec;
	*len = top.len;
	return 1;
}

int saker_merge_timeout_ms(const struct saker_merge *m, uint64_t now)
{
	uint64_t due;

	if (!m->n)
		return -1;
	due = m->heap[0].ts + m->window_ns;
	if (due <= now)
		return 0;
	return (int)((due - now + 999999) / 1000000);
}
