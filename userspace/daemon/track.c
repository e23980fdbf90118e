// SPDX-License-Identifier: GPL-2.0
/*
 * Track step: keeps the process table and the container metadata provider
 * for the rules. Exec and fork are applied before the rules run, so that an
 * exec's own fields see its new image; exit after, so that the rules still
 * see the exiting process.
 */
#include <errno.h>

#include "track.h"

#define ANCESTRY_CHECK 4	/* depth of the "is it our own child" test */

int saker_track_init(struct saker_track *t, size_t max_procs,
		     const struct saker_containers_config *cc, pid_t self)
{
	*t = (struct saker_track){ .self = self };
	t->pt = saker_proctable_new(max_procs);
	if (!t->pt)
		return -ENOMEM;
	if (cc) {
		t->ctrs = saker_containers_new(cc);
		if (!t->ctrs)
			goto free_table;
		saker_containers_provider(t->ctrs, &t->meta);
		t->meta_in_use = &t->meta;
	}
	return 0;

free_table:
	saker_proctable_free(t->pt);
	t->pt = NULL;
	return -ENOMEM;
}

void saker_track_fini(struct saker_track *t)
{
	saker_containers_free(t->ctrs);
	saker_proctable_free(t->pt);
	t->ctrs = NULL;
	t->pt = NULL;
}

void saker_track_set_meta(struct saker_track *t, const struct saker_meta_provider *m)
{
	t->meta_in_use = m;
}

void saker_track_bind(const struct saker_track *t, struct saker_engine *e)
{
	saker_engine_set_proctable(e, t->pt);
	saker_engine_set_meta(e, t->meta_in_use);
}

/*
 * Events of sakerd's own children (program output) update the process
 * table but are not run through the rules; the kernel skips sakerd itself.
 */
bool saker_track_own(const struct saker_track *t, const struct saker_event *ev)
{
	uint32_t self = (uint32_t)t->self, pid = ev->task->ppid;
	int depth;

	if (!self)
		return false;
	if (ev->task->pid == self || pid == self)
		return true;
	for (depth = 0; depth < ANCESTRY_CHECK && pid > 1; depth++) {
		const struct saker_proc *p = saker_proctable_get(t->pt, pid);

		if (!p)
			return false;
		if (p->ppid == self)
			return true;
		pid = p->ppid;
	}
	return false;
}

void saker_track_pre(struct saker_track *t, const struct saker_event *ev)
{
	/* -ENOMEM is counted by the table (dropped): nothing more to do. */
	saker_proctable_pre(t->pt, ev);
}

void saker_track_post(struct saker_track *t, const struct saker_event *ev)
{
	saker_proctable_post(t->pt, ev);
}
