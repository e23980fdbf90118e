// SPDX-License-Identifier: GPL-2.0
/*
 * sakerctl status: what the module is and does now, through the control
 * plane, so it works while sakerd holds /dev/saker.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "ctl.h"
#include "lib/errbuf.h"
#include "lib/json.h"
#include "lib/log.h"

static const char status_usage[] =
"Usage: sakerctl status [--json]\n"
"\n"
"Show the loaded saker module: its version and ABI, which process reads its\n"
"rings (sakerd, a trace, or none), the event classes it records, the ring\n"
"layout and fair share, each hook attached with its runs and misses since\n"
"the module was loaded, the open probe's misses, and the events recorded and\n"
"dropped since the reader attached, summed over CPUs (sakerctl stats has\n"
"them per CPU). It asks the module over generic netlink (root only, like\n"
"the device); a running reader is not disturbed.\n"
"\n"
"Options:\n"
"  -j, --json   one JSON object instead of the table\n"
"  -h, --help   show this help\n"
"\n"
"Exit status: 0 success, 1 the module is not loaded or did not answer,\n"
"2 usage error.\n";

/* The reader's name from /proc, or "" when it is gone or unreadable. */
/* The module's SAKER_FEAT_* bits, by the names status prints. */
static const struct {
	uint64_t bit;
	const char *name;
} features[] = {
	{ SAKER_FEAT_EXIT_GROUP_DEAD, "exit_group_dead" },
	{ SAKER_FEAT_OPEN_FD, "open_fd" },
	{ SAKER_FEAT_OPEN_FILTER, "open_filter" },
	{ SAKER_FEAT_IGNORE, "ignore" },
	{ SAKER_FEAT_CRED, "cred" },
	{ SAKER_FEAT_LOAD, "load" },
	{ SAKER_FEAT_NSCHANGE, "nschange" },
	{ SAKER_FEAT_PTRACE, "ptrace" },
	{ SAKER_FEAT_FSCHANGE, "fschange" },
};

static void reader_comm(uint32_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	if (!pid)
		return;
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int print_json(const struct saker_ctl_info *in, const char *comm,
		      const char *classes, const struct saker_ctl_cpu *t)
{
	json_t *feat = json_array(), *hooks = json_array(), *ignore = json_array(), *j;
	size_t i;
	int ret;

	for (i = 0; ignore && i < in->config.nignore; i++)
		json_array_append_new(ignore, json_integer(in->config.ignore[i]));

	for (i = 0; hooks && i < in->nhooks; i++)
		json_array_append_new(hooks, json_pack("{s:s,s:s,s:I,s:I}",
			"name", in->hooks[i].name, "kind", in->hooks[i].kind,
			"hits", (json_int_t)in->hooks[i].hits,
			"missed", (json_int_t)in->hooks[i].missed));

	for (i = 0; feat && i < sizeof(features) / sizeof(features[0]); i++)
		if (in->features & features[i].bit)
			json_array_append_new(feat, json_string(features[i].name));
	j = json_pack("{s:s,s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:I,s:b,s:I,s:o?,s:o?,"
		      "s:o?,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}",
		      "module_version", in->module_version,
		      "abi_version", (json_int_t)in->abi_version,
		      "reader_pid", (json_int_t)in->reader_pid,
		      "reader_comm", comm,
		      "classes", classes,
		      "classes_mask", (json_int_t)in->config.classes,
		      "nr_rings", (json_int_t)in->nr_rings,
		      "ring_size", (json_int_t)in->ring_size,
		      "wakeup_bytes", (json_int_t)in->wakeup_bytes,
		      "latency_ms", (json_int_t)in->latency_ms,
		      "share_pct", (json_int_t)in->share_pct,
		      "open_probe", in->open_probe,
		      "open_maxactive", (json_int_t)in->open_maxactive,
		      "open_missed", (json_int_t)in->open_missed,
		      "open_filter", in->config.filter_set,
		      "open_filter_entries", (json_int_t)in->config.filter_entries,
		      "features", feat,
		      "hooks", hooks,
		      "ignore", ignore,
		      "since_reader",
		      "events", (json_int_t)t->events,
		      "filtered", (json_int_t)t->filtered,
		      "ignored", (json_int_t)t->ignored,
		      "drops", (json_int_t)saker_ctl_cpu_drops(t),
		      "drops_full", (json_int_t)t->drops_full,
		      "drops_fault", (json_int_t)t->drops_fault,
		      "reentries", (json_int_t)t->reentries,
		      "drops_share", (json_int_t)t->drops_share,
		      "queued_bytes", (json_int_t)t->queued);
	if (!j)
		return -1;
	ret = saker_json_print(stdout, j);
	json_decref(j);
	return ret;
}

static void print_table(const struct saker_ctl_info *in, const char *comm,
			const char *classes, const struct saker_ctl_cpu *t)
{
	size_t i;

	printf("module       saker %s, ABI %" PRIu32 "\n", in->module_version,
	       in->abi_version);
	if (in->reader_pid)
		printf("reader       pid %" PRIu32 "%s%s%s\n", in->reader_pid,
		       comm[0] ? " (" : "", comm, comm[0] ? ")" : "");
	else
		printf("reader       none: no events are recorded\n");
	printf("classes      %s%s\n", classes,
	       in->config.classes == SAKER_CLASS_ALL ? "" : " (others off: sakerctl config set classes=all)");
	printf("rings        %" PRIu32 " of %" PRIu64 " KiB, reader woken at %" PRIu64
	       " KiB or after %" PRIu32 " ms\n", in->nr_rings, in->ring_size / 1024,
	       in->wakeup_bytes / 1024, in->latency_ms);
	printf("fair share   %" PRIu32 "%% of a ring for tasks other than host root\n",
	       in->share_pct);
	printf("open probe   %s, %" PRIu32 " opens followed at once, %" PRIu64
	       " missed since load\n", in->open_probe, in->open_maxactive,
	       in->open_missed);
	for (i = 0; i < in->nhooks; i++)
		printf("hook         %-20s %-10s %" PRIu64 " runs, %" PRIu64 " missed since load\n",
		       in->hooks[i].name, in->hooks[i].kind, in->hooks[i].hits,
		       in->hooks[i].missed);
	if (in->config.filter_set)
		printf("open filter  %" PRIu32 " entries set by the reader: opens no rule could match are left out\n",
		       in->config.filter_entries);
	else
		printf("open filter  none: every open is recorded\n");
	if (in->config.nignore) {
		printf("ignore list ");
		for (i = 0; i < in->config.nignore; i++)
			printf(" %" PRIu32, in->config.ignore[i]);
		printf(": their events are not recorded\n");
	}
	printf("features   ");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (in->features & features[i].bit)
			printf(" %s", features[i].name);
	printf("%s\n", in->features ? "" : " none");
	printf("events       %" PRIu64 " recorded, %" PRIu64 " dropped (ring full %"
	       PRIu64 ", fault %" PRIu64 ", re-entry %" PRIu64 ", fair share %"
	       PRIu64 "), %" PRIu64 " left out by the open filter, %" PRIu64
	       " of ignored thread groups, %" PRIu64 " bytes queued, since the reader attached\n",
	       t->events, saker_ctl_cpu_drops(t), t->drops_full, t->drops_fault, t->reentries,
	       t->drops_share, t->filtered, t->ignored, t->queued);
}

int saker_cmd_status(int argc, char *argv[])
{
	struct saker_ctl_cpu *cpus = NULL, total;
	char err[SAKER_ERRLEN], comm[64], classes[64];
	struct saker_ctl_info in;
	struct saker_ctl *c;
	bool json;
	size_t n = 0;
	int ret;

	ret = saker_ctl_json_option("status", status_usage, argc, argv, &json);
	if (ret >= 0)
		return ret;
	if (optind < argc)
		return saker_ctl_usage_error("status", "unexpected argument '%s'",
					     argv[optind]);
	ret = saker_ctl_open(&c, err, sizeof(err));
	if (!ret)
		ret = saker_ctl_info(c, &in, err, sizeof(err));
	if (!ret)
		ret = saker_ctl_stats(c, &cpus, &n, err, sizeof(err));
	saker_ctl_close(c);
	if (ret) {
		saker_log_warnx("%s", err);
		return EXIT_FAILURE;
	}
	saker_ctl_cpu_sum(cpus, n, &total);
	free(cpus);
	reader_comm(in.reader_pid, comm, sizeof(comm));
	saker_ctl_format_classes(in.config.classes, classes, sizeof(classes));
	if (json) {
		if (print_json(&in, comm, classes, &total))
			return EXIT_FAILURE;
	} else {
		print_table(&in, comm, classes, &total);
	}
	return fflush(stdout) ? EXIT_FAILURE : 0;
}
