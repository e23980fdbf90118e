// SPDX-License-Identifier: GPL-2.0
/*
 * Replay driver: recognizes a capture file by its "SAKERCAP" header and
 * walks its records (saker_record_frame()); anything else is read as JSON
 * lines, each made a record. Every record then takes the daemon's own
 * per-record step (pipeline.c: decode, track, rules), whose clock anchor
 * is the capture's, or each JSON line's own. Each run gets a fresh process
 * table and metadata store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/capture.h"
#include "lib/clock.h"
#include "lib/event.h"
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

static int replay_capture(struct run *r, const unsigned char *p, size_t len)
{
	struct saker_capture_info info;
	size_t off, done = 0;
	char msg[256];
	int ret;

	ret = saker_capture_header_parse(p, len, &info, msg, sizeof(msg));
	if (ret) {
		saker_log_warnx("%s: %s", r->path, msg);
		return ret == -ENODATA ? -EINVAL : ret;
	}
	if (info.has_clock) {
		r->pipe.clock_offset_ns = info.clock_offset_ns;
	} else {
		saker_log_warnx("%s: a capture from before the clock anchor: alert "
				"times are this host's boot time plus the events' "
				"timestamps", r->path);
		r->pipe.clock_offset_ns = r->host_offset_ns;
	}
	for (off = info.header_len; off < len;) {
		const char *err = NULL;
		size_t used = 0;
		int res;

		res = saker_record_frame(p + off, len - off, &used, &err);
		if (res == SAKER_DECODE_EVENT && !run_record(r, p + off, used, &err))
			res = SAKER_DECODE_CORRUPT;
		if (res != SAKER_DECODE_EVENT && res != SAKER_DECODE_SKIP) {
			/* A torn tail (writer killed) ends the replay, not an error. */
			saker_log_warnx("capture offset %zu: %s", off,
					err ? err : "bad record");
			r->st->bad++;
			break;
		}
		off += used;
		/* Drop what was read so a big capture does not stay resident. */
		if (off - done >= (64u << 20)) {
			size_t upto = off & ~(size_t)0xfffff;

			madvise((void *)(p + done), upto - done, MADV_DONTNEED);
			done = upto;
		}
	}
	return 0;
}

static int replay_json(struct run *r, FILE *f)
{
	struct saker_meta_store *ms = saker_meta_store_new();
	struct saker_meta_provider mp;
	size_t cap = 0, bufsz = 64 * 1024;
	uint64_t *rec = malloc(bufsz);
	unsigned long lineno = 0, untimed = 0;
	char *line = NULL;
	ssize_t n;
	int ret = 0;

	if (!ms || !rec) {
		ret = -ENOMEM;
		goto free_all;
	}
	saker_meta_store_provider(ms, &mp);
	saker_track_set_meta(&r->track, &mp);
	saker_pipeline_set_engine(&r->pipe, r->pipe.engine);
	while ((n = getline(&line, &cap, f)) >= 0) {
		const char *err = NULL;
		uint64_t time_ns;
		long len;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		len = saker_json_to_record_time(line, (size_t)n, rec, bufsz, ms,
						&time_ns, &err);
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
		if (len < 0 || !run_record(r, rec, (size_t)len, &err)) {
			saker_log_warnx("line %lu: %s", lineno, err ? err : "bad event");
			r->st->bad++;
			continue;
		}
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
		      saker_alert_fn fn, void *arg, struct saker_replay_stats *st)
{
	struct run r = { .st = st, .path = path };
	struct saker_clock_anchor host;
	unsigned char magic[8] = { 0 };
	struct stat sb;
	FILE *f;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = saker_track_init(&r.track, 0, NULL, 0);
	if (ret)
		return ret;
	r.pipe.track = &r.track;
	r.pipe.alert = fn;
	r.pipe.alert_arg = arg;
	saker_clock_anchor_sample(&host);
	r.host_offset_ns = host.offset_ns;
	saker_pipeline_set_engine(&r.pipe, e);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		goto fini_track;
	}
	if (fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    !memcmp(magic, SAKER_CAPTURE_MAGIC, 8) && !fstat(fileno(f), &sb) &&
	    (size_t)sb.st_size >= SAKER_CAPTURE_HDR_LEN_V1) {
		void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
			       fileno(f), 0);

		if (p == MAP_FAILED) {
			ret = -errno;
			goto close_f;
		}
		ret = replay_capture(&r, p, (size_t)sb.st_size);
		munmap(p, (size_t)sb.st_size);
	} else {
		rewind(f);
		ret = replay_json(&r, f);
	}
close_f:
	fclose(f);
fini_track:
	saker_engine_set_proctable(e, NULL);
	saker_track_fini(&r.track);
	return ret;
}
