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
};

struct saker_config {
	/* rules */
	char **rules_files;		/* files or directories, in order */
	size_t nrules;
	enum saker_match_mode rule_matching;
	enum saker_prio priority;	/* minimum */
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
	int facility;			/* 0..SAKER_SYSLOG_FACILITY_MAX (LOG_LOCAL0 >> 3 = 16) */
	bool program_enabled;
	char *program;
	size_t queue_capacity;
	char *hostname;			/* NULL: gethostname() */
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
 * Reads a YAML file over the current values. Returns 0, or -errno with
 * "file:line:col: what" in err (-EINVAL for content errors, and
 * "file: not a regular file" for a FIFO, device or directory).
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
/* Cross-key checks (file_output needs a filename...); 0 or -EINVAL. */
int saker_config_check(const struct saker_config *c, char *err, size_t errlen);

const char *saker_facility_name(int facility);

#endif /* SAKER_CONFIG_H */
