/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clocks, in ns. Event timestamps are CLOCK_MONOTONIC (the kernel's
 * ktime_get_ns()), so every deadline, interval and age in userspace uses
 * it too. An event's wall-clock time is its timestamp plus a clock anchor
 * (CLOCK_REALTIME minus CLOCK_MONOTONIC), converted once per event by
 * whoever dispatches it; docs/daemon.md, "Time", says which anchor.
 */
#ifndef SAKER_CLOCK_H
#define SAKER_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define SAKER_NSEC_PER_SEC 1000000000ULL
#define SAKER_NSEC_PER_MSEC 1000000ULL

static inline uint64_t saker_timespec_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * SAKER_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

/* Cannot fail for these clocks with a valid pointer; hence no error. */
static inline uint64_t saker_now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return saker_timespec_ns(&ts);
}

static inline uint64_t saker_now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return saker_timespec_ns(&ts);
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC at one instant, as sampled. */
struct saker_clock_anchor {
	int64_t offset_ns;	/* negative only if the wall clock is before boot */
	uint64_t error_ns;	/* the true offset is within this of offset_ns */
};

/* real - mono as a signed offset, saturated to the int64_t range. */
static inline int64_t saker_clock_offset(uint64_t real_ns, uint64_t mono_ns)
{
	uint64_t d;

	if (real_ns >= mono_ns) {
		d = real_ns - mono_ns;
		return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
	}
	d = mono_ns - real_ns;
	return d > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)d;
}

/*
 * An event's wall-clock ns: mono_ns + offset_ns, held to [0, INT64_MAX] so
 * that it is a valid time_t and rule number whatever the inputs.
 */
static inline uint64_t saker_clock_real_ns(uint64_t mono_ns, int64_t offset_ns)
{
	const uint64_t max = INT64_MAX;
	uint64_t neg;

	if (mono_ns > max)
		mono_ns = max;
	if (offset_ns >= 0)
		return mono_ns > max - (uint64_t)offset_ns ? max :
		       mono_ns + (uint64_t)offset_ns;
	/* -offset_ns without overflowing on INT64_MIN. */
	neg = (uint64_t)(-(offset_ns + 1)) + 1;
	return mono_ns < neg ? 0 : mono_ns - neg;
}

/*
 * Samples this host's anchor: of a few (monotonic, realtime, monotonic)
 * reads, the one with the tightest monotonic bracket is kept.
 */
void saker_clock_anchor_sample(struct saker_clock_anchor *a);

/*
 * Samples again and adopts the new offset only when it differs from *a by
 * more than both samples' error, i.e. the wall clock was stepped
 * (settimeofday, NTP step, leap second); NTP slewing moves both clocks
 * alike and never shows here. True when adopted, the change in *step_ns
 * (may be NULL).
 */
bool saker_clock_anchor_refresh(struct saker_clock_anchor *a, int64_t *step_ns);

#endif /* SAKER_CLOCK_H */
