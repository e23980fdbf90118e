// SPDX-License-Identifier: GPL-2.0
/*
 * Lexer of the Falco condition language: the token classes of libsinsp's
 * grammar (docs/rules-engine.md, "Syntax"), each a function that measures
 * the token at a position, so the parser can try one class after another
 * as the grammar does. Also the operator and transformer tables and the
 * unescaping of quoted strings.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "loader.h"

/* needs_blank: a word operator must be followed by a blank ("contains "). */
static const struct saker_opdef ops[] = {
	{ "exists", SAKER_OP_EXISTS, SAKER_OPC_UNARY, false },
	{ "<=", SAKER_OP_LE, SAKER_OPC_NUM, false },
	{ "<", SAKER_OP_LT, SAKER_OPC_NUM, false },
	{ ">=", SAKER_OP_GE, SAKER_OPC_NUM, false },
	{ ">", SAKER_OP_GT, SAKER_OPC_NUM, false },
	{ "==", SAKER_OP_EQ, SAKER_OPC_STR, false },
	{ "=", SAKER_OP_EQ, SAKER_OPC_STR, false },
	{ "!=", SAKER_OP_NE, SAKER_OPC_STR, false },
	{ "glob", SAKER_OP_GLOB, SAKER_OPC_STR, true },
	{ "iglob", SAKER_OP_IGLOB, SAKER_OPC_STR, true },
	{ "contains", SAKER_OP_CONTAINS, SAKER_OPC_STR, true },
	{ "icontains", SAKER_OP_ICONTAINS, SAKER_OPC_STR, true },
	{ "bcontains", SAKER_OP_BCONTAINS, SAKER_OPC_STR, true },
	{ "startswith", SAKER_OP_STARTSWITH, SAKER_OPC_STR, true },
	{ "bstartswith", SAKER_OP_BSTARTSWITH, SAKER_OPC_STR, true },
	{ "endswith", SAKER_OP_ENDSWITH, SAKER_OPC_STR, true },
	{ "regex", SAKER_OP_REGEX, SAKER_OPC_STR, true },
	{ "intersects", SAKER_OP_INTERSECTS, SAKER_OPC_LIST, false },
	{ "in", SAKER_OP_IN, SAKER_OPC_LIST, false },
	{ "pmatch", SAKER_OP_PMATCH, SAKER_OPC_LIST, false },
};

static const char *const xform_names[] = {
	[SAKER_XF_TOLOWER] = "tolower", [SAKER_XF_TOUPPER] = "toupper",
	[SAKER_XF_BASENAME] = "basename", [SAKER_XF_LEN] = "len",
	[SAKER_XF_B64] = "b64",
};

/* Transformers libsinsp has and saker does not (parsed, then refused). */
static const char *const xform_unsupported[] = { "join", "concat", "getopt" };

bool saker_lex_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

size_t saker_lex_blank(const char *s, size_t len, size_t pos)
{
	while (pos < len && saker_lex_is_blank(s[pos]))
		pos++;
	return pos;
}

/* [a-zA-Z][a-zA-Z0-9_]* */
size_t saker_lex_ident(const char *s, size_t len, size_t pos)
{
	size_t p = pos;

	if (p >= len || !isalpha((unsigned char)s[p]))
		return 0;
	while (p < len && (isalnum((unsigned char)s[p]) || s[p] == '_'))
		p++;
	return p - pos;
}

/* An identifier, then one or more .identifier. */
size_t saker_lex_fieldname(const char *s, size_t len, size_t pos)
{
	size_t p = pos + saker_lex_ident(s, len, pos), n, parts = 0;

	if (p == pos)
		return 0;
	while (p < len && s[p] == '.' && (n = saker_lex_ident(s, len, p + 1))) {
		p += 1 + n;
		parts++;
	}
	return parts ? p - pos : 0;
}

static size_t span_not(const char *s, size_t len, size_t pos, const char *stop)
{
	size_t p = pos;

	while (p < len && !saker_lex_is_blank(s[p]) && s[p] != '\f' && s[p] != '\v' &&
	       !strchr(stop, s[p]))
		p++;
	return p - pos;
}

/* A bare value: anything but blanks, ( ) , = and quotes. */
size_t saker_lex_barestr(const char *s, size_t len, size_t pos)
{
	return span_not(s, len, pos, "()\"'=,");
}

/* A bare field argument: anything but blanks, [ ] and quotes. */
size_t saker_lex_fieldarg(const char *s, size_t len, size_t pos)
{
	return span_not(s, len, pos, "[]\"'");
}

/* 0x1F, or [+-]digits[.digits][e[+-]digits] */
size_t saker_lex_number(const char *s, size_t len, size_t pos)
{
	size_t p = pos, q;

	if (p + 2 < len && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X') &&
	    isxdigit((unsigned char)s[p + 2])) {
		p += 2;
		while (p < len && isxdigit((unsigned char)s[p]))
			p++;
		return p - pos;
	}
	if (p < len && (s[p] == '+' || s[p] == '-'))
		p++;
	if (p >= len || !isdigit((unsigned char)s[p]))
		return 0;
	while (p < len && isdigit((unsigned char)s[p]))
		p++;
	if (p < len && s[p] == '.')
		for (p++; p < len && isdigit((unsigned char)s[p]); p++)
			;
	if (p + 1 < len && (s[p] == 'e' || s[p] == 'E') &&
	    (s[p + 1] == '+' || s[p + 1] == '-')) {
		for (q = p + 2; q < len && isdigit((unsigned char)s[q]); q++)
			;
		if (q > p + 2)
			p = q;
	}
	return p - pos;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * As libsinsp reads a quoted string: it ends at the first quote of its
 * kind that no backslash precedes (so "a\\" does not end there), then
 * the inside is unescaped.
 */
int saker_lex_quoted(struct saker_arena *arena, const char *s, size_t len,
		     size_t pos, struct saker_qstr *q)
{
	char delim = s[pos], *out;
	size_t i, end, n = 0;

	memset(q, 0, sizeof(*q));
	q->err_pos = pos;
	for (end = pos + 1; end < len && s[end]; end++)
		if (s[end] == delim && s[end - 1] != '\\')
			break;
	if (end >= len || !s[end]) {
		q->err = end < len ? "NUL byte in a string" : "unterminated string";
		q->err_pos = end < len ? end : pos;
		return -EINVAL;
	}
	out = saker_arena_alloc(arena, end - pos);
	if (!out) {
		q->err = "out of memory";
		return -ENOMEM;
	}
	for (i = pos + 1; i < end; i++) {
		char c = s[i];

		if (c == '\\') {
			q->err_pos = i++;
			switch (s[i]) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '/': c = '/'; break;
			/* "\ " is a backslash, as libsinsp reads it. */
			case ' ': case '\\': c = '\\'; break;
			case '"': case '\'':
				if (s[i] != delim) {
					q->err = delim == '"' ? "invalid \\' escape in a \"-quoted string" :
						 "invalid \\\" escape in a '-quoted string";
					return -EINVAL;
				}
				c = s[i];
				break;
			case 'x':
				if (i + 2 >= end || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
					q->err = "invalid \\x escape: two hex digits expected";
					return -EINVAL;
				}
				c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
				i += 2;
				if (!c) {
					q->err = "\\x00: a NUL byte cannot be part of a value";
					return -EINVAL;
				}
				break;
			default:
				q->err = "unsupported escape sequence";
				return -EINVAL;
			}
		}
		out[n++] = c;
	}
	out[n] = '\0';
	q->s = out;
	q->len = n;
	q->end = end + 1;
	return 0;
}

const struct saker_opdef *saker_lex_op(const char *s, size_t len, size_t pos,
				       size_t *end)
{
	size_t i, n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = strlen(ops[i].name);
		if (pos + n > len || memcmp(s + pos, ops[i].name, n))
			continue;
		if (ops[i].needs_blank && (pos + n >= len || !saker_lex_is_blank(s[pos + n])))
			continue;
		*end = pos + n;
		return &ops[i];
	}
	return NULL;
}

enum saker_op saker_op_from_word(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].name) == len && !memcmp(ops[i].name, s, len))
			return ops[i].op;
	return SAKER_OP_NONE;
}

const char *saker_op_name(enum saker_op op)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "?";
}

bool saker_op_is_list(enum saker_op op)
{
	return op == SAKER_OP_IN || op == SAKER_OP_INTERSECTS || op == SAKER_OP_PMATCH;
}

const char *saker_xform_name(enum saker_xform xf)
{
	return xf > SAKER_XF_NONE && xf <= SAKER_XF_B64 ? xform_names[xf] : "";
}

int saker_lex_xform(const char *s, size_t len, size_t pos, size_t *end)
{
	size_t i, n = saker_lex_ident(s, len, pos);

	/* The name and its '(' are one token: "tolower (x)" is no transformer. */
	if (!n || pos + n >= len || s[pos + n] != '(')
		return SAKER_XF_NONE;
	*end = pos + n + 1;
	for (i = 1; i < sizeof(xform_names) / sizeof(xform_names[0]); i++)
		if (strlen(xform_names[i]) == n && !memcmp(xform_names[i], s + pos, n))
			return (int)i;
	for (i = 0; i < sizeof(xform_unsupported) / sizeof(xform_unsupported[0]); i++)
		if (strlen(xform_unsupported[i]) == n &&
		    !memcmp(xform_unsupported[i], s + pos, n))
			return SAKER_XF_UNSUPPORTED;
	if (n == 3 && !memcmp(s + pos, "val", 3))
		return SAKER_XF_VAL;
	return SAKER_XF_NONE;
}
