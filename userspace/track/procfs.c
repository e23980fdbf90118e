// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds the process table from /proc, so that processes started before
 * sakerd have names, command lines and parents. Read once at start, after
 * the device is open: anything that changes later arrives as an event.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proctable.h"

/* Reads a small file relative to dirfd; returns bytes read or -errno. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n, total = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total < size &&
	       (n = read(fd, buf + total, size - (size_t)total)) > 0)
		total += n;
	close(fd);
	return total;
}

static ssize_t link_at(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, name, buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static uint8_t fd_kind_of(const char *target)
{
	if (!strncmp(target, "socket:", 7))
		return SAKER_FD_SOCKET;
	if (!strncmp(target, "pipe:", 5))
		return SAKER_FD_PIPE;
	if (!strncmp(target, "/dev/pts/", 9) || !strncmp(target, "/dev/tty", 8) ||
	    !strcmp(target, "/dev/console"))
		return SAKER_FD_TTY;
	if (target[0] == '/')
		return SAKER_FD_FILE;
	return SAKER_FD_OTHER;
}

/* "/proc/PID/stat": comm is between the first '(' and the last ')'. */
static int parse_stat(char *buf, struct saker_proc_seed *s, char *comm,
		      size_t commlen)
{
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	unsigned long long start = 0;
	unsigned int ppid, sid, tty;
	long ticks;
	int pgrp;

	if (!open || !close || close < open)
		return -EINVAL;
	snprintf(comm, commlen, "%.*s", (int)(close - open - 1), open + 1);
	/* state ppid pgrp session tty_nr, then 14 fields, then starttime */
	if (sscanf(close + 1, " %*c %u %d %u %u %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ppid, &pgrp, &sid, &tty, &start) != 5)
		return -EINVAL;
	s->ppid = ppid;
	s->sid = sid;
	s->tty_dev = tty;
	ticks = sysconf(_SC_CLK_TCK);
	if (ticks > 0)
		s->start_ns = start * (1000000000ull / (unsigned long long)ticks);
	return 0;
}

static uint32_t nspid_last(const char *status)
{
	const char *l = strstr(status, "\nNSpid:");
	char *end;
	unsigned long v = 0;

	if (!l)
		return 0;
	l += 7;
	for (;;) {
		unsigned long n = strtoul(l, &end, 10);

		if (end == l)
			break;
		v = n;
		l = end;
	}
	return (uint32_t)v;
}

/* The unified hierarchy's line of /proc/PID/cgroup ("0::PATH"); none on v1. */
static struct saker_str cgroup_v2(const char *buf)
{
	const char *l = buf;

	while (*l) {
		size_t n = strcspn(l, "\n");

		if (!strncmp(l, "0::", 3))
			return (struct saker_str){ l + 3, n - 3 };
		l += n + (l[n] == '\n');
	}
	return (struct saker_str){ "", 0 };
}

static uint32_t ns_inode(int dirfd, const char *name)
{
	char buf[64];
	const char *b;

	if (link_at(dirfd, name, buf, sizeof(buf)) < 0 || !(b = strchr(buf, '[')))
		return 0;
	return (uint32_t)strtoul(b + 1, NULL, 10);
}

/* Bounded buffers per process; longer values are cut as the kernel does. */
struct seed_bufs {
	char stat[1024], status[4096], comm[SAKER_COMM_LEN];
	char exe[SAKER_PATH_MAX], cwd[SAKER_PATH_MAX], args[SAKER_ARGS_MAX];
	char cgroup[SAKER_PATH_MAX], fd[64];
	char env[SAKER_ENV_MAX + 1];	/* one more: tells a cut */
};

static int seed_pid(struct saker_proctable *pt, int piddir, uint32_t pid,
		    struct seed_bufs *b)
{
	struct saker_proc_seed s = { .pid = pid, .comm = b->comm };
	ssize_t n, exe_len, args_len;
	int i;

	n = read_at(piddir, "stat", b->stat, sizeof(b->stat) - 1);
	if (n <= 0)
		return n ? (int)n : -EINVAL;
	b->stat[n] = '\0';
	if (parse_stat(b->stat, &s, b->comm, sizeof(b->comm)))
		return -EINVAL;
	exe_len = link_at(piddir, "exe", b->exe, sizeof(b->exe));
	args_len = read_at(piddir, "cmdline", b->args, sizeof(b->args));
	/* Kernel threads have neither: the module never reports them either. */
	if (exe_len <= 0 && args_len <= 0)
		return -ESRCH;
	if (args_len > 0 && b->args[args_len - 1] != '\0') {
		if ((size_t)args_len == sizeof(b->args))
			args_len--;
		b->args[args_len++] = '\0';
	}
	s.exe = (struct saker_str){ b->exe, exe_len > 0 ? (size_t)exe_len : 0 };
	s.args = (struct saker_str){ b->args, args_len > 0 ? (size_t)args_len : 0 };
	n = link_at(piddir, "cwd", b->cwd, sizeof(b->cwd));
	s.cwd = (struct saker_str){ b->cwd, n > 0 ? (size_t)n : 0 };
	n = read_at(piddir, "environ", b->env, sizeof(b->env));
	if (n > SAKER_ENV_MAX) {
		n = SAKER_ENV_MAX;
		s.env_truncated = true;
	}
	/* As the module does: a cut entry keeps what fits, terminated. */
	if (n > 0 && b->env[n - 1] != '\0') {
		b->env[n - 1] = '\0';
		s.env_truncated = true;
	}
	s.env = (struct saker_str){ b->env, n > 0 ? (size_t)n : 0 };
	n = read_at(piddir, "cgroup", b->cgroup, sizeof(b->cgroup) - 1);
	b->cgroup[n > 0 ? n : 0] = '\0';
	s.cgroup = cgroup_v2(b->cgroup);
	n = read_at(piddir, "status", b->status + 1, sizeof(b->status) - 2);
	b->status[0] = '\n';
	b->status[n > 0 ? n + 1 : 1] = '\0';
	s.vpid = nspid_last(b->status);
	if (!s.vpid)
		s.vpid = pid;
	s.pidns = ns_inode(piddir, "ns/pid");
	for (i = 0; i < 3; i++) {
		char name[16];
		char target[256];

		snprintf(name, sizeof(name), "fd/%d", i);
		s.fd_kind[i] = link_at(piddir, name, target, sizeof(target)) < 0 ?
			       SAKER_FD_NONE : fd_kind_of(target);
	}
	return saker_proctable_seed_one(pt, &s);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

long saker_proctable_seed(struct saker_proctable *pt, const char *proc_root)
{
	struct seed_bufs *b = malloc(sizeof(*b));
	struct dirent *de;
	long added = 0;
	DIR *d;
	int ret;

	if (!b)
		return -ENOMEM;
	d = opendir(proc_root);
	if (!d) {
		ret = -errno;
		goto free_bufs;
	}
	while ((de = readdir(d))) {
		int piddir;

		if (!all_digits(de->d_name))
			continue;
		piddir = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue;	/* exited meanwhile */
		if (!seed_pid(pt, piddir, (uint32_t)strtoul(de->d_name, NULL, 10), b))
			added++;
		close(piddir);
	}
	closedir(d);
	free(b);
	return added;
free_bufs:
	free(b);
	return ret;
}
