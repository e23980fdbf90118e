// SPDX-License-Identifier: GPL-2.0
/*
 * Recursive-descent parser of conditions, after libsinsp's grammar
 * (docs/rules-engine.md, "Syntax"): a cursor that tries one token class
 * after another, so what a token is depends on where it stands, as in
 * Falco: "<" is an operator after a field and a plain value after "=".
 * The nesting budget is counted as libsinsp counts it (one unit per
 * grammar function entered, 1000 as Falco's rule loader sets it).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "loader.h"

#define MAX_DEPTH 1000

struct parser {
	struct saker_loader *ld;
	const struct saker_text *text;
	const char *what;
	struct saker_arena *arena;
	const char *s;
	size_t len, pos;
	unsigned int depth;
	bool failed;
};

static void *fail(struct parser *p, const char *msg, const char *arg)
{
	struct saker_loc loc;

	if (p->failed)
		return NULL;
	p->failed = true;
	if (!p->ld)
		return NULL;
	loc = saker_text_loc(p->ld, p->text, p->pos);
	saker_diag(p->ld, true, "E-SYNTAX", loc, "%s: %s%s%s%s", p->what, msg,
		   arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return NULL;
}

/* The nesting guard: false (and a message) past the budget. */
static bool enter(struct parser *p)
{
	if (++p->depth < MAX_DEPTH)
		return true;
	fail(p, "condition nested too deeply (libsinsp's limit of 1000)", NULL);
	return false;
}

static bool blank(struct parser *p)
{
	size_t at = p->pos;

	p->pos = saker_lex_blank(p->s, p->len, p->pos);
	return p->pos > at;
}

static bool lit(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	if (p->pos + n > p->len || memcmp(p->s + p->pos, w, n))
		return false;
	p->pos += n;
	return true;
}

static char *tokdup(struct parser *p, size_t at, size_t n)
{
	char *s = saker_arena_strndup(p->arena, p->s + at, n);

	if (!s)
		fail(p, "out of memory", NULL);
	return s;
}

static struct saker_ast *node(struct parser *p, enum saker_ast_kind k, size_t pos)
{
	struct saker_ast *a = saker_arena_alloc(p->arena, sizeof(*a));

	if (!a)
		return fail(p, "out of memory", NULL);
	a->kind = k;
	a->pos = pos;
	a->text = p->text;
	return a;
}

/* A quoted string at the cursor into *q; false if none or malformed. */
static bool quoted(struct parser *p, struct saker_qstr *q, bool *bad)
{
	*bad = false;
	if (p->pos >= p->len || (p->s[p->pos] != '"' && p->s[p->pos] != '\''))
		return false;
	if (saker_lex_quoted(p->arena, p->s, p->len, p->pos, q)) {
		p->pos = q->err_pos;
		fail(p, q->err, NULL);
		*bad = true;
		return false;
	}
	p->pos = q->end;
	return true;
}

/* [arg] after a field name: a quoted or a bare string. */
static int field_arg(struct parser *p, const char **arg, size_t *alen)
{
	struct saker_qstr q;
	size_t n;
	bool bad;

	*arg = NULL;
	if (!lit(p, "["))
		return 0;
	if (quoted(p, &q, &bad)) {
		*arg = q.s;
		*alen = q.len;
	} else if (!bad && (n = saker_lex_fieldarg(p->s, p->len, p->pos))) {
		*arg = p->s + p->pos;
		*alen = n;
		p->pos += n;
	} else {
		if (!bad)
			fail(p, "expected a field argument: a quoted or a bare string", NULL);
		return -EINVAL;
	}
	if (!lit(p, "]")) {
		fail(p, "expected ']' after the field argument", NULL);
		return -EINVAL;
	}
	return 0;
}

/* The cursor is past a field name that started at 'at'. */
static int field_rest(struct parser *p, size_t at, struct saker_fexpr *fx)
{
	size_t n = p->pos - at, alen = 0;
	const char *arg;

	if (!enter(p))
		return -EINVAL;
	memset(fx, 0, sizeof(*fx));
	fx->pos = at;
	if (field_arg(p, &arg, &alen))
		return -EINVAL;
	fx->field = arg ? saker_arena_printf(p->arena, "%.*s[%.*s]", (int)n, p->s + at,
					     (int)alen, arg) : tokdup(p, at, n);
	p->depth--;
	return fx->field ? 0 : -ENOMEM;
}

static int xform_rest(struct parser *p, int xf, size_t at, struct saker_fexpr *fx);

/* A number or a quoted string at the cursor: 1, 0 if none, -EINVAL if malformed. */
static int xform_const(struct parser *p)
{
	size_t n = saker_lex_number(p->s, p->len, p->pos);
	struct saker_qstr q;
	bool bad;

	if (n) {
		p->pos += n;
		return 1;
	}
	if (quoted(p, &q, &bad))
		return 1;
	return bad ? -EINVAL : 0;
}

/* join's "(a, b)" once its '(' is read: fields, transformers, strings, numbers. */
static int xform_list(struct parser *p)
{
	struct saker_fexpr elem;
	size_t at, n, end;
	int xf, ret;

	blank(p);
	if (lit(p, ")"))
		return 0;
	do {
		blank(p);
		at = p->pos;
		if ((n = saker_lex_fieldname(p->s, p->len, p->pos))) {
			p->pos += n;
			ret = field_rest(p, at, &elem);
		} else if ((xf = saker_lex_xform(p->s, p->len, p->pos, &end)) &&
			   xf != SAKER_XF_VAL) {
			p->pos = end;
			ret = xform_rest(p, xf, at, &elem);
		} else if ((ret = xform_const(p)) == 0) {
			fail(p, "expected a transformer list argument: a field, a transformer, a quoted string or a number", NULL);
			ret = -EINVAL;
		}
		if (ret < 0)
			return ret;
		blank(p);
	} while (lit(p, ","));
	if (!lit(p, ")")) {
		fail(p, "expected ',' or ')' in the transformer list", NULL);
		return -EINVAL;
	}
	return 0;
}

/*
 * One argument of a transformer. saker's transformers take one field or
 * one nested transformer; numbers, strings and (lists) are libsinsp's
 * forms for join/concat/getopt, parsed so the rule is skipped, not refused.
 */
static int xform_arg(struct parser *p, struct saker_fexpr *fx)
{
	size_t at, end, n;
	int xf, ret = -EINVAL, c;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	at = p->pos;
	if ((c = xform_const(p)) || lit(p, "(")) {
		if (c < 0 || (!c && xform_list(p)))
			goto out;
		memset(fx, 0, sizeof(*fx));
		fx->field = "";
		fx->pos = at;
		fx->unsupported = c ? "a constant as a transformer argument" :
				  "a transformer list argument";
		ret = 0;
	} else if ((xf = saker_lex_xform(p->s, p->len, p->pos, &end)) && xf != SAKER_XF_VAL) {
		p->pos = end;
		ret = xform_rest(p, xf, at, fx);
	} else if ((n = saker_lex_fieldname(p->s, p->len, p->pos))) {
		p->pos += n;
		ret = field_rest(p, at, fx);
	} else {
		fail(p, "expected a transformer argument: a field, a transformer, a string, a number or a list", NULL);
	}
out:
	p->depth--;
	return ret;
}

/* The cursor is past "xform(": arguments, ')' and an optional [arg]. */
static int xform_rest(struct parser *p, int xf, size_t at, struct saker_fexpr *fx)
{
	struct saker_fexpr extra;
	const char *arg;
	size_t alen, nargs = 0;
	int ret = -EINVAL;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	do {
		if (xform_arg(p, nargs ? &extra : fx))
			goto out;
		nargs++;
		blank(p);
	} while (lit(p, ","));
	blank(p);
	if (!lit(p, ")")) {
		fail(p, "expected ')' closing the transformer", NULL);
		goto out;
	}
	if (field_arg(p, &arg, &alen))
		goto out;
	if (xf == SAKER_XF_UNSUPPORTED)
		fx->unsupported = "the transformers join, concat and getopt";
	else if (arg)
		fx->bad = "this transformer takes no field argument";
	else if (nargs > 1)
		fx->bad = "a transformer takes one argument";
	else if (!fx->unsupported && !fx->bad && fx->nxf >= SAKER_XF_MAX)
		fx->bad = "too many nested transformers";
	else if (!fx->unsupported && !fx->bad)
		fx->xf[fx->nxf++] = (uint8_t)xf;
	fx->pos = at;
	ret = 0;
out:
	p->depth--;
	return ret;
}

/*
 * val(field) or xform(...) on the right of an operator; 1 if found, 0 if
 * the cursor holds none, -EINVAL on a malformed one.
 */
static int rhs_xform(struct parser *p, struct saker_fexpr *fx)
{
	size_t at, end, n, alen;
	const char *arg;
	int xf, ret = -EINVAL;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	at = p->pos;
	xf = saker_lex_xform(p->s, p->len, p->pos, &end);
	if (xf == SAKER_XF_VAL) {
		p->pos = end;
		blank(p);
		n = saker_lex_fieldname(p->s, p->len, p->pos);
		if (!n) {
			fail(p, "expected a field within 'val'", NULL);
			goto out;
		}
		p->pos += n;
		if (field_rest(p, p->pos - n, fx))
			goto out;
		blank(p);
		if (!lit(p, ")")) {
			fail(p, "expected ')' closing 'val'", NULL);
			goto out;
		}
		if (field_arg(p, &arg, &alen))
			goto out;
		if (arg)
			fx->bad = "val takes no field argument";
		fx->pos = at;
		ret = 1;
	} else if (xf) {
		p->pos = end;
		ret = xform_rest(p, xf, at, fx) ? -EINVAL : 1;
	} else {
		ret = 0;
	}
out:
	p->depth--;
	return ret;
}

static int set_items(struct parser *p, struct saker_ast *a, struct saker_vec *v)
{
	size_t i;

	a->cmp.items = saker_arena_alloc(p->arena, (v->n + 1) * sizeof(*a->cmp.items));
	if (!a->cmp.items) {
		fail(p, "out of memory", NULL);
		return -ENOMEM;
	}
	for (i = 0; i < v->n; i++)
		a->cmp.items[i] = *(struct saker_litem *)v->v[i];
	a->cmp.nitems = v->n;
	return 0;
}

/* A quoted or a bare string value; 0 if there is none. */
static int str_value(struct parser *p, struct saker_litem *it)
{
	struct saker_qstr q;
	size_t n;
	bool bad;

	it->pos = p->pos;
	if (quoted(p, &q, &bad)) {
		*it = (struct saker_litem){ q.s, q.len, true, it->pos };
		return 1;
	}
	if (bad)
		return -EINVAL;
	n = saker_lex_barestr(p->s, p->len, p->pos);
	if (!n)
		return 0;
	*it = (struct saker_litem){ tokdup(p, p->pos, n), n, false, p->pos };
	p->pos += n;
	return it->s ? 1 : -ENOMEM;
}

/* "( v, v, ... )": 1 if parsed, 0 if no '(' is at the cursor. */
static int list_expr(struct parser *p, struct saker_ast *a)
{
	struct saker_vec v = { 0 };
	struct saker_litem *it;
	int ret = -EINVAL, got;

	if (!lit(p, "("))
		return 0;
	blank(p);
	do {
		if (v.n)
			blank(p);
		it = saker_arena_alloc(p->arena, sizeof(*it));
		if (!it) {
			fail(p, "out of memory", NULL);
			goto release_items;
		}
		got = str_value(p, it);
		if (got < 0)
			goto release_items;
		if (!got) {
			/* "()" is an empty list; "(a, )" is an error. */
			if (v.n) {
				fail(p, "expected a value after ',' in the list", NULL);
				goto release_items;
			}
			break;
		}
		if (saker_vec_push(&v, it)) {
			fail(p, "out of memory", NULL);
			goto release_items;
		}
		blank(p);
	} while (lit(p, ","));
	if (!lit(p, ")")) {
		fail(p, "expected ',' or ')' in the list", NULL);
		goto release_items;
	}
	a->cmp.rkind = SAKER_R_LIST;
	ret = set_items(p, a, &v) ? -ENOMEM : 1;
release_items:
	saker_vec_release(&v);
	return ret;
}

/* An identifier standing for a one-value list ("in x" as libsinsp reads it). */
static int ident_value(struct parser *p, struct saker_ast *a)
{
	size_t n = saker_lex_ident(p->s, p->len, p->pos);

	if (!n)
		return 0;
	a->cmp.items = saker_arena_alloc(p->arena, sizeof(*a->cmp.items));
	if (!a->cmp.items) {
		fail(p, "out of memory", NULL);
		return -ENOMEM;
	}
	a->cmp.items[0] = (struct saker_litem){ tokdup(p, p->pos, n), n, false, p->pos };
	a->cmp.nitems = 1;
	a->cmp.rkind = SAKER_R_LIST;
	p->pos += n;
	return a->cmp.items[0].s ? 1 : -ENOMEM;
}

static int rhs_field(struct parser *p, struct saker_ast *a)
{
	int ret = rhs_xform(p, &a->cmp.rfield);

	if (ret > 0)
		a->cmp.rkind = SAKER_R_FIELD;
	return ret;
}

static int rhs_list(struct parser *p, struct saker_ast *a, bool xforms)
{
	int ret;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	ret = list_expr(p, a);
	if (!ret && xforms)
		ret = rhs_field(p, a);
	if (!ret)
		ret = ident_value(p, a);
	if (!ret)
		fail(p, xforms ? "expected a list, an identifier, or a transformer" :
		     "expected a list or an identifier", NULL);
	p->depth--;
	return ret > 0 ? 0 : -EINVAL;
}

static int rhs_str(struct parser *p, struct saker_ast *a)
{
	int ret;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	ret = rhs_field(p, a);
	if (!ret) {
		a->cmp.items = saker_arena_alloc(p->arena, sizeof(*a->cmp.items));
		ret = a->cmp.items ? str_value(p, a->cmp.items) : -ENOMEM;
		a->cmp.rkind = SAKER_R_VALUE;
		a->cmp.nitems = 1;
		if (!ret)
			fail(p, "expected a string value or a transformer", NULL);
	}
	p->depth--;
	return ret > 0 ? 0 : -EINVAL;
}

static int rhs_num(struct parser *p, struct saker_ast *a)
{
	size_t n;
	int ret;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	ret = rhs_field(p, a);
	if (!ret && (n = saker_lex_number(p->s, p->len, p->pos))) {
		a->cmp.items = saker_arena_alloc(p->arena, sizeof(*a->cmp.items));
		if (a->cmp.items) {
			a->cmp.items[0] = (struct saker_litem){ tokdup(p, p->pos, n), n, false,
								p->pos };
			a->cmp.rkind = SAKER_R_VALUE;
			a->cmp.nitems = 1;
			p->pos += n;
			ret = a->cmp.items[0].s ? 1 : -ENOMEM;
		} else {
			ret = -ENOMEM;
		}
	} else if (!ret) {
		fail(p, "expected a number or a transformer", NULL);
	}
	p->depth--;
	return ret > 0 ? 0 : -EINVAL;
}

/* "startswith oneof (...)": the modifier, if a list (not a keyword) follows. */
static enum saker_mod modifier(struct parser *p)
{
	static const struct { const char *w; enum saker_mod m; } mods[] = {
		{ "oneof", SAKER_MOD_ONE }, { "anyof", SAKER_MOD_ANY },
		{ "allof", SAKER_MOD_ALL },
	};
	static const char *const kw[] = { "and", "or", "not" };
	size_t i, k, at = p->pos, n;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		p->pos = at;
		if (!lit(p, mods[i].w) || !blank(p))
			continue;
		if (p->pos < p->len && p->s[p->pos] == '(')
			return mods[i].m;
		if (!saker_lex_ident(p->s, p->len, p->pos))
			break;
		/* libsinsp's test: the keyword, then no letter or digit. */
		for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++) {
			n = strlen(kw[k]);
			if (p->pos + n <= p->len && !memcmp(p->s + p->pos, kw[k], n) &&
			    (p->pos + n == p->len || !isalnum((unsigned char)p->s[p->pos + n])))
				break;
		}
		if (k == sizeof(kw) / sizeof(kw[0]))
			return mods[i].m;
		break;
	}
	p->pos = at;
	return SAKER_MOD_NONE;
}

static int condition(struct parser *p, struct saker_ast *a)
{
	const struct saker_opdef *op;
	size_t end;
	int ret = -EINVAL;

	if (!enter(p))
		return -EINVAL;
	blank(p);
	op = saker_lex_op(p->s, p->len, p->pos, &end);
	if (!op) {
		fail(p, "expected an operator: exists, <=, <, >=, >, ==, =, !=, glob, iglob, contains, icontains, bcontains, startswith, bstartswith, endswith, regex, intersects, in or pmatch", NULL);
		goto out;
	}
	p->pos = end;
	a->cmp.op = op->op;
	switch (op->cls) {
	case SAKER_OPC_UNARY:
		a->cmp.rkind = SAKER_R_NONE;
		ret = 0;
		break;
	case SAKER_OPC_NUM:
		ret = rhs_num(p, a);
		break;
	case SAKER_OPC_STR:
		/* A modifier needs a blank before it; word operators have one. */
		if (blank(p) || op->needs_blank) {
			a->cmp.mod = modifier(p);
			if (a->cmp.mod) {
				ret = rhs_list(p, a, false);
				break;
			}
		}
		ret = rhs_str(p, a);
		break;
	case SAKER_OPC_LIST:
		ret = rhs_list(p, a, true);
		break;
	}
out:
	p->depth--;
	return ret;
}

static struct saker_ast *parse_or(struct parser *p);

/* The cursor is past the '(' at 'open': an expression and its ')'. */
static struct saker_ast *embedded(struct parser *p, size_t open)
{
	struct saker_ast *a = NULL;

	if (!enter(p))
		return NULL;
	blank(p);
	a = parse_or(p);
	if (a) {
		blank(p);
		if (p->pos >= p->len) {
			p->pos = open;
			a = fail(p, "unbalanced '(': the condition ends before its ')'", NULL);
		} else if (!lit(p, ")")) {
			a = fail(p, "expected 'and', 'or' or ')'", NULL);
		}
	}
	p->depth--;
	return a;
}

static struct saker_ast *check(struct parser *p)
{
	struct saker_ast *a = NULL;
	size_t at, n, end;
	int xf;

	if (!enter(p))
		return NULL;
	blank(p);
	at = p->pos;
	if (lit(p, "(")) {
		a = embedded(p, at);
	} else if ((n = saker_lex_fieldname(p->s, p->len, p->pos))) {
		p->pos += n;
		a = node(p, SAKER_A_CMP, at);
		if (a && (field_rest(p, at, &a->cmp.lhs) || condition(p, a)))
			a = NULL;
	} else if ((xf = saker_lex_xform(p->s, p->len, p->pos, &end)) &&
		   xf != SAKER_XF_VAL) {
		p->pos = end;
		a = node(p, SAKER_A_CMP, at);
		if (a && (xform_rest(p, xf, at, &a->cmp.lhs) || condition(p, a)))
			a = NULL;
	} else if ((n = saker_lex_ident(p->s, p->len, p->pos))) {
		a = node(p, SAKER_A_MACRO, at);
		if (a && !(a->macro.name = tokdup(p, at, n)))
			a = NULL;
		p->pos += n;
	} else {
		fail(p, p->pos >= p->len ? "condition ends where a check was expected" :
		     "expected '(', a field check or a macro name", NULL);
	}
	p->depth--;
	return a;
}

static struct saker_ast *parse_not(struct parser *p)
{
	struct saker_ast *a = NULL, *kid;
	bool neg = false;
	size_t at;

	if (!enter(p))
		return NULL;
	blank(p);
	at = p->pos;
	/* "not" then whitespace, any number of times, as libsinsp's (not\s+)* */
	while (p->pos + 3 < p->len && !memcmp(p->s + p->pos, "not", 3) &&
	       (saker_lex_is_blank(p->s[p->pos + 3]) || p->s[p->pos + 3] == '\f' ||
		p->s[p->pos + 3] == '\v')) {
		p->pos += 3;
		while (p->pos < p->len && (saker_lex_is_blank(p->s[p->pos]) ||
					   p->s[p->pos] == '\f' || p->s[p->pos] == '\v'))
			p->pos++;
		neg = !neg;
	}
	if (lit(p, "not(")) {
		neg = !neg;
		kid = embedded(p, p->pos - 1);
	} else {
		kid = check(p);
	}
	if (kid && neg) {
		a = node(p, SAKER_A_NOT, at);
		if (a) {
			a->kids = saker_arena_alloc(p->arena, sizeof(*a->kids));
			if (!a->kids)
				a = fail(p, "out of memory", NULL);
			else
				a->kids[0] = kid, a->n = 1;
		}
	} else {
		a = kid;
	}
	p->depth--;
	return a;
}

/* kid (kw kid)*: "and"/"or" need a blank or a '(' after them. */
static struct saker_ast *chain(struct parser *p, const char *kw, enum saker_ast_kind kind,
			       struct saker_ast *(*sub)(struct parser *))
{
	struct saker_vec kids = { 0 };
	struct saker_ast *a = NULL, *k;
	size_t at;

	if (!enter(p))
		return NULL;
	blank(p);
	at = p->pos;
	k = sub(p);
	if (!k || saker_vec_push(&kids, k))
		goto release_kids;
	blank(p);
	while (lit(p, kw)) {
		if (blank(p)) {
			k = sub(p);
		} else if (lit(p, "(")) {
			k = embedded(p, p->pos - 1);
		} else {
			fail(p, kind == SAKER_A_AND ? "expected a blank or '(' after 'and'" :
			     "expected a blank or '(' after 'or'", NULL);
			goto release_kids;
		}
		if (!k || saker_vec_push(&kids, k))
			goto release_kids;
		blank(p);
	}
	if (kids.n == 1) {
		a = kids.v[0];
		goto release_kids;
	}
	a = node(p, kind, at);
	if (!a)
		goto release_kids;
	a->kids = saker_arena_alloc(p->arena, kids.n * sizeof(*a->kids));
	if (!a->kids) {
		a = fail(p, "out of memory", NULL);
		goto release_kids;
	}
	memcpy(a->kids, kids.v, kids.n * sizeof(*a->kids));
	a->n = kids.n;
release_kids:
	if (!a && !p->failed)
		fail(p, "out of memory", NULL);
	saker_vec_release(&kids);
	p->depth--;
	return a;
}

static struct saker_ast *parse_and(struct parser *p)
{
	return chain(p, "and", SAKER_A_AND, parse_not);
}

static struct saker_ast *parse_or(struct parser *p)
{
	return chain(p, "or", SAKER_A_OR, parse_and);
}

struct saker_ast *saker_cond_parse(struct saker_loader *ld,
				   const struct saker_text *t, const char *what)
{
	struct parser p = {
		.ld = ld, .text = t, .what = what, .arena = ld->arena,
		.s = t->s, .len = t->len,
	};
	const char *nul = memchr(t->s, '\0', t->len);
	struct saker_ast *a;

	if (!t->len)
		return fail(&p, "empty condition", NULL);
	if (nul) {
		p.pos = (size_t)(nul - t->s);
		return fail(&p, "NUL byte in the condition", NULL);
	}
	a = parse_or(&p);
	if (a && p.pos != p.len)
		return fail(&p, p.s[p.pos] == ')' ? "unbalanced ')'" :
			    "unexpected text: expected 'and', 'or' or the end", NULL);
	return a;
}

struct saker_ast *saker_cond_parse_quiet(struct saker_arena *arena,
					 const struct saker_text *t)
{
	struct parser p = {
		.text = t, .what = "", .arena = arena, .s = t->s, .len = t->len,
	};
	struct saker_ast *a;

	if (!t->len || memchr(t->s, '\0', t->len))
		return NULL;
	a = parse_or(&p);
	return a && p.pos == p.len && !p.failed ? a : NULL;
}

int saker_fexpr_parse(struct saker_arena *arena, const char *s,
		      struct saker_fexpr *out)
{
	struct parser p = { .what = "field", .arena = arena, .s = s, .len = strlen(s) };
	size_t n, end;
	int xf, ret;

	blank(&p);
	if ((n = saker_lex_fieldname(s, p.len, p.pos))) {
		p.pos += n;
		ret = field_rest(&p, p.pos - n, out);
	} else if ((xf = saker_lex_xform(s, p.len, p.pos, &end)) && xf != SAKER_XF_VAL) {
		p.pos = end;
		ret = xform_rest(&p, xf, 0, out);
	} else {
		return -EINVAL;
	}
	blank(&p);
	return ret || p.pos != p.len ? -EINVAL : 0;
}
