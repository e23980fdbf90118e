// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluator's open prefilter. Each rule that sees opens has its own
 * open filter (rules_kfilter.c): entries of access and result masks and a
 * path (exact, prefix or any) that hold for every open the rule's condition
 * can match. An open no entry of a rule keeps cannot match that rule, so
 * the rule's condition need not run; the module applies the union of the
 * same filters, so this is the verdict a filtered sakerd already lives by.
 *
 * Per open event type: a byte trie of every rule's entry paths, each node
 * with the entries ending there, and per access and result combination the
 * rules kept whatever the path. Kinds are not looked at: the rule index has
 * already sorted events by type, and ignoring a mask only keeps more rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prefilter.h"

/* access (one of 8 bits) x result (one of 2 bits): 16 combinations */
#define PF_COMBOS	16
#define PF_O_ACCMODE	03
#define PF_O_DIRECTORY	0200000

struct pf_item {
	uint16_t combos;	/* the access x result combinations it keeps */
	bool exact;		/* else a prefix */
	uint32_t rule;		/* position in the type's rule index */
};

struct pf_node {
	uint32_t kids;		/* first child, 0 for none (the root is no child) */
	uint32_t next;		/* next sibling, 0 for none */
	uint32_t items, nitems;	/* entries whose path ends here */
	unsigned char c;
};

struct saker_prefilter {
	size_t words;		/* of each bitmap */
	uint64_t *nopath;	/* [PF_COMBOS][words]: kept without a path test */
	uint64_t *any;		/* [PF_COMBOS][words]: kept for any path */
	struct pf_node *nodes;
	struct pf_item *items;
};

/* An entry with a path, while the trie is built. */
struct pf_entry {
	const char *path;
	size_t len;
	struct pf_item item;
};

struct pf_build {
	struct pf_entry *v;
	size_t n, cap;
	struct pf_node *nodes;
	size_t nnodes, capnodes;
};

static const int open_types[] = {
	SAKER_ET_OPEN, SAKER_ET_OPENAT, SAKER_ET_OPENAT2, SAKER_ET_CREAT,
	SAKER_ET_OPEN_BY_HANDLE_AT, SAKER_ET_OPEN_EXEC, SAKER_ET_USELIB,
};

#define NOPEN_TYPES (sizeof(open_types) / sizeof(open_types[0]))

static uint16_t combos_of(uint8_t access, uint8_t result)
{
	uint16_t m = 0;
	int a, r;

	for (a = 0; a < 8; a++)
		for (r = 0; r < 2; r++)
			if ((access & (1u << a)) && (result & (1u << r)))
				m |= (uint16_t)(1u << (a * 2 + r));
	return m;
}

static void set_bit(uint64_t *map, size_t i)
{
	map[i / 64] |= 1ull << (i % 64);
}

static int entry_push(struct pf_build *b, const struct saker_kfilter_entry *e,
		      uint16_t combos, uint32_t rule)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct pf_entry *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = (struct pf_entry){
		.path = e->path, .len = e->len,
		.item = { .combos = combos, .exact = e->match == SAKER_FILTER_EXACT, .rule = rule },
	};
	return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct pf_entry *a = pa, *b = pb;
	int d = memcmp(a->path, b->path, a->len < b->len ? a->len : b->len);

	if (d)
		return d;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	/* The same path: in rule order, so the build is deterministic. */
	return a->item.rule < b->item.rule ? -1 : a->item.rule > b->item.rule;
}

static uint32_t node_new(struct pf_build *b, unsigned char c)
{
	if (b->nnodes == b->capnodes) {
		size_t cap = b->capnodes ? b->capnodes * 2 : 256;
		struct pf_node *v = realloc(b->nodes, cap * sizeof(*v));

		if (!v)
			return 0;
		b->nodes = v;
		b->capnodes = cap;
	}
	b->nodes[b->nnodes] = (struct pf_node){ .c = c };
	return (uint32_t)b->nnodes++;
}

/* The node for path (created as needed); 0 when out of memory. */
static uint32_t node_for(struct pf_build *b, const char *path, size_t len)
{
	uint32_t n = 0, k;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		for (k = b->nodes[n].kids; k && b->nodes[k].c != c; k = b->nodes[k].next)
			;
		if (!k) {
			k = node_new(b, c);
			if (!k)
				return 0;
			b->nodes[k].next = b->nodes[n].kids;
			b->nodes[n].kids = k;
		}
		n = k;
	}
	return n;
}

/* The filters derived so far, by rule name; all owns them. */
struct pf_done {
	struct saker_strmap by_name;
	struct saker_vec all;
};

/* The rule's filter, derived once for all its open types. */
static struct saker_kfilter *rule_kf(const struct saker_program *pg, struct pf_done *done,
				     const struct saker_prog_rule *r, int *err)
{
	const char *name = r->info->name;
	struct saker_kfilter *kf = saker_strmap_get(&done->by_name, name, strlen(name));
	uint32_t evmask = 0;
	size_t t, i;

	if (kf)
		return kf;
	for (t = 0; t < NOPEN_TYPES; t++)
		for (i = 0; i < pg->nindex[open_types[t]]; i++)
			if (pg->index[open_types[t]][i].info == r->info)
				evmask |= 1u << open_types[t];
	kf = calloc(1, sizeof(*kf));
	if (!kf || saker_vec_push(&done->all, kf)) {
		free(kf);
		*err = -ENOMEM;
		return NULL;
	}
	*err = saker_kfilter_rule(pg, r, evmask, kf);
	if (!*err)
		*err = saker_strmap_put(&done->by_name, name, strlen(name), kf);
	return *err ? NULL : kf;
}

static int build_type(struct saker_program *pg, struct pf_done *done, int et)
{
	size_t n = pg->nindex[et], words = (n + 63) / 64, i, j, c;
	struct saker_prefilter *pf = saker_arena_alloc(pg->arena, sizeof(*pf));
	struct pf_build b = { 0 };
	int ret = -ENOMEM;

	if (!pf)
		return -ENOMEM;
	pf->words = words;
	pf->nopath = saker_arena_alloc(pg->arena, PF_COMBOS * words * sizeof(uint64_t));
	pf->any = saker_arena_alloc(pg->arena, PF_COMBOS * words * sizeof(uint64_t));
	if (!pf->nopath || !pf->any)
		goto free_build;
	/* The root: node_new() returns its index, 0, whether or not it got the memory. */
	node_new(&b, 0);
	if (!b.nnodes)
		goto free_build;
	for (i = 0; i < n; i++) {
		const struct saker_kfilter *kf = rule_kf(pg, done, &pg->index[et][i], &ret);

		if (!kf)
			goto free_build;
		for (c = 0; kf->none && c < PF_COMBOS; c++) {
			set_bit(pf->nopath + c * words, i);
			set_bit(pf->any + c * words, i);
		}
		for (j = 0; !kf->none && j < kf->n; j++) {
			const struct saker_kfilter_entry *e = &kf->v[j];
			uint16_t combos = combos_of(e->access, e->result);

			for (c = 0; c < PF_COMBOS; c++) {
				if (!(combos & (1u << c)))
					continue;
				set_bit(pf->nopath + c * words, i);
				if (e->match == SAKER_FILTER_ANY)
					set_bit(pf->any + c * words, i);
			}
			ret = e->match == SAKER_FILTER_ANY ? 0 :
			      entry_push(&b, e, combos, (uint32_t)i);
			if (ret)
				goto free_build;
		}
	}
	/* Sorted, the entries of one path are next to each other: one range per node. */
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), entry_cmp);
	pf->items = saker_arena_alloc(pg->arena, (b.n + 1) * sizeof(*pf->items));
	ret = -ENOMEM;
	if (!pf->items)
		goto free_build;
	for (i = 0; i < b.n; i++) {
		uint32_t node = node_for(&b, b.v[i].path, b.v[i].len);

		if (!node && b.v[i].len)
			goto free_build;
		if (!b.nodes[node].nitems)
			b.nodes[node].items = (uint32_t)i;
		b.nodes[node].nitems++;
		pf->items[i] = b.v[i].item;
	}
	pf->nodes = saker_arena_alloc(pg->arena, b.nnodes * sizeof(*pf->nodes));
	if (!pf->nodes)
		goto free_build;
	memcpy(pf->nodes, b.nodes, b.nnodes * sizeof(*pf->nodes));
	pg->pre[et] = pf;
	ret = 0;
free_build:
	free(b.v);
	free(b.nodes);
	return ret;
}

int saker_prefilter_build(struct saker_program *pg)
{
	struct pf_done done = { 0 };
	size_t t, i;
	int ret = 0;

	for (t = 0; t < NOPEN_TYPES && !ret; t++)
		if (pg->nindex[open_types[t]])
			ret = build_type(pg, &done, open_types[t]);
	for (i = 0; i < done.all.n; i++) {
		saker_kfilter_release(done.all.v[i]);
		free(done.all.v[i]);
	}
	saker_vec_release(&done.all);
	saker_strmap_release(&done.by_name);
	return ret;
}

size_t saker_prefilter_words(const struct saker_program *pg)
{
	size_t et, n = 0;

	for (et = 0; et < SAKER_ET_COUNT; et++)
		if (pg->nindex[et] > n)
			n = pg->nindex[et];
	return (n + 63) / 64;
}

static void or_map(uint64_t *out, const uint64_t *in, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		out[i] |= in[i];
}

bool saker_prefilter_rules(const struct saker_prefilter *pf, const struct saker_event *ev,
			   uint64_t *out)
{
	const struct saker_open *o = ev->open;
	const struct pf_node *node;
	const char *p = ev->path.p;
	size_t len = ev->path.len, i, k;
	unsigned int combo;

	if (ev->type != SAKER_REC_OPEN)
		return false;
	combo = ((o->open_flags & PF_O_ACCMODE) + (o->open_flags & PF_O_DIRECTORY ? 4 : 0)) * 2 +
		(o->err ? 1 : 0);
	memset(out, 0, pf->words * sizeof(*out));
	/* As the module: a failed open, or a path it cannot test, keeps every entry's rule. */
	if (o->err || (o->flags & SAKER_OPEN_PATH_TRUNCATED) || !len || p[0] != '/') {
		or_map(out, pf->nopath + combo * pf->words, pf->words);
		return true;
	}
	or_map(out, pf->any + combo * pf->words, pf->words);
	node = &pf->nodes[0];
	for (i = 0;; i++) {
		/* node holds the entries whose path is the first i bytes. */
		for (k = 0; k < node->nitems; k++) {
			const struct pf_item *it = &pf->items[node->items + k];

			if ((it->combos >> combo & 1) && (!it->exact || i == len))
				set_bit(out, it->rule);
		}
		if (i == len || !node->kids)
			break;
		for (k = node->kids; k && pf->nodes[k].c != (unsigned char)p[i];
		     k = pf->nodes[k].next)
			;
		if (!k)
			break;
		node = &pf->nodes[k];
	}
	return true;
}
