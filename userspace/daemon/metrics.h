/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sakerd's health and metrics: the Prometheus page rendered from the
 * counters the daemon keeps (pipeline, ring, merge, process table,
 * alerts, outputs, latency, rules), published to the endpoint's thread
 * (httpd.c) once a second by the loop, which also pings systemd's
 * watchdog (notify.c) on the same tick. docs/daemon.md, "Health and
 * metrics".
 */
#ifndef SAKER_METRICS_H
#define SAKER_METRICS_H

#include "prom.h"

struct saker_daemon;

/* The whole page into p (saker_prom_free it): 0 or -ENOMEM. Reads only. */
int saker_metrics_render(const struct saker_daemon *d, struct saker_prom *p);
/* Why d is unhealthy, or NULL; the staleness check is the server's. */
const char *saker_metrics_unhealthy(const struct saker_daemon *d);
/* Starts the endpoint when webserver.enabled: 0, or -errno (logged). */
int saker_daemon_health_start(struct saker_daemon *d);
/* The loop's one-second tick: watchdog ping, page published. */
void saker_daemon_health_tick(struct saker_daemon *d);
void saker_daemon_health_stop(struct saker_daemon *d);

#endif /* SAKER_METRICS_H */
