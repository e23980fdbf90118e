/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler's entry points: from the rules as loaded (loader.h) to the
 * program (program.h). rules_compile.c compiles conditions and fills the
 * rule table; template.c splits outputs.
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

#endif /* SAKER_RULES_COMPILE_H */
