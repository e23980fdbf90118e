// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd's main loop. One thread reads everything: the ring epoll fd, a
 * signalfd and the timerfds share one epoll set, so no work is ever done
 * in a signal handler and nothing sleep-polls. The outputs run their own
 * writer threads, created after the signals are blocked, so they inherit
 * the mask and signals only reach the signalfd.
 *
 * Records go ring -> merge here (raw bytes, copied once), then leave the
 * merge in timestamp order into the per-record step (pipeline.c).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "metrics.h"

enum { TAG_RING = 1, TAG_SIGNAL, TAG_TIMER, TAG_LOSSES };

/* ring -> merge: the record's bytes are copied, its ring space goes back. */
static int on_ring_record(const void *rec, size_t len, void *ctx)
{
	struct saker_daemon *d = ctx;

	saker_merge_push(&d->merge, saker_record_ts(rec), rec, len);
	return 0;
}

/* merge -> pipeline: every record due at now, in timestamp order. */
static void flush(struct saker_daemon *d, uint64_t now)
{
	const void *rec;
	size_t len;

	while (saker_merge_next(&d->merge, now, &rec, &len))
		saker_pipeline_record(&d->pipe, rec, len, NULL);
}

static int drain(struct saker_daemon *d)
{
	int ret = saker_ring_drain(d->ring, on_ring_record, d);

	if (ret < 0) {
		saker_log_warnx("ring drain: %s", saker_ring_error(d->ring));
		return ret;
	}
	flush(d, saker_now_mono_ns());
	return 0;
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
			saker_daemon_reload(d);
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

int saker_daemon_loop(struct saker_daemon *d)
{
	while (!d->stop) {
		struct epoll_event ev[4];
		int n, i, timeout = saker_merge_timeout_ms(&d->merge, saker_now_mono_ns());

		n = epoll_wait(d->epfd, ev, 4, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			saker_log_warn("epoll_wait");
			return n;
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
				if (read(d->losstimerfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
					saker_daemon_check_losses(d);
					saker_daemon_check_clock(d);
					saker_daemon_check_config(d);
					saker_daemon_health_tick(d);
				}
				break;
			}
		}
		if (!n)	/* merge window elapsed: hand out what is due */
			flush(d, saker_now_mono_ns());
	}
	/* Last drain: everything published before the stop is handled. */
	saker_ring_drain(d->ring, on_ring_record, d);
	flush(d, UINT64_MAX);
	saker_daemon_check_losses(d);
	return 0;
}

void saker_daemon_check_clock(struct saker_daemon *d)
{
	int64_t step;

	if (!saker_clock_anchor_refresh(&d->clock, &step))
		return;
	/* Events from now on: those already stamped keep their time. */
	d->pipe.clock_offset_ns = d->clock.offset_ns;
	d->clock_steps++;
	saker_log(SAKER_LOG_NOTICE, "wall clock stepped by %+lld ms; alert times follow it",
		  (long long)(step / 1000000));
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

int saker_daemon_loop_setup(struct saker_daemon *d, const sigset_t *mask)
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
	/* Losses and wall-clock steps are looked at every second. */
	ret = add_timer(d, &d->losstimerfd, 1, TAG_LOSSES);
	if (ret)
		return ret;
	if (d->cfg->stats_interval_s)
		ret = add_timer(d, &d->timerfd, d->cfg->stats_interval_s, TAG_TIMER);
	return ret;
}

void saker_daemon_loop_close(struct saker_daemon *d)
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
