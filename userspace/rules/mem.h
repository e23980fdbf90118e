/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory of the rule engine (rules_mem.c): a bump arena that lives as long
 * as the engine, growable pointer arrays, a string map. No rule types.
 */
#ifndef SAKER_RULES_MEM_H
#define SAKER_RULES_MEM_H

#include <stddef.h>
#include <stdint.h>

struct saker_arena {
	struct saker_arena_chunk *head;
};

void *saker_arena_alloc(struct saker_arena *a, size_t size);
char *saker_arena_strndup(struct saker_arena *a, const char *s, size_t n);
char *saker_arena_strdup(struct saker_arena *a, const char *s);
char *saker_arena_printf(struct saker_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void saker_arena_release(struct saker_arena *a);

/* A growable array of pointers. */
struct saker_vec {
	void **v;
	size_t n, cap;
};

int saker_vec_push(struct saker_vec *vec, void *p);
void saker_vec_release(struct saker_vec *vec);

/* String -> pointer map, open addressing; keys are not copied. */
struct saker_strmap {
	struct saker_strmap_slot *slots;
	size_t n, cap;
};

uint64_t saker_hash_bytes(const void *p, size_t len);
int saker_strmap_put(struct saker_strmap *m, const char *key, size_t klen,
		     void *val);
void *saker_strmap_get(const struct saker_strmap *m, const char *key,
		       size_t klen);
void saker_strmap_release(struct saker_strmap *m);

#endif /* SAKER_RULES_MEM_H */
