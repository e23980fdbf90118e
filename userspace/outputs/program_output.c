// SPDX-License-Identifier: GPL-2.0
/*
 * Program output, Falco's program_output. keep_alive: `sh -c PROGRAM` is
 * spawned once and gets one alert per line on its stdin; when it dies
 * (EPIPE on write) it is reaped and respawned with backoff, and the line
 * being written is retried once on the new process. Without keep_alive
 * (Falco's default) each alert runs the program once with the alert alone
 * on its stdin, so `curl -d @- URL` posts every alert; the next alert waits
 * for it to exit, a run is bounded in time, and the queue takes the wait.
 * The writer thread blocks every signal, so EPIPE never becomes a fatal
 * SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outputs_int.h"

/* After EPIPE, how long the old process gets to exit before it is killed. */
#define REAP_GRACE_MS 1000
#define TERM_GRACE_MS 100
/* keep_alive false: a run that has not exited after this long is killed. */
#define RUN_TIMEOUT_MS 30000

extern char **environ;

struct prog_out {
	const char *cmd;
	pid_t pid;
	int fd;
	bool keep_alive;	/* one process for all alerts */
	bool spawned_once;
	bool delay;		/* back off before the next spawn */
	unsigned int backoff;
};

static int prog_spawn(struct prog_out *g)
{
	char *argv[] = { "sh", "-c", (char *)g->cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int pfd[2], ret;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	ret = -posix_spawn_file_actions_init(&fa);
	if (ret)
		goto close_pipe;
	ret = -posix_spawnattr_init(&at);
	if (ret)
		goto destroy_actions;
	sigemptyset(&none);
	sigfillset(&all);
	/* The child starts clean: writer threads block everything, and the
	 * daemon may ignore SIGPIPE; its own process group keeps a terminal's
	 * ^C for the daemon, which then drains alerts into it. */
	ret = -posix_spawn_file_actions_adddup2(&fa, pfd[0], STDIN_FILENO);
	if (!ret)
		ret = -posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	if (!ret)
		ret = -posix_spawnattr_setsigmask(&at, &none);
	if (!ret)
		ret = -posix_spawnattr_setsigdefault(&at, &all);
	if (!ret)
		ret = -posix_spawnattr_setpgroup(&at, 0);
	if (!ret)
		ret = -posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF |
						POSIX_SPAWN_SETPGROUP);
	if (!ret)
		ret = -posix_spawn(&g->pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
destroy_actions:
	posix_spawn_file_actions_destroy(&fa);
close_pipe:
	close(pfd[0]);
	if (ret) {
		close(pfd[1]);
		g->pid = -1;
		return ret;
	}
	/* Non-blocking so that a stop request reaches a writer facing a full pipe. */
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	g->fd = pfd[1];
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Reaps the child after its stdin was closed: it may exit on its own until
 * deadline_ns, then its process group gets SIGTERM, then SIGKILL. Returns
 * the wait status, or -1 when someone else reaped it (ECHILD).
 */
static int prog_reap(struct prog_out *g, uint64_t deadline_ns)
{
	int status = -1, sig = 0;
	uint64_t end = deadline_ns;

	if (g->pid <= 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(g->pid, &status, WNOHANG);

		if (r == g->pid || (r < 0 && errno != EINTR)) {
			if (r < 0)
				status = -1;
			break;
		}
		if (saker_now_mono_ns() < end) {
			sleep_ms(5);
			continue;
		}
		if (sig == SIGKILL) {
			if (waitpid(g->pid, &status, 0) < 0)
				status = -1;
			break;
		}
		sig = sig ? SIGKILL : SIGTERM;
		kill(-g->pid, sig);
		end = saker_now_mono_ns() + TERM_GRACE_MS * 1000000ULL;
	}
	g->pid = -1;
	return status;
}

static int prog_open(struct saker_out *out, const struct saker_outputs_config *cfg,
		     char *err, size_t errlen)
{
	struct prog_out *g;
	int ret;

	if (!cfg->program || !*cfg->program) {
		snprintf(err, errlen, "program_output: no program");
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "program_output: out of memory");
		return -ENOMEM;
	}
	g->cmd = cfg->program;
	g->fd = -1;
	g->pid = -1;
	g->keep_alive = cfg->program_keep_alive;
	out->priv = g;
	/* Once per alert: nothing runs until the first one. */
	if (!g->keep_alive)
		return 0;
	ret = prog_spawn(g);
	if (ret) {
		snprintf(err, errlen, "program_output: %s: %s", g->cmd, strerror(-ret));
		out->priv = NULL;
		free(g);
		return ret;
	}
	g->spawned_once = true;
	g->delay = true;
	return 0;
}

/* epipe: it stopped reading its input (kept alive); else a run's end. */
static void report_exit(struct saker_out *out, int status, bool epipe)
{
	char what[64];

	if (status >= 0 && WIFEXITED(status))
		snprintf(what, sizeof(what), "program exited with status %d",
			 WEXITSTATUS(status));
	else if (status >= 0 && WIFSIGNALED(status))
		snprintf(what, sizeof(what), "program killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(what, sizeof(what), "program closed its input");
	if (epipe)
		saker_out_failed(out, what, EPIPE);
	else
		saker_out_failedx(out, "%s: %s", what, "alert counted as not delivered");
}

/*
 * Waits for a run to exit, until deadline_ns (then it is killed): its wait
 * status, or -ECANCELED when stopping (prog_close() reaps it then).
 */
static int wait_run(struct saker_out *out, struct prog_out *g, uint64_t deadline_ns)
{
	int status;

	for (;;) {
		pid_t r = waitpid(g->pid, &status, WNOHANG);

		if (r == g->pid) {
			g->pid = -1;
			return status;
		}
		if (r < 0 && errno != EINTR) {
			g->pid = -1;
			return -1;
		}
		if (saker_now_mono_ns() >= deadline_ns)
			return prog_reap(g, 0);
		if (saker_out_sleep(out, 2))
			return -ECANCELED;
	}
}

/* keep_alive false: one run of the program with this alert on its stdin. */
static int run_once(struct saker_out *out, struct prog_out *g,
		    const struct saker_payload *p)
{
	uint64_t deadline;
	int ret, status;

	for (;;) {
		if (g->delay) {
			ret = saker_out_sleep(out, saker_out_backoff(&g->backoff));
			if (ret)
				return ret;
		}
		ret = prog_spawn(g);
		if (!ret)
			break;
		/* Like a TCP connect: the alert stays queued, retried with backoff. */
		g->delay = true;
		saker_out_failed(out, "spawn", -ret);
	}
	g->delay = false;
	g->backoff = 0;
	deadline = saker_now_mono_ns() + RUN_TIMEOUT_MS * 1000000ULL;
	ret = saker_out_write_all(out, g->fd, p->line, p->line_len, false, RUN_TIMEOUT_MS);
	/* EOF tells it the alert is whole. */
	close(g->fd);
	g->fd = -1;
	status = wait_run(out, g, deadline);
	if (status == -ECANCELED || ret == -ECANCELED)
		return -ECANCELED;
	if (ret) {
		saker_out_failed(out, "write", -ret);
		return ret;
	}
	/* The alert only got where the program sends it if it succeeded. */
	if (status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status)) {
		saker_out_recovered(out);
		return 0;
	}
	report_exit(out, status, false);
	return -EIO;
}

static int prog_deliver(struct saker_out *out, const struct saker_payload *p)
{
	struct prog_out *g = out->priv;
	bool retried = false;
	int ret;

	if (!g->keep_alive)
		return run_once(out, g, p);

	for (;;) {
		if (g->fd < 0) {
			if (g->delay) {
				ret = saker_out_sleep(out, saker_out_backoff(&g->backoff));
				if (ret)
					return ret;
			}
			ret = prog_spawn(g);
			g->delay = true;
			if (ret) {
				/* Like a TCP connect: the alert stays queued. */
				saker_out_failed(out, "spawn", -ret);
				continue;
			}
			if (g->spawned_once)
				atomic_fetch_add(&out->reconnects, 1);
			g->spawned_once = true;
		}
		ret = saker_out_write_all(out, g->fd, p->line, p->line_len, false, -1);
		if (!ret) {
			g->delay = false;
			g->backoff = 0;
			saker_out_recovered(out);
			return 0;
		}
		if (ret == -ECANCELED)
			return ret;
		close(g->fd);
		g->fd = -1;
		report_exit(out, prog_reap(g, saker_now_mono_ns() +
					   REAP_GRACE_MS * 1000000ULL), true);
		if (retried)
			return ret;
		retried = true;
	}
}

static void prog_close(struct saker_out *out, uint64_t deadline_ns)
{
	struct prog_out *g = out->priv;

	if (!g)
		return;
	/* EOF on its stdin is the program's signal to finish. */
	if (g->fd >= 0)
		close(g->fd);
	prog_reap(g, deadline_ns);
	free(g);
	out->priv = NULL;
}

const struct saker_out_ops saker_out_program_ops = {
	.open = prog_open,
	.deliver = prog_deliver,
	.close = prog_close,
};
