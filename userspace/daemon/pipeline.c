// SPDX-License-Identifier: GPL-2.0
/*
 * The per-record steps, in their order: decode, track, rules (alerts are
 * handed on by the rules' callback), track again for exits. Each step is a
 * call into the file that does it; nothing here keeps state of its own
 * beyond the counters.
 */
#include <errno.h>

#include "lib/clock.h"
#include "pipeline.h"

void saker_pipeline_set_engine(struct saker_pipeline *p, struct saker_engine *e)
{
	saker_track_bind(p->track, e);
	p->engine = e;
}

int saker_pipeline_event(struct saker_pipeline *p, const struct saker_event *ev)
{
	int n = 0;

	/* What the module would have left out never reaches the table or the rules. */
	if (p->kfilter && !saker_kfilter_keep(p->kfilter, ev)) {
		p->filtered++;
		return 0;
	}
	if (ev->type < SAKER_REC_TYPE_MAX)
		p->events[ev->type]++;
	if (ev->type == SAKER_REC_EXEC) {
		p->args_truncated += !!(ev->exec->flags & SAKER_EXEC_ARGS_TRUNCATED);
		p->env_truncated += !!(ev->exec->flags & SAKER_EXEC_ENV_TRUNCATED);
		p->env_unreadable += !!(ev->exec->flags & SAKER_EXEC_ENV_FAULT);
	}
	/* No rule field reads the kinds after open yet (issue 13): counted only. */
	if (ev->type > SAKER_REC_OPEN)
		return 0;
	if (saker_track_own(p->track, ev)) {
		p->own_events++;
		saker_track_pre(p->track, ev);
		saker_track_post(p->track, ev);
		return 0;
	}
	saker_track_pre(p->track, ev);
	if (p->engine)
		n = saker_engine_process(p->engine, ev, p->alert, p->alert_arg);
	saker_track_post(p->track, ev);
	if (n < 0)
		return 0;
	p->alerts += (uint64_t)n;
	return n;
}

int saker_pipeline_record(struct saker_pipeline *p, const void *rec, size_t len,
			  const char **why)
{
	struct saker_event ev;
	const char *err = "bad record";
	size_t used;
	int ret;

	ret = saker_decode(rec, len, &ev, &used, &err);
	if (ret == SAKER_DECODE_SKIP)
		return 0;
	if (ret != SAKER_DECODE_EVENT) {
		p->decode_errors++;
		if (why)
			*why = err;
		return -EBADMSG;
	}
	ev.time_ns = saker_clock_real_ns(ev.task->ts_ns, p->clock_offset_ns);
	return saker_pipeline_event(p, &ev);
}
