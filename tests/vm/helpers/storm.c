// SPDX-License-Identifier: GPL-2.0
/*
 * storm N PATH [CPU]: open()+close() PATH N times, pinned to CPU if given,
 * then pin back to CPU 0 and print how many opens succeeded. Static and
 * libc-light on purpose: between the exec and the exit, the only opens it
 * makes are the N of the loop, so a test can count them exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: storm N PATH [CPU]\n"
		"  N opens+closes of PATH (on CPU if given), prints the successes\n");
	exit(2);
}

static unsigned long parse_num(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		usage();
	return v;
}

static int pin(unsigned long cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
	unsigned long n, i, ok = 0, cpu = 0;
	int pinned = 0;

	if (argc != 3 && argc != 4)
		usage();
	n = parse_num(argv[1], 1UL << 40);
	if (argc == 4) {
		cpu = parse_num(argv[3], CPU_SETSIZE - 1);
		/* sched_setaffinity migrates us before it returns. */
		if (pin(cpu) < 0) {
			fprintf(stderr, "storm: pin to cpu %lu: %s\n", cpu,
				strerror(errno));
			return 1;
		}
		pinned = 1;
	}
	for (i = 0; i < n; i++) {
		int fd = open(argv[2], O_RDONLY);

		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	if (pinned && pin(0) < 0) {
		fprintf(stderr, "storm: pin back to cpu 0: %s\n", strerror(errno));
		return 1;
	}
	printf("%lu\n", ok);
	return 0;
}
