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

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <yaml.h>

#include "config.h"
#include "config_int.h"
#include "lib/errbuf.h"
#include "lib/file.h"
#include "outputs/outputs.h"

#define OFF(f) offsetof(struct saker_config, f)
#define keys saker_cfg_keys
#define NKEYS (sizeof(keys) / sizeof(keys[0]))


const struct saker_cfg_key saker_cfg_keys[] = {
	{ "rules_files", K_LIST, OFF(rules_files), 0 },
	{ "rules_file", K_LIST, OFF(rules_files), 0 },	/* Falco before 0.29 */
	{ "rule_matching", K_MATCH, OFF(rule_matching), 0 },
	{ "priority", K_PRIO, OFF(priority), 0 },
	{ "json_output", K_BOOL, OFF(json_output), 0 },
	{ "json_include_output_property", K_BOOL, OFF(json_include_output), 0 },
	{ "json_include_tags_property", K_BOOL, OFF(json_include_tags), 0 },
	{ "stdout_output.enabled", K_BOOL, OFF(stdout_enabled), 0 },
	{ "file_output.enabled", K_BOOL, OFF(file_enabled), 0 },
	{ "file_output.filename", K_STR, OFF(file_path), 0 },
	{ "syslog_output.enabled", K_BOOL, OFF(syslog_enabled), 0 },
	{ "syslog_output.facility", K_FACILITY, OFF(syslog_facility), 0 },
	{ "syslog_output.max_message_size", K_SIZE, OFF(syslog_max_len), 1u << 24 },
	{ "remote_syslog_output.enabled", K_BOOL, OFF(remote_enabled), 0 },
	{ "remote_syslog_output.host", K_STR, OFF(remote_host), 0 },
	{ "remote_syslog_output.port", K_PORT, OFF(remote_port), 0 },
	{ "remote_syslog_output.protocol", K_PROTO, OFF(remote_proto), 0 },
	{ "remote_syslog_output.facility", K_FACILITY, OFF(facility), 0 },
	{ "remote_syslog_output.max_message_size", K_SIZE, OFF(remote_max_len), 1u << 24 },
	{ "remote_syslog_output.ca_file", K_STR, OFF(remote_ca_file), 0 },
	{ "remote_syslog_output.server_name", K_STR, OFF(remote_server_name), 0 },
	{ "remote_syslog_output.client_cert", K_STR, OFF(remote_client_cert), 0 },
	{ "remote_syslog_output.client_key", K_STR, OFF(remote_client_key), 0 },
	{ "program_output.enabled", K_BOOL, OFF(program_enabled), 0 },
	{ "program_output.program", K_STR, OFF(program), 0 },
	{ "program_output.keep_alive", K_BOOL, OFF(program_keep_alive), 0 },
	{ "http_output.enabled", K_BOOL, OFF(http_enabled), 0 },
	{ "http_output.url", K_STR, OFF(http_url), 0 },
	{ "http_output.user_agent", K_STR, OFF(http_user_agent), 0 },
	{ "http_output.insecure", K_BOOL, OFF(http_insecure), 0 },
	{ "http_output.ca_cert", K_STR, OFF(http_ca_cert), 0 },
	{ "http_output.ca_bundle", K_STR, OFF(http_ca_bundle), 0 },
	{ "http_output.ca_path", K_STR, OFF(http_ca_path), 0 },
	{ "http_output.mtls", K_BOOL, OFF(http_mtls), 0 },
	{ "http_output.client_cert", K_STR, OFF(http_client_cert), 0 },
	{ "http_output.client_key", K_STR, OFF(http_client_key), 0 },
	{ "http_output.echo", K_BOOL, OFF(http_echo), 0 },
	{ "http_output.compress_uploads", K_BOOL, OFF(http_compress), 0 },
	{ "http_output.keep_alive", K_BOOL, OFF(http_keep_alive), 0 },
	{ "outputs_queue.capacity", K_SIZE, OFF(queue_capacity), 1u << 24 },
	{ "hostname", K_STR, OFF(hostname), 0 },
	{ "log_level", K_PRIO, OFF(log_level), 0 },
	{ "log_stderr", K_BOOL, OFF(log_stderr), 0 },
	{ "log_syslog", K_BOOL, OFF(log_syslog), 0 },
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
const size_t saker_cfg_nkeys = NKEYS;

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

/* Appends a copy of str to the string vector *v of *n entries. */
static int strv_add(char ***v, size_t *n, const char *str)
{
	char **l = realloc(*v, (*n + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	*v = l;
	l[*n] = strdup(str);
	if (!l[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void strv_free(char ***v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
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
	c->syslog_facility = 1;
	c->syslog_max_len = SAKER_SYSLOG_MAX_DEFAULT;
	c->remote_max_len = SAKER_SYSLOG_MAX_DEFAULT;
	c->http_user_agent = strdup("saker");
	c->http_ca_path = strdup("/etc/saker/certs/");
	c->http_client_cert = strdup("/etc/saker/certs/client/client.crt");
	c->http_client_key = strdup("/etc/saker/certs/client/client.key");
	c->queue_capacity = 4096;
	c->log_level = SAKER_PRIO_INFORMATIONAL;
	c->log_stderr = true;
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
	free(c->output_append);
	strv_free(&c->loaded, &c->nloaded);
	strv_free(&c->warnings, &c->nwarnings);
	for (i = 0; i < NKEYS; i++) {
		if (keys[i].type == K_STR || keys[i].type == K_PORT)
			free(*(char **)((char *)c + keys[i].off));
		if (c->origins)
			free(c->origins[i]);
	}
	free(c->origins);
	memset(c, 0, sizeof(*c));
}

static const struct saker_cfg_key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* Records where k was set; a failure only loses the position in messages. */
static void set_origin(struct saker_config *c, const struct saker_cfg_key *k, const char *where)
{
	size_t i = (size_t)(k - keys);

	if (!c->origins)
		c->origins = calloc(NKEYS, sizeof(*c->origins));
	if (!c->origins)
		return;
	free(c->origins[i]);
	c->origins[i] = strdup(where);
}

const char *saker_config_origin(const struct saker_config *c, const char *key)
{
	const struct saker_cfg_key *k = find_key(key);

	return k && c->origins ? c->origins[k - keys] : NULL;
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
static int apply_scalar(struct saker_config *c, const struct saker_cfg_key *k,
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
	case K_PORT:
		/* A number wraps in a sockaddr (70000 was sent to 4464): 1..65535, or a service. */
		if (isdigit((unsigned char)*v) ? parse_num(v, 65535, &n) || !n :
		    !getservbyname(v, NULL)) {
			saker_set_err(err, errlen,
				"%s: expected a port 1..65535 or a service of /etc/services, got '%s'",
				k->name, v);
			return -EINVAL;
		}
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
		else if (!strcasecmp(v, "tls"))
			c->remote_proto = SAKER_CFG_TLS;
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
		/* kern is the kernel's: syslog(3) turns it into user, so would we silently */
		if (!i && k->off == OFF(syslog_facility)) {
			saker_set_err(err, errlen, "%s: kern is the kernel's facility; use user or local0..local7",
				k->name);
			return -EINVAL;
		}
		*(int *)dst = i;
		return 0;
	}
bad_value:
	saker_set_err(err, errlen, "%s: invalid value '%s' (expected %s)", k->name, v,
		k->type == K_BOOL ? "true or false" :
		k->type == K_PRIO ? "a priority: emergency..debug" :
		k->type == K_MATCH ? "first or all" :
		k->type == K_PROTO ? "udp, tcp or tls" : "a facility: local0..local7, user, daemon...");
	return -EINVAL;
}

/* config_files' strategies, as Falco has them. */
enum strategy {
	S_OVERRIDE,	/* a key of the drop-in replaces the value */
	S_APPEND,	/* lists (rules_files) are extended, other keys replaced */
	S_ADD_ONLY,	/* only keys that no file set before are taken */
};

struct walk {
	struct saker_config *c;
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t errlen;
	enum strategy strategy;
	int depth;		/* 0: the main file; 1: a drop-in */
	yaml_node_t *dropins;	/* the main file's config_files */
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

static void node_pos(const struct walk *w, const yaml_node_t *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%zu:%zu", w->file, (size_t)n->start_mark.line + 1,
		 (size_t)n->start_mark.column + 1);
}

/* A warning at n: "file:line:col: msg", kept in c->warnings. */
static int node_warn(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int node_warn(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[256], line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	node_pos(w, n, line, sizeof(line) - sizeof(msg) - 2);
	strcat(line, ": ");
	strcat(line, msg);
	return strv_add(&w->c->warnings, &w->c->nwarnings, line);
}

/* The closest known name (a key, a section, or Falco's) a typo away, in out; or false. */
static bool near_key(const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name), cap = n >= 6 ? 2 : n >= 3 ? 1 : 0, best = cap + 1, d, i;
	char sect[128];

	for (i = 0; i < NKEYS; i++) {
		const char *dot;

		d = saker_config_distance(name, keys[i].name, cap);
		if (d < best) {
			best = d;
			snprintf(out, outlen, "%s", keys[i].name);
		}
		/* and each section above the key: "stdout_output" for its typo */
		for (dot = strchr(keys[i].name, '.'); dot; dot = strchr(dot + 1, '.')) {
			snprintf(sect, sizeof(sect), "%.*s", (int)(dot - keys[i].name), keys[i].name);
			d = saker_config_distance(name, sect, cap);
			if (d < best) {
				best = d;
				snprintf(out, outlen, "%s", sect);
			}
		}
	}
	for (i = 0; saker_config_falco_keys[i]; i++) {
		d = saker_config_distance(name, saker_config_falco_keys[i], cap);
		if (d < best) {
			best = d;
			snprintf(out, outlen, "%s", saker_config_falco_keys[i]);
		}
	}
	return best <= cap;
}

/*
 * A key saker has no entry for. What a user needs: a falco.yaml loads (its
 * keys saker lacks are warnings), a newer Falco's keys too (an unknown
 * top-level key far from every known name is a warning), but a typo in a
 * key saker reads is never silent: a name a typo away from a known one, or
 * an unknown key inside a section saker has, is an error.
 */
static int unknown_key(struct walk *w, const char *prefix, const char *name,
		       const yaml_node_t *k)
{
	char have[512], near[128];
	size_t i, n = strlen(prefix), used = 0;

	if (saker_config_falco_key(name))
		return node_warn(w, k, "'%s' is a Falco key saker does not implement: ignored",
				 name);
	if (near_key(name, near, sizeof(near)))
		return node_err(w, k, "unknown key '%s' (did you mean '%s'?)", name, near);
	if (!*prefix)
		return node_warn(w, k, "unknown key '%s' (neither saker's nor Falco's): ignored",
				 name);
	have[0] = '\0';
	for (i = 0; i < NKEYS && used < sizeof(have); i++)
		if (!strncmp(keys[i].name, prefix, n) && keys[i].name[n] == '.')
			used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%s",
						 used ? ", " : "", keys[i].name + n + 1);
	return node_err(w, k, "unknown key '%s' (%s has: %s)", name, prefix, have);
}

static int walk_value(struct walk *w, const char *name, yaml_node_t *v);

/*
 * A key given twice in one mapping: libyaml keeps both and the last would
 * win unseen (Falco's yaml-cpp too), so which one the user meant is unknown.
 */
static int check_duplicate(struct walk *w, const char *prefix, yaml_node_t *map,
			   yaml_node_pair_t *pair, yaml_node_t *k)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start; p < pair; p++) {
		yaml_node_t *o = yaml_document_get_node(w->doc, p->key);

		if (o && o->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)o->data.scalar.value, (const char *)k->data.scalar.value))
			return node_err(w, k, "duplicate key '%s%s%s' (first at line %zu)", prefix,
					*prefix ? "." : "", (const char *)k->data.scalar.value,
					(size_t)o->start_mark.line + 1);
	}
	return 0;
}

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
		ret = check_duplicate(w, prefix, map, pair, k);
		if (ret)
			return ret;
		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "",
			 (const char *)k->data.scalar.value);
		if (!strcmp(name, "config_files")) {
			/* Falco reads them from the main file only. */
			if (w->depth)
				ret = node_warn(w, k, "config_files in a file of config_files: ignored");
			else
				w->dropins = v;
			if (ret)
				return ret;
			continue;
		}
		if (!find_key(name) && !is_section(name)) {
			ret = unknown_key(w, prefix, name, k);
			if (ret)
				return ret;
			continue;	/* warned: the value is not read */
		}
		ret = walk_value(w, name, v);
		if (ret)
			return ret;
	}
	return 0;
}

static int walk_value(struct walk *w, const char *name, yaml_node_t *v)
{
	const struct saker_cfg_key *k = find_key(name);
	char msg[200], pos[300];
	int ret;

	if (!k) {
		if (v->type != YAML_MAPPING_NODE)
			return node_err(w, v, "'%s' must be a mapping", name);
		return walk_mapping(w, name, v);
	}
	node_pos(w, v, pos, sizeof(pos));
	if (w->strategy == S_ADD_ONLY && w->c->origins && w->c->origins[k - keys])
		return 0;
	if (k->type == K_LIST) {
		yaml_node_item_t *it;

		if (w->strategy != S_APPEND)
			free_list(w->c);
		set_origin(w->c, k, pos);
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
	if (!ret)
		set_origin(w->c, k, pos);
	return ret;
}

static int load_buffer(struct saker_config *c, const char *name, const char *buf,
		       size_t len, enum strategy strategy, int depth, char *err, size_t errlen);

static int load_file(struct saker_config *c, const char *path, enum strategy strategy,
		     int depth, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	ret = saker_read_regular(path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	/* Noted first: the main file before its drop-ins, in --support. */
	ret = strv_add(&c->loaded, &c->nloaded, path);
	if (!ret)
		ret = load_buffer(c, path, buf, len, strategy, depth, err, errlen);
	free(buf);
	return ret;
}

/* One config_files entry: a file, or a directory's YAML files, sorted. */
static int load_dropin(struct walk *w, const yaml_node_t *at, const char *path,
		       enum strategy strategy)
{
	char **names;
	struct stat st;
	size_t n, i;
	int ret;

	/* Falco's own falco.yaml names /etc/falco/config.d: absent is no error. */
	if (stat(path, &st))
		return errno == ENOENT ? node_warn(w, at, "config_files: %s: %s: skipped", path,
						   strerror(errno)) :
			node_err(w, at, "config_files: %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return load_file(w->c, path, strategy, 1, w->err, w->errlen);
	ret = saker_yaml_dir(path, &names, &n);
	if (ret)
		return node_err(w, at, "config_files: %s: %s", path, strerror(-ret));
	for (i = 0; i < n && !ret; i++)
		ret = load_file(w->c, names[i], strategy, 1, w->err, w->errlen);
	saker_yaml_dir_free(names, n);
	return ret;
}

/* config_files: a list of paths, or of {path, strategy} as in Falco 0.39. */
static int load_dropins(struct walk *w, yaml_node_t *list)
{
	static const char *const names[] = { "override", "append", "add-only" };
	yaml_node_item_t *it;
	int ret = 0;

	if (list->type == YAML_SCALAR_NODE)
		return load_dropin(w, list, (const char *)list->data.scalar.value, S_OVERRIDE);
	if (list->type != YAML_SEQUENCE_NODE)
		return node_err(w, list, "'config_files' must be a list of paths");
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top && !ret; it++) {
		yaml_node_t *e = yaml_document_get_node(w->doc, *it), *p = NULL, *st = NULL;
		enum strategy strategy = S_OVERRIDE;
		yaml_node_pair_t *pair;
		unsigned int i;

		if (e && e->type == YAML_SCALAR_NODE) {
			ret = load_dropin(w, e, (const char *)e->data.scalar.value, S_OVERRIDE);
			continue;
		}
		if (!e || e->type != YAML_MAPPING_NODE)
			return node_err(w, e ? e : list, "'config_files' items must be paths or {path, strategy}");
		for (pair = e->data.mapping.pairs.start; pair < e->data.mapping.pairs.top; pair++) {
			yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
			yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);

			if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE)
				return node_err(w, e, "config_files: path and strategy are strings");
			if (!strcmp((const char *)k->data.scalar.value, "path"))
				p = v;
			else if (!strcmp((const char *)k->data.scalar.value, "strategy"))
				st = v;
			else
				return node_err(w, k, "config_files: unknown key '%s' (path, strategy)",
						(const char *)k->data.scalar.value);
		}
		if (!p)
			return node_err(w, e, "config_files: an item without a path");
		for (i = 0; st && i < 3; i++)
			if (!strcmp((const char *)st->data.scalar.value, names[i]))
				break;
		if (st && i == 3)
			return node_err(w, st, "config_files: strategy '%s' (override, append or add-only)",
					(const char *)st->data.scalar.value);
		if (st)
			strategy = (enum strategy)i;
		ret = load_dropin(w, p, (const char *)p->data.scalar.value, strategy);
	}
	return ret;
}

static int load_buffer(struct saker_config *c, const char *name, const char *buf,
		       size_t len, enum strategy strategy, int depth, char *err, size_t errlen)
{
	struct walk w = { c, NULL, name, err, errlen, strategy, depth, NULL };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret;

	ret = saker_config_yaml_depth(name, buf, len, err, errlen);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = saker_config_yaml_error(&parser, name, buf, len, err, errlen);
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
	/* After the whole main file, wherever config_files stood in it (Falco). */
	if (!ret && w.dropins)
		ret = load_dropins(&w, w.dropins);
delete_doc:
	yaml_document_delete(&doc);
delete_parser:
	yaml_parser_delete(&parser);
	return ret;
}

int saker_config_load_buffer(struct saker_config *c, const char *name,
			     const char *buf, size_t len, char *err, size_t errlen)
{
	return load_buffer(c, name, buf, len, S_OVERRIDE, 0, err, errlen);
}

int saker_config_load(struct saker_config *c, const char *path, char *err,
		      size_t errlen)
{
	return load_file(c, path, S_OVERRIDE, 0, err, errlen);
}

int saker_config_set(struct saker_config *c, const char *kv, char *err,
		     size_t errlen)
{
	const char *eq = strchr(kv, '=');
	const struct saker_cfg_key *k;
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
		set_origin(c, k, "-o");
		ret = 0;
		for (item = strtok_r(copy, ",", &save); item && !ret;
		     item = strtok_r(NULL, ",", &save))
			ret = list_add(c, item);
		free(copy);
		return ret;
	}
	ret = apply_scalar(c, k, eq + 1, err, errlen);
	if (!ret)
		set_origin(c, k, "-o");
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
