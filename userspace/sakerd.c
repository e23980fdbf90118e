// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd: the detection daemon. By default it reads the live rings and
 * alerts (daemon.c); -n checks the configuration and rules and exits; -V,
 * -L, --list-fields and --replay work on rule files and recordings without
 * a kernel. Options override the configuration file (saker.yaml(5)).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/alerts.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/replay.h"
#include "lib/kfilter.h"
#include "lib/log.h"
#include "rules/rules.h"

/* --replay: the file could not be read whole (sakerd(8), EXIT STATUS). */
#define EXIT_REPLAY 3

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sakerd [-c FILE] [-o KEY=VALUE]... [-r PATH]... [-A] [-p PRIO] [-j]\n"
		"       sakerd -n [options]           check configuration and rules, say OK\n"
		"       sakerd -V FILE...             validate rule files\n"
		"       sakerd -L | --list-fields | --replay FILE [options]\n"
		"  -c, --config FILE        configuration file (default " SAKER_CONFIG_DEFAULT ")\n"
		"  -o, --option KEY=VALUE   override a configuration key (dotted, e.g. stdout_output.enabled=false)\n"
		"  -r, --rules PATH         rule file or directory (repeatable; replaces rules_files)\n"
		"  -A, --all-matches        alert for every matching rule (rule_matching: all)\n"
		"  -p, --min-priority P     ignore rules below priority P (priority: P)\n"
		"  -j, --json               alerts as JSON lines (json_output: true)\n"
		"  -n, --check              check the configuration and rules, print OK or the error\n"
		"  -V, --validate FILE...   check rule files, print Ok / Ok, with warnings / Invalid\n"
		"  -L, --list               list the loaded rules and their state\n"
		"      --list-fields        print every field with its type and description\n"
		"      --replay FILE        run a capture (SAKERCAP) or JSON-lines file through the rules\n"
		"      --open-filter        with --replay: first apply the module's open filter for the rules\n"
		"  -q, --quiet              no rule warnings on load\n"
		"  -h, --help\n"
		"Signals: HUP reloads the rules, USR1 reopens the alert file, USR2 prints\n"
		"statistics, INT/TERM stop.\n"
		"Exit status: 0 ok; 1 configuration, rule or device error; 2 usage error;\n"
		"3 --replay FILE could not be read whole (not a regular file, a corrupt or\n"
		"truncated capture, JSON lines that do not read). See sakerd(8).\n");
}

static int validate(int argc, char **argv, int first)
{
	struct saker_engine *e = saker_engine_new();
	int i, ret, failed = 0;

	if (!e)
		return 2;
	for (i = first; i < argc; i++) {
		ret = saker_engine_load_path(e, argv[i]);
		if (ret && !failed)
			failed = ret;
	}
	ret = saker_engine_compile(e);
	if (ret && !failed)
		failed = ret;
	saker_engine_print_diags(e, stdout);
	/* A failure with no message (out of memory) is not "Ok" either. */
	if (failed && !saker_engine_error_count(e))
		printf("error: %s\n", strerror(-failed));
	if (failed || saker_engine_error_count(e)) {
		printf("Invalid\n");
		ret = 1;
	} else if (saker_engine_warning_count(e)) {
		printf("Ok, with warnings\n");
		ret = 0;
	} else {
		printf("Ok\n");
		ret = 0;
	}
	saker_engine_free(e);
	return ret;
}

static const char *state_name(const struct saker_rule_info *r)
{
	switch (r->state) {
	case SAKER_RULE_ACTIVE:
		return "active";
	case SAKER_RULE_DISABLED:
		return "disabled";
	case SAKER_RULE_BELOW_PRIO:
		return "below-priority";
	case SAKER_RULE_SKIPPED:
		return "skipped";
	default:
		return "error";
	}
}

static void list_rules(const struct saker_engine *e)
{
	size_t i, n = saker_engine_rule_count(e);

	for (i = 0; i < n; i++) {
		const struct saker_rule_info *r = saker_engine_rule(e, i);

		printf("%-14s %-13s %-50s events=%s%s%s\n", state_name(r),
		       saker_prio_name(r->priority), r->name,
		       r->evttypes ? r->evttypes : "-", r->reason ? "  reason: " : "",
		       r->reason ? r->reason : "");
	}
}

/* -n: everything that can be checked without the device. */
static int check(const struct saker_config *cfg, const char *cfg_name)
{
	struct saker_engine *e;
	char why[512];

	if (saker_config_check(cfg, why, sizeof(why))) {
		printf("%s: %s\n", cfg_name, why);
		return 1;
	}
	if (saker_daemon_engine(cfg, &e, stdout, true, why, sizeof(why))) {
		printf("rules: %s\n", why);
		return 1;
	}
	printf("configuration OK (%s, %zu rules)\n", cfg_name, saker_engine_rule_count(e));
	if (cfg->open_filter) {
		struct saker_kfilter kf;

		if (saker_engine_kfilter(e, &kf)) {
			printf("open filter: %s\n", strerror(ENOMEM));
			saker_engine_free(e);
			return 1;
		}
		saker_kfilter_print(&kf, stdout);
		saker_kfilter_release(&kf);
	}
	saker_engine_free(e);
	return 0;
}

/* --replay waits for slow outputs instead of dropping, until one makes no
 * progress for REPLAY_WAIT_MS; the end drains for REPLAY_DRAIN_MS, or only
 * REPLAY_STUCK_DRAIN_MS when an output was already found stuck. */
#define REPLAY_WAIT_MS 3000
#define REPLAY_DRAIN_MS 10000
#define REPLAY_STUCK_DRAIN_MS 1000

struct replay_sink {
	struct saker_alerts *al;
	bool gave_up;		/* an output stopped keeping up: no more waiting */
};

static void replay_alert(void *arg, const struct saker_alert *a)
{
	struct replay_sink *rs = arg;

	saker_alerts_rule(rs->al, a);
	/* A file is not a live ring: waiting costs nothing but time. */
	if (!rs->gave_up && saker_alerts_wait_room(rs->al, REPLAY_WAIT_MS)) {
		rs->gave_up = true;
		saker_log_warnx("an output is not keeping up: further alerts it cannot queue are dropped (counted below)");
	}
}

/* One line per output at the end of a replay: where the alerts went. */
static void replay_report(const struct saker_alerts *al)
{
	json_t *st = json_object(), *outs, *o;
	size_t i;

	if (!st)
		return;
	saker_alerts_stats(al, st);
	outs = json_object_get(st, "outputs");
	json_array_foreach(outs, i, o) {
		saker_log_info("output %s: %lld sent, %lld dropped (queue full), %lld failed, %lld truncated",
			       json_string_value(json_object_get(o, "name")),
			       (long long)json_integer_value(json_object_get(o, "sent")),
			       (long long)json_integer_value(json_object_get(o, "dropped_queue")),
			       (long long)json_integer_value(json_object_get(o, "dropped_error")),
			       (long long)json_integer_value(json_object_get(o, "truncated")));
	}
	json_decref(st);
}

static int replay(struct saker_config *cfg, const char *path, bool quiet, bool do_list,
		  bool filter)
{
	struct replay_sink rs = { 0 };
	struct saker_replay_stats st = { 0 };
	struct saker_kfilter kf = { .none = true };
	struct saker_alerts *al;
	struct saker_engine *e;
	char why[512];
	int ret, status = 1;

	/* The configured outputs, so that delivery can be tested end to end. */
	if (saker_daemon_engine(cfg, &e, stderr, quiet, why, sizeof(why))) {
		saker_log_warnx("rules are invalid: %s", why);
		return 1;
	}
	if (do_list)
		list_rules(e);
	if (!path) {
		saker_engine_free(e);
		return 0;
	}
	ret = saker_alerts_new(&al, cfg, why, sizeof(why));
	if (ret) {
		saker_log_warnx("%s", why);
		goto free_engine;
	}
	if (filter) {
		ret = saker_engine_kfilter(e, &kf);
		if (ret) {
			saker_log_warnx("open filter: %s", strerror(-ret));
			saker_alerts_free(al);
			goto free_engine;
		}
		saker_kfilter_print(&kf, stderr);
	}
	rs.al = al;
	ret = saker_replay_file(e, path, filter ? &kf : NULL, replay_alert, &rs, &st);
	if (ret)
		saker_log_warnx("replay failed: %s", st.error);
	/* The events before an error were replayed, and their alerts given. */
	saker_log_info("%llu events, %llu skipped, %llu alerts, %llu left out by the open filter",
		       (unsigned long long)st.events, (unsigned long long)st.bad,
		       (unsigned long long)saker_alerts_total(al),
		       (unsigned long long)st.filtered);
	saker_alerts_close(al, rs.gave_up ? REPLAY_STUCK_DRAIN_MS : REPLAY_DRAIN_MS);
	replay_report(al);
	saker_alerts_free(al);
	saker_kfilter_release(&kf);
	status = ret ? EXIT_REPLAY : 0;
free_engine:
	saker_engine_free(e);
	return status;
}

struct opts {
	const char *config, *replay;
	bool config_given, do_validate, do_list, do_check, quiet, open_filter;
};

static int parse_args(int argc, char **argv, struct saker_config *cfg, struct opts *o)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "option", required_argument, NULL, 'o' },
		{ "check", no_argument, NULL, 'n' },
		{ "validate", no_argument, NULL, 'V' },
		{ "rules", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'L' },
		{ "list-fields", no_argument, NULL, 'F' },
		{ "replay", required_argument, NULL, 'R' },
		{ "open-filter", no_argument, NULL, 'K' },
		{ "all-matches", no_argument, NULL, 'A' },
		{ "min-priority", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int c, pass;

	/* Pass 1 finds -c; pass 2 applies flags over the loaded file. */
	for (pass = 1; pass <= 2; pass++) {
		bool rules_reset = true;

		optind = 1;
		while ((c = getopt_long(argc, argv, "c:o:nVr:LAp:jqh", lopts, NULL)) != -1) {
			if (pass == 1) {
				if (c == 'c') {
					o->config = optarg;
					o->config_given = true;
				} else if (c == 'h') {
					usage(stdout);
					return 0;
				} else if (c == 'F') {
					saker_fields_print(stdout);
					return 0;
				} else if (c == '?') {
					usage(stderr);
					return 2;
				}
				continue;
			}
			switch (c) {
			case 'o':
				if (saker_config_set(cfg, optarg, err, sizeof(err))) {
					saker_log_warnx("%s", err);
					return 2;
				}
				break;
			case 'n':
				o->do_check = true;
				break;
			case 'V':
				o->do_validate = true;
				break;
			case 'r':
				saker_config_add_rules(cfg, optarg, rules_reset);
				rules_reset = false;
				break;
			case 'L':
				o->do_list = true;
				break;
			case 'R':
				o->replay = optarg;
				break;
			case 'K':
				o->open_filter = true;
				break;
			case 'A':
				cfg->rule_matching = SAKER_MATCH_ALL;
				break;
			case 'p':
				if (saker_prio_parse(optarg, &cfg->priority)) {
					saker_log_warnx("unknown priority '%s'", optarg);
					return 2;
				}
				break;
			case 'j':
				cfg->json_output = true;
				break;
			case 'q':
				o->quiet = true;
				break;
			default:
				break;
			}
		}
		if (pass == 1 && !o->do_validate) {
			int ret = 0;

			/* The default file is optional; a named one must exist. */
			if (o->config_given || !access(o->config, F_OK))
				ret = saker_config_load(cfg, o->config, err, sizeof(err));
			else
				o->config = "(defaults)";
			if (ret) {
				saker_log_warnx("%s", err);
				return 1;
			}
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = { .config = SAKER_CONFIG_DEFAULT };
	struct saker_config cfg;
	char err[512];
	int ret, i;

	saker_log_init("sakerd", SAKER_LOG_INFO);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--validate"))
			o.do_validate = true;
	saker_config_defaults(&cfg);
	ret = parse_args(argc, argv, &cfg, &o);
	if (ret >= 0)
		goto free_config;
	if (o.do_validate) {
		if (optind >= argc) {
			saker_log_warnx("-V needs rule files");
			ret = 2;
		} else {
			ret = validate(argc, argv, optind);
		}
		goto free_config;
	}
	if (optind < argc) {
		saker_log_warnx("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		ret = 2;
		goto free_config;
	}
	if (o.do_check) {
		ret = check(&cfg, o.config);
		goto free_config;
	}
	if (o.do_list || o.replay) {
		ret = replay(&cfg, o.replay, o.quiet, o.do_list, o.open_filter);
		goto free_config;
	}
	if (saker_config_check(&cfg, err, sizeof(err))) {
		saker_log_warnx("%s: %s", o.config, err);
		ret = 1;
		goto free_config;
	}
	ret = saker_daemon_run(&cfg);
free_config:
	saker_config_free(&cfg);
	return ret;
}
