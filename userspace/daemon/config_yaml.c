// SPDX-License-Identifier: GPL-2.0
/*
 * saker.yaml's YAML layer (config_int.h): libyaml's errors at their
 * position, and the nesting bound checked before a document is built.
 */
#include <errno.h>
#include <stdio.h>

#include <yaml.h>

#include "config_int.h"
#include "lib/errbuf.h"

/* YAML nesting allowed, as in the rule loader (rules/rules_yaml.c). */
#define MAX_DEPTH 64

/* libyaml's reason at its position. */
int saker_config_yaml_error(const yaml_parser_t *p, const char *name, const char *buf,
		       size_t len, char *err, size_t errlen)
{
	unsigned int line, col;

	if (p->error == YAML_MEMORY_ERROR) {
		saker_set_err(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	/* The reader (NUL, bad UTF-8) leaves problem_mark at 0: use its offset. */
	if (p->error == YAML_READER_ERROR) {
		char what[32] = "";

		saker_text_pos(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value >= 0)
			snprintf(what, sizeof(what), p->problem_value > 0xff ? " (U+%04X)" :
				 " (byte 0x%02x)", (unsigned int)p->problem_value);
		saker_set_err(err, errlen, "%s:%u:%u: %s%s", name, line, col,
			p->problem ? p->problem : "unreadable YAML input", what);
		return -EINVAL;
	}
	saker_set_err(err, errlen, "%s:%zu:%zu: %s", name,
		(size_t)p->problem_mark.line + 1, (size_t)p->problem_mark.column + 1,
		p->problem ? p->problem : "YAML syntax error");
	return -EINVAL;
}

/*
 * One pass over the events before the document is built: nesting deeper
 * than MAX_DEPTH is refused where it starts, and stopping there bounds
 * libyaml's work (its document loader alone took seconds on 100k '[').
 */
int saker_config_yaml_depth(const char *name, const char *buf, size_t len, char *err,
		       size_t errlen)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t depth = 0;
	int ret = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_type_t type;
		yaml_mark_t at;

		if (!yaml_parser_parse(&parser, &ev)) {
			ret = saker_config_yaml_error(&parser, name, buf, len, err, errlen);
			break;
		}
		type = ev.type;
		at = ev.start_mark;
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
		if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
			depth--;
			continue;
		}
		if (type != YAML_SCALAR_EVENT && type != YAML_ALIAS_EVENT &&
		    type != YAML_SEQUENCE_START_EVENT && type != YAML_MAPPING_START_EVENT)
			continue;
		/* A node's depth: the collections open around it (the root's is 0). */
		if (depth > MAX_DEPTH) {
			saker_set_err(err, errlen, "%s:%zu:%zu: YAML nesting too deep (more than %d levels)",
				name, (size_t)at.line + 1, (size_t)at.column + 1, MAX_DEPTH);
			ret = -EINVAL;
			break;
		}
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT)
			depth++;
	}
	yaml_parser_delete(&parser);
	return ret;
}

