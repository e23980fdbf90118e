/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader's and the parser's types: source files and diagnostics, the
 * YAML tree (rules_yaml.c), condition text with its source mapping
 * (rules_diag.c), lists, macros and rules as loaded (rules_load.c), the
 * lexer (rules_lex.c) and the condition AST (rules_parse.c). The loader
 * state is struct saker_loader; nothing here evaluates an event.
 */
#ifndef SAKER_RULES_LOADER_H
#define SAKER_RULES_LOADER_H

#include "rules.h"
#include "mem.h"
#include "ops.h"

/* ---- source files and diagnostics ---- */
struct saker_srcfile {
	char *name;
	char *buf;		/* whole file, NUL-terminated */
	size_t len;
	bool failed;		/* an error stopped this file */
};

struct saker_loc {
	int file;		/* index in loader->files, -1 if none */
	unsigned int line;	/* 1-based */
	unsigned int col;	/* 1-based */
};

/* A diagnostic's text is cut there. */
#define SAKER_DIAG_MAX 1024

struct saker_diag {
	bool error;
	const char *code;
	struct saker_loc loc;
	char *msg;
};

/* A list name holding one of these is no token: substituted as text. */
#define SAKER_LIST_ODD_CHARS " \t\n\r(),="

/* Everything loaded, as loaded: later files may still redefine it. */
struct saker_loader {
	struct saker_arena *arena;	/* the engine's */
	struct saker_vec files;		/* struct saker_srcfile * */
	struct saker_vec diags;		/* struct saker_diag * */
	size_t nerrors, nwarnings;

	struct saker_strmap lists, macros, rules_by_name;
	struct saker_vec rules;		/* struct saker_rule_def *, in order */
	struct saker_vec list_defs, macro_defs;
	struct saker_vec odd_lists;	/* lists named with a blank or delimiter */
	size_t ndefs;		/* lists, macros and rules defined or appended so far */
	bool plugin_warned;
};

void saker_diag(struct saker_loader *ld, bool error, const char *code,
		struct saker_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ---- YAML tree ---- */
enum saker_ynode_type { SAKER_Y_SCALAR, SAKER_Y_SEQ, SAKER_Y_MAP, SAKER_Y_NULL };

/* 48 bytes, one per YAML node of every file: a rule file may hold millions
 * (sizes fit 32 bits: saker_yaml_parse refuses files of 4 GiB or more). */
struct saker_ynode {
	enum saker_ynode_type type;
	int style;		/* yaml_scalar_style_t for scalars */
	struct saker_loc loc;
	uint32_t index;		/* byte offset of the node in the file */
	uint32_t len;
	uint32_t n;
	char *s;		/* scalar value */
	struct saker_ynode **kids;	/* map: key, value, key, value ... */
};

/* Parses every document of buf into *docs; 0 or -EINVAL with a diagnostic. */
int saker_yaml_parse(struct saker_loader *ld, int file,
		     struct saker_vec *docs);
const struct saker_ynode *saker_ymap_get(const struct saker_ynode *map,
					 const char *key);

/* ---- condition text and its source mapping ---- */
struct saker_frag {
	size_t off, len;	/* in the joined text */
	struct saker_loc loc;	/* where the scalar starts */
	size_t index;		/* its byte offset in the file */
	int style;
};

struct saker_text {
	char *s;
	size_t len;
	struct saker_frag *frags;
	size_t nfrags;
	/* text made from base (rules_subst.c): map[i] is i's offset in base */
	size_t *map;
	const struct saker_text *base;
};

void saker_text_set(struct saker_loader *ld, struct saker_text *t,
		    const struct saker_ynode *n);
void saker_text_append(struct saker_loader *ld, struct saker_text *t,
		       const struct saker_ynode *n);
struct saker_loc saker_text_loc(const struct saker_loader *ld,
				const struct saker_text *t, size_t off);

/* ---- AST ---- */
struct saker_fexpr {
	const char *field;	/* "proc.aname[2]" */
	size_t pos;		/* offset in the condition text */
	uint8_t xf[SAKER_XF_MAX];	/* innermost first */
	uint8_t nxf;
	const char *unsupported;	/* valid in Falco, not in saker: skip */
	const char *bad;		/* parsed, but an error at compile time */
};

struct saker_litem {
	const char *s;
	size_t len;
	bool quoted;
	size_t pos;
};

enum saker_ast_kind {
	SAKER_A_AND, SAKER_A_OR, SAKER_A_NOT, SAKER_A_CMP, SAKER_A_MACRO,
	SAKER_A_BOOL,
};

enum saker_rhs_kind { SAKER_R_NONE, SAKER_R_VALUE, SAKER_R_LIST, SAKER_R_FIELD };

struct saker_ast {
	enum saker_ast_kind kind;
	bool linted;		/* its warnings were given (macros are shared) */
	size_t pos;
	const struct saker_text *text;	/* for error positions */
	union {
		struct {
			struct saker_ast **kids;
			size_t n;
		};
		struct {
			struct saker_fexpr lhs;
			enum saker_op op;
			enum saker_mod mod;
			enum saker_rhs_kind rkind;
			struct saker_litem *items;	/* VALUE: 1, LIST: n */
			size_t nitems;
			struct saker_fexpr rfield;
		} cmp;
		struct {
			const char *name;
		} macro;
		bool value;
	};
};

/* Parses a condition; NULL with a diagnostic on error. */
struct saker_ast *saker_cond_parse(struct saker_loader *ld,
				   const struct saker_text *t, const char *what);
/* The same without any diagnostic: for rules saker does not compile. */
struct saker_ast *saker_cond_parse_quiet(struct saker_arena *arena,
					 const struct saker_text *t);
/* Parses "proc.aname[2]" or "tolower(fd.name)" for exceptions. */
int saker_fexpr_parse(struct saker_arena *arena, const char *s,
		      struct saker_fexpr *out);

/* ---- lexer (rules_lex.c): each measures a token class at pos ---- */
struct saker_qstr {
	const char *s;		/* unescaped, NUL-terminated, in the arena */
	size_t len;
	size_t end;		/* past the closing quote */
	const char *err;	/* why it is malformed */
	size_t err_pos;
};

bool saker_lex_is_blank(char c);
size_t saker_lex_blank(const char *s, size_t len, size_t pos);
size_t saker_lex_ident(const char *s, size_t len, size_t pos);
size_t saker_lex_fieldname(const char *s, size_t len, size_t pos);
size_t saker_lex_barestr(const char *s, size_t len, size_t pos);
size_t saker_lex_fieldarg(const char *s, size_t len, size_t pos);
size_t saker_lex_number(const char *s, size_t len, size_t pos);
/* A '- or "-quoted string at pos; 0, or -EINVAL with q->err, -ENOMEM. */
int saker_lex_quoted(struct saker_arena *arena, const char *s, size_t len,
		     size_t pos, struct saker_qstr *q);
const struct saker_opdef *saker_lex_op(const char *s, size_t len, size_t pos,
				       size_t *end);
/* "name(" at pos: an enum saker_xform, SAKER_XF_VAL/UNSUPPORTED, or 0. */
int saker_lex_xform(const char *s, size_t len, size_t pos, size_t *end);

/* ---- definitions, as loaded ---- */
struct saker_cnode;
struct saker_template;

struct saker_list_def {
	const char *name;
	struct saker_loc loc;
	struct saker_litem *items;	/* as written: substituted as text */
	size_t n;
	bool used;
	size_t index;		/* when first defined; lists, macros, rules count together */
	size_t vis;		/* Falco's visibility: item count at its last definition */
};

struct saker_macro_def {
	const char *name;
	struct saker_loc loc;
	struct saker_text cond;
	struct saker_ast *ast;	/* parsed at compile time */
	struct saker_cnode *compiled;
	int state;		/* 0 new, 1 compiling, 2 done, -1 failed */
	const char *why;	/* its first parse error, for the rules that use it */
	int file;
	bool used;
	bool walking;		/* being walked: a loop guard */
	bool refs_checked;	/* its macro references were resolved */
	size_t index, vis;	/* as for lists: what it may refer to */
};

struct saker_exc_def {
	const char *name;
	struct saker_loc loc;
	const struct saker_ynode *fields;	/* scalar or seq */
	const struct saker_ynode *comps;	/* scalar, seq or NULL */
	struct saker_vec values;		/* ynode tuples */
};

struct saker_rule_def {
	struct saker_rule_info info;
	struct saker_loc loc;
	int file;
	struct saker_text cond;
	struct saker_text output;
	bool has_cond;
	bool skip_unknown;
	bool warn_evttypes;
	struct saker_vec tags;
	struct saker_vec excs;	/* struct saker_exc_def * */
	/* set by the compiler (rules_compile.c) */
	struct saker_cnode *compiled;
	struct saker_template *tpl;	/* the output, split (template.c) */
	const char *out_skip;		/* why the output skips the rule */
	uint32_t evmask;
};

/* Lists substituted into t, as Falco does; t itself if none; NULL: ENOMEM. */
const struct saker_text *saker_subst_lists(struct saker_loader *ld,
					   const struct saker_text *t);
/* An exception as the condition text Falco builds; NULL with *err. */
const char *saker_exc_text(struct saker_loader *ld, const struct saker_exc_def *x,
			   const char **err);

/* Loader entry for one file's contents (rules_load.c). */
int saker_load_file_buf(struct saker_loader *ld, int file);
/* Frees a rule's exceptions' value lists and empties its list (rules_load.c). */
void saker_rule_excs_release(struct saker_rule_def *r);

#endif /* SAKER_RULES_LOADER_H */
