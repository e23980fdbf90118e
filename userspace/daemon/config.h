/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sakerd's configuration: /etc/saker/saker.yaml (keys named as in
 * falco.yaml where Falco has one), then command-line overrides. Every key
 * is listed in saker.yaml(5) and in config/saker.yaml.
 */
#ifndef SAKER_CONFIG_H
#define SAKER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rules.h"

#define SAKER_CONFIG_DEFAULT "/etc/saker/saker.yaml"

enum saker_cfg_proto {
	SAKER_CFG_UDP = 0,
	SAKER_CFG_TCP,
	SAKER_CFG_TLS,
};

struct saker_config;
/* Builds the configuration again as at start (file, drop-ins, options): SIGHUP. */
typedef int (*saker_config_build_fn)(void *arg, struct saker_config *c, char *err,
				     size_t errlen);

struct saker_config {
	/* rules */
	char **rules_files;		/* files or directories, in order */
	size_t nrules;
	enum saker_match_mode rule_matching;
	enum saker_prio priority;	/* minimum */
	/* -p (Falco's): added to every rule's output; command line only */
	char *output_append;
	bool output_append_info;	/* -pc/-pk: replaces %container.info */
	/* alert format and outputs */
	bool json_output;
	bool json_include_output;
	bool json_include_tags;
	bool stdout_enabled;
	bool file_enabled;
	char *file_path;
	bool syslog_enabled;
	bool remote_enabled;
	char *remote_host;
	char *remote_port;
	enum saker_cfg_proto remote_proto;
	int facility;			/* remote: 0..SAKER_SYSLOG_FACILITY_MAX (LOG_LOCAL0 >> 3 = 16) */
	int syslog_facility;		/* local: 1..23, user (1) as Falco's syslog(3) */
	char *remote_ca_file;		/* protocol tls: NULL = the system's CAs */
	char *remote_server_name;	/* NULL: remote_host */
	char *remote_client_cert;
	char *remote_client_key;
	size_t syslog_max_len;		/* syslog_output.max_message_size */
	size_t remote_max_len;		/* remote_syslog_output.max_message_size */
	bool program_enabled;
	char *program;
	bool program_keep_alive;	/* false: the program runs once per alert */
	/* http_output, Falco's keys */
	bool http_enabled;
	char *http_url;
	char *http_user_agent;
	bool http_insecure;
	char *http_ca_cert;
	char *http_ca_bundle;
	char *http_ca_path;
	bool http_mtls;
	char *http_client_cert;
	char *http_client_key;
	bool http_echo;
	bool http_compress;
	bool http_keep_alive;
	size_t queue_capacity;
	char *hostname;			/* NULL: gethostname() */
	/* sakerd's own messages (falco.yaml's keys) */
	enum saker_prio log_level;	/* the most verbose level written */
	bool log_stderr;
	bool log_syslog;
	/* saker's own */
	char *device;
	unsigned int merge_window_ms;
	size_t merge_max_pending;
	size_t max_procs;
	char *proc_root;
	char *containerd_root;
	char *docker_root;
	char *crio_root;
	char *podman_root;
	unsigned int containers_ttl_s;
	unsigned int containers_negative_ttl_s;
	unsigned int stats_interval_s;
	bool stats_alert;
	bool open_filter;		/* kernel.open_filter: push the rules' filter */
	unsigned int loss_alert_interval_s;	/* between two loss alerts */
	/* the files read, in order (saker_config_load), for --support */
	char **loaded;
	size_t nloaded;
	/* per key of config.c's table: where it was set, "file:line:col" or "-o" */
	char **origins;
	/* "file:line:col: what" for each key ignored (Falco's, unknown) or drop-in skipped */
	char **warnings;
	size_t nwarnings;
	/* set by sakerd: how to read it again on SIGHUP (NULL: rules only) */
	saker_config_build_fn rebuild;
	void *rebuild_arg;
	/* webserver.*: the health and metrics endpoint (httpd.c, metrics.c) */
	bool web_enabled;
	char *web_address;		/* numeric, 127.0.0.1 */
	unsigned int web_port;		/* 8765 */
	char *web_healthz;		/* "/healthz" */
	bool web_metrics;		/* serve /metrics */
};

void saker_config_defaults(struct saker_config *c);
void saker_config_free(struct saker_config *c);

/*
 * Reads a YAML file over the current values, then the files and
 * directories its config_files lists, in order (Falco's drop-ins: later
 * keys override). Returns 0, or -errno with "file:line:col: what" in err
 * (-EINVAL for content errors, and "file: not a regular file" for a FIFO,
 * device or directory). Keys of falco.yaml that saker does not implement,
 * and unknown keys not close to one saker has, are ignored with a line in
 * c->warnings; an unknown key in a section saker has, or one a typo away
 * from a known key, is an error ("did you mean").
 */
int saker_config_load(struct saker_config *c, const char *path, char *err,
		      size_t errlen);
int saker_config_load_buffer(struct saker_config *c, const char *name,
			     const char *buf, size_t len, char *err,
			     size_t errlen);
/* One "dotted.key=value" override (-o); lists take comma-separated items. */
int saker_config_set(struct saker_config *c, const char *kv, char *err,
		     size_t errlen);
/* Replaces (first call after load) or extends the rule list (-r). */
int saker_config_add_rules(struct saker_config *c, const char *path, bool reset);
/*
 * Checks that need the whole configuration or the system: file_output
 * needs a filename in a directory that exists, http_output an http(s) URL
 * with a port 1..65535, the syslog outputs a max_message_size >= 480... 0, or -EINVAL with
 * "file:line:col: key: what" (the place the key was set) in err.
 */
int saker_config_check(const struct saker_config *c, char *err, size_t errlen);
/*
 * sakerd -n: the remote syslog host and http_output.url's host resolve. At
 * a real start a name that does not resolve yet is retried by the output,
 * not fatal. 0 or -EINVAL.
 */
int saker_config_check_host(const struct saker_config *c, char *err, size_t errlen);
/*
 * The keys whose values differ between a and b, in saker.yaml(5)'s order:
 * fn(arg, key) for each; their number.
 */
size_t saker_config_diff(const struct saker_config *a, const struct saker_config *b,
			 void (*fn)(void *arg, const char *key), void *arg);
/* Swaps key's value (and where it was set) between dst and src. */
void saker_config_take(struct saker_config *dst, struct saker_config *src, const char *key);
/* Where key was set ("file:line:col", "-o"), NULL for its default. */
const char *saker_config_origin(const struct saker_config *c, const char *key);

const char *saker_facility_name(int facility);
/* log_level, log_stderr, log_syslog into the log (lib/log.h). */
void saker_config_apply_log(const struct saker_config *c);

#endif /* SAKER_CONFIG_H */
