// SPDX-License-Identifier: GPL-2.0
/*
 * Alert latency histogram (latency.h). The bucket of a value is found with
 * one count-leading-zeros, so adding a sample costs a few instructions on
 * the alert path.
 */
#include "latency.h"

unsigned int saker_latency_bucket(uint64_t us)
{
	unsigned int e;

	if (us < SAKER_LAT_SUB)
		return (unsigned int)us;
	e = 63u - (unsigned int)__builtin_clzll(us);	/* >= SAKER_LAT_SUB_BITS */
	return SAKER_LAT_SUB + (e - SAKER_LAT_SUB_BITS) * SAKER_LAT_SUB +
	       (unsigned int)((us >> (e - SAKER_LAT_SUB_BITS)) & (SAKER_LAT_SUB - 1));
}

uint64_t saker_latency_bucket_max(unsigned int bucket)
{
	unsigned int e, sub;
	uint64_t low;

	if (bucket < SAKER_LAT_SUB)
		return bucket;
	if (bucket >= SAKER_LAT_BUCKETS)
		return UINT64_MAX;
	e = (bucket - SAKER_LAT_SUB) / SAKER_LAT_SUB + SAKER_LAT_SUB_BITS;
	sub = (bucket - SAKER_LAT_SUB) % SAKER_LAT_SUB;
	low = (uint64_t)(SAKER_LAT_SUB + sub) << (e - SAKER_LAT_SUB_BITS);
	return low + ((1ull << (e - SAKER_LAT_SUB_BITS)) - 1);
}

void saker_latency_add(struct saker_latency *h, uint64_t us)
{
	h->buckets[saker_latency_bucket(us)]++;
	h->count++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

void saker_latency_add_ns(struct saker_latency *h, uint64_t event_ns, uint64_t now_ns)
{
	saker_latency_add(h, now_ns > event_ns ? (now_ns - event_ns) / 1000u : 0);
}

uint64_t saker_latency_quantile(const struct saker_latency *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	if (q <= 0)
		q = 0;
	if (q >= 1)
		return h->max_us;
	/* The smallest sample with at least q * count samples at or below it. */
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (!rank)
		rank = 1;
	for (i = 0; i < SAKER_LAT_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t top = saker_latency_bucket_max(i);

			return top < h->max_us ? top : h->max_us;
		}
	}
	return h->max_us;
}
