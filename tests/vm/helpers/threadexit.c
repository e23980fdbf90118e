// SPDX-License-Identifier: GPL-2.0
/*
 * threadexit N: start N threads that wait at a barrier and then all leave
 * at once with a plain thread exit, the main thread among them, so that
 * the last one out ends the process. Exactly one of the N+1 exits is the
 * process's end (group_dead); a tracer that guesses it from signal->live
 * sees two when two threads leave together.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t barrier;

static void *leave(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	syscall(SYS_exit, 0);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	long i, n;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0 || n > 1000) {
		fprintf(stderr, "usage: threadexit N\n");
		return 2;
	}
	pthread_barrier_init(&barrier, NULL, (unsigned int)n + 1);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, leave, NULL))
			return 1;
	leave(NULL);
	return 0;
}
