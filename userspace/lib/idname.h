/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User and group names of ids (getpwuid_r/getgrgid_r), told apart by why
 * there is none: -ENOENT is a real "no such id", safe to cache; any other
 * error (a name service down, an entry too large for SAKER_IDNAME_BUF_MAX)
 * may pass, so the caller asks again later.
 */
#ifndef SAKER_IDNAME_H
#define SAKER_IDNAME_H

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* getpwuid_r's buffer starts here and doubles on ERANGE up to the max. */
#define SAKER_IDNAME_BUF_MIN 4096
#define SAKER_IDNAME_BUF_MAX (1024 * 1024)

/* The lookups, replaceable by a test (NULL members: the libc ones). */
struct saker_idname_ops {
	int (*getpwuid_r)(uid_t uid, struct passwd *pw, char *buf, size_t len,
			  struct passwd **res);
	int (*getgrgid_r)(gid_t gid, struct group *gr, char *buf, size_t len,
			  struct group **res);
};

/*
 * The name of user id (group id when group) into name[size], cut to fit:
 * 0, -ENOENT (no such id) or another -errno (name[0] = '\0' then).
 */
int saker_idname(uint32_t id, bool group, char *name, size_t size);
int saker_idname_ops(const struct saker_idname_ops *ops, uint32_t id,
		     bool group, char *name, size_t size);

#endif /* SAKER_IDNAME_H */
