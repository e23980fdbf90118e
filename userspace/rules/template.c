// SPDX-License-Identifier: GPL-2.0
/*
 * A rule's output template (its Falco format string): "%field" or
 * "%(field)" is replaced by the field's value, "<NA>" when the event lacks
 * it. Delivering alerts is outputs/'s business, not this file's. The
 * template is split once at compile time into literals and field slots,
 * so formatting an alert reads the same per-event cache as the condition.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "compile.h"
#include "eval.h"

struct tpl_seg {
	const char *lit;	/* literal text, or NULL for a field */
	size_t len;
	int slot;
	uint8_t type;
	uint8_t flags;		/* the field's SAKER_FF_* */
	const char *name;
};

struct saker_template {
	struct tpl_seg *segs;
	size_t nsegs;
	size_t nfields;
};

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '[' || c == ']';
}

static int add_seg(struct saker_arena *a, struct saker_vec *v, const char *lit,
		   size_t len, int slot, uint8_t type, uint8_t flags, const char *name)
{
	struct tpl_seg *s = saker_arena_alloc(a, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*s = (struct tpl_seg){ lit, len, slot, type, flags, name };
	return saker_vec_push(v, s);
}

/*
 * The output with -p's text (Falco's rule): in place of %container.info
 * when asked and present, else after a space. NULL: out of memory.
 */
static const char *with_append(struct saker_program *pg, const char *t, size_t *len)
{
	const char *info = NULL, *add = pg->output_append;
	size_t i;

	if (pg->append_replaces_info)
		for (i = 0; i + 15 <= *len && !info; i++)
			if (!memcmp(t + i, "%container.info", 15) &&
			    (i + 15 == *len || !isalnum((unsigned char)t[i + 15])))
				info = t + i;
	if (info) {
		size_t pre = (size_t)(info - t);
		const char *s = saker_arena_printf(pg->arena, "%.*s%s%.*s", (int)pre, t, add,
						   (int)(*len - pre - 15), info + 15);

		*len = s ? strlen(s) : 0;
		return s;
	}
	t = saker_arena_printf(pg->arena, "%.*s%s%s", (int)*len, t, *len ? " " : "", add);
	*len = t ? strlen(t) : 0;
	return t;
}

struct saker_template *saker_template_compile(struct saker_loader *ld,
					      struct saker_program *pg,
					      struct saker_rule_def *r)
{
	const char *t = r->output.s;
	size_t len = r->output.len, i = 0, lit = 0, k;
	struct saker_template *o = saker_arena_alloc(pg->arena, sizeof(*o));
	struct saker_vec segs = { 0 };

	if (!o)
		return NULL;
	/* Folded YAML leaves a trailing newline; alerts are one line. */
	while (len && isspace((unsigned char)t[len - 1]))
		len--;
	/* Positions past the rule's own text point at its end (saker_text_loc). */
	if (pg->output_append) {
		t = with_append(pg, t, &len);
		if (!t)
			return NULL;
	}
	while (i < len) {
		const struct saker_field_def *def;
		struct saker_fexpr fx = { 0 };
		size_t start, end, next;
		char *name;
		int arg, slot;

		if (t[i] != '%') {
			i++;
			continue;
		}
		if (i + 1 < len && t[i + 1] == '%') {
			if (add_seg(pg->arena, &segs, t + lit, i + 1 - lit, -1, 0, 0, NULL))
				goto release_segs;
			i += 2;
			lit = i;
			continue;
		}
		if (i + 1 < len && t[i + 1] == '(') {
			const char *close = memchr(t + i, ')', len - i);

			if (!close) {
				i++;
				continue;
			}
			start = i + 2;
			end = (size_t)(close - t);
			next = end + 1;
		} else {
			start = end = i + 1;
			while (end < len && name_char(t[end]))
				end++;
			next = end;
		}
		name = saker_arena_strndup(pg->arena, t + start, end - start);
		if (!name)
			goto release_segs;
		if (!strcmp(name, "container.info")) {
			/* Falco drops it with a warning: it once expanded to id and name. */
			saker_diag(ld, false, "W-DEPRECATED", saker_text_loc(ld, &r->output, i),
				   "rule '%s': %%container.info is deprecated: it prints nothing",
				   r->info.name);
			if (add_seg(pg->arena, &segs, t + lit, i - lit, -1, 0, 0, NULL))
				goto release_segs;
			i = lit = next;
			continue;
		}
		def = saker_field_lookup(name, &arg);
		/* "... %proc.name." ends a sentence: the dot is not the field's. */
		while (!def && end > start && t[end - 1] == '.' && next == end) {
			end--;
			next = end;
			name[end - start] = '\0';
			def = saker_field_lookup(name, &arg);
		}
		if (!def) {
			if (end == start) {
				i++;
				continue;
			}
			/* As in Falco: an error, or a skip with skip-if-unknown-filter. */
			if (r->skip_unknown) {
				r->out_skip = saker_arena_printf(pg->arena,
					"output names unknown field '%s' (skip-if-unknown-filter)",
					name);
			} else {
				const char *hint = saker_field_hint(name);

				saker_diag(ld, true, "E-OUTPUT-FIELD",
					   saker_text_loc(ld, &r->output, i),
					   "rule '%s': output names unknown field '%s'%s%s%s",
					   r->info.name, name, hint ? " (did you mean '" : "",
					   hint ? hint : "", hint ? "'?)" : "");
			}
			goto release_segs;
		}
		fx.field = name;
		slot = saker_slot_intern(pg, &fx, def, arg);
		if (slot < 0)
			goto release_segs;
		if (add_seg(pg->arena, &segs, t + lit, i - lit, -1, 0, 0, NULL) ||
		    add_seg(pg->arena, &segs, NULL, 0, slot,
			    ((struct saker_slot *)pg->slots.v[slot])->rtype, def->flags,
			    name))
			goto release_segs;
		o->nfields++;
		i = lit = next;
	}
	if (lit < len && add_seg(pg->arena, &segs, t + lit, len - lit, -1, 0, 0, NULL))
		goto release_segs;
	o->segs = saker_arena_alloc(pg->arena, (segs.n + 1) * sizeof(*o->segs));
	if (!o->segs)
		goto release_segs;
	for (k = 0; k < segs.n; k++)
		o->segs[k] = *(struct tpl_seg *)segs.v[k];
	o->nsegs = segs.n;
	saker_vec_release(&segs);
	return o;
release_segs:
	saker_vec_release(&segs);
	return NULL;
}

size_t saker_val_render(const struct saker_val *v, uint8_t type, char *buf,
			size_t size)
{
	size_t n = 0;
	uint32_t i;
	int w;

	if (!size)
		return 0;
	buf[0] = '\0';
	switch (v->kind) {
	case SAKER_V_STR:
		n = v->len < size - 1 ? v->len : size - 1;
		memcpy(buf, v->s, n);
		/* One line per alert: control characters become '.'. */
		for (i = 0; i < n; i++)
			if ((unsigned char)buf[i] < 0x20)
				buf[i] = '.';
		buf[n] = '\0';
		return n;
	case SAKER_V_NUM:
		if (type == SAKER_FT_BOOL)
			w = snprintf(buf, size, "%s", v->n ? "true" : "false");
		else
			w = snprintf(buf, size, "%" PRId64, v->n);
		return w < 0 ? 0 : (size_t)w < size ? (size_t)w : size - 1;
	case SAKER_V_LIST:
		for (i = 0; i < v->len && n + 1 < size; i++) {
			if (i)
				buf[n++] = ',';
			n += saker_val_render(&v->list[i], type, buf + n, size - n);
		}
		buf[n] = '\0';
		return n;
	default:
		w = snprintf(buf, size, "<NA>");
		return w < 0 ? 0 : (size_t)w < size ? (size_t)w : size - 1;
	}
}

const char *saker_template_format(struct saker_evctx *cx, const struct saker_template *o)
{
	static const struct saker_val none = { .kind = SAKER_V_NONE };
	size_t cap = 16384, n = 0, i;
	char *buf = saker_scratch(cx, cap);

	if (!buf)
		return "<output too long>";
	for (i = 0; i < o->nsegs && n + 1 < cap; i++) {
		const struct tpl_seg *s = &o->segs[i];
		const struct saker_val *v;

		if (s->lit) {
			size_t l = s->len < cap - 1 - n ? s->len : cap - 1 - n;

			memcpy(buf + n, s->lit, l);
			n += l;
			continue;
		}
		if (saker_slot_get(cx, s->slot, &v))
			v = &none;
		if (v->kind == SAKER_V_NUM && (s->flags & SAKER_FF_PAD9)) {
			int w = snprintf(buf + n, cap - n, "%09" PRId64, v->n);

			if (w > 0)
				n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
			continue;
		}
		n += saker_val_render(v, s->type, buf + n, cap - n);
	}
	buf[n] = '\0';
	return buf;
}

size_t saker_template_nfields(const struct saker_template *o)
{
	return o->nfields;
}

int saker_template_field(struct saker_evctx *cx, const struct saker_template *o,
		       size_t i, const char **name, const struct saker_val **v,
		       enum saker_ftype *type, uint8_t *flags)
{
	size_t k, seen = 0;

	for (k = 0; k < o->nsegs; k++) {
		if (o->segs[k].lit)
			continue;
		if (seen++ == i) {
			const struct saker_slot *s = cx->prog->slots.v[o->segs[k].slot];

			*name = o->segs[k].name;
			*type = s->rtype;
			*flags = o->segs[k].flags;
			return saker_slot_get(cx, o->segs[k].slot, v);
		}
	}
	return -ENOENT;
}
