// SPDX-License-Identifier: GPL-2.0
/*
 * bench WORKLOAD ITER [ARG]: time ITER operations with CLOCK_MONOTONIC and
 * print "WORKLOAD ITER NS_PER_OP". Workloads:
 *   openclose  open()+close() of a cached file (ARG, default /bin/sh)
 *   forkexec   fork, execve of a trivial program (ARG, default
 *              /saker/bin/truebin, else /bin/true), waitpid
 *   nullsys    syscall(SYS_getppid), a syscall the module does not hook
 *   openfail   open() of a path that does not exist (ARG, default
 *              /nonexistent/bench), which fails with ENOENT
 *   rw         pwrite() then pread() of 64 bytes at the start of a small
 *              file (ARG, required), opened once: syscalls saker does not hook
 *   mixed      fork, execve of /bin/sh ARG (a script, required), waitpid:
 *              the script is the workload (bench-compare's build loop)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: bench openclose|openfail|forkexec|nullsys|rw|mixed ITER [ARG]\n"
		"  openclose ARG: file to open (default /bin/sh)\n"
		"  forkexec ARG: program to exec (default /saker/bin/truebin or /bin/true)\n"
		"  rw ARG: small file to write and read back (required)\n"
		"  mixed ARG: shell script to run each iteration (required)\n");
	exit(2);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec;
}

static int run_openclose(unsigned long iter, const char *path)
{
	unsigned long i;

	for (i = 0; i < iter; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "bench: open %s: %s\n", path, strerror(errno));
			return -1;
		}
		close(fd);
	}
	return 0;
}

static int run_openfail(unsigned long iter, const char *path)
{
	unsigned long i;

	for (i = 0; i < iter; i++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0 || errno != ENOENT) {
			fprintf(stderr, "bench: open %s did not fail with ENOENT\n", path);
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	return 0;
}

static int run_rw(unsigned long iter, const char *path)
{
	char buf[64];
	unsigned long i;
	int fd, ret = 0;

	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		fprintf(stderr, "bench: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(buf, 'b', sizeof(buf));
	for (i = 0; i < iter; i++) {
		if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) ||
		    pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
			fprintf(stderr, "bench: write/read %s: %s\n", path, strerror(errno));
			ret = -1;
			break;
		}
	}
	close(fd);
	return ret;
}

/* argv[0] is the program, run with the environment envp. */
static int run_forkexec(unsigned long iter, char *const argv[], char *const envp[])
{
	const char *prog = argv[0];
	unsigned long i;

	for (i = 0; i < iter; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("bench: fork");
			return -1;
		}
		if (pid == 0) {
			execve(prog, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("bench: waitpid");
			return -1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench: %s failed (status %#x)\n", prog, status);
			return -1;
		}
	}
	return 0;
}

static void run_nullsys(unsigned long iter)
{
	unsigned long i;

	for (i = 0; i < iter; i++)
		syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
	unsigned long long t0, t1;
	const char *arg = NULL;
	unsigned long iter;
	char *end;
	int ret = 0;

	if (argc != 3 && argc != 4)
		usage();
	errno = 0;
	iter = strtoul(argv[2], &end, 10);
	if (errno || end == argv[2] || *end || iter == 0)
		usage();
	if (argc == 4)
		arg = argv[3];

	if (strcmp(argv[1], "openclose") == 0) {
		if (!arg)
			arg = "/bin/sh";
		t0 = now_ns();
		ret = run_openclose(iter, arg);
		t1 = now_ns();
	} else if (strcmp(argv[1], "openfail") == 0) {
		if (!arg)
			arg = "/nonexistent/bench";
		t0 = now_ns();
		ret = run_openfail(iter, arg);
		t1 = now_ns();
	} else if (strcmp(argv[1], "forkexec") == 0) {
		if (!arg)
			arg = access("/saker/bin/truebin", X_OK) == 0 ?
			      "/saker/bin/truebin" : "/bin/true";
		char *const av[] = { (char *)arg, NULL };
		char *const env[] = { NULL };

		t0 = now_ns();
		ret = run_forkexec(iter, av, env);
		t1 = now_ns();
	} else if (strcmp(argv[1], "mixed") == 0) {
		if (!arg)
			usage();
		char *const av[] = { "/bin/sh", (char *)arg, NULL };
		/* The script's commands are busybox applets found by PATH. */
		char *const env[] = { "PATH=/bin:/usr/bin:/sbin:/usr/sbin", NULL };

		t0 = now_ns();
		ret = run_forkexec(iter, av, env);
		t1 = now_ns();
	} else if (strcmp(argv[1], "rw") == 0) {
		if (!arg)
			usage();
		t0 = now_ns();
		ret = run_rw(iter, arg);
		t1 = now_ns();
	} else if (strcmp(argv[1], "nullsys") == 0) {
		if (arg)
			usage();
		t0 = now_ns();
		run_nullsys(iter);
		t1 = now_ns();
	} else {
		usage();
	}
	if (ret < 0)
		return 1;
	printf("%s %lu %.1f\n", argv[1], iter, (double)(t1 - t0) / (double)iter);
	return 0;
}
