/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alert latency histogram: from the event's kernel timestamp to the alert
 * being handed to the outputs, in microseconds. Log-linear buckets (exact
 * below 8 us, then 8 per power of two: a quantile is at most 12.5% above
 * the true value), fixed size, O(1) per sample, no allocation.
 */
#ifndef SAKER_LATENCY_H
#define SAKER_LATENCY_H

#include <stdint.h>

#define SAKER_LAT_SUB_BITS 3
#define SAKER_LAT_SUB (1u << SAKER_LAT_SUB_BITS)
/* Exact values 0..7, then 8 sub-buckets for each exponent 3..63. */
#define SAKER_LAT_BUCKETS (SAKER_LAT_SUB + (64 - SAKER_LAT_SUB_BITS) * SAKER_LAT_SUB)

struct saker_latency {
	uint64_t count;
	uint64_t max_us;
	uint64_t sum_us;
	uint64_t buckets[SAKER_LAT_BUCKETS];
};

/* Bucket of a value in us; the largest value a bucket holds. */
unsigned int saker_latency_bucket(uint64_t us);
uint64_t saker_latency_bucket_max(unsigned int bucket);
void saker_latency_add(struct saker_latency *h, uint64_t us);
/* Adds now_ns - event_ns (both CLOCK_MONOTONIC); a negative one counts 0. */
void saker_latency_add_ns(struct saker_latency *h, uint64_t event_ns, uint64_t now_ns);
/* Upper bound of the bucket holding the q-quantile (0 < q <= 1), never above
 * the maximum seen; 0 when empty. */
uint64_t saker_latency_quantile(const struct saker_latency *h, double q);

#endif /* SAKER_LATENCY_H */
