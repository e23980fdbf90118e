// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd: the detection daemon. This version validates and lists rules
 * and replays capture or JSON-lines files through them; reading the live
 * rings comes with the daemon's own issue.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "rules.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sakerd [options]\n"
		"  -V, --validate FILE...   check rule files, print Ok / Ok, with warnings / Invalid\n"
		"  -r, --rules PATH         rule file or directory (repeatable; default rules/)\n"
		"  -L, --list               list the loaded rules and their state\n"
		"      --list-fields        print every field with its type and description\n"
		"      --replay FILE        run a capture (SAKERCAP) or JSON-lines file through the rules\n"
		"  -A, --all-matches        alert for every matching rule (default: first only)\n"
		"  -p, --min-priority P     ignore rules below priority P\n"
		"  -j, --json               alerts as JSON lines\n"
		"  -q, --quiet              no warnings on load\n"
		"  -h, --help\n");
}

static int validate(int argc, char **argv, int first)
{
	struct saker_engine *e = saker_engine_new();
	int i, ret;

	if (!e)
		return 2;
	for (i = first; i < argc; i++)
		saker_engine_load_path(e, argv[i]);
	saker_engine_compile(e);
	saker_engine_print_diags(e, stdout);
	if (saker_engine_error_count(e)) {
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

struct alert_out {
	bool json;
	unsigned long count;
};

static void on_alert(void *arg, const struct saker_alert *a)
{
	struct alert_out *ao = arg;
	size_t i, n;

	ao->count++;
	if (!ao->json) {
		printf("%llu: %s %s (rule: %s)\n",
		       (unsigned long long)a->ev->task->ts_ns,
		       saker_prio_name(a->rule->priority), a->output, a->rule->name);
		return;
	}
	{
		json_t *o = json_object(), *f = json_object(), *tags = json_array();
		char buf[4096];
		char *s;

		json_object_set_new(o, "time", json_integer((json_int_t)a->ev->task->ts_ns));
		json_object_set_new(o, "rule", json_string(a->rule->name));
		json_object_set_new(o, "priority", json_string(saker_prio_name(a->rule->priority)));
		json_object_set_new(o, "source", json_string("syscall"));
		json_object_set_new(o, "output", json_string(a->output));
		n = saker_alert_nfields(a);
		for (i = 0; i < n; i++) {
			const char *name;
			bool num;

			if (saker_alert_field_at(a, i, &name, buf, sizeof(buf), &num))
				json_object_set_new(f, name, json_null());
			else if (num)
				json_object_set_new(f, name, json_integer(strtoll(buf, NULL, 10)));
			else
				json_object_set_new(f, name, json_string(buf));
		}
		json_object_set_new(o, "output_fields", f);
		for (i = 0; i < a->rule->ntags; i++)
			json_array_append_new(tags, json_string(a->rule->tags[i]));
		json_object_set_new(o, "tags", tags);
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(o);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "validate", no_argument, NULL, 'V' },
		{ "rules", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'L' },
		{ "list-fields", no_argument, NULL, 'F' },
		{ "replay", required_argument, NULL, 'R' },
		{ "all-matches", no_argument, NULL, 'A' },
		{ "min-priority", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rules[64], *replay = NULL;
	int nrules = 0, c, ret = 0;
	bool do_validate = false, do_list = false, all = false, quiet = false;
	struct alert_out ao = { 0 };
	enum saker_prio minp = SAKER_PRIO_DEBUG;
	struct saker_engine *e;

	while ((c = getopt_long(argc, argv, "Vr:LAp:jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			do_validate = true;
			break;
		case 'r':
			if (nrules < 64)
				rules[nrules++] = optarg;
			break;
		case 'L':
			do_list = true;
			break;
		case 'F':
			saker_fields_print(stdout);
			return 0;
		case 'R':
			replay = optarg;
			break;
		case 'A':
			all = true;
			break;
		case 'p':
			if (saker_prio_parse(optarg, &minp)) {
				fprintf(stderr, "sakerd: unknown priority '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j':
			ao.json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (do_validate) {
		if (optind >= argc) {
			fprintf(stderr, "sakerd: -V needs rule files\n");
			return 2;
		}
		return validate(argc, argv, optind);
	}
	if (!do_list && !replay) {
		usage(stderr);
		return 2;
	}
	if (!nrules)
		rules[nrules++] = "rules";
	e = saker_engine_new();
	if (!e)
		return 2;
	saker_engine_set_match_mode(e, all ? SAKER_MATCH_ALL : SAKER_MATCH_FIRST);
	saker_engine_set_min_priority(e, minp);
	for (c = 0; c < nrules; c++)
		saker_engine_load_path(e, rules[c]);
	saker_engine_compile(e);
	if (saker_engine_error_count(e) || !quiet)
		saker_engine_print_diags(e, stderr);
	if (saker_engine_error_count(e)) {
		fprintf(stderr, "sakerd: rules are invalid\n");
		ret = 1;
		goto free_engine;
	}
	if (do_list)
		list_rules(e);
	if (replay) {
		struct saker_replay_stats st;

		ret = saker_replay_file(e, replay, on_alert, &ao, &st);
		if (ret) {
			fprintf(stderr, "sakerd: replay of %s failed: %s\n", replay,
				strerror(-ret));
			ret = 1;
			goto free_engine;
		}
		fprintf(stderr, "sakerd: %llu events, %llu skipped, %lu alerts\n",
			(unsigned long long)st.events, (unsigned long long)st.bad,
			ao.count);
	}
free_engine:
	saker_engine_free(e);
	return ret;
}
