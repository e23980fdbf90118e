// SPDX-License-Identifier: GPL-2.0
/*
 * sakerctl stats: each ring's counters, once or every few seconds, as a
 * table or JSON lines. Read over generic netlink, beside any reader.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "ctl.h"
#include "lib/errbuf.h"
#include "lib/json.h"
#include "lib/log.h"

static const char stats_usage[] =
"Usage: sakerctl stats [--json] [--watch [SECONDS]]\n"
"\n"
"Print each CPU's ring counters as the module keeps them since its reader\n"
"attached: events recorded, drops by cause (the ring was full, the record\n"
"could not be built, a hook re-entered on that CPU, a task other than host\n"
"root went over its fair share of the ring), opens the open filter left\n"
"out, events of ignored thread groups (sakerctl config), which are not\n"
"losses, and bytes not yet consumed, then their total. With --watch, print them again every SECONDS (1) with\n"
"what changed per second, until interrupted. Any user may run it; a running\n"
"reader is not disturbed.\n"
"\n"
"Options:\n"
"  -j, --json             one JSON object per sample:\n"
"                         {\"cpus\":[{\"cpu\":0,\"events\":N,...}],\"total\":{...}}\n"
"  -w, --watch[=SECONDS]  repeat every SECONDS (1 to 3600)\n"
"  -h, --help             show this help\n"
"\n"
"Exit status: 0 success, 1 the module is not loaded or did not answer,\n"
"2 usage error.\n";

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static json_t *cpu_json(const struct saker_ctl_cpu *s, bool with_cpu)
{
	json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			      "events", (json_int_t)s->events,
			      "filtered", (json_int_t)s->filtered,
			      "ignored", (json_int_t)s->ignored,
			      "drops", (json_int_t)saker_ctl_cpu_drops(s),
			      "drops_full", (json_int_t)s->drops_full,
			      "drops_fault", (json_int_t)s->drops_fault,
			      "reentries", (json_int_t)s->reentries,
			      "drops_share", (json_int_t)s->drops_share,
			      "queued_bytes", (json_int_t)s->queued);

	if (j && with_cpu && json_object_set_new(j, "cpu", json_integer(s->cpu))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static int print_json(const struct saker_ctl_cpu *v, size_t n,
		      const struct saker_ctl_cpu *total)
{
	json_t *j = json_object(), *arr = json_array();
	size_t i;
	int ret = -1;

	if (!j || !arr)
		goto put;
	for (i = 0; i < n; i++)
		if (json_array_append_new(arr, cpu_json(&v[i], true)))
			goto put;
	if (json_object_set(j, "cpus", arr) ||
	    json_object_set_new(j, "total", cpu_json(total, false)))
		goto put;
	ret = saker_json_print(stdout, j);
put:
	json_decref(arr);
	json_decref(j);
	return ret;
}

static void row(const char *name, const struct saker_ctl_cpu *s)
{
	printf("%-6s %12" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
	       " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %12" PRIu64 "\n", name, s->events,
	       s->drops_full, s->drops_fault, s->reentries, s->drops_share, s->filtered,
	       s->ignored, s->queued);
}

static void print_table(const struct saker_ctl_cpu *v, size_t n,
			const struct saker_ctl_cpu *total,
			const struct saker_ctl_cpu *rate)
{
	char name[16];
	size_t i;

	printf("%-6s %12s %10s %10s %10s %10s %12s %10s %12s\n", "cpu", "events",
	       "full", "fault", "reentry", "share", "filtered", "ignored", "queued");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%" PRIu32, v[i].cpu);
		row(name, &v[i]);
	}
	row("total", total);
	if (rate)
		row("/s", rate);
}

/* A new reader resets the counters: then the rate counts from zero. */
static uint64_t rise(uint64_t now, uint64_t prev, unsigned int secs)
{
	return (now >= prev ? now - prev : now) / secs;
}

/* What changed per second from prev to now, over secs. */
static void per_second(const struct saker_ctl_cpu *now,
		       const struct saker_ctl_cpu *prev, unsigned int secs,
		       struct saker_ctl_cpu *rate)
{
	rate->events = rise(now->events, prev->events, secs);
	rate->drops_full = rise(now->drops_full, prev->drops_full, secs);
	rate->drops_fault = rise(now->drops_fault, prev->drops_fault, secs);
	rate->reentries = rise(now->reentries, prev->reentries, secs);
	rate->drops_share = rise(now->drops_share, prev->drops_share, secs);
	rate->filtered = rise(now->filtered, prev->filtered, secs);
	rate->ignored = rise(now->ignored, prev->ignored, secs);
	rate->queued = now->queued;
}

static int parse_secs(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 3600 || s[0] == '-')
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* Sleeps secs, or less when a signal asks to stop. */
static void pause_secs(unsigned int secs)
{
	struct timespec ts = { .tv_sec = secs };

	while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int saker_cmd_stats(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct saker_ctl_cpu total, prev = { 0 }, rate;
	unsigned int secs = 0;
	char err[SAKER_ERRLEN];
	struct saker_ctl *c;
	bool json = false, first = true;
	int o, ret;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":jw::h", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		case 'w':
			secs = 1;
			if (optarg && parse_secs(optarg, &secs))
				return saker_ctl_usage_error("stats",
					"--watch: '%s' is not a number of seconds from 1 to 3600",
					optarg);
			break;
		case 'h':
			fputs(stats_usage, stdout);
			return 0;
		default:
			return saker_ctl_bad_option("stats", o, argv);
		}
	}
	/* "--watch 5" as well as "--watch=5". */
	if (secs && optind < argc && !parse_secs(argv[optind], &secs))
		optind++;
	if (optind < argc)
		return saker_ctl_usage_error("stats", "unexpected argument '%s'",
					     argv[optind]);
	ret = saker_ctl_open(&c, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return EXIT_FAILURE;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	do {
		struct saker_ctl_cpu *cpus;
		size_t n;

		ret = saker_ctl_stats(c, &cpus, &n, err, sizeof(err));
		if (ret) {
			saker_log_warnx("%s", err);
			break;
		}
		saker_ctl_cpu_sum(cpus, n, &total);
		if (json) {
			ret = print_json(cpus, n, &total);
		} else {
			if (secs && !first)
				per_second(&total, &prev, secs, &rate);
			print_table(cpus, n, &total, secs && !first ? &rate : NULL);
			if (secs)
				putchar('\n');
		}
		free(cpus);
		if (ret || fflush(stdout)) {
			ret = -EIO;
			break;
		}
		prev = total;
		first = false;
		if (secs)
			pause_secs(secs);
	} while (secs && !stop);
	saker_ctl_close(c);
	return ret ? EXIT_FAILURE : 0;
}
