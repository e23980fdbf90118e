/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clocks, in ns. Event timestamps are CLOCK_MONOTONIC (the kernel's
 * ktime_get_ns()), so every deadline, interval and age in userspace uses
 * it too; CLOCK_REALTIME is only for wall-clock stamps on alerts.
 */
#ifndef SAKER_CLOCK_H
#define SAKER_CLOCK_H

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

#endif /* SAKER_CLOCK_H */
