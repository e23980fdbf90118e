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

#endif /* SAKER_FILE_H */
