/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evaluator's open prefilter (rules_prefilter.c): for an open event,
 * the rules of its type that can match it, from each rule's own open
 * filter (rules_kfilter.c), so that an open of a path no rule watches
 * skips the conditions of every rule that watches paths.
 */
#ifndef SAKER_RULES_PREFILTER_H
#define SAKER_RULES_PREFILTER_H

#include "lib/kfilter.h"
#include "program.h"

struct saker_prefilter;

/*
 * Rule r's own open filter for the event types in evmask: what
 * saker_engine_kfilter() derives for the rule alone, kf->none when it may
 * match any open. 0 or -ENOMEM; saker_kfilter_release() frees it.
 */
int saker_kfilter_rule(const struct saker_program *pg, const struct saker_prog_rule *r,
		       uint32_t evmask, struct saker_kfilter *kf);

/* Fills pg->pre[] for the open event types; 0 or -ENOMEM. */
int saker_prefilter_build(struct saker_program *pg);
/* Words of the largest candidate bitmap (the event type with most rules). */
size_t saker_prefilter_words(const struct saker_program *pg);
/*
 * Bit i of out (saker_prefilter_words() words) set when rule i of the
 * event's type may match ev; false when every rule may (not an open).
 */
bool saker_prefilter_rules(const struct saker_prefilter *pf, const struct saker_event *ev,
			   uint64_t *out);

/*
 * The key prefilter (rules_prekey.c): per event type, the rules that need a
 * string field to equal one of some values, by value. Fills pg->prekey[].
 */
struct saker_prekey;
struct saker_evctx;
int saker_prekey_build(struct saker_program *pg);
/*
 * Clears in cand the rules keyed on a value the event's field does not have;
 * cand has room for twice the type's words (the second half is scratch).
 */
void saker_prekey_apply(const struct saker_prekey *pk, struct saker_evctx *cx, uint64_t *cand);

/* Puts the kids of every and/or in order of estimated cost (rules_order.c). */
void saker_order_conditions(struct saker_program *pg);

#endif /* SAKER_RULES_PREFILTER_H */
