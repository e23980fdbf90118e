// SPDX-License-Identifier: GPL-2.0
/*
 * The module's open filter from the compiled rules: for every active rule
 * that can see opens, a set of clauses that holds for every open event
 * the rule's condition can match (an over-approximation, never an
 * under-one); the filter is their union. docs/rules-engine.md, "The open
 * filter", has the reasoning; what cannot be bounded is "any open".
 *
 * A clause is masks of open kinds, access and result, and a list of path
 * constraints (exact or prefix), any of which may hold, or "any path".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "engine.h"
#include "fields.h"
#include "lib/kfilter.h"
#include "prefilter.h"

#define KF_KINDS_ALL	(SAKER_FILTER_EXEC_IMAGE | (SAKER_FILTER_KIND(SAKER_CALL_MAX) - 1))
#define KF_RESULT_ALL	(SAKER_FILTER_OK | SAKER_FILTER_FAILED)
/* Past these, a set of clauses is folded into one clause that holds them. */
#define KF_CLAUSES_MAX	64
#define KF_PATHS_MAX	SAKER_FILTER_ENTRIES_MAX
/* Condition nodes visited per rule (macros are shared, not copied). */
#define KF_VISITS_MAX	100000

/* access bits: O_RDONLY/O_WRONLY/O_RDWR/3, each without and with O_DIRECTORY */
#define KF_ACC_READ	(SAKER_FILTER_ACCESS(0, 0) | SAKER_FILTER_ACCESS(2, 0) | \
			 SAKER_FILTER_ACCESS(0, 1) | SAKER_FILTER_ACCESS(2, 1))
#define KF_ACC_WRITE	(SAKER_FILTER_ACCESS(1, 0) | SAKER_FILTER_ACCESS(2, 0) | \
			 SAKER_FILTER_ACCESS(1, 1) | SAKER_FILTER_ACCESS(2, 1))
#define KF_ACC_FILE	0x0fu	/* fd.typechar f: no O_DIRECTORY */

struct kpath {
	uint8_t match;		/* SAKER_FILTER_EXACT or SAKER_FILTER_PREFIX */
	const char *s;
	size_t len;
};

struct kclause {
	uint32_t kinds;
	uint8_t access, result;
	bool any_path;
	struct kpath *paths;
	size_t npaths;
};

struct kset {
	struct kclause *v;
	size_t n;
};

struct kctx {
	struct saker_arena arena;	/* everything below, freed at the end */
	const struct saker_program *pg;
	size_t visits;
	int err;
};

static void *kalloc(struct kctx *k, size_t n)
{
	void *p = n ? saker_arena_alloc(&k->arena, n) : NULL;

	if (n && !p)
		k->err = -ENOMEM;
	return p;
}

/* The empty set: no open. */
static struct kset kset_none(void)
{
	struct kset s = { 0 };

	return s;
}

static struct kset kset_one(struct kctx *k, uint32_t kinds, uint8_t access,
			    uint8_t result)
{
	struct kset s = { .v = kalloc(k, sizeof(struct kclause)), .n = 1 };

	if (!s.v)
		return kset_none();
	s.v[0] = (struct kclause){ .kinds = kinds, .access = access,
				   .result = result, .any_path = true };
	return s;
}

static struct kset kset_top(struct kctx *k)
{
	return kset_one(k, KF_KINDS_ALL, SAKER_FILTER_ACCESS_ALL, KF_RESULT_ALL);
}

static struct kset kset_paths(struct kctx *k, struct kpath *paths, size_t n)
{
	struct kset s = kset_top(k);

	if (s.n) {
		s.v[0].any_path = false;
		s.v[0].paths = paths;
		s.v[0].npaths = n;
	}
	return s;
}

/* Is p already in the first n of v? */
static bool path_in(const struct kpath *v, size_t n, const struct kpath *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].match == p->match && v[i].len == p->len && !memcmp(v[i].s, p->s, p->len))
			return true;
	return false;
}

/*
 * The one clause that holds everything s does. Its paths are each clause's
 * once: the clauses of an `and` of many exceptions mostly share their
 * paths, and a hull of hulls would otherwise double them until they pass
 * KF_PATHS_MAX and become "any path".
 */
static struct kset kset_hull(struct kctx *k, struct kset s)
{
	struct kclause h = { 0 };
	size_t i, j, np = 0;

	for (i = 0; i < s.n; i++) {
		h.kinds |= s.v[i].kinds;
		h.access |= s.v[i].access;
		h.result |= s.v[i].result;
		h.any_path |= s.v[i].any_path;
		np += s.v[i].npaths;
	}
	if (!h.any_path) {
		h.paths = kalloc(k, np * sizeof(*h.paths));
		for (i = 0; h.paths && i < s.n; i++)
			for (j = 0; j < s.v[i].npaths; j++)
				if (!path_in(h.paths, h.npaths, &s.v[i].paths[j]))
					h.paths[h.npaths++] = s.v[i].paths[j];
		if (h.npaths > KF_PATHS_MAX)
			h.any_path = true;
	}
	s.v = kalloc(k, sizeof(h));
	s.n = s.v ? 1 : 0;
	if (s.v)
		s.v[0] = h;
	return s;
}

static struct kset kset_or(struct kctx *k, struct kset a, struct kset b)
{
	struct kset s = { .v = kalloc(k, (a.n + b.n) * sizeof(*s.v)) };

	if (!s.v)
		return kset_none();
	if (a.n)
		memcpy(s.v, a.v, a.n * sizeof(*s.v));
	if (b.n)
		memcpy(s.v + a.n, b.v, b.n * sizeof(*s.v));
	s.n = a.n + b.n;
	return s.n > KF_CLAUSES_MAX ? kset_hull(k, s) : s;
}

/* The paths both lists allow, or the shorter list when that is too long to work out. */
static bool paths_meet(struct kctx *k, const struct kclause *a, const struct kclause *b,
		       struct kclause *out)
{
	size_t i, j;

	if (a->any_path || b->any_path) {
		const struct kclause *p = a->any_path ? b : a;

		out->any_path = p->any_path;
		out->paths = p->paths;
		out->npaths = p->npaths;
		return true;
	}
	if (a->npaths * b->npaths > 4096) {
		const struct kclause *p = a->npaths < b->npaths ? a : b;

		out->paths = p->paths;
		out->npaths = p->npaths;
		return p->npaths > 0;
	}
	out->paths = kalloc(k, a->npaths * b->npaths * sizeof(*out->paths));
	if (!out->paths)
		return false;
	for (i = 0; i < a->npaths; i++) {
		for (j = 0; j < b->npaths; j++) {
			const struct kpath *x = &a->paths[i], *y = &b->paths[j];

			/* x is the longer; a prefix allows what starts with it. */
			if (x->len < y->len) {
				const struct kpath *t = x;

				x = y;
				y = t;
			}
			if (memcmp(x->s, y->s, y->len))
				continue;
			if (y->match == SAKER_FILTER_EXACT &&
			    (x->len != y->len || x->match != SAKER_FILTER_EXACT)) {
				if (x->len != y->len)
					continue;
				x = y;	/* the same string: exact wins */
			}
			out->paths[out->npaths++] = *x;
		}
	}
	return out->npaths > 0;
}

static struct kset kset_and(struct kctx *k, struct kset a, struct kset b)
{
	struct kset s = { .v = kalloc(k, a.n * b.n * sizeof(*s.v)) };
	size_t i, j;

	if (!s.v)
		return kset_none();
	for (i = 0; i < a.n; i++) {
		for (j = 0; j < b.n; j++) {
			struct kclause c = {
				.kinds = a.v[i].kinds & b.v[j].kinds,
				.access = a.v[i].access & b.v[j].access,
				.result = a.v[i].result & b.v[j].result,
			};

			if (!c.kinds || !c.access || !c.result)
				continue;
			if (paths_meet(k, &a.v[i], &b.v[j], &c))
				s.v[s.n++] = c;
		}
	}
	return s.n > KF_CLAUSES_MAX ? kset_hull(k, s) : s;
}

/* The open kinds of the event types in an evt.type mask (evttypes.c's mapping). */
static uint32_t kinds_of_evmask(uint32_t m)
{
	uint32_t k = 0;

	if (m & (1u << SAKER_ET_OPEN))
		k |= SAKER_FILTER_KIND(SAKER_CALL_OPEN);
	if (m & (1u << SAKER_ET_CREAT))
		k |= SAKER_FILTER_KIND(SAKER_CALL_CREAT);
	if (m & (1u << SAKER_ET_USELIB))
		k |= SAKER_FILTER_KIND(SAKER_CALL_USELIB);
	if (m & (1u << SAKER_ET_OPEN_BY_HANDLE_AT))
		k |= SAKER_FILTER_KIND(SAKER_CALL_OPEN_BY_HANDLE_AT);
	if (m & (1u << SAKER_ET_OPENAT2))
		k |= SAKER_FILTER_KIND(SAKER_CALL_OPENAT2);
	if (m & (1u << SAKER_ET_OPEN_EXEC))
		k |= SAKER_FILTER_EXEC_IMAGE | SAKER_FILTER_KIND(SAKER_CALL_EXECVE) |
		     SAKER_FILTER_KIND(SAKER_CALL_EXECVEAT);
	if (m & (1u << SAKER_ET_OPENAT))
		k |= SAKER_FILTER_KIND(SAKER_CALL_OPENAT) | SAKER_FILTER_KIND(SAKER_CALL_NONE) |
		     SAKER_FILTER_KIND(SAKER_CALL_OTHER) | SAKER_FILTER_KIND(SAKER_CALL_IO_URING);
	return k;
}

/* Does some integer x in [lo, hi] make "x op k" true? */
static bool num_possible(enum saker_op op, int64_t k, int64_t lo, int64_t hi)
{
	switch (op) {
	case SAKER_OP_EQ: return k >= lo && k <= hi;
	case SAKER_OP_NE: return lo != hi || lo != k;
	case SAKER_OP_LT: return lo < k;
	case SAKER_OP_LE: return lo <= k;
	case SAKER_OP_GT: return hi > k;
	case SAKER_OP_GE: return hi >= k;
	default: return true;
	}
}

static enum saker_op negate(enum saker_op op)
{
	switch (op) {
	case SAKER_OP_EQ: return SAKER_OP_NE;
	case SAKER_OP_NE: return SAKER_OP_EQ;
	case SAKER_OP_LT: return SAKER_OP_GE;
	case SAKER_OP_LE: return SAKER_OP_GT;
	case SAKER_OP_GT: return SAKER_OP_LE;
	case SAKER_OP_GE: return SAKER_OP_LT;
	default: return SAKER_OP_NONE;
	}
}

/* A boolean field held to true or false: which value the cmp (or not) wants. */
static int bool_wanted(const struct saker_cmp *c, bool neg)
{
	bool v;

	if (c->rslot >= 0 || (c->op != SAKER_OP_EQ && c->op != SAKER_OP_NE))
		return -1;
	v = c->num != 0;
	if (c->op == SAKER_OP_NE)
		v = !v;
	return neg ? !v : v;
}

/* The results an open's return value allows: OK in [0, max fd], failed in [-4095, -1]. */
static uint8_t results_of_num(const struct saker_cmp *c, bool neg, int64_t fail_lo)
{
	enum saker_op op = neg ? negate(c->op) : c->op;
	uint8_t r = 0;

	if (c->rslot >= 0 || op == SAKER_OP_NONE)
		return KF_RESULT_ALL;
	if (num_possible(op, c->num, 0, INT32_MAX))
		r |= SAKER_FILTER_OK;
	if (num_possible(op, c->num, fail_lo, -1))
		r |= SAKER_FILTER_FAILED;
	return r;
}

struct pathlist {
	struct kctx *k;
	struct kpath *v;
	size_t n, cap;
	bool any;		/* a value that allows every path */
};

static int pl_add(struct pathlist *pl, uint8_t match, const char *s, size_t len)
{
	if (!len && match == SAKER_FILTER_PREFIX) {
		pl->any = true;
		return 0;
	}
	/* Only absolute paths are filtered; others are always recorded. */
	if (!len || s[0] != '/')
		return 0;
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 8;
		struct kpath *v = kalloc(pl->k, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (pl->n)
			memcpy(v, pl->v, pl->n * sizeof(*v));
		pl->v = v;
		pl->cap = cap;
	}
	pl->v[pl->n++] = (struct kpath){ .match = match, .s = s, .len = len };
	return 0;
}

static int pl_prefix(void *arg, const char *s, size_t len)
{
	struct pathlist *pl = arg;
	char *copy = len ? kalloc(pl->k, len) : NULL;

	if (len && !copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, s, len);
	return pl_add(pl, SAKER_FILTER_PREFIX, copy, len);
}

/* The literal start of a fnmatch(3) pattern. */
static size_t glob_literal(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			break;
	return i;
}

/*
 * fd.name (whole: EXACT or PREFIX) or fd.directory (always PREFIX: the
 * path is below the directory) compared with literal values.
 */
static struct kset path_atom(struct kctx *k, const struct saker_cmp *c, bool whole)
{
	struct pathlist pl = { .k = k };
	uint8_t eq = whole ? SAKER_FILTER_EXACT : SAKER_FILTER_PREFIX;
	size_t i;
	int ret = 0;

	switch (c->op) {
	case SAKER_OP_EQ:
		ret = pl_add(&pl, eq, c->s, c->len);
		break;
	case SAKER_OP_IN:
	case SAKER_OP_INTERSECTS:
		for (i = 0; !ret && i < c->set.cap; i++)
			if (c->set.keys[i])
				ret = pl_add(&pl, eq, c->set.keys[i], c->set.lens[i]);
		break;
	case SAKER_OP_STARTSWITH:
		ret = pl_add(&pl, SAKER_FILTER_PREFIX, c->s, c->len);
		break;
	case SAKER_OP_GLOB:
		ret = pl_add(&pl, SAKER_FILTER_PREFIX, c->s, glob_literal(c->s, c->len));
		break;
	case SAKER_OP_PMATCH:
		ret = saker_pmatch_prefixes(c->trie, pl_prefix, &pl);
		break;
	default:
		return kset_top(k);
	}
	if (ret) {
		k->err = ret;
		return kset_none();
	}
	if (pl.any)
		return kset_top(k);
	return pl.n > KF_PATHS_MAX ? kset_top(k) : kset_paths(k, pl.v, pl.n);
}

static struct kset atom(struct kctx *k, const struct saker_cmp *c, bool neg)
{
	const struct saker_slot *sl;
	int b;

	if (c->op == SAKER_OP_EVTMASK) {
		uint32_t m = neg ? SAKER_ET_ALL & ~c->evmask : c->evmask;
		uint32_t kinds = kinds_of_evmask(m);

		return kinds ? kset_one(k, kinds, SAKER_FILTER_ACCESS_ALL, KF_RESULT_ALL) :
			       kset_none();
	}
	sl = k->pg->slots.v[c->slot];
	if (sl->nxf)
		return kset_top(k);
	switch (sl->def->id) {
	case F_EVT_FAILED:
		b = bool_wanted(c, neg);
		if (b < 0)
			break;
		return kset_one(k, KF_KINDS_ALL, SAKER_FILTER_ACCESS_ALL,
				b ? SAKER_FILTER_FAILED : SAKER_FILTER_OK);
	case F_EVT_IS_OPEN_READ:
	case F_EVT_IS_OPEN_WRITE: {
		uint8_t acc = sl->def->id == F_EVT_IS_OPEN_READ ? KF_ACC_READ : KF_ACC_WRITE;

		b = bool_wanted(c, neg);
		if (b < 0)
			break;
		return kset_one(k, KF_KINDS_ALL, b ? acc : (uint8_t)~acc, KF_RESULT_ALL);
	}
	case F_FD_TYPECHAR:
		/* "f" unless O_DIRECTORY, then "d" (fields.c). */
		if (c->rslot >= 0 || (c->op != SAKER_OP_EQ && c->op != SAKER_OP_NE))
			break;
		if (c->len == 1 && (c->s[0] == 'f' || c->s[0] == 'd')) {
			uint8_t acc = c->s[0] == 'f' ? KF_ACC_FILE : (uint8_t)~KF_ACC_FILE;

			if ((c->op == SAKER_OP_NE) != neg)
				acc = (uint8_t)~acc;
			return kset_one(k, KF_KINDS_ALL, acc, KF_RESULT_ALL);
		}
		/* Neither f nor d: "=" never holds, "!=" always does. */
		if ((c->op == SAKER_OP_EQ) != neg)
			return kset_none();
		break;
	case F_EVT_RAWRES:
		return kset_one(k, KF_KINDS_ALL, SAKER_FILTER_ACCESS_ALL,
				results_of_num(c, neg, -4095));
	case F_FD_NUM:
		/* Missing for an io_uring open: a negated test of it holds there. */
		if (neg)
			break;
		return kset_one(k, KF_KINDS_ALL, SAKER_FILTER_ACCESS_ALL,
				results_of_num(c, false, -1));
	case F_EVT_RES: {
		bool success, eq;

		if (c->rslot >= 0 || (c->op != SAKER_OP_EQ && c->op != SAKER_OP_NE))
			break;
		success = c->len == 7 && !memcmp(c->s, "SUCCESS", 7);
		eq = (c->op == SAKER_OP_EQ) != neg;
		if (eq)
			return kset_one(k, KF_KINDS_ALL, SAKER_FILTER_ACCESS_ALL,
					success ? SAKER_FILTER_OK : SAKER_FILTER_FAILED);
		if (success)
			return kset_one(k, KF_KINDS_ALL, SAKER_FILTER_ACCESS_ALL,
					SAKER_FILTER_FAILED);
		break;
	}
	case F_FD_NAME:
	case F_FD_NAMERAW:
	case F_FD_DIRECTORY:
		if (neg || c->rslot >= 0)
			break;
		return path_atom(k, c, sl->def->id != F_FD_DIRECTORY);
	}
	return kset_top(k);
}

/* What holds for every open event on which node is true (false when neg). */
static struct kset derive(struct kctx *k, const struct saker_cnode *c, bool neg)
{
	struct kset s;
	uint32_t i;
	bool conj;

	if (k->err || ++k->visits > KF_VISITS_MAX)
		return kset_top(k);
	switch (c->kind) {
	case SAKER_C_TRUE:
		return neg ? kset_none() : kset_top(k);
	case SAKER_C_FALSE:
		return neg ? kset_top(k) : kset_none();
	case SAKER_C_NOT:
		return derive(k, c->kids[0], !neg);
	case SAKER_C_CMP:
		return atom(k, c->cmp, neg);
	case SAKER_C_ONE:
		/* Exactly one kid holds: some kid does. Its negation bounds nothing. */
		if (neg)
			return kset_top(k);
		conj = false;
		break;
	case SAKER_C_AND:
		conj = !neg;
		break;
	case SAKER_C_OR:
		conj = neg;
		break;
	default:
		return kset_top(k);
	}
	s = conj ? kset_top(k) : kset_none();
	for (i = 0; i < c->n && !k->err; i++) {
		struct kset kid = derive(k, c->kids[i], neg);

		s = conj ? kset_and(k, s, kid) : kset_or(k, s, kid);
		if (conj && !s.n)
			break;	/* nothing can match: the rest cannot widen it */
	}
	return s;
}

static bool clause_is_top(const struct kclause *c)
{
	return c->any_path && c->kinds == KF_KINDS_ALL &&
	       c->access == SAKER_FILTER_ACCESS_ALL && c->result == KF_RESULT_ALL;
}

/* Merges an entry into one with the same masks and path; 0 or -ENOMEM. */
static int add_entry(struct saker_kfilter *kf, const struct kclause *c, const struct kpath *p)
{
	uint8_t match = p ? p->match : SAKER_FILTER_ANY;
	size_t i, len = p ? p->len : 0;

	for (i = 0; i < kf->n; i++) {
		struct saker_kfilter_entry *e = &kf->v[i];

		if (e->match == match && e->access == c->access && e->result == c->result &&
		    e->len == len && (p ? e->path && !memcmp(e->path, p->s, len) : !e->path)) {
			e->kinds |= c->kinds;
			return 0;
		}
	}
	return saker_kfilter_add(kf, c->kinds, c->access, c->result, match,
				 p ? p->s : NULL, len);
}

static int flatten(struct saker_kfilter *kf, const struct kset *s)
{
	size_t i, j;
	int ret;

	for (i = 0; i < s->n; i++) {
		const struct kclause *c = &s->v[i];

		if (c->any_path) {
			ret = add_entry(kf, c, NULL);
			if (ret)
				return ret;
			continue;
		}
		for (j = 0; j < c->npaths; j++) {
			ret = add_entry(kf, c, &c->paths[j]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Does b keep every open a keeps? */
static bool entry_covers(const struct saker_kfilter_entry *b, const struct saker_kfilter_entry *a)
{
	if ((a->kinds & ~b->kinds) || (a->access & ~b->access) || (a->result & ~b->result))
		return false;
	if (b->match == SAKER_FILTER_ANY)
		return true;
	if (a->match == SAKER_FILTER_ANY || a->len < b->len || memcmp(a->path, b->path, b->len))
		return false;
	return b->match == SAKER_FILTER_PREFIX || (a->match == SAKER_FILTER_EXACT &&
						   a->len == b->len);
}

/* Drops the entries another one covers: the module scans them all per open. */
static int prune(struct saker_kfilter *kf)
{
	bool *drop = calloc(kf->n ? kf->n : 1, sizeof(*drop));
	size_t i, j, n = 0;

	if (!drop)
		return -ENOMEM;
	for (i = 0; i < kf->n; i++) {
		for (j = 0; j < kf->n && !drop[i]; j++) {
			/* Of two equal entries the first stays. */
			if (j == i || (j > i && entry_covers(&kf->v[i], &kf->v[j])))
				continue;
			drop[i] = entry_covers(&kf->v[j], &kf->v[i]);
		}
	}
	for (i = 0; i < kf->n; i++) {
		if (drop[i])
			free(kf->v[i].path);
		else
			kf->v[n++] = kf->v[i];
	}
	kf->n = n;
	free(drop);
	return 0;
}

static void kfilter_none(struct saker_kfilter *kf, const char *fmt, const char *arg)
{
	saker_kfilter_release(kf);
	kf->none = true;
	snprintf(kf->why, sizeof(kf->why), fmt, arg);
}

/*
 * The clauses of rule r for opens of the types in evmask into kf; *top when
 * the rule may match any open. 0 or -ENOMEM.
 */
static int rule_filter(struct kctx *k, const struct saker_prog_rule *r, uint32_t evmask,
		       struct saker_kfilter *kf, bool *top)
{
	struct kset s, only;
	size_t j;

	k->visits = 0;
	only = kset_one(k, kinds_of_evmask(evmask), SAKER_FILTER_ACCESS_ALL, KF_RESULT_ALL);
	s = kset_and(k, only, derive(k, r->cond, false));
	if (k->err)
		return k->err;
	*top = false;
	for (j = 0; j < s.n; j++) {
		if (clause_is_top(&s.v[j])) {
			*top = true;
			return 0;
		}
	}
	return flatten(kf, &s);
}

int saker_kfilter_rule(const struct saker_program *pg, const struct saker_prog_rule *r,
		       uint32_t evmask, struct saker_kfilter *kf)
{
	struct kctx k = { .pg = pg };
	bool top = false;
	int ret;

	memset(kf, 0, sizeof(*kf));
	ret = rule_filter(&k, r, evmask, kf, &top);
	if (!ret && !top)
		ret = prune(kf);
	if (ret)
		saker_kfilter_release(kf);
	else if (top)
		kfilter_none(kf, "rule \"%s\" may match any open", r->info->name);
	saker_arena_release(&k.arena);
	return ret;
}

int saker_engine_kfilter(const struct saker_engine *e, struct saker_kfilter *kf)
{
	static const int open_types[] = {
		SAKER_ET_OPEN, SAKER_ET_OPENAT, SAKER_ET_OPENAT2, SAKER_ET_CREAT,
		SAKER_ET_OPEN_BY_HANDLE_AT, SAKER_ET_OPEN_EXEC, SAKER_ET_USELIB,
	};
	const struct saker_program *pg = &e->prog;
	struct kctx k = { .pg = pg };
	size_t t, i, j;
	int ret = 0;

	memset(kf, 0, sizeof(*kf));
	if (!e->compiled) {
		kfilter_none(kf, "%s", "the rules are not compiled");
		return 0;
	}
	for (t = 0; t < sizeof(open_types) / sizeof(open_types[0]) && !ret; t++) {
		int et = open_types[t];

		for (i = 0; i < pg->nindex[et] && !ret; i++) {
			const struct saker_prog_rule *r = &pg->index[et][i];
			uint32_t evmask = 0;
			bool seen = false, top;

			/* Once per rule, with every open type it is indexed for. */
			for (j = 0; j < t && !seen; j++)
				for (size_t x = 0; x < pg->nindex[open_types[j]]; x++)
					if (pg->index[open_types[j]][x].info == r->info)
						seen = true;
			if (seen)
				continue;
			for (j = t; j < sizeof(open_types) / sizeof(open_types[0]); j++)
				for (size_t x = 0; x < pg->nindex[open_types[j]]; x++)
					if (pg->index[open_types[j]][x].info == r->info)
						evmask |= 1u << open_types[j];
			kf->rules++;
			ret = rule_filter(&k, r, evmask, kf, &top);
			if (!ret && top) {
				kfilter_none(kf, "rule \"%s\" may match any open", r->info->name);
				goto release;
			}
		}
	}
	if (ret) {
		saker_kfilter_release(kf);
		goto release;
	}
	ret = prune(kf);
	if (ret) {
		saker_kfilter_release(kf);
		goto release;
	}
	if (kf->n > SAKER_FILTER_ENTRIES_MAX || saker_kfilter_path_bytes(kf) > SAKER_FILTER_BYTES_MAX) {
		char n[32];

		snprintf(n, sizeof(n), "%zu", kf->n);
		kfilter_none(kf, "the filter would need %s entries, more than the module takes", n);
	}
release:
	saker_arena_release(&k.arena);
	return ret;
}
