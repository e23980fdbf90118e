// SPDX-License-Identifier: GPL-2.0
/* String-keyed hash map (see dict.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

#define DICT_MIN_CAP 16	/* power of two */

struct dict_slot {
	char *key;		/* NUL-terminated copy; NULL: empty */
	size_t klen;
	void *val;
	uint64_t hash;
};

struct saker_dict {
	struct dict_slot *slots;
	size_t cap;		/* power of two */
	size_t n;
	void (*free_val)(void *val);
};

/* FNV-1a, 64 bit. */
static uint64_t dict_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct saker_dict *saker_dict_new(void (*free_val)(void *val))
{
	struct saker_dict *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->slots = calloc(DICT_MIN_CAP, sizeof(*m->slots));
	if (!m->slots)
		goto free_m;
	m->cap = DICT_MIN_CAP;
	m->free_val = free_val;
	return m;
free_m:
	free(m);
	return NULL;
}

void saker_dict_free(struct saker_dict *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		free(m->slots[i].key);
		if (m->free_val)
			m->free_val(m->slots[i].val);
	}
	free(m->slots);
	free(m);
}

/* key's slot, or the empty slot where it would go. */
static struct dict_slot *dict_find(const struct saker_dict *m,
				   const char *key, size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1, i;

	for (i = h & mask; m->slots[i].key; i = (i + 1) & mask) {
		const struct dict_slot *s = &m->slots[i];

		if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen))
			break;
	}
	return &m->slots[i];
}

void *saker_dict_getn(const struct saker_dict *m, const char *key, size_t klen)
{
	struct dict_slot *s = dict_find(m, key, klen, dict_hash(key, klen));

	return s->key ? s->val : NULL;
}

void *saker_dict_get(const struct saker_dict *m, const char *key)
{
	return saker_dict_getn(m, key, strlen(key));
}

static int dict_grow(struct saker_dict *m)
{
	struct dict_slot *old = m->slots;
	size_t old_cap = m->cap, i, mask;

	if (old_cap > SIZE_MAX / 2 / sizeof(*old))
		return -ENOMEM;
	m->slots = calloc(old_cap * 2, sizeof(*old));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = old_cap * 2;
	mask = m->cap - 1;
	for (i = 0; i < old_cap; i++) {
		size_t j;

		if (!old[i].key)
			continue;
		for (j = old[i].hash & mask; m->slots[j].key; j = (j + 1) & mask)
			;
		m->slots[j] = old[i];
	}
	free(old);
	return 0;
}

int saker_dict_putn(struct saker_dict *m, const char *key, size_t klen, void *val)
{
	uint64_t h = dict_hash(key, klen);
	struct dict_slot *s = dict_find(m, key, klen, h);
	char *k;

	if (s->key) {
		if (m->free_val && s->val != val)
			m->free_val(s->val);
		s->val = val;
		return 0;
	}
	/* At most 3/4 full, so every probe ends at an empty slot. */
	if ((m->n + 1) * 4 > m->cap * 3) {
		if (dict_grow(m))
			return -ENOMEM;
		s = dict_find(m, key, klen, h);
	}
	k = malloc(klen + 1);
	if (!k)
		return -ENOMEM;
	memcpy(k, key, klen);
	k[klen] = '\0';
	*s = (struct dict_slot){ .key = k, .klen = klen, .val = val, .hash = h };
	m->n++;
	return 0;
}

int saker_dict_put(struct saker_dict *m, const char *key, void *val)
{
	return saker_dict_putn(m, key, strlen(key), val);
}

int saker_dict_del(struct saker_dict *m, const char *key)
{
	size_t klen = strlen(key);
	struct dict_slot *s = dict_find(m, key, klen, dict_hash(key, klen));
	size_t mask = m->cap - 1, hole, i;
	struct dict_slot gone;

	if (!s->key)
		return -ENOENT;
	gone = *s;
	hole = (size_t)(s - m->slots);
	s->key = NULL;
	/*
	 * Backward shift: move up each later entry of the run whose home
	 * slot is not cyclically in (hole, i], so lookups never meet a gap.
	 */
	for (i = (hole + 1) & mask; m->slots[i].key; i = (i + 1) & mask) {
		size_t home = m->slots[i].hash & mask;

		if (((i - home) & mask) < ((i - hole) & mask))
			continue;
		m->slots[hole] = m->slots[i];
		m->slots[i].key = NULL;
		hole = i;
	}
	m->n--;
	/* Last: key may be gone.key itself. */
	free(gone.key);
	if (m->free_val)
		m->free_val(gone.val);
	return 0;
}

size_t saker_dict_count(const struct saker_dict *m)
{
	return m->n;
}

int saker_dict_each(const struct saker_dict *m,
		      int (*fn)(const char *key, void *val, void *ctx), void *ctx)
{
	size_t i;
	int r;

	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key && (r = fn(m->slots[i].key, m->slots[i].val, ctx)))
			return r;
	}
	return 0;
}
