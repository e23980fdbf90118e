/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replaying recorded events through the rule engine: capture files
 * (sakerctl trace --write: "SAKERCAP" header, then ring records) and
 * JSON-lines files (the sakerctl trace JSON format). This is how rules are
 * tested without a kernel. Events keep the wall-clock time they had: a
 * capture's header anchor, a JSON line's "time"; without either, this
 * host's anchor is used (docs/daemon.md, "Time").
 */
#ifndef SAKER_REPLAY_H
#define SAKER_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rules.h"

#define SAKER_REPLAY_ERRLEN 256	/* a line's or a record's reason */

struct saker_replay_stats {
	uint64_t events;	/* records run through the rules */
	uint64_t bad;		/* lines or records that could not be read */
	uint64_t alerts;
	uint64_t filtered;	/* events the open filter left out */
	char error[SAKER_REPLAY_ERRLEN];	/* why the run failed, naming the file */
};

/* Container metadata learned from JSON events, served to the engine. */
struct saker_meta_store;

struct saker_meta_store *saker_meta_store_new(void);
void saker_meta_store_free(struct saker_meta_store *ms);
int saker_meta_store_put(struct saker_meta_store *ms, const char *id,
			 const struct saker_container_meta *m);
void saker_meta_store_provider(struct saker_meta_store *ms,
			       struct saker_meta_provider *out);

/*
 * One JSON event line -> a record in buf (8-byte aligned, size bytes).
 * Container metadata found in the line goes to ms (may be NULL).
 * Returns the record length, or -EINVAL with the reason in err: jansson's
 * (with the column) for invalid JSON, or the key of a wrong type or out of
 * range ("\"pid\": expected an integer, got a string").
 */
long saker_json_to_record(const char *line, size_t len, void *buf, size_t size,
			  struct saker_meta_store *ms, char *err, size_t errlen);
/* The same, and the line's "time" (wall-clock ns since the epoch) in
 * *time_ns, 0 when it has none (time_ns may be NULL). */
long saker_json_to_record_time(const char *line, size_t len, void *buf,
			       size_t size, struct saker_meta_store *ms,
			       uint64_t *time_ns, char *err, size_t errlen);

/*
 * Runs a whole regular file through e (a process table is made for the
 * run). 0, or -errno with st->error naming the file and what is wrong:
 * the open's errno, -EINVAL for anything but a regular file or a bad
 * capture header, -EPROTO for another ABI, -EBADMSG for a corrupt or
 * truncated capture record (the events before it were run) or for JSON
 * lines that could not be read (each is logged; the others were run).
 */
/* kf, when not NULL: the module's open filter, applied to every event. */
int saker_replay_file(struct saker_engine *e, const char *path,
		      const struct saker_kfilter *kf,
		      saker_alert_fn fn, void *arg, struct saker_replay_stats *st);

#endif /* SAKER_REPLAY_H */
