// SPDX-License-Identifier: GPL-2.0
/*
 * The falco.yaml keys saker knows of but does not implement (Falco 0.36 to
 * 0.41): a falco.yaml given to sakerd loads, with one warning per such key
 * naming it, instead of stopping at the first. Keys of sections saker
 * implements (file_output.keep_alive) are listed one by one; sections saker
 * has nothing of (plugins, grpc, metrics...) are listed whole.
 */
#include <string.h>

#include "config_int.h"

const char *const saker_config_falco_keys[] = {
	"watch_config_files", "append_output", "static_fields", "engine", "load_plugins",
	"plugins", "time_format_iso_8601", "buffer_format_base64",
	"json_include_message_property", "json_include_output_fields_property",
	"buffered_outputs", "outputs", "grpc_output", "grpc", "webserver.threadiness",
	"webserver.ssl_enabled", "webserver.ssl_certificate",
	"libs_logger", "output_timeout", "syscall_event_timeouts",
	"syscall_event_drops", "metrics", "base_syscalls", "falco_libs", "container_engines",
	"capture", "plugins_hostinfo", "modern_bpf", "syscall_buf_size_preset",
	"syscall_drop_failed_exit", "metadata_download", "file_output.keep_alive",
	"stdout_output.color",
	NULL,
};

bool saker_config_falco_key(const char *name)
{
	size_t i, n;

	for (i = 0; saker_config_falco_keys[i]; i++) {
		n = strlen(saker_config_falco_keys[i]);
		if (!strncmp(name, saker_config_falco_keys[i], n) && (!name[n] || name[n] == '.'))
			return true;
	}
	return false;
}

#define DIST_MAX 128

size_t saker_config_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	/* Three rows: the one before the previous one holds transpositions. */
	size_t rows[3][DIST_MAX + 1];
	size_t *pp = rows[0], *p = rows[1], *cur = rows[2], *t;

	if (la > DIST_MAX || lb > DIST_MAX)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = p[j - 1] + (a[i - 1] != b[j - 1]);

			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			cur[j] = best;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb] > cap ? cap + 1 : p[lb];
}
