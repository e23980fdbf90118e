// SPDX-License-Identifier: GPL-2.0
/*
 * memexec NAME BINARY [ARGS...]: copy BINARY into a memfd called NAME and
 * run it from there with fexecve: fileless execution, as droppers do.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int in, mfd;

	if (argc < 3) {
		fprintf(stderr, "usage: memexec NAME BINARY [ARGS...]\n");
		return 2;
	}
	in = open(argv[2], O_RDONLY);
	mfd = memfd_create(argv[1], MFD_CLOEXEC);
	if (in < 0 || mfd < 0) {
		perror("memexec");
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return 1;
	close(in);
	fexecve(mfd, argv + 2, environ);
	perror("fexecve");
	return 1;
}
