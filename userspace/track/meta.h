/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container metadata as the rule engine reads it (container.name,
 * container.image, k8s.*): a provider looks a container id up. The
 * daemon's provider is the runtime state file cache (containers.h); the
 * replay's is a store filled from the events' JSON (daemon/replay.h).
 */
#ifndef SAKER_META_H
#define SAKER_META_H

#include <stdbool.h>
#include <stddef.h>

/* One volume or bind mount a runtime set up for a container (mounts.c). */
struct saker_mount {
	const char *source;	/* host path */
	const char *dest;	/* path in the container */
	const char *mode;	/* docker's relabel mode ("z", "Z"), else "" */
	const char *propagation;	/* "rprivate"..., or "" */
	bool rdwr;
};

/* A container's metadata, handed out by a provider (runtime state files). */
struct saker_container_meta {
	const char *name;
	const char *image;
	const char *k8s_ns;
	const char *k8s_pod;
	const struct saker_mount *mounts;	/* user mounts, as configured */
	size_t nmounts;
	bool privileged_known, privileged;	/* docker's HostConfig only */
};

struct saker_meta_provider {
	void *ctx;
	/* 0 and *out filled, or -ENOENT; strings live as long as ctx says. */
	int (*lookup)(void *ctx, const char *id, struct saker_container_meta *out);
};

#endif /* SAKER_META_H */
