// SPDX-License-Identifier: GPL-2.0
/*
 * Building records in probe context: preemption is off, nothing may sleep,
 * user memory is read only with the _nofault copies and no reference that
 * could need a sleeping put is taken (paths are resolved under RCU).
 * Each record is built in this CPU's scratch area, then copied into the
 * CPU's ring in one piece, so a ring never holds a torn record.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/ipc_namespace.h>
#include <linux/kdev_t.h>
#include <linux/kernfs.h>
#include <linux/major.h>
#include <linux/net.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <asm/syscall.h>

#include "saker.h"
#include "compat.h"

static DEFINE_PER_CPU(struct saker_cpu *, saker_cpus);

int saker_records_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct saker_cpu *c = vzalloc_node(sizeof(*c), cpu_to_node(cpu));

		if (!c)
			goto free_scratch;
		per_cpu(saker_cpus, cpu) = c;
	}
	return 0;

free_scratch:
	saker_records_exit();
	return -ENOMEM;
}

void saker_records_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu(saker_cpus, cpu));
		per_cpu(saker_cpus, cpu) = NULL;
	}
}

bool saker_should_record(struct task_struct *t)
{
	/* Pairs with saker_open(): rings reset before active is seen. */
	if (!smp_load_acquire(&saker_dev.active))
		return false;
	return !(t->flags & PF_KTHREAD) &&
	       t->tgid != READ_ONCE(saker_dev.reader_tgid);
}

static void saker_drop_fault(void)
{
	struct saker_ring_hdr *h = saker_dev.rings[smp_processor_id()].hdr;

	WRITE_ONCE(h->drops_fault, h->drops_fault + 1);
}

/* Claim this CPU's scratch area, or count a re-entry and give up. */
static struct saker_cpu *saker_enter(void)
{
	struct saker_cpu *c = this_cpu_read(saker_cpus);

	if (unlikely(!c)) {
		saker_drop_fault();
		return NULL;
	}
	if (unlikely(c->busy)) {
		struct saker_ring_hdr *h =
			saker_dev.rings[smp_processor_id()].hdr;

		WRITE_ONCE(h->reentries, h->reentries + 1);
		return NULL;
	}
	c->busy = 1;
	barrier();
	return c;
}

static void saker_leave(struct saker_cpu *c)
{
	barrier();
	c->busy = 0;
}

/* The record under construction in the scratch area. */
struct saker_rec {
	u8 *buf;
	u32 len;
	bool truncated;
};

static void *saker_rec_start(struct saker_rec *r, struct saker_cpu *c,
			     u16 type, size_t fixed)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)c->rec;

	memset(c->rec, 0, sizeof(*h) + fixed);
	h->type = type;
	r->buf = c->rec;
	r->len = sizeof(*h) + fixed;
	r->truncated = false;
	return h + 1;
}

/* Append up to max bytes of s; returns how many were written. */
static u16 saker_rec_put(struct saker_rec *r, const void *s, size_t n,
			 size_t max)
{
	if (n > max) {
		n = max;
		r->truncated = true;
	}
	if (n > SAKER_REC_MAX - SAKER_REC_ALIGN - r->len) {
		n = SAKER_REC_MAX - SAKER_REC_ALIGN - r->len;
		r->truncated = true;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	return n;
}

static void saker_rec_emit(struct saker_rec *r)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)r->buf;
	u32 len = ALIGN(r->len, SAKER_REC_ALIGN);

	memset(r->buf + r->len, 0, len - r->len);
	h->len = len;
	saker_ring_write(&saker_dev.rings[smp_processor_id()], r->buf, len);
}

/* Absolute path of a struct path, into the CPU's d_path workspace. */
static const char *saker_path(struct saker_cpu *c, const struct path *p,
			      size_t *len)
{
	char *s = d_path(p, c->path, sizeof(c->path));

	if (IS_ERR(s))
		return NULL;
	*len = c->path + sizeof(c->path) - 1 - s;
	return s;
}

static u16 saker_rec_put_path(struct saker_rec *r, struct saker_cpu *c,
			      const struct path *p)
{
	size_t len;
	const char *s = saker_path(c, p, &len);

	if (!s) {
		r->truncated = true;
		return 0;
	}
	return saker_rec_put(r, s, len, SAKER_PATH_MAX);
}

/* The cwd without taking references: the caller holds rcu_read_lock(). */
static bool saker_task_pwd(struct task_struct *p, struct path *pwd)
{
	struct fs_struct *fs = p->fs;
	unsigned int seq;

	if (!fs)
		return false;
	do {
		seq = saker_fs_seq_begin(fs);
		*pwd = fs->pwd;
	} while (saker_fs_seq_retry(fs, seq));
	return pwd->dentry && pwd->mnt;
}

static bool saker_is_tty_major(unsigned int major)
{
	return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
	       major == PTY_SLAVE_MAJOR ||
	       (major >= UNIX98_PTY_SLAVE_MAJOR &&
		major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT);
}

static void saker_fill_tty(struct saker_task *t, struct task_struct *p)
{
	struct sighand_struct *sighand = p->sighand;
	struct tty_struct *tty;
	unsigned long flags;

	if (!sighand)
		return;
	/* signal->tty changes under siglock (see get_current_tty()). */
	spin_lock_irqsave(&sighand->siglock, flags);
	tty = p->signal->tty;
	if (tty && tty->driver) {
		unsigned int major = tty->driver->major;

		t->tty_dev = new_encode_dev(MKDEV(major, tty->driver->minor_start) +
					    tty->index);
		t->flags |= SAKER_TASK_HAS_TTY;
		/* The pts driver calls its lines "ptsN"; users know pts/N. */
		if (major >= UNIX98_PTY_SLAVE_MAJOR &&
		    major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT)
			snprintf(t->tty_name, sizeof(t->tty_name), "pts/%d",
				 tty->index);
		else
			strscpy(t->tty_name, tty->name, sizeof(t->tty_name));
	}
	spin_unlock_irqrestore(&sighand->siglock, flags);
}

static void saker_fill_ns(struct saker_task *t, struct task_struct *p,
			  const struct cred *cred)
{
	struct pid_namespace *pidns = task_active_pid_ns(p);
	struct nsproxy *nsp = p->nsproxy;

	t->ns[SAKER_NS_USER] = cred->user_ns->ns.inum;
	t->ns[SAKER_NS_PID] = pidns ? pidns->ns.inum : 0;
	if (!nsp)
		return;
	t->ns[SAKER_NS_MNT] = saker_mnt_ns_inum(nsp);
	t->ns[SAKER_NS_NET] = nsp->net_ns ? nsp->net_ns->ns.inum : 0;
	t->ns[SAKER_NS_UTS] = nsp->uts_ns ? nsp->uts_ns->ns.inum : 0;
	t->ns[SAKER_NS_IPC] = nsp->ipc_ns ? nsp->ipc_ns->ns.inum : 0;
	t->ns[SAKER_NS_CGROUP] = nsp->cgroup_ns ? nsp->cgroup_ns->ns.inum : 0;
}

static void saker_fill_task(struct saker_task *t, struct task_struct *p)
{
	struct pid_namespace *pidns;
	struct task_struct *parent;
	const struct cred *cred;

	t->ts_ns = ktime_get_ns();
	t->cpu = smp_processor_id();
	t->tid = p->pid;
	t->pid = p->tgid;

	rcu_read_lock();
	parent = rcu_dereference(p->real_parent);
	t->ppid = parent ? parent->tgid : 0;
	pidns = task_active_pid_ns(p);
	if (pidns) {
		t->vtid = task_pid_nr_ns(p, pidns);
		t->vpid = task_tgid_nr_ns(p, pidns);
	}
	t->sid = task_session_nr_ns(p, &init_pid_ns);
	if (p->signal && p->signal->leader)
		t->flags |= SAKER_TASK_SESSION_LEADER;

	cred = __task_cred(p);
	t->uid = from_kuid_munged(&init_user_ns, cred->uid);
	t->gid = from_kgid_munged(&init_user_ns, cred->gid);
	t->euid = from_kuid_munged(&init_user_ns, cred->euid);
	t->egid = from_kgid_munged(&init_user_ns, cred->egid);
#ifdef CONFIG_AUDIT
	t->loginuid = from_kuid(&init_user_ns, p->loginuid);
#else
	t->loginuid = (u32)-1;
#endif
	saker_fill_ns(t, p, cred);
	t->cgroup_id = cgroup_id(task_dfl_cgroup(p));
	rcu_read_unlock();

	if (p->flags & PF_IO_WORKER)
		t->flags |= SAKER_TASK_IO_WORKER;
	if (p == current && in_compat_syscall())
		t->flags |= SAKER_TASK_COMPAT;
	strscpy_pad(t->comm, p->comm, sizeof(t->comm));
	saker_fill_tty(t, p);
}

/* Map the current syscall to an architecture-neutral saker_call. */
static u16 saker_call_of(int nr)
{
	if (nr < 0)
		return SAKER_CALL_NONE;
	if (in_compat_syscall())
		return SAKER_CALL_OTHER;
	switch (nr) {
#ifdef __NR_open
	case __NR_open:			return SAKER_CALL_OPEN;
#endif
#ifdef __NR_creat
	case __NR_creat:		return SAKER_CALL_CREAT;
#endif
#ifdef __NR_uselib
	case __NR_uselib:		return SAKER_CALL_USELIB;
#endif
	case __NR_openat:		return SAKER_CALL_OPENAT;
	case __NR_openat2:		return SAKER_CALL_OPENAT2;
	case __NR_open_by_handle_at:	return SAKER_CALL_OPEN_BY_HANDLE_AT;
	case __NR_execve:		return SAKER_CALL_EXECVE;
	case __NR_execveat:		return SAKER_CALL_EXECVEAT;
	case __NR_io_uring_enter:	return SAKER_CALL_IO_URING;
	default:			return SAKER_CALL_OTHER;
	}
}

static int saker_current_syscall(void)
{
	/* An io_uring worker's registers are its creator's, not a syscall. */
	if (current->flags & PF_IO_WORKER)
		return -1;
	return syscall_get_nr(current, task_pt_regs(current));
}

void saker_open_ctx_fill(struct saker_open_ctx *ctx)
{
	ctx->syscall_nr = saker_current_syscall();
	ctx->call = saker_call_of(ctx->syscall_nr);
}

static u8 saker_fd_kind(struct file *f)
{
	umode_t mode;

	if (!f)
		return SAKER_FD_NONE;
	mode = file_inode(f)->i_mode;
	if (S_ISFIFO(mode))
		return SAKER_FD_PIPE;
	if (S_ISSOCK(mode)) {
		struct socket *sock = saker_sock_from_file(f);

		/* A shell on a unix socket is local plumbing, not a peer. */
		if (sock && sock->sk && READ_ONCE(sock->sk->sk_family) == AF_UNIX)
			return SAKER_FD_UNIX;
		return SAKER_FD_SOCKET;
	}
	if (S_ISREG(mode))
		return SAKER_FD_FILE;
	if (S_ISCHR(mode) && saker_is_tty_major(imajor(file_inode(f))))
		return SAKER_FD_TTY;
	return SAKER_FD_OTHER;
}

static void saker_fill_fd_kinds(u8 kind[3], struct task_struct *p)
{
	struct files_struct *files = p->files;
	unsigned int fd;

	if (!files)
		return;
	rcu_read_lock();
	for (fd = 0; fd < 3; fd++)
		kind[fd] = saker_fd_kind(files_lookup_fd_raw(files, fd));
	rcu_read_unlock();
}

/* argv as laid out by exec on the new stack: NUL-separated strings. */
static u16 saker_rec_put_args(struct saker_rec *r, struct saker_exec *e,
			      struct mm_struct *mm)
{
	unsigned long start, end, n;
	u32 i, room;
	u8 *dst;

	if (!mm)
		return 0;
	start = mm->arg_start;
	end = mm->arg_end;
	if (end <= start)
		return 0;
	n = end - start;
	room = SAKER_REC_MAX - SAKER_REC_ALIGN - r->len;
	if (n > SAKER_ARGS_MAX || n > room) {
		n = min_t(unsigned long, SAKER_ARGS_MAX, room);
		e->flags |= SAKER_EXEC_ARGS_TRUNCATED;
	}
	if (!n)
		return 0;
	dst = r->buf + r->len;
	if (copy_from_user_nofault(dst, (const void __user *)start, n)) {
		e->flags |= SAKER_EXEC_ARGS_FAULT;
		return 0;
	}
	/* A cut argument keeps what fits and is terminated. */
	if (dst[n - 1] != '\0') {
		dst[n - 1] = '\0';
		e->flags |= SAKER_EXEC_ARGS_TRUNCATED;
	}
	for (i = 0; i < n; i++)
		e->argc += dst[i] == '\0';
	r->len += n;
	return n;
}

static u16 saker_rec_put_cgroup(struct saker_rec *r, struct saker_cpu *c,
				struct task_struct *p)
{
	struct cgroup *cgrp;
	int len;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(p);
	len = kernfs_path(cgrp->kn, c->path, sizeof(c->path));
	rcu_read_unlock();
	if (len < 0)
		return 0;
	if (len >= sizeof(c->path)) {
		r->truncated = true;
		len = strnlen(c->path, sizeof(c->path));
	}
	return saker_rec_put(r, c->path, len, SAKER_PATH_MAX);
}

void saker_record_exec(struct task_struct *p, struct linux_binprm *bprm)
{
	struct task_struct *parent;
	struct saker_exec *e;
	struct saker_cpu *c;
	struct saker_rec r;
	struct file *exe;
	struct path pwd;

	if (!saker_should_record(p))
		return;
	c = saker_enter();
	if (!c)
		return;

	e = saker_rec_start(&r, c, SAKER_REC_EXEC, sizeof(*e));
	saker_fill_task(&e->task, p);
	e->syscall_nr = saker_current_syscall();
	e->call = saker_call_of(e->syscall_nr);
	saker_fill_fd_kinds(e->fd_kind, p);

	rcu_read_lock();
	parent = rcu_dereference(p->real_parent);
	if (parent && task_active_pid_ns(parent) != task_active_pid_ns(p))
		e->flags |= SAKER_EXEC_PARENT_OTHER_PIDNS;

	e->filename_len = saker_rec_put(&r, bprm->filename,
					strlen(bprm->filename), SAKER_PATH_MAX);
	/* The binary really run: for a #! script, its interpreter. */
	exe = p->mm ? rcu_dereference(p->mm->exe_file) : NULL;
	if (!exe)
		exe = bprm->file;
	if (exe)
		e->exe_len = saker_rec_put_path(&r, c, &exe->f_path);
	rcu_read_unlock();

	e->args_len = saker_rec_put_args(&r, e, p->mm);

	rcu_read_lock();
	if (saker_task_pwd(p, &pwd))
		e->cwd_len = saker_rec_put_path(&r, c, &pwd);
	rcu_read_unlock();

	e->cgroup_len = saker_rec_put_cgroup(&r, c, p);
	if (r.truncated)
		e->flags |= SAKER_EXEC_PATH_TRUNCATED;
	saker_rec_emit(&r);
	saker_leave(c);
}

void saker_record_fork(struct task_struct *parent, struct task_struct *child)
{
	struct saker_fork *f;
	struct saker_cpu *c;
	struct saker_rec r;

	if (!saker_should_record(parent) || (child->flags & PF_KTHREAD))
		return;
	c = saker_enter();
	if (!c)
		return;
	f = saker_rec_start(&r, c, SAKER_REC_FORK, sizeof(*f));
	saker_fill_task(&f->task, child);
	f->parent_tid = parent->pid;
	if (child->tgid == parent->tgid)
		f->flags |= SAKER_FORK_THREAD;
	saker_rec_emit(&r);
	saker_leave(c);
}

void saker_record_exit(struct task_struct *p)
{
	struct saker_exit *x;
	struct saker_cpu *c;
	struct saker_rec r;

	if (!saker_should_record(p))
		return;
	c = saker_enter();
	if (!c)
		return;
	x = saker_rec_start(&r, c, SAKER_REC_EXIT, sizeof(*x));
	saker_fill_task(&x->task, p);
	x->exit_code = p->exit_code;
	/* do_exit() has already dropped this thread from signal->live. */
	if (p->signal && !atomic_read(&p->signal->live))
		x->flags |= SAKER_EXIT_GROUP_DEAD;
	saker_rec_emit(&r);
	saker_leave(c);
}

/*
 * The fd an open will be installed at: the syscall reserved it before the
 * probed function ran, as next_fd - 1. Only a single-threaded process is
 * sure not to have a sibling reserving one at the same time; otherwise the
 * fd is reported unknown rather than possibly wrong.
 */
static int saker_reserved_fd(void)
{
	struct files_struct *files = current->files;
	struct fdtable *fdt;
	unsigned int fd;
	int ret = -1;

	if (!files || atomic_read(&current->signal->live) != 1)
		return -1;
	fd = READ_ONCE(files->next_fd);
	if (!fd)
		return -1;
	fd--;
	rcu_read_lock();
	fdt = files_fdtable(files);
	if (fd < fdt->max_fds && test_bit(fd, fdt->open_fds) &&
	    !rcu_access_pointer(fdt->fd[fd]))
		ret = fd;
	rcu_read_unlock();
	return ret;
}

/* A failed open's name, made absolute against the cwd or the dirfd. */
static u16 saker_rec_put_failed_name(struct saker_rec *r, struct saker_cpu *c,
				     const struct saker_open_ctx *ctx)
{
	const char *name = ctx->name ? ctx->name->name : NULL;
	size_t n, len = 0;
	const char *base = NULL;
	struct path dir;
	struct file *f;
	u16 total = 0;

	if (!name)
		return 0;
	n = strnlen(name, SAKER_PATH_MAX);
	rcu_read_lock();
	if (name[0] != '/') {
		if (ctx->dfd == AT_FDCWD) {
			if (saker_task_pwd(current, &dir))
				base = saker_path(c, &dir, &len);
		} else if (current->files && ctx->dfd >= 0) {
			f = files_lookup_fd_raw(current->files, ctx->dfd);
			if (f)
				base = saker_path(c, &f->f_path, &len);
		}
	}
	if (base) {
		total = saker_rec_put(r, base, len, SAKER_PATH_MAX);
		if (len != 1)	/* the root dir "/" needs no separator */
			total += saker_rec_put(r, "/", 1,
					       SAKER_PATH_MAX - total);
	}
	rcu_read_unlock();
	total += saker_rec_put(r, name, n, SAKER_PATH_MAX - total);
	return total;
}

void saker_record_open(const struct saker_open_ctx *ctx, struct file *ret)
{
	struct saker_open *o;
	struct saker_cpu *c;
	struct saker_rec r;

	c = saker_enter();
	if (!c)
		return;
	o = saker_rec_start(&r, c, SAKER_REC_OPEN, sizeof(*o));
	saker_fill_task(&o->task, current);
	o->syscall_nr = ctx->syscall_nr;
	o->call = ctx->call;
	o->open_flags = ctx->open_flag & VALID_OPEN_FLAGS;
	o->mode = ctx->mode & S_IALLUGO;	/* the kernel adds S_IFREG */
	if (ctx->open_flag & __FMODE_EXEC)
		o->flags |= SAKER_OPEN_EXEC;

	if (IS_ERR(ret)) {
		o->fd = -1;
		o->err = -PTR_ERR(ret);
		o->flags |= SAKER_OPEN_PATH_NAME;
		o->path_len = saker_rec_put_failed_name(&r, c, ctx);
	} else {
		struct inode *inode = file_inode(ret);

		o->ino = inode->i_ino;
		o->dev = new_encode_dev(inode->i_sb->s_dev);
		o->fd = -1;
		if (!(o->flags & SAKER_OPEN_EXEC)) {
			o->fd = saker_reserved_fd();
			if (o->fd < 0)
				o->flags |= SAKER_OPEN_FD_UNKNOWN;
		}
		rcu_read_lock();
		o->path_len = saker_rec_put_path(&r, c, &ret->f_path);
		rcu_read_unlock();
		if (!o->path_len) {
			/* d_path failed (too long): keep the name as given. */
			o->flags |= SAKER_OPEN_PATH_NAME;
			o->path_len = saker_rec_put_failed_name(&r, c, ctx);
		}
	}
	if (r.truncated)
		o->flags |= SAKER_OPEN_PATH_TRUNCATED;
	saker_rec_emit(&r);
	saker_leave(c);
}
