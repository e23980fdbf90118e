// SPDX-License-Identifier: GPL-2.0
/*
 * clonefiles N DIR: a process and a clone(CLONE_FILES) child (a second
 * process sharing the fd table, not a thread, and not the memory: glibc's
 * allocator would not survive two processes in one heap) each open N files
 * of their own under DIR at the same time, released together by a pipe,
 * keeping them open, and print one line "PID FD PATH" per open as the
 * kernel returned it. A reader of the events can then check that every
 * reported fd is the one the opener got.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static long n;
static const char *dir;
static int gate[2];

static int opener(const char *who)
{
	char path[256];
	long i;

	for (i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s.%ld", dir, who, i);
		fd = open(path, O_WRONLY | O_CREAT, 0600);
		if (fd < 0)
			return 1;
		dprintf(1, "%d %d %s\n", getpid(), fd, path);
	}
	return 0;
}

static int child(void *arg)
{
	char c;

	(void)arg;
	if (read(gate[0], &c, 1) != 1)
		_exit(1);
	_exit(opener("child"));
}

int main(int argc, char **argv)
{
	static char stack[256 * 1024];
	int st = 0, pid;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) <= 0 || n > 400) {
		fprintf(stderr, "usage: clonefiles N DIR (N <= 400)\n");
		return 2;
	}
	dir = argv[2];
	if (pipe(gate))
		return 1;
	pid = clone(child, stack + sizeof(stack), CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0 || write(gate[1], "g", 1) != 1)
		return 1;
	if (opener("parent"))
		return 1;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	return 0;
}
