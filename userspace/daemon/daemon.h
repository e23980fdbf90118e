/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live daemon, one straight pipeline that this struct owns:
 *
 *   ring (lib/ring.c) -> merge (lib/merge.c) -> decode (lib/decode.c)
 *     -> track (track.c) -> rules (rules/rules_engine.c) -> alerts (alerts.c)
 *     -> outputs (outputs/outputs.c)
 *
 * loop.c runs it in one epoll loop with signals read from a signalfd;
 * pipeline.c is the per-record part from decode on. docs/daemon.md.
 */
#ifndef SAKER_DAEMON_H
#define SAKER_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "alerts.h"
#include "config.h"
#include "ctl/ctl.h"
#include "losses.h"
#include "lib/clock.h"
#include "lib/merge.h"
#include "lib/ring.h"
#include "notify.h"
#include "pipeline.h"
#include "rules/rules.h"
#include "track.h"

struct saker_daemon {
	struct saker_config *cfg;
	struct saker_ring *ring;	/* raw records from the kernel */
	struct saker_merge merge;	/* ... put in timestamp order */
	struct saker_pipeline pipe;	/* decode -> track -> rules -> alerts */
	struct saker_track track;	/* process table, container metadata */
	struct saker_engine *engine;	/* the rules; replaced on reload */
	struct saker_alerts *alerts;	/* formats, hands to the outputs */
	struct saker_clock_anchor clock;	/* event times -> wall clock */
	uint64_t clock_steps;		/* wall-clock steps followed */
	int epfd, sigfd, timerfd, losstimerfd;
	struct saker_loss_watch losses;
	struct saker_ctl *ctl;		/* the module's control plane, or NULL */
	uint32_t classes;		/* SAKER_CLASS_* last seen */
	char ignore_s[SAKER_IGNORE_MAX * 11];	/* the ignore list last seen */
	bool ctl_failed;		/* its last request failed (said once) */
	bool stop;
	uint64_t reloads, reload_failures;
	uint64_t seeded;	/* processes read from /proc at start */
	/* health and metrics (metrics.c, httpd.c) and systemd (notify.c) */
	struct saker_httpd *httpd;	/* the endpoint, or NULL (off) */
	struct saker_notify notify;
	uint64_t rules_load_ns;		/* load + compile of the running rules */
	bool replay;			/* no device by design: healthy without one */
};

/*
 * Loads and compiles cfg's rule files into a new engine. Diagnostics go to
 * diag (all of them, or only errors when quiet). 0 and *out, or -errno
 * (*out NULL) with why: the first error's text, or what failed without
 * one ("compiling the rules: Cannot allocate memory"). An engine whose
 * load or compile failed is never handed out.
 */
int saker_daemon_engine(const struct saker_config *cfg, struct saker_engine **out,
			FILE *diag, bool quiet, char *why, size_t whylen);
/* Runs until SIGINT/SIGTERM; returns the process exit status. */
int saker_daemon_run(struct saker_config *cfg);
/* SIGHUP: a new engine from the rule files, or the old one kept and alerted. */
void saker_daemon_reload(struct saker_daemon *d);

/* loop.c: the epoll set (ring, signalfd, timers) for the signals in mask. */
int saker_daemon_loop_setup(struct saker_daemon *d, const sigset_t *mask);
void saker_daemon_loop_close(struct saker_daemon *d);
/* loop.c: runs until stopped, then hands out everything left; 0 or -errno. */
int saker_daemon_loop(struct saker_daemon *d);

/* stats.c: one {"type":"sakerd_stats",...} line on stderr (and an
 * internal alert when stats.alert is set); reason: "periodic", "signal",
 * "exit". */
void saker_daemon_stats(struct saker_daemon *d, const char *reason);
/* stats.c: raise the loss alert when the kernel lost events (each second). */
void saker_daemon_check_losses(struct saker_daemon *d);
/* daemon.c: an alert when the module's event classes or ignore list changed. */
void saker_daemon_check_config(struct saker_daemon *d);
/* loop.c: follow a step of the wall clock in the anchor (each second). */
void saker_daemon_check_clock(struct saker_daemon *d);

#endif /* SAKER_DAEMON_H */
