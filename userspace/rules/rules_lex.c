// SPDX-License-Identifier: GPL-2.0
/*
 * Lexer of the Falco condition language: parentheses, commas, symbolic
 * operators, quoted strings (single or double quotes, backslash escapes)
 * and bare words. Word operators (contains, in...) and keywords (and, or,
 * not) are bare words that the parser recognizes by position.
 */
#include <ctype.h>
#include <string.h>

#include "loader.h"

static const struct {
	const char *name;
	enum saker_op op;
} word_ops[] = {
	{ "contains", SAKER_OP_CONTAINS }, { "icontains", SAKER_OP_ICONTAINS },
	{ "startswith", SAKER_OP_STARTSWITH }, { "endswith", SAKER_OP_ENDSWITH },
	{ "glob", SAKER_OP_GLOB }, { "in", SAKER_OP_IN },
	{ "intersects", SAKER_OP_INTERSECTS }, { "pmatch", SAKER_OP_PMATCH },
	{ "exists", SAKER_OP_EXISTS }, { "regex", SAKER_OP_REGEX },
	{ "=", SAKER_OP_EQ }, { "==", SAKER_OP_EQ }, { "!=", SAKER_OP_NE },
	{ "<", SAKER_OP_LT }, { "<=", SAKER_OP_LE }, { ">", SAKER_OP_GT },
	{ ">=", SAKER_OP_GE },
};

enum saker_op saker_op_from_word(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(word_ops) / sizeof(word_ops[0]); i++)
		if (strlen(word_ops[i].name) == len && !memcmp(word_ops[i].name, s, len))
			return word_ops[i].op;
	return SAKER_OP_NONE;
}

const char *saker_op_name(enum saker_op op)
{
	size_t i;

	for (i = 0; i < sizeof(word_ops) / sizeof(word_ops[0]); i++)
		if (word_ops[i].op == op)
			return word_ops[i].name;
	return "?";
}

enum saker_xform saker_xform_from_word(const char *s, size_t len)
{
	static const char *const names[] = {
		[SAKER_XF_TOLOWER] = "tolower", [SAKER_XF_TOUPPER] = "toupper",
		[SAKER_XF_BASENAME] = "basename", [SAKER_XF_LEN] = "len",
		[SAKER_XF_B64] = "b64",
	};
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return (enum saker_xform)i;
	return SAKER_XF_NONE;
}

static bool word_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("(),=<>!\"'", c);
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

static void lex_string(struct saker_lexer *lx, struct saker_tok *t)
{
	char q = lx->s[lx->pos], *out;
	size_t i = lx->pos + 1, n = 0;

	out = saker_arena_alloc(lx->arena, lx->len - lx->pos + 1);
	if (!out) {
		t->kind = SAKER_T_ERROR;
		t->err = "out of memory";
		return;
	}
	while (i < lx->len && lx->s[i] != q) {
		char c = lx->s[i];

		if (c == '\\' && i + 1 < lx->len) {
			char d = lx->s[++i];

			switch (d) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'x':
				if (i + 2 < lx->len && hexval(lx->s[i + 1]) >= 0 &&
				    hexval(lx->s[i + 2]) >= 0) {
					c = (char)(hexval(lx->s[i + 1]) * 16 +
						   hexval(lx->s[i + 2]));
					i += 2;
					break;
				}
				c = d;
				break;
			default:
				/* \" \' \\ and any other char stand for themselves. */
				c = d;
				break;
			}
		}
		out[n++] = c;
		i++;
	}
	if (i >= lx->len) {
		t->kind = SAKER_T_ERROR;
		t->err = "unterminated string";
		t->end = lx->len;
		lx->pos = lx->len;
		return;
	}
	out[n] = '\0';
	t->kind = SAKER_T_STRING;
	t->s = out;
	t->len = n;
	lx->pos = i + 1;
	t->end = lx->pos;
}

void saker_lex_next(struct saker_lexer *lx, struct saker_tok *t)
{
	const char *s = lx->s;
	size_t p;

	while (lx->pos < lx->len && isspace((unsigned char)s[lx->pos]))
		lx->pos++;
	memset(t, 0, sizeof(*t));
	p = t->pos = lx->pos;
	if (p >= lx->len) {
		t->kind = SAKER_T_END;
		t->end = p;
		return;
	}
	switch (s[p]) {
	case '(':
		t->kind = SAKER_T_LPAREN;
		break;
	case ')':
		t->kind = SAKER_T_RPAREN;
		break;
	case ',':
		t->kind = SAKER_T_COMMA;
		break;
	case '"':
	case '\'':
		lex_string(lx, t);
		return;
	case '=':
	case '<':
	case '>':
	case '!': {
		size_t n = (p + 1 < lx->len && s[p + 1] == '=') ? 2 : 1;

		t->op = saker_op_from_word(s + p, n);
		if (!t->op) {
			t->kind = SAKER_T_ERROR;
			t->err = "'!' must be followed by '='";
			lx->pos = t->end = p + 1;
			return;
		}
		t->kind = SAKER_T_OP;
		t->s = s + p;
		t->len = n;
		lx->pos = t->end = p + n;
		return;
	}
	default:
		while (p < lx->len && word_char(s[p]))
			p++;
		t->kind = SAKER_T_WORD;
		t->s = s + t->pos;
		t->len = p - t->pos;
		lx->pos = t->end = p;
		return;
	}
	t->s = s + p;
	t->len = 1;
	lx->pos = t->end = p + 1;
}
