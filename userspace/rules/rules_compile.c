// SPDX-License-Identifier: GPL-2.0
/*
 * Compiler: turns the loaded definitions into the rule table. Macros are
 * compiled once and shared by every rule that uses them; lists are
 * expanded into hashed sets (in/intersects) or a path trie (pmatch);
 * fields become cache slots so each is extracted at most once per event;
 * each rule lands in the index of every event type it can match.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "compile.h"

#define MAX_NEST 200		/* condition nesting, macros included */
#define CHAIN_HEAD 2		/* macros of a long chain named before the elision */
#define CHAIN_TAIL 2		/* ... and after it */
#define NAME_SHOWN 96		/* a longer macro name is cut in messages */

struct cctx {
	struct saker_loader *ld;	/* macros, lists, messages */
	struct saker_program *pg;	/* slots, regexes: what evaluation reads */
	struct saker_rule_def *r;
	const char *what;	/* "rule 'X'" for messages */
	bool failed;
	bool skipped;		/* unknown field with skip-if-unknown-filter */
	bool unknown_field;	/* the skip is for an unknown field: Falco's compile failed */
	const char *skip_reason;
	int depth;
	struct saker_vec uncaptured;	/* event names saker does not see */
	const char *chain[MAX_NEST + 1];	/* macros being compiled, outermost first */
	size_t nchain;
};

static struct saker_loc ast_loc(struct cctx *c, const struct saker_ast *a, size_t pos)
{
	if (!a->text)
		return c->r ? c->r->loc : (struct saker_loc){ -1, 0, 0 };
	return saker_text_loc(c->ld, a->text, pos);
}

/* " via a1 > a2 > ... N more ... > a8 > a9" for the first n of the chain. */
static void via_text(const struct cctx *c, size_t n, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		if (n > CHAIN_HEAD + CHAIN_TAIL + 1 && i == CHAIN_HEAD) {
			len += (size_t)snprintf(buf + len, size - len, " > ... %zu more ...",
						n - CHAIN_HEAD - CHAIN_TAIL);
			i = n - CHAIN_TAIL - 1;
			continue;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%.*s", i ? " > " : " via ",
					NAME_SHOWN, c->chain[i]);
	}
}

/*
 * A message of the rule being compiled. Inside macros the innermost one
 * and the reason come first, then the rule and the chain, its middle
 * elided: "macro 'a50': unknown field 'x' (in rule 'r' via a1 > a2 > ...
 * 45 more ... > a48 > a49)", so the cause always fits the message.
 */
static void cdiag(struct cctx *c, bool error, const char *code, struct saker_loc loc,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void cdiag(struct cctx *c, bool error, const char *code, struct saker_loc loc,
		  const char *fmt, ...)
{
	char reason[SAKER_DIAG_MAX], via[SAKER_DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (!c->nchain) {
		saker_diag(c->ld, error, code, loc, "%s: %s", c->what, reason);
		return;
	}
	via_text(c, c->nchain - 1, via, sizeof(via));
	saker_diag(c->ld, error, code, loc, "macro '%.*s': %s (in %s%s)", NAME_SHOWN,
		   c->chain[c->nchain - 1], reason, c->what, via);
}

static struct saker_cnode *cfail(struct cctx *c, const struct saker_ast *a,
				 size_t pos, const char *code, const char *msg,
				 const char *arg)
{
	if (!c->failed)
		cdiag(c, true, code, ast_loc(c, a, pos), "%s%s%s%s", msg, arg ? " '" : "",
		      arg ? arg : "", arg ? "'" : "");
	c->failed = true;
	return NULL;
}

/* A use of macro m, which does not parse: named first, with its own reason. */
static struct saker_cnode *macro_broken(struct cctx *c, const struct saker_ast *a,
					const struct saker_macro_def *m)
{
	if (c->failed || c->nchain >= MAX_NEST)
		return cfail(c, a, a->pos, "E-MACRO", "uses a macro that does not compile:",
			     m->name);
	c->chain[c->nchain++] = m->name;
	cdiag(c, true, "E-MACRO", ast_loc(c, a, a->pos), "does not compile: %s",
	      m->why ? m->why : "see its own error");
	c->nchain--;
	c->failed = true;
	return NULL;
}

static struct saker_cnode *cnode_new(struct cctx *c, enum saker_cnode_kind k, size_t n)
{
	struct saker_cnode *cn = saker_arena_alloc(c->pg->arena, sizeof(*cn));

	if (!cn)
		return NULL;
	cn->kind = (uint8_t)k;
	cn->n = (uint32_t)n;
	if (n) {
		cn->kids = saker_arena_alloc(c->pg->arena, n * sizeof(*cn->kids));
		if (!cn->kids)
			return NULL;
	}
	return cn;
}

/* ---- event types ---- */

static uint32_t evmask_items(struct cctx *c, const struct saker_ast *a)
{
	uint32_t m = 0;
	size_t i;

	if (a->cmp.rkind == SAKER_R_FIELD)
		return SAKER_ET_ALL;
	for (i = 0; i < a->cmp.nitems; i++) {
		const struct saker_litem *it = &a->cmp.items[i];
		int et = saker_evtype_from_name(it->s, it->len);

		if (et >= 0) {
			m |= 1u << et;
			/* clone3, fork, vfork: saker has one fork event. */
		} else {
			size_t j;
			bool dup = false;

			for (j = 0; j < c->uncaptured.n; j++)
				dup |= !strcmp(c->uncaptured.v[j], it->s);
			if (!dup)
				saker_vec_push(&c->uncaptured, (void *)it->s);
		}
	}
	return m;
}

/* An unsigned decimal, as libsinsp's tryparseu64 reads one; false otherwise. */
static bool u64_value(const struct saker_litem *it, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (!it->len || it->len > 19)
		return false;
	for (i = 0; i < it->len; i++) {
		if (!isdigit((unsigned char)it->s[i]))
			return false;
		*v = *v * 10 + (uint64_t)(it->s[i] - '0');
	}
	return true;
}

/*
 * libsinsp's evt.num invariant (event numbers start at 1): 0 when the
 * check can never hold ("evt.num = 0"), 2 when it always does, 1 when
 * the event types say nothing about it.
 */
static unsigned int evt_num_invariant(const struct saker_ast *a)
{
	uint64_t v;
	size_t i;

	if (!a->cmp.lhs.field || strcmp(a->cmp.lhs.field, "evt.num") || a->cmp.lhs.nxf ||
	    a->cmp.mod)
		return 1;
	if (a->cmp.op == SAKER_OP_IN && a->cmp.rkind == SAKER_R_LIST) {
		for (i = 0; i < a->cmp.nitems; i++)
			if (!u64_value(&a->cmp.items[i], &v) || v)
				return 1;
		return 0;
	}
	if (a->cmp.rkind != SAKER_R_VALUE || !u64_value(&a->cmp.items[0], &v))
		return 1;
	switch (a->cmp.op) {
	case SAKER_OP_EQ: return v == 0 ? 0 : 1;
	case SAKER_OP_NE: return v == 0 ? 2 : 1;
	case SAKER_OP_LT: return v <= 1 ? 0 : 1;
	case SAKER_OP_LE: return v == 0 ? 0 : 1;
	case SAKER_OP_GT: return v == 0 ? 2 : 1;
	case SAKER_OP_GE: return v <= 1 ? 2 : 1;
	default: return 1;
	}
}

/*
 * One more bit than the captured types: every event type saker does not
 * capture, together. A condition that keeps it restricts nothing, which is
 * what Falco's "matches too many evt.type values" (over 100 of its ~400
 * types) means; naming a few uncaptured types does not set it.
 */
#define ET_OTHERS (1u << SAKER_ET_COUNT)
#define ET_UNIVERSE (SAKER_ET_ALL | ET_OTHERS)

static uint32_t evmask(struct cctx *c, const struct saker_ast *a, bool neg, int depth)
{
	struct saker_macro_def *m;
	uint32_t r;
	size_t i;

	if (depth > 100)
		return ET_UNIVERSE;
	switch (a->kind) {
	case SAKER_A_AND:
	case SAKER_A_OR:
		/* De Morgan: under a not, and behaves as or. */
		r = ((a->kind == SAKER_A_AND) != neg) ? ET_UNIVERSE : 0;
		for (i = 0; i < a->n; i++) {
			uint32_t k = evmask(c, a->kids[i], neg, depth + 1);

			r = ((a->kind == SAKER_A_AND) != neg) ? (r & k) : (r | k);
		}
		return r;
	case SAKER_A_NOT:
		return evmask(c, a->kids[0], !neg, depth + 1);
	case SAKER_A_MACRO:
		m = saker_strmap_get(&c->ld->macros, a->macro.name, strlen(a->macro.name));
		if (!m || !m->ast || m->state == 1)
			return ET_UNIVERSE;
		{
			int saved = m->state;

			m->state = 1;
			r = evmask(c, m->ast, neg, depth + 1);
			m->state = saved;
		}
		return r;
	case SAKER_A_CMP:
		if ((r = evt_num_invariant(a)) != 1)
			return (r == 0) != neg ? 0 : ET_UNIVERSE;
		/* As libsinsp: only a plain evt.type against names restricts the types. */
		if (strcmp(a->cmp.lhs.field, "evt.type") || a->cmp.lhs.nxf || a->cmp.mod ||
		    a->cmp.rkind == SAKER_R_FIELD)
			return ET_UNIVERSE;
		if (a->cmp.op == SAKER_OP_EQ || a->cmp.op == SAKER_OP_IN) {
			r = evmask_items(c, a);
			return neg ? ET_UNIVERSE & ~r : r;
		}
		if (a->cmp.op == SAKER_OP_NE) {
			r = evmask_items(c, a);
			return neg ? r : ET_UNIVERSE & ~r;
		}
		return ET_UNIVERSE;
	default:
		return ET_UNIVERSE;
	}
}

/* Lists substituted, then parsed, as Falco reads a condition. */
static struct saker_ast *parse_text(struct saker_loader *ld, const struct saker_text *t,
				    const char *what)
{
	const struct saker_text *st = saker_subst_lists(ld, t);

	if (!st) {
		saker_diag(ld, true, "E-NOMEM", saker_text_loc(ld, t, 0),
			   "%s: out of memory", what);
		return NULL;
	}
	return saker_cond_parse(ld, st, what);
}

/* Parses macro m once; on failure its reason is kept for its users. */
static bool parse_macro(struct saker_loader *ld, struct saker_program *pg,
			struct saker_macro_def *m)
{
	char *what = saker_arena_printf(pg->arena, "macro '%s'", m->name);
	size_t before = ld->diags.n;
	const struct saker_diag *d;
	size_t wl;

	m->ast = parse_text(ld, &m->cond, what);
	if (m->ast)
		return true;
	m->state = -1;
	if (ld->diags.n == before)
		return false;
	/* Its message is "macro 'm': reason": the reason alone is kept. */
	d = ld->diags.v[before];
	wl = what ? strlen(what) : 0;
	m->why = wl && !strncmp(d->msg, what, wl) && !strncmp(d->msg + wl, ": ", 2) ?
		 d->msg + wl + 2 : d->msg;
	return false;
}

/* Parses each macro reachable from a, once; false on a syntax error. */
static bool parse_macros(struct cctx *c, const struct saker_ast *a, int depth)
{
	struct saker_macro_def *m;
	size_t i;

	if (depth > 100)
		return true;
	switch (a->kind) {
	case SAKER_A_AND:
	case SAKER_A_OR:
	case SAKER_A_NOT:
		for (i = 0; i < a->n; i++)
			if (!parse_macros(c, a->kids[i], depth + 1))
				return false;
		return true;
	case SAKER_A_MACRO:
		m = saker_strmap_get(&c->ld->macros, a->macro.name, strlen(a->macro.name));
		if (!m) {
			cfail(c, a, a->pos, "E-UNDEFINED", "undefined macro", a->macro.name);
			return false;
		}
		if (m->state == -1) {
			macro_broken(c, a, m);
			return false;
		}
		if (!m->ast) {
			if (!parse_macro(c->ld, c->pg, m)) {
				c->failed = true;
				return false;
			}
			if (m->state == 1)
				return true;
			m->state = 1;
			if (!parse_macros(c, m->ast, depth + 1)) {
				m->state = -1;
				return false;
			}
			m->state = 0;
		}
		return true;
	default:
		return true;
	}
}

/* ---- fields and slots ---- */

/*
 * Appends a and b at buf + *n, never past size: once the text no longer
 * fits, *n is left at or past size and nothing more is written.
 */
static void cat2(char *buf, size_t size, size_t *n, const char *a, const char *b)
{
	if (*n < size)
		*n += (size_t)snprintf(buf + *n, size - *n, "%s%s", a, b);
}

int saker_slot_intern(struct saker_program *pg, const struct saker_fexpr *fx,
		      const struct saker_field_def *def, int arg)
{
	static const char *const xn[] = { "", "tolower", "toupper", "basename",
					   "len", "b64" };
	struct saker_slot *s;
	char buf[512];
	size_t n = 0;
	int i;
	void *got;

	for (i = fx->nxf - 1; i >= 0; i--)
		cat2(buf, sizeof(buf), &n, xn[fx->xf[i]], "(");
	cat2(buf, sizeof(buf), &n, fx->field, "");
	for (i = 0; i < fx->nxf; i++)
		cat2(buf, sizeof(buf), &n, ")", "");
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	got = saker_strmap_get(&pg->slot_by_text, buf, n);
	if (got)
		return (int)(intptr_t)got - 1;
	s = saker_arena_alloc(pg->arena, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->def = def;
	s->arg = arg;
	s->sarg = NULL;
	if (def->flags & SAKER_FF_ANYARG) {
		const char *lb = strchr(fx->field, '['), *rb = strrchr(fx->field, ']');

		/* proc.env["X"] names X, as proc.env[X] does. */
		if (lb && rb > lb + 2 && (lb[1] == '"' || lb[1] == '\'') &&
		    rb[-1] == lb[1])
			lb++, rb--;
		if (lb && rb > lb)
			s->sarg = saker_arena_strndup(pg->arena, lb + 1,
						      (size_t)(rb - lb - 1));
		if (lb && rb > lb && !s->sarg)
			return -ENOMEM;
	}
	s->nxf = fx->nxf;
	memcpy(s->xf, fx->xf, sizeof(s->xf));
	s->base = -1;
	s->rtype = def->type == SAKER_FT_STRLIST ? SAKER_FT_STR : def->type;
	if (fx->nxf) {
		struct saker_fexpr plain = { .field = fx->field };

		s->base = saker_slot_intern(pg, &plain, def, arg);
		if (s->base < 0)
			return s->base;
		s->rtype = fx->xf[fx->nxf - 1] == SAKER_XF_LEN ? SAKER_FT_NUM : SAKER_FT_STR;
	}
	s->text = saker_arena_strndup(pg->arena, buf, n);
	if (!s->text || saker_vec_push(&pg->slots, s))
		return -ENOMEM;
	if (saker_strmap_put(&pg->slot_by_text, s->text, n,
			     (void *)(intptr_t)pg->slots.n))
		return -ENOMEM;
	return (int)pg->slots.n - 1;
}

/* Resolves a field expression; -1 on failure (message given or skipped). */
static int resolve(struct cctx *c, const struct saker_ast *a,
		   const struct saker_fexpr *fx, uint8_t *type)
{
	const struct saker_field_def *def;
	const char *hint;
	int arg, slot, i;

	def = saker_field_lookup(fx->field, &arg);
	if (!def) {
		if (c->r && c->r->skip_unknown) {
			c->skipped = true;
			c->unknown_field = true;
			c->skip_reason = saker_arena_printf(c->pg->arena,
				"unknown field '%s' (skip-if-unknown-filter)", fx->field);
			return -1;
		}
		hint = saker_field_hint(fx->field);
		if (!hint) {
			cfail(c, a, fx->pos, "E-UNKNOWN-FIELD", "unknown field", fx->field);
			return -1;
		}
		if (!c->failed)
			cdiag(c, true, "E-UNKNOWN-FIELD", ast_loc(c, a, fx->pos),
			      "unknown field '%s' (did you mean '%s'?)", fx->field, hint);
		c->failed = true;
		return -1;
	}
	if (def->flags & SAKER_FF_UNAVAILABLE) {
		if (c->r && c->r->info.state == SAKER_RULE_ACTIVE)
			cdiag(c, false, "W-FIELD-UNAVAILABLE", ast_loc(c, a, fx->pos),
			      "field '%s' is not captured by saker: it is always missing, so comparisons on it are false",
			      fx->field);
	}
	for (i = 0; i < fx->nxf; i++) {
		if (fx->xf[i] != SAKER_XF_LEN && def->type != SAKER_FT_STR &&
		    def->type != SAKER_FT_STRLIST) {
			cfail(c, a, fx->pos, "E-TRANSFORMER",
			      "this transformer takes a string field, not", fx->field);
			return -1;
		}
	}
	slot = saker_slot_intern(c->pg, fx, def, arg);
	if (slot < 0) {
		cfail(c, a, fx->pos, "E-NOMEM", "cannot intern field", fx->field);
		return -1;
	}
	*type = ((struct saker_slot *)c->pg->slots.v[slot])->rtype;
	if (def->flags & SAKER_FF_LIST_NOIDX && arg < 0 && !fx->nxf)
		*type = def->type;
	return slot;
}

static int parse_num(const char *s, size_t len, bool boolean, int64_t *out)
{
	char buf[64], *end;

	if (boolean) {
		if (len == 4 && !strncasecmp(s, "true", 4)) {
			*out = 1;
			return 0;
		}
		if (len == 5 && !strncasecmp(s, "false", 5)) {
			*out = 0;
			return 0;
		}
	}
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoll(buf, &end, 0);
	if (*end || errno)
		return -EINVAL;
	if (boolean && *out != 0 && *out != 1)
		return -EINVAL;
	return 0;
}

static bool op_allowed(enum saker_op op, uint8_t type)
{
	/* libsinsp's byte operators take byte buffers, which saker does not capture. */
	if (type == SAKER_FT_STR || type == SAKER_FT_STRLIST)
		return op != SAKER_OP_BCONTAINS && op != SAKER_OP_BSTARTSWITH;
	switch (op) {
	case SAKER_OP_EQ: case SAKER_OP_NE: case SAKER_OP_IN:
	case SAKER_OP_INTERSECTS: case SAKER_OP_EXISTS:
		return true;
	case SAKER_OP_LT: case SAKER_OP_LE: case SAKER_OP_GT: case SAKER_OP_GE:
		return type == SAKER_FT_NUM;
	case SAKER_OP_PMATCH:
		return false;
	default:
		return false;
	}
}

static const struct saker_field_def *slot_def(struct cctx *c, int slot)
{
	return ((const struct saker_slot *)c->pg->slots.v[slot])->def;
}

/* A field's type as comparisons see it: a list of strings is strings. */
static uint8_t type_class(uint8_t t)
{
	return t == SAKER_FT_STRLIST ? SAKER_FT_STR : t;
}

static struct saker_cnode *compile_rhs_list(struct cctx *c, const struct saker_ast *a,
					    struct saker_cmp *cm)
{
	struct saker_cnode *cn = NULL;
	size_t i;
	int ret;

	if (cm->ltype == SAKER_FT_STR || cm->ltype == SAKER_FT_STRLIST) {
		if (cm->op != SAKER_OP_PMATCH &&
		    saker_strset_reserve(c->pg->arena, &cm->set, a->cmp.nitems)) {
			cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
			goto release_items;
		}
		for (i = 0; i < a->cmp.nitems; i++) {
			const struct saker_litem *it = &a->cmp.items[i];

			ret = cm->op == SAKER_OP_PMATCH ?
			      saker_pmatch_add(c->pg->arena, &cm->trie, it->s, it->len) :
			      saker_strset_add(c->pg->arena, &cm->set, it->s, it->len);
			if (ret) {
				cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
				goto release_items;
			}
		}
	} else {
		cm->nums = saker_arena_alloc(c->pg->arena, (a->cmp.nitems + 1) * sizeof(*cm->nums));
		if (!cm->nums)
			goto release_items;
		for (i = 0; i < a->cmp.nitems; i++) {
			const struct saker_litem *it = &a->cmp.items[i];

			if (parse_num(it->s, it->len, cm->ltype == SAKER_FT_BOOL,
				      &cm->nums[cm->nnums++])) {
				cfail(c, a, it->pos ? it->pos : a->pos, "E-VALUE",
				      "not a number:", saker_arena_strndup(c->pg->arena, it->s, it->len));
				goto release_items;
			}
		}
	}
	cn = cnode_new(c, SAKER_C_CMP, 0);
	if (cn)
		cn->cmp = cm;
release_items:
	return cn;
}

static struct saker_cnode *compile_cmp(struct cctx *c, const struct saker_ast *a);

/*
 * "op anyof (a, b)" is "op a or op b", "allof" is "and", "oneof" holds
 * when exactly one does (libsinsp); with no value at all, none holds.
 */
static struct saker_cnode *compile_mod(struct cctx *c, const struct saker_ast *a)
{
	enum saker_cnode_kind k = !a->cmp.nitems ? SAKER_C_FALSE :
				  a->cmp.mod == SAKER_MOD_ALL ? SAKER_C_AND :
				  a->cmp.mod == SAKER_MOD_ONE ? SAKER_C_ONE : SAKER_C_OR;
	struct saker_cnode *cn = cnode_new(c, k, a->cmp.nitems);
	struct saker_ast one = *a;
	size_t i;

	if (!cn)
		return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
	one.cmp.mod = SAKER_MOD_NONE;
	one.cmp.rkind = SAKER_R_VALUE;
	one.cmp.nitems = 1;
	for (i = 0; i < a->cmp.nitems; i++) {
		one.cmp.items = &a->cmp.items[i];
		cn->kids[i] = compile_cmp(c, &one);
		if (!cn->kids[i])
			return NULL;
	}
	return cn;
}

/* A construct Falco has and saker cannot evaluate: the rule is skipped. */
static struct saker_cnode *cskip(struct cctx *c, const char *what)
{
	if (!c->skipped) {
		c->skipped = true;
		c->skip_reason = saker_arena_printf(c->pg->arena,
						    "uses %s, which saker does not support", what);
	}
	return NULL;
}

/* bcontains/bstartswith take hex digits: the bytes to look for. */
static int unhex(struct cctx *c, struct saker_cmp *cm, const struct saker_litem *v)
{
	char *out = saker_arena_alloc(c->pg->arena, v->len / 2 + 1);
	size_t i;

	if (!out || v->len % 2)
		return -EINVAL;
	for (i = 0; i < v->len; i += 2) {
		char h[3] = { v->s[i], v->s[i + 1], 0 }, *end;

		if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1]))
			return -EINVAL;
		out[i / 2] = (char)strtoul(h, &end, 16);
	}
	cm->s = out;
	cm->len = v->len / 2;
	return 0;
}

static struct saker_cnode *compile_cmp(struct cctx *c, const struct saker_ast *a)
{
	struct saker_cmp *cm;
	const struct saker_litem *v;
	struct saker_cnode *cn;
	uint8_t rtype;

	if (a->cmp.lhs.unsupported)
		return cskip(c, a->cmp.lhs.unsupported);
	if (a->cmp.rkind == SAKER_R_FIELD && a->cmp.rfield.unsupported)
		return cskip(c, a->cmp.rfield.unsupported);
	if (a->cmp.lhs.bad || (a->cmp.rkind == SAKER_R_FIELD && a->cmp.rfield.bad))
		return cfail(c, a, a->pos, "E-TRANSFORMER", a->cmp.lhs.bad ? a->cmp.lhs.bad :
			     a->cmp.rfield.bad, NULL);
	if (a->cmp.mod)
		return compile_mod(c, a);
	cm = saker_arena_alloc(c->pg->arena, sizeof(*cm));
	if (!cm)
		return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
	cm->op = a->cmp.op;
	cm->rslot = -1;
	if (!strcmp(a->cmp.lhs.field, "evt.type") && !a->cmp.lhs.nxf &&
	    a->cmp.rkind != SAKER_R_FIELD &&
	    (cm->op == SAKER_OP_EQ || cm->op == SAKER_OP_NE || cm->op == SAKER_OP_IN)) {
		/* The event type is a small integer: test a bit, not a string. */
		cm->evmask = evmask_items(c, a);
		if (cm->op == SAKER_OP_NE)
			cm->evmask = SAKER_ET_ALL & ~cm->evmask;
		cm->op = SAKER_OP_EVTMASK;
		cn = cnode_new(c, SAKER_C_CMP, 0);
		if (!cn)
			return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
		cn->cmp = cm;
		return cn;
	}
	cm->slot = resolve(c, a, &a->cmp.lhs, &cm->ltype);
	if (cm->slot < 0)
		return NULL;
	if (((const struct saker_slot *)c->pg->slots.v[cm->slot])->def->flags & SAKER_FF_SKIP)
		return cskip(c, saker_arena_printf(c->pg->arena, "%s (not captured)",
						   a->cmp.lhs.field));
	if (!op_allowed(cm->op, cm->ltype))
		return cfail(c, a, a->pos, "E-OPERATOR", "operator not valid for field",
			     a->cmp.lhs.field);
	switch (a->cmp.rkind) {
	case SAKER_R_NONE:
		break;
	case SAKER_R_LIST:
		return compile_rhs_list(c, a, cm);
	case SAKER_R_FIELD:
		/* libsinsp's limits on comparing two fields. */
		if (cm->op == SAKER_OP_PMATCH || cm->op == SAKER_OP_REGEX)
			return cfail(c, a, a->cmp.rfield.pos, "E-OPERATOR",
				     "pmatch and regex cannot compare with another field:",
				     a->cmp.rfield.field);
		if (slot_def(c, cm->slot)->flags & SAKER_FF_INDEX)
			return cfail(c, a, a->pos, "E-OPERATOR",
				     "an ancestor field takes no field on its right:", a->cmp.lhs.field);
		cm->rslot = resolve(c, a, &a->cmp.rfield, &rtype);
		if (cm->rslot < 0)
			return NULL;
		if (slot_def(c, cm->rslot)->flags & SAKER_FF_INDEX)
			return cfail(c, a, a->cmp.rfield.pos, "E-OPERATOR",
				     "an ancestor field cannot be compared with another field:",
				     a->cmp.rfield.field);
		if (type_class(rtype) != type_class(cm->ltype))
			return cfail(c, a, a->cmp.rfield.pos, "E-OPERATOR",
				     "fields of different types cannot be compared:",
				     a->cmp.rfield.field);
		break;
	case SAKER_R_VALUE:
		v = &a->cmp.items[0];
		cm->s = v->s;
		cm->len = v->len;
		if (cm->ltype == SAKER_FT_NUM || cm->ltype == SAKER_FT_BOOL) {
			if (parse_num(v->s, v->len, cm->ltype == SAKER_FT_BOOL, &cm->num))
				return cfail(c, a, v->pos, "E-VALUE",
					     cm->ltype == SAKER_FT_BOOL ?
					     "expected true or false, not" : "expected a number, not",
					     v->s);
		} else if (cm->op == SAKER_OP_BCONTAINS || cm->op == SAKER_OP_BSTARTSWITH) {
			if (unhex(c, cm, v))
				return cfail(c, a, v->pos, "E-VALUE",
					     "expected an even number of hex digits, not", v->s);
		} else if (cm->op == SAKER_OP_ICONTAINS) {
			char *low = saker_arena_strndup(c->pg->arena, v->s, v->len);
			size_t i;

			if (!low)
				return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
			for (i = 0; i < v->len; i++)
				low[i] = (char)tolower((unsigned char)low[i]);
			cm->s = low;
		} else if (cm->op == SAKER_OP_REGEX) {
			char *pat = saker_arena_printf(c->pg->arena, "^(%s)$", v->s);

			cm->re = saker_arena_alloc(c->pg->arena, sizeof(*cm->re));
			if (!pat || !cm->re)
				return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
			/* Compiled once; lives until the engine is freed (rules_engine.c). */
			if (regcomp(cm->re, pat, REG_EXTENDED | REG_NOSUB)) {
				cm->re = NULL;
				return cfail(c, a, v->pos, "E-VALUE", "invalid regular expression",
					     v->s);
			}
			if (saker_vec_push(&c->pg->regexes, cm->re))
				return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
		}
		break;
	}
	cn = cnode_new(c, SAKER_C_CMP, 0);
	if (!cn)
		return cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
	cn->cmp = cm;
	return cn;
}

static struct saker_cnode *compile_ast(struct cctx *c, const struct saker_ast *a);

static struct saker_cnode *compile_macro(struct cctx *c, const struct saker_ast *a)
{
	struct saker_macro_def *m;
	struct saker_cnode *cn;

	m = saker_strmap_get(&c->ld->macros, a->macro.name, strlen(a->macro.name));
	if (!m)
		return cfail(c, a, a->pos, "E-UNDEFINED", "undefined macro", a->macro.name);
	if (m->compiled)
		return m->compiled;
	if (m->state == 1)
		return cfail(c, a, a->pos, "E-MACRO", "macro refers to itself:", m->name);
	if (m->state == -1 || !m->ast)
		return macro_broken(c, a, m);
	if (c->nchain >= MAX_NEST)
		return cfail(c, a, a->pos, "E-SYNTAX", "condition nested too deeply", NULL);
	m->state = 1;
	c->chain[c->nchain++] = m->name;
	cn = compile_ast(c, m->ast);
	c->nchain--;
	m->state = cn ? 2 : 0;
	/* An unknown field skipped for one rule must not stick to the macro. */
	if (cn)
		m->compiled = cn;
	return cn;
}

static struct saker_cnode *compile_ast(struct cctx *c, const struct saker_ast *a)
{
	struct saker_cnode *cn, *k;
	size_t i, n = 0;

	if (++c->depth > MAX_NEST) {
		c->depth--;
		return cfail(c, a, a->pos, "E-SYNTAX", "condition nested too deeply", NULL);
	}
	switch (a->kind) {
	case SAKER_A_AND:
	case SAKER_A_OR:
		cn = cnode_new(c, a->kind == SAKER_A_AND ? SAKER_C_AND : SAKER_C_OR, a->n);
		if (!cn) {
			cn = cfail(c, a, a->pos, "E-NOMEM", "out of memory", NULL);
			break;
		}
		for (i = 0; i < a->n; i++) {
			k = compile_ast(c, a->kids[i]);
			if (!k) {
				cn = NULL;
				break;
			}
			cn->kids[n++] = k;
		}
		break;
	case SAKER_A_NOT:
		cn = cnode_new(c, SAKER_C_NOT, 1);
		if (cn && !(cn->kids[0] = compile_ast(c, a->kids[0])))
			cn = NULL;
		break;
	case SAKER_A_MACRO:
		cn = compile_macro(c, a);
		break;
	case SAKER_A_BOOL:
		cn = cnode_new(c, a->value ? SAKER_C_TRUE : SAKER_C_FALSE, 0);
		break;
	default:
		cn = compile_cmp(c, a);
		break;
	}
	c->depth--;
	return cn;
}

/* ---- exceptions -> "and not (...)" ---- */

/* The exception as Falco's text, parsed; its errors point at the exception. */
static struct saker_ast *exc_ast(struct cctx *c, struct saker_exc_def *x)
{
	struct saker_text *t = saker_arena_alloc(c->pg->arena, sizeof(*t));
	struct saker_frag *fr = saker_arena_alloc(c->pg->arena, sizeof(*fr));
	const char *err, *s = saker_exc_text(c->ld, x, &err);
	struct saker_ast *a;

	if (!s) {
		saker_diag(c->ld, true, "E-EXCEPTION", x->loc, "%s: exception '%s': %s",
			   c->what, x->name, err);
		c->failed = true;
		return NULL;
	}
	if (!t || !fr) {
		c->failed = true;
		return NULL;
	}
	*fr = (struct saker_frag){ .off = 0, .len = strlen(s), .loc = x->loc, .style = -1 };
	*t = (struct saker_text){ .s = (char *)s, .len = fr->len, .frags = fr, .nfrags = 1 };
	a = parse_text(c->ld, t, saker_arena_printf(c->pg->arena, "%s: exception '%s'",
						     c->what, x->name));
	if (!a || !parse_macros(c, a, 0)) {
		c->failed = true;
		return NULL;
	}
	return a;
}

static struct saker_ast *with_exceptions(struct cctx *c, struct saker_ast *cond)
{
	struct saker_ast *top, *neg;
	size_t i, n = 0;

	for (i = 0; i < c->r->excs.n; i++)
		n += ((struct saker_exc_def *)c->r->excs.v[i])->values.n ? 1 : 0;
	if (!n)
		return cond;
	top = saker_arena_alloc(c->pg->arena, sizeof(*top));
	if (!top || !(top->kids = saker_arena_alloc(c->pg->arena, (n + 1) * sizeof(*top->kids))))
		return NULL;
	top->kind = SAKER_A_AND;
	top->kids[0] = cond;
	top->n = 1;
	for (i = 0; i < c->r->excs.n; i++) {
		struct saker_exc_def *x = c->r->excs.v[i];

		if (!x->values.n)
			continue;
		neg = saker_arena_alloc(c->pg->arena, sizeof(*neg));
		if (!neg || !(neg->kids = saker_arena_alloc(c->pg->arena, sizeof(*neg->kids))))
			return NULL;
		neg->kind = SAKER_A_NOT;
		neg->n = 1;
		neg->kids[0] = exc_ast(c, x);
		if (!neg->kids[0])
			return NULL;
		top->kids[top->n++] = neg;
	}
	return top;
}

/* ---- rules ---- */

static void skip_rule(struct cctx *c, const char *reason)
{
	c->r->info.state = SAKER_RULE_SKIPPED;
	c->r->info.reason = reason;
	saker_diag(c->ld, false, "W-SKIPPED", c->r->loc, "rule '%s' skipped: %s",
		   c->r->info.name, reason);
}

/* A text parsed without messages, its lists and macros marked used. */
static void mark_text(struct cctx *c, const struct saker_text *t)
{
	const struct saker_text *st = saker_subst_lists(c->ld, t);

	if (st)
		saker_lint_mark_macros(c->ld, saker_cond_parse_quiet(c->pg->arena, st), 0);
}

/*
 * A rule of another source is not compiled, but Falco with that source's
 * plugin would see it use its lists and macros: they are not unused.
 */
static void mark_uses(struct cctx *c)
{
	struct saker_frag fr = { .style = -1 };
	struct saker_text t = { .frags = &fr, .nfrags = 1 };
	const char *err;
	size_t i;

	mark_text(c, &c->r->cond);
	for (i = 0; i < c->r->excs.n; i++) {
		t.s = (char *)saker_exc_text(c->ld, c->r->excs.v[i], &err);
		if (!t.s || !*t.s)
			continue;
		t.len = fr.len = strlen(t.s);
		mark_text(c, &t);
	}
}

static void compile_rule(struct saker_loader *ld, struct saker_program *pg,
			 struct saker_rule_def *r)
{
	struct cctx c = { .ld = ld, .pg = pg, .r = r };
	struct saker_ast *ast, *lint_ast = NULL;
	bool lint = false;
	uint32_t types;
	size_t i, n;

	if (r->info.state == SAKER_RULE_ERROR)
		return;
	c.what = saker_arena_printf(pg->arena, "rule '%s'", r->info.name);
	r->info.tags = (const char *const *)r->tags.v;
	r->info.ntags = r->tags.n;
	if (strcmp(r->info.source, "syscall")) {
		skip_rule(&c, saker_arena_printf(pg->arena,
			  "source '%s' is not captured by saker", r->info.source));
		mark_uses(&c);
		return;
	}
	ast = parse_text(ld, &r->cond, c.what);
	if (!ast || !parse_macros(&c, ast, 0))
		goto fail;
	ast = with_exceptions(&c, ast);
	if (!ast || c.failed)
		goto fail;
	lint_ast = ast;
	types = evmask(&c, ast, false, 0);
	r->evmask = types & SAKER_ET_ALL;
	r->info.evttypes = saker_evtype_mask_names(pg->arena, r->evmask);
	if (!r->evmask) {
		char buf[256];

		for (i = 0, n = 0; i < c.uncaptured.n && n < sizeof(buf); i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "",
					      (const char *)c.uncaptured.v[i]);
		/* A condition that can never hold (never_true) is no reason to skip. */
		if (c.uncaptured.n) {
			skip_rule(&c, saker_arena_printf(pg->arena,
				  "needs events saker does not capture (%s)", buf));
			lint = true;
			goto release;
		}
	}
	r->compiled = compile_ast(&c, ast);
	if (c.skipped) {
		skip_rule(&c, c.skip_reason);
		lint = !c.unknown_field;
		goto release;
	}
	if (!r->compiled)
		goto fail;
	r->tpl = saker_template_compile(ld, pg, r);
	if (!r->tpl && r->out_skip) {
		skip_rule(&c, r->out_skip);
		goto release;
	}
	if (!r->tpl)
		goto fail;
	lint = true;
	saker_lint_output(ld, r);
	if ((types & ET_OTHERS) && r->warn_evttypes)
		saker_diag(ld, false, "W-EVTTYPES", r->loc,
			   "rule '%s' does not restrict evt.type: it is evaluated for every event",
			   r->info.name);
	if (r->info.state == SAKER_RULE_ACTIVE && r->info.priority > pg->min_prio)
		r->info.state = SAKER_RULE_BELOW_PRIO;
	goto release;
fail:
	r->info.state = SAKER_RULE_ERROR;
release:
	/* Falco warns only about conditions that compiled; all mark what they use. */
	if (lint_ast && lint)
		saker_lint_condition(ld, c.what, lint_ast);
	else if (lint_ast)
		saker_lint_mark_macros(ld, lint_ast, 0);
	saker_vec_release(&c.uncaptured);
}

/* m's references, each to a macro defined before m (Falco's visibility); 0 or -1. */
static int macro_refs(struct saker_loader *ld, struct saker_macro_def *m,
		      const struct saker_ast *a, int depth);

static int check_macro_refs(struct saker_loader *ld, struct saker_macro_def *m, int depth)
{
	int ret;

	if (m->refs_checked || !m->ast || m->state == -1)
		return m->state == -1 ? -1 : 0;
	m->walking = true;
	ret = macro_refs(ld, m, m->ast, depth);
	m->walking = false;
	m->refs_checked = true;
	if (ret)
		m->state = -1;
	return ret;
}

static int macro_refs(struct saker_loader *ld, struct saker_macro_def *m,
		      const struct saker_ast *a, int depth)
{
	struct saker_macro_def *ref;
	size_t i;

	if (depth > 200)
		return 0;
	switch (a->kind) {
	case SAKER_A_AND:
	case SAKER_A_OR:
	case SAKER_A_NOT:
		for (i = 0; i < a->n; i++)
			if (macro_refs(ld, m, a->kids[i], depth + 1))
				return -1;
		return 0;
	case SAKER_A_MACRO:
		ref = saker_strmap_get(&ld->macros, a->macro.name, strlen(a->macro.name));
		if (!ref || ref->index >= m->vis) {
			saker_diag(ld, true, "E-UNDEFINED", saker_text_loc(ld, a->text, a->pos),
				   "macro '%s': undefined macro '%s'%s", m->name, a->macro.name,
				   ref ? " (a macro sees only the macros defined before it)" : "");
			return -1;
		}
		if (ref == m || ref->walking) {
			saker_diag(ld, true, "E-MACRO", saker_text_loc(ld, a->text, a->pos),
				   "macro '%s': reference loop through macro '%s'", m->name,
				   ref->name);
			return -1;
		}
		ref->used = true;
		return check_macro_refs(ld, ref, depth + 1) ? -1 : 0;
	default:
		return 0;
	}
}

static bool rule_indexed(const struct saker_rule_def *r, size_t et)
{
	return r->info.state == SAKER_RULE_ACTIVE && (r->evmask & (1u << et));
}

int saker_compile_rules(struct saker_loader *ld, struct saker_program *pg)
{
	size_t i, et;

	/* Falco parses every macro, used or not: a broken one is an error. */
	for (i = 0; i < ld->macro_defs.n; i++) {
		struct saker_macro_def *m = ld->macro_defs.v[i];

		if (m->ast || m->state == -1)
			continue;
		parse_macro(ld, pg, m);
	}

	for (i = 0; i < ld->macro_defs.n; i++)
		check_macro_refs(ld, ld->macro_defs.v[i], 0);
	for (i = 0; i < ld->rules.n; i++)
		compile_rule(ld, pg, ld->rules.v[i]);
	/* Falco reports unused items only for a rule set that compiled. */
	if (!ld->nerrors)
		saker_lint_unused(ld);
	for (et = 0; et < SAKER_ET_COUNT; et++) {
		size_t n = 0, want = 0;

		/* Sized to its rules: most rules watch one or two types. */
		for (i = 0; i < ld->rules.n; i++)
			want += rule_indexed(ld->rules.v[i], et);
		pg->index[et] = saker_arena_alloc(pg->arena, (want + 1) *
						  sizeof(*pg->index[et]));
		if (!pg->index[et])
			return -ENOMEM;
		for (i = 0; i < ld->rules.n; i++) {
			const struct saker_rule_def *r = ld->rules.v[i];

			if (!rule_indexed(r, et))
				continue;
			pg->index[et][n++] = (struct saker_prog_rule){
				.info = &r->info, .cond = r->compiled, .tpl = r->tpl,
			};
		}
		pg->nindex[et] = n;
	}
	return 0;
}
