/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the fuzz targets share (static, one copy per target): cutting an
 * input into parts at a separator line, and files in a scratch directory
 * under $TMPDIR (scripts/fuzz.sh points it at a tmpfs and removes it).
 */
#ifndef SAKER_FUZZ_UTIL_H
#define SAKER_FUZZ_UTIL_H

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Between two parts of an input: a line holding "--". */
#define FUZZ_SEP "\n--\n"

struct fuzz_part {
	const char *p;
	size_t len;
};

/* Cuts data at each FUZZ_SEP into at most max parts (the last one keeps
 * the rest); returns how many. An empty input has no parts. */
static inline size_t fuzz_split(const uint8_t *data, size_t size,
				struct fuzz_part *parts, size_t max)
{
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0, seplen = strlen(FUZZ_SEP);

	while (size && n < max) {
		const char *s = n + 1 < max ? memmem(p, (size_t)(end - p), FUZZ_SEP, seplen) : NULL;

		parts[n].p = p;
		parts[n].len = s ? (size_t)(s - p) : (size_t)(end - p);
		n++;
		if (!s)
			break;
		p = s + seplen;
	}
	return n;
}

static int fuzz_rm_one(const char *path, const struct stat *sb, int flag,
		       struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes a tree without following its symlinks: 0 or -1. */
static inline int fuzz_rmtree(const char *path)
{
	return nftw(path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char fuzz_scratch[256];

static void fuzz_scratch_remove(void)
{
	fuzz_rmtree(fuzz_scratch);
}

/* A fresh directory under $TMPDIR (or /tmp) for this process, removed at
 * exit; aborts. */
static inline const char *fuzz_mkdtemp(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fuzz_scratch, sizeof(fuzz_scratch), "%s/saker-fuzz-%s-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", name);
	if (!mkdtemp(fuzz_scratch)) {
		perror(fuzz_scratch);
		abort();
	}
	atexit(fuzz_scratch_remove);
	return fuzz_scratch;
}

/* Writes len bytes to dir/name (created or truncated); aborts on failure. */
static inline void fuzz_put(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (len && write(fd, p, len) != (ssize_t)len)) {
		perror(path);
		abort();
	}
	close(fd);
}

/* Removes dir/name if it exists. */
static inline void fuzz_unlink(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

#endif /* SAKER_FUZZ_UTIL_H */
