/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The track step of the pipeline: the one owner of the process table and
 * of the container metadata the rules read. The loop calls it around the
 * rules: saker_track_pre() (fork, exec) before, saker_track_post() (exit)
 * after; the rule engine only reads what it keeps. docs/daemon.md.
 */
#ifndef SAKER_TRACK_H
#define SAKER_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/event.h"
#include "rules/rules.h"
#include "track/containers.h"
#include "track/meta.h"
#include "track/proctable.h"

struct saker_track {
	struct saker_proctable *pt;
	struct saker_containers *ctrs;	/* runtime state files; NULL: none */
	struct saker_meta_provider meta;	/* served to the rules */
	const struct saker_meta_provider *meta_in_use;	/* &meta, another, NULL */
	pid_t self;		/* sakerd: its children's events skip the rules; 0 none */
};

/*
 * A process table of max_procs entries (0: the default) and, when cc is not
 * NULL, the container state file cache as metadata provider. 0 or -ENOMEM.
 */
int saker_track_init(struct saker_track *t, size_t max_procs,
		     const struct saker_containers_config *cc, pid_t self);
void saker_track_fini(struct saker_track *t);
/* Another metadata provider (the replay's store), or NULL for none. */
void saker_track_set_meta(struct saker_track *t, const struct saker_meta_provider *m);
/* Makes e read this table and metadata; e never changes them. */
void saker_track_bind(const struct saker_track *t, struct saker_engine *e);

/* Whether ev comes from sakerd's own descendants (up to 4 levels). */
bool saker_track_own(const struct saker_track *t, const struct saker_event *ev);
/* Before the rules: a fork or exec enters the table. */
void saker_track_pre(struct saker_track *t, const struct saker_event *ev);
/* After the rules: the exit of a process's last thread removes it. */
void saker_track_post(struct saker_track *t, const struct saker_event *ev);

#endif /* SAKER_TRACK_H */
