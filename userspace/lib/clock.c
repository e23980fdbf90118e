// SPDX-License-Identifier: GPL-2.0
/*
 * The clock anchor (clock.h): CLOCK_REALTIME minus CLOCK_MONOTONIC,
 * sampled so that the error of the pair is known and small.
 */
#include "clock.h"

/* Enough for one try not preempted between its three reads. */
#define SAMPLE_TRIES 8
/* Clocks read at 1 ns resolution can disagree by a tick with no step. */
#define STEP_SLACK_NS 1000

void saker_clock_anchor_sample(struct saker_clock_anchor *a)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < SAMPLE_TRIES; i++) {
		uint64_t m1 = saker_now_mono_ns();
		uint64_t r = saker_now_real_ns();
		uint64_t m2 = saker_now_mono_ns();
		uint64_t bracket = m2 - m1;

		if (bracket >= best)
			continue;
		best = bracket;
		/* The realtime read lies within [m1, m2]: take the middle. */
		a->offset_ns = saker_clock_offset(r, m1 + bracket / 2);
		a->error_ns = (bracket + 1) / 2;
	}
}

bool saker_clock_anchor_refresh(struct saker_clock_anchor *a, int64_t *step_ns)
{
	struct saker_clock_anchor n;
	uint64_t diff;
	bool up;

	saker_clock_anchor_sample(&n);
	up = n.offset_ns >= a->offset_ns;
	/* Modular difference: exact as unsigned whichever sign. */
	diff = up ? (uint64_t)n.offset_ns - (uint64_t)a->offset_ns :
		    (uint64_t)a->offset_ns - (uint64_t)n.offset_ns;
	if (diff <= a->error_ns + n.error_ns + STEP_SLACK_NS)
		return false;
	if (step_ns) {
		if (diff > (uint64_t)INT64_MAX)
			*step_ns = up ? INT64_MAX : INT64_MIN;
		else
			*step_ns = up ? (int64_t)diff : -(int64_t)diff;
	}
	*a = n;
	return true;
}
