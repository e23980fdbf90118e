// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files only: open without blocking, check the type on the open
 * fd (no race with a rename), then read as usual.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "file.h"

#define READ_CHUNK 65536

static int not_regular(const char *path, char *err, size_t errlen)
{
	saker_set_err(err, errlen, "%s: not a regular file", path);
	return -EINVAL;
}

int saker_open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, flags, ret;

	/* O_NONBLOCK: the open of a FIFO without a writer returns at once. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		/* A socket fails the open (ENXIO): say what it is instead. */
		if (!stat(path, &st) && !S_ISREG(st.st_mode))
			return not_regular(path, err, errlen);
		saker_set_err(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		saker_set_err(err, errlen, "%s: %s", path, strerror(-ret));
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = not_regular(path, err, errlen);
		goto close_fd;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)) {
		ret = -errno;
		saker_set_err(err, errlen, "%s: %s", path, strerror(-ret));
		goto close_fd;
	}
	return fd;
close_fd:
	close(fd);
	return ret;
}

int saker_read_regular(const char *path, char **buf, size_t *len, char *err,
		       size_t errlen)
{
	size_t n = 0, cap = 0;
	struct stat st;
	char *b = NULL;
	ssize_t got;
	int fd, ret;

	fd = saker_open_regular(path, err, errlen);
	if (fd < 0)
		return fd;
	/* Its size, and one byte more to see the end: one read, no copies. */
	if (!fstat(fd, &st) && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX - 2) {
		cap = (size_t)st.st_size + 2;
		b = malloc(cap);
		if (!b) {
			ret = -ENOMEM;
			saker_set_err(err, errlen, "%s: %s", path, strerror(ENOMEM));
			goto free_buf;
		}
	}
	for (;;) {
		if (cap - n < 2) {
			char *nb = realloc(b, cap = cap ? cap * 2 : READ_CHUNK + 1);

			if (!nb) {
				ret = -ENOMEM;
				saker_set_err(err, errlen, "%s: %s", path, strerror(ENOMEM));
				goto free_buf;
			}
			b = nb;
		}
		got = read(fd, b + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			saker_set_err(err, errlen, "%s: %s", path, strerror(-ret));
			goto free_buf;
		}
		if (!got)
			break;
		n += (size_t)got;
	}
	b[n] = '\0';
	close(fd);
	*buf = b;
	*len = n;
	return 0;
free_buf:
	free(b);
	close(fd);
	return ret;
}

static int yaml_entry(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return (n > 5 && !strcmp(d->d_name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(d->d_name + n - 4, ".yml"));
}

void saker_yaml_dir_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int saker_yaml_dir(const char *path, char ***names, size_t *n)
{
	struct dirent **ents;
	char **out;
	int i, got, ret = 0;

	*names = NULL;
	*n = 0;
	got = scandir(path, &ents, yaml_entry, alphasort);
	if (got < 0)
		return -errno;
	out = calloc((size_t)got + 1, sizeof(*out));
	if (!out)
		ret = -ENOMEM;
	for (i = 0; i < got; i++) {
		if (!ret && asprintf(&out[i], "%s/%s", path, ents[i]->d_name) < 0) {
			out[i] = NULL;
			ret = -ENOMEM;
		}
		free(ents[i]);
	}
	free(ents);
	if (ret) {
		if (out)
			saker_yaml_dir_free(out, (size_t)got);
		return ret;
	}
	*names = out;
	*n = (size_t)got;
	return 0;
}
