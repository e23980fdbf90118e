// SPDX-License-Identifier: GPL-2.0
/*
 * uring_storm [-a] N PATH: N opens of PATH through io_uring IORING_OP_OPENAT
 * (one ring, one request at a time, raw syscalls), each fd closed again;
 * prints "ok=N failed=N". -a sets IOSQE_ASYNC (opens on io-wq workers).
 * A load for tests/vm/stress.sh: io_uring opens while the module is loaded
 * and unloaded. Exit: 0 done, 3 io_uring unavailable, 2 usage.
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
	fprintf(stderr, "usage: uring_storm [-a] N PATH\n");
	exit(2);
}

struct uring {
	int fd;
	struct io_uring_sqe *sqes;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

static int uring_setup(struct uring *u)
{
	struct io_uring_params p;
	size_t sq_sz, cq_sz;
	void *sq_ptr, *cq_ptr;

	memset(&p, 0, sizeof(p));
	u->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (u->fd < 0)
		return -1;
	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	/* With SINGLE_MMAP the SQ and CQ rings share one mapping. */
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_sz > sq_sz)
			sq_sz = cq_sz;
		cq_sz = sq_sz;
	}
	sq_ptr = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		      u->fd, IORING_OFF_SQ_RING);
	if (sq_ptr == MAP_FAILED)
		return -1;
	cq_ptr = sq_ptr;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq_ptr = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
		if (cq_ptr == MAP_FAILED)
			return -1;
	}
	u->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd,
		       IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED)
		return -1;
	u->sq_tail = (unsigned int *)((char *)sq_ptr + p.sq_off.tail);
	u->sq_mask = (unsigned int *)((char *)sq_ptr + p.sq_off.ring_mask);
	u->sq_array = (unsigned int *)((char *)sq_ptr + p.sq_off.array);
	u->cq_head = (unsigned int *)((char *)cq_ptr + p.cq_off.head);
	u->cq_tail = (unsigned int *)((char *)cq_ptr + p.cq_off.tail);
	u->cq_mask = (unsigned int *)((char *)cq_ptr + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)((char *)cq_ptr + p.cq_off.cqes);
	return 0;
}

/* One IORING_OP_OPENAT of path: the fd, -errno, or -1000 on a ring error. */
static int uring_openat(struct uring *u, const char *path, int async)
{
	unsigned int tail = *u->sq_tail, idx = tail & *u->sq_mask, head;
	struct io_uring_sqe *sqe = &u->sqes[idx];
	int ret, res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->open_flags = O_RDONLY;
	sqe->flags = async ? IOSQE_ASYNC : 0;
	u->sq_array[idx] = idx;
	/* Release: the kernel must see the SQE before the new tail. */
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	do {
		ret = (int)syscall(__NR_io_uring_enter, u->fd, 1, 1,
				   IORING_ENTER_GETEVENTS, NULL, 0);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -1000;
	/* Acquire: the CQE contents are visible once we see the tail. */
	head = *u->cq_head;
	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return -1000;
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

int main(int argc, char **argv)
{
	unsigned long n, i, ok = 0, bad = 0;
	struct uring u;
	int async = 0, argi = 1, res;
	char *end;

	if (argc == 4 && strcmp(argv[1], "-a") == 0) {
		async = 1;
		argi = 2;
	} else if (argc != 3) {
		usage();
	}
	errno = 0;
	n = strtoul(argv[argi], &end, 10);
	if (errno || end == argv[argi] || *end)
		usage();
	if (uring_setup(&u) < 0) {
		fprintf(stderr, "uring_storm: io_uring: %s\n", strerror(errno));
		return 3;
	}
	for (i = 0; i < n; i++) {
		res = uring_openat(&u, argv[argi + 1], async);
		if (res == -1000) {
			fprintf(stderr, "uring_storm: io_uring_enter failed: %s\n",
				strerror(errno));
			return 3;
		}
		if (res >= 0) {
			ok++;
			close(res);
		} else {
			bad++;
		}
	}
	printf("ok=%lu failed=%lu\n", ok, bad);
	return 0;
}
