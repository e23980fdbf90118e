// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for sakerd's configuration (daemon/config.c): the input
 * is a saker.yaml, loaded over the defaults and then loaded again over the
 * result (the second time with a short error buffer); lines after a line
 * "#-o" are -o overrides (saker_config_set). Whatever is accepted must
 * stay within each key's bounds; a refusal must say why.
 * Build: make fuzz-config; seeds: tests/fuzz/corpus_config/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "outputs/outputs.h"

#define OVERRIDES "\n#-o\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A refusal leaves a terminated, non-empty message in err. */
static void check_err(int ret, const char *err, size_t errlen)
{
	if (ret == -EINVAL && (!err[0] || !memchr(err, '\0', errlen)))
		abort();
	if (ret && ret != -EINVAL && ret != -ENOMEM)
		abort();
}

static void check_values(const struct saker_config *c)
{
	size_t i;

	for (i = 0; i < c->nrules; i++)
		if (!c->rules_files[i])
			abort();
	if (c->facility < 0 || c->facility > SAKER_SYSLOG_FACILITY_MAX ||
	    !strcmp(saker_facility_name(c->facility), "?"))
		abort();
	if (c->queue_capacity > 1u << 24 || c->merge_max_pending > 1u << 24 ||
	    c->max_procs > 1u << 24 || c->merge_window_ms > 10000 ||
	    c->containers_ttl_s > 86400 || c->containers_negative_ttl_s > 86400 ||
	    c->stats_interval_s > 86400 || c->loss_alert_interval_s > 86400)
		abort();
	if ((unsigned int)c->priority > SAKER_PRIO_DEBUG ||
	    (c->rule_matching != SAKER_MATCH_FIRST && c->rule_matching != SAKER_MATCH_ALL) ||
	    (c->remote_proto != SAKER_CFG_UDP && c->remote_proto != SAKER_CFG_TCP))
		abort();
}

/* Each line of ovr (len bytes) as one -o argument. */
static void apply_overrides(struct saker_config *c, const char *ovr, size_t len)
{
	char err[256], *copy = malloc(len + 1), *line, *save = NULL;

	if (!copy)
		abort();
	memcpy(copy, ovr, len);
	copy[len] = '\0';
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		err[0] = '\0';
		check_err(saker_config_set(c, line, err, sizeof(err)), err, sizeof(err));
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *yaml = (const char *)data;
	const char *ovr = memmem(data, size, OVERRIDES, strlen(OVERRIDES));
	size_t ylen = ovr ? (size_t)(ovr - yaml) : size;
	struct saker_config c;
	char err[256], small[8];
	int ret;

	saker_config_defaults(&c);
	err[0] = '\0';
	ret = saker_config_load_buffer(&c, "fuzz.yaml", yaml, ylen, err, sizeof(err));
	check_err(ret, err, sizeof(err));
	check_values(&c);
	/* Loading over loaded values (lists replaced, strings freed). */
	small[0] = '\0';
	ret = saker_config_load_buffer(&c, "again.yaml", yaml, ylen, small, sizeof(small));
	check_err(ret, small, sizeof(small));
	check_values(&c);
	if (ovr) {
		ovr += strlen(OVERRIDES);
		apply_overrides(&c, ovr, size - (size_t)(ovr - yaml));
		check_values(&c);
	}
	err[0] = '\0';
	ret = saker_config_check(&c, err, sizeof(err));
	check_err(ret, err, sizeof(err));
	saker_config_free(&c);
	return 0;
}
