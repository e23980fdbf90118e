// SPDX-License-Identifier: GPL-2.0
/*
 * sockstdin [-t] CMD [ARGS...]: exec CMD with a socket as its stdin.
 * Default: one end of an AF_UNIX socketpair (the other end is closed, so
 * CMD reads EOF). -t: the accepted end of a TCP connection over 127.0.0.1
 * (the loopback interface must be up).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: sockstdin [-t] CMD [ARGS...]\n"
		"  -t  use a TCP loopback connection instead of a socketpair\n");
	exit(2);
}

/* Returns the server side of a fresh 127.0.0.1 TCP connection, or -1. */
static int tcp_pair(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int lfd, cfd, afd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) < 0)
		goto close_lfd;
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0)
		goto close_lfd;
	if (connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto close_cfd;
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		goto close_cfd;
	/* Closing the client end just makes CMD read EOF, as a socketpair. */
	close(cfd);
	close(lfd);
	return afd;
close_cfd:
	close(cfd);
close_lfd:
	close(lfd);
	return -1;
}

int main(int argc, char **argv)
{
	int tcp = 0, fd, sv[2];

	if (argc > 1 && strcmp(argv[1], "-t") == 0) {
		tcp = 1;
		argv++;
		argc--;
	}
	if (argc < 2 || argv[1][0] == '-')
		usage();
	if (tcp) {
		fd = tcp_pair();
		if (fd < 0) {
			perror("sockstdin: tcp loopback");
			return 1;
		}
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
			perror("sockstdin: socketpair");
			return 1;
		}
		close(sv[1]);
		fd = sv[0];
	}
	if (dup2(fd, 0) < 0) {
		perror("sockstdin: dup2");
		return 1;
	}
	if (fd != 0)
		close(fd);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sockstdin: exec %s: %s\n", argv[1], strerror(errno));
	return 127;
}
