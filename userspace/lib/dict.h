/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The string-keyed hash map (rules/rules_mem.c's arena-keyed one is still
 * to move here): open addressing, linear probing, deletion by backward
 * shift (no tombstones), doubling at 3/4 load. Keys are copied;
 * values are the caller's pointers, released by the map's free_val (if
 * any) when replaced, deleted or freed with the map. Not thread-safe.
 */
#ifndef SAKER_DICT_H
#define SAKER_DICT_H

#include <stddef.h>

struct saker_dict;

/* free_val may be NULL. NULL on ENOMEM. */
struct saker_dict *saker_dict_new(void (*free_val)(void *val));
void saker_dict_free(struct saker_dict *m);

/* The value stored under key, or NULL. */
void *saker_dict_get(const struct saker_dict *m, const char *key);
/* The same for a key of klen bytes, not NUL-terminated (may hold NULs). */
void *saker_dict_getn(const struct saker_dict *m, const char *key, size_t klen);
/*
 * Stores val under key, replacing (and freeing) an older value; 0 or
 * -ENOMEM, when the map is unchanged and val is not freed.
 */
int saker_dict_put(struct saker_dict *m, const char *key, void *val);
int saker_dict_putn(struct saker_dict *m, const char *key, size_t klen, void *val);
/* Frees key's entry: 0, or -ENOENT. key may be the map's own copy. */
int saker_dict_del(struct saker_dict *m, const char *key);
size_t saker_dict_count(const struct saker_dict *m);

/*
 * fn(key, val, ctx) for every entry in no particular order, until fn
 * returns non-zero, which is returned. fn must not change the map.
 */
int saker_dict_each(const struct saker_dict *m,
		      int (*fn)(const char *key, void *val, void *ctx), void *ctx);

#endif /* SAKER_DICT_H */
