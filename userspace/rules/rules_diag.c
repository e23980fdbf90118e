// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics of the rule loader and compiler: every message names
 * file:line:col, quotes the offending line with a caret under the column,
 * and carries a code. Also maps an offset inside a (possibly folded or
 * appended) YAML scalar back to its line and column in the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "engine.h"

void saker_diag(struct saker_loader *ld, bool error, const char *code,
		struct saker_loc loc, const char *fmt, ...)
{
	struct saker_diag *d = saker_arena_alloc(ld->arena, sizeof(*d));
	va_list ap;
	char buf[SAKER_DIAG_MAX];

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->error = error;
	d->code = code;
	d->loc = loc;
	d->msg = saker_arena_strdup(ld->arena, buf);
	if (saker_vec_push(&ld->diags, d))
		return;
	if (error) {
		ld->nerrors++;
		if (loc.file >= 0 && (size_t)loc.file < ld->files.n)
			((struct saker_srcfile *)ld->files.v[loc.file])->failed = true;
	} else {
		ld->nwarnings++;
	}
}

static void print_line(const struct saker_srcfile *f, unsigned int line,
		       unsigned int col, FILE *out)
{
	const char *p = f->buf, *end = f->buf + f->len, *eol;
	unsigned int l = 1, c;

	while (l < line && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			return;
		p = eol + 1;
		l++;
	}
	if (p >= end)
		return;
	eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	fprintf(out, "    %.*s\n    ", (int)(eol - p), p);
	/* Tabs are kept so the caret lines up under the same glyphs. */
	for (c = 1; c < col && p + c - 1 < eol; c++)
		fputc(p[c - 1] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

void saker_engine_print_diags(const struct saker_engine *e, FILE *out)
{
	const struct saker_loader *ld = &e->load;
	size_t i;

	for (i = 0; i < ld->diags.n; i++) {
		const struct saker_diag *d = ld->diags.v[i];
		const struct saker_srcfile *f = NULL;

		if (d->loc.file >= 0 && (size_t)d->loc.file < ld->files.n)
			f = ld->files.v[d->loc.file];
		if (f && d->loc.line)
			fprintf(out, "%s:%u:%u: ", f->name, d->loc.line,
				d->loc.col);
		else if (f)
			fprintf(out, "%s: ", f->name);
		fprintf(out, "%s %s: %s\n", d->error ? "error" : "warning",
			d->code, d->msg);
		if (f && d->loc.line)
			print_line(f, d->loc.line, d->loc.col, out);
	}
}

const char *saker_engine_first_error(const struct saker_engine *e, char *buf,
				     size_t len)
{
	const struct saker_loader *ld = &e->load;
	size_t i;

	for (i = 0; i < ld->diags.n; i++) {
		const struct saker_diag *d = ld->diags.v[i];
		const struct saker_srcfile *f = NULL;

		if (!d->error)
			continue;
		if (d->loc.file >= 0 && (size_t)d->loc.file < ld->files.n)
			f = ld->files.v[d->loc.file];
		/* The line saker_engine_print_diags() prints for it. */
		if (f && d->loc.line)
			snprintf(buf, len, "%s:%u:%u: error %s: %s", f->name,
				 d->loc.line, d->loc.col, d->code, d->msg);
		else if (f)
			snprintf(buf, len, "%s: error %s: %s", f->name, d->code, d->msg);
		else
			snprintf(buf, len, "error %s: %s", d->code, d->msg);
		return buf;
	}
	return NULL;
}

const char *saker_engine_diag_code(const struct saker_engine *e, size_t i,
				   bool *is_error, unsigned int *line,
				   unsigned int *col)
{
	const struct saker_loader *ld = &e->load;
	const struct saker_diag *d;

	if (i >= ld->diags.n)
		return NULL;
	d = ld->diags.v[i];
	if (is_error)
		*is_error = d->error;
	if (line)
		*line = d->loc.line;
	if (col)
		*col = d->loc.col;
	return d->code;
}

size_t saker_engine_error_count(const struct saker_engine *e)
{
	return e->load.nerrors;
}

size_t saker_engine_warning_count(const struct saker_engine *e)
{
	return e->load.nwarnings;
}

/* ---- scalar text with source fragments ---- */

static int add_frag(struct saker_loader *ld, struct saker_text *t,
		    const struct saker_ynode *n, const char *sep)
{
	size_t seplen = strlen(sep), len = t->len + seplen + n->len;
	struct saker_frag *fr;
	char *s;

	s = saker_arena_alloc(ld->arena, len + 1);
	fr = saker_arena_alloc(ld->arena, (t->nfrags + 1) * sizeof(*fr));
	if (!s || !fr)
		return -ENOMEM;
	memcpy(s, t->s, t->len);
	memcpy(s + t->len, sep, seplen);
	memcpy(s + t->len + seplen, n->s, n->len);
	s[len] = '\0';
	if (t->nfrags)
		memcpy(fr, t->frags, t->nfrags * sizeof(*fr));
	fr[t->nfrags] = (struct saker_frag){
		.off = t->len + seplen, .len = n->len, .loc = n->loc,
		.index = n->index, .style = n->style,
	};
	t->s = s;
	t->len = len;
	t->frags = fr;
	t->nfrags++;
	return 0;
}

void saker_text_set(struct saker_loader *ld, struct saker_text *t,
		    const struct saker_ynode *n)
{
	memset(t, 0, sizeof(*t));
	t->s = "";
	add_frag(ld, t, n, "");
}

void saker_text_append(struct saker_loader *ld, struct saker_text *t,
		       const struct saker_ynode *n)
{
	add_frag(ld, t, n, t->len ? " " : "");
}

/*
 * Block scalars (| and >) start on the line after the indicator; their
 * lines lose a common indent and are joined by one character, as are the
 * lines of a multi-line plain scalar. Walking the source lines that way
 * finds where value offset off came from.
 */
static struct saker_loc map_block(const struct saker_srcfile *f,
				  const struct saker_frag *fr, size_t off,
				  bool block)
{
	const char *p = f->buf + fr->index, *end = f->buf + f->len;
	struct saker_loc loc = fr->loc;
	size_t indent = 0, left = off;
	bool first = true;

	if (block) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			return loc;
		p = eol + 1;
		loc.line++;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p), ws = 0;

		while (ws < ll && (p[ws] == ' ' || p[ws] == '\t'))
			ws++;
		if (first && !block) {
			ws = 0;	/* plain scalar: first line starts at its column */
		} else if (first) {
			indent = ws;
		} else if (!block) {
			indent = ws;
		}
		first = false;
		if (ws < ll || block) {
			size_t start = indent < ll ? indent : ll;
			size_t content = ll - start;

			if (left <= content) {
				loc.col = (unsigned int)(start + left + 1);
				if (!block && loc.line == fr->loc.line)
					loc.col = (unsigned int)(fr->loc.col + left);
				return loc;
			}
			left -= content + 1;
		}
		if (!eol)
			break;
		p = eol + 1;
		loc.line++;
	}
	return fr->loc;
}

struct saker_loc saker_text_loc(const struct saker_loader *ld,
				const struct saker_text *t, size_t off)
{
	const struct saker_frag *fr = NULL;
	const struct saker_srcfile *f;
	struct saker_loc loc = { -1, 0, 0 };
	size_t i;

	if (t->map && t->base) {
		off = t->len ? t->map[off < t->len ? off : t->len - 1] : 0;
		t = t->base;
	}
	for (i = 0; i < t->nfrags; i++) {
		if (off >= t->frags[i].off)
			fr = &t->frags[i];
	}
	if (!fr)
		return loc;
	off -= fr->off;
	if (off > fr->len)
		off = fr->len;
	if (fr->loc.file < 0 || (size_t)fr->loc.file >= ld->files.n || fr->style < 0)
		return fr->loc;
	f = ld->files.v[fr->loc.file];
	switch (fr->style) {
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		return map_block(f, fr, off, true);
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		loc = fr->loc;
		/* Escapes shift columns a little; the line stays right. */
		loc.col += (unsigned int)off + 1;
		return loc;
	default:
		return map_block(f, fr, off, false);
	}
}
