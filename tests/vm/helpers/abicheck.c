// SPDX-License-Identifier: GPL-2.0
/*
 * abicheck: what /dev/saker refuses, one "ok WHAT" or "FAIL WHAT" line per
 * check; exit status 1 if any failed. Input bytes the ABI does not define
 * (reserved fields) must be zero; the rings can be mapped neither writable
 * nor executable, now or later with mprotect().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kmod/uapi/saker.h"

static int failed;

static void check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	failed |= !cond;
}

int main(void)
{
	struct saker_consume c = { 0 };
	struct saker_info in;
	void *m;
	int fd = open(SAKER_DEVICE, O_RDONLY);

	if (fd < 0) {
		perror(SAKER_DEVICE);
		return 1;
	}
	memset(&in, 0, sizeof(in));
	in.abi_version = SAKER_ABI_VERSION;
	in.reserved[5] = 1;
	check(ioctl(fd, SAKER_IOC_INFO, &in) && errno == EINVAL,
	      "INFO with a reserved byte set: EINVAL");
	memset(&in, 0, sizeof(in));
	in.abi_version = SAKER_ABI_VERSION + 7;
	check(ioctl(fd, SAKER_IOC_INFO, &in) && errno == EPROTO &&
	      in.abi_version == SAKER_ABI_VERSION, "INFO with another ABI: EPROTO and ours");
	memset(&in, 0, sizeof(in));
	in.abi_version = SAKER_ABI_VERSION;
	check(!ioctl(fd, SAKER_IOC_INFO, &in), "INFO handshake");
	c.reserved = 1;
	check(ioctl(fd, SAKER_IOC_CONSUME, &c) && errno == EINVAL,
	      "CONSUME with reserved set: EINVAL");
	c.reserved = 0;
	check(!ioctl(fd, SAKER_IOC_CONSUME, &c), "CONSUME of nothing (an acknowledgement)");
	m = mmap(NULL, in.map_size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	check(m == MAP_FAILED && errno == EPERM, "mmap PROT_EXEC: EPERM");
	m = mmap(NULL, in.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* EACCES from the VFS (the fd is read-only) or EPERM from the driver. */
	check(m == MAP_FAILED && (errno == EPERM || errno == EACCES),
	      "mmap PROT_WRITE: refused");
	m = mmap(NULL, in.map_size, PROT_READ, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "mmap PROT_READ");
	if (m != MAP_FAILED) {
		check(mprotect(m, in.map_size, PROT_READ | PROT_EXEC) && errno == EACCES,
		      "mprotect PROT_EXEC later: EACCES");
		check(mprotect(m, in.map_size, PROT_READ | PROT_WRITE) && errno == EACCES,
		      "mprotect PROT_WRITE later: EACCES");
	}
	return failed;
}
