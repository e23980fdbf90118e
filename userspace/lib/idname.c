// SPDX-License-Identifier: GPL-2.0
/* User and group names, retrying with a larger buffer on ERANGE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "idname.h"

/* One lookup into buf[len]: 0 with the name, or a positive errno. */
static int idname_try(const struct saker_idname_ops *ops, uint32_t id,
		      bool group, char *buf, size_t len, char *name, size_t size)
{
	int err;

	if (group) {
		struct group gr, *res = NULL;

		err = ops->getgrgid_r ? ops->getgrgid_r(id, &gr, buf, len, &res) :
					getgrgid_r(id, &gr, buf, len, &res);
		if (!err && res)
			snprintf(name, size, "%s", res->gr_name);
	} else {
		struct passwd pw, *res = NULL;

		err = ops->getpwuid_r ? ops->getpwuid_r(id, &pw, buf, len, &res) :
					getpwuid_r(id, &pw, buf, len, &res);
		if (!err && res)
			snprintf(name, size, "%s", res->pw_name);
	}
	/* No entry: 0 with res NULL, or (per POSIX's leeway) ENOENT/ESRCH. */
	if (!err && !name[0])
		return ENOENT;
	return err == ESRCH ? ENOENT : err;
}

int saker_idname_ops(const struct saker_idname_ops *ops, uint32_t id,
		     bool group, char *name, size_t size)
{
	size_t len = SAKER_IDNAME_BUF_MIN;
	char *buf;
	int err;

	if (!size)
		return -EINVAL;
	for (;;) {
		name[0] = '\0';
		buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		err = idname_try(ops, id, group, buf, len, name, size);
		free(buf);
		if (err != ERANGE || len >= SAKER_IDNAME_BUF_MAX)
			break;
		len *= 2;
	}
	if (err && err != ENOENT)
		name[0] = '\0';
	return -err;
}

int saker_idname(uint32_t id, bool group, char *name, size_t size)
{
	static const struct saker_idname_ops libc;

	return saker_idname_ops(&libc, id, group, name, size);
}
