/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler's entry points: from the rules as loaded (loader.h) to the
 * program (program.h). rules_compile.c compiles conditions and fills the
 * rule table; template.c splits outputs; rules_lint.c gives Falco's
 * warnings about rules that load.
 */
#ifndef SAKER_RULES_COMPILE_H
#define SAKER_RULES_COMPILE_H

#include "loader.h"
#include "program.h"

/* Compiles every loaded rule and builds the table; 0 or -ENOMEM. */
int saker_compile_rules(struct saker_loader *ld, struct saker_program *pg);
/* Finds or adds the slot for a field expression; -errno. */
int saker_slot_intern(struct saker_program *pg, const struct saker_fexpr *fx,
		      const struct saker_field_def *def, int arg);
/* Splits the rule's output into literals and slots; NULL when out of memory. */
struct saker_template *saker_template_compile(struct saker_loader *ld,
					      struct saker_program *pg,
					      struct saker_rule_def *r);

/* Falco's warnings about a condition that compiles (rules_lint.c); macros it uses are marked used. */
void saker_lint_condition(struct saker_loader *ld, const char *what, struct saker_ast *ast);
/* Marks the macros ast reaches used, without warnings (rules saker does not compile). */
void saker_lint_mark_macros(struct saker_loader *ld, const struct saker_ast *a, int depth);
/* Deprecated fields named in a rule's output. */
void saker_lint_output(struct saker_loader *ld, const struct saker_rule_def *r);
/* Lists and macros nothing uses; call once every rule is compiled. */
void saker_lint_unused(struct saker_loader *ld);

#endif /* SAKER_RULES_COMPILE_H */
