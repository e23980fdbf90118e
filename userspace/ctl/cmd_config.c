// SPDX-License-Identifier: GPL-2.0
/*
 * sakerctl config: read or change the module's configuration over generic
 * netlink. Root only, as every command of the control plane.
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

static const char config_usage[] =
"Usage: sakerctl config get [--json]\n"
"       sakerctl config set classes=LIST\n"
"\n"
"Read or change the saker module's configuration. It lasts until the module\n"
"is unloaded, whoever reads the rings; sakerd logs it when it starts.\n"
"\n"
"Keys:\n"
"  classes   the event classes the module records: a comma-separated list of\n"
"            exec, fork, exit, open, or all, or none (default all). Rules on a\n"
"            class that is off never match, and without fork and exit the\n"
"            daemon's process table ages: turn classes off only to measure.\n"
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
"  sakerctl config set classes=all\n";

static int config_get(struct saker_ctl *c, bool json)
{
	char err[SAKER_ERRLEN], names[64];
	struct saker_ctl_config cf;
	int ret;

	ret = saker_ctl_get_config(c, &cf, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return EXIT_FAILURE;
	}
	saker_ctl_format_classes(cf.classes, names, sizeof(names));
	if (json) {
		json_t *j = json_pack("{s:s,s:I,s:b,s:I}", "classes", names,
				      "classes_mask", (json_int_t)cf.classes,
				      "open_filter", cf.filter_set,
				      "open_filter_entries", (json_int_t)cf.filter_entries);

		ret = j ? saker_json_print(stdout, j) : -1;
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
	}
	return fflush(stdout) ? EXIT_FAILURE : 0;
}

/* The keys of "set": 0, or the usage error's exit status. */
static int parse_set(int argc, char *argv[], uint32_t *classes)
{
	char err[SAKER_ERRLEN];
	int i;

	if (!argc)
		return saker_ctl_usage_error("config", "set: nothing to set (classes=LIST)");
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "classes=", 8))
			return saker_ctl_usage_error("config", "set: unknown key in '%s' (classes=LIST)",
						     argv[i]);
		if (saker_ctl_parse_classes(argv[i] + 8, classes, err, sizeof(err)))
			return saker_ctl_usage_error("config", "set: %s", err);
	}
	return 0;
}

static int config_set(struct saker_ctl *c, uint32_t classes)
{
	char err[SAKER_ERRLEN];

	if (saker_ctl_set_classes(c, classes, err, sizeof(err))) {
		saker_log_warnx("config set: %s", err);
		return EXIT_FAILURE;
	}
	return 0;
}

int saker_cmd_config(int argc, char *argv[])
{
	char err[SAKER_ERRLEN];
	uint32_t classes = SAKER_CLASS_ALL;
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
		ret = parse_set(argc - optind, argv + optind, &classes);
		if (ret)
			return ret;
	}
	ret = saker_ctl_open(&c, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return EXIT_FAILURE;
	}
	ret = !strcmp(verb, "get") ? config_get(c, json) : config_set(c, classes);
	saker_ctl_close(c);
	return ret;
}
