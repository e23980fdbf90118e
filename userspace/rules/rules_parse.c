// SPDX-License-Identifier: GPL-2.0
/*
 * Recursive-descent parser of conditions, with Falco's precedence:
 * not binds tighter than and, and tighter than or. A bare word followed
 * by an operator is a field; a bare word alone is a macro reference.
 */
#include <errno.h>
#include <string.h>

#include "loader.h"

#define MAX_NEST 200

struct parser {
	struct saker_loader *ld;
	const struct saker_text *text;
	const char *what;
	struct saker_lexer lx;
	struct saker_tok tok;
	int depth;
	bool failed;
};

static void next(struct parser *p)
{
	saker_lex_next(&p->lx, &p->tok);
}

static struct saker_tok peek(struct parser *p)
{
	struct saker_lexer save = p->lx;
	struct saker_tok t;

	saker_lex_next(&p->lx, &t);
	p->lx = save;
	return t;
}

static void *fail(struct parser *p, size_t pos, const char *msg, const char *arg)
{
	struct saker_loc loc;

	if (p->failed)
		return NULL;
	p->failed = true;
	if (!p->ld)
		return NULL;
	loc = saker_text_loc(p->ld, p->text, pos);
	saker_diag(p->ld, true, "E-SYNTAX", loc, "%s: %s%s%s%s", p->what, msg,
		   arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return NULL;
}

static char *tokdup(struct parser *p, const struct saker_tok *t)
{
	return saker_arena_strndup(p->lx.arena, t->s, t->len);
}

static bool is_word(const struct saker_tok *t, const char *w)
{
	return t->kind == SAKER_T_WORD && t->len == strlen(w) && !memcmp(t->s, w, t->len);
}

static struct saker_ast *node(struct parser *p, enum saker_ast_kind k, size_t pos)
{
	struct saker_ast *a = saker_arena_alloc(p->lx.arena, sizeof(*a));

	if (!a)
		return fail(p, pos, "out of memory", NULL);
	a->kind = k;
	a->pos = pos;
	a->text = p->text;
	return a;
}

/* fexpr := WORD | XFORM '(' fexpr ')' ; tok is the first word. */
static int parse_fexpr(struct parser *p, struct saker_fexpr *fx)
{
	enum saker_xform xf;
	struct saker_tok t = p->tok;

	if (t.kind != SAKER_T_WORD) {
		fail(p, t.pos, "expected a field name", NULL);
		return -EINVAL;
	}
	xf = saker_xform_from_word(t.s, t.len);
	if (xf && peek(p).kind == SAKER_T_LPAREN) {
		next(p);
		next(p);
		if (parse_fexpr(p, fx))
			return -EINVAL;
		if (p->tok.kind != SAKER_T_RPAREN) {
			fail(p, p->tok.pos, "expected ')' after the transformer argument", NULL);
			return -EINVAL;
		}
		if (fx->nxf >= SAKER_XF_MAX) {
			fail(p, t.pos, "too many nested transformers", NULL);
			return -EINVAL;
		}
		fx->xf[fx->nxf++] = (uint8_t)xf;
		fx->pos = t.pos;
		next(p);
		return 0;
	}
	memset(fx, 0, sizeof(*fx));
	fx->field = tokdup(p, &t);
	fx->pos = t.pos;
	next(p);
	return fx->field ? 0 : -ENOMEM;
}

static int set_item(struct parser *p, struct saker_litem *it)
{
	it->pos = p->tok.pos;
	it->quoted = p->tok.kind == SAKER_T_STRING;
	it->s = it->quoted ? p->tok.s : tokdup(p, &p->tok);
	it->len = p->tok.len;
	return it->s ? 0 : -ENOMEM;
}

static struct saker_ast *parse_list(struct parser *p, struct saker_ast *a)
{
	struct saker_vec items = { 0 };
	size_t i;

	if (p->tok.kind != SAKER_T_LPAREN) {
		fail(p, p->tok.pos, "expected '(' and a list of values after",
		     saker_op_name(a->cmp.op));
		return NULL;
	}
	next(p);
	while (p->tok.kind != SAKER_T_RPAREN) {
		struct saker_litem *it;

		if (p->tok.kind != SAKER_T_WORD && p->tok.kind != SAKER_T_STRING) {
			fail(p, p->tok.pos, "expected a value or ')' in the list", NULL);
			goto release_items;
		}
		it = saker_arena_alloc(p->lx.arena, sizeof(*it));
		if (!it || set_item(p, it) || saker_vec_push(&items, it)) {
			fail(p, p->tok.pos, "out of memory", NULL);
			goto release_items;
		}
		next(p);
		if (p->tok.kind == SAKER_T_COMMA) {
			next(p);
		} else if (p->tok.kind != SAKER_T_RPAREN) {
			fail(p, p->tok.pos, "expected ',' or ')' in the list", NULL);
			goto release_items;
		}
	}
	next(p);
	a->cmp.rkind = SAKER_R_LIST;
	a->cmp.nitems = items.n;
	a->cmp.items = saker_arena_alloc(p->lx.arena, (items.n + 1) * sizeof(*a->cmp.items));
	if (!a->cmp.items) {
		fail(p, a->pos, "out of memory", NULL);
		goto release_items;
	}
	for (i = 0; i < items.n; i++)
		a->cmp.items[i] = *(struct saker_litem *)items.v[i];
	saker_vec_release(&items);
	return a;
release_items:
	saker_vec_release(&items);
	return NULL;
}

static struct saker_ast *parse_rhs(struct parser *p, struct saker_ast *a)
{
	struct saker_tok t = p->tok;

	if (a->cmp.op == SAKER_OP_EXISTS) {
		a->cmp.rkind = SAKER_R_NONE;
		return a;
	}
	if (a->cmp.op == SAKER_OP_IN || a->cmp.op == SAKER_OP_INTERSECTS ||
	    a->cmp.op == SAKER_OP_PMATCH)
		return parse_list(p, a);
	if (t.kind == SAKER_T_WORD && peek(p).kind == SAKER_T_LPAREN &&
	    (is_word(&t, "val") || saker_xform_from_word(t.s, t.len))) {
		struct saker_fexpr fx;
		enum saker_xform outer[SAKER_XF_MAX];
		size_t nouter = 0;

		/* xform(...(val(field))...): transformers around val() apply last. */
		while (!is_word(&p->tok, "val")) {
			if (nouter >= SAKER_XF_MAX || p->tok.kind != SAKER_T_WORD ||
			    !saker_xform_from_word(p->tok.s, p->tok.len))
				return fail(p, p->tok.pos, "expected val(field)", NULL);
			outer[nouter++] = saker_xform_from_word(p->tok.s, p->tok.len);
			next(p);
			if (p->tok.kind != SAKER_T_LPAREN)
				return fail(p, p->tok.pos, "expected '('", NULL);
			next(p);
		}
		next(p);
		if (p->tok.kind != SAKER_T_LPAREN)
			return fail(p, p->tok.pos, "expected '(' after val", NULL);
		next(p);
		if (parse_fexpr(p, &fx))
			return NULL;
		if (p->tok.kind != SAKER_T_RPAREN)
			return fail(p, p->tok.pos, "expected ')' after val(field", NULL);
		next(p);
		while (nouter) {
			if (p->tok.kind != SAKER_T_RPAREN)
				return fail(p, p->tok.pos, "expected ')'", NULL);
			if (fx.nxf >= SAKER_XF_MAX)
				return fail(p, t.pos, "too many nested transformers", NULL);
			fx.xf[fx.nxf++] = (uint8_t)outer[--nouter];
			next(p);
		}
		a->cmp.rkind = SAKER_R_FIELD;
		a->cmp.rfield = fx;
		return a;
	}
	if (t.kind == SAKER_T_ERROR)
		return fail(p, t.pos, t.err, NULL);
	if (t.kind != SAKER_T_WORD && t.kind != SAKER_T_STRING)
		return fail(p, t.pos, "expected a value after",
			    saker_op_name(a->cmp.op));
	a->cmp.items = saker_arena_alloc(p->lx.arena, sizeof(*a->cmp.items));
	if (!a->cmp.items || set_item(p, a->cmp.items))
		return fail(p, t.pos, "out of memory", NULL);
	a->cmp.rkind = SAKER_R_VALUE;
	a->cmp.nitems = 1;
	next(p);
	return a;
}

static struct saker_ast *parse_check(struct parser *p)
{
	struct saker_tok t = p->tok, nx;
	struct saker_ast *a;
	enum saker_op op;

	if (t.kind != SAKER_T_WORD) {
		if (t.kind == SAKER_T_ERROR)
			return fail(p, t.pos, t.err, NULL);
		if (t.kind == SAKER_T_END)
			return fail(p, t.pos, "condition ends where a check was expected", NULL);
		return fail(p, t.pos, "expected a field, a macro or '('", NULL);
	}
	if (is_word(&t, "and") || is_word(&t, "or"))
		return fail(p, t.pos, "expected a field, a macro or '(' before", "and/or");
	nx = peek(p);
	op = nx.kind == SAKER_T_OP ? nx.op :
	     nx.kind == SAKER_T_WORD ? saker_op_from_word(nx.s, nx.len) : SAKER_OP_NONE;
	if (!op && !(saker_xform_from_word(t.s, t.len) && nx.kind == SAKER_T_LPAREN)) {
		if (memchr(t.s, '.', t.len)) {
			char *w = tokdup(p, &t);

			return fail(p, t.pos, "a field needs an operator:", w);
		}
		a = node(p, SAKER_A_MACRO, t.pos);
		if (!a)
			return NULL;
		a->macro.name = tokdup(p, &t);
		next(p);
		return a;
	}
	a = node(p, SAKER_A_CMP, t.pos);
	if (!a || parse_fexpr(p, &a->cmp.lhs))
		return NULL;
	t = p->tok;
	op = t.kind == SAKER_T_OP ? t.op :
	     t.kind == SAKER_T_WORD ? saker_op_from_word(t.s, t.len) : SAKER_OP_NONE;
	if (!op)
		return fail(p, t.pos, "expected an operator after", a->cmp.lhs.field);
	a->cmp.op = op;
	next(p);
	return parse_rhs(p, a);
}

static struct saker_ast *parse_or(struct parser *p);

static struct saker_ast *parse_not(struct parser *p)
{
	struct saker_ast *a;

	if (++p->depth > MAX_NEST)
		return fail(p, p->tok.pos, "condition nested too deeply", NULL);
	if (is_word(&p->tok, "not")) {
		a = node(p, SAKER_A_NOT, p->tok.pos);
		if (!a)
			return NULL;
		next(p);
		a->kids = saker_arena_alloc(p->lx.arena, sizeof(*a->kids));
		if (!a->kids)
			return fail(p, a->pos, "out of memory", NULL);
		a->n = 1;
		a->kids[0] = parse_not(p);
		p->depth--;
		return a->kids[0] ? a : NULL;
	}
	if (p->tok.kind == SAKER_T_LPAREN) {
		size_t pos = p->tok.pos;

		next(p);
		a = parse_or(p);
		if (!a)
			return NULL;
		if (p->tok.kind != SAKER_T_RPAREN)
			return fail(p, p->tok.kind == SAKER_T_END ? pos : p->tok.pos,
				    p->tok.kind == SAKER_T_END ? "unbalanced '('" :
				    "expected 'and', 'or' or ')'", NULL);
		next(p);
		p->depth--;
		return a;
	}
	a = parse_check(p);
	p->depth--;
	return a;
}

static struct saker_ast *parse_chain(struct parser *p, const char *kw,
				     enum saker_ast_kind kind,
				     struct saker_ast *(*sub)(struct parser *))
{
	struct saker_vec kids = { 0 };
	struct saker_ast *a, *first;
	size_t pos = p->tok.pos;

	first = sub(p);
	if (!first)
		return NULL;
	if (!is_word(&p->tok, kw))
		return first;
	if (saker_vec_push(&kids, first))
		goto release_kids;
	while (is_word(&p->tok, kw)) {
		struct saker_ast *k;

		next(p);
		k = sub(p);
		if (!k || saker_vec_push(&kids, k))
			goto release_kids;
	}
	a = node(p, kind, pos);
	if (!a)
		goto release_kids;
	a->kids = saker_arena_alloc(p->lx.arena, kids.n * sizeof(*a->kids));
	if (!a->kids)
		goto release_kids;
	memcpy(a->kids, kids.v, kids.n * sizeof(*a->kids));
	a->n = kids.n;
	saker_vec_release(&kids);
	return a;
release_kids:
	saker_vec_release(&kids);
	return fail(p, pos, "out of memory", NULL);
}

static struct saker_ast *parse_and(struct parser *p)
{
	return parse_chain(p, "and", SAKER_A_AND, parse_not);
}

static struct saker_ast *parse_or(struct parser *p)
{
	return parse_chain(p, "or", SAKER_A_OR, parse_and);
}

struct saker_ast *saker_cond_parse(struct saker_loader *ld,
				   const struct saker_text *t, const char *what)
{
	struct parser p = {
		.ld = ld, .text = t, .what = what,
		.lx = { .s = t->s, .len = t->len, .arena = ld->arena },
	};
	struct saker_ast *a;

	next(&p);
	if (p.tok.kind == SAKER_T_END)
		return fail(&p, 0, "empty condition", NULL);
	a = parse_or(&p);
	if (!a)
		return NULL;
	if (p.tok.kind != SAKER_T_END)
		return fail(&p, p.tok.pos,
			    p.tok.kind == SAKER_T_RPAREN ? "unbalanced ')'" :
			    "expected 'and' or 'or' before", p.tok.kind == SAKER_T_WORD ?
			    tokdup(&p, &p.tok) : NULL);
	return a;
}

int saker_fexpr_parse(struct saker_arena *arena, const char *s,
		      struct saker_fexpr *out)
{
	struct parser p = {
		.what = "field", .lx = { .s = s, .len = strlen(s), .arena = arena },
	};

	next(&p);
	if (parse_fexpr(&p, out) || p.tok.kind != SAKER_T_END)
		return -EINVAL;
	return 0;
}
