// SPDX-License-Identifier: GPL-2.0
/* Record builders for the unit tests; they follow saker.h to the byte. */
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define HDR sizeof(struct saker_rec_hdr)

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

void saker_test_task(struct saker_task *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->ts_ns = 123456789012ULL;
	t->cgroup_id = 4242;
	t->cpu = 3;
	t->tid = 1001;
	t->pid = 1000;
	t->ppid = 1;
	t->vtid = 11;
	t->vpid = 10;
	t->sid = 1000;
	t->uid = 1000;
	t->gid = 1001;
	t->euid = 0;
	t->egid = 0;
	t->loginuid = (__u32)-1;
	t->tty_dev = (136 << 20) | 1;
	t->flags = SAKER_TASK_SESSION_LEADER | SAKER_TASK_HAS_TTY;
	for (i = 0; i < SAKER_NS_COUNT; i++)
		t->ns[i] = 4026531835U + (unsigned int)i;
	strcpy(t->comm, "bash");
	strcpy(t->tty_name, "pts/1");
}

static size_t body_len_of(unsigned int type)
{
	switch (type) {
	case SAKER_REC_EXEC:
		return sizeof(struct saker_exec);
	case SAKER_REC_OPEN:
		return sizeof(struct saker_open);
	case SAKER_REC_FORK:
		return sizeof(struct saker_fork);
	case SAKER_REC_EXIT:
		return sizeof(struct saker_exit);
	case SAKER_REC_CRED:
		return sizeof(struct saker_cred);
	}
	return 0;
}

/* Header, then the fixed part already in place, then strings appended. */
static size_t finish(void *out, size_t used, unsigned int type)
{
	struct saker_rec_hdr *h = out;
	size_t len = round8(used);

	memset((char *)out + used, 0, len - used);
	h->len = (__u32)len;
	h->type = (__u16)type;
	h->body_len = (__u16)body_len_of(type);
	return len;
}

static size_t append(void *out, size_t used, const void *p, size_t n)
{
	memcpy((char *)out + used, p, n);
	return used + n;
}

size_t saker_test_exec(void *out, size_t cap, const char *filename,
		       const char *exe, const char *args, size_t args_len,
		       const char *cwd, const char *cgroup)
{
	struct saker_exec x;
	size_t used = HDR + sizeof(x);

	if (round8(used + strlen(filename) + strlen(exe) + args_len +
		   strlen(cwd) + strlen(cgroup)) > cap)
		return 0;
	memset(&x, 0, sizeof(x));
	saker_test_task(&x.task);
	strcpy(x.task.comm, "sh");
	x.syscall_nr = 59;
	x.call = SAKER_CALL_EXECVE;
	x.flags = SAKER_EXEC_ARGS_TRUNCATED;
	x.argc = 2;
	x.fd_kind[0] = SAKER_FD_TTY;
	x.fd_kind[1] = SAKER_FD_PIPE;
	x.fd_kind[2] = SAKER_FD_FILE;
	x.filename_len = (__u16)strlen(filename);
	x.exe_len = (__u16)strlen(exe);
	x.args_len = (__u16)args_len;
	x.cwd_len = (__u16)strlen(cwd);
	x.cgroup_len = (__u16)strlen(cgroup);
	memcpy((char *)out + HDR, &x, sizeof(x));
	used = append(out, used, filename, x.filename_len);
	used = append(out, used, exe, x.exe_len);
	used = append(out, used, args, args_len);
	used = append(out, used, cwd, x.cwd_len);
	used = append(out, used, cgroup, x.cgroup_len);
	return finish(out, used, SAKER_REC_EXEC);
}

size_t saker_test_open(void *out, size_t cap, const char *path,
		       size_t path_len, int fd, int err)
{
	struct saker_open o;
	size_t used = HDR + sizeof(o);

	if (round8(used + path_len) > cap)
		return 0;
	memset(&o, 0, sizeof(o));
	saker_test_task(&o.task);
	o.syscall_nr = 257;
	o.call = SAKER_CALL_OPENAT;
	o.fd = fd;
	o.err = err;
	o.open_flags = 0101;	/* O_WRONLY|O_CREAT */
	o.mode = 0644;
	o.flags = err ? SAKER_OPEN_PATH_NAME : 0;
	o.ino = err ? 0 : 987654;
	o.dev = err ? 0 : (8 << 20) | 1;
	o.path_len = (__u16)path_len;
	memcpy((char *)out + HDR, &o, sizeof(o));
	used = append(out, used, path, path_len);
	return finish(out, used, SAKER_REC_OPEN);
}

size_t saker_test_fork(void *out, size_t cap, unsigned int parent_tid,
		       int thread)
{
	struct saker_fork f;

	if (HDR + sizeof(f) > cap)
		return 0;
	memset(&f, 0, sizeof(f));
	saker_test_task(&f.task);
	f.parent_tid = parent_tid;
	f.flags = thread ? SAKER_FORK_THREAD : 0;
	memcpy((char *)out + HDR, &f, sizeof(f));
	return finish(out, HDR + sizeof(f), SAKER_REC_FORK);
}

size_t saker_test_exit(void *out, size_t cap, int code, int group_dead)
{
	struct saker_exit e;

	if (HDR + sizeof(e) > cap)
		return 0;
	memset(&e, 0, sizeof(e));
	saker_test_task(&e.task);
	e.task.flags = 0;	/* no tty: exercises the null branch */
	memset(e.task.tty_name, 0, sizeof(e.task.tty_name));
	e.exit_code = code;
	e.flags = group_dead ? SAKER_EXIT_GROUP_DEAD : 0;
	memcpy((char *)out + HDR, &e, sizeof(e));
	return finish(out, HDR + sizeof(e), SAKER_REC_EXIT);
}

size_t saker_test_cred(void *out, size_t cap, int syscall_nr,
		       unsigned int old_euid, unsigned int new_euid)
{
	struct saker_cred c;

	if (HDR + sizeof(c) > cap)
		return 0;
	memset(&c, 0, sizeof(c));
	saker_test_task(&c.task);
	c.syscall_nr = syscall_nr;
	c.call = syscall_nr == 59 ? SAKER_CALL_EXECVE : SAKER_CALL_OTHER;
	c.old.uid = c.new.uid = 1000;
	c.old.euid = c.old.suid = c.old.fsuid = old_euid;
	c.new.euid = c.new.suid = c.new.fsuid = new_euid;
	c.old.cap_effective = old_euid ? 0 : 0x1ffffffffffULL;
	c.new.cap_effective = new_euid ? 0 : 0x1ffffffffffULL;
	c.old.userns = c.new.userns = 4026531837U;
	memcpy((char *)out + HDR, &c, sizeof(c));
	return finish(out, HDR + sizeof(c), SAKER_REC_CRED);
}

size_t saker_test_pad(void *out, size_t cap, size_t len)
{
	if (len > cap || len < HDR || len % 8)
		return 0;
	memset(out, 0xee, len);
	return finish(out, len, SAKER_REC_PAD);
}

void *saker_test_exact(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (q)
		memcpy(q, p, len);
	return q;
}
