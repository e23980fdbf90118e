// SPDX-License-Identifier: GPL-2.0
/*
 * ptraceat attach|mem|vmread PID: reach another process the three ways an
 * injector does. attach: PTRACE_ATTACH, wait for the stop, PTRACE_DETACH.
 * mem: open /proc/PID/mem for reading. vmread: process_vm_readv of one byte
 * at the target's auxv (any readable address works; the answer does not
 * matter, the kernel's access check does). Exit 0 when the kernel allowed it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int attach(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
		perror("ptraceat: PTRACE_ATTACH");
		return 1;
	}
	if (waitpid(pid, NULL, 0) < 0) {
		perror("ptraceat: waitpid");
		return 1;
	}
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL) < 0) {
		perror("ptraceat: PTRACE_DETACH");
		return 1;
	}
	return 0;
}

static int mem(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "ptraceat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

static int vmread(pid_t pid)
{
	char byte;
	struct iovec local = { &byte, 1 }, remote = { (void *)0x1000, 1 };

	/* EFAULT for an unmapped address still means the access was allowed. */
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0 && errno != EFAULT) {
		perror("ptraceat: process_vm_readv");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pid;

	if (argc != 3 || (pid = (pid_t)atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: ptraceat attach|mem|vmread PID\n");
		return 2;
	}
	if (!strcmp(argv[1], "attach"))
		return attach(pid);
	if (!strcmp(argv[1], "mem"))
		return mem(pid);
	if (!strcmp(argv[1], "vmread"))
		return vmread(pid);
	fprintf(stderr, "usage: ptraceat attach|mem|vmread PID\n");
	return 2;
}
