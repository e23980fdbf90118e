// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd's main loop. One thread reads everything: the ring epoll fd, a
 * signalfd and the statistics timerfd share one epoll set, so no work is
 * ever done in a signal handler and nothing sleep-polls. The outputs run
 * their own writer threads, created after the signals are blocked, so
 * they inherit the mask and signals only reach the signalfd.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "lib/decode.h"

#define ANCESTRY_CHECK 4	/* depth of the "is it our own child" test */

enum { TAG_RING = 1, TAG_SIGNAL, TAG_TIMER, TAG_LOSSES };

static uint64_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int saker_daemon_engine(const struct saker_config *cfg, struct saker_engine **out,
			FILE *diag, bool quiet, char *why, size_t whylen)
{
	struct saker_engine *e = saker_engine_new();
	char *text = NULL;
	size_t len = 0, i;
	FILE *mem;

	*out = NULL;
	if (!e) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	saker_engine_set_match_mode(e, cfg->rule_matching);
	saker_engine_set_min_priority(e, cfg->priority);
	for (i = 0; i < cfg->nrules; i++)
		saker_engine_load_path(e, cfg->rules_files[i]);
	saker_engine_compile(e);
	if (diag && (!quiet || saker_engine_error_count(e)))
		saker_engine_print_diags(e, diag);
	if (!saker_engine_error_count(e)) {
		*out = e;
		return 0;
	}
	/* The first error line is the reason given in the reload alert. */
	snprintf(why, whylen, "%zu error(s) in the rules", saker_engine_error_count(e));
	mem = open_memstream(&text, &len);
	if (mem) {
		saker_engine_print_diags(e, mem);
		fclose(mem);
		for (char *l = text, *nl; l && *l; l = nl ? nl + 1 : NULL) {
			nl = strchr(l, '\n');
			if (nl)
				*nl = '\0';
			if (strstr(l, "error") || strstr(l, "E-")) {
				snprintf(why, whylen, "%s", l);
				break;
			}
		}
		free(text);
	}
	saker_engine_free(e);
	return -EINVAL;
}

/* Events of sakerd's own children (program output) update the process
 * table but are not run through the rules; the kernel skips sakerd itself. */
static bool from_self(struct saker_daemon *d, const struct saker_task *t)
{
	uint32_t pid = t->ppid;
	int depth;

	if (t->pid == (uint32_t)d->self || pid == (uint32_t)d->self)
		return true;
	for (depth = 0; depth < ANCESTRY_CHECK && pid > 1; depth++) {
		const struct saker_proc *p = saker_proctable_get(d->pt, pid);

		if (!p)
			return false;
		if (p->ppid == (uint32_t)d->self)
			return true;
		pid = p->ppid;
	}
	return false;
}

static void on_record(struct saker_daemon *d, const void *rec, size_t len)
{
	struct saker_event ev;
	const char *why;
	size_t used;

	if (saker_decode(rec, len, &ev, &used, &why) != SAKER_DECODE_EVENT) {
		d->decode_errors++;
		return;
	}
	if (ev.type < SAKER_REC_TYPE_MAX)
		d->events[ev.type]++;
	if (from_self(d, ev.task)) {
		d->own_events++;
		saker_proctable_pre(d->pt, &ev);
		saker_proctable_post(d->pt, &ev);
		return;
	}
	/* The engine only reads the table: fork/exec before, exit after. */
	saker_proctable_pre(d->pt, &ev);
	saker_engine_process(d->engine, &ev, saker_alerts_rule, d->alerts);
	saker_proctable_post(d->pt, &ev);
}

/* Drain callback: the event points into the ring; copy it to the merge. */
static int on_ring_event(const struct saker_event *ev, void *ctx)
{
	struct saker_daemon *d = ctx;
	const unsigned char *rec = (const unsigned char *)ev->task -
				   sizeof(struct saker_rec_hdr);

	saker_merge_push(&d->merge, ev->task->ts_ns, rec, ev->rec_len);
	return 0;
}

/* Every merged record due at now, in timestamp order. */
static void flush(struct saker_daemon *d, uint64_t now)
{
	const void *rec;
	size_t len;

	while (saker_merge_next(&d->merge, now, &rec, &len))
		on_record(d, rec, len);
}

static int drain(struct saker_daemon *d)
{
	int ret = saker_ring_drain(d->ring, on_ring_event, d);

	if (ret < 0) {
		fprintf(stderr, "sakerd: ring drain: %s\n", saker_ring_error(d->ring));
		return ret;
	}
	flush(d, now_mono());
	return 0;
}

static void reload(struct saker_daemon *d)
{
	struct saker_engine *e;
	char why[512];

	fprintf(stderr, "sakerd: SIGHUP: reloading rules\n");
	if (saker_daemon_engine(d->cfg, &e, stderr, true, why, sizeof(why))) {
		char msg[700];

		d->reload_failures++;
		fprintf(stderr, "sakerd: rule reload failed, keeping the old rules: %s\n", why);
		snprintf(msg, sizeof(msg), "rule reload failed, the previous rules stay active: %s", why);
		saker_alerts_internal(d->alerts, SAKER_PRIO_CRITICAL,
				      "saker: rule reload failed", msg,
				      json_pack("{s:s}", "saker.reason", why));
		return;
	}
	saker_engine_set_proctable(e, d->pt);
	saker_engine_set_meta(e, &d->meta);
	saker_engine_free(d->engine);
	d->engine = e;
	d->reloads++;
	fprintf(stderr, "sakerd: rules reloaded: %zu rules\n", saker_engine_rule_count(e));
}

static void handle_signal(struct saker_daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			d->stop = true;
			break;
		case SIGHUP:
			reload(d);
			break;
		case SIGUSR1:
			saker_alerts_reopen(d->alerts);
			break;
		case SIGUSR2:
			saker_daemon_stats(d, "signal");
			break;
		default:
			break;
		}
	}
}

static int loop(struct saker_daemon *d)
{
	while (!d->stop) {
		struct epoll_event ev[4];
		int n, i, timeout = saker_merge_timeout_ms(&d->merge, now_mono());

		n = epoll_wait(d->epfd, ev, 4, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "sakerd: epoll_wait: %s\n", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n; i++) {
			uint64_t ticks;

			switch (ev[i].data.u32) {
			case TAG_RING:
				if (drain(d))
					return -EIO;
				break;
			case TAG_SIGNAL:
				handle_signal(d);
				break;
			case TAG_TIMER:
				if (read(d->timerfd, &ticks, sizeof(ticks)) == sizeof(ticks))
					saker_daemon_stats(d, "periodic");
				break;
			case TAG_LOSSES:
				if (read(d->losstimerfd, &ticks, sizeof(ticks)) == sizeof(ticks))
					saker_daemon_check_losses(d);
				break;
			}
		}
		if (!n)	/* merge window elapsed: hand out what is due */
			flush(d, now_mono());
	}
	/* Last drain: everything published before the stop is handled. */
	saker_ring_drain(d->ring, on_ring_event, d);
	flush(d, UINT64_MAX);
	saker_daemon_check_losses(d);
	return 0;
}

static int add_fd(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee) ? -errno : 0;
}

/* A periodic CLOCK_MONOTONIC timer in the epoll set. */
static int add_timer(struct saker_daemon *d, int *fd, unsigned int period_s,
		     uint32_t tag)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = period_s },
		.it_value = { .tv_sec = period_s },
	};

	*fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (*fd < 0 || timerfd_settime(*fd, 0, &its, NULL))
		return -errno;
	return add_fd(d->epfd, *fd, tag);
}

static int setup_fds(struct saker_daemon *d, const sigset_t *mask)
{
	int ret;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;
	d->sigfd = signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0)
		return -errno;
	ret = add_fd(d->epfd, d->sigfd, TAG_SIGNAL);
	if (ret)
		return ret;
	ret = add_fd(d->epfd, saker_ring_fd(d->ring), TAG_RING);
	if (ret)
		return ret;
	/* Losses are looked at every second: an alert within a second. */
	ret = add_timer(d, &d->losstimerfd, 1, TAG_LOSSES);
	if (ret)
		return ret;
	if (d->cfg->stats_interval_s)
		ret = add_timer(d, &d->timerfd, d->cfg->stats_interval_s, TAG_TIMER);
	return ret;
}

static void close_fds(struct saker_daemon *d)
{
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->losstimerfd >= 0)
		close(d->losstimerfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
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

	d.self = getpid();
	/* Blocked before any thread exists, so every thread inherits it. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (saker_daemon_engine(cfg, &d.engine, stderr, true, err, sizeof(err))) {
		fprintf(stderr, "sakerd: rules are invalid: %s\n", err);
		return 1;
	}
	d.pt = saker_proctable_new(cfg->max_procs);
	d.ctrs = saker_containers_new(&cc);
	if (!d.pt || !d.ctrs) {
		fprintf(stderr, "sakerd: out of memory\n");
		goto free_tables;
	}
	saker_containers_provider(d.ctrs, &d.meta);
	saker_engine_set_proctable(d.engine, d.pt);
	saker_engine_set_meta(d.engine, &d.meta);
	saker_loss_watch_init(&d.losses, (uint64_t)(cfg->loss_alert_interval_s ?: 1) *
			      1000000000ull);
	saker_merge_init(&d.merge, (uint64_t)cfg->merge_window_ms * 1000000ull,
			 cfg->merge_max_pending);

	/* Only this process ever opens the device: the kernel skips the
	 * reader's tgid, and the fd is O_CLOEXEC so no child inherits it. */
	ret = saker_ring_open(&d.ring, cfg->device, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sakerd: %s%s\n", err, saker_ring_open_hint(ret));
		goto free_tables;
	}
	/* After the open: processes started later arrive as events. */
	seeded = saker_proctable_seed(d.pt, cfg->proc_root);
	if (seeded < 0)
		fprintf(stderr, "sakerd: cannot read %s: %s; process table starts empty\n",
			cfg->proc_root, strerror((int)-seeded));
	else
		d.seeded = (uint64_t)seeded;
	ret = saker_alerts_new(&d.alerts, cfg, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sakerd: outputs: %s\n", err);
		goto close_ring;
	}
	ret = setup_fds(&d, &mask);
	if (ret) {
		fprintf(stderr, "sakerd: event loop setup: %s\n", strerror(-ret));
		goto close_fds;
	}
	fprintf(stderr, "sakerd: running: %zu rules, %u rings, %llu processes from %s\n",
		saker_engine_rule_count(d.engine), saker_ring_info(d.ring)->nr_rings,
		(unsigned long long)d.seeded, cfg->proc_root);
	status = loop(&d) ? 1 : 0;
	/* Written before the exit statistics, so that they count it. */
	saker_alerts_flush(d.alerts, 2000);
	saker_daemon_stats(&d, "exit");
close_fds:
	close_fds(&d);
	saker_alerts_free(d.alerts);
close_ring:
	saker_ring_close(d.ring);
	saker_merge_fini(&d.merge);
free_tables:
	saker_engine_free(d.engine);
	saker_containers_free(d.ctrs);
	saker_proctable_free(d.pt);
	return status;
}
