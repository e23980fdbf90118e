// SPDX-License-Identifier: GPL-2.0
/*
 * uring_open [-a] PATH: open PATH read-only with io_uring IORING_OP_OPENAT
 * (raw syscalls, no liburing), print "fd=N" or "errno=N (text)". With -a the
 * request carries IOSQE_ASYNC, which punts it to an io-wq worker thread.
 * Exit: 0 opened, 1 open failed, 3 io_uring unavailable, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: uring_open [-a] PATH\n"
		"  -a  set IOSQE_ASYNC (force the open onto an io-wq worker)\n");
	exit(2);
}

static int sys_setup(unsigned int entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned int submit, unsigned int wait,
		     unsigned int flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags,
			    NULL, 0);
}

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes, *sqe;
	struct io_uring_cqe *cqe;
	size_t sq_sz, cq_sz, sqes_sz;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	unsigned int tail, head, idx;
	void *sq_ptr, *cq_ptr;
	const char *path;
	int async = 0, fd, ret, res;

	if (argc == 3 && strcmp(argv[1], "-a") == 0) {
		async = 1;
		path = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		path = argv[1];
	} else {
		usage();
	}

	memset(&p, 0, sizeof(p));
	fd = sys_setup(4, &p);
	if (fd < 0) {
		fprintf(stderr, "uring_open: io_uring_setup: %s\n", strerror(errno));
		return 3;
	}
	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	/* With SINGLE_MMAP the SQ and CQ rings share one mapping. */
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_sz > sq_sz)
			sq_sz = cq_sz;
		cq_sz = sq_sz;
	}
	sq_ptr = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		      fd, IORING_OFF_SQ_RING);
	if (sq_ptr == MAP_FAILED) {
		perror("uring_open: mmap sq ring");
		return 3;
	}
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		cq_ptr = sq_ptr;
	} else {
		cq_ptr = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
		if (cq_ptr == MAP_FAILED) {
			perror("uring_open: mmap cq ring");
			return 3;
		}
	}
	sqes_sz = p.sq_entries * sizeof(struct io_uring_sqe);
	sqes = mmap(NULL, sqes_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		    fd, IORING_OFF_SQES);
	if (sqes == MAP_FAILED) {
		perror("uring_open: mmap sqes");
		return 3;
	}
	sq_tail = (unsigned int *)((char *)sq_ptr + p.sq_off.tail);
	sq_mask = (unsigned int *)((char *)sq_ptr + p.sq_off.ring_mask);
	sq_array = (unsigned int *)((char *)sq_ptr + p.sq_off.array);
	cq_head = (unsigned int *)((char *)cq_ptr + p.cq_off.head);
	cq_tail = (unsigned int *)((char *)cq_ptr + p.cq_off.tail);
	cq_mask = (unsigned int *)((char *)cq_ptr + p.cq_off.ring_mask);

	tail = *sq_tail;
	idx = tail & *sq_mask;
	sqe = &sqes[idx];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->len = 0;			/* mode */
	sqe->open_flags = O_RDONLY;
	sqe->flags = async ? IOSQE_ASYNC : 0;
	sqe->user_data = 1;
	sq_array[idx] = idx;
	/* Release: the kernel must see the SQE before the new tail. */
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

	do {
		ret = sys_enter(fd, 1, 1, IORING_ENTER_GETEVENTS);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		fprintf(stderr, "uring_open: io_uring_enter: %s\n", strerror(errno));
		return 3;
	}
	/* Acquire: the CQE contents are visible once we see the tail. */
	head = *cq_head;
	if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		fprintf(stderr, "uring_open: no completion\n");
		return 3;
	}
	cqe = (struct io_uring_cqe *)((char *)cq_ptr + p.cq_off.cqes) +
	      (head & *cq_mask);
	res = cqe->res;
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	if (res < 0) {
		printf("errno=%d (%s)\n", -res, strerror(-res));
		return 1;
	}
	printf("fd=%d\n", res);
	return 0;
}
