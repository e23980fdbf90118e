// SPDX-License-Identifier: GPL-2.0
/*
 * Cheap terms first: the kids of every `and` and `or` of the compiled
 * conditions are put in order of an estimated cost, so that a short
 * circuit skips the costly ones (a glob, a regex, a contains on the
 * command line, a walk up the process ancestors) whenever a cheap term
 * decides. In an `and`, a negated term ("and not exception") goes last:
 * exceptions rarely hold, so their negation almost never stops an `and`.
 * Evaluating a condition changes nothing but the per-event caches, so the
 * order of an `and` or an `or` changes no result; `oneof` is left alone.
 * Macros are shared nodes: each is ordered once.
 */
#include <string.h>

#include "prefilter.h"

#define COST_MAX 60000
/* Added to a negated term's cost when ordering an `and`. */
#define NOT_LAST 30000

static unsigned int rank(const struct saker_cnode *parent, const struct saker_cnode *k)
{
	return k->cost + (parent->kind == SAKER_C_AND && k->kind == SAKER_C_NOT ? NOT_LAST : 0);
}

static unsigned int field_cost(const struct saker_program *pg, int slot)
{
	const struct saker_slot *s = pg->slots.v[slot];
	const char *n = s->def->name;
	unsigned int c = s->base >= 0 ? 2 : 0;	/* transformers */

	if (!strncmp(n, "evt.", 4) || !strncmp(n, "fd.", 3))
		return c;
	if (!strncmp(n, "proc.cmdline", 12) || !strncmp(n, "proc.args", 9) ||
	    !strncmp(n, "proc.env", 8) || !strncmp(n, "proc.pcmdline", 13))
		return c + 6;	/* joined or searched strings */
	if (!strncmp(n, "proc.p", 6) || !strncmp(n, "proc.a", 6) ||
	    !strncmp(n, "container.", 10))
		return c + 8;	/* a process table or container lookup */
	return c + 1;
}

static unsigned int cmp_cost(const struct saker_program *pg, const struct saker_cmp *c)
{
	unsigned int k;

	switch (c->op) {
	case SAKER_OP_EVTMASK:
		return 1;
	case SAKER_OP_STARTSWITH: case SAKER_OP_ENDSWITH: case SAKER_OP_BSTARTSWITH:
		k = 3;
		break;
	case SAKER_OP_IN: case SAKER_OP_INTERSECTS:
		k = 4;
		break;
	case SAKER_OP_CONTAINS: case SAKER_OP_BCONTAINS: case SAKER_OP_ICONTAINS:
		k = 6;
		break;
	case SAKER_OP_PMATCH:
		k = 8;
		break;
	case SAKER_OP_GLOB: case SAKER_OP_IGLOB:
		k = 12;
		break;
	case SAKER_OP_REGEX:
		k = 30;
		break;
	default:
		k = 2;
		break;
	}
	k += field_cost(pg, c->slot);
	if (c->rslot >= 0)
		k += 2 + field_cost(pg, c->rslot);
	return k;
}

static unsigned int order(const struct saker_program *pg, struct saker_cnode *c, int depth)
{
	unsigned long sum = 0;
	uint32_t i, j;

	if (c->cost)
		return c->cost;
	switch (c->kind) {
	case SAKER_C_CMP:
		sum = cmp_cost(pg, c->cmp);
		break;
	case SAKER_C_AND:
	case SAKER_C_OR:
	case SAKER_C_ONE:
	case SAKER_C_NOT:
		for (i = 0; i < c->n; i++)
			sum += depth < 200 ? order(pg, c->kids[i], depth + 1) : COST_MAX;
		break;
	default:
		sum = 1;
		break;
	}
	/* Insertion sort, stable: equal costs keep the rule's own order. */
	for (i = 1; (c->kind == SAKER_C_AND || c->kind == SAKER_C_OR) && i < c->n; i++) {
		struct saker_cnode *k = c->kids[i];

		for (j = i; j > 0 && rank(c, c->kids[j - 1]) > rank(c, k); j--)
			c->kids[j] = c->kids[j - 1];
		c->kids[j] = k;
	}
	c->cost = (uint16_t)(sum > COST_MAX ? COST_MAX : sum ? sum : 1);
	return c->cost;
}

void saker_order_conditions(struct saker_program *pg)
{
	size_t et, i;

	for (et = 0; et < SAKER_ET_COUNT; et++)
		for (i = 0; i < pg->nindex[et]; i++)
			order(pg, (struct saker_cnode *)pg->index[et][i].cond, 0);
}
