// SPDX-License-Identifier: GPL-2.0
/* Container mounts: parsing the runtimes' descriptions, lookup, format. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"

static char *dup_s(const char *s)
{
	return strdup(s ? s : "");
}

static int add(struct saker_mounts *out, const char *src, const char *dst,
	       const char *mode, const char *prop, bool rdwr)
{
	struct saker_mount *v, *m;

	if (!dst || !*dst)
		return 0;
	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	out->v = v;
	m = &v[out->n];
	m->source = dup_s(src);
	m->dest = dup_s(dst);
	m->mode = dup_s(mode);
	m->propagation = dup_s(prop);
	m->rdwr = rdwr;
	if (!m->source || !m->dest || !m->mode || !m->propagation) {
		free((void *)m->source);
		free((void *)m->dest);
		free((void *)m->mode);
		free((void *)m->propagation);
		return -ENOMEM;
	}
	out->n++;
	return 0;
}

int saker_mounts_dup(const struct saker_mount *v, size_t n, struct saker_mounts *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (add(out, v[i].source, v[i].dest, v[i].mode, v[i].propagation, v[i].rdwr))
			return -ENOMEM;
	return 0;
}

void saker_mounts_free(struct saker_mounts *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free((void *)m->v[i].source);
		free((void *)m->v[i].dest);
		free((void *)m->v[i].mode);
		free((void *)m->v[i].propagation);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "MountPoints": {"/dest": {"Source", "Destination", "RW", "Relabel", "Propagation"}} */
int saker_mounts_from_docker(json_t *mount_points, struct saker_mounts *out)
{
	const char *key;
	json_t *mp;

	json_object_foreach(mount_points, key, mp) {
		const char *dst = jstr(mp, "Destination");

		if (add(out, jstr(mp, "Source"), dst ? dst : key, jstr(mp, "Relabel"),
			jstr(mp, "Propagation"), json_is_true(json_object_get(mp, "RW"))))
			return -ENOMEM;
	}
	return 0;
}

/* "mounts": [{"destination", "type", "source", "options": [...]}]: binds only. */
int saker_mounts_from_oci(json_t *mounts, struct saker_mounts *out)
{
	static const char *const props[] = { "rprivate", "private", "rshared", "shared",
					     "rslave", "slave", NULL };
	json_t *m, *opt;
	size_t i, j;

	json_array_foreach(mounts, i, m) {
		const char *type = jstr(m, "type"), *prop = "", *const *p;
		json_t *opts = json_object_get(m, "options");
		bool bind = type && !strcmp(type, "bind"), rdwr = true;

		json_array_foreach(opts, j, opt) {
			const char *o = json_string_value(opt);

			if (!o)
				continue;
			bind |= !strcmp(o, "bind") || !strcmp(o, "rbind");
			if (!strcmp(o, "ro"))
				rdwr = false;
			for (p = props; *p; p++)
				if (!strcmp(o, *p))
					prop = *p;
		}
		if (bind && add(out, jstr(m, "source"), jstr(m, "destination"), "", prop, rdwr))
			return -ENOMEM;
	}
	return 0;
}

int saker_mounts_from_json(json_t *arr, struct saker_mounts *out)
{
	json_t *m;
	size_t i;

	json_array_foreach(arr, i, m) {
		if (add(out, jstr(m, "source"), jstr(m, "dest"), jstr(m, "mode"),
			jstr(m, "propagation"), json_is_true(json_object_get(m, "rdwr"))))
			return -ENOMEM;
	}
	return 0;
}

const struct saker_mount *saker_mount_find(const struct saker_mount *v, size_t n,
					   const char *key, bool by_dest)
{
	char *end;
	unsigned long idx;
	size_t i;

	if (!key || !*key)
		return NULL;
	idx = strtoul(key, &end, 10);
	if (*key >= '0' && *key <= '9' && !*end)
		return idx < n ? &v[idx] : NULL;
	/* libsinsp: '*' crosses '/', so /proc* names /proc and all below it. */
	for (i = 0; i < n; i++)
		if (!fnmatch(key, by_dest ? v[i].dest : v[i].source, 0))
			return &v[i];
	return NULL;
}

size_t saker_mount_len(const struct saker_mount *m)
{
	return strlen(m->source) + strlen(m->dest) + strlen(m->mode) +
	       strlen(m->propagation) + (m->rdwr ? 4 : 5) + 4;
}

size_t saker_mount_format(const struct saker_mount *m, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s:%s:%s:%s:%s", m->source, m->dest, m->mode,
			 m->rdwr ? "true" : "false", m->propagation);

	return n < 0 ? 0 : (size_t)n;
}
