/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A container's mounts as the container.mount* fields read them: parsed
 * from docker's config.v2.json MountPoints, from the bind mounts of an OCI
 * config.json (the runtime's own /proc, /dev, /sys are not user mounts and
 * are left out, as the CRI reports them) or from a replay's JSON; looked up
 * by index or by a glob on the source or the destination.
 */
#ifndef SAKER_MOUNTS_H
#define SAKER_MOUNTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "meta.h"

struct saker_mounts {
	struct saker_mount *v;	/* strings owned: saker_mounts_free() */
	size_t n;
};

/* Each returns 0 or -ENOMEM; input that is not the expected shape is skipped. */
int saker_mounts_from_docker(json_t *mount_points, struct saker_mounts *out);
int saker_mounts_from_oci(json_t *mounts, struct saker_mounts *out);
/* [{"source","dest","mode","rdwr","propagation"}...], as sakerctl trace has them */
int saker_mounts_from_json(json_t *arr, struct saker_mounts *out);
/* A copy of n mounts (appended to out). */
int saker_mounts_dup(const struct saker_mount *v, size_t n, struct saker_mounts *out);
void saker_mounts_free(struct saker_mounts *m);

/*
 * The mount key names: "N" (an index), else a glob matched against the
 * destination (by_dest) or the source. NULL when none.
 */
const struct saker_mount *saker_mount_find(const struct saker_mount *v, size_t n,
					   const char *key, bool by_dest);
/* Length of the text saker_mount_format() writes. */
size_t saker_mount_len(const struct saker_mount *m);
/* "source:dest:mode:rdwr:propagation" into buf (cap bytes with the NUL). */
size_t saker_mount_format(const struct saker_mount *m, char *buf, size_t cap);

#endif /* SAKER_MOUNTS_H */
