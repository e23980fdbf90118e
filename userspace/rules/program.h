/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiled program: event types (evttypes.c), the field catalog
 * (field_table.c), field slots, compiled condition nodes with their sets,
 * tries and regexes (rules_compile.c, rules_eval.c), and the rule table
 * indexed by event type. Built once by the compiler (compile.h), read only
 * while events are evaluated (eval.h). No YAML, no AST.
 */
#ifndef SAKER_RULES_PROGRAM_H
#define SAKER_RULES_PROGRAM_H

#include <regex.h>

#include "rules.h"
#include "mem.h"
#include "ops.h"

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
/* "execve,execveat" for a mask, "all" for SAKER_ET_ALL; NULL when out of memory. */
const char *saker_evtype_mask_names(struct saker_arena *a, uint32_t m);

/* ---- fields ---- */
enum saker_ftype { SAKER_FT_STR, SAKER_FT_NUM, SAKER_FT_BOOL, SAKER_FT_STRLIST };

#define SAKER_FF_INDEX		(1u << 0)	/* takes [N] */
#define SAKER_FF_UNAVAILABLE	(1u << 1)	/* known Falco field saker lacks */
#define SAKER_FF_LIST_NOIDX	(1u << 2)	/* without [N]: a list */
#define SAKER_FF_ANYARG		(1u << 3)	/* takes [any text] */
#define SAKER_FF_SKIP		(1u << 4)	/* unavailable: rules using it are skipped */
#define SAKER_FF_PAD9		(1u << 5)	/* printed %09, libsinsp's PF_10_PADDED_DEC */
#define SAKER_FF_JSON_TIME	(1u << 6)	/* output_fields: evt.rawtime, as libsinsp's JSON */

struct saker_field_def {
	const char *name;
	uint8_t type;
	uint8_t flags;
	uint16_t id;
	const char *desc;
};

/* Resolves "proc.aname[2]": def and arg (-1 when no index). */
const struct saker_field_def *saker_field_lookup(const char *name, int *arg);
/* The Falco field an unknown name probably means, or NULL. */
const char *saker_field_hint(const char *name);

/* A field (maybe transformed) the program reads: one cache entry per event. */
struct saker_slot {
	const struct saker_field_def *def;
	int arg;
	const char *sarg;	/* text of an ANYARG field's [...], else NULL */
	uint8_t xf[SAKER_XF_MAX];
	uint8_t nxf;
	int base;		/* slot of the untransformed field, -1 if none */
	uint8_t rtype;		/* enum saker_ftype of the result */
	const char *text;	/* canonical text, for output_fields */
};

/* ---- compiled conditions ---- */
enum saker_cnode_kind {
	SAKER_C_AND, SAKER_C_OR, SAKER_C_NOT, SAKER_C_CMP, SAKER_C_TRUE,
	SAKER_C_FALSE,
	SAKER_C_ONE,	/* exactly one kid holds: the oneof modifier */
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
	uint16_t cost;		/* estimated evaluation cost, 0 until rules_order.c sets it */
	uint32_t n;
	union {
		struct saker_cnode **kids;
		struct saker_cmp *cmp;
	};
};

bool saker_strset_has(const struct saker_strset *set, const char *s, size_t len);
bool saker_strset_has_h(const struct saker_strset *set, const char *s, size_t len,
			uint64_t h);
int saker_strset_add(struct saker_arena *a, struct saker_strset *set,
		     const char *s, size_t len);
/* Room for n keys before the first add: no outgrown tables left behind. */
int saker_strset_reserve(struct saker_arena *a, struct saker_strset *set, size_t n);
int saker_pmatch_add(struct saker_arena *a, struct saker_pnode **root,
		     const char *s, size_t len);
bool saker_pmatch_has(const struct saker_pnode *root, const char *s, size_t len);
/*
 * fn for each literal prefix a path must start with to match a pattern of
 * root: the pattern itself, or what comes before its first glob component
 * ("" for the pattern "/"). Stops at fn's first non-zero return.
 */
int saker_pmatch_prefixes(const struct saker_pnode *root,
			  int (*fn)(void *arg, const char *prefix, size_t len), void *arg);
struct saker_evctx;
/* fnmatch(3) without flags, as libsinsp's glob; icase for iglob. */
bool saker_glob_match(struct saker_evctx *cx, const char *pat, size_t plen,
		      const char *s, size_t slen, bool icase);

/* ---- the rule table ---- */
struct saker_template;

/* An active rule as evaluated: what it tests and what its alert says. */
struct saker_prog_rule {
	const struct saker_rule_info *info;
	const struct saker_cnode *cond;
	const struct saker_template *tpl;
};

struct saker_program {
	struct saker_arena *arena;	/* the engine's */
	enum saker_match_mode mode;
	enum saker_prio min_prio;
	/* -p: text added to every rule's output (saker_engine_set_output_append) */
	const char *output_append;
	bool append_replaces_info;
	struct saker_vec slots;		/* struct saker_slot * */
	struct saker_vec regexes;	/* regex_t *, to regfree */
	struct saker_strmap slot_by_text;
	/* per event type, the rules that can match it, in load order */
	struct saker_prog_rule *index[SAKER_ET_COUNT];
	size_t nindex[SAKER_ET_COUNT];
	/* per open event type, which of its rules an open can match (prefilter.h) */
	struct saker_prefilter *pre[SAKER_ET_COUNT];
	/* per event type, its rules by the value of a field they need (prefilter.h) */
	struct saker_prekey *prekey[SAKER_ET_COUNT];
};

#endif /* SAKER_RULES_PROGRAM_H */
