// SPDX-License-Identifier: GPL-2.0
/*
 * sakerd --support (support.h). Rule files are given by digest, not text:
 * rules_digest is sha256sum's output over them, hashed again, so
 *   sha256sum FILE... | sha256sum
 * on the host gives the same value, and two hosts compare in one line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "kmod/uapi/saker.h"
#include "lib/file.h"
#include "lib/sha256.h"
#include "lib/version.h"
#include "support.h"

/* {"name", "size", "sha256"} or {"name", "error"}; content too when asked. */
static json_t *file_json(const char *path, bool content)
{
	char err[512], hex[SAKER_SHA256_HEX];
	json_t *j;
	size_t len;
	char *buf;

	if (saker_read_regular(path, &buf, &len, err, sizeof(err)))
		return json_pack("{s:s,s:s}", "name", path, "error", err);
	saker_sha256_hex(buf, len, hex);
	j = json_pack("{s:s,s:I,s:s}", "name", path, "size", (json_int_t)len, "sha256", hex);
	if (j && content)
		json_object_set_new(j, "content", json_stringn(buf, len));
	free(buf);
	return j;
}

/* Adds path's entries (a directory: its YAML files, sorted, as the loader reads them). */
static int add_rules(json_t *arr, struct saker_sha256 *all, const char *path)
{
	char **names = NULL, line[4200];
	size_t n = 1, i;
	struct stat st;
	int ret = 0;

	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		ret = saker_yaml_dir(path, &names, &n);
		if (ret)
			return json_array_append_new(arr, json_pack("{s:s,s:s}", "name", path,
						     "error", strerror(-ret)));
	}
	for (i = 0; i < n; i++) {
		json_t *f = file_json(names ? names[i] : path, false);
		const char *hex = json_string_value(json_object_get(f, "sha256"));

		/* sha256sum's line: digest, two spaces, name. */
		if (hex) {
			snprintf(line, sizeof(line), "%s  %s\n", hex, names ? names[i] : path);
			saker_sha256_update(all, line, strlen(line));
		}
		if (!f || json_array_append_new(arr, f)) {
			ret = -ENOMEM;
			break;
		}
	}
	saker_yaml_dir_free(names, names ? n : 0);
	return ret;
}

static json_t *module_json(void)
{
	char err[256], *buf;
	size_t len;
	json_t *j;

	/* MODULE_VERSION is in sysfs while the module is loaded. */
	if (saker_read_regular("/sys/module/saker/version", &buf, &len, err, sizeof(err)))
		return json_pack("{s:b,s:n}", "loaded", 0, "version");
	while (len && (buf[len - 1] == '\n'))
		len--;
	buf[len] = '\0';
	j = json_pack("{s:b,s:s}", "loaded", 1, "version", buf);

	free(buf);
	return j;
}

json_t *saker_support_json(const struct saker_config *cfg, const char *cfg_path,
			   int argc, char **argv)
{
	uint8_t digest[SAKER_SHA256_LEN];
	char hex[SAKER_SHA256_HEX];
	struct saker_sha256 all;
	struct utsname u;
	json_t *j, *rules, *cmd, *cfgs, *w;
	size_t i;
	int k;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	rules = json_array();
	cmd = json_array();
	cfgs = json_array();
	j = json_pack("{s:s,s:i,s:{s:s,s:s,s:s,s:s,s:s},s:o,s:o,s:o,s:o}",
		      "version", saker_version(), "module_abi", SAKER_ABI_VERSION,
		      "system_info", "sysname", u.sysname, "nodename", u.nodename,
		      "release", u.release, "version", u.version, "machine", u.machine,
		      "kernel_module", module_json(), "cmdline", cmd,
		      "config_files", cfgs, "rules_files", rules);
	if (!j)
		return NULL;
	for (k = 0; k < argc; k++)
		json_array_append_new(cmd, json_string(argv[k]));
	/* The file(s) read, in order: text and digest, for the report. */
	for (i = 0; i < cfg->nloaded; i++)
		json_array_append_new(cfgs, file_json(cfg->loaded[i], true));
	json_object_set_new(j, "config", json_string(cfg_path));
	w = json_array();
	for (i = 0; i < cfg->nwarnings; i++)
		json_array_append_new(w, json_string(cfg->warnings[i]));
	json_object_set_new(j, "config_warnings", w);
	saker_sha256_init(&all);
	for (i = 0; i < cfg->nrules; i++)
		if (add_rules(rules, &all, cfg->rules_files[i])) {
			json_decref(j);
			return NULL;
		}
	saker_sha256_final(&all, digest);
	for (k = 0; k < SAKER_SHA256_LEN; k++)
		snprintf(hex + 2 * k, 3, "%02x", digest[k]);
	json_object_set_new(j, "rules_digest", json_string(hex));
	return j;
}
