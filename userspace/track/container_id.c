// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup path -> container id. Each runtime names the cgroup of a
 * container after its id: systemd driver "docker-<id>.scope",
 * "cri-containerd-<id>.scope", "crio-<id>.scope", "libpod-<id>.scope";
 * cgroupfs driver "/docker/<id>" and "/kubepods/<qos>/pod<uid>/<id>".
 * The innermost match wins, so docker-in-docker reports the inner one.
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <string.h>

#include "container_id.h"

static const struct {
	const char *prefix;
	enum saker_container_type type;
} prefixes[] = {
	{ "docker-", SAKER_CT_DOCKER },
	{ "cri-containerd-", SAKER_CT_CONTAINERD },
	{ "crio-", SAKER_CT_CRIO },
	{ "libpod-", SAKER_CT_PODMAN },
};

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/* One path component; prev is the component before it (or NULL). */
static int match_component(const char *c, size_t n, const char *prev,
			   size_t prevlen, bool under_kubepods, const char **id,
			   enum saker_container_type *type)
{
	size_t i;

	if (n > 6 && !memcmp(c + n - 6, ".scope", 6))
		n -= 6;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i].prefix);

		/* crio-conmon-<id> is the monitor, not the container. */
		if (n > pl && !memcmp(c, prefixes[i].prefix, pl) &&
		    n - pl >= SAKER_CONTAINER_ID_LEN && all_hex(c + pl, n - pl)) {
			*id = c + pl;
			*type = prefixes[i].type;
			return 0;
		}
	}
	if (n == 64 && all_hex(c, n)) {
		if (prev && prevlen == 6 && !memcmp(prev, "docker", 6)) {
			*id = c;
			*type = SAKER_CT_DOCKER;
			return 0;
		}
		if (under_kubepods) {
			*id = c;
			*type = SAKER_CT_KUBEPODS;
			return 0;
		}
	}
	return -ENOENT;
}

int saker_container_id_parse(const char *path, size_t len,
			     char id[SAKER_CONTAINER_ID_LEN + 1],
			     enum saker_container_type *type)
{
	const char *p = path, *end, *prev = NULL, *found = NULL;
	enum saker_container_type t = SAKER_CT_HOST, ft = SAKER_CT_HOST;
	bool kubepods = false;
	size_t prevlen = 0;

	/* No cgroup at all (a process without a 0:: line): NULL + 0 is UB. */
	if (!path || !len)
		return -ENOENT;
	end = path + len;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
		const char *cid;

		if (n >= 8 && !memcmp(p, "kubepods", 8))
			kubepods = true;
		if (n && !match_component(p, n, prev, prevlen, kubepods, &cid, &t)) {
			found = cid;
			ft = t;
		}
		if (n) {
			prev = p;
			prevlen = n;
		}
		if (!slash)
			break;
		p = slash + 1;
	}
	if (!found)
		return -ENOENT;
	memcpy(id, found, SAKER_CONTAINER_ID_LEN);
	id[SAKER_CONTAINER_ID_LEN] = '\0';
	if (type)
		*type = ft;
	return 0;
}

const char *saker_container_type_name(enum saker_container_type t)
{
	switch (t) {
	case SAKER_CT_DOCKER:
		return "docker";
	case SAKER_CT_CONTAINERD:
		return "containerd";
	case SAKER_CT_CRIO:
		return "cri-o";
	case SAKER_CT_PODMAN:
		return "podman";
	case SAKER_CT_KUBEPODS:
		return "kubepods";
	default:
		return "host";
	}
}

void saker_image_split(const char *image, size_t *repo_len,
		       const char **tag, size_t *tag_len)
{
	const char *at = strchr(image, '@'), *slash, *colon;
	size_t len = at ? (size_t)(at - image) : strlen(image);

	/* A colon after the last slash separates the tag; before it, a port. */
	slash = memrchr(image, '/', len);
	colon = memrchr(slash ? slash : image, ':', len - (size_t)((slash ? slash : image) - image));
	if (colon) {
		*repo_len = (size_t)(colon - image);
		*tag = colon + 1;
		*tag_len = len - *repo_len - 1;
	} else {
		*repo_len = len;
		*tag = image + len;
		*tag_len = 0;
	}
}
