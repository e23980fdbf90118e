// SPDX-License-Identifier: GPL-2.0
/*
 * Memory helpers of the rule engine: an arena that lives as long as the
 * engine (rules are loaded once, freed at once), pointer vectors and a
 * string map.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct saker_arena_chunk {
	struct saker_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_MIN (64 * 1024)

void *saker_arena_alloc(struct saker_arena *a, size_t size)
{
	struct saker_arena_chunk *c = a->head;
	size_t need = (size + 15) & ~(size_t)15;
	void *p;

	if (!c || c->size - c->used < need) {
		size_t sz = need > CHUNK_MIN ? need : CHUNK_MIN;

		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

char *saker_arena_strndup(struct saker_arena *a, const char *s, size_t n)
{
	char *p = saker_arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *saker_arena_strdup(struct saker_arena *a, const char *s)
{
	return saker_arena_strndup(a, s, strlen(s));
}

char *saker_arena_printf(struct saker_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = saker_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void saker_arena_release(struct saker_arena *a)
{
	struct saker_arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

int saker_vec_push(struct saker_vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		void **v = realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
	return 0;
}

void saker_vec_release(struct saker_vec *vec)
{
	free(vec->v);
	memset(vec, 0, sizeof(*vec));
}

/* Word-at-a-time multiply-xor hash: paths are hashed on every event. */
uint64_t saker_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL), w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 32;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return h;
}

struct saker_strmap_slot {
	const char *key;
	size_t klen;
	uint64_t hash;
	void *val;
};

static int strmap_grow(struct saker_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16, i;
	struct saker_strmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		struct saker_strmap_slot *o = &m->slots[i];
		size_t j;

		if (!o->key)
			continue;
		for (j = o->hash & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = *o;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int saker_strmap_put(struct saker_strmap *m, const char *key, size_t klen,
		     void *val)
{
	uint64_t h = saker_hash_bytes(key, klen);
	size_t j;

	if ((m->n + 1) * 2 > m->cap) {
		int ret = strmap_grow(m);

		if (ret)
			return ret;
	}
	for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		struct saker_strmap_slot *s = &m->slots[j];

		if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen)) {
			s->val = val;
			return 0;
		}
	}
	m->slots[j] = (struct saker_strmap_slot){ key, klen, h, val };
	m->n++;
	return 0;
}

void *saker_strmap_get(const struct saker_strmap *m, const char *key,
		       size_t klen)
{
	uint64_t h;
	size_t j;

	if (!m->cap)
		return NULL;
	h = saker_hash_bytes(key, klen);
	for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		const struct saker_strmap_slot *s = &m->slots[j];

		if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen))
			return s->val;
	}
	return NULL;
}

void saker_strmap_release(struct saker_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
