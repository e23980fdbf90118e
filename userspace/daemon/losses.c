// SPDX-License-Identifier: GPL-2.0
/* Loss alerting policy: see losses.h. */
#include <stdio.h>
#include <string.h>

#include "losses.h"

void saker_loss_watch_init(struct saker_loss_watch *w, uint64_t interval_ns)
{
	memset(w, 0, sizeof(*w));
	w->interval_ns = interval_ns;
}

uint64_t saker_loss_total(const struct saker_loss_counts *c)
{
	return c->full + c->share + c->fault + c->reentries + c->missed +
	       c->corrupt;
}

/* Counters only grow; one that went back (a new reader) restarts at 0. */
static uint64_t delta(uint64_t now, uint64_t then)
{
	return now >= then ? now - then : now;
}

bool saker_loss_check(struct saker_loss_watch *w,
		      const struct saker_loss_counts *now, uint64_t now_ns,
		      struct saker_loss_counts *since)
{
	const struct saker_loss_counts *r = &w->reported;

	since->full = delta(now->full, r->full);
	since->share = delta(now->share, r->share);
	since->fault = delta(now->fault, r->fault);
	since->reentries = delta(now->reentries, r->reentries);
	since->missed = delta(now->missed, r->missed);
	since->corrupt = delta(now->corrupt, r->corrupt);
	if (!saker_loss_total(since))
		return false;
	if (w->last_alert_ns && now_ns - w->last_alert_ns < w->interval_ns)
		return false;
	w->reported = *now;
	w->last_alert_ns = now_ns ? now_ns : 1;
	return true;
}

void saker_loss_describe(const struct saker_loss_counts *c, char *buf,
			 size_t len)
{
	const struct {
		const char *what;
		uint64_t n;
	} causes[] = {
		{ "ring full", c->full },
		{ "unprivileged over its fair share", c->share },
		{ "record not built", c->fault },
		{ "probe re-entered", c->reentries },
		{ "open probe missed", c->missed },
		{ "corrupt", c->corrupt },
	};
	size_t i, used = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		int n;

		if (!causes[i].n || used >= len)
			continue;
		n = snprintf(buf + used, len - used, "%s%s %llu",
			     used ? ", " : "", causes[i].what,
			     (unsigned long long)causes[i].n);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
