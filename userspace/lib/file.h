/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files sakerd is told to read (rule files, saker.yaml, replays) are
 * read only when they are regular files, and opened so that a FIFO or a
 * device in their place can never block the caller (docs/daemon.md).
 */
#ifndef SAKER_FILE_H
#define SAKER_FILE_H

#include <stddef.h>

/*
 * Opens path for reading: the fd (O_CLOEXEC, blocking reads), or -errno
 * with "path: why" in err. Anything but a regular file (after symlinks) is
 * -EINVAL, "path: not a regular file".
 */
int saker_open_regular(const char *path, char *err, size_t errlen);

/*
 * The whole of the regular file path in *buf (malloc'd, NUL-terminated,
 * *len bytes without the NUL). 0, or -errno with "path: why" in err.
 */
int saker_read_regular(const char *path, char **buf, size_t *len, char *err,
		       size_t errlen);

/*
 * The *.yaml and *.yml entries of directory path, sorted as alphasort(3)
 * does (the order rule and configuration directories load in), as
 * malloc'd "path/name" strings: *n of them, or -errno.
 */
int saker_yaml_dir(const char *path, char ***names, size_t *n);
void saker_yaml_dir_free(char **names, size_t n);

#endif /* SAKER_FILE_H */
