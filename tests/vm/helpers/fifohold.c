// SPDX-License-Identifier: GPL-2.0
/*
 * fifohold N FIFO: start N threads that each block in open(FIFO, O_RDONLY)
 * until a writer opens it, print "holding N" once all are started, then
 * wait for them and print how many opens returned. A test of what opens
 * sleeping in the kernel do to a probe that follows every open in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fifo;
static int opened;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *hold(void *arg)
{
	int fd = open(fifo, O_RDONLY);

	(void)arg;
	if (fd >= 0) {
		close(fd);
		pthread_mutex_lock(&lock);
		opened++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *t;
	long i, n;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) <= 0 || n > 100000) {
		fprintf(stderr, "usage: fifohold N FIFO\n");
		return 2;
	}
	fifo = argv[2];
	t = calloc((size_t)n, sizeof(*t));
	if (!t)
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		int err = pthread_create(&t[i], &attr, hold, NULL);

		if (err) {
			fprintf(stderr, "fifohold: thread %ld: %s\n", i, strerror(err));
			return 1;
		}
	}
	printf("holding %ld\n", n);
	fflush(stdout);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("opened %d\n", opened);
	return 0;
}
