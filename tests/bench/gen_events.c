// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic capture for `make bench-rules`: a realistic mix (mostly
 * opens, some fork/exec/exit) from thousands of processes spread over the
 * host and a few hundred containers. Deterministic: same seed, same file.
 * usage: gen_events OUT.cap [events]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/capture.h"

#define NCONT 200
#define MAXPROC 8192
#define HOST_PIDNS 0xEFFFFFFCu

struct proc {
	unsigned int pid, ppid, cont;	/* cont 0 = host */
	int img;
};

static struct proc procs[MAXPROC];
static unsigned int nprocs, next_pid = 1000;
static unsigned long long now = 1000000000ULL, written;
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static struct saker_capture_writer *w;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static const struct {
	const char *comm, *exe, *args;
} images[] = {
	{ "bash", "/usr/bin/bash", "bash\0-c\0/entrypoint.sh\0" },
	{ "sh", "/usr/bin/dash", "sh\0-c\0date\0" },
	{ "python3", "/usr/bin/python3.11", "python3\0/app/server.py\0--port\0008080\0" },
	{ "nginx", "/usr/sbin/nginx", "nginx\0-g\0daemon off;\0" },
	{ "node", "/usr/local/bin/node", "node\0/srv/index.js\0" },
	{ "java", "/usr/lib/jvm/java-17/bin/java", "java\0-jar\0/opt/app.jar\0" },
	{ "postgres", "/usr/lib/postgresql/15/bin/postgres", "postgres\0-D\0/var/lib/postgresql/data\0" },
	{ "curl", "/usr/bin/curl", "curl\0-s\0http://svc.local/health\0" },
	{ "cat", "/usr/bin/cat", "cat\0/etc/hostname\0" },
	{ "ls", "/usr/bin/ls", "ls\0-la\0/var/log\0" },
	{ "grep", "/usr/bin/grep", "grep\0-r\0TODO\0/src\0" },
	{ "sshd", "/usr/sbin/sshd", "sshd\0-D\0" },
};
#define NIMG (sizeof(images) / sizeof(images[0]))

static const char *const paths[] = {
	"/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6",
	"/lib/x86_64-linux-gnu/libpthread.so.0", "/usr/lib/locale/locale-archive",
	"/proc/self/stat", "/proc/meminfo", "/sys/fs/cgroup/cpu.max",
	"/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/passwd",
	"/var/lib/app/data/segment-0001.db", "/var/lib/app/data/segment-0002.db",
	"/srv/static/index.html", "/srv/static/app.js", "/usr/share/zoneinfo/UTC",
	"/opt/app/config/application.yaml", "/var/cache/app/item.bin",
	"/dev/null", "/dev/urandom", "/tmp/upload-buffer", "/home/app/.cache/pip/x",
};
#define NPATH (sizeof(paths) / sizeof(paths[0]))

static void task(struct saker_task *t, const struct proc *p)
{
	memset(t, 0, sizeof(*t));
	now += 1000 + rnd(5000);
	t->ts_ns = now;
	t->cgroup_id = 1000 + p->cont;
	t->cpu = rnd(8);
	t->tid = t->pid = p->pid;
	t->ppid = p->ppid;
	t->vtid = t->vpid = p->cont ? p->pid % 1000 + 1 : p->pid;
	t->sid = p->ppid;
	t->uid = t->euid = p->cont ? 0 : 1000;
	t->gid = t->egid = t->uid;
	t->loginuid = p->cont ? (__u32)-1 : 1000;
	t->ns[SAKER_NS_PID] = p->cont ? 4026532000u + p->cont : HOST_PIDNS;
	t->ns[SAKER_NS_MNT] = p->cont ? 4026533000u + p->cont : 4026531841u;
	snprintf(t->comm, sizeof(t->comm), "%s", images[p->img].comm);
}

static void emit(const void *rec, size_t len)
{
	if (saker_capture_write(w, rec, len)) {
		fprintf(stderr, "gen_events: write failed\n");
		exit(1);
	}
	written++;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void do_exec(const struct proc *p)
{
	static __u64 buf[2048];
	struct saker_rec_hdr *h = (void *)buf;
	struct saker_exec *x = (void *)(h + 1);
	char *s = (char *)(x + 1), cg[160];
	size_t alen = 0;
	const char *a = images[p->img].args;

	while (a[alen] || a[alen + 1])
		alen++;
	alen += 2;
	memset(buf, 0, sizeof(*h) + sizeof(*x));
	task(&x->task, p);
	x->syscall_nr = 59;
	x->fd_kind[0] = SAKER_FD_NONE;
	x->fd_kind[1] = x->fd_kind[2] = SAKER_FD_PIPE;
	if (p->cont)
		snprintf(cg, sizeof(cg), "/system.slice/docker-%064x.scope", p->cont);
	else
		snprintf(cg, sizeof(cg), "/user.slice/user-1000.slice/session-2.scope");
	x->filename_len = x->exe_len = (__u16)strlen(images[p->img].exe);
	memcpy(s, images[p->img].exe, x->exe_len);
	memcpy(s + x->exe_len, images[p->img].exe, x->exe_len);
	s += 2 * x->exe_len;
	x->args_len = (__u16)alen;
	x->argc = 3;
	memcpy(s, a, alen);
	s += alen;
	x->cwd_len = 1;
	*s++ = '/';
	x->cgroup_len = (__u16)strlen(cg);
	memcpy(s, cg, x->cgroup_len);
	s += x->cgroup_len;
	h->type = SAKER_REC_EXEC;
	h->body_len = sizeof(*x);
	h->len = (__u32)pad8((size_t)(s - (char *)buf));
	memset(s, 0, h->len - (size_t)(s - (char *)buf));
	emit(buf, h->len);
}

static void do_fork(const struct proc *p)
{
	struct {
		struct saker_rec_hdr h;
		struct saker_fork f;
	} r;

	memset(&r, 0, sizeof(r));
	task(&r.f.task, p);
	r.f.parent_tid = p->ppid;
	r.h.type = SAKER_REC_FORK;
	r.h.body_len = sizeof(r.f);
	r.h.len = sizeof(r);
	emit(&r, sizeof(r));
}

static void do_exit(const struct proc *p)
{
	struct {
		struct saker_rec_hdr h;
		struct saker_exit x;
	} r;

	memset(&r, 0, sizeof(r));
	task(&r.x.task, p);
	r.x.flags = SAKER_EXIT_GROUP_DEAD;
	r.h.type = SAKER_REC_EXIT;
	r.h.body_len = sizeof(r.x);
	r.h.len = sizeof(r);
	emit(&r, sizeof(r));
}

static void do_open(const struct proc *p)
{
	static __u64 buf[1024];
	struct saker_rec_hdr *h = (void *)buf;
	struct saker_open *o = (void *)(h + 1);
	char *s = (char *)(o + 1);
	const char *path = paths[rnd(NPATH)];
	unsigned int k = rnd(10000);

	memset(buf, 0, sizeof(*h) + sizeof(*o));
	task(&o->task, p);
	o->syscall_nr = 257;
	o->open_flags = 02000000;	/* O_CLOEXEC */
	o->fd = 3 + (int)rnd(60);
	if (k < 1000) {
		o->open_flags |= 01 | 0100 | 01000;
		path = "/var/log/app/app.log";
	} else if (k < 1200) {
		o->err = 2;
		o->fd = -1;
		o->flags = SAKER_OPEN_PATH_NAME;
		path = "/etc/app/optional.conf";
	} else if (k < 1202) {
		path = "/etc/shadow";	/* the rare event the rules are for */
	}
	if (!o->err)
		o->ino = 1000 + rnd(100000);
	o->path_len = (__u16)strlen(path);
	memcpy(s, path, o->path_len);
	s += o->path_len;
	h->type = SAKER_REC_OPEN;
	h->body_len = sizeof(*o);
	h->len = (__u32)pad8((size_t)(s - (char *)buf));
	memset(s, 0, h->len - (size_t)(s - (char *)buf));
	emit(buf, h->len);
}

static void spawn(unsigned int parent)
{
	struct proc *p;

	if (nprocs >= MAXPROC)
		return;
	p = &procs[nprocs++];
	p->pid = next_pid++;
	p->ppid = parent < nprocs - 1 ? procs[parent].pid : 1;
	p->cont = parent < nprocs - 1 ? procs[parent].cont : rnd(NCONT + 1);
	p->img = parent < nprocs - 1 ? procs[parent].img : (int)rnd(NIMG);
	do_fork(p);
	p->img = (int)rnd(NIMG);
	do_exec(p);
}

int main(int argc, char **argv)
{
	unsigned long long target = argc > 2 ? strtoull(argv[2], NULL, 10) : 1200000;
	char err[256];
	unsigned int i;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_events OUT.cap [events]\n");
		return 2;
	}
	if (saker_capture_writer_open(&w, argv[1], err, sizeof(err))) {
		fprintf(stderr, "gen_events: %s\n", err);
		return 1;
	}
	for (i = 0; i < 4000; i++)
		spawn(MAXPROC);		/* roots: host and container inits */
	while (written < target) {
		unsigned int k = rnd(100);

		if (k < 90) {
			do_open(&procs[rnd(nprocs)]);
		} else if (k < 95) {
			spawn(rnd(nprocs));
		} else if (nprocs > 1000) {
			unsigned int v = 1000 + rnd(nprocs - 1000);

			do_exit(&procs[v]);
			procs[v] = procs[--nprocs];
		}
	}
	if (saker_capture_writer_close(w)) {
		fprintf(stderr, "gen_events: close failed\n");
		return 1;
	}
	printf("gen_events: %llu events, %u processes live, %d containers\n",
	       written, nprocs, NCONT);
	return 0;
}
