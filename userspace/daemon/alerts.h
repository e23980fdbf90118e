/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sakerd's alert sink: turns rule matches and internal events (reload
 * failures, statistics) into alert messages, counts them per rule and
 * hands them to the outputs (outputs.h). When sakerd is built without the
 * outputs library, a minimal synchronous stdout/file writer stands in.
 */
#ifndef SAKER_ALERTS_H
#define SAKER_ALERTS_H

#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "rules/rules.h"

struct saker_alerts;

/* 0, or -errno with err saying which output failed and why. */
int saker_alerts_new(struct saker_alerts **out, const struct saker_config *cfg,
		     char *err, size_t errlen);
/* Waits (at most timeout_ms) until every output has written or given up
 * what is queued, so that the exit statistics count it: 0 or -ETIMEDOUT. */
int saker_alerts_flush(struct saker_alerts *al, int timeout_ms);
/* sakerd --replay, which may wait: while an output's queue is full, waits
 * for it to take one more alert (at most timeout_ms without progress).
 * 0 or -ETIMEDOUT. */
int saker_alerts_wait_room(struct saker_alerts *al, int timeout_ms);
/* Drains (at most timeout_ms) and stops the outputs; stats stay readable,
 * free() is still needed. */
void saker_alerts_close(struct saker_alerts *al, int timeout_ms);
/* Flushes queued alerts (bounded wait) and frees. */
void saker_alerts_free(struct saker_alerts *al);
/* A saker_alert_fn: arg is the struct saker_alerts. */
void saker_alerts_rule(void *arg, const struct saker_alert *a);
/* An alert from sakerd itself (source "internal"); fields may be NULL. */
void saker_alerts_internal(struct saker_alerts *al, enum saker_prio prio,
			   const char *rule, const char *output, json_t *fields);
void saker_alerts_reopen(struct saker_alerts *al);
/* Adds "alerts" {rule: count}, "outputs" [...] and "latency_us" {alerts,
 * p50, p99, max} (rule alerts, event time to outputs) to a stats object. */
void saker_alerts_stats(const struct saker_alerts *al, json_t *obj);
uint64_t saker_alerts_total(const struct saker_alerts *al);

/* For the metrics page (metrics.c), read by the loop's thread. */
struct saker_latency;
struct saker_output_stats;
typedef void (*saker_alerts_count_fn)(const char *rule, enum saker_prio prio, uint64_t n,
				      void *arg);
/* Every (rule, priority) with alerts, and its count. */
void saker_alerts_each_count(const struct saker_alerts *al, saker_alerts_count_fn fn,
			     void *arg);
/* Alerts not counted by rule (no memory for the rule's entry). */
uint64_t saker_alerts_uncounted(const struct saker_alerts *al);
const struct saker_latency *saker_alerts_latency(const struct saker_alerts *al);
size_t saker_alerts_outputs(const struct saker_alerts *al);
void saker_alerts_output_stats(const struct saker_alerts *al, size_t i,
			       struct saker_output_stats *st);

#endif /* SAKER_ALERTS_H */
