/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container identity from a cgroup v2 path: the runtimes name the cgroup
 * of a container after its id (docker-<id>.scope, /docker/<id>, ...).
 */
#ifndef SAKER_CONTAINER_ID_H
#define SAKER_CONTAINER_ID_H

#include <stddef.h>

#define SAKER_CONTAINER_ID_LEN 12	/* the short id, as docker ps prints */

enum saker_container_type {
	SAKER_CT_HOST = 0,
	SAKER_CT_DOCKER,
	SAKER_CT_CONTAINERD,
	SAKER_CT_CRIO,
	SAKER_CT_PODMAN,
	SAKER_CT_KUBEPODS,	/* cgroupfs driver: runtime not in the name */
};

/*
 * Finds the container id in a cgroup path (not NUL-terminated, len bytes)
 * and writes its first 12 hex digits and a NUL to id. Returns 0, or
 * -ENOENT when the path names no container (also for NULL or len 0).
 */
int saker_container_id_parse(const char *path, size_t len,
			     char id[SAKER_CONTAINER_ID_LEN + 1],
			     enum saker_container_type *type);

/* "docker", "containerd", "cri-o", "podman", "kubepods" or "host". */
const char *saker_container_type_name(enum saker_container_type t);

/* Splits an image reference into repository and tag (tag may be empty). */
void saker_image_split(const char *image, size_t *repo_len,
		       const char **tag, size_t *tag_len);

#endif /* SAKER_CONTAINER_ID_H */
