/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container metadata (name, image, Kubernetes pod and namespace) read from
 * the container runtimes' own state files on disk, no runtime API: docker's
 * config.v2.json, the OCI config.json that containerd, cri-o and podman
 * keep per container. Cached, with a shorter expiry for "not found" (a
 * container's files may appear just after its first process runs).
 * docs/daemon.md lists every file read. Served to the rule engine as a
 * struct saker_meta_provider.
 */
#ifndef SAKER_CONTAINERS_H
#define SAKER_CONTAINERS_H

#include <stdbool.h>
#include <stdint.h>

#include "meta.h"

struct saker_containers_config {
	const char *containerd_root;	/* .../io.containerd.runtime.v2.task */
	const char *docker_root;	/* /var/lib/docker/containers */
	const char *crio_root;		/* /run/containers/storage/overlay-containers */
	const char *podman_root;	/* /var/lib/containers/storage/overlay-containers */
	unsigned int ttl_s;		/* cache lifetime of a found container */
	unsigned int negative_ttl_s;	/* ... of one not found */
	uint64_t (*now_s)(void);	/* clock for the cache; NULL: monotonic */
};

struct saker_containers_stats {
	uint64_t lookups;	/* provider calls */
	uint64_t cache_hits;
	uint64_t found;		/* state files read and parsed */
	uint64_t not_found;	/* no state file under any root */
	uint64_t bad_files;	/* a state file that did not parse */
	uint64_t cached;	/* entries held now */
};

struct saker_containers;

/* Root strings are copied; a NULL or empty root is not searched. */
struct saker_containers *saker_containers_new(const struct saker_containers_config *cfg);
void saker_containers_free(struct saker_containers *c);
/* Lookup by short (12 hex) or full id; strings valid until the next lookup. */
int saker_containers_lookup(struct saker_containers *c, const char *id,
			    struct saker_container_meta *out);
void saker_containers_provider(struct saker_containers *c,
			       struct saker_meta_provider *out);
void saker_containers_stats(const struct saker_containers *c,
			    struct saker_containers_stats *st);

#endif /* SAKER_CONTAINERS_H */
