/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event losses in the kernel, watched by sakerd: every cause the module
 * counts (ring full, fair share, build fault, re-entry, open probe misses)
 * plus corrupt records, summed over the CPUs. The first loss raises an
 * internal alert at once; while losses go on, at most one alert per
 * interval follows, each with what was lost since the previous one. A
 * pure state machine, so that the policy is tested without a kernel.
 */
#ifndef SAKER_LOSSES_H
#define SAKER_LOSSES_H

#include <stdbool.h>
#include <stdint.h>

struct saker_loss_counts {
	uint64_t full;		/* ring full */
	uint64_t share;		/* unprivileged over its fair share */
	uint64_t fault;		/* record could not be built */
	uint64_t reentries;	/* hook re-entered on a CPU */
	uint64_t missed;	/* opens the open probe missed */
	uint64_t corrupt;	/* corrupt records skipped by the reader */
};

struct saker_loss_watch {
	struct saker_loss_counts reported;	/* totals at the last alert */
	uint64_t last_alert_ns;			/* 0: never alerted */
	uint64_t interval_ns;
};

void saker_loss_watch_init(struct saker_loss_watch *w, uint64_t interval_ns);

/* Sum of all causes. */
uint64_t saker_loss_total(const struct saker_loss_counts *c);

/*
 * Given the totals now (they only grow) at monotonic time now_ns: true if
 * an alert is due, with the losses since the last one in *since.
 */
bool saker_loss_check(struct saker_loss_watch *w,
		      const struct saker_loss_counts *now, uint64_t now_ns,
		      struct saker_loss_counts *since);

/* "ring full 3, fair share 10": the non-zero causes, for a message. */
void saker_loss_describe(const struct saker_loss_counts *c, char *buf,
			 size_t len);

#endif /* SAKER_LOSSES_H */
