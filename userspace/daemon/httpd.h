/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sakerd's local health and metrics endpoint (webserver.* in saker.yaml):
 * a small HTTP/1.1 server in its own thread that serves a page the event
 * loop publishes (saker_httpd_publish, once a second), so a slow or hostile
 * client can never stall event processing: the loop only swaps a buffer
 * under a mutex. Bounded: a request head of 4 KiB, 16 connections, 2 s for
 * a whole exchange, one request per connection. docs/daemon.md, "Health
 * and metrics".
 */
#ifndef SAKER_HTTPD_H
#define SAKER_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAKER_HTTPD_MAX_REQUEST 4096	/* request line and headers */
#define SAKER_HTTPD_MAX_CONNS 16
#define SAKER_HTTPD_TIMEOUT_MS 2000
/* /healthz fails when the loop has not published for this long. */
#define SAKER_HTTPD_STALE_NS (5 * 1000000000ull)

struct saker_httpd_config {
	const char *address;		/* numeric IPv4 or IPv6 */
	unsigned int port;		/* 0: any free port (tests) */
	const char *healthz_path;	/* "/healthz" */
	bool metrics;			/* serve /metrics */
};

/* What the server has done, for the metrics page. */
struct saker_httpd_stats {
	uint64_t requests;	/* answered, any status */
	uint64_t bad;		/* unparsable, too large, wrong method: 4xx */
	uint64_t timeouts;	/* closed at the deadline */
};

struct saker_httpd;

/* Binds and listens, then starts the thread: 0, or -errno with err. */
int saker_httpd_start(struct saker_httpd **out, const struct saker_httpd_config *cfg,
		      char *err, size_t errlen);
/* The bound port (for port 0). */
unsigned int saker_httpd_port(const struct saker_httpd *h);
/*
 * The loop's once-a-second hand-over: the /metrics page (copied) and why
 * the daemon is unhealthy (NULL: healthy), stamped with CLOCK_MONOTONIC
 * now. page NULL keeps the old page. 0 or -ENOMEM (the old page stays,
 * the stamp still moves).
 */
int saker_httpd_publish(struct saker_httpd *h, const char *page, size_t len,
			const char *unhealthy);
void saker_httpd_stats(const struct saker_httpd *h, struct saker_httpd_stats *st);
/* Stops the thread, closes every connection, frees. NULL is fine. */
void saker_httpd_stop(struct saker_httpd *h);

#endif /* SAKER_HTTPD_H */
