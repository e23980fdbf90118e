// SPDX-License-Identifier: GPL-2.0
/*
 * opengen RATE SECONDS PATH: open()+close() PATH at RATE per second for
 * SECONDS, paced against CLOCK_MONOTONIC: every millisecond tick (an
 * absolute clock_nanosleep, so no drift) it catches up to RATE * elapsed
 * opens, and sleeps only when on schedule. Prints
 * "opengen RATE SECONDS DONE ACHIEVED" (ACHIEVED = opens per second of
 * wall time); exits 1 if an open fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK_NS 1000000ull

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: opengen RATE SECONDS PATH\n"
		"  open+close PATH RATE times a second for SECONDS\n");
	exit(2);
}

static unsigned long long parse_num(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !v || v > 100000000ull)
		usage();
	return v;
}

static unsigned long long ts_ns(const struct timespec *ts)
{
	return (unsigned long long)ts->tv_sec * 1000000000ull + (unsigned long long)ts->tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long rate, secs, total, chunk, done = 0, start, end, now, elapsed;
	struct timespec t, next;
	const char *path;

	if (argc != 4)
		usage();
	rate = parse_num(argv[1]);
	secs = parse_num(argv[2]);
	path = argv[3];
	total = rate * secs;
	clock_gettime(CLOCK_MONOTONIC, &t);
	start = ts_ns(&t);
	end = start + secs * 1000000000ull;
	next = t;
	/* At most a tick's worth of opens between clock reads: stops on time. */
	chunk = rate * TICK_NS / 1000000000ull + 1;
	for (;;) {
		unsigned long long due, n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		now = ts_ns(&t);
		if (now >= end || done >= total)
			break;
		/* Opens due by now (ms resolution keeps rate * elapsed in range). */
		due = rate * ((now - start) / 1000000ull) / 1000ull + 1;
		if (due > total)
			due = total;
		if (done < due) {
			for (n = 0; n < chunk && done < due; n++, done++) {
				int fd = open(path, O_RDONLY | O_CLOEXEC);

				if (fd < 0) {
					fprintf(stderr, "opengen: open %s: %s\n", path, strerror(errno));
					return 1;
				}
				close(fd);
			}
			continue;
		}
		/* On schedule: sleep to the next tick (from now if ticks were missed). */
		if (ts_ns(&next) < now)
			next = t;
		next.tv_nsec += TICK_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	elapsed = ts_ns(&t) - start;
	printf("opengen %llu %llu %llu %.0f\n", rate, secs, done,
	       (double)done * 1e9 / (double)(elapsed ? elapsed : 1));
	return 0;
}
