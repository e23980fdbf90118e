/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evaluation of one event against the program: values, the per-event
 * field cache, the per-event context (event, process table view, metadata
 * provider, scratch), field extraction (fields.c), condition evaluation
 * (rules_eval.c) and output formatting (template.c).
 */
#ifndef SAKER_RULES_EVAL_H
#define SAKER_RULES_EVAL_H

#include "track/meta.h"
#include "program.h"

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

struct saker_cache_ent {
	uint32_t gen;
	int rc;
	struct saker_val v;
	uint32_t hgen;		/* hash valid for this generation */
	uint64_t hash;
};

struct saker_proc;
struct saker_proctable;

/* Bytes of saker_alert_field()'s rendered string, NUL included. */
#define SAKER_VALBUF_SIZE 4096

/* Everything one event's evaluation reads or fills; nothing else changes. */
struct saker_evctx {
	const struct saker_program *prog;
	const struct saker_proctable *procs;	/* read only; may be NULL */
	const struct saker_meta_provider *provider;	/* may be NULL */
	const struct saker_event *ev;
	int evtype;
	uint32_t gen;
	uint64_t evnum;
	uint64_t first_ts_ns;	/* the first event's, for evt.reltime */
	struct saker_cache_ent *cache;	/* one per slot, and one spare */
	const struct saker_proc *proc;
	bool proc_done;
	char *scratch;
	size_t scratch_used, scratch_cap;
	const char *cid;	/* container id, cached */
	int cid_rc;		/* 1 unknown yet, 0 found, -ENOENT */
	struct saker_container_meta meta;
	int meta_rc;		/* 1 not looked up yet */
	char *valbuf;		/* saker_alert_field()'s rendered string */
	uint64_t *cand;		/* the prefilter's rules for this event */
};

/* Scratch memory that lives for one event; NULL when full. */
char *saker_scratch(struct saker_evctx *cx, size_t n);
int saker_field_extract(struct saker_evctx *cx, const struct saker_field_def *def,
			int arg, const char *sarg, struct saker_val *out);
int saker_slot_get(struct saker_evctx *cx, int slot, const struct saker_val **out);
bool saker_cnode_eval(struct saker_evctx *cx, const struct saker_cnode *c);
/* Does h (hl bytes) contain n (nl bytes)? The contains operator. */
bool saker_str_contains(const char *h, size_t hl, const char *n, size_t nl);

/* ---- output template (template.c) ---- */
/* Formats into the scratch of cx; returns the NUL-terminated text. */
const char *saker_template_format(struct saker_evctx *cx,
				  const struct saker_template *o);
size_t saker_template_nfields(const struct saker_template *o);
int saker_template_field(struct saker_evctx *cx, const struct saker_template *o,
			 size_t i, const char **name, const struct saker_val **v,
			 enum saker_ftype *type, uint8_t *flags);
/* Renders a value as Falco prints it; returns bytes written (<size). */
size_t saker_val_render(const struct saker_val *v, uint8_t type, char *buf,
			size_t size);

#endif /* SAKER_RULES_EVAL_H */
