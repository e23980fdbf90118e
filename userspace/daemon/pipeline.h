/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One record through the pipeline, after the ring and the merge:
 *
 *   decode (lib/decode.c) -> track pre (track.c) -> rules (rules/rules_engine.c)
 *     -> alerts (alerts.c, through the alert callback) -> track post (track.c)
 *
 * The same step serves the live daemon (loop.c, records from the merge) and
 * the replay (replay.c, records from a capture or JSON lines), so a rule
 * test sees exactly what sakerd sees. docs/architecture.md.
 */
#ifndef SAKER_PIPELINE_H
#define SAKER_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/event.h"
#include "lib/kfilter.h"
#include "rules/rules.h"
#include "track.h"

struct saker_pipeline {
	struct saker_track *track;	/* not owned */
	struct saker_engine *engine;	/* not owned; saker_pipeline_set_engine() */
	saker_alert_fn alert;		/* each match, with alert_arg */
	void *alert_arg;
	/* realtime - monotonic (lib/clock.h): each event's time_ns, set once
	 * here so that every alert of the event carries the same time. */
	int64_t clock_offset_ns;
	uint64_t events[SAKER_REC_TYPE_MAX];	/* decoded, per record type */
	uint64_t own_events;	/* from sakerd's own children: rules skipped */
	uint64_t decode_errors;
	/* execs whose argv / environment the module cut (rules see a prefix) */
	uint64_t args_truncated, env_truncated, env_unreadable;
	uint64_t alerts;	/* matches the rules reported */
	/* The module's open filter applied here (replay only), and what it left out. */
	const struct saker_kfilter *kfilter;
	uint64_t filtered;
};

/* Makes e the rules step, reading the track's table and metadata. */
void saker_pipeline_set_engine(struct saker_pipeline *p, struct saker_engine *e);

/*
 * Decodes the record (8-byte aligned, len bytes) once, stamps its wall-clock
 * time (clock_offset_ns) and runs it through saker_pipeline_event(). Returns the number of alerts (0 also for a pad
 * or a type from a newer ABI, skipped), or -EBADMSG (counted in decode_errors,
 * *why says what is wrong) when it does not decode.
 */
int saker_pipeline_record(struct saker_pipeline *p, const void *rec, size_t len,
			  const char **why);
/* track pre -> rules -> track post for a decoded event (its time_ns as
 * the caller set it); the alert count. */
int saker_pipeline_event(struct saker_pipeline *p, const struct saker_event *ev);

#endif /* SAKER_PIPELINE_H */
