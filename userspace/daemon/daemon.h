/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live daemon: ring reader -> timestamp merge -> process table and
 * container metadata -> rule engine -> alert outputs, in one epoll loop
 * with signals read from a signalfd. docs/daemon.md.
 */
#ifndef SAKER_DAEMON_H
#define SAKER_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "alerts.h"
#include "config.h"
#include "track/containers.h"
#include "losses.h"
#include "lib/merge.h"
#include "track/proctable.h"
#include "lib/ring.h"
#include "rules/rules.h"

struct saker_daemon {
	struct saker_config *cfg;
	struct saker_ring *ring;
	struct saker_engine *engine;
	struct saker_proctable *pt;
	struct saker_containers *ctrs;
	struct saker_meta_provider meta;
	struct saker_alerts *alerts;
	struct saker_merge merge;
	int epfd, sigfd, timerfd, losstimerfd;
	struct saker_loss_watch losses;
	bool stop;
	pid_t self;
	uint64_t events[SAKER_REC_TYPE_MAX];	/* per record type, after merge */
	uint64_t own_events;	/* from sakerd's own children: rules skipped */
	uint64_t decode_errors;
	uint64_t reloads, reload_failures;
	uint64_t seeded;	/* processes read from /proc at start */
};

/*
 * Loads and compiles cfg's rule files into a new engine. Diagnostics go to
 * diag (all of them, or only errors when quiet). 0 and *out, or -EINVAL
 * (*out NULL) with the first error's text in why.
 */
int saker_daemon_engine(const struct saker_config *cfg, struct saker_engine **out,
			FILE *diag, bool quiet, char *why, size_t whylen);
/* Runs until SIGINT/SIGTERM; returns the process exit status. */
int saker_daemon_run(struct saker_config *cfg);

/* stats.c: one {"type":"sakerd_stats",...} line on stderr (and an
 * internal alert when stats.alert is set); reason: "periodic", "signal",
 * "exit". */
void saker_daemon_stats(struct saker_daemon *d, const char *reason);
/* stats.c: raise the loss alert when the kernel lost events (each second). */
void saker_daemon_check_losses(struct saker_daemon *d);

#endif /* SAKER_DAEMON_H */
