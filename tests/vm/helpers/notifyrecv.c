// SPDX-License-Identifier: GPL-2.0
/*
 * notifyrecv NAME: stand in for systemd's notify socket. Binds an AF_UNIX
 * datagram socket at NAME (a path, or "@name" in the abstract namespace),
 * prints "bound" once it can receive, then one line per datagram with its
 * lines joined by ';' ("READY=1;STATUS=running: 9 rules"), flushed, until
 * killed.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	size_t n;
	int fd;

	if (argc != 2 || (n = strlen(argv[1])) < 2 || n >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notifyrecv PATH|@NAME\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], n);
	if (argv[1][0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa,
			   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n))) {
		perror("notifyrecv");
		return 1;
	}
	printf("bound\n");
	fflush(stdout);
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);
		ssize_t i;

		if (r < 0) {
			perror("notifyrecv: recv");
			return 1;
		}
		for (i = 0; i < r; i++)
			if (buf[i] == '\n')
				buf[i] = ';';
		buf[r] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
	}
}
