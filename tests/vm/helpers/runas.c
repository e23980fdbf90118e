// SPDX-License-Identifier: GPL-2.0
/* runas UID GID CMD [ARGS...]: drop all groups, become UID:GID, exec CMD. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: runas UID GID CMD [ARGS...]\n");
	exit(2);
}

static unsigned int parse_id(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xfffffffeUL)
		usage();
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;

	if (argc < 4)
		usage();
	uid = parse_id(argv[1]);
	gid = parse_id(argv[2]);
	/* Groups first, then gid, then uid: after setuid we could not. */
	if (setgroups(0, NULL) < 0) {
		perror("runas: setgroups");
		return 1;
	}
	if (setgid(gid) < 0) {
		perror("runas: setgid");
		return 1;
	}
	if (setuid(uid) < 0) {
		perror("runas: setuid");
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "runas: exec %s: %s\n", argv[3], strerror(errno));
	return 127;
}
