// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd: the detection daemon. By default it reads the live rings and
 * alerts (daemon.c); -n checks the configuration and rules and exits; -V,
 * -L, --list-fields and --replay work on rule files and recordings without
 * a kernel. Options override the configuration file (saker.yaml(5)).
 */
#include <ctype.h>
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
#include "daemon/support.h"
#include "lib/kfilter.h"
#include "lib/log.h"
#include "lib/version.h"
#include "kmod/uapi/saker.h"
#include "rules/rules.h"

/* --replay: the file could not be read whole (sakerd(8), EXIT STATUS). */
#define EXIT_REPLAY 3

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sakerd [-c FILE] [-o KEY=VALUE]... [-r PATH]... [-A] [-p FORMAT] [-j]\n"
		"       sakerd -n [options]           check configuration and rules, say OK\n"
		"       sakerd -V FILE...             validate rule files\n"
		"       sakerd -L | -l RULE | --list | --replay FILE | --support [options]\n"
		"  -c, --config FILE        configuration file (default " SAKER_CONFIG_DEFAULT ")\n"
		"  -o, --option KEY=VALUE   override a configuration key (dotted, e.g. stdout_output.enabled=false)\n"
		"  -r, --rules PATH         rule file or directory (repeatable; replaces rules_files)\n"
		"  -A, --all-matches        alert for every matching rule (rule_matching: all)\n"
		"  -p, --print FORMAT       add FORMAT to every rule's output, as Falco's -p;\n"
		"                           -pc / -pk: container / Kubernetes fields\n"
		"      --min-priority P     ignore rules below priority P (priority: P)\n"
		"  -j, --json               alerts as JSON lines (json_output: true)\n"
		"  -n, --check, --dry-run   check the configuration and rules, print OK or the error\n"
		"  -V, --validate FILE...   check rule files, print Ok / Ok, with warnings / Invalid\n"
		"  -L, --list-rules         list the loaded rules and their state\n"
		"  -l, --describe-rule RULE print a loaded rule: description, priority, tags, state\n"
		"      --list[=syscall]     print every field with its type and description\n"
		"      --list-fields        the same\n"
		"      --replay FILE        run a capture (SAKERCAP) or JSON-lines file through the rules\n"
		"      --open-filter        with --replay: first apply the module's open filter for the rules\n"
		"      --support            print versions, system, configuration and rule digests as JSON\n"
		"  -q, --quiet              no rule warnings on load\n"
		"  -h, --help\n"
		"      --version            print the version and the module ABI it reads\n"
		"Signals: HUP reloads the configuration and the rules, USR1 reopens the alert\n"
		"file, USR2 prints statistics, INT/TERM stop.\n"
		"Exit status: 0 ok; 1 configuration, rule or device error; 2 usage error;\n"
		"3 --replay FILE could not be read whole (not a regular file, a corrupt or\n"
		"truncated capture, JSON lines that do not read). See sakerd(8).\n");
}

static void print_version(void)
{
	printf("sakerd %s\nmodule ABI %d\n", saker_version(), SAKER_ABI_VERSION);
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

	/* The messages carry the file:line:col where the key was set. */
	if (saker_config_check(cfg, why, sizeof(why)) ||
	    saker_config_check_host(cfg, why, sizeof(why))) {
		printf("%s\n", why);
		return 1;
	}
	if (saker_daemon_engine(cfg, &e, stdout, true, why, sizeof(why))) {
		printf("rules: %s\n", why);
		return 1;
	}
	printf("configuration OK (%s, %zu rules", cfg_name, saker_engine_rule_count(e));
	if (cfg->nwarnings)
		printf(", %zu configuration warning%s", cfg->nwarnings, cfg->nwarnings > 1 ? "s" : "");
	printf(")\n");
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

/* -l RULE: what Falco's -l shows, from the loaded rules; 1 if there is none. */
static int describe_rule(const struct saker_engine *e, const char *name)
{
	size_t i, t, dlen, n = saker_engine_rule_count(e);

	for (i = 0; i < n; i++) {
		const struct saker_rule_info *r = saker_engine_rule(e, i);

		if (strcmp(r->name, name))
			continue;
		/* A folded description ends in a newline: one here is enough. */
		dlen = r->desc ? strlen(r->desc) : 0;
		while (dlen && isspace((unsigned char)r->desc[dlen - 1]))
			dlen--;
		printf("rule:        %s\ndescription: %.*s\npriority:    %s\nsource:      %s\n",
		       r->name, (int)dlen, r->desc ? r->desc : "", saker_prio_name(r->priority),
		       r->source ? r->source : "syscall");
		printf("tags:        ");
		for (t = 0; t < r->ntags; t++)
			printf("%s%s", t ? ", " : "", r->tags[t]);
		printf("\nstate:       %s%s%s%s\nevents:      %s\ndefined at:  %s:%u\n",
		       state_name(r), r->reason ? " (" : "", r->reason ? r->reason : "",
		       r->reason ? ")" : "", r->evttypes ? r->evttypes : "-", r->file ? r->file : "?", r->line);
		return 0;
	}
	saker_log_warnx("no rule '%s' in the loaded rules", name);
	return 1;
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
		  const char *describe, bool filter)
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
	if (describe && !path) {
		status = describe_rule(e, describe);
		goto free_engine;
	}
	if (!path) {
		saker_engine_free(e);
		return 0;
	}
	/* The configured outputs: checked as at a start, at the keys' file:line. */
	if (saker_config_check(cfg, why, sizeof(why))) {
		saker_log_warnx("%s", why);
		goto free_engine;
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
	const char *config, *replay, *describe;
	bool config_given, do_validate, do_list, do_check, quiet, open_filter, support;
	char why[512];		/* the configuration error (file:line:col) */
};

/* -pc and -pk as Falco has them: the container's, and the pod's too. */
#define PRINT_CONTAINER "container_id=%container.id container_image=%container.image.repository " \
	"container_image_tag=%container.image.tag container_name=%container.name"
#define PRINT_K8S "k8s_ns=%k8s.ns.name k8s_pod_name=%k8s.pod.name " PRINT_CONTAINER

/*
 * -p FORMAT. It was the minimum priority before Falco's meaning took the
 * letter: a bare priority name now is refused, so that an old script
 * fails loudly instead of appending "warning" to every alert.
 */
static int set_print(struct saker_config *cfg, const char *v)
{
	enum saker_prio p;
	const char *fmt = v;
	char *copy;

	/* Falco's gVisor variants name the same fields: saker has no gVisor source. */
	if (!strcmp(v, "c") || !strcmp(v, "container") || !strcmp(v, "cg") ||
	    !strcmp(v, "container-gvisor"))
		fmt = PRINT_CONTAINER;
	else if (!strcmp(v, "k") || !strcmp(v, "kubernetes") || !strcmp(v, "kg") ||
		 !strcmp(v, "kubernetes-gvisor"))
		fmt = PRINT_K8S;
	else if (!saker_prio_parse(v, &p)) {
		fprintf(stderr, "sakerd: -p is Falco's output format now; for the minimum priority use --min-priority %s\n"
			"Try 'sakerd --help'.\n", v);
		return 2;
	}
	copy = strdup(fmt);
	if (!copy) {
		saker_log_warnx("out of memory");
		return 1;
	}
	free(cfg->output_append);
	cfg->output_append = copy;
	cfg->output_append_info = fmt != v;
	return -1;
}

/* --list[=SOURCE]: saker's one source is Falco's "syscall". */
static int list_fields(int argc, char **argv)
{
	const char *src = optarg;

	if (!src && optind < argc && argv[optind][0] != '-')
		src = argv[optind++];
	if (src && strcmp(src, "syscall")) {
		fprintf(stderr, "sakerd: --list: unknown event source '%s' (saker has: syscall)\n"
			"Try 'sakerd --help'.\n", src);
		return 2;
	}
	saker_fields_print(stdout);
	return 0;
}

static int parse_args(int argc, char **argv, struct saker_config *cfg, struct opts *o)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "option", required_argument, NULL, 'o' },
		{ "check", no_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "validate", no_argument, NULL, 'V' },
		{ "rules", required_argument, NULL, 'r' },
		{ "list-rules", no_argument, NULL, 'L' },
		{ "describe-rule", required_argument, NULL, 'l' },
		{ "list", optional_argument, NULL, 'F' },
		{ "list-fields", no_argument, NULL, 'F' },
		{ "replay", required_argument, NULL, 'R' },
		{ "open-filter", no_argument, NULL, 'K' },
		{ "all-matches", no_argument, NULL, 'A' },
		{ "print", required_argument, NULL, 'p' },
		{ "min-priority", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "support", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c, pass, ret;

	/* Pass 1 finds -c; pass 2 applies flags over the loaded file. */
	for (pass = 1; pass <= 2; pass++) {
		bool rules_reset = true;

		optind = 1;
		while ((c = getopt_long(argc, argv, "c:o:nVr:Ll:Ap:jqh", lopts, NULL)) != -1) {
			if (pass == 1) {
				if (c == 'c') {
					o->config = optarg;
					o->config_given = true;
				} else if (c == 'h') {
					usage(stdout);
					return 0;
				} else if (c == 'v') {
					print_version();
					return 0;
				} else if (c == 'F') {
					return list_fields(argc, argv);
				} else if (c == '?') {
					usage(stderr);
					return 2;
				}
				continue;
			}
			switch (c) {
			case 'o':
				if (saker_config_set(cfg, optarg, o->why, sizeof(o->why)))
					return 2;
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
			case 'l':
				o->describe = optarg;
				break;
			case 'R':
				o->replay = optarg;
				break;
			case 'K':
				o->open_filter = true;
				break;
			case 'S':
				o->support = true;
				break;
			case 'A':
				cfg->rule_matching = SAKER_MATCH_ALL;
				break;
			case 'p':
				ret = set_print(cfg, optarg);
				if (ret >= 0)
					return ret;
				break;
			case 'P':
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
			ret = 0;
			/* The default file is optional; a named one must exist. */
			if (o->config_given || !access(o->config, F_OK))
				ret = saker_config_load(cfg, o->config, o->why, sizeof(o->why));
			else
				o->config = "(defaults)";
			if (ret)
				return 1;
			for (size_t i = 0; i < cfg->nwarnings; i++)
				saker_log_warnx("%s", cfg->warnings[i]);
		}
	}
	return -1;
}

static int support(const struct saker_config *cfg, const char *cfg_name, int argc,
		   char **argv)
{
	json_t *j = saker_support_json(cfg, cfg_name, argc, argv);
	int ret;

	if (!j) {
		saker_log_warnx("--support: out of memory");
		return 1;
	}
	ret = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (ret || putchar('\n') == EOF || fflush(stdout)) {
		saker_log_warn("standard output");
		return 1;
	}
	return 0;
}

struct rebuild_args {
	int argc;
	char **argv;
};

/* SIGHUP: the configuration as at start, from the same file and options. */
static int rebuild(void *arg, struct saker_config *c, char *err, size_t errlen)
{
	const struct rebuild_args *r = arg;
	struct opts o = { .config = SAKER_CONFIG_DEFAULT };
	int ret = parse_args(r->argc, r->argv, c, &o);

	if (ret < 0)
		return 0;
	snprintf(err, errlen, "%s", o.why[0] ? o.why : "the command line no longer parses");
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct rebuild_args rb = { argc, argv };
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
	if (o.why[0])
		saker_log_errx("%s", o.why);
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
	if (o.support) {
		ret = support(&cfg, o.config, argc, argv);
		goto free_config;
	}
	if (o.do_check) {
		ret = check(&cfg, o.config);
		goto free_config;
	}
	if (o.do_list || o.replay || o.describe) {
		ret = replay(&cfg, o.replay, o.quiet, o.do_list, o.describe, o.open_filter);
		goto free_config;
	}
	if (saker_config_check(&cfg, err, sizeof(err))) {
		saker_log_errx("%s", err);
		ret = 1;
		goto free_config;
	}
	cfg.rebuild = rebuild;
	cfg.rebuild_arg = &rb;
	/* The daemon's messages follow log_level, log_stderr, log_syslog; -n, -L... talk to the terminal. */
	saker_config_apply_log(&cfg);
	ret = saker_daemon_run(&cfg);
free_config:
	saker_config_free(&cfg);
	return ret;
}
