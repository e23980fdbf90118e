// SPDX-License-Identifier: GPL-2.0
/*
 * Replay driver: a capture file (its "SAKERCAP" header) is read with
 * lib/capture.c's reader, anything else as JSON lines, each made a record.
 * Every event then takes the daemon's own per-record step (pipeline.c:
 * track, rules), timed through the capture's clock anchor or each JSON
 * line's own "time". Each run gets a fresh process table and metadata
 * store. Only a regular file is replayed; a corrupt or truncated capture,
 * or a JSON line that cannot be read, fails the run with the file named.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/capture.h"
#include "lib/clock.h"
#include "lib/errbuf.h"
#include "lib/event.h"
#include "lib/file.h"
#include "lib/log.h"
#include "pipeline.h"
#include "replay.h"

struct run {
	struct saker_pipeline pipe;
	struct saker_track track;
	struct saker_replay_stats *st;
	const char *path;
	int64_t host_offset_ns;	/* for events that carry no anchor */
};

/* The event through track and rules, counted. */
static void run_event(struct run *r, const struct saker_event *ev)
{
	uint64_t before = r->pipe.alerts;

	saker_pipeline_event(&r->pipe, ev);
	r->st->events++;
	r->st->alerts += r->pipe.alerts - before;
}

/* The record through decode, track and rules; false when it does not decode. */
static bool run_record(struct run *r, const void *rec, size_t len, const char **why)
{
	uint64_t before = r->pipe.alerts;

	if (saker_pipeline_record(&r->pipe, rec, len, why) < 0)
		return false;
	r->st->events++;
	r->st->alerts += r->pipe.alerts - before;
	return true;
}

/* The reader owns fd once it is open; a bad record ends the replay. */
static int replay_capture(struct run *r, int fd)
{
	struct saker_capture_reader *in;
	struct saker_event ev;
	int ret;

	ret = saker_capture_reader_fdopen(&in, fd, r->path, r->st->error,
					  sizeof(r->st->error));
	if (ret) {
		close(fd);
		return ret;
	}
	/* The reader times each event through the capture's own anchor. */
	if (!saker_capture_reader_info(in)->has_clock)
		saker_log_warnx("%s: a capture from before the clock anchor: alert "
				"times are this host's boot time plus the events' "
				"timestamps", r->path);
	while ((ret = saker_capture_next(in, &ev)) > 0)
		run_event(r, &ev);
	if (ret < 0) {
		/* "PATH: corrupt record at offset N: why", "truncated record"... */
		saker_set_err(r->st->error, sizeof(r->st->error), "%s",
			      saker_capture_reader_error(in));
		r->st->bad++;
	}
	saker_capture_reader_close(in);
	return ret;
}

static int replay_json(struct run *r, FILE *f)
{
	struct saker_meta_store *ms = saker_meta_store_new();
	struct saker_meta_provider mp;
	size_t cap = 0, bufsz = 64 * 1024;
	uint64_t *rec = malloc(bufsz);
	unsigned long lineno = 0, first_bad = 0, untimed = 0;
	char *line = NULL, first[SAKER_REPLAY_ERRLEN] = "";
	ssize_t n;
	int ret = 0;

	if (!ms || !rec) {
		ret = -ENOMEM;
		saker_set_err(r->st->error, sizeof(r->st->error), "%s: %s", r->path,
			      strerror(ENOMEM));
		goto free_all;
	}
	saker_meta_store_provider(ms, &mp);
	saker_track_set_meta(&r->track, &mp);
	saker_pipeline_set_engine(&r->pipe, r->pipe.engine);
	while ((n = getline(&line, &cap, f)) >= 0) {
		const char *why = NULL;
		char err[SAKER_REPLAY_ERRLEN];
		uint64_t time_ns;
		long len;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		len = saker_json_to_record_time(line, (size_t)n, rec, bufsz, ms,
						&time_ns, err, sizeof(err));
		if (len >= 0) {
			/* The line's own time, exactly: its anchor is time - ts. */
			if (time_ns) {
				r->pipe.clock_offset_ns =
					saker_clock_offset(time_ns, saker_record_ts(rec));
			} else {
				if (!untimed++)
					saker_log_info("%s: line %lu has no \"time\": events "
						       "without one are timed with this "
						       "host's boot time", r->path, lineno);
				r->pipe.clock_offset_ns = r->host_offset_ns;
			}
		}
		if (len >= 0 && !run_record(r, rec, (size_t)len, &why))
			snprintf(err, sizeof(err), "%s", why ? why : "bad event");
		if (len < 0 || why) {
			/* Every bad line is told; the run goes on and fails at the end. */
			saker_log_warnx("%s:%lu: %s", r->path, lineno, err);
			if (!r->st->bad++) {
				first_bad = lineno;
				snprintf(first, sizeof(first), "%s", err);
			}
		}
	}
	if (ferror(f)) {
		ret = -EIO;
		saker_set_err(r->st->error, sizeof(r->st->error), "%s: read error after line %lu",
			      r->path, lineno);
	} else if (r->st->bad) {
		ret = -EBADMSG;
		saker_set_err(r->st->error, sizeof(r->st->error),
			      "%s: %llu line(s) could not be read, the first at line %lu: %s",
			      r->path, (unsigned long long)r->st->bad, first_bad, first);
	}
	saker_track_set_meta(&r->track, NULL);
	saker_engine_set_meta(r->pipe.engine, NULL);
free_all:
	free(line);
	free(rec);
	saker_meta_store_free(ms);
	return ret;
}

int saker_replay_file(struct saker_engine *e, const char *path,
		      const struct saker_kfilter *kf, saker_alert_fn fn, void *arg, struct saker_replay_stats *st)
{
	struct run r = { .st = st, .path = path };
	struct saker_clock_anchor host;
	unsigned char magic[8] = { 0 };
	ssize_t n;
	FILE *f;
	int fd, ret;

	memset(st, 0, sizeof(*st));
	ret = saker_track_init(&r.track, 0, NULL, 0);
	if (ret) {
		saker_set_err(st->error, sizeof(st->error), "%s: %s", path, strerror(-ret));
		return ret;
	}
	r.pipe.track = &r.track;
	r.pipe.alert = fn;
	r.pipe.alert_arg = arg;
	r.pipe.kfilter = kf;
	saker_clock_anchor_sample(&host);
	r.host_offset_ns = host.offset_ns;
	saker_pipeline_set_engine(&r.pipe, e);
	/* A directory, FIFO or device is refused, never read as 0 events. */
	fd = saker_open_regular(path, st->error, sizeof(st->error));
	if (fd < 0) {
		ret = fd;
		goto fini_track;
	}
	n = pread(fd, magic, sizeof(magic), 0);
	if (n == (ssize_t)sizeof(magic) && !memcmp(magic, SAKER_CAPTURE_MAGIC, sizeof(magic))) {
		ret = replay_capture(&r, fd);
		goto fini_track;
	}
	f = fdopen(fd, "r");
	if (!f) {
		ret = -errno;
		saker_set_err(st->error, sizeof(st->error), "%s: %s", path, strerror(-ret));
		close(fd);
		goto fini_track;
	}
	ret = replay_json(&r, f);
	fclose(f);
fini_track:
	st->filtered = r.pipe.filtered;
	saker_engine_set_proctable(e, NULL);
	saker_track_fini(&r.track);
	return ret;
}
