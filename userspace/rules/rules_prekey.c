// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluator's key prefilter: a rule whose condition is "A and B and
 * ..." with one of the terms "F = v" or "F in (v1, v2...)" (F a string
 * field, no other field on the right) cannot match an event whose F is
 * none of those values. Per event type and per such field F, a hash map
 * from value to the rules keyed on it: one lookup of F's value per event
 * removes every rule keyed on another value ("proc.name = tar", "proc.name
 * in (shell_binaries)"...). A rule is keyed on every such field it has (the
 * smallest set per field), also through an `or` whose every branch needs
 * the same field ("(proc.name = nc and ...) or (proc.name = ncat and ...)"),
 * but not on the event's own fields; fields with more distinct values are
 * looked up first, and a field is not read when no candidate left is keyed
 * on it. The
 * value and its hash are the ones the conditions use (the per-event field
 * cache), so nothing is read twice.
 *
 * The same for a top-level "F contains s" (F a string field): per event
 * type, each distinct (F, s) with the rules that need it is tested once
 * per event, so that "fd.nameraw contains '../'" deep in a rule removes it
 * from an open of a plain path before any of its other terms runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "prefilter.h"

/* Condition nodes looked at per rule for its keys, at most. */
#define PK_VISITS_MAX	4096
/* Fields a rule is keyed on, at most. */
#define PK_KEYS_MAX	4

/* Rule positions, ascending; lists, not bitmaps: one per value of thousands of rules. */
struct pk_list {
	uint32_t *v;
	uint32_t n, cap;
};

struct pk_field {
	int slot;
	uint64_t *keyed;	/* [words]: the rules keyed on this field */
	/* open addressing: value -> its rules */
	uint64_t *hashes;
	const char **vals;
	uint32_t *lens;
	struct pk_list *rules;
	size_t cap, n;
};

/* Rules that need field slot to contain s. */
struct pk_needle {
	int slot;
	const char *s;
	size_t len;
	struct pk_list rules;
};

struct saker_prekey {
	size_t words;
	struct pk_field *fields;
	size_t nfields;
	struct pk_needle *needles;
	size_t nneedles;
};

/* Alternatives of one key: an `or` whose every branch needs a value of the field. */
#define PK_ALTS_MAX	8

/* The field of slot must have one of the values of alt[0..nalt). */
struct pk_key {
	int slot;
	const struct saker_cmp *alt[PK_ALTS_MAX];
	size_t nalt, nvals;
};

/* A rule's keys: per field, its smallest key among the top-level terms. */
struct pk_choice {
	struct pk_key key[PK_KEYS_MAX];
	size_t n;
	const struct saker_cmp *needle;	/* the longest top-level contains */
};

static bool keyable(const struct saker_program *pg, const struct saker_cmp *c)
{
	const struct saker_slot *s;

	if ((c->op != SAKER_OP_EQ && c->op != SAKER_OP_IN) || c->rslot >= 0 ||
	    c->ltype != SAKER_FT_STR)
		return false;
	s = pg->slots.v[c->slot];
	return s->rtype == SAKER_FT_STR;
}

static size_t nvals_of(const struct saker_cmp *c)
{
	return c->op == SAKER_OP_EQ ? 1 : c->set.n;
}

/*
 * A key c needs to hold, on field want (any when -1): a comparison; some
 * kid's of an `and`; of an `or`, every branch's on one field, united.
 */
static bool node_key(const struct saker_program *pg, const struct saker_cnode *c, int want,
		     size_t *budget, struct pk_key *out)
{
	struct pk_key kid;
	uint32_t i;
	size_t a;

	/* Macros are shared nodes: a walk of nested ones could repeat itself. */
	if (!*budget)
		return false;
	--*budget;
	switch (c->kind) {
	case SAKER_C_CMP:
		if (!keyable(pg, c->cmp) || (want >= 0 && c->cmp->slot != want))
			return false;
		out->slot = c->cmp->slot;
		out->alt[0] = c->cmp;
		out->nalt = 1;
		out->nvals = nvals_of(c->cmp);
		return true;
	case SAKER_C_AND:
		for (i = 0; i < c->n; i++)
			if (node_key(pg, c->kids[i], want, budget, out))
				return true;
		return false;
	case SAKER_C_OR:
		if (!c->n || !node_key(pg, c->kids[0], want, budget, out))
			return false;
		for (i = 1; i < c->n; i++) {
			if (!node_key(pg, c->kids[i], out->slot, budget, &kid) ||
			    out->nalt + kid.nalt > PK_ALTS_MAX)
				return false;
			for (a = 0; a < kid.nalt; a++)
				out->alt[out->nalt++] = kid.alt[a];
			out->nvals += kid.nvals;
		}
		return true;
	default:
		return false;
	}
}

/*
 * The event's own fields (evt.*, fd.*): no key on them. Testing one in the
 * rule costs what the key's lookup costs, and rules_order.c puts such cheap
 * terms first; a key pays when rules share one costly read (proc.name).
 */
static bool event_field(const struct saker_program *pg, int slot)
{
	const char *n = ((const struct saker_slot *)pg->slots.v[slot])->def->name;

	return !strncmp(n, "evt.", 4) || !strncmp(n, "fd.", 3);
}

static void add_key(struct pk_choice *ch, const struct pk_key *key)
{
	size_t k;

	for (k = 0; k < ch->n && ch->key[k].slot != key->slot; k++)
		;
	if (k < ch->n) {
		if (key->nvals < ch->key[k].nvals)
			ch->key[k] = *key;
	} else if (ch->n < PK_KEYS_MAX) {
		ch->key[ch->n++] = *key;
	}
}

/* The rule's keys and needle from the terms of its top-level ands; budget bounds the walk. */
static void choose(const struct saker_program *pg, const struct saker_cnode *c, size_t *budget,
		   struct pk_choice *ch)
{
	struct pk_key key;
	uint32_t i;

	/* Macros are shared nodes: nested ones could make the walk repeat itself. */
	if (!*budget)
		return;
	--*budget;
	if (c->kind == SAKER_C_AND) {
		for (i = 0; i < c->n; i++)
			choose(pg, c->kids[i], budget, ch);
		return;
	}
	if (c->kind == SAKER_C_CMP && c->cmp->op == SAKER_OP_CONTAINS && c->cmp->rslot < 0 &&
	    c->cmp->ltype == SAKER_FT_STR &&
	    ((const struct saker_slot *)pg->slots.v[c->cmp->slot])->rtype == SAKER_FT_STR &&
	    (!ch->needle || c->cmp->len > ch->needle->len))
		ch->needle = c->cmp;
	if ((c->kind == SAKER_C_CMP || c->kind == SAKER_C_OR) && node_key(pg, c, -1, budget, &key) &&
	    !event_field(pg, key.slot))
		add_key(ch, &key);
}

/* Where v is in f, or the free place it would go. */
static size_t pk_pos(const struct pk_field *f, const char *v, size_t len, uint64_t h)
{
	size_t j;

	for (j = h & (f->cap - 1); f->vals[j]; j = (j + 1) & (f->cap - 1))
		if (f->hashes[j] == h && f->lens[j] == len && !memcmp(f->vals[j], v, len))
			break;
	return j;
}

/* Each value of c's set or literal: fn(arg, value, len). */
static int each_val(const struct saker_cmp *c, int (*fn)(void *, const char *, size_t),
		    void *arg)
{
	size_t j;
	int ret;

	if (c->op == SAKER_OP_EQ)
		return fn(arg, c->s, c->len);
	for (j = 0; j < c->set.cap; j++) {
		if (!c->set.keys[j])
			continue;
		ret = fn(arg, c->set.keys[j], c->set.lens[j]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Appends rule to l, in the arena (the outgrown arrays stay there: at most twice). */
static int list_add(struct saker_arena *arena, struct pk_list *l, size_t rule)
{
	if (l->n && l->v[l->n - 1] == rule)
		return 0;
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 2, *v = saker_arena_alloc(arena, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (uint32_t)rule;
	return 0;
}

struct pk_add {
	struct saker_arena *arena;
	struct pk_field *f;
	size_t rule;
};

static int add_val(void *arg, const char *v, size_t len)
{
	struct pk_add *a = arg;
	struct pk_field *f = a->f;
	uint64_t h = saker_hash_bytes(v, len);
	size_t j = pk_pos(f, v, len, h);

	if (!f->vals[j]) {
		f->hashes[j] = h;
		f->vals[j] = len ? v : "";
		f->lens[j] = (uint32_t)len;
		f->n++;
	}
	return list_add(a->arena, &f->rules[j], a->rule);
}

static int count_val(void *arg, const char *v, size_t len)
{
	(void)v;
	(void)len;
	(*(size_t *)arg)++;
	return 0;
}

static int field_init(struct saker_arena *arena, struct pk_field *f, int slot, size_t nvals,
		      size_t words)
{
	f->slot = slot;
	f->cap = 8;
	while (f->cap < nvals * 2)
		f->cap *= 2;
	f->keyed = saker_arena_alloc(arena, words * sizeof(*f->keyed));
	f->hashes = saker_arena_alloc(arena, f->cap * sizeof(*f->hashes));
	f->vals = saker_arena_alloc(arena, f->cap * sizeof(*f->vals));
	f->lens = saker_arena_alloc(arena, f->cap * sizeof(*f->lens));
	f->rules = saker_arena_alloc(arena, f->cap * sizeof(*f->rules));
	return f->keyed && f->hashes && f->vals && f->lens && f->rules ? 0 : -ENOMEM;
}

/* One needle per distinct (field, string), with the rules that need it. */
static int add_needles(struct saker_arena *arena, struct saker_prekey *pk,
		       const struct pk_choice *key, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct saker_cmp *c = key[i].needle;
		struct pk_needle *nd;

		if (!c)
			continue;
		for (j = 0; j < pk->nneedles; j++) {
			nd = &pk->needles[j];
			if (nd->slot == c->slot && nd->len == c->len && !memcmp(nd->s, c->s, c->len))
				break;
		}
		nd = &pk->needles[j];
		if (j == pk->nneedles) {
			*nd = (struct pk_needle){ .slot = c->slot, .s = c->s, .len = c->len };
			pk->nneedles++;
		}
		if (list_add(arena, &nd->rules, i))
			return -ENOMEM;
	}
	return 0;
}

/* The fields with more distinct values first: they remove more rules. */
static int field_cmp(const void *pa, const void *pb)
{
	const struct pk_field *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->slot - b->slot;
}

static int build_type(struct saker_program *pg, int et)
{
	size_t n = pg->nindex[et], words = (n + 63) / 64, i, j, k, a, nf = 0, nn = 0, *nvals;
	struct pk_choice *key = calloc(n + 1, sizeof(*key));
	struct saker_prekey *pk;
	int *slots, ret = -ENOMEM;

	slots = calloc(n * PK_KEYS_MAX + 1, sizeof(*slots));
	nvals = calloc(n * PK_KEYS_MAX + 1, sizeof(*nvals));
	if (!key || !slots || !nvals)
		goto free_tmp;
	/* Which rules are keyed, on which fields, with how many values per field. */
	for (i = 0; i < n; i++) {
		size_t budget = PK_VISITS_MAX;

		choose(pg, pg->index[et][i].cond, &budget, &key[i]);
		for (k = 0; k < key[i].n; k++) {
			const struct pk_key *ky = &key[i].key[k];

			for (j = 0; j < nf && slots[j] != ky->slot; j++)
				;
			if (j == nf)
				slots[nf++] = ky->slot;
			for (a = 0; a < ky->nalt; a++)
				each_val(ky->alt[a], count_val, &nvals[j]);
		}
	}
	for (i = 0; i < n; i++)
		nn += key[i].needle != NULL;
	ret = 0;
	if (!nf && !nn)
		goto free_tmp;
	ret = -ENOMEM;
	pk = saker_arena_alloc(pg->arena, sizeof(*pk));
	if (!pk || !(pk->fields = saker_arena_alloc(pg->arena, (nf + 1) * sizeof(*pk->fields))) ||
	    !(pk->needles = saker_arena_alloc(pg->arena, (nn + 1) * sizeof(*pk->needles))))
		goto free_tmp;
	if (add_needles(pg->arena, pk, key, n))
		goto free_tmp;
	pk->words = words;
	pk->nfields = nf;
	for (j = 0; j < nf; j++)
		if (field_init(pg->arena, &pk->fields[j], slots[j], nvals[j], words))
			goto free_tmp;
	for (i = 0; i < n; i++) {
		struct pk_add ad = { .arena = pg->arena, .rule = i };

		for (k = 0; k < key[i].n; k++) {
			const struct pk_key *ky = &key[i].key[k];

			for (j = 0; pk->fields[j].slot != ky->slot; j++)
				;
			ad.f = &pk->fields[j];
			ad.f->keyed[i / 64] |= 1ull << (i % 64);
			for (a = 0; a < ky->nalt; a++) {
				ret = each_val(ky->alt[a], add_val, &ad);
				if (ret)
					goto free_tmp;
			}
		}
	}
	if (nf)
		qsort(pk->fields, nf, sizeof(*pk->fields), field_cmp);
	pg->prekey[et] = pk;
	ret = 0;
free_tmp:
	free(nvals);
	free(slots);
	free(key);
	return ret;
}

int saker_prekey_build(struct saker_program *pg)
{
	int et, ret = 0;

	for (et = 0; et < SAKER_ET_COUNT && !ret; et++)
		if (pg->nindex[et])
			ret = build_type(pg, et);
	return ret;
}

void saker_prekey_apply(const struct saker_prekey *pk, struct saker_evctx *cx, uint64_t *cand)
{
	size_t i, w;

	for (i = 0; i < pk->nfields; i++) {
		const struct pk_field *f = &pk->fields[i];
		struct saker_cache_ent *ce = &cx->cache[f->slot];
		uint64_t *was = cand + pk->words, any = 0;
		const struct saker_val *v;
		const struct pk_list *m;
		size_t j;

		for (w = 0; w < pk->words; w++)
			any |= cand[w] & f->keyed[w];
		if (!any)
			continue;	/* no candidate left is keyed here: F need not be read */
		if (saker_slot_get(cx, f->slot, &v)) {
			/* No value: every comparison with it is false. */
			for (w = 0; w < pk->words; w++)
				cand[w] &= ~f->keyed[w];
			continue;
		}
		if (v->kind != SAKER_V_STR)
			continue;	/* compared otherwise: keep them all */
		if (ce->hgen != cx->gen) {
			ce->hash = saker_hash_bytes(v->s, v->len);
			ce->hgen = cx->gen;
		}
		j = pk_pos(f, v->s, v->len, ce->hash);
		m = f->vals[j] ? &f->rules[j] : NULL;
		for (w = 0; w < pk->words; w++) {
			was[w] = cand[w] & f->keyed[w];
			cand[w] &= ~f->keyed[w];
		}
		/* The value's own rules stay, if they were candidates. */
		for (j = 0; m && j < m->n; j++)
			cand[m->v[j] / 64] |= was[m->v[j] / 64] & (1ull << (m->v[j] % 64));
	}
	for (i = 0; i < pk->nneedles; i++) {
		const struct pk_needle *nd = &pk->needles[i];
		const struct saker_val *v;
		uint64_t any = 0;
		size_t j;

		for (j = 0; j < nd->rules.n; j++)
			any |= cand[nd->rules.v[j] / 64] & (1ull << (nd->rules.v[j] % 64));
		if (!any)
			continue;
		/* No value, or one without the needle: each of these rules is false. */
		if (!saker_slot_get(cx, nd->slot, &v) &&
		    (v->kind != SAKER_V_STR || saker_str_contains(v->s, v->len, nd->s, nd->len)))
			continue;
		for (j = 0; j < nd->rules.n; j++)
			cand[nd->rules.v[j] / 64] &= ~(1ull << (nd->rules.v[j] % 64));
	}
}
