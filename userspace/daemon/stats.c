// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd statistics: one JSON line on stderr, periodically, on SIGUSR2 and
 * at exit (a data line, written as it is, not a log message); every loss the pipeline can have is counted here (kernel drops,
 * corrupt records, merge overflow, table evictions, output drops).
 */
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "lib/clock.h"
#include "lib/decode.h"
#include "lib/log.h"

static json_t *kernel_stats(struct saker_daemon *d)
{
	struct saker_stats st;
	json_t *o = json_object(), *rings = json_array();
	uint32_t i;

	saker_ring_stats(d->ring, &st);
	for (i = 0; i < st.nr_rings; i++)
		json_array_append_new(rings, json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			"ring", (int)i, "events", (json_int_t)st.rings[i].events,
			"drops_full", (json_int_t)st.rings[i].drops_full,
			"drops_fault", (json_int_t)st.rings[i].drops_fault,
			"reentries", (json_int_t)st.rings[i].reentries,
			"drops_share", (json_int_t)st.rings[i].drops_share,
			"filtered", (json_int_t)st.rings[i].filtered,
			"ignored", (json_int_t)st.rings[i].ignored));
	json_object_set_new(o, "rings", rings);
	json_object_set_new(o, "open_missed", json_integer((json_int_t)st.open_missed));
	json_object_set_new(o, "records", json_integer((json_int_t)st.records));
	json_object_set_new(o, "corrupt", json_integer((json_int_t)st.corrupt));
	return o;
}

void saker_daemon_stats(struct saker_daemon *d, const char *reason)
{
	struct saker_containers_stats cs;
	json_t *o = json_object(), *ev = json_object();
	unsigned int t;
	char *line;

	json_object_set_new(o, "type", json_string("sakerd_stats"));
	json_object_set_new(o, "reason", json_string(reason));
	for (t = 1; t < SAKER_REC_TYPE_MAX; t++)
		json_object_set_new(ev, saker_rec_type_name(t),
				    json_integer((json_int_t)d->pipe.events[t]));
	json_object_set_new(o, "events", ev);
	json_object_set_new(o, "own_events", json_integer((json_int_t)d->pipe.own_events));
	json_object_set_new(o, "decode_errors", json_integer((json_int_t)d->pipe.decode_errors));
	json_object_set_new(o, "exec_cut", json_pack("{s:I,s:I,s:I}",
		"args", (json_int_t)d->pipe.args_truncated,
		"env", (json_int_t)d->pipe.env_truncated,
		"env_unreadable", (json_int_t)d->pipe.env_unreadable));
	json_object_set_new(o, "kernel", kernel_stats(d));
	json_object_set_new(o, "merge", json_pack("{s:I,s:I,s:I,s:I}",
		"pending", (json_int_t)d->merge.n, "late", (json_int_t)d->merge.late,
		"forced", (json_int_t)d->merge.forced, "nomem", (json_int_t)d->merge.nomem));
	json_object_set_new(o, "proctable", json_pack("{s:I,s:I,s:I,s:I,s:I}",
		"size", (json_int_t)saker_proctable_count(d->track.pt),
		"max", (json_int_t)saker_proctable_max(d->track.pt),
		"seeded", (json_int_t)d->seeded,
		"evicted", (json_int_t)saker_proctable_evicted(d->track.pt),
		"dropped", (json_int_t)saker_proctable_dropped(d->track.pt)));
	saker_containers_stats(d->track.ctrs, &cs);
	json_object_set_new(o, "containers", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
		"lookups", (json_int_t)cs.lookups, "cache_hits", (json_int_t)cs.cache_hits,
		"found", (json_int_t)cs.found, "not_found", (json_int_t)cs.not_found,
		"bad_files", (json_int_t)cs.bad_files, "cached", (json_int_t)cs.cached));
	json_object_set_new(o, "reloads", json_integer((json_int_t)d->reloads));
	json_object_set_new(o, "reload_failures", json_integer((json_int_t)d->reload_failures));
	json_object_set_new(o, "clock_steps", json_integer((json_int_t)d->clock_steps));
	saker_alerts_stats(d->alerts, o);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
		if (d->cfg->stats_alert)
			saker_alerts_internal(d->alerts, SAKER_PRIO_INFORMATIONAL,
					      "saker: statistics", line,
					      json_pack("{s:s}", "saker.reason", reason));
	}
	free(line);
	json_decref(o);
}

void saker_daemon_check_losses(struct saker_daemon *d)
{
	struct saker_loss_counts now = { 0 }, since;
	char what[256], msg[512];
	struct saker_stats st;
	json_t *cpus;
	uint32_t i;

	saker_ring_stats(d->ring, &st);
	for (i = 0; i < st.nr_rings; i++) {
		now.full += st.rings[i].drops_full;
		now.share += st.rings[i].drops_share;
		now.fault += st.rings[i].drops_fault;
		now.reentries += st.rings[i].reentries;
	}
	now.missed = st.open_missed;
	/* The ring frames records, the decode checks the rest after the merge. */
	now.corrupt = st.corrupt + d->pipe.decode_errors;
	if (!saker_loss_check(&d->losses, &now, saker_now_mono_ns(), &since))
		return;
	cpus = json_array();
	for (i = 0; i < st.nr_rings; i++) {
		const struct saker_ring_counters *c = &st.rings[i];

		if (c->drops_full || c->drops_share || c->drops_fault || c->reentries)
			json_array_append_new(cpus, json_integer(i));
	}
	saker_loss_describe(&since, what, sizeof(what));
	snprintf(msg, sizeof(msg),
		 "saker: %llu kernel events lost since the last report (%s); rules did not see them",
		 (unsigned long long)saker_loss_total(&since), what);
	saker_log_warnx("%s", msg);
	saker_alerts_internal(d->alerts, SAKER_PRIO_CRITICAL, "saker: kernel events lost", msg,
		json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
			  "saker.lost.ring_full", (json_int_t)since.full,
			  "saker.lost.fair_share", (json_int_t)since.share,
			  "saker.lost.build_fault", (json_int_t)since.fault,
			  "saker.lost.reentry", (json_int_t)since.reentries,
			  "saker.lost.open_missed", (json_int_t)since.missed,
			  "saker.lost.corrupt", (json_int_t)since.corrupt,
			  "saker.lost.cpus", cpus));
}
