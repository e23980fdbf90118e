/* SPDX-License-Identifier: GPL-2.0 */
/* Between config.c, config_falco.c (falco.yaml's keys, near names) and config_yaml.c. */
#ifndef SAKER_CONFIG_INT_H
#define SAKER_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

enum key_type { K_BOOL, K_UINT, K_SIZE, K_STR, K_LIST, K_PRIO, K_MATCH, K_PROTO,
		K_FACILITY, K_PORT };

/* One key of saker.yaml: its dotted name, type and field of struct saker_config. */
struct saker_cfg_key {
	const char *name;
	enum key_type type;
	size_t off;
	unsigned long long max;	/* K_UINT/K_SIZE upper bound */
};

/* config.c: the one table of keys, in saker.yaml(5)'s order. */
extern const struct saker_cfg_key saker_cfg_keys[];
extern const size_t saker_cfg_nkeys;

/* A falco.yaml key (dotted) or below one that saker does not implement. */
bool saker_config_falco_key(const char *name);
/* Falco's key names, for "did you mean" (NULL-terminated). */
extern const char *const saker_config_falco_keys[];
/* Optimal string alignment distance of a and b, capped at cap + 1. */
size_t saker_config_distance(const char *a, const char *b, size_t cap);

/* config_yaml.c. libyaml's reason at its position; -EINVAL or -ENOMEM. */
struct yaml_parser_s;
int saker_config_yaml_error(const struct yaml_parser_s *p, const char *name, const char *buf,
			    size_t len, char *err, size_t errlen);
/* Nesting deeper than 64 is refused where it starts, before libyaml builds it. */
int saker_config_yaml_depth(const char *name, const char *buf, size_t len, char *err,
			    size_t errlen);

#endif /* SAKER_CONFIG_INT_H */
