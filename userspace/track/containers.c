// SPDX-License-Identifier: GPL-2.0
/*
 * Container metadata from runtime state files. The rule engine hands us the
 * short id from the cgroup path; state directories are named by the full
 * id, so a miss scans the roots for a directory starting with it. Fields
 * the files do not carry stay NULL (missing), never guessed.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "containers.h"
#include "lib/clock.h"
#include "lib/dict.h"
#include "mounts.h"

#define CACHE_MAX	4096	/* entries; a miss when full evicts one */
#define ID_MAX		64	/* a full container id, in hex */

/* Cached answer for one id as looked up (short id), the dict's key. */
struct centry {
	uint64_t expires;
	bool found;
	char *name, *image, *k8s_ns, *k8s_pod;
	struct saker_mounts mounts;
	bool privileged_known, privileged;
};

struct saker_containers {
	char *roots[4];		/* containerd, docker, crio, podman */
	unsigned int ttl_s, negative_ttl_s;
	uint64_t (*now_s)(void);
	struct saker_dict *cache;	/* id -> struct centry */
	struct saker_containers_stats st;
};

enum { ROOT_CONTAINERD, ROOT_DOCKER, ROOT_CRIO, ROOT_PODMAN };

static uint64_t mono_s(void)
{
	return saker_now_mono_ns() / SAKER_NSEC_PER_SEC;
}

static char *dup_root(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static void entry_clear(struct centry *e)
{
	free(e->name);
	free(e->image);
	free(e->k8s_ns);
	free(e->k8s_pod);
	saker_mounts_free(&e->mounts);
	memset(e, 0, sizeof(*e));
}

static void entry_free(void *p)
{
	entry_clear(p);
	free(p);
}

struct saker_containers *saker_containers_new(const struct saker_containers_config *cfg)
{
	struct saker_containers *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->roots[ROOT_CONTAINERD] = dup_root(cfg->containerd_root);
	c->roots[ROOT_DOCKER] = dup_root(cfg->docker_root);
	c->roots[ROOT_CRIO] = dup_root(cfg->crio_root);
	c->roots[ROOT_PODMAN] = dup_root(cfg->podman_root);
	c->ttl_s = cfg->ttl_s;
	c->negative_ttl_s = cfg->negative_ttl_s;
	c->now_s = cfg->now_s ? cfg->now_s : mono_s;
	c->cache = saker_dict_new(entry_free);
	if (!c->cache)
		goto free_c;
	return c;
free_c:
	saker_containers_free(c);
	return NULL;
}

void saker_containers_free(struct saker_containers *c)
{
	size_t i;

	if (!c)
		return;
	saker_dict_free(c->cache);
	for (i = 0; i < 4; i++)
		free(c->roots[i]);
	free(c);
}

/* First string among keys in obj (JSON object), or NULL. */
static const char *first_str(json_t *obj, const char *const *keys)
{
	for (; obj && *keys; keys++) {
		const char *s = json_string_value(json_object_get(obj, *keys));

		if (s && *s)
			return s;
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *const k_name[] = { "io.kubernetes.cri.container-name",
	"io.kubernetes.container.name", "nerdctl/name", NULL };
static const char *const k_sandbox_name[] = { "io.kubernetes.cri.sandbox-name", NULL };
static const char *const k_image[] = { "io.kubernetes.cri.image-name",
	"io.kubernetes.cri-o.ImageName", NULL };
static const char *const k_pod[] = { "io.kubernetes.cri.sandbox-name",
	"io.kubernetes.pod.name", NULL };
static const char *const k_ns[] = { "io.kubernetes.cri.sandbox-namespace",
	"io.kubernetes.pod.namespace", NULL };

/* OCI runtime bundle config.json (containerd, cri-o, podman): annotations. */
static void from_oci(struct centry *e, json_t *root)
{
	json_t *ann = json_object_get(root, "annotations");
	const char *type = json_string_value(json_object_get(ann, "io.kubernetes.cri.container-type"));
	const char *name = first_str(ann, k_name);

	/* A pod's sandbox (pause) container is named after the pod. */
	if (!name && type && !strcmp(type, "sandbox"))
		name = first_str(ann, k_sandbox_name);
	e->name = dup_or_null(name);
	e->image = dup_or_null(first_str(ann, k_image));
	e->k8s_pod = dup_or_null(first_str(ann, k_pod));
	e->k8s_ns = dup_or_null(first_str(ann, k_ns));
	/* Out of memory costs the mounts only: the fields read as missing. */
	if (saker_mounts_from_oci(json_object_get(root, "mounts"), &e->mounts))
		saker_mounts_free(&e->mounts);
}

/* docker's config.v2.json: Name ("/web"), Config.Image, Config.Labels. */
static void from_docker(struct centry *e, json_t *root)
{
	json_t *config = json_object_get(root, "Config");
	json_t *labels = json_object_get(config, "Labels");
	const char *name = json_string_value(json_object_get(root, "Name"));

	if (name && *name == '/')
		name++;
	e->name = dup_or_null(name && *name ? name : NULL);
	e->image = dup_or_null(json_string_value(json_object_get(config, "Image")));
	e->k8s_pod = dup_or_null(first_str(labels, k_pod));
	e->k8s_ns = dup_or_null(first_str(labels, k_ns));
	if (saker_mounts_from_docker(json_object_get(root, "MountPoints"), &e->mounts))
		saker_mounts_free(&e->mounts);
}

/* docker's hostconfig.json, beside config.v2.json: Privileged. */
static void from_docker_host(struct centry *e, json_t *root)
{
	json_t *p = json_object_get(root, "Privileged");

	e->privileged_known = json_is_boolean(p);
	e->privileged = json_is_true(p);
}

/* Directory under dir whose name is a full id starting with id; into out. */
static int find_id_dir(const char *dir, const char *id, char *out, size_t size)
{
	size_t idlen = strlen(id);
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strlen(de->d_name) == ID_MAX && !strncmp(de->d_name, id, idlen)) {
			snprintf(out, size, "%s/%s", dir, de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* 1 read, 0 no such file, -1 a file that did not parse. */
static int read_json(struct saker_containers *c, const char *path,
		     void (*fill)(struct centry *, json_t *), struct centry *e)
{
	json_error_t jerr;
	struct stat sb;
	json_t *root;

	if (stat(path, &sb))
		return 0;
	root = json_load_file(path, JSON_DECODE_ANY, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		c->st.bad_files++;
		return -1;
	}
	fill(e, root);
	json_decref(root);
	return 1;
}

static int resolve(struct saker_containers *c, const char *id, struct centry *e)
{
	/* A state directory, and a file in it ("/userdata/config.json"). */
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct dirent *de;
	DIR *d;
	int r;

	if (c->roots[ROOT_DOCKER] &&
	    !find_id_dir(c->roots[ROOT_DOCKER], id, dir, sizeof(dir))) {
		snprintf(path, sizeof(path), "%s/config.v2.json", dir);
		r = read_json(c, path, from_docker, e);
		if (r > 0) {
			snprintf(path, sizeof(path), "%s/hostconfig.json", dir);
			read_json(c, path, from_docker_host, e);
		}
		if (r)
			return r;
	}
	/* containerd: one directory per namespace (k8s.io, moby, default...). */
	if (c->roots[ROOT_CONTAINERD] && (d = opendir(c->roots[ROOT_CONTAINERD]))) {
		r = 0;
		while (!r && (de = readdir(d))) {
			char nsdir[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			snprintf(nsdir, sizeof(nsdir), "%s/%s", c->roots[ROOT_CONTAINERD],
				 de->d_name);
			if (find_id_dir(nsdir, id, dir, sizeof(dir)))
				continue;
			snprintf(path, sizeof(path), "%s/config.json", dir);
			r = read_json(c, path, from_oci, e);
		}
		closedir(d);
		if (r)
			return r;
	}
	if (c->roots[ROOT_CRIO] && !find_id_dir(c->roots[ROOT_CRIO], id, dir, sizeof(dir))) {
		snprintf(path, sizeof(path), "%s/userdata/config.json", dir);
		if ((r = read_json(c, path, from_oci, e)))
			return r;
	}
	if (c->roots[ROOT_PODMAN] &&
	    !find_id_dir(c->roots[ROOT_PODMAN], id, dir, sizeof(dir))) {
		snprintf(path, sizeof(path), "%s/userdata/config.json", dir);
		if ((r = read_json(c, path, from_oci, e)))
			return r;
	}
	return 0;
}

struct victim {
	uint64_t now;
	const char *id;
	uint64_t expires;
};

static int pick_victim(const char *id, void *val, void *ctx)
{
	const struct centry *e = val;
	struct victim *v = ctx;

	if (!v->id || e->expires < v->expires) {
		v->id = id;
		v->expires = e->expires;
	}
	return e->expires <= v->now;	/* an expired one will do */
}

/* Room for a new entry when full: evict an expired one, else the one
 * expiring first. */
static void make_room(struct saker_containers *c, uint64_t now)
{
	struct victim v = { .now = now };

	if (saker_dict_count(c->cache) < CACHE_MAX)
		return;
	saker_dict_each(c->cache, pick_victim, &v);
	if (v.id)
		saker_dict_del(c->cache, v.id);
}

static void fill_out(const struct centry *e, struct saker_container_meta *out)
{
	out->name = e->name;
	out->image = e->image;
	out->k8s_ns = e->k8s_ns;
	out->k8s_pod = e->k8s_pod;
	out->mounts = e->mounts.v;
	out->nmounts = e->mounts.n;
	out->privileged_known = e->privileged_known;
	out->privileged = e->privileged;
}

int saker_containers_lookup(struct saker_containers *c, const char *id,
			    struct saker_container_meta *out)
{
	uint64_t now = c->now_s();
	struct centry *e;
	int r;

	c->st.lookups++;
	memset(out, 0, sizeof(*out));
	if (!id || !*id || strlen(id) > ID_MAX || strchr(id, '/') || strchr(id, '.'))
		return -ENOENT;
	e = saker_dict_get(c->cache, id);
	if (e && e->expires > now) {
		c->st.cache_hits++;
		if (!e->found)
			return -ENOENT;
		fill_out(e, out);
		return 0;
	}
	if (e) {
		entry_clear(e);
	} else {
		make_room(c, now);
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		if (saker_dict_put(c->cache, id, e)) {
			free(e);
			return -ENOMEM;
		}
	}
	r = resolve(c, id, e);
	e->found = r > 0;
	e->expires = now + (e->found ? c->ttl_s : c->negative_ttl_s);
	if (!e->found) {
		c->st.not_found++;
		return -ENOENT;
	}
	c->st.found++;
	fill_out(e, out);
	return 0;
}

static int provider_lookup(void *ctx, const char *id, struct saker_container_meta *out)
{
	return saker_containers_lookup(ctx, id, out);
}

void saker_containers_provider(struct saker_containers *c,
			       struct saker_meta_provider *out)
{
	out->ctx = c;
	out->lookup = provider_lookup;
}

void saker_containers_stats(const struct saker_containers *c,
			    struct saker_containers_stats *st)
{
	*st = c->st;
	st->cached = saker_dict_count(c->cache);
}
