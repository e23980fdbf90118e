// SPDX-License-Identifier: GPL-2.0
/*
 * uring_taskwork FIFO PATH: make io_uring open PATH from task_work while
 * this thread is inside an open syscall. A 300 ms timeout hard-linked to an
 * IORING_OP_OPENAT of PATH into fixed-file slot 0 is submitted; the main
 * thread then blocks in open(FIFO). The timeout fires: io_uring queues its
 * task_work with TWA_SIGNAL, which interrupts the blocked open, and the
 * linked open of PATH runs as that open syscall returns (to be restarted).
 * Then a second thread opens the FIFO's write side. Prints "open res=N" for the linked open (0: the file
 * is in slot 0); exit 3 if io_uring or direct opens are unavailable.
 * A tracer that took every open inside an open syscall for the syscall's
 * own (whose fd_install it waits for) would never see this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *fifo;

static void *poke(void *arg)
{
	int fd;

	(void)arg;
	usleep(600000);
	fd = open(fifo, O_WRONLY);
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	size_t sq_sz, cq_sz;
	unsigned int tail, i, seen = 0;
	int ring, slot = -1, fd, res = -ENODATA;
	struct __kernel_timespec ts = { .tv_nsec = 300000000 };
	pthread_t t;
	void *sq, *cq;

	if (argc != 3) {
		fprintf(stderr, "usage: uring_taskwork FIFO PATH\n");
		return 2;
	}
	fifo = argv[1];
	/* In the dentry cache: io_uring's first, non-blocking try must succeed. */
	fd = open(argv[2], O_RDONLY);
	if (fd >= 0)
		close(fd);
	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return 3;
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, &slot, 1))
		return 3;
	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_sz > sq_sz)
		sq_sz = cq_sz;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		return 3;
	sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_SQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || sqes == MAP_FAILED)
		return 3;
	cq = sq;
	sq_tail = (unsigned int *)((char *)sq + p.sq_off.tail);
	sq_mask = (unsigned int *)((char *)sq + p.sq_off.ring_mask);
	sq_array = (unsigned int *)((char *)sq + p.sq_off.array);
	cq_head = (unsigned int *)((char *)cq + p.cq_off.head);
	cq_tail = (unsigned int *)((char *)cq + p.cq_off.tail);
	cq_mask = (unsigned int *)((char *)cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);

	tail = *sq_tail;
	for (i = 0; i < 2; i++) {
		unsigned int idx = (tail + i) & *sq_mask;
		struct io_uring_sqe *sqe = &sqes[idx];

		memset(sqe, 0, sizeof(*sqe));
		if (i == 0) {
			sqe->opcode = IORING_OP_TIMEOUT;
			sqe->fd = -1;
			sqe->addr = (unsigned long)&ts;
			sqe->len = 1;
			/* Hard: a timeout ends with -ETIME, which would cut a link. */
			sqe->flags = IOSQE_IO_HARDLINK;
		} else {
			sqe->opcode = IORING_OP_OPENAT;
			sqe->fd = AT_FDCWD;
			sqe->addr = (unsigned long)argv[2];
			sqe->open_flags = O_RDONLY;
			sqe->file_index = 1;	/* slot 0 */
		}
		sqe->user_data = i + 1;
		sq_array[idx] = idx;
	}
	__atomic_store_n(sq_tail, tail + 2, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 2, 0, 0, NULL, 0) != 2)
		return 3;
	if (pthread_create(&t, NULL, poke, NULL))
		return 1;
	fd = open(fifo, O_RDONLY);	/* interrupted by the task_work, restarted */
	if (fd >= 0)
		close(fd);
	pthread_join(t, NULL);
	while (seen < 2) {
		unsigned int head = *cq_head;

		if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
			if (syscall(__NR_io_uring_enter, ring, 0, 1, IORING_ENTER_GETEVENTS,
				    NULL, 0) < 0 && errno != EINTR)
				return 1;
			continue;
		}
		if (cqes[head & *cq_mask].user_data == 2)
			res = cqes[head & *cq_mask].res;
		__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
		seen++;
	}
	printf("open res=%d\n", res);
	return res == -EINVAL || res == -EBADF ? 3 : 0;
}
