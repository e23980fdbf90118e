// SPDX-License-Identifier: GPL-2.0
/* sakerctl's usage errors: command-line text like --help, not log lines. */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "ctl.h"

int saker_ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sakerctl%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'sakerctl%s%s --help'.\n", cmd ? " " : "",
		cmd ? cmd : "");
	return SAKER_EXIT_USAGE;
}

/* Reports getopt's complaint in our words. */
int saker_ctl_bad_option(const char *cmd, int c, char *const argv[])
{
	char shortopt[3] = { '-', (char)optopt, 0 };
	const char *name = optopt ? shortopt : argv[optind - 1];

	if (c == ':')
		return saker_ctl_usage_error(cmd, "option '%s' needs an argument",
					     argv[optind - 1]);
	return saker_ctl_usage_error(cmd, "unknown option '%s'", name);
}

int saker_ctl_json_option(const char *cmd, const char *usage, int argc,
			  char *argv[], bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int o;

	*json = false;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			*json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return saker_ctl_bad_option(cmd, o, argv);
		}
	}
	return -1;
}
