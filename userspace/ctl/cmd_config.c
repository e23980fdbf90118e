// SPDX-License-Identifier: GPL-2.0
/*
 * sakerctl config: read or change the module's configuration over generic
 * netlink. Root only, as every command of the control plane.
 */
#include <errno.h>
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

static const char config_usage[] =
"Usage: sakerctl config get [--json]\n"
"       sakerctl config set KEY=VALUE...\n"
"\n"
"Read or change the saker module's configuration. The event classes last\n"
"until the module is unloaded; the ignore list and the open filter belong\n"
"to the reader of the rings and go when a reader opens or closes it. One\n"
"set changes every key it names, or none of them.\n"
"\n"
"Keys:\n"
"  classes=LIST  the event classes the module records: a comma-separated list\n"
"                of exec, fork, exit, open, cred (credential changes), load\n"
"                (kernel module and kexec loads), ns (namespaces joined or made),\n"
"                ptrace (attach to another task), fs (files renamed, removed,\n"
"                linked, chmod, chown...), or all, or none (default all).\n"
"                Rules on a class that is off never match, and without fork\n"
"                and exit the daemon's process table ages: turn classes off\n"
"                only to measure.\n"
"  ignore=PIDS   thread groups whose events are not recorded, only counted\n"
"                (sakerctl stats, \"ignored\"): a comma-separated list of at\n"
"                most 16 process ids of running processes, or none. Their\n"
"                children are recorded, and an id is dropped when its\n"
"                process exits, so a new process given the same id is seen.\n"
"                sakerd raises a critical alert while the list is not empty:\n"
"                whatever these processes do is invisible to the rules.\n"
"\n"
"The open filter is set by sakerd from its rules (sakerd -n prints it); get\n"
"shows its size.\n"
"\n"
"Options:\n"
"  -j, --json   print the configuration as one JSON object\n"
"  -h, --help   show this help\n"
"\n"
"The control plane needs CAP_SYS_ADMIN and CAP_NET_ADMIN (root); the\n"
"module logs every change with the caller's pid to the kernel log.\n"
"\n"
"Exit status: 0 success, 1 refused or the module is not loaded, 2 usage\n"
"error.\n"
"\n"
"Examples:\n"
"  sakerctl config get\n"
"  sakerctl config set classes=exec,fork,exit\n"
"  sakerctl config set classes=all ignore=none\n"
"  sakerctl config set ignore=$(pidof backup-agent | tr ' ' ,)\n";

static int config_get(struct saker_ctl *c, bool json)
{
	char err[SAKER_ERRLEN], names[64];
	struct saker_ctl_config cf;
	size_t i;
	int ret;

	ret = saker_ctl_get_config(c, &cf, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return EXIT_FAILURE;
	}
	saker_ctl_format_classes(cf.classes, names, sizeof(names));
	if (json) {
		json_t *ign = json_array();
		json_t *j = json_pack("{s:s,s:I,s:b,s:I,s:o*}", "classes", names,
				      "classes_mask", (json_int_t)cf.classes,
				      "open_filter", cf.filter_set,
				      "open_filter_entries", (json_int_t)cf.filter_entries,
				      "ignore", ign);

		for (i = 0; ign && i < cf.nignore; i++)
			json_array_append_new(ign, json_integer(cf.ignore[i]));
		ret = j && ign ? saker_json_print(stdout, j) : -1;
		json_decref(j);
		if (ret)
			return EXIT_FAILURE;
	} else {
		printf("classes=%s\n", names);
		if (cf.filter_set)
			printf("open_filter=%" PRIu32 " entries\n",
			       cf.filter_entries);
		else
			printf("open_filter=none\n");
		printf("ignore=");
		for (i = 0; i < cf.nignore; i++)
			printf("%s%" PRIu32, i ? "," : "", cf.ignore[i]);
		printf("%s\n", cf.nignore ? "" : "none");
	}
	return fflush(stdout) ? EXIT_FAILURE : 0;
}

/* "12,345" or "none" into set->ignore. */
static int parse_ignore(const char *s, struct saker_ctl_set *set)
{
	const char *p = s;
	char *end;

	set->ignore_set = true;
	set->nignore = 0;
	if (!strcmp(s, "none"))
		return 0;
	for (;;) {
		unsigned long v;

		if (*p < '0' || *p > '9')
			return saker_ctl_usage_error("config", "set: ignore: '%s' is not a list of process ids or none",
						     s);
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || !v || v > INT32_MAX)
			return saker_ctl_usage_error("config", "set: ignore: no process has the id %.*s",
						     (int)(end - p), p);
		if (set->nignore == SAKER_IGNORE_MAX)
			return saker_ctl_usage_error("config", "set: ignore: more than %d process ids",
						     SAKER_IGNORE_MAX);
		set->ignore[set->nignore++] = (uint32_t)v;
		if (!*end)
			return 0;
		if (*end != ',')
			return saker_ctl_usage_error("config", "set: ignore: '%s' is not a list of process ids or none",
						     s);
		p = end + 1;
	}
}

/* The keys of "set": 0, or the usage error's exit status. */
static int parse_set(int argc, char *argv[], struct saker_ctl_set *set)
{
	char err[SAKER_ERRLEN];
	int i, ret;

	if (!argc)
		return saker_ctl_usage_error("config", "set: nothing to set (classes=LIST, ignore=PIDS)");
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "classes=", 8)) {
			if (saker_ctl_parse_classes(argv[i] + 8, &set->classes, err, sizeof(err)))
				return saker_ctl_usage_error("config", "set: %s", err);
			set->classes_set = true;
		} else if (!strncmp(argv[i], "ignore=", 7)) {
			ret = parse_ignore(argv[i] + 7, set);
			if (ret)
				return ret;
		} else {
			return saker_ctl_usage_error("config", "set: unknown key in '%s' (classes=LIST, ignore=PIDS)",
						     argv[i]);
		}
	}
	return 0;
}

static int config_set(struct saker_ctl *c, const struct saker_ctl_set *set)
{
	char err[SAKER_ERRLEN];

	if (saker_ctl_set_config(c, set, err, sizeof(err))) {
		saker_log_warnx("config set: %s", err);
		return EXIT_FAILURE;
	}
	return 0;
}

int saker_cmd_config(int argc, char *argv[])
{
	char err[SAKER_ERRLEN];
	struct saker_ctl_set set = { 0 };
	struct saker_ctl *c;
	bool json;
	const char *verb;
	int ret;

	ret = saker_ctl_json_option("config", config_usage, argc, argv, &json);
	if (ret >= 0)
		return ret;
	if (optind == argc)
		return saker_ctl_usage_error("config", "missing 'get' or 'set'");
	verb = argv[optind++];
	if (strcmp(verb, "get") && strcmp(verb, "set"))
		return saker_ctl_usage_error("config", "unknown action '%s' (get or set)", verb);
	if (!strcmp(verb, "get") && optind < argc)
		return saker_ctl_usage_error("config", "get: unexpected argument '%s'",
					     argv[optind]);
	if (!strcmp(verb, "set") && json)
		return saker_ctl_usage_error("config", "set: --json is for get");
	if (!strcmp(verb, "set")) {
		ret = parse_set(argc - optind, argv + optind, &set);
		if (ret)
			return ret;
	}
	ret = saker_ctl_open(&c, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return EXIT_FAILURE;
	}
	ret = !strcmp(verb, "get") ? config_get(c, json) : config_set(c, &set);
	saker_ctl_close(c);
	return ret;
}
