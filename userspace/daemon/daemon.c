// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd's startup, rule reload and shutdown. The steps of the pipeline
 * are set up in their order (rules first: invalid rules exit before the
 * device is touched), then loop.c runs them; docs/daemon.md gives the
 * order and why.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "lib/kfilter.h"
#include "config_int.h"
#include "daemon.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "metrics.h"

int saker_daemon_engine(const struct saker_config *cfg, struct saker_engine **out,
			FILE *diag, bool quiet, char *why, size_t whylen)
{
	struct saker_engine *e = saker_engine_new();
	int ret, load_ret = 0;
	size_t i;

	*out = NULL;
	if (!e) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	saker_engine_set_match_mode(e, cfg->rule_matching);
	saker_engine_set_min_priority(e, cfg->priority);
	saker_engine_set_output_append(e, cfg->output_append, cfg->output_append_info);
	for (i = 0; i < cfg->nrules; i++) {
		ret = saker_engine_load_path(e, cfg->rules_files[i]);
		if (ret && !load_ret)
			load_ret = ret;
	}
	/* A failed compile leaves an engine that refuses every event: never run it. */
	ret = saker_engine_compile(e);
	if (diag && (!quiet || saker_engine_error_count(e)))
		saker_engine_print_diags(e, diag);
	if (!ret && !load_ret && !saker_engine_error_count(e)) {
		*out = e;
		return 0;
	}
	/* The first error is the reason given in the reload alert. */
	if (saker_engine_first_error(e, why, whylen))
		ret = load_ret ? load_ret : -EINVAL;	/* the real errno, if any */
	else if (load_ret)
		snprintf(why, whylen, "loading the rules: %s", strerror(-(ret = load_ret)));
	else if (ret)
		snprintf(why, whylen, "compiling the rules: %s", strerror(-ret));
	else
		snprintf(why, whylen, "%zu error(s) in the rules",
			 saker_engine_error_count(e));
	saker_engine_free(e);
	return ret ? ret : -EINVAL;
}

/*
 * The module's open filter for e's rules (rules_kfilter.c). When it cannot
 * be set the module records every open: alerts are the same, only slower.
 */
static void saker_daemon_push_filter(struct saker_daemon *d, const struct saker_engine *e)
{
	struct saker_kfilter kf = { .none = true };
	char err[SAKER_ERRLEN];
	int ret;

	if (!d->ctl)
		return;
	/* Off: say so, in case another root process set one since the open. */
	if (d->cfg->open_filter) {
		ret = saker_engine_kfilter(e, &kf);
		if (ret) {
			saker_log_warnx("open filter: %s", strerror(-ret));
			saker_kfilter_release(&kf);
			kf.none = true;
		}
	}
	ret = saker_ctl_set_filter(d->ctl, &kf, err, sizeof(err));
	if (ret) {
		/* Never leave an old filter for new rules: every open, then. */
		saker_log_warnx("open filter: %s; removing it, the module records every open", err);
		saker_ctl_set_filter(d->ctl, NULL, err, sizeof(err));
	} else if (!d->cfg->open_filter) {
		saker_log_info("open filter: off (kernel.open_filter): the module records every open");
	} else if (kf.none) {
		saker_log_info("open filter: none (%s): the module records every open", kf.why);
	} else {
		saker_log_info("open filter: %zu entries for %zu rules that may match opens",
			       kf.n, kf.rules);
	}
	saker_kfilter_release(&kf);
}

/* The reason of a failed reload: the first error line of the rules. */
#define RELOAD_WHY_MAX 512

/* what: "rule" or "configuration"; each keeps its old one (and the other stays too). */
static void reload_failed(struct saker_daemon *d, const char *rule, const char *what,
			  const char *why)
{
	bool rules = !strcmp(what, "rule");
	char msg[RELOAD_WHY_MAX + 96];	/* the reason and the sentence around it */

	d->reload_failures++;
	saker_log_warnx("%s reload failed, keeping the old %s: %s", what,
			rules ? "rules" : "configuration", why);
	snprintf(msg, sizeof(msg), "%s reload failed, the previous %s active: %s", what,
		 rules ? "rules stay" : "configuration stays", why);
	saker_alerts_internal(d->alerts, SAKER_PRIO_CRITICAL, rule, msg,
			      json_pack("{s:s}", "saker.reason", why));
	/* systemd: the reload is over, the old one runs on. */
	saker_notify_sendf(&d->notify, "READY=1\nSTATUS=%s reload failed, the old %s kept: %s",
			   what, rules ? "rules" : "configuration", why);
}

/* Keys a running sakerd cannot change: the device, the merge, the tables, the timers. */
static bool needs_restart(const char *key)
{
	static const char *const fixed[] = { "device", "merge.", "proctable.", "containers.",
					     "stats.interval_s", "losses." };
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strncmp(key, fixed[i], strlen(fixed[i])))
			return true;
	return false;
}

/* Keys the outputs were built from: a change builds them again. */
static bool is_output_key(const char *key)
{
	static const char *const out[] = { "json_", "stdout_output.", "file_output.",
					   "syslog_output.", "remote_syslog_output.",
					   "program_output.", "http_output.", "outputs_queue.",
					   "hostname" };
	size_t i;

	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		if (!strncmp(key, out[i], strlen(out[i])))
			return true;
	return false;
}

struct changes {
	char restart[384];	/* the keys left as they were */
	bool outputs;
};

static void note_change(void *arg, const char *key)
{
	struct changes *ch = arg;
	size_t used = strlen(ch->restart);

	if (needs_restart(key))
		snprintf(ch->restart + used, sizeof(ch->restart) - used, "%s%s", used ? ", " : "",
			 key);
	else if (is_output_key(key))
		ch->outputs = true;
}

/* The keys that changed and can change now go from fresh into the running configuration. */
static void take_changes(struct saker_config *cur, struct saker_config *fresh)
{
	size_t i;

	for (i = 0; i < saker_cfg_nkeys; i++) {
		const char *key = saker_cfg_keys[i].name;

		/* an alias shares the field before it: taking it again would swap back */
		if (i && saker_cfg_keys[i].off == saker_cfg_keys[i - 1].off)
			continue;
		if (!needs_restart(key))
			saker_config_take(cur, fresh, key);
	}
}

/*
 * SIGHUP: the configuration is read again as at start (sakerd.c's
 * rebuild), then the rules from it into a new engine, and the outputs
 * again if their keys changed; only when all of it works does it replace
 * what runs. Keys a running daemon cannot change keep their value, said.
 */
void saker_daemon_reload(struct saker_daemon *d)
{
	struct changes ch = { "", false };
	struct saker_alerts *al = NULL, *old_al;
	struct saker_config fresh, *cfg = d->cfg;
	struct saker_engine *e;
	char why[RELOAD_WHY_MAX];
	bool have_fresh = false;
	uint64_t t0 = saker_now_mono_ns();

	saker_log_info("SIGHUP: reloading the configuration and the rules");
	/* systemd: reloading until READY=1 again, whatever the outcome. */
	saker_notify_sendf(&d->notify, "RELOADING=1\nMONOTONIC_USEC=%llu",
			   (unsigned long long)(t0 / 1000));
	if (d->cfg->rebuild) {
		saker_config_defaults(&fresh);
		if (d->cfg->rebuild(d->cfg->rebuild_arg, &fresh, why, sizeof(why)) ||
		    saker_config_check(&fresh, why, sizeof(why))) {
			reload_failed(d, "saker: configuration reload failed", "configuration", why);
			saker_config_free(&fresh);
		} else {
			/* its warnings were logged as it was read */
			have_fresh = true;
			cfg = &fresh;
			saker_config_diff(d->cfg, &fresh, note_change, &ch);
		}
	}
	if (saker_daemon_engine(cfg, &e, stderr, true, why, sizeof(why))) {
		reload_failed(d, "saker: rule reload failed", "rule", why);
		goto free_fresh;
	}
	if (ch.outputs && saker_alerts_new(&al, cfg, why, sizeof(why))) {
		reload_failed(d, "saker: configuration reload failed", "configuration", why);
		saker_engine_free(e);
		goto free_fresh;
	}
	if (have_fresh) {
		take_changes(d->cfg, &fresh);
		saker_config_apply_log(d->cfg);
		if (ch.restart[0])
			saker_log_warnx("configuration reload: %s changed; that takes a restart, the running values stay",
					ch.restart);
	}
	if (al) {
		/* The old outputs write what they hold, then go; counts start again. */
		old_al = d->alerts;
		d->alerts = al;
		d->pipe.alert_arg = al;
		saker_alerts_flush(old_al, 2000);
		saker_alerts_free(old_al);
		saker_log_info("outputs rebuilt from the new configuration");
	}
	d->rules_load_ns = saker_now_mono_ns() - t0;	/* load + compile, as at start */
	/* Before the swap: from here on the module keeps what the new rules want. */
	saker_daemon_push_filter(d, e);
	/* The process table and metadata cache stay: only the rules change. */
	saker_pipeline_set_engine(&d->pipe, e);
	saker_engine_free(d->engine);
	d->engine = e;
	d->reloads++;
	saker_log_info("rules reloaded: %zu rules", saker_engine_rule_count(e));
	saker_notify_sendf(&d->notify, "READY=1\nSTATUS=running: %zu rules (reloaded)",
			   saker_engine_rule_count(e));
free_fresh:
	if (have_fresh)
		saker_config_free(&fresh);
}

static void block_signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	sigaddset(mask, SIGUSR1);
	sigaddset(mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, mask, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The event classes the module records (sakerctl config): a class that is
 * off, at start or turned off later by some root process, is an alert,
 * since rules on it can no longer match; turned back on, an alert too.
 */
static void check_classes(struct saker_daemon *d, uint32_t classes)
{
	char now_s[64], was_s[64], msg[384];

	if (classes == d->classes)
		return;
	saker_ctl_format_classes(classes, now_s, sizeof(now_s));
	saker_ctl_format_classes(d->classes, was_s, sizeof(was_s));
	if (classes == SAKER_CLASS_ALL)
		snprintf(msg, sizeof(msg), "the module records every event class again (was %s)",
			 was_s);
	else
		snprintf(msg, sizeof(msg),
			 "the module records only these event classes: %s (was %s); rules on the others cannot match (sakerctl config set classes=all; the kernel log names who changed it)",
			 now_s, was_s);
	saker_log_warnx("%s", msg);
	saker_alerts_internal(d->alerts, classes == SAKER_CLASS_ALL ? SAKER_PRIO_NOTICE :
			      SAKER_PRIO_CRITICAL, "saker: event classes changed", msg,
			      json_pack("{s:s,s:s}", "saker.classes", now_s,
					"saker.classes_was", was_s));
	d->classes = classes;
}

/*
 * The module's ignore list: sakerd never sets one (the module leaves out
 * its reader by itself), so thread groups on it were put there by some
 * root process, and what they do is not seen: an alert, and another when
 * the list changes or empties.
 */
static void check_ignore(struct saker_daemon *d, const struct saker_ctl_config *cf)
{
	char now_s[sizeof(d->ignore_s)], msg[512];
	size_t i, used = 0;

	now_s[0] = '\0';
	for (i = 0; i < cf->nignore && used < sizeof(now_s); i++)
		used += (size_t)snprintf(now_s + used, sizeof(now_s) - used, "%s%" PRIu32,
					 i ? "," : "", cf->ignore[i]);
	if (!strcmp(now_s, d->ignore_s))
		return;
	if (now_s[0])
		snprintf(msg, sizeof(msg),
			 "the module does not record the thread groups %s: their execs, forks and opens are not seen (sakerctl config set ignore=none; the kernel log names who set it)",
			 now_s);
	else
		snprintf(msg, sizeof(msg), "the module ignores no thread group again (was %s)",
			 d->ignore_s);
	saker_log_warnx("%s", msg);
	saker_alerts_internal(d->alerts, now_s[0] ? SAKER_PRIO_CRITICAL : SAKER_PRIO_NOTICE,
			      "saker: ignore list changed", msg,
			      json_pack("{s:s,s:s}", "saker.ignore", now_s,
					"saker.ignore_was", d->ignore_s));
	memcpy(d->ignore_s, now_s, sizeof(now_s));
}

/* What some root process may have changed in the module's configuration. */
void saker_daemon_check_config(struct saker_daemon *d)
{
	/* The record kinds a module may lack (hooks it could not attach). */
	static const struct {
		uint64_t feature;
		uint32_t class;
	} optional[] = {
		{ SAKER_FEAT_CRED, SAKER_CLASS_CRED },
		{ SAKER_FEAT_LOAD, SAKER_CLASS_LOAD },
		{ SAKER_FEAT_NSCHANGE, SAKER_CLASS_NSCHANGE },
		{ SAKER_FEAT_PTRACE, SAKER_CLASS_PTRACE },
		{ SAKER_FEAT_FSCHANGE, SAKER_CLASS_FS },
	};
	struct saker_ctl_config cf;
	char err[SAKER_ERRLEN];
	size_t i;

	if (!d->ctl)
		return;
	if (saker_ctl_get_config(d->ctl, &cf, err, sizeof(err))) {
		if (!d->ctl_failed)
			saker_log_warnx("module control plane: %s", err);
		d->ctl_failed = true;
		return;
	}
	d->ctl_failed = false;
	/* A module without a record kind has no such class to turn off. */
	for (i = 0; d->ring && i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!(saker_ring_info(d->ring)->features & optional[i].feature))
			cf.classes |= optional[i].class;
	check_classes(d, cf.classes);
	check_ignore(d, &cf);
}

int saker_daemon_run(struct saker_config *cfg)
{
	struct saker_daemon d = { .cfg = cfg, .epfd = -1, .sigfd = -1, .timerfd = -1,
				  .losstimerfd = -1 };
	struct saker_containers_config cc = {
		.containerd_root = cfg->containerd_root, .docker_root = cfg->docker_root,
		.crio_root = cfg->crio_root, .podman_root = cfg->podman_root,
		.ttl_s = cfg->containers_ttl_s,
		.negative_ttl_s = cfg->containers_negative_ttl_s,
	};
	char err[SAKER_ERRLEN + 256];
	sigset_t mask;
	long seeded;
	int ret, status = 1;
	uint64_t t0;

	/* Blocked before any thread exists, so every thread inherits it. */
	block_signals(&mask);

	/* rules */
	t0 = saker_now_mono_ns();
	if (saker_daemon_engine(cfg, &d.engine, stderr, true, err, sizeof(err))) {
		saker_log_errx("rules are invalid: %s", err);
		return 1;
	}
	d.rules_load_ns = saker_now_mono_ns() - t0;
	/* systemd's notify socket; unset outside a Type=notify unit. */
	ret = saker_notify_init(&d.notify);
	if (ret)
		saker_log_warnx("NOTIFY_SOCKET: %s; systemd is not told we are ready", strerror(-ret));
	/* track */
	if (saker_track_init(&d.track, cfg->max_procs, &cc, getpid())) {
		saker_log_errx("out of memory");
		goto free_engine;
	}
	/* decode -> track -> rules -> alerts, one record at a time */
	d.pipe.track = &d.track;
	/* Before the first event: its wall-clock time comes from here. */
	saker_clock_anchor_sample(&d.clock);
	d.pipe.clock_offset_ns = d.clock.offset_ns;
	saker_pipeline_set_engine(&d.pipe, d.engine);
	saker_loss_watch_init(&d.losses, (uint64_t)(cfg->loss_alert_interval_s ?: 1) *
			      1000000000ull);
	/* merge */
	saker_merge_init(&d.merge, (uint64_t)cfg->merge_window_ms * 1000000ull,
			 cfg->merge_max_pending);

	/* ring. Only this process ever opens the device: the kernel skips the
	 * reader's tgid, and the fd is O_CLOEXEC so no child inherits it. */
	ret = saker_ring_open(&d.ring, cfg->device, err, sizeof(err));
	if (ret) {
		saker_log_errx("%s%s", err, saker_ring_open_hint(ret));
		goto fini_merge;
	}
	/* After the open: processes started later arrive as events. */
	seeded = saker_proctable_seed(d.track.pt, cfg->proc_root);
	if (seeded < 0)
		saker_log_warnx("cannot read %s: %s; process table starts empty",
				cfg->proc_root, strerror((int)-seeded));
	else
		d.seeded = (uint64_t)seeded;
	/* alerts -> outputs */
	ret = saker_alerts_new(&d.alerts, cfg, err, sizeof(err));
	if (ret) {
		saker_log_errx("outputs: %s", err);
		goto close_ring;
	}
	d.pipe.alert = saker_alerts_rule;
	d.pipe.alert_arg = d.alerts;
	/* The control plane: the event classes, checked every second after. */
	d.classes = SAKER_CLASS_ALL;
	if (saker_ctl_open(&d.ctl, err, sizeof(err)))
		saker_log_warnx("module control plane: %s; event classes are not watched, no open filter",
				err);
	saker_daemon_check_config(&d);
	saker_daemon_push_filter(&d, d.engine);
	ret = saker_daemon_loop_setup(&d, &mask);
	if (ret) {
		saker_log_warnx("event loop setup: %s", strerror(-ret));
		goto close_loop;
	}
	/* Asked for and not served is a failed start, as a taken port. */
	if (saker_daemon_health_start(&d))
		goto close_loop;
	saker_log_info("running: %zu rules, %u rings, %llu processes from %s",
		       saker_engine_rule_count(d.engine), saker_ring_info(d.ring)->nr_rings,
		       (unsigned long long)d.seeded, cfg->proc_root);
	/* Rules loaded, device attached, outputs up: ready. */
	saker_notify_sendf(&d.notify, "READY=1\nSTATUS=running: %zu rules, %u rings",
			   saker_engine_rule_count(d.engine), saker_ring_info(d.ring)->nr_rings);
	status = saker_daemon_loop(&d) ? 1 : 0;
	saker_notify_send(&d.notify, "STOPPING=1\nSTATUS=stopping");
	/* Written before the exit statistics, so that they count it. */
	saker_alerts_flush(d.alerts, 2000);
	saker_daemon_stats(&d, "exit");
close_loop:
	saker_daemon_health_stop(&d);
	saker_daemon_loop_close(&d);
	saker_ctl_close(d.ctl);
	saker_alerts_free(d.alerts);
close_ring:
	saker_ring_close(d.ring);
fini_merge:
	saker_merge_fini(&d.merge);
	saker_track_fini(&d.track);
free_engine:
	saker_notify_close(&d.notify);
	saker_engine_free(d.engine);
	return status;
}
