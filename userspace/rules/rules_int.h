/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule engine internals shared by rules_*.c, fields.c and template.c. Not a
 * public interface: rules.h is.
 */
#ifndef SAKER_RULES_INT_H
#define SAKER_RULES_INT_H

#include <regex.h>
#include <stdarg.h>

#include "rules.h"

/* ---- memory: a bump arena that lives as long as the engine ---- */
struct saker_arena {
	struct saker_arena_chunk *head;
};

void *saker_arena_alloc(struct saker_arena *a, size_t size);
char *saker_arena_strndup(struct saker_arena *a, const char *s, size_t n);
char *saker_arena_strdup(struct saker_arena *a, const char *s);
char *saker_arena_printf(struct saker_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void saker_arena_release(struct saker_arena *a);

/* A growable array of pointers. */
struct saker_vec {
	void **v;
	size_t n, cap;
};

int saker_vec_push(struct saker_vec *vec, void *p);
void saker_vec_release(struct saker_vec *vec);

/* String -> pointer map, open addressing; keys are not copied. */
struct saker_strmap {
	struct saker_strmap_slot *slots;
	size_t n, cap;
};

uint64_t saker_hash_bytes(const void *p, size_t len);
int saker_strmap_put(struct saker_strmap *m, const char *key, size_t klen,
		     void *val);
void *saker_strmap_get(const struct saker_strmap *m, const char *key,
		       size_t klen);
void saker_strmap_release(struct saker_strmap *m);

/* ---- diagnostics ---- */
struct saker_srcfile {
	char *name;
	char *buf;		/* whole file, NUL-terminated */
	size_t len;
	bool failed;		/* an error stopped this file */
};

struct saker_loc {
	int file;		/* index in engine->files, -1 if none */
	unsigned int line;	/* 1-based */
	unsigned int col;	/* 1-based */
};

struct saker_diag {
	bool error;
	const char *code;
	struct saker_loc loc;
	char *msg;
};

void saker_diag(struct saker_engine *e, bool error, const char *code,
		struct saker_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ---- YAML tree ---- */
enum saker_ynode_type { SAKER_Y_SCALAR, SAKER_Y_SEQ, SAKER_Y_MAP, SAKER_Y_NULL };

struct saker_ynode {
	enum saker_ynode_type type;
	int style;		/* yaml_scalar_style_t for scalars */
	struct saker_loc loc;
	size_t index;		/* byte offset of the node in the file */
	char *s;		/* scalar value */
	size_t len;
	struct saker_ynode **kids;	/* map: key, value, key, value ... */
	size_t n;
};

/* Parses every document of buf into *docs; 0 or -EINVAL with a diagnostic. */
int saker_yaml_parse(struct saker_engine *e, int file,
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
};

void saker_text_set(struct saker_engine *e, struct saker_text *t,
		    const struct saker_ynode *n);
void saker_text_append(struct saker_engine *e, struct saker_text *t,
		       const struct saker_ynode *n);
struct saker_loc saker_text_loc(const struct saker_engine *e,
				const struct saker_text *t, size_t off);

/* ---- AST ---- */
enum saker_op {
	SAKER_OP_NONE = 0,
	SAKER_OP_EQ, SAKER_OP_NE, SAKER_OP_LT, SAKER_OP_LE, SAKER_OP_GT,
	SAKER_OP_GE, SAKER_OP_CONTAINS, SAKER_OP_ICONTAINS,
	SAKER_OP_STARTSWITH, SAKER_OP_ENDSWITH, SAKER_OP_GLOB, SAKER_OP_IN,
	SAKER_OP_INTERSECTS, SAKER_OP_PMATCH, SAKER_OP_EXISTS, SAKER_OP_REGEX,
	SAKER_OP_EVTMASK,	/* compiled evt.type test: a bit mask */
};

enum saker_xform {
	SAKER_XF_NONE = 0,
	SAKER_XF_TOLOWER, SAKER_XF_TOUPPER, SAKER_XF_BASENAME, SAKER_XF_LEN,
	SAKER_XF_B64,
};

#define SAKER_XF_MAX 4

struct saker_fexpr {
	const char *field;	/* "proc.aname[2]" */
	size_t pos;		/* offset in the condition text */
	uint8_t xf[SAKER_XF_MAX];	/* innermost first */
	uint8_t nxf;
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
struct saker_ast *saker_cond_parse(struct saker_engine *e,
				   const struct saker_text *t, const char *what);
/* Parses "proc.aname[2]" or "tolower(fd.name)" for exceptions. */
int saker_fexpr_parse(struct saker_arena *arena, const char *s,
		      struct saker_fexpr *out);

/* Lexer */
enum saker_tok_kind {
	SAKER_T_END, SAKER_T_LPAREN, SAKER_T_RPAREN, SAKER_T_COMMA,
	SAKER_T_OP, SAKER_T_WORD, SAKER_T_STRING, SAKER_T_ERROR,
};

struct saker_tok {
	enum saker_tok_kind kind;
	size_t pos, end;
	enum saker_op op;	/* for T_OP */
	const char *s;		/* WORD: in the text; STRING: unescaped copy */
	size_t len;
	const char *err;
};

struct saker_lexer {
	const char *s;
	size_t len, pos;
	struct saker_arena *arena;
};

void saker_lex_next(struct saker_lexer *lx, struct saker_tok *t);
enum saker_op saker_op_from_word(const char *s, size_t len);
enum saker_xform saker_xform_from_word(const char *s, size_t len);
const char *saker_op_name(enum saker_op op);

/* ---- definitions ---- */
struct saker_list_def {
	const char *name;
	struct saker_loc loc;
	struct saker_litem *items;
	size_t n;
	bool used;
	int expanding;
};

struct saker_macro_def {
	const char *name;
	struct saker_loc loc;
	struct saker_text cond;
	struct saker_ast *ast;	/* parsed at compile time */
	struct saker_cnode *compiled;
	int state;		/* 0 new, 1 compiling, 2 done, -1 failed */
	int file;
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
	struct saker_cnode *compiled;
	struct saker_template *tpl;	/* the output, split (template.c) */
	uint32_t evmask;
};

/* ---- event types ---- */
enum saker_evtype {
	SAKER_ET_EXECVE, SAKER_ET_EXECVEAT, SAKER_ET_OPEN, SAKER_ET_OPENAT,
	SAKER_ET_OPENAT2, SAKER_ET_CREAT, SAKER_ET_OPEN_BY_HANDLE_AT,
	SAKER_ET_OPEN_EXEC, SAKER_ET_USELIB, SAKER_ET_CLONE,
	SAKER_ET_PROCEXIT, SAKER_ET_COUNT
};

#define SAKER_ET_ALL ((1u << SAKER_ET_COUNT) - 1)

/* Falco event name -> saker type, -1 if saker does not capture it. */
int saker_evtype_from_name(const char *s, size_t len);
const char *saker_evtype_name(int et);
int saker_evtype_of(const struct saker_event *ev);

/* ---- values and fields ---- */
enum saker_vkind { SAKER_V_NONE = 0, SAKER_V_STR, SAKER_V_NUM, SAKER_V_LIST };

struct saker_val {
	uint8_t kind;
	uint32_t len;		/* STR: bytes; LIST: entries */
	union {
		const char *s;
		int64_t n;
		const struct saker_val *list;
	};
};

enum saker_ftype { SAKER_FT_STR, SAKER_FT_NUM, SAKER_FT_BOOL, SAKER_FT_STRLIST };

#define SAKER_FF_INDEX		(1u << 0)	/* takes [N] */
#define SAKER_FF_UNAVAILABLE	(1u << 1)	/* known Falco field saker lacks */
#define SAKER_FF_LIST_NOIDX	(1u << 2)	/* without [N]: a list */

struct saker_field_def {
	const char *name;
	uint8_t type;
	uint8_t flags;
	uint16_t id;
	const char *desc;
};

/* Resolves "proc.aname[2]": def and arg (-1 when no index). */
const struct saker_field_def *saker_field_lookup(const char *name, int *arg);

/* Per-event evaluation context. */
struct saker_slot {
	const struct saker_field_def *def;
	int arg;
	uint8_t xf[SAKER_XF_MAX];
	uint8_t nxf;
	int base;		/* slot of the untransformed field, -1 if none */
	uint8_t rtype;		/* enum saker_ftype of the result */
	const char *text;	/* canonical text, for output_fields */
};

struct saker_cache_ent {
	uint32_t gen;
	int rc;
	struct saker_val v;
	uint32_t hgen;		/* hash valid for this generation */
	uint64_t hash;
};

struct saker_proc;

struct saker_evctx {
	struct saker_engine *e;
	const struct saker_event *ev;
	int evtype;
	uint32_t gen;
	uint64_t evnum;
	struct saker_cache_ent *cache;
	const struct saker_proc *proc;
	bool proc_done;
	char *scratch;
	size_t scratch_used, scratch_cap;
	const char *cid;	/* container id, cached */
	int cid_rc;		/* 1 unknown yet, 0 found, -ENOENT */
	struct saker_container_meta meta;
	int meta_rc;		/* 1 not looked up yet */
	char valbuf[4096];	/* saker_alert_field()'s rendered string */
};

/* Scratch memory that lives for one event; NULL when full. */
char *saker_scratch(struct saker_evctx *cx, size_t n);
int saker_field_extract(struct saker_evctx *cx, const struct saker_field_def *def,
			int arg, struct saker_val *out);
int saker_slot_get(struct saker_evctx *cx, int slot, const struct saker_val **out);

/* ---- compiled rule table ---- */
enum saker_cnode_kind {
	SAKER_C_AND, SAKER_C_OR, SAKER_C_NOT, SAKER_C_CMP, SAKER_C_TRUE,
	SAKER_C_FALSE,
};

struct saker_strset {
	uint64_t *hashes;
	const char **keys;
	uint32_t *lens;
	size_t cap;		/* power of two, 0 = empty set */
	size_t n;
};

struct saker_pnode;

struct saker_cmp {
	int slot;
	enum saker_op op;
	uint8_t ltype;
	/* right side */
	const char *s;
	size_t len;
	int64_t num;
	uint32_t evmask;	/* SAKER_OP_EVTMASK */
	int rslot;		/* val(field), -1 if none */
	struct saker_strset set;
	int64_t *nums;
	size_t nnums;
	struct saker_pnode *trie;
	regex_t *re;
};

struct saker_cnode {
	uint8_t kind;
	uint32_t n;
	union {
		struct saker_cnode **kids;
		struct saker_cmp *cmp;
	};
};

bool saker_cnode_eval(struct saker_evctx *cx, const struct saker_cnode *c);
bool saker_strset_has(const struct saker_strset *set, const char *s, size_t len);
bool saker_strset_has_h(const struct saker_strset *set, const char *s, size_t len,
			uint64_t h);
int saker_strset_add(struct saker_arena *a, struct saker_strset *set,
		     const char *s, size_t len);
int saker_pmatch_add(struct saker_arena *a, struct saker_pnode **root,
		     const char *s, size_t len);
bool saker_pmatch_has(const struct saker_pnode *root, const char *s, size_t len);
bool saker_glob_match(const char *pat, size_t plen, const char *s, size_t slen);

/* ---- output template (template.c) ---- */
struct saker_template;
struct saker_template *saker_template_compile(struct saker_engine *e,
					  struct saker_rule_def *r);
/* Formats into the scratch of cx; returns the NUL-terminated text. */
const char *saker_template_format(struct saker_evctx *cx,
				const struct saker_template *o);
size_t saker_template_nfields(const struct saker_template *o);
int saker_template_field(struct saker_evctx *cx, const struct saker_template *o,
		       size_t i, const char **name, const struct saker_val **v,
		       enum saker_ftype *type);
/* Renders a value as Falco prints it; returns bytes written (<size). */
size_t saker_val_render(const struct saker_val *v, uint8_t type, char *buf,
			size_t size);

/* ---- engine ---- */
struct saker_engine {
	struct saker_arena arena;
	struct saker_vec files;		/* struct saker_srcfile * */
	struct saker_vec diags;		/* struct saker_diag * */
	size_t nerrors, nwarnings;

	struct saker_strmap lists, macros, rules_by_name;
	struct saker_vec rules;		/* struct saker_rule_def *, in order */
	struct saker_vec list_defs, macro_defs;
	bool plugin_warned;

	/* compiled */
	bool compiled;
	enum saker_match_mode mode;
	enum saker_prio min_prio;
	struct saker_vec slots;		/* struct saker_slot * */
	struct saker_vec regexes;	/* regex_t *, to regfree */
	struct saker_strmap slot_by_text;
	struct saker_rule_def **index[SAKER_ET_COUNT];
	size_t nindex[SAKER_ET_COUNT];

	/* runtime */
	const struct saker_proctable *procs;
	const struct saker_meta_provider *meta;
	struct saker_evctx cx;
	uint64_t evnum;
};

/* Frees a rule's exceptions' value lists and empties its list (rules_load.c). */
void saker_rule_excs_release(struct saker_rule_def *r);
/* Loader entry for one file's contents (rules_load.c). */
int saker_load_file_buf(struct saker_engine *e, int file);
/* Finds or adds the slot for a field expression; -errno. */
int saker_slot_intern(struct saker_engine *e, const struct saker_fexpr *fx,
		      const struct saker_field_def *def, int arg);
int saker_compile_rules(struct saker_engine *e);

#endif /* SAKER_RULES_INT_H */
