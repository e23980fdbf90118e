// SPDX-License-Identifier: GPL-2.0
/*
 * Lists and exceptions become condition text before parsing, as Falco's
 * rule loader makes them (docs/rules-engine.md, "Lists"): a list name
 * standing between blanks or ( ) , = is replaced by its items joined by
 * ", ", each item with a blank quoted; an exception is written out as
 * "(field op (v1, v2))". Doing it as text, like Falco, is what gives the
 * same meaning to every corner: a list named like an operator, a list
 * used without parentheses, a transformer written as an exception value.
 * Each output byte remembers the input byte it came from, so an error in
 * substituted text points at the list name in the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

struct sbuf {
	char *s;
	size_t *map;
	size_t len, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n, size_t from, bool step)
{
	size_t i;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, cap);
		size_t *nm = ns ? realloc(b->map, cap * sizeof(*nm)) : NULL;

		if (ns)
			b->s = ns;
		if (!ns || !nm) {
			b->oom = true;
			return;
		}
		b->map = nm;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	for (i = 0; i < n; i++)
		b->map[b->len + i] = step ? from + i : from;
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_release(struct sbuf *b)
{
	free(b->s);
	free(b->map);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_delim(char c)
{
	return is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=';
}

/* An item with a blank is quoted, unless it starts with a quote already. */
static void put_item(struct sbuf *b, const char *s, size_t n, size_t from)
{
	bool q = memchr(s, ' ', n) && s[0] != '"' && s[0] != '\'';

	if (q)
		sb_put(b, "\"", 1, from, false);
	sb_put(b, s, n, from, false);
	if (q)
		sb_put(b, "\"", 1, from, false);
}

/* The items of l as Falco compiles them: earlier lists expanded, once. */
static void put_items(struct saker_loader *ld, const struct saker_list_def *l,
		      struct sbuf *b, size_t from)
{
	bool first = true;
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		const struct saker_litem *it = &l->items[i];
		const struct saker_list_def *ref =
			saker_strmap_get(&ld->lists, it->s, it->len);

		if (ref && ref->index < l->vis) {
			for (j = 0; j < ref->n; j++) {
				if (!first)
					sb_put(b, ", ", 2, from, false);
				put_item(b, ref->items[j].s, ref->items[j].len, from);
				first = false;
			}
			continue;
		}
		if (!first)
			sb_put(b, ", ", 2, from, false);
		put_item(b, it->s, it->len, from);
		first = false;
	}
}

/* Falco's resolve_list(), on a text with its byte map. */
static int subst_one(struct saker_loader *ld, struct saker_list_def *l,
		     struct sbuf *in)
{
	size_t nlen = strlen(l->name), start = 0, end;
	const char *hit;

	while (start < in->len &&
	       (hit = memmem(in->s + start, in->len - start, l->name, nlen))) {
		struct sbuf out = { 0 }, sub = { 0 };
		size_t s0 = (size_t)(hit - in->s), from = in->map[s0];

		start = s0;
		end = start + nlen;
		if ((start && !is_delim(in->s[start - 1])) ||
		    (end < in->len && !is_delim(in->s[end]))) {
			start++;
			continue;
		}
		while (start > 0 && is_blank(in->s[start - 1]))
			start--;
		while (end < in->len && is_blank(in->s[end]))
			end++;
		put_items(ld, l, &sub, from);
		if (!sub.len) {
			/* An empty list takes a neighbouring comma with it. */
			if (start > 0 && in->s[start - 1] == ',')
				start--;
			else if (end < in->len && in->s[end] == ',')
				end++;
		}
		if (start > 0) {
			sb_put(&out, in->s, start, 0, false);
			if (!out.oom)
				memcpy(out.map, in->map, start * sizeof(*out.map));
			sb_put(&out, " ", 1, from, false);
		}
		sb_put(&out, sub.s ? sub.s : "", sub.len, from, false);
		sb_put(&out, " ", 1, from, false);
		if (end < in->len) {
			size_t at = out.len;

			sb_put(&out, in->s + end, in->len - end, 0, false);
			if (!out.oom)
				memcpy(out.map + at, in->map + end,
				       (in->len - end) * sizeof(*out.map));
		}
		if (out.oom || sub.oom) {
			sb_release(&out);
			sb_release(&sub);
			return -ENOMEM;
		}
		start += sub.len + 1;
		sb_release(&sub);
		sb_release(in);
		*in = out;
		l->used = true;
		start++;
	}
	return 0;
}

/* The lowest-indexed list above 'after' whose name stands alone in b. */
static struct saker_list_def *next_list(struct saker_loader *ld, const struct sbuf *b,
					size_t after, bool any)
{
	struct saker_list_def *best = NULL, *l;
	size_t i = 0, j;

	while (i < b->len) {
		while (i < b->len && is_delim(b->s[i]))
			i++;
		for (j = i; j < b->len && !is_delim(b->s[j]); j++)
			;
		if (j > i && (l = saker_strmap_get(&ld->lists, b->s + i, j - i)) &&
		    (any || l->index > after) && (!best || l->index < best->index))
			best = l;
		i = j;
	}
	/* A name with a blank or a delimiter is no token: Falco finds it as text. */
	for (i = 0; i < ld->odd_lists.n; i++) {
		l = ld->odd_lists.v[i];
		if ((any || l->index > after) && (!best || l->index < best->index) &&
		    memmem(b->s, b->len, l->name, strlen(l->name)))
			best = l;
	}
	return best;
}

const struct saker_text *saker_subst_lists(struct saker_loader *ld,
					   const struct saker_text *t)
{
	struct saker_list_def *l;
	struct saker_text *nt;
	struct sbuf b = { 0 };
	bool any = true;
	size_t after = 0;

	l = next_list(ld, &(struct sbuf){ .s = t->s, .len = t->len }, 0, true);
	if (!l)
		return t;
	sb_put(&b, t->s, t->len, 0, true);
	/* In definition order, as Falco walks its lists. */
	while (!b.oom && l) {
		if (subst_one(ld, l, &b))
			goto release_buf;
		after = l->index;
		any = false;
		l = next_list(ld, &b, after, any);
	}
	if (b.oom)
		goto release_buf;
	nt = saker_arena_alloc(ld->arena, sizeof(*nt));
	if (!nt)
		goto release_buf;
	*nt = *t;
	nt->s = saker_arena_strndup(ld->arena, b.s, b.len);
	nt->map = saker_arena_alloc(ld->arena, (b.len + 1) * sizeof(*nt->map));
	if (!nt->s || !nt->map)
		goto release_buf;
	memcpy(nt->map, b.map, b.len * sizeof(*nt->map));
	nt->len = b.len;
	nt->base = t;
	sb_release(&b);
	return nt;
release_buf:
	sb_release(&b);
	return NULL;
}

/* ---- exceptions as text ---- */

/* A comp without the blanks around it, as Falco normalizes it; in the arena. */
static const char *trim_op(struct saker_loader *ld, const char *op)
{
	size_t b = strspn(op, " \t\r\n"), e = strlen(op);

	while (e > b && strchr(" \t\r\n", op[e - 1]))
		e--;
	return saker_arena_strndup(ld->arena, op + b, e - b);
}

static bool is_list_op(const char *op)
{
	return !strcmp(op, "in") || !strcmp(op, "intersects") || !strcmp(op, "pmatch") ||
	       strstr(op, " oneof") || strstr(op, " anyof") || strstr(op, " allof");
}

static void put_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s), 0, false);
}

static void put_value(struct sbuf *b, const struct saker_ynode *v)
{
	put_item(b, v->s, v->len, 0);
}

const char *saker_exc_text(struct saker_loader *ld, const struct saker_exc_def *x,
			   const char **err)
{
	bool tuple = x->fields->type == SAKER_Y_SEQ;
	size_t i, k, j, nf = tuple ? x->fields->n : 1;
	struct sbuf b = { 0 };
	const char *out;

	*err = NULL;
	if (!x->values.n)
		return "";
	if (!tuple) {
		const char *op = x->comps ? trim_op(ld, x->comps->s) : "in";

		if (!op)
			goto release_buf;

		put_str(&b, "(");
		put_str(&b, x->fields->s);
		put_str(&b, " ");
		put_str(&b, op);
		put_str(&b, " (");
		for (i = 0; i < x->values.n; i++) {
			const struct saker_ynode *v = x->values.v[i];

			if (v->type != SAKER_Y_SCALAR) {
				*err = "values of a one-field exception must be strings";
				goto release_buf;
			}
			if (i)
				put_str(&b, ", ");
			put_value(&b, v);
		}
		put_str(&b, "))");
		goto done;
	}
	put_str(&b, "(");
	for (i = 0; i < x->values.n; i++) {
		const struct saker_ynode *tv = x->values.v[i];

		if (tv->type != SAKER_Y_SEQ || tv->n != nf) {
			*err = "fields and values lists must have equal length";
			goto release_buf;
		}
		put_str(&b, i ? " or (" : "(");
		for (k = 0; k < nf; k++) {
			const struct saker_ynode *f = x->fields->kids[k], *v = tv->kids[k];
			const char *op = x->comps ? trim_op(ld, x->comps->kids[k]->s) : "=";

			if (!op)
				goto release_buf;

			put_str(&b, k ? " and " : "");
			put_str(&b, " ");
			put_str(&b, f->s);
			put_str(&b, " ");
			put_str(&b, op);
			put_str(&b, " ");
			if (v->type == SAKER_Y_SEQ) {
				put_str(&b, "(");
				for (j = 0; j < v->n; j++) {
					if (v->kids[j]->type != SAKER_Y_SCALAR) {
						*err = "exception values must be strings or lists of strings";
						goto release_buf;
					}
					put_str(&b, j ? ", " : "");
					put_value(&b, v->kids[j]);
				}
				put_str(&b, ")");
			} else if (v->type != SAKER_Y_SCALAR) {
				*err = "exception values must be strings or lists of strings";
				goto release_buf;
			} else if (is_list_op(op) && v->s[0] != '(') {
				put_str(&b, "(");
				put_str(&b, v->s);
				put_str(&b, ")");
			} else if (is_list_op(op)) {
				put_str(&b, v->s);
			} else {
				put_value(&b, v);
			}
		}
		put_str(&b, ")");
	}
	put_str(&b, ")");
done:
	if (b.oom)
		goto release_buf;
	out = saker_arena_strndup(ld->arena, b.s, b.len);
	sb_release(&b);
	return out;
release_buf:
	if (!*err)
		*err = "out of memory";
	sb_release(&b);
	return NULL;
}
