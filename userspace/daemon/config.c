// SPDX-License-Identifier: GPL-2.0
/*
 * saker.yaml parser. The file is loaded as a libyaml document (nodes keep
 * their line and column) and walked against one table of dotted keys, so
 * the defaults, the file, -o overrides and saker.yaml(5) share one list.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "config.h"
#include "lib/errbuf.h"
#include "lib/file.h"
#include "outputs/outputs.h"

enum key_type { K_BOOL, K_UINT, K_SIZE, K_STR, K_LIST, K_PRIO, K_MATCH, K_PROTO,
		K_FACILITY };

struct key {
	const char *name;
	enum key_type type;
	size_t off;
	unsigned long long max;	/* K_UINT/K_SIZE upper bound */
};

#define OFF(f) offsetof(struct saker_config, f)

/* YAML nesting allowed, as in the rule loader (rules/rules_yaml.c). */
#define MAX_DEPTH 64

static const struct key keys[] = {
	{ "rules_files", K_LIST, OFF(rules_files), 0 },
	{ "rule_matching", K_MATCH, OFF(rule_matching), 0 },
	{ "priority", K_PRIO, OFF(priority), 0 },
	{ "json_output", K_BOOL, OFF(json_output), 0 },
	{ "json_include_output_property", K_BOOL, OFF(json_include_output), 0 },
	{ "json_include_tags_property", K_BOOL, OFF(json_include_tags), 0 },
	{ "stdout_output.enabled", K_BOOL, OFF(stdout_enabled), 0 },
	{ "file_output.enabled", K_BOOL, OFF(file_enabled), 0 },
	{ "file_output.filename", K_STR, OFF(file_path), 0 },
	{ "syslog_output.enabled", K_BOOL, OFF(syslog_enabled), 0 },
	{ "remote_syslog_output.enabled", K_BOOL, OFF(remote_enabled), 0 },
	{ "remote_syslog_output.host", K_STR, OFF(remote_host), 0 },
	{ "remote_syslog_output.port", K_STR, OFF(remote_port), 0 },
	{ "remote_syslog_output.protocol", K_PROTO, OFF(remote_proto), 0 },
	{ "remote_syslog_output.facility", K_FACILITY, OFF(facility), 0 },
	{ "program_output.enabled", K_BOOL, OFF(program_enabled), 0 },
	{ "program_output.program", K_STR, OFF(program), 0 },
	{ "outputs_queue.capacity", K_SIZE, OFF(queue_capacity), 1u << 24 },
	{ "hostname", K_STR, OFF(hostname), 0 },
	{ "device", K_STR, OFF(device), 0 },
	{ "merge.window_ms", K_UINT, OFF(merge_window_ms), 10000 },
	{ "merge.max_pending", K_SIZE, OFF(merge_max_pending), 1u << 24 },
	{ "proctable.max_procs", K_SIZE, OFF(max_procs), 1u << 24 },
	{ "proctable.proc_root", K_STR, OFF(proc_root), 0 },
	{ "containers.state_roots.containerd", K_STR, OFF(containerd_root), 0 },
	{ "containers.state_roots.docker", K_STR, OFF(docker_root), 0 },
	{ "containers.state_roots.crio", K_STR, OFF(crio_root), 0 },
	{ "containers.state_roots.podman", K_STR, OFF(podman_root), 0 },
	{ "containers.cache_ttl_s", K_UINT, OFF(containers_ttl_s), 86400 },
	{ "containers.negative_ttl_s", K_UINT, OFF(containers_negative_ttl_s), 86400 },
	{ "stats.interval_s", K_UINT, OFF(stats_interval_s), 86400 },
	{ "stats.alert", K_BOOL, OFF(stats_alert), 0 },
	{ "losses.alert_interval_s", K_UINT, OFF(loss_alert_interval_s), 86400 },
	{ "kernel.open_filter", K_BOOL, OFF(open_filter), 0 },
	{ "webserver.enabled", K_BOOL, OFF(web_enabled), 0 },
	{ "webserver.listen_address", K_STR, OFF(web_address), 0 },
	{ "webserver.listen_port", K_UINT, OFF(web_port), 65535 },
	{ "webserver.k8s_healthz_endpoint", K_STR, OFF(web_healthz), 0 },
	{ "webserver.prometheus_metrics_enabled", K_BOOL, OFF(web_metrics), 0 },
};

static const char *const facilities[SAKER_SYSLOG_FACILITY_MAX + 1] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6",
	"local7",
};

const char *saker_facility_name(int facility)
{
	return facility >= 0 && facility <= SAKER_SYSLOG_FACILITY_MAX ? facilities[facility] : "?";
}

static int set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static void free_list(struct saker_config *c)
{
	size_t i;

	for (i = 0; i < c->nrules; i++)
		free(c->rules_files[i]);
	free(c->rules_files);
	c->rules_files = NULL;
	c->nrules = 0;
}

static int list_add(struct saker_config *c, const char *v)
{
	char **l = realloc(c->rules_files, (c->nrules + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	c->rules_files = l;
	l[c->nrules] = strdup(v);
	if (!l[c->nrules])
		return -ENOMEM;
	c->nrules++;
	return 0;
}

void saker_config_defaults(struct saker_config *c)
{
	memset(c, 0, sizeof(*c));
	list_add(c, "/etc/saker/saker_rules.yaml");
	list_add(c, "/etc/saker/rules.d");
	c->rule_matching = SAKER_MATCH_FIRST;
	c->priority = SAKER_PRIO_DEBUG;
	c->json_include_output = true;
	c->json_include_tags = true;
	c->stdout_enabled = true;
	c->file_path = strdup("/var/log/saker/alerts.log");
	c->remote_port = strdup("514");
	c->facility = 16;
	c->queue_capacity = 4096;
	c->device = strdup(SAKER_DEVICE);
	c->merge_window_ms = 10;
	c->merge_max_pending = 262144;
	c->max_procs = 65536;
	c->proc_root = strdup("/proc");
	c->containerd_root = strdup("/run/containerd/io.containerd.runtime.v2.task");
	c->docker_root = strdup("/var/lib/docker/containers");
	c->crio_root = strdup("/run/containers/storage/overlay-containers");
	c->podman_root = strdup("/var/lib/containers/storage/overlay-containers");
	c->containers_ttl_s = 600;
	c->containers_negative_ttl_s = 5;
	c->stats_interval_s = 60;
	c->loss_alert_interval_s = 30;
	c->open_filter = true;
	/* webserver: off; when on, local only (Falco's port) */
	c->web_address = strdup("127.0.0.1");
	c->web_port = 8765;
	c->web_healthz = strdup("/healthz");
	c->web_metrics = true;
}

void saker_config_free(struct saker_config *c)
{
	size_t i;

	free_list(c);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].type == K_STR)
			free(*(char **)((char *)c + keys[i].off));
	memset(c, 0, sizeof(*c));
}

static const struct key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* True when some key starts with "prefix.": a mapping is expected there. */
static bool is_section(const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strncmp(keys[i].name, prefix, n) && keys[i].name[n] == '.')
			return true;
	return false;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_num(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

/* Applies one scalar to key k; on failure err says what was expected. */
static int apply_scalar(struct saker_config *c, const struct key *k,
			const char *v, char *err, size_t errlen)
{
	void *dst = (char *)c + k->off;
	unsigned long long n;
	enum saker_prio p;
	bool b;
	int i;

	switch (k->type) {
	case K_BOOL:
		if (parse_bool(v, &b))
			goto bad_value;
		*(bool *)dst = b;
		return 0;
	case K_UINT:
	case K_SIZE:
		if (parse_num(v, k->max, &n)) {
			saker_set_err(err, errlen, "%s: expected an integer 0..%llu, got '%s'",
				k->name, k->max, v);
			return -EINVAL;
		}
		if (k->type == K_UINT)
			*(unsigned int *)dst = (unsigned int)n;
		else
			*(size_t *)dst = (size_t)n;
		return 0;
	case K_STR:
		return set_str((char **)dst, v);
	case K_LIST:
		return list_add(c, v);
	case K_PRIO:
		if (saker_prio_parse(v, &p))
			goto bad_value;
		*(enum saker_prio *)dst = p;
		return 0;
	case K_MATCH:
		if (!strcmp(v, "first"))
			c->rule_matching = SAKER_MATCH_FIRST;
		else if (!strcmp(v, "all"))
			c->rule_matching = SAKER_MATCH_ALL;
		else
			goto bad_value;
		return 0;
	case K_PROTO:
		if (!strcasecmp(v, "udp"))
			c->remote_proto = SAKER_CFG_UDP;
		else if (!strcasecmp(v, "tcp"))
			c->remote_proto = SAKER_CFG_TCP;
		else
			goto bad_value;
		return 0;
	case K_FACILITY:
		for (i = 0; i <= SAKER_SYSLOG_FACILITY_MAX; i++)
			if (!strcasecmp(v, facilities[i]) ||
			    (!strncasecmp(v, "log_", 4) && !strcasecmp(v + 4, facilities[i])))
				break;
		if (i > SAKER_SYSLOG_FACILITY_MAX && !parse_num(v, SAKER_SYSLOG_FACILITY_MAX, &n))
			i = (int)n;
		if (i > SAKER_SYSLOG_FACILITY_MAX)
			goto bad_value;
		c->facility = i;
		return 0;
	}
bad_value:
	saker_set_err(err, errlen, "%s: invalid value '%s' (expected %s)", k->name, v,
		k->type == K_BOOL ? "true or false" :
		k->type == K_PRIO ? "a priority: emergency..debug" :
		k->type == K_MATCH ? "first or all" :
		k->type == K_PROTO ? "udp or tcp" : "a facility: local0..local7, user, daemon...");
	return -EINVAL;
}

struct walk {
	struct saker_config *c;
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t errlen;
	bool list_reset;	/* rules_files seen: the file replaces defaults */
};

static int node_err(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int node_err(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	saker_set_err(w->err, w->errlen, "%s:%zu:%zu: %s", w->file,
		(size_t)n->start_mark.line + 1, (size_t)n->start_mark.column + 1, msg);
	return -EINVAL;
}

static int walk_value(struct walk *w, const char *name, yaml_node_t *v);

static int walk_mapping(struct walk *w, const char *prefix, yaml_node_t *map)
{
	yaml_node_pair_t *pair;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);
		char name[128];
		int ret;

		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return node_err(w, k ? k : map, "keys must be plain strings");
		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "",
			 (const char *)k->data.scalar.value);
		if (!find_key(name) && !is_section(name))
			return node_err(w, k, "unknown key '%s'", name);
		ret = walk_value(w, name, v);
		if (ret)
			return ret;
	}
	return 0;
}

static int walk_value(struct walk *w, const char *name, yaml_node_t *v)
{
	const struct key *k = find_key(name);
	char msg[200];
	int ret;

	if (!k) {
		if (v->type != YAML_MAPPING_NODE)
			return node_err(w, v, "'%s' must be a mapping", name);
		return walk_mapping(w, name, v);
	}
	if (k->type == K_LIST) {
		yaml_node_item_t *it;

		free_list(w->c);
		if (v->type == YAML_SCALAR_NODE)
			return apply_scalar(w->c, k, (const char *)v->data.scalar.value,
					    msg, sizeof(msg)) ? node_err(w, v, "%s", msg) : 0;
		if (v->type != YAML_SEQUENCE_NODE)
			return node_err(w, v, "'%s' must be a list of strings", name);
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(w->doc, *it);

			if (!e || e->type != YAML_SCALAR_NODE)
				return node_err(w, e ? e : v, "'%s' items must be strings", name);
			if (list_add(w->c, (const char *)e->data.scalar.value))
				return -ENOMEM;
		}
		return 0;
	}
	if (v->type != YAML_SCALAR_NODE)
		return node_err(w, v, "'%s' must be a single value", name);
	ret = apply_scalar(w->c, k, (const char *)v->data.scalar.value, msg, sizeof(msg));
	if (ret == -EINVAL)
		return node_err(w, v, "%s", msg);
	return ret;
}

/* libyaml's reason at its position. */
static int parse_error(const yaml_parser_t *p, const char *name, const char *buf,
		       size_t len, char *err, size_t errlen)
{
	unsigned int line, col;

	if (p->error == YAML_MEMORY_ERROR) {
		saker_set_err(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	/* The reader (NUL, bad UTF-8) leaves problem_mark at 0: use its offset. */
	if (p->error == YAML_READER_ERROR) {
		char what[32] = "";

		saker_text_pos(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value >= 0)
			snprintf(what, sizeof(what), p->problem_value > 0xff ? " (U+%04X)" :
				 " (byte 0x%02x)", (unsigned int)p->problem_value);
		saker_set_err(err, errlen, "%s:%u:%u: %s%s", name, line, col,
			p->problem ? p->problem : "unreadable YAML input", what);
		return -EINVAL;
	}
	saker_set_err(err, errlen, "%s:%zu:%zu: %s", name,
		(size_t)p->problem_mark.line + 1, (size_t)p->problem_mark.column + 1,
		p->problem ? p->problem : "YAML syntax error");
	return -EINVAL;
}

/*
 * One pass over the events before the document is built: nesting deeper
 * than MAX_DEPTH is refused where it starts, and stopping there bounds
 * libyaml's work (its document loader alone took seconds on 100k '[').
 */
static int check_depth(const char *name, const char *buf, size_t len, char *err,
		       size_t errlen)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t depth = 0;
	int ret = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_type_t type;
		yaml_mark_t at;

		if (!yaml_parser_parse(&parser, &ev)) {
			ret = parse_error(&parser, name, buf, len, err, errlen);
			break;
		}
		type = ev.type;
		at = ev.start_mark;
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
		if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
			depth--;
			continue;
		}
		if (type != YAML_SCALAR_EVENT && type != YAML_ALIAS_EVENT &&
		    type != YAML_SEQUENCE_START_EVENT && type != YAML_MAPPING_START_EVENT)
			continue;
		/* A node's depth: the collections open around it (the root's is 0). */
		if (depth > MAX_DEPTH) {
			saker_set_err(err, errlen, "%s:%zu:%zu: YAML nesting too deep (more than %d levels)",
				name, (size_t)at.line + 1, (size_t)at.column + 1, MAX_DEPTH);
			ret = -EINVAL;
			break;
		}
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT)
			depth++;
	}
	yaml_parser_delete(&parser);
	return ret;
}

int saker_config_load_buffer(struct saker_config *c, const char *name,
			     const char *buf, size_t len, char *err, size_t errlen)
{
	struct walk w = { c, NULL, name, err, errlen, false };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret;

	ret = check_depth(name, buf, len, err, errlen);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = parse_error(&parser, name, buf, len, err, errlen);
		goto delete_parser;
	}
	w.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root)
		goto delete_doc;	/* empty file: all defaults */
	if (root->type != YAML_MAPPING_NODE) {
		ret = node_err(&w, root, "the configuration must be a mapping of keys");
		goto delete_doc;
	}
	ret = walk_mapping(&w, "", root);
delete_doc:
	yaml_document_delete(&doc);
delete_parser:
	yaml_parser_delete(&parser);
	return ret;
}

int saker_config_load(struct saker_config *c, const char *path, char *err,
		      size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	ret = saker_read_regular(path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = saker_config_load_buffer(c, path, buf, len, err, errlen);
	free(buf);
	return ret;
}

int saker_config_set(struct saker_config *c, const char *kv, char *err,
		     size_t errlen)
{
	const char *eq = strchr(kv, '=');
	const struct key *k;
	char name[128];
	int ret;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(name)) {
		saker_set_err(err, errlen, "-o %s: expected key=value", kv);
		return -EINVAL;
	}
	memcpy(name, kv, (size_t)(eq - kv));
	name[eq - kv] = '\0';
	k = find_key(name);
	if (!k) {
		saker_set_err(err, errlen, "-o %s: unknown key '%s'", kv, name);
		return -EINVAL;
	}
	if (k->type == K_LIST) {
		char *copy = strdup(eq + 1), *save = NULL, *item;

		if (!copy)
			return -ENOMEM;
		free_list(c);
		ret = 0;
		for (item = strtok_r(copy, ",", &save); item && !ret;
		     item = strtok_r(NULL, ",", &save))
			ret = list_add(c, item);
		free(copy);
		return ret;
	}
	ret = apply_scalar(c, k, eq + 1, err, errlen);
	if (ret == -EINVAL) {
		char msg[256];

		snprintf(msg, sizeof(msg), "-o %s", err);
		saker_set_err(err, errlen, "%s", msg);
	}
	return ret;
}

int saker_config_add_rules(struct saker_config *c, const char *path, bool reset)
{
	if (reset)
		free_list(c);
	return list_add(c, path);
}

int saker_config_check(const struct saker_config *c, char *err, size_t errlen)
{
	if (!c->nrules) {
		saker_set_err(err, errlen, "rules_files: no rule file given");
		return -EINVAL;
	}
	if (c->file_enabled && (!c->file_path || !*c->file_path)) {
		saker_set_err(err, errlen, "file_output.enabled needs file_output.filename");
		return -EINVAL;
	}
	if (c->remote_enabled && (!c->remote_host || !*c->remote_host)) {
		saker_set_err(err, errlen, "remote_syslog_output.enabled needs remote_syslog_output.host");
		return -EINVAL;
	}
	if (c->program_enabled && (!c->program || !*c->program)) {
		saker_set_err(err, errlen, "program_output.enabled needs program_output.program");
		return -EINVAL;
	}
	if (!c->device || !*c->device) {
		saker_set_err(err, errlen, "device: empty");
		return -EINVAL;
	}
	return 0;
}
