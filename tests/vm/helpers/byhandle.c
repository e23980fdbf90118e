// SPDX-License-Identifier: GPL-2.0
/*
 * byhandle PATH: open PATH through a file handle (name_to_handle_at, then
 * open_by_handle_at on its directory's mount) and print "fd FD" of the
 * second open. Needs CAP_DAC_READ_SEARCH and a filesystem with file
 * handles (tmpfs has them).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct file_handle *fh;
	int mount_id, mfd, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: byhandle PATH\n");
		return 2;
	}
	fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return 1;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, argv[1], fh, &mount_id, 0)) {
		perror("name_to_handle_at");
		return 1;
	}
	mfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	if (mfd < 0) {
		perror("open /tmp");
		return 1;
	}
	fd = open_by_handle_at(mfd, fh, O_RDONLY);
	if (fd < 0) {
		perror("open_by_handle_at");
		return 1;
	}
	printf("fd %d\n", fd);
	return 0;
}
