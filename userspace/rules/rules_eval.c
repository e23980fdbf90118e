// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluator of the compiled rule table: the per-event field
 * cache, transformers, operators, hashed sets and the pmatch path trie.
 * A missing value makes every comparison false, != included.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/* ---- slots and transformers ---- */

static const signed char b64tab[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7,
	['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13,
	['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19,
	['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
	['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31,
	['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55,
	['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61,
	['9'] = 62, ['+'] = 63, ['/'] = 64, ['-'] = 63, ['_'] = 64,
};

static int b64_decode(struct saker_evctx *cx, const char *s, size_t len,
		      struct saker_val *out)
{
	char *o = saker_scratch(cx, len + 1);
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0;

	if (!o)
		return -ENOENT;
	for (i = 0; i < len; i++) {
		int v = b64tab[(unsigned char)s[i]];

		if (s[i] == '=')
			break;
		if (!v)
			return -ENOENT;	/* not base64: no value */
		acc = acc << 6 | (uint32_t)(v - 1);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (char)(acc >> bits);
		}
	}
	o[n] = '\0';
	out->kind = SAKER_V_STR;
	out->s = o;
	out->len = (uint32_t)n;
	return 0;
}

static int xform_one(struct saker_evctx *cx, uint8_t xf, const struct saker_val *in,
		     struct saker_val *out)
{
	const char *slash;
	char *o;
	size_t i;

	if (in->kind == SAKER_V_LIST) {
		if (xf != SAKER_XF_LEN)
			return -ENOENT;
		out->kind = SAKER_V_NUM;
		out->n = in->len;
		return 0;
	}
	if (in->kind != SAKER_V_STR)
		return -ENOENT;
	switch (xf) {
	case SAKER_XF_TOLOWER:
	case SAKER_XF_TOUPPER:
		o = saker_scratch(cx, in->len + 1);
		if (!o)
			return -ENOENT;
		for (i = 0; i < in->len; i++)
			o[i] = (char)(xf == SAKER_XF_TOLOWER ? tolower((unsigned char)in->s[i]) :
				      toupper((unsigned char)in->s[i]));
		o[in->len] = '\0';
		*out = (struct saker_val){ .kind = SAKER_V_STR, .len = in->len, .s = o };
		return 0;
	case SAKER_XF_BASENAME:
		slash = memrchr(in->s, '/', in->len);
		*out = *in;
		if (slash) {
			out->s = slash + 1;
			out->len = (uint32_t)(in->len - (size_t)(slash + 1 - in->s));
		}
		return 0;
	case SAKER_XF_LEN:
		out->kind = SAKER_V_NUM;
		out->n = in->len;
		return 0;
	case SAKER_XF_B64:
		return b64_decode(cx, in->s, in->len, out);
	}
	return -ENOENT;
}

int saker_slot_get(struct saker_evctx *cx, int slot, const struct saker_val **out)
{
	struct saker_cache_ent *ce = &cx->cache[slot];
	const struct saker_slot *s;

	if (ce->gen == cx->gen) {
		*out = &ce->v;
		return ce->rc;
	}
	s = cx->prog->slots.v[slot];
	ce->gen = cx->gen;
	if (s->base < 0) {
		ce->rc = saker_field_extract(cx, s->def, s->arg, s->sarg, &ce->v);
	} else {
		const struct saker_val *in;
		struct saker_val tmp;
		int i;

		ce->rc = saker_slot_get(cx, s->base, &in);
		tmp = *in;
		for (i = 0; !ce->rc && i < s->nxf; i++) {
			struct saker_val next;

			ce->rc = xform_one(cx, s->xf[i], &tmp, &next);
			tmp = next;
		}
		ce->v = tmp;
	}
	*out = &ce->v;
	return ce->rc;
}

/* ---- sets ---- */

/* Rehashes set into a table of cap slots (a power of two). */
static int strset_grow(struct saker_arena *a, struct saker_strset *set, size_t cap)
{
	struct saker_strset ns = { .cap = cap, .n = set->n };
	size_t i, j;

	ns.hashes = saker_arena_alloc(a, cap * sizeof(*ns.hashes));
	ns.keys = saker_arena_alloc(a, cap * sizeof(*ns.keys));
	ns.lens = saker_arena_alloc(a, cap * sizeof(*ns.lens));
	if (!ns.hashes || !ns.keys || !ns.lens)
		return -ENOMEM;
	for (i = 0; i < set->cap; i++) {
		if (!set->keys[i])
			continue;
		for (j = set->hashes[i] & (cap - 1); ns.keys[j]; j = (j + 1) & (cap - 1))
			;
		ns.hashes[j] = set->hashes[i];
		ns.keys[j] = set->keys[i];
		ns.lens[j] = set->lens[i];
	}
	*set = ns;
	return 0;
}

int saker_strset_reserve(struct saker_arena *a, struct saker_strset *set, size_t n)
{
	size_t cap = set->cap ? set->cap : 8;

	if (!n)
		return 0;
	/* The arena keeps outgrown tables: one table of the final size. */
	while (cap < n * 2)
		cap *= 2;
	return cap == set->cap ? 0 : strset_grow(a, set, cap);
}

int saker_strset_add(struct saker_arena *a, struct saker_strset *set,
		     const char *s, size_t len)
{
	uint64_t h = saker_hash_bytes(s, len);
	size_t j;

	if ((set->n + 1) * 2 > set->cap) {
		int ret = strset_grow(a, set, set->cap ? set->cap * 2 : 8);

		if (ret)
			return ret;
	}
	for (j = h & (set->cap - 1); set->keys[j]; j = (j + 1) & (set->cap - 1))
		if (set->hashes[j] == h && set->lens[j] == len && !memcmp(set->keys[j], s, len))
			return 0;
	set->hashes[j] = h;
	set->keys[j] = len ? s : "";
	set->lens[j] = (uint32_t)len;
	set->n++;
	return 0;
}

bool saker_strset_has(const struct saker_strset *set, const char *s, size_t len)
{
	if (!set->n)
		return false;
	return saker_strset_has_h(set, s, len, saker_hash_bytes(s, len));
}

bool saker_strset_has_h(const struct saker_strset *set, const char *s, size_t len,
			uint64_t h)
{
	size_t j;

	if (!set->n)
		return false;
	for (j = h & (set->cap - 1); set->keys[j]; j = (j + 1) & (set->cap - 1))
		if (set->hashes[j] == h && set->lens[j] == len && !memcmp(set->keys[j], s, len))
			return true;
	return false;
}

/*
 * pmatch: libsinsp's path prefix map. A trie of path components, empty
 * ones dropped; a component with * ? or [ is a glob matched by fnmatch.
 * A node without children ends a pattern and matches its whole subtree;
 * a shorter pattern replaces the longer ones below it.
 */
struct saker_pnode {
	const char *name;	/* NUL-terminated */
	size_t len;
	bool terminal;
	bool glob;
	struct saker_pnode *kids, *next;
};

static struct saker_pnode *pchild(struct saker_pnode *p, const char *s, size_t len)
{
	struct saker_pnode *k;

	for (k = p->kids; k; k = k->next)
		if (k->len == len && !memcmp(k->name, s, len))
			return k;
	return NULL;
}

int saker_pmatch_add(struct saker_arena *a, struct saker_pnode **root,
		     const char *s, size_t len)
{
	const char *end = s + len;
	struct saker_pnode *p;

	if (!*root && !(*root = saker_arena_alloc(a, sizeof(**root))))
		return -ENOMEM;
	p = *root;
	while (s < end) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		size_t n = slash ? (size_t)(slash - s) : (size_t)(end - s);
		struct saker_pnode *k;

		if (n) {
			if (p->terminal)
				return 0;	/* a shorter pattern covers it */
			k = pchild(p, s, n);
			if (!k) {
				k = saker_arena_alloc(a, sizeof(*k));
				if (!k || !(k->name = saker_arena_strndup(a, s, n)))
					return -ENOMEM;
				k->len = n;
				k->glob = strcspn(k->name, "*?[") < n;
				k->next = p->kids;
				p->kids = k;
			}
			p = k;
		}
		s += n + (slash ? 1 : 0);
	}
	p->terminal = true;
	p->kids = NULL;
	return 0;
}

static bool pmatch_from(const struct saker_pnode *p, const char *s, const char *end,
			char *buf, size_t cap, int depth)
{
	const struct saker_pnode *k;
	const char *slash;
	size_t n;

	while (s < end && *s == '/')
		s++;
	if (s >= end)
		return false;	/* the path ends above the pattern */
	slash = memchr(s, '/', (size_t)(end - s));
	n = slash ? (size_t)(slash - s) : (size_t)(end - s);
	for (k = p->kids; k; k = k->next) {
		bool hit;

		if (!k->glob) {
			hit = k->len == n && !memcmp(k->name, s, n);
		} else {
			if (n >= cap || depth > 256)
				continue;
			memcpy(buf, s, n);
			buf[n] = '\0';
			hit = !fnmatch(k->name, buf, 0);
		}
		if (hit && (k->terminal ||
			    pmatch_from(k, s + n, end, buf, cap, depth + 1)))
			return true;
	}
	return false;
}

bool saker_pmatch_has(const struct saker_pnode *root, const char *s, size_t len)
{
	char buf[4096];

	if (!root)
		return false;
	/* "/" alone: the root pattern matches every path. */
	if (root->terminal)
		return true;
	return pmatch_from(root, s, s + len, buf, sizeof(buf), 0);
}

static int pmatch_walk(const struct saker_pnode *p, char *buf, size_t len,
		       size_t cap, int depth,
		       int (*fn)(void *arg, const char *prefix, size_t len), void *arg)
{
	const struct saker_pnode *k;
	int ret;

	if (p->terminal)
		return fn(arg, buf, len);
	for (k = p->kids; k; k = k->next) {
		/* A glob component, a name too long, too deep: stop at its parent. */
		if (k->glob || len + 1 + k->len >= cap || depth > 256) {
			buf[len] = '/';
			ret = fn(arg, buf, len + 1);
		} else {
			buf[len] = '/';
			memcpy(buf + len + 1, k->name, k->len);
			ret = pmatch_walk(k, buf, len + 1 + k->len, cap, depth + 1, fn, arg);
		}
		if (ret)
			return ret;
	}
	return 0;
}

int saker_pmatch_prefixes(const struct saker_pnode *root,
			  int (*fn)(void *arg, const char *prefix, size_t len), void *arg)
{
	char buf[4096];

	return root ? pmatch_walk(root, buf, 0, sizeof(buf), 0, fn, arg) : 0;
}

/* Is path s below (or at) the directory pattern r, component-wise? */
static bool path_prefix(const char *r, size_t rl, const char *s, size_t sl)
{
	while (rl && r[rl - 1] == '/')
		rl--;
	return sl >= rl && !memcmp(s, r, rl) && (sl == rl || s[rl] == '/' || !rl);
}

bool saker_glob_match(struct saker_evctx *cx, const char *pat, size_t plen,
		      const char *s, size_t slen, bool icase)
{
	char *p = saker_scratch(cx, plen + 1), *z = saker_scratch(cx, slen + 1);

	if (!p || !z || memchr(pat, '\0', plen) || memchr(s, '\0', slen))
		return false;
	memcpy(p, pat, plen);
	p[plen] = '\0';
	memcpy(z, s, slen);
	z[slen] = '\0';
	return !fnmatch(p, z, icase ? FNM_CASEFOLD : 0);
}

/* ---- comparisons ---- */

static bool icontains(const char *h, size_t hl, const char *lowneedle, size_t nl)
{
	size_t i, j;

	if (nl > hl)
		return false;
	for (i = 0; i + nl <= hl; i++) {
		for (j = 0; j < nl; j++)
			if (tolower((unsigned char)h[i + j]) != lowneedle[j])
				break;
		if (j == nl)
			return true;
	}
	return false;
}

/*
 * Haystacks are short paths and command lines: memmem's setup costs more
 * than the search. memchr finds each candidate start, and the second byte
 * is tested before memcmp is called ('/' starts many needles and many
 * path components).
 */
bool saker_str_contains(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *p = h, *last;

	if (!nl)
		return true;
	if (nl > hl)
		return false;
	last = h + (hl - nl);
	while (p <= last) {
		p = memchr(p, n[0], (size_t)(last - p) + 1);
		if (!p)
			return false;
		if (nl == 1 || (p[1] == n[1] && !memcmp(p + 2, n + 2, nl - 2)))
			return true;
		p++;
	}
	return false;
}

static bool cmp_str(struct saker_evctx *cx, const struct saker_cmp *c,
		    const char *s, size_t len, const struct saker_val *rv)
{
	const char *r = c->s;
	size_t rl = c->len;
	int d;

	if (rv) {
		if (rv->kind != SAKER_V_STR)
			return false;
		r = rv->s;
		rl = rv->len;
	}
	switch (c->op) {
	case SAKER_OP_EQ:
		return len == rl && !memcmp(s, r, len);
	case SAKER_OP_NE:
		return len != rl || memcmp(s, r, len);
	case SAKER_OP_LT: case SAKER_OP_LE: case SAKER_OP_GT: case SAKER_OP_GE:
		d = memcmp(s, r, len < rl ? len : rl);
		if (!d)
			d = len < rl ? -1 : len > rl;
		return c->op == SAKER_OP_LT ? d < 0 : c->op == SAKER_OP_LE ? d <= 0 :
		       c->op == SAKER_OP_GT ? d > 0 : d >= 0;
	case SAKER_OP_CONTAINS:
		return saker_str_contains(s, len, r, rl);
	case SAKER_OP_ICONTAINS:
		if (rv) {
			size_t i;
			char *low = saker_scratch(cx, rl + 1);

			if (!low)
				return false;
			for (i = 0; i < rl; i++)
				low[i] = (char)tolower((unsigned char)r[i]);
			r = low;
		}
		return icontains(s, len, r, rl);
	case SAKER_OP_STARTSWITH:
		return rl <= len && !memcmp(s, r, rl);
	case SAKER_OP_ENDSWITH:
		return rl <= len && !memcmp(s + len - rl, r, rl);
	case SAKER_OP_GLOB:
	case SAKER_OP_IGLOB:
		return saker_glob_match(cx, r, rl, s, len, c->op == SAKER_OP_IGLOB);
	case SAKER_OP_BCONTAINS:
		return saker_str_contains(s, len, r, rl);
	case SAKER_OP_BSTARTSWITH:
		return rl <= len && !memcmp(s, r, rl);
	case SAKER_OP_IN:
	case SAKER_OP_INTERSECTS:
		/* "in val(f)": the other field's value is a one-item list. */
		if (rv)
			return len == rl && !memcmp(s, r, len);
		return saker_strset_has(&c->set, s, len);
	case SAKER_OP_PMATCH:
		if (rv)
			return path_prefix(r, rl, s, len);
		return saker_pmatch_has(c->trie, s, len);
	case SAKER_OP_REGEX: {
		char *z = saker_scratch(cx, len + 1);

		if (!z || !c->re || memchr(s, '\0', len))
			return false;
		memcpy(z, s, len);
		z[len] = '\0';
		return !regexec(c->re, z, 0, NULL, 0);
	}
	default:
		return false;
	}
}

static bool cmp_num(const struct saker_cmp *c, int64_t n, const struct saker_val *rv)
{
	int64_t r = c->num;
	size_t i;

	if (rv) {
		if (rv->kind != SAKER_V_NUM)
			return false;
		r = rv->n;
	}
	switch (c->op) {
	case SAKER_OP_IN:
	case SAKER_OP_INTERSECTS:
		if (rv)
			return n == r;
		break;
	default:
		break;
	}
	switch (c->op) {
	case SAKER_OP_EQ: return n == r;
	case SAKER_OP_NE: return n != r;
	case SAKER_OP_LT: return n < r;
	case SAKER_OP_LE: return n <= r;
	case SAKER_OP_GT: return n > r;
	case SAKER_OP_GE: return n >= r;
	case SAKER_OP_IN:
	case SAKER_OP_INTERSECTS:
		for (i = 0; i < c->nnums; i++)
			if (c->nums[i] == n)
				return true;
		return false;
	default:
		return false;
	}
}

static bool cmp_one(struct saker_evctx *cx, const struct saker_cmp *c,
		    const struct saker_val *v, const struct saker_val *rv)
{
	if (v->kind == SAKER_V_STR)
		return cmp_str(cx, c, v->s, v->len, rv);
	if (v->kind == SAKER_V_NUM)
		return cmp_num(c, v->n, rv);
	return false;
}

static bool eval_cmp(struct saker_evctx *cx, const struct saker_cmp *c)
{
	const struct saker_val *v, *rv = NULL;
	uint32_t i;

	if (c->op == SAKER_OP_EVTMASK)
		return (c->evmask >> cx->evtype) & 1;
	if (saker_slot_get(cx, c->slot, &v))
		return false;
	if (c->op == SAKER_OP_EXISTS)
		return true;
	if ((c->op == SAKER_OP_IN || c->op == SAKER_OP_INTERSECTS) &&
	    v->kind == SAKER_V_STR && c->rslot < 0) {
		/* Several sets test the same field: hash its value once per event. */
		struct saker_cache_ent *ce = &cx->cache[c->slot];

		if (ce->hgen != cx->gen) {
			ce->hash = saker_hash_bytes(v->s, v->len);
			ce->hgen = cx->gen;
		}
		return saker_strset_has_h(&c->set, v->s, v->len, ce->hash);
	}
	if (c->rslot >= 0 && saker_slot_get(cx, c->rslot, &rv))
		return false;
	if (v->kind != SAKER_V_LIST)
		return cmp_one(cx, c, v, rv);
	/* Without an index, proc.aname and friends match if any ancestor does. */
	for (i = 0; i < v->len; i++)
		if (cmp_one(cx, c, &v->list[i], rv))
			return true;
	return false;
}

bool saker_cnode_eval(struct saker_evctx *cx, const struct saker_cnode *c)
{
	uint32_t i;

	switch (c->kind) {
	case SAKER_C_AND:
		for (i = 0; i < c->n; i++)
			if (!saker_cnode_eval(cx, c->kids[i]))
				return false;
		return true;
	case SAKER_C_OR:
		for (i = 0; i < c->n; i++)
			if (saker_cnode_eval(cx, c->kids[i]))
				return true;
		return false;
	case SAKER_C_ONE: {
		uint32_t n = 0;

		for (i = 0; i < c->n && n < 2; i++)
			n += saker_cnode_eval(cx, c->kids[i]);
		return n == 1;
	}
	case SAKER_C_NOT:
		return !saker_cnode_eval(cx, c->kids[0]);
	case SAKER_C_CMP:
		return eval_cmp(cx, c->cmp);
	case SAKER_C_TRUE:
		return true;
	default:
		return false;
	}
}
