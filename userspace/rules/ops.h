/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operators and transformers of a condition: words the lexer reads
 * (rules_lex.c), the parser puts in the AST and the evaluator applies.
 */
#ifndef SAKER_RULES_OPS_H
#define SAKER_RULES_OPS_H

#include <stdbool.h>
#include <stddef.h>

enum saker_op {
	SAKER_OP_NONE = 0,
	SAKER_OP_EQ, SAKER_OP_NE, SAKER_OP_LT, SAKER_OP_LE, SAKER_OP_GT,
	SAKER_OP_GE, SAKER_OP_CONTAINS, SAKER_OP_ICONTAINS,
	SAKER_OP_STARTSWITH, SAKER_OP_ENDSWITH, SAKER_OP_GLOB, SAKER_OP_IN,
	SAKER_OP_INTERSECTS, SAKER_OP_PMATCH, SAKER_OP_EXISTS, SAKER_OP_REGEX,
	SAKER_OP_EVTMASK,	/* compiled evt.type test: a bit mask */
	SAKER_OP_IGLOB, SAKER_OP_BCONTAINS, SAKER_OP_BSTARTSWITH,
};

/* What the right-hand side of an operator may be (libsinsp's classes). */
enum saker_opclass {
	SAKER_OPC_UNARY, SAKER_OPC_NUM, SAKER_OPC_STR, SAKER_OPC_LIST,
};

struct saker_opdef {
	const char *name;
	enum saker_op op;
	enum saker_opclass cls;
	bool needs_blank;	/* a word operator: "contains " */
};

/* "startswith oneof (a, b)": the operator holds for exactly one, any or all values. */
enum saker_mod { SAKER_MOD_NONE = 0, SAKER_MOD_ANY, SAKER_MOD_ALL, SAKER_MOD_ONE };

enum saker_xform {
	SAKER_XF_NONE = 0,
	SAKER_XF_TOLOWER, SAKER_XF_TOUPPER, SAKER_XF_BASENAME, SAKER_XF_LEN,
	SAKER_XF_B64,
	/* lexer results that are no saker transformer */
	SAKER_XF_VAL = 100,		/* val(field) */
	SAKER_XF_UNSUPPORTED,		/* join, concat, getopt */
};

#define SAKER_XF_MAX 4

enum saker_op saker_op_from_word(const char *s, size_t len);
const char *saker_op_name(enum saker_op op);
bool saker_op_is_list(enum saker_op op);
const char *saker_xform_name(enum saker_xform xf);

#endif /* SAKER_RULES_OPS_H */
