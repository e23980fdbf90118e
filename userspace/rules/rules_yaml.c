// SPDX-License-Identifier: GPL-2.0
/*
 * libyaml event stream -> a small tree with source positions, one per
 * document. The loader walks the tree; keeping positions on every node is
 * what lets each message point at the offending text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "lib/errbuf.h"
#include "loader.h"

#define MAX_DEPTH 64

struct ybuild {
	struct saker_loader *ld;
	int file;
	yaml_parser_t parser;
};

static struct saker_loc mark_loc(int file, yaml_mark_t m)
{
	return (struct saker_loc){ file, (unsigned int)m.line + 1,
				   (unsigned int)m.column + 1 };
}

static int parse_node(struct ybuild *b, yaml_event_t *ev,
		      struct saker_ynode **out, int depth);

static int parse_children(struct ybuild *b, struct saker_ynode *n,
			  yaml_event_type_t end, int depth)
{
	struct saker_vec tmp = { 0 };
	yaml_event_t ev;
	int ret = 0;

	for (;;) {
		struct saker_ynode *kid;

		if (!yaml_parser_parse(&b->parser, &ev)) {
			ret = -EINVAL;
			goto release_tmp;
		}
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		ret = parse_node(b, &ev, &kid, depth + 1);
		yaml_event_delete(&ev);
		if (ret)
			goto release_tmp;
		ret = saker_vec_push(&tmp, kid);
		if (ret)
			goto release_tmp;
	}
	n->n = (uint32_t)tmp.n;
	n->kids = saker_arena_alloc(b->ld->arena, (tmp.n + 1) * sizeof(*n->kids));
	if (!n->kids) {
		ret = -ENOMEM;
		goto release_tmp;
	}
	if (tmp.n)
		memcpy(n->kids, tmp.v, tmp.n * sizeof(*n->kids));
release_tmp:
	saker_vec_release(&tmp);
	return ret;
}

static int parse_node(struct ybuild *b, yaml_event_t *ev,
		      struct saker_ynode **out, int depth)
{
	struct saker_ynode *n = saker_arena_alloc(b->ld->arena, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->loc = mark_loc(b->file, ev->start_mark);
	n->index = (uint32_t)ev->start_mark.index;
	*out = n;
	if (depth > MAX_DEPTH) {
		saker_diag(b->ld, true, "E-YAML", n->loc,
			   "YAML nesting too deep (more than %d levels)", MAX_DEPTH);
		return -EINVAL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->type = SAKER_Y_SCALAR;
		n->style = ev->data.scalar.style;
		n->len = (uint32_t)ev->data.scalar.length;
		n->s = saker_arena_strndup(b->ld->arena,
					   (const char *)ev->data.scalar.value,
					   n->len);
		if (!n->s)
			return -ENOMEM;
		/* An empty plain scalar is YAML's null ("key:" alone). */
		if (n->style == YAML_PLAIN_SCALAR_STYLE &&
		    (!n->len || !strcmp(n->s, "~") || !strcmp(n->s, "null")))
			n->type = SAKER_Y_NULL;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		n->type = SAKER_Y_SEQ;
		return parse_children(b, n, YAML_SEQUENCE_END_EVENT, depth);
	case YAML_MAPPING_START_EVENT:
		n->type = SAKER_Y_MAP;
		return parse_children(b, n, YAML_MAPPING_END_EVENT, depth);
	case YAML_ALIAS_EVENT:
		saker_diag(b->ld, true, "E-YAML", n->loc,
			   "YAML aliases are not supported in rule files");
		return -EINVAL;
	default:
		saker_diag(b->ld, true, "E-YAML", n->loc, "unexpected YAML event");
		return -EINVAL;
	}
}

static void yaml_error(struct ybuild *b)
{
	yaml_parser_t *p = &b->parser;
	struct saker_loc loc = mark_loc(b->file, p->problem_mark);
	const struct saker_srcfile *f = b->ld->files.v[b->file];

	if (p->error == YAML_MEMORY_ERROR) {
		saker_diag(b->ld, true, "E-YAML", loc, "out of memory");
		return;
	}
	/* The reader (NUL, bad UTF-8) leaves problem_mark at 0: use its offset. */
	if (p->error == YAML_READER_ERROR) {
		char what[32] = "";

		saker_text_pos(f->buf, f->len, p->problem_offset, &loc.line, &loc.col);
		if (p->problem_value >= 0)
			snprintf(what, sizeof(what), p->problem_value > 0xff ? " (U+%04X)" :
				 " (byte 0x%02x)", (unsigned int)p->problem_value);
		saker_diag(b->ld, true, "E-YAML", loc, "YAML input: %s%s",
			   p->problem ? p->problem : "unreadable", what);
		return;
	}
	saker_diag(b->ld, true, "E-YAML", loc, "YAML syntax: %s%s%s",
		   p->problem ? p->problem : "error",
		   p->context ? " " : "", p->context ? p->context : "");
}

int saker_yaml_parse(struct saker_loader *ld, int file, struct saker_vec *docs)
{
	struct saker_srcfile *f = ld->files.v[file];
	struct ybuild b = { .ld = ld, .file = file };
	yaml_event_t ev;
	int ret = 0;

	if (f->len >= UINT32_MAX) {
		saker_diag(ld, true, "E-YAML", (struct saker_loc){ file, 0, 0 },
			   "rule file of %zu bytes: the limit is 4 GiB", f->len);
		return -EFBIG;
	}
	if (!yaml_parser_initialize(&b.parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)f->buf,
				     f->len);
	for (;;) {
		struct saker_ynode *root = NULL;

		if (!yaml_parser_parse(&b.parser, &ev)) {
			yaml_error(&b);
			ret = -EINVAL;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		yaml_event_delete(&ev);
		if (!yaml_parser_parse(&b.parser, &ev)) {
			yaml_error(&b);
			ret = -EINVAL;
			break;
		}
		ret = parse_node(&b, &ev, &root, 0);
		yaml_event_delete(&ev);
		if (ret) {
			if (b.parser.error != YAML_NO_ERROR)
				yaml_error(&b);
			break;
		}
		ret = saker_vec_push(docs, root);
		if (ret)
			break;
		/* DOCUMENT-END */
		if (!yaml_parser_parse(&b.parser, &ev)) {
			yaml_error(&b);
			ret = -EINVAL;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&b.parser);
	return ret;
}

const struct saker_ynode *saker_ymap_get(const struct saker_ynode *map,
					 const char *key)
{
	size_t i;

	if (!map || map->type != SAKER_Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2) {
		const struct saker_ynode *k = map->kids[i];

		if (k->type == SAKER_Y_SCALAR && !strcmp(k->s, key))
			return map->kids[i + 1];
	}
	return NULL;
}
