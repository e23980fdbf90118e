/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule engine: loads Falco-format YAML rules, compiles them into a rule
 * table indexed by event type, and evaluates decoded events against it.
 * docs/rules-engine.md describes the design and the field reference.
 */
#ifndef SAKER_RULES_H
#define SAKER_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/event.h"
#include "track/meta.h"

/* The Falco rules engine version whose rule files saker accepts. */
#define SAKER_ENGINE_COMPAT_VERSION "0.57.0"

enum saker_prio {
	SAKER_PRIO_EMERGENCY = 0,
	SAKER_PRIO_ALERT,
	SAKER_PRIO_CRITICAL,
	SAKER_PRIO_ERROR,
	SAKER_PRIO_WARNING,
	SAKER_PRIO_NOTICE,
	SAKER_PRIO_INFORMATIONAL,
	SAKER_PRIO_DEBUG,
};

enum saker_match_mode {
	SAKER_MATCH_FIRST = 0,	/* only the first matching rule alerts */
	SAKER_MATCH_ALL,
};

enum saker_rule_state {
	SAKER_RULE_ACTIVE = 0,
	SAKER_RULE_DISABLED,	/* enabled: false */
	SAKER_RULE_BELOW_PRIO,	/* below the minimum priority */
	SAKER_RULE_SKIPPED,	/* reason says why: events, source, field */
	SAKER_RULE_ERROR,	/* did not compile; see the diagnostics */
};

struct saker_rule_info {
	const char *name;
	const char *desc;
	const char *source;
	const char *file;	/* where it was (last) defined */
	unsigned int line;
	enum saker_prio priority;
	enum saker_rule_state state;
	const char *reason;	/* for SKIPPED, else NULL */
	const char *evttypes;	/* "execve,execveat" or "all" */
	const char *const *tags;
	size_t ntags;
};

struct saker_alert {
	const struct saker_rule_info *rule;
	const struct saker_event *ev;
	const char *output;	/* formatted, valid during the callback */
	void *fields;		/* opaque: saker_alert_field() reads it */
};

typedef void (*saker_alert_fn)(void *arg, const struct saker_alert *a);

struct saker_engine;
struct saker_proctable;

struct saker_engine *saker_engine_new(void);
void saker_engine_free(struct saker_engine *e);

/*
 * Loading: a file, a directory (its .yaml and .yml files, sorted), a buffer.
 * A path that is not a regular file or a directory is an E-IO error; in a
 * directory, such an entry is skipped with a W-NOT-REGULAR warning.
 */
int saker_engine_load_path(struct saker_engine *e, const char *path);
int saker_engine_load_buffer(struct saker_engine *e, const char *name,
			     const char *buf, size_t len);
void saker_engine_set_match_mode(struct saker_engine *e, enum saker_match_mode m);
void saker_engine_set_min_priority(struct saker_engine *e, enum saker_prio p);
/*
 * Falco's -p: fmt (kept by the caller until compiled) is appended to every
 * rule's output, after a space; with replace_info, an output that holds
 * %container.info gets fmt in its place instead. NULL: none.
 */
void saker_engine_set_output_append(struct saker_engine *e, const char *fmt,
				    bool replace_info);
/* Builds the rule table; 0, or -EINVAL when any error was reported. */
int saker_engine_compile(struct saker_engine *e);

size_t saker_engine_error_count(const struct saker_engine *e);
size_t saker_engine_warning_count(const struct saker_engine *e);
void saker_engine_print_diags(const struct saker_engine *e, FILE *out);
/*
 * The first error as saker_engine_print_diags() prints its first line,
 * "file:line:col: error E-CODE: message", in buf (len bytes, truncated);
 * buf, or NULL when there is no error.
 */
const char *saker_engine_first_error(const struct saker_engine *e, char *buf,
				     size_t len);
/* i-th diagnostic's code ("E-SYNTAX"...), NULL past the end; for tests. */
const char *saker_engine_diag_code(const struct saker_engine *e, size_t i,
				   bool *is_error, unsigned int *line,
				   unsigned int *col);

size_t saker_engine_rule_count(const struct saker_engine *e);
const struct saker_rule_info *saker_engine_rule(const struct saker_engine *e,
						size_t i);

/*
 * The module's open filter for the compiled rules (rules_kfilter.c): every
 * open any active rule could match is kept. kf->none when no filter can
 * be proved narrower than "every open", with kf->why. 0 or -ENOMEM;
 * saker_kfilter_release() frees it either way.
 */
struct saker_kfilter;
int saker_engine_kfilter(const struct saker_engine *e, struct saker_kfilter *kf);

/*
 * Process context for proc.pname/aname..., container metadata: optional,
 * read only. Whoever sets them keeps them up to date (daemon/track.c).
 */
void saker_engine_set_proctable(struct saker_engine *e, const struct saker_proctable *pt);
void saker_engine_set_meta(struct saker_engine *e, const struct saker_meta_provider *m);

/*
 * Evaluates one event against the process table and metadata as they are
 * (the caller applies fork/exec before and exit after: daemon/track.c);
 * calls fn for each alert. Changes nothing but the engine's own evaluation
 * state. Returns the number of alerts.
 */
int saker_engine_process(struct saker_engine *e, const struct saker_event *ev,
			 saker_alert_fn fn, void *arg);

/* A typed value of an alert's output field, for JSON output_fields. */
enum saker_value_kind {
	SAKER_VALUE_MISSING = 0,	/* the event lacks the field */
	SAKER_VALUE_STR,
	SAKER_VALUE_NUM,
	SAKER_VALUE_BOOL,
};

struct saker_value {
	enum saker_value_kind kind;
	size_t len;		/* STR: bytes at str, not NUL-terminated */
	union {
		const char *str;	/* control bytes shown as '.', as in the output */
		int64_t num;
		bool b;
	};
};

/* The fields the rule's output names. */
size_t saker_alert_nfields(const struct saker_alert *a);
/*
 * i-th output field's name and value: 0, or -ENOENT past the end. A string
 * is valid until the next call or the end of the alert callback.
 */
int saker_alert_field(const struct saker_alert *a, size_t i, const char **name,
		      struct saker_value *v);

const char *saker_prio_name(enum saker_prio p);
int saker_prio_parse(const char *s, enum saker_prio *out);

/* Field catalog for --list-fields. */
void saker_fields_print(FILE *out);

#endif /* SAKER_RULES_H */
