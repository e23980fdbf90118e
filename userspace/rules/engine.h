/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct saker_engine (rules.h's opaque handle): one part per stage, so
 * each stage's code takes only the part it works on. The loader state
 * (loader.h), the compiled program (program.h) and the per-event context
 * (eval.h) share one arena that lives as long as the engine.
 */
#ifndef SAKER_RULES_ENGINE_H
#define SAKER_RULES_ENGINE_H

#include "loader.h"
#include "eval.h"

/* Per-event scratch for transformed values, allocated at compile. */
#define SAKER_ENGINE_SCRATCH (256 * 1024)

struct saker_engine {
	struct saker_arena arena;
	struct saker_loader load;	/* files, lists, macros, rules, diagnostics */
	struct saker_program prog;	/* rule table by event type, slots */
	struct saker_evctx cx;		/* the event being evaluated */
	bool compiled;
};

#endif /* SAKER_RULES_ENGINE_H */
