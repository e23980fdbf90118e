// SPDX-License-Identifier: GPL-2.0
/*
 * Rule file loader: walks the YAML tree of each document and records
 * lists, macros and rules with Falco's semantics (redefinition replaces in
 * place, append and override per key, exceptions). Nothing is compiled
 * here: macros may be redefined by a later file, so conditions are only
 * parsed and resolved once every file is loaded (rules_compile.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "loader.h"

struct item_ctx {
	struct saker_loader *ld;
	int file;
	const struct saker_ynode *item;
};

static bool is_scalar(const struct saker_ynode *n)
{
	return n && n->type == SAKER_Y_SCALAR;
}

static int err_at(struct item_ctx *c, const struct saker_ynode *n,
		  const char *code, const char *fmt, const char *a, const char *b)
{
	saker_diag(c->ld, true, code, n ? n->loc : c->item->loc, fmt, a, b);
	return -EINVAL;
}

static void warn_at(struct item_ctx *c, const struct saker_ynode *n,
		    const char *code, const char *fmt, const char *a, const char *b)
{
	saker_diag(c->ld, false, code, n ? n->loc : c->item->loc, fmt, a, b);
}

static int parse_bool(const struct saker_ynode *n, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "y" };
	static const char *const no[] = { "false", "no", "off", "n" };
	size_t i;

	if (!is_scalar(n))
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (!strcasecmp(n->s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(n->s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* A list item, as written: lists are substituted as text (rules_subst.c). */
static void make_litem(const struct saker_ynode *n, struct saker_litem *it)
{
	*it = (struct saker_litem){ n->s, n->len, false, 0 };
}

/* ---- override / append ---- */

enum ov_mode { OV_NONE = 0, OV_APPEND, OV_REPLACE };

struct ov_allowed {
	const char *key;
	bool append, replace;
};

static const struct ov_allowed rule_ov[] = {
	{ "condition", true, true }, { "output", true, true },
	{ "desc", true, true }, { "tags", true, true },
	{ "exceptions", true, true }, { "priority", false, true },
	{ "enabled", false, true }, { "warn_evttypes", false, true },
	{ "skip-if-unknown-filter", false, true }, { "capture", false, true },
	{ "capture_duration", false, true }, { NULL, false, false }
};

static const struct ov_allowed macro_ov[] = {
	{ "condition", true, true }, { NULL, false, false }
};

static const struct ov_allowed list_ov[] = {
	{ "items", true, true }, { NULL, false, false }
};

/*
 * Checks the override map against the item and Falco's table; *append is
 * set for the old "append: true" form. Returns -EINVAL with a message.
 */
static int check_override(struct item_ctx *c, const struct ov_allowed *tab,
			  const char *namekey, bool *append, bool *override)
{
	const struct saker_ynode *ov = saker_ymap_get(c->item, "override");
	const struct saker_ynode *ap = saker_ymap_get(c->item, "append");
	size_t i;

	*append = false;
	*override = false;
	if (ap && parse_bool(ap, append))
		return err_at(c, ap, "E-VALUE", "append must be true or false%s%s",
			      "", "");
	if (!ov)
		return 0;
	if (ap)
		return err_at(c, ap, "E-OVERRIDE",
			      "append and override cannot be used together%s%s",
			      "", "");
	if (ov->type != SAKER_Y_MAP)
		return err_at(c, ov, "E-OVERRIDE",
			      "override must be a map of key: append|replace%s%s",
			      "", "");
	*override = true;
	for (i = 0; i + 1 < ov->n; i += 2) {
		const struct saker_ynode *k = ov->kids[i], *v = ov->kids[i + 1];
		const struct ov_allowed *a;

		if (!is_scalar(k) || !is_scalar(v))
			return err_at(c, k, "E-OVERRIDE",
				      "override entries are key: append|replace%s%s",
				      "", "");
		for (a = tab; a->key; a++)
			if (!strcmp(a->key, k->s))
				break;
		if (!a->key)
			return err_at(c, k, "E-OVERRIDE",
				      "key '%s' cannot be overridden%s", k->s, "");
		if (strcmp(v->s, "append") && strcmp(v->s, "replace"))
			return err_at(c, v, "E-OVERRIDE",
				      "override of '%s' must be append or replace, not '%s'",
				      k->s, v->s);
		if (!strcmp(v->s, "append") ? !a->append : !a->replace)
			return err_at(c, v, "E-OVERRIDE",
				      "key '%s' cannot be %sd", k->s, v->s);
		if (!saker_ymap_get(c->item, k->s))
			return err_at(c, k, "E-OVERRIDE",
				      "override names '%s' but the item has no such key%s",
				      k->s, "");
	}
	/* As Falco: a key that could be overridden must be listed; source may stay. */
	for (i = 0; i + 1 < c->item->n; i += 2) {
		const struct saker_ynode *k = c->item->kids[i];
		const struct ov_allowed *a;

		if (!is_scalar(k) || !strcmp(k->s, namekey))
			continue;
		for (a = tab; a->key; a++)
			if (!strcmp(a->key, k->s))
				break;
		if (a->key && !saker_ymap_get(ov, k->s))
			return err_at(c, k, "E-OVERRIDE",
				      "key '%s' is not listed in override%s", k->s, "");
	}
	return 0;
}

/* Falco deprecates "append: true" in favour of override. */
static void warn_append(struct item_ctx *c, bool append)
{
	if (append)
		warn_at(c, saker_ymap_get(c->item, "append"), "W-DEPRECATED",
			"'append' is deprecated: list the key under 'override' instead (e.g. 'condition: append')%s%s",
			"", "");
}

/* Keys Falco does not know for this item: warned and ignored, as Falco does. */
static void warn_unknown_keys(struct item_ctx *c, const char *kind, const char *name,
			      const char *const *keys)
{
	const char *const *kk;
	size_t i;

	for (i = 0; i + 1 < c->item->n; i += 2) {
		const struct saker_ynode *k = c->item->kids[i];
		char what[256];

		if (!is_scalar(k))
			continue;
		for (kk = keys; *kk; kk++)
			if (!strcmp(*kk, k->s))
				break;
		if (*kk)
			continue;
		snprintf(what, sizeof(what), "%s%s%s%s", kind, name ? " '" : "",
			 name ? name : "", name ? "'" : "");
		warn_at(c, k, "W-UNKNOWN-KEY", "%s: unknown key '%s' ignored", what, k->s);
	}
}

/* libsinsp's identifier and bare string, which macro and list names should be. */
static bool is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	while (*++s)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool is_barestr(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr("()\"'=,", s[i]) || isspace((unsigned char)s[i]) || !s[i])
			return false;
	return len > 0;
}

static enum ov_mode ov_mode(const struct item_ctx *c, const char *key,
			    bool append, bool override)
{
	const struct saker_ynode *ov, *v;

	if (append)
		return OV_APPEND;
	if (!override)
		return OV_NONE;
	ov = saker_ymap_get(c->item, "override");
	v = saker_ymap_get(ov, key);
	if (!v)
		return OV_NONE;
	return !strcmp(v->s, "append") ? OV_APPEND : OV_REPLACE;
}

/* ---- lists ---- */

static int load_items(struct item_ctx *c, const struct saker_ynode *items,
		      struct saker_litem **out, size_t *n, size_t keep)
{
	struct saker_litem *v;
	size_t i;

	if (items->type == SAKER_Y_NULL) {
		return 0;
	}
	if (items->type != SAKER_Y_SEQ)
		return err_at(c, items, "E-SCHEMA", "list items must be a sequence%s%s",
			      "", "");
	v = saker_arena_alloc(c->ld->arena, (keep + items->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (keep)
		memcpy(v, *out, keep * sizeof(*v));
	for (i = 0; i < items->n; i++) {
		const struct saker_ynode *it = items->kids[i];

		if (!is_scalar(it))
			return err_at(c, it, "E-SCHEMA",
				      "list items must be scalars%s%s", "", "");
		make_litem(it, &v[keep + i]);
	}
	*out = v;
	*n = keep + items->n;
	return 0;
}

static int load_list(struct item_ctx *c, const struct saker_ynode *name)
{
	const struct saker_ynode *items = saker_ymap_get(c->item, "items");
	struct saker_list_def *l;
	bool append, override;
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	enum ov_mode mode;
	int ret;

	if (!is_barestr(name->s, name->len))
		warn_at(c, name, "W-LIST-NAME",
			"list '%s': a list name should be a bare string ([^()\"'[:space:]=,]+), or conditions cannot name it%s",
			name->s, "");
	ret = check_override(c, list_ov, "list", &append, &override);
	if (ret)
		return ret;
	warn_append(c, append);
	warn_unknown_keys(c, "list", name->s, keys);
	if (!items)
		return err_at(c, NULL, "E-MISSING-KEY",
			      "list '%s' has no items%s", name->s, "");
	l = saker_strmap_get(&c->ld->lists, name->s, name->len);
	mode = ov_mode(c, "items", append, override);
	if (mode == OV_APPEND) {
		if (!l)
			return err_at(c, name, "E-NO-BASE",
				      "list '%s' appends to a list that is not defined%s",
				      name->s, "");
		l->vis = c->ld->ndefs++;
		return load_items(c, items, &l->items, &l->n, l->n);
	}
	if (!l) {
		l = saker_arena_alloc(c->ld->arena, sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->name = name->s;
		/* One counter for lists, macros and rules, as Falco's visibility. */
		l->index = c->ld->ndefs;
		ret = saker_strmap_put(&c->ld->lists, name->s, name->len, l);
		if (!ret)
			ret = saker_vec_push(&c->ld->list_defs, l);
		/* Few or none: substitution scans them for every condition. */
		if (!ret && strpbrk(l->name, SAKER_LIST_ODD_CHARS))
			ret = saker_vec_push(&c->ld->odd_lists, l);
		if (ret)
			return ret;
	} else if (override && mode != OV_REPLACE) {
		return 0;
	}
	l->loc = c->item->loc;
	l->vis = c->ld->ndefs++;
	l->items = NULL;
	l->n = 0;
	return load_items(c, items, &l->items, &l->n, 0);
}

/* ---- macros ---- */

static int load_macro(struct item_ctx *c, const struct saker_ynode *name)
{
	const struct saker_ynode *cond = saker_ymap_get(c->item, "condition");
	struct saker_macro_def *m;
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	bool append, override;
	int ret;

	if (!is_identifier(name->s))
		warn_at(c, name, "W-MACRO-NAME",
			"macro '%s': a macro name should be an identifier ([a-zA-Z][a-zA-Z0-9_]*), or conditions cannot name it%s",
			name->s, "");
	ret = check_override(c, macro_ov, "macro", &append, &override);
	if (ret)
		return ret;
	warn_append(c, append);
	warn_unknown_keys(c, "macro", name->s, keys);
	if (!is_scalar(cond))
		return err_at(c, cond, "E-MISSING-KEY",
			      "macro '%s' needs a condition string%s", name->s, "");
	m = saker_strmap_get(&c->ld->macros, name->s, name->len);
	if (ov_mode(c, "condition", append, override) == OV_APPEND) {
		if (!m)
			return err_at(c, name, "E-NO-BASE",
				      "macro '%s' appends to a macro that is not defined%s",
				      name->s, "");
		saker_text_append(c->ld, &m->cond, cond);
		m->vis = c->ld->ndefs++;
		return 0;
	}
	if (!m) {
		m = saker_arena_alloc(c->ld->arena, sizeof(*m));
		if (!m)
			return -ENOMEM;
		m->name = name->s;
		m->index = c->ld->ndefs;
		ret = saker_strmap_put(&c->ld->macros, name->s, name->len, m);
		if (!ret)
			ret = saker_vec_push(&c->ld->macro_defs, m);
		if (ret)
			return ret;
	}
	m->loc = c->item->loc;
	m->file = c->file;
	m->vis = c->ld->ndefs++;
	saker_text_set(c->ld, &m->cond, cond);
	return 0;
}

/* ---- exceptions ---- */

static int check_exc_values(struct item_ctx *c, struct saker_exc_def *x,
			    const struct saker_ynode *values)
{
	size_t i;

	if (!values || values->type == SAKER_Y_NULL)
		return 0;
	if (values->type != SAKER_Y_SEQ)
		return err_at(c, values, "E-EXCEPTION",
			      "exception '%s': values must be a sequence%s", x->name, "");
	for (i = 0; i < values->n; i++) {
		const struct saker_ynode *v = values->kids[i];

		if (x->fields->type == SAKER_Y_SEQ) {
			if (v->type != SAKER_Y_SEQ || v->n != x->fields->n)
				return err_at(c, v, "E-EXCEPTION",
					      "exception '%s': each value must be a tuple with one entry per field%s",
					      x->name, "");
		} else if (v->type != SAKER_Y_SCALAR && v->type != SAKER_Y_SEQ) {
			return err_at(c, v, "E-EXCEPTION",
				      "exception '%s': values must be scalars%s", x->name, "");
		}
		if (saker_vec_push(&x->values, (void *)v))
			return -ENOMEM;
	}
	return 0;
}

/* An exception's comp as Falco checks it: an operator, or a string one with a modifier. */
static bool comp_ok(const char *s, bool one_field)
{
	static const char *const mods[] = { "oneof", "anyof", "allof" };
	size_t b = strspn(s, " \t\r\n"), e = strlen(s), w, m;
	enum saker_op op;

	while (e > b && strchr(" \t\r\n", s[e - 1]))
		e--;
	for (w = b; w < e && !strchr(" \t\r\n", s[w]); w++)
		;
	op = saker_op_from_word(s + b, w - b);
	if (op == SAKER_OP_NONE)
		return false;
	if (w == e)
		return !one_field || op == SAKER_OP_IN || op == SAKER_OP_PMATCH ||
		       op == SAKER_OP_INTERSECTS;
	for (w += strspn(s + w, " \t\r\n"), m = 0; m < 3; m++)
		if (e - w == strlen(mods[m]) && !memcmp(s + w, mods[m], e - w))
			break;
	if (m == 3)
		return false;
	switch (op) {
	case SAKER_OP_EQ: case SAKER_OP_NE: case SAKER_OP_CONTAINS: case SAKER_OP_ICONTAINS:
	case SAKER_OP_BCONTAINS: case SAKER_OP_STARTSWITH: case SAKER_OP_BSTARTSWITH:
	case SAKER_OP_ENDSWITH: case SAKER_OP_GLOB: case SAKER_OP_IGLOB: case SAKER_OP_REGEX:
		return true;
	default:
		return false;
	}
}

static int check_comps(struct item_ctx *c, const char *name, const struct saker_ynode *comps)
{
	size_t i;

	if (comps->type == SAKER_Y_SCALAR) {
		if (!comp_ok(comps->s, true))
			return err_at(c, comps, "E-EXCEPTION",
				      "exception '%s': with one field, comps must be in, pmatch, intersects or a string operator with oneof, anyof or allof, not '%s'",
				      name, comps->s);
		return 0;
	}
	for (i = 0; i < comps->n; i++) {
		const struct saker_ynode *k = comps->kids[i];

		if (!is_scalar(k) || !comp_ok(k->s, false))
			return err_at(c, k, "E-EXCEPTION",
				      "exception '%s': '%s' is not a supported comparison operator",
				      name, is_scalar(k) ? k->s : "?");
	}
	return 0;
}

static int load_exception(struct item_ctx *c, struct saker_rule_def *r,
			  const struct saker_ynode *xn, bool append)
{
	const struct saker_ynode *name = saker_ymap_get(xn, "name");
	const struct saker_ynode *fields = saker_ymap_get(xn, "fields");
	const struct saker_ynode *comps = saker_ymap_get(xn, "comps");
	const struct saker_ynode *values = saker_ymap_get(xn, "values");
	struct saker_exc_def *x = NULL;
	size_t i;

	if (xn->type != SAKER_Y_MAP)
		return err_at(c, xn, "E-EXCEPTION", "an exception must be a map%s%s",
			      "", "");
	if (!is_scalar(name))
		return err_at(c, xn, "E-EXCEPTION", "exception without a name%s%s",
			      "", "");
	for (i = 0; append && i < r->excs.n; i++) {
		struct saker_exc_def *o = r->excs.v[i];

		if (!strcmp(o->name, name->s))
			x = o;
	}
	if (append && !values)
		warn_at(c, xn, "W-EXCEPTION-NO-VALUES",
			"exception '%s' is appended or overridden with no values%s", name->s, "");
	if (x) {
		if (fields || comps)
			return err_at(c, fields ? fields : comps, "E-EXCEPTION",
				      "exception '%s' exists: an append may only add values%s",
				      x->name, "");
		return check_exc_values(c, x, values);
	}
	if (append && (!values || values->type != SAKER_Y_SEQ || !values->n))
		return err_at(c, xn, "E-EXCEPTION",
			      "exception '%s' is new: an append must give it values%s", name->s, "");
	if (!fields || (fields->type != SAKER_Y_SCALAR && fields->type != SAKER_Y_SEQ))
		return err_at(c, xn, "E-EXCEPTION",
			      "exception '%s' needs fields (a field or a list of fields)",
			      name->s, "");
	if (comps && fields->type == SAKER_Y_SEQ &&
	    (comps->type != SAKER_Y_SEQ || comps->n != fields->n))
		return err_at(c, comps, "E-EXCEPTION",
			      "exception '%s': comps must list one operator per field%s",
			      name->s, "");
	if (comps && fields->type == SAKER_Y_SCALAR && comps->type != SAKER_Y_SCALAR)
		return err_at(c, comps, "E-EXCEPTION",
			      "exception '%s': one field takes one operator%s", name->s, "");
	if (comps && check_comps(c, name->s, comps))
		return -EINVAL;
	x = saker_arena_alloc(c->ld->arena, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->name = name->s;
	x->loc = xn->loc;
	x->fields = fields;
	x->comps = comps;
	if (saker_vec_push(&r->excs, x))
		return -ENOMEM;
	return check_exc_values(c, x, values);
}

void saker_rule_excs_release(struct saker_rule_def *r)
{
	size_t i;

	for (i = 0; i < r->excs.n; i++)
		saker_vec_release(&((struct saker_exc_def *)r->excs.v[i])->values);
	saker_vec_release(&r->excs);
}

static int load_exceptions(struct item_ctx *c, struct saker_rule_def *r,
			   const struct saker_ynode *xs, bool append)
{
	size_t i;
	int ret;

	if (xs->type == SAKER_Y_NULL)
		return 0;
	if (xs->type != SAKER_Y_SEQ)
		return err_at(c, xs, "E-EXCEPTION", "exceptions must be a sequence%s%s",
			      "", "");
	for (i = 0; i < xs->n; i++) {
		const struct saker_ynode *nm = saker_ymap_get(xs->kids[i], "name");
		size_t j;

		/* Falco warns about a name given twice in one item's exceptions. */
		for (j = 0; is_scalar(nm) && j < i; j++) {
			const struct saker_ynode *o = saker_ymap_get(xs->kids[j], "name");

			if (is_scalar(o) && !strcmp(o->s, nm->s)) {
				warn_at(c, xs->kids[i], "W-EXCEPTION-DUP",
					"exception '%s' is defined more than once in this item%s",
					nm->s, "");
				break;
			}
		}
		ret = load_exception(c, r, xs->kids[i], append);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- rules ---- */

static const char *const rule_keys[] = {
	"rule", "desc", "condition", "output", "priority", "tags", "enabled",
	"exceptions", "source", "skip-if-unknown-filter", "warn_evttypes",
	"override", "append", "capture", "capture_duration", NULL
};

static int load_tags(struct item_ctx *c, struct saker_rule_def *r,
		     const struct saker_ynode *tags, bool append)
{
	size_t i, j;

	if (!append)
		r->tags.n = 0;
	if (tags->type == SAKER_Y_NULL)
		return 0;
	if (tags->type != SAKER_Y_SEQ)
		return err_at(c, tags, "E-SCHEMA", "tags must be a sequence%s%s", "", "");
	for (i = 0; i < tags->n; i++) {
		const struct saker_ynode *t = tags->kids[i];
		bool dup = false;

		if (!is_scalar(t))
			return err_at(c, t, "E-SCHEMA", "tags must be strings%s%s", "", "");
		for (j = 0; j < r->tags.n; j++)
			dup |= !strcmp(r->tags.v[j], t->s);
		if (!dup && saker_vec_push(&r->tags, t->s))
			return -ENOMEM;
	}
	return 0;
}

static int set_text(struct item_ctx *c, struct saker_text *t,
		    const struct saker_ynode *n, enum ov_mode mode, const char *key)
{
	if (!is_scalar(n))
		return err_at(c, n, "E-SCHEMA", "%s must be a string%s", key, "");
	if (mode == OV_APPEND)
		saker_text_append(c->ld, t, n);
	else
		saker_text_set(c->ld, t, n);
	return 0;
}

/* Applies every key present in the item; mode decides append/replace. */
static int apply_rule_keys(struct item_ctx *c, struct saker_rule_def *r,
			   bool append, bool override)
{
	const struct saker_ynode *n;
	enum ov_mode m;
	int ret;

	if ((n = saker_ymap_get(c->item, "condition"))) {
		ret = set_text(c, &r->cond, n, ov_mode(c, "condition", append, override),
			       "condition");
		if (ret)
			return ret;
		r->has_cond = true;
	}
	if ((n = saker_ymap_get(c->item, "output"))) {
		ret = set_text(c, &r->output, n, ov_mode(c, "output", append, override),
			       "output");
		if (ret)
			return ret;
	}
	if ((n = saker_ymap_get(c->item, "desc"))) {
		if (!is_scalar(n) && n->type != SAKER_Y_NULL)
			return err_at(c, n, "E-SCHEMA", "desc must be a string%s%s", "", "");
		m = ov_mode(c, "desc", append, override);
		if (m == OV_APPEND && r->info.desc && n->type == SAKER_Y_SCALAR)
			r->info.desc = saker_arena_printf(c->ld->arena, "%s %s",
							  r->info.desc, n->s);
		else
			r->info.desc = n->type == SAKER_Y_SCALAR ? n->s : "";
	}
	if ((n = saker_ymap_get(c->item, "priority"))) {
		enum saker_prio p;

		if (!is_scalar(n))
			return err_at(c, n, "E-PRIORITY", "priority must be a string%s%s",
				      "", "");
		if (saker_prio_parse(n->s, &p)) {
			/* Severity words some rule authors use; Falco has none of them. */
			static const struct { const char *w; enum saker_prio p; } alias[] = {
				{ "high", SAKER_PRIO_ERROR }, { "medium", SAKER_PRIO_WARNING },
				{ "low", SAKER_PRIO_NOTICE },
			};
			size_t i;

			for (i = 0; i < 3; i++)
				if (!strcasecmp(n->s, alias[i].w))
					break;
			if (i == 3)
				return err_at(c, n, "E-PRIORITY",
					      "unknown priority '%s' (emergency, alert, critical, error, warning, notice, informational, debug)",
					      n->s, "");
			p = alias[i].p;
			warn_at(c, n, "W-PRIORITY",
				"'%s' is not a Falco priority: read as %s", n->s,
				saker_prio_name(p));
		}
		r->info.priority = p;
	}
	if ((n = saker_ymap_get(c->item, "tags"))) {
		ret = load_tags(c, r, n, ov_mode(c, "tags", append, override) == OV_APPEND);
		if (ret)
			return ret;
	}
	if ((n = saker_ymap_get(c->item, "enabled"))) {
		bool b;

		if (parse_bool(n, &b))
			return err_at(c, n, "E-VALUE", "enabled must be true or false%s%s",
				      "", "");
		r->info.state = b ? SAKER_RULE_ACTIVE : SAKER_RULE_DISABLED;
	}
	if ((n = saker_ymap_get(c->item, "skip-if-unknown-filter"))) {
		if (parse_bool(n, &r->skip_unknown))
			return err_at(c, n, "E-VALUE",
				      "skip-if-unknown-filter must be true or false%s%s", "", "");
	}
	if ((n = saker_ymap_get(c->item, "warn_evttypes"))) {
		if (parse_bool(n, &r->warn_evttypes))
			return err_at(c, n, "E-VALUE",
				      "warn_evttypes must be true or false%s%s", "", "");
	}
	if ((n = saker_ymap_get(c->item, "capture"))) {
		bool b;

		/* saker takes no captures; the value is still checked as Falco does. */
		if (parse_bool(n, &b))
			return err_at(c, n, "E-VALUE", "capture must be true or false%s%s", "", "");
	}
	if ((n = saker_ymap_get(c->item, "capture_duration"))) {
		if (!is_scalar(n) || !n->len || strspn(n->s, "0123456789") != n->len)
			return err_at(c, n, "E-VALUE",
				      "capture_duration must be a number of milliseconds%s%s", "", "");
	}
	if ((n = saker_ymap_get(c->item, "exceptions"))) {
		m = ov_mode(c, "exceptions", append, override);
		if (m != OV_APPEND)
			saker_rule_excs_release(r);
		ret = load_exceptions(c, r, n, m == OV_APPEND);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * "append: true" (deprecated): Falco takes the condition and the
 * exceptions only; every other key of the item is ignored.
 */
static int append_rule(struct item_ctx *c, struct saker_rule_def *r, const char *name)
{
	static const char *const taken[] = { "rule", "append", "source", "condition",
		"exceptions", NULL };
	const struct saker_ynode *cond = saker_ymap_get(c->item, "condition");
	const struct saker_ynode *xs = saker_ymap_get(c->item, "exceptions");
	char ignored[256] = "";
	size_t i, n = 0;
	int ret;

	for (i = 0; i + 1 < c->item->n; i += 2) {
		const struct saker_ynode *k = c->item->kids[i];
		const char *const *t;

		for (t = taken; is_scalar(k) && *t && strcmp(*t, k->s); t++)
			;
		if (is_scalar(k) && !*t && n < sizeof(ignored))
			n += (size_t)snprintf(ignored + n, sizeof(ignored) - n, "%s'%s'",
					      n ? ", " : "", k->s);
	}
	warn_at(c, saker_ymap_get(c->item, "append"), "W-DEPRECATED",
		"'append' is deprecated: list the key under 'override' instead (e.g. 'condition: append')%s%s",
		n ? "; with append: true only condition and exceptions are taken, ignored: " : "",
		ignored);
	if (!cond && !xs)
		return err_at(c, NULL, "E-OVERRIDE",
			      "rule '%s' is appended but has no condition and no exceptions%s",
			      name, "");
	if (cond) {
		if (!is_scalar(cond) || !cond->len)
			return err_at(c, cond, "E-SCHEMA", "%s must be a non-empty string%s",
				      "condition", "");
		ret = set_text(c, &r->cond, cond, OV_APPEND, "condition");
		if (ret)
			return ret;
		r->has_cond = true;
	}
	return xs ? load_exceptions(c, r, xs, true) : 0;
}

/* Falco refuses to mix sources: both named, and different. */
static int check_source(struct item_ctx *c, const struct saker_rule_def *r,
			const struct saker_ynode *src, const char *name)
{
	if (!r || !src || !is_scalar(src) || !src->len || !strcmp(r->info.source, src->s))
		return 0;
	return err_at(c, src, "E-SOURCE",
		      "rule '%s' was defined for source '%s': it cannot be redefined, appended or overridden for another",
		      name, r->info.source);
}

static int load_rule(struct item_ctx *c, const struct saker_ynode *name)
{
	const struct saker_ynode *src = saker_ymap_get(c->item, "source");
	const struct saker_ynode *en;
	struct saker_rule_def *r;
	bool append, override, b;
	int ret;

	warn_unknown_keys(c, "rule", name->s, rule_keys);
	ret = check_override(c, rule_ov, "rule", &append, &override);
	if (ret)
		return ret;
	if (src && !is_scalar(src) && src->type != SAKER_Y_NULL)
		return err_at(c, src, "E-SCHEMA", "source must be a string%s%s", "", "");
	c->ld->ndefs++;
	r = saker_strmap_get(&c->ld->rules_by_name, name->s, name->len);
	if (append || override) {
		if (!r)
			return err_at(c, name, "E-NO-BASE",
				      "rule '%s' appends to or overrides a rule that is not defined%s",
				      name->s, "");
		/* An override weighs its source only with its condition, as Falco does. */
		if (append || saker_ymap_get(saker_ymap_get(c->item, "override"), "condition")) {
			ret = check_source(c, r, src, name->s);
			if (ret)
				return ret;
		}
		if (append)
			return append_rule(c, r, name->s);
		return apply_rule_keys(c, r, false, override);
	}
	if (!saker_ymap_get(c->item, "condition") && !saker_ymap_get(c->item, "output") &&
	    !saker_ymap_get(c->item, "desc") && !saker_ymap_get(c->item, "priority")) {
		/* Falco's deprecated form: a rule item with "enabled" alone toggles a rule. */
		en = saker_ymap_get(c->item, "enabled");
		if (!en)
			return err_at(c, NULL, "E-MISSING-KEY",
				      "rule '%s' has no condition, output, desc or priority, and no enabled%s",
				      name->s, "");
		warn_at(c, en, "W-DEPRECATED",
			"rule '%s': 'enabled' alone is deprecated: add 'override: {enabled: replace}'%s",
			name->s, "");
		if (!r)
			return err_at(c, name, "E-NO-BASE",
				      "rule '%s' enables or disables a rule that is not defined%s",
				      name->s, "");
		if (parse_bool(en, &b))
			return err_at(c, en, "E-VALUE", "enabled must be true or false%s%s", "", "");
		if (r->info.state != SAKER_RULE_ERROR)
			r->info.state = b ? SAKER_RULE_ACTIVE : SAKER_RULE_DISABLED;
		return 0;
	}
	if (!saker_ymap_get(c->item, "condition") || !saker_ymap_get(c->item, "output") ||
	    !saker_ymap_get(c->item, "priority")) {
		const char *miss = !saker_ymap_get(c->item, "condition") ? "condition" :
				   !saker_ymap_get(c->item, "output") ? "output" : "priority";

		return err_at(c, NULL, "E-MISSING-KEY", "rule '%s' has no %s", name->s,
			      miss);
	}
	if (!saker_ymap_get(c->item, "desc"))
		return err_at(c, NULL, "E-MISSING-KEY", "rule '%s' has no desc%s",
			      name->s, "");
	if (src && !src->len)
		return err_at(c, src, "E-SCHEMA",
			      "rule '%s': source must be a non-empty string%s", name->s, "");
	/* A redefinition names its source or means syscall: it must be the old one. */
	if (r && strcmp(r->info.source, src ? src->s : "syscall"))
		return err_at(c, src ? src : name, "E-SOURCE",
			      "rule '%s' was defined for source '%s': it cannot be redefined for another",
			      name->s, r->info.source);
	if (!r) {
		r = saker_arena_alloc(c->ld->arena, sizeof(*r));
		if (!r)
			return -ENOMEM;
		ret = saker_strmap_put(&c->ld->rules_by_name, name->s, name->len, r);
		if (!ret)
			ret = saker_vec_push(&c->ld->rules, r);
		if (ret)
			return ret;
	} else {
		/* Redefinition: same place in the order, fresh contents. */
		saker_vec_release(&r->tags);
		saker_rule_excs_release(r);
		memset(r, 0, sizeof(*r));
	}
	r->info.name = name->s;
	r->info.source = src ? src->s : "syscall";
	r->info.state = SAKER_RULE_ACTIVE;
	r->warn_evttypes = true;
	r->loc = c->item->loc;
	r->file = c->file;
	r->info.file = ((struct saker_srcfile *)c->ld->files.v[c->file])->name;
	r->info.line = c->item->loc.line;
	ret = apply_rule_keys(c, r, false, false);
	/* A half-loaded rule must not run. */
	if (ret)
		r->info.state = SAKER_RULE_ERROR;
	return ret;
}

/* ---- versions ---- */

static int version_cmp(const char *a, const char *b)
{
	long va[3] = { 0 }, vb[3] = { 0 };
	int i;

	/* A bare integer is Falco's old engine version N, i.e. 0.N.0. */
	if (!strchr(a, '.')) {
		va[1] = strtol(a, NULL, 10);
	} else {
		sscanf(a, "%ld.%ld.%ld", &va[0], &va[1], &va[2]);
	}
	sscanf(b, "%ld.%ld.%ld", &vb[0], &vb[1], &vb[2]);
	for (i = 0; i < 3; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	return 0;
}

/* As libsinsp's sinsp_version: three numbers with dots, whatever follows. */
static bool is_semver(const char *s)
{
	unsigned int a, b, d;

	return sscanf(s, "%u.%u.%u", &a, &b, &d) == 3;
}

static int load_engine_version(struct item_ctx *c, const struct saker_ynode *v)
{
	if (!is_scalar(v) || !v->len)
		return err_at(c, v, "E-SCHEMA",
			      "required_engine_version must be a version string%s%s", "", "");
	/* A bare integer N is Falco's old form of 0.N.0; else a semver, as Falco reads them. */
	if (strspn(v->s, "0123456789") != v->len && !is_semver(v->s))
		return err_at(c, v, "E-VALUE",
			      "required_engine_version '%s' is not a version (x.y.z)%s", v->s, "");
	if (version_cmp(v->s, SAKER_ENGINE_COMPAT_VERSION) > 0)
		return err_at(c, v, "E-ENGINE-VERSION",
			      "rules require engine version %s; saker implements Falco engine %s",
			      v->s, SAKER_ENGINE_COMPAT_VERSION);
	return 0;
}

/* One plugin requirement (or alternative): a name and a valid version. */
static int plugin_req(struct item_ctx *c, const struct saker_ynode *p,
		      const struct saker_ynode **name)
{
	const struct saker_ynode *ver = saker_ymap_get(p, "version");

	*name = saker_ymap_get(p, "name");
	if (p->type != SAKER_Y_MAP || !is_scalar(*name) || !(*name)->len)
		return err_at(c, p, "E-SCHEMA",
			      "a plugin requirement needs a name%s%s", "", "");
	if (!is_scalar(ver) || !ver->len)
		return err_at(c, p, "E-MISSING-KEY", "plugin '%s' requirement has no version%s",
			      (*name)->s, "");
	if (!is_semver(ver->s))
		return err_at(c, ver, "E-VALUE", "plugin '%s': '%s' is not a version (x.y.z)",
			      (*name)->s, ver->s);
	return 0;
}

static int load_plugin_versions(struct item_ctx *c, const struct saker_ynode *v)
{
	const struct saker_ynode *name, *alt, *an;
	size_t i, j, k;
	bool container;

	if (v->type != SAKER_Y_SEQ)
		return err_at(c, v, "E-SCHEMA",
			      "required_plugin_versions must be a sequence%s%s", "", "");
	for (i = 0; i < v->n; i++) {
		const struct saker_ynode *p = v->kids[i];

		if (plugin_req(c, p, &name))
			return -EINVAL;
		container = !strcmp(name->s, "container");
		alt = saker_ymap_get(p, "alternatives");
		if (alt && alt->type != SAKER_Y_SEQ)
			return err_at(c, alt, "E-SCHEMA",
				      "plugin '%s': alternatives must be a sequence%s", name->s, "");
		for (j = 0; alt && j < alt->n; j++) {
			if (plugin_req(c, alt->kids[j], &an))
				return -EINVAL;
			container |= !strcmp(an->s, "container");
			/* Falco refuses a plugin named twice in one requirement. */
			for (k = 0; k <= j; k++) {
				const struct saker_ynode *o = k < j ?
					saker_ymap_get(alt->kids[k], "name") : name;

				if (!strcmp(o->s, an->s))
					return err_at(c, an, "E-VALUE",
						      "plugin '%s' is named twice in one requirement%s",
						      an->s, "");
			}
		}
		/* saker provides the container plugin's fields natively. */
		if (container)
			continue;
		warn_at(c, name, "W-PLUGIN",
			"plugin '%s' is not available in saker; rules that need it are skipped%s",
			name->s, "");
	}
	return 0;
}

static int load_item(struct item_ctx *c)
{
	/* Falco's order: an item with several of these keys is the first one. */
	static const char *const kinds[] = { "required_engine_version",
		"required_plugin_versions", "list", "macro", "rule", NULL };
	const struct saker_ynode *name = NULL;
	int k;

	if (c->item->type != SAKER_Y_MAP)
		return err_at(c, c->item, "E-SCHEMA",
			      "each item must be a map (rule, macro, list...)%s%s", "", "");
	for (k = 0; kinds[k]; k++) {
		name = saker_ymap_get(c->item, kinds[k]);
		if (name)
			break;
	}
	if (!kinds[k]) {
		warn_at(c, c->item, "W-UNKNOWN-ITEM",
			"item is not a rule, macro, list or requirement: ignored%s%s", "", "");
		return 0;
	}
	if (k < 2) {
		const char *const only[] = { kinds[k], NULL };

		warn_unknown_keys(c, kinds[k], NULL, only);
		return k == 0 ? load_engine_version(c, name) : load_plugin_versions(c, name);
	}
	if (!is_scalar(name) || !name->len)
		return err_at(c, name, "E-SCHEMA", "%s name must be a non-empty string%s",
			      kinds[k], "");
	if (k == 4)
		return load_rule(c, name);
	if (k == 3)
		return load_macro(c, name);
	return load_list(c, name);
}

int saker_load_file_buf(struct saker_loader *ld, int file)
{
	struct saker_vec docs = { 0 };
	struct item_ctx c = { .ld = ld, .file = file };
	size_t d, i;
	int ret;

	ret = saker_yaml_parse(ld, file, &docs);
	if (ret)
		goto release_docs;
	for (d = 0; d < docs.n; d++) {
		const struct saker_ynode *root = docs.v[d];

		if (root->type == SAKER_Y_NULL)
			continue;
		if (root->type != SAKER_Y_SEQ) {
			c.item = root;
			ret = err_at(&c, root, "E-SCHEMA",
				     "a rules document must be a sequence of items%s%s", "", "");
			goto release_docs;
		}
		for (i = 0; i < root->n; i++) {
			c.item = root->kids[i];
			ret = load_item(&c);
			/* The first error stops this file; warnings never do. */
			if (ret)
				goto release_docs;
		}
	}
release_docs:
	saker_vec_release(&docs);
	return ret;
}
