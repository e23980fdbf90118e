// SPDX-License-Identifier: GPL-2.0
/*
 * The warnings Falco gives about rules that load: a string value that
 * names a field or a transformer, a regex a simpler operator would do,
 * deprecated fields, and lists and macros nothing uses. The conditions
 * are libsinsp's and Falco's (docs/rules-engine.md, "Messages"); nothing
 * here changes what a rule matches.
 */
#include <ctype.h>
#include <string.h>

#include "compile.h"

/* Falco's deprecated fields: enter events are gone, so these say nothing. */
static const char *const deprecated[] = {
	"evt.dir", "evt.latency", "evt.latency.s", "evt.latency.ns",
	"evt.latency.human", "evt.wait_latency",
};

#define NDEPRECATED (sizeof(deprecated) / sizeof(deprecated[0]))

/* libsinsp's transformers, val included, as a value's text may name them. */
static const char *const xforms[] = {
	"val", "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt",
};

static void warn(struct saker_loader *ld, const struct saker_ast *a, size_t pos,
		 const char *code, const char *what, const char *msg, const char *v)
{
	saker_diag(ld, false, code, a->text ? saker_text_loc(ld, a->text, pos) :
		   (struct saker_loc){ -1, 0, 0 }, "%s: '%s' %s", what, v, msg);
}

/*
 * libsinsp's test: special characters in the middle of the pattern make
 * the regex needed; anchors and a leading or trailing .* .+ .? do not.
 */
static bool regex_is_simple(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((i == 0 && v[i] == '^') || (i == len - 1 && v[i] == '$'))
			continue;
		if (((i == 0 && len > 1) || i + 2 == len) && v[i] == '.' &&
		    strchr("+*?", v[i + 1])) {
			i++;
			continue;
		}
		if (strchr(".+*?^$()[]{}|\\", v[i]))
			return false;
	}
	return true;
}

/* A value as libsinsp inspects it: its text without any blank. */
static void lint_value(struct saker_loader *ld, const struct saker_ast *a, const char *what,
		       const struct saker_litem *it)
{
	char buf[256];
	size_t i, n = 0, k;
	int arg;

	if (a->cmp.op == SAKER_OP_REGEX && regex_is_simple(it->s, it->len))
		warn(ld, a, it->pos, "W-REGEX", what,
		     "is a regex that simpler operators such as '=', 'contains', 'startswith' or 'endswith' may do",
		     it->s);
	for (i = 0; i < it->len && n + 1 < sizeof(buf); i++)
		if (!isspace((unsigned char)it->s[i]))
			buf[n++] = it->s[i];
	if (i < it->len || !n)
		return;
	buf[n] = '\0';
	if (saker_field_lookup(buf, &arg)) {
		warn(ld, a, it->pos, "W-LITERAL-FIELD", what,
		     "is compared as a string but is a field name: write val(...) to compare with the field",
		     it->s);
		return;
	}
	for (k = 0; k < sizeof(xforms) / sizeof(xforms[0]); k++) {
		size_t tl = strlen(xforms[k]);

		if (n >= tl + 2 && !memcmp(buf, xforms[k], tl) && buf[tl] == '(' &&
		    buf[n - 1] == ')') {
			warn(ld, a, it->pos, "W-LITERAL-FIELD", what,
			     "is compared as a string but looks like a transformer", it->s);
			return;
		}
	}
}

static bool is_deprecated(const char *field, size_t *which)
{
	size_t i, n;

	for (i = 0; i < NDEPRECATED; i++) {
		n = strlen(deprecated[i]);
		if (!strncmp(field, deprecated[i], n) && (!field[n] || field[n] == '[')) {
			*which = i;
			return true;
		}
	}
	return false;
}

struct lint {
	struct saker_loader *ld;
	const char *what;	/* "rule 'r'" or "macro 'm'" */
	bool dep_seen[NDEPRECATED];
};

static void lint_cmp(struct lint *l, struct saker_ast *a)
{
	size_t i, d;

	if (a->linted)
		return;
	a->linted = true;
	if (a->cmp.lhs.field && is_deprecated(a->cmp.lhs.field, &d) && !l->dep_seen[d]) {
		l->dep_seen[d] = true;
		warn(l->ld, a, a->cmp.lhs.pos, "W-DEPRECATED", l->what,
		     d ? "is deprecated: the enter events it needs are not delivered" :
		     "is deprecated: only exit events are delivered, so 'evt.dir = <' is always true and 'evt.dir = >' always false",
		     deprecated[d]);
	}
	if (a->cmp.rkind != SAKER_R_VALUE && a->cmp.rkind != SAKER_R_LIST)
		return;
	for (i = 0; i < a->cmp.nitems; i++)
		lint_value(l->ld, a, l->what, &a->cmp.items[i]);
}

static void walk(struct lint *l, struct saker_ast *a, int depth)
{
	struct saker_macro_def *m;
	const char *what;
	size_t i;

	if (!a || depth > 200)
		return;
	switch (a->kind) {
	case SAKER_A_AND:
	case SAKER_A_OR:
	case SAKER_A_NOT:
		for (i = 0; i < a->n; i++)
			walk(l, a->kids[i], depth + 1);
		break;
	case SAKER_A_MACRO:
		m = saker_strmap_get(&l->ld->macros, a->macro.name, strlen(a->macro.name));
		if (!m || m->walking)
			break;
		m->used = true;
		m->walking = true;
		what = l->what;
		l->what = saker_arena_printf(l->ld->arena, "macro '%s'", m->name);
		if (l->what)
			walk(l, m->ast, depth + 1);
		l->what = what;
		m->walking = false;
		break;
	case SAKER_A_CMP:
		lint_cmp(l, a);
		break;
	default:
		break;
	}
}

void saker_lint_condition(struct saker_loader *ld, const char *what, struct saker_ast *ast)
{
	struct lint l = { .ld = ld, .what = what };

	walk(&l, ast, 0);
}

void saker_lint_mark_macros(struct saker_loader *ld, const struct saker_ast *a, int depth)
{
	struct saker_macro_def *m;
	size_t i;

	if (!a || depth > 200)
		return;
	switch (a->kind) {
	case SAKER_A_AND:
	case SAKER_A_OR:
	case SAKER_A_NOT:
		for (i = 0; i < a->n; i++)
			saker_lint_mark_macros(ld, a->kids[i], depth + 1);
		break;
	case SAKER_A_MACRO:
		m = saker_strmap_get(&ld->macros, a->macro.name, strlen(a->macro.name));
		if (m && !m->walking) {
			m->used = true;
			m->walking = true;
			saker_lint_mark_macros(ld, m->ast, depth + 1);
			m->walking = false;
		}
		break;
	default:
		break;
	}
}

void saker_lint_output(struct saker_loader *ld, const struct saker_rule_def *r)
{
	size_t i;

	/* Falco looks for the names anywhere in the output's text. */
	for (i = 0; i < NDEPRECATED; i++) {
		const char *hit = memmem(r->output.s, r->output.len, deprecated[i],
					 strlen(deprecated[i]));

		if (hit)
			saker_diag(ld, false, "W-DEPRECATED",
				   saker_text_loc(ld, &r->output, (size_t)(hit - r->output.s)),
				   "rule '%s': the output uses the deprecated field '%s'",
				   r->info.name, deprecated[i]);
	}
}

void saker_lint_unused(struct saker_loader *ld)
{
	size_t i, j;

	/* A list named by another list it can see is used, whoever uses that one. */
	for (i = 0; i < ld->list_defs.n; i++) {
		const struct saker_list_def *l = ld->list_defs.v[i];

		for (j = 0; j < l->n; j++) {
			struct saker_list_def *ref = saker_strmap_get(&ld->lists, l->items[j].s,
								      l->items[j].len);

			if (ref && ref->index < l->vis)
				ref->used = true;
		}
	}
	for (i = 0; i < ld->macro_defs.n; i++) {
		const struct saker_macro_def *m = ld->macro_defs.v[i];

		if (!m->used)
			saker_diag(ld, false, "W-UNUSED-MACRO", m->loc,
				   "macro '%s' is not used by any rule or macro", m->name);
	}
	for (i = 0; i < ld->list_defs.n; i++) {
		const struct saker_list_def *l = ld->list_defs.v[i];

		if (!l->used)
			saker_diag(ld, false, "W-UNUSED-LIST", l->loc,
				   "list '%s' is not used by any rule, macro or list", l->name);
	}
}
