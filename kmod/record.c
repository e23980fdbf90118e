// SPDX-License-Identifier: GPL-2.0
/*
 * Building records in probe context: preemption is off, nothing may sleep,
 * user memory is read only with the _nofault copies, and the only
 * reference taken (a dirfd's file) is dropped with fput(), which defers
 * the release. Each record is built in this CPU's scratch area, then
 * copied into the CPU's ring in one piece, so a ring never holds a torn
 * record.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernfs.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <net/sock.h>
#include <linux/openat2.h>
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

bool saker_should_record(struct task_struct *t, u32 class)
{
	/* Pairs with saker_open(): rings reset before active is seen. */
	if (!smp_load_acquire(&saker_dev.active))
		return false;
	if (!(READ_ONCE(saker_dev.classes) & class))
		return false;
	if ((t->flags & PF_KTHREAD) || task_tgid(t) == READ_ONCE(saker_dev.reader))
		return false;
	if (unlikely(saker_ignored(t))) {
		saker_ring_count(SAKER_CNT(ignored));
		return false;
	}
	return true;
}

/* Claim this CPU's scratch area, or count a re-entry and give up. */
static struct saker_cpu *saker_enter(void)
{
	struct saker_cpu *c = this_cpu_read(saker_cpus);

	if (unlikely(!c)) {
		saker_ring_count(SAKER_CNT(drops_fault));
		return NULL;
	}
	if (unlikely(c->busy)) {
		saker_ring_count(SAKER_CNT(reentries));
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
	bool truncated;		/* the last string put was cut */
};

static void *saker_rec_start(struct saker_rec *r, struct saker_cpu *c,
			     u16 type, size_t fixed)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)c->rec;

	memset(c->rec, 0, sizeof(*h) + fixed);
	h->type = type;
	h->body_len = fixed;
	r->buf = c->rec;
	r->len = sizeof(*h) + fixed;
	r->truncated = false;
	return h + 1;
}

/*
 * Append up to max bytes of s (its last ones if tail); returns how many
 * were written and sets r->truncated when s was cut.
 */
static u16 saker_rec_put(struct saker_rec *r, const void *s, size_t n,
			 size_t max, bool tail)
{
	size_t room = SAKER_REC_MAX - SAKER_REC_ALIGN - r->len;

	r->truncated = false;
	if (max > room)
		max = room;
	if (n > max) {
		if (tail)
			s = (const u8 *)s + (n - max);
		n = max;
		r->truncated = true;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	return n;
}

static void saker_rec_emit(struct saker_rec *r)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)r->buf;
	const struct saker_task *t = (const struct saker_task *)(h + 1);
	u32 len = ALIGN(r->len, SAKER_REC_ALIGN);

	memset(r->buf + r->len, 0, len - r->len);
	h->len = len;
	saker_ring_write(&saker_dev.rings[smp_processor_id()], r->buf, len,
			 saker_task_privileged(t));
}

/* A path string, or its tail; *cut is set if it is not the whole path. */
static u16 saker_rec_put_path(struct saker_rec *r, struct saker_cpu *c,
			      const struct path *p, bool *cut)
{
	bool truncated = false;
	const char *s;
	size_t len;
	u16 n;

	s = saker_path(c->path, sizeof(c->path), p, &len, &truncated);
	if (!s) {
		*cut = true;
		return 0;
	}
	n = saker_rec_put(r, s, len, SAKER_PATH_MAX, true);
	*cut = truncated || r->truncated;
	return n;
}

static bool saker_is_tty_major(unsigned int major)
{
	return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
	       major == PTY_SLAVE_MAJOR ||
	       (major >= UNIX98_PTY_SLAVE_MAJOR &&
		major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT);
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

/*
 * Looked up with a reference: a process sharing the fd table may close one
 * meanwhile, and a struct file can be reused as soon as it is freed.
 */
static void saker_fill_fd_kinds(u8 kind[3], struct task_struct *p)
{
	unsigned int fd;

	if (p != current || !p->files)
		return;
	for (fd = 0; fd < 3; fd++) {
		struct file *f = fget_raw(fd);

		kind[fd] = saker_fd_kind(f);
		if (f)
			fput(f);
	}
}

/*
 * argv or envp as exec laid them out on the new stack: NUL-terminated
 * strings between start and end. Keeps the first max bytes; returns the
 * bytes written, counts the strings in *count and sets trunc or fault in
 * *flags.
 */
static u16 saker_rec_put_strv(struct saker_rec *r, unsigned long start,
			      unsigned long end, unsigned long max, u32 *count,
			      u32 *flags, u32 trunc, u32 fault)
{
	unsigned long n;
	u32 i, room;
	u8 *dst;

	if (end <= start)
		return 0;
	n = end - start;
	room = SAKER_REC_MAX - SAKER_REC_ALIGN - r->len;
	if (n > max || n > room) {
		n = min_t(unsigned long, max, room);
		*flags |= trunc;
	}
	if (!n)
		return 0;
	dst = r->buf + r->len;
	if (copy_from_user_nofault(dst, (const void __user *)start, n)) {
		*flags |= fault;
		return 0;
	}
	/* A cut string keeps what fits and is terminated. */
	if (dst[n - 1] != '\0') {
		dst[n - 1] = '\0';
		*flags |= trunc;
	}
	for (i = 0; i < n; i++)
		*count += dst[i] == '\0';
	r->len += n;
	return n;
}

/*
 * The cgroup v2 path. kernfs_path() returns the full length on some
 * kernels and the truncated one on others (6.8+), so a result that fills
 * the buffer is taken as cut.
 */
static u16 saker_rec_put_cgroup(struct saker_rec *r, struct saker_cpu *c,
				struct task_struct *p, bool *cut)
{
	struct cgroup *cgrp;
	int len;
	u16 n;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(p);
	len = kernfs_path(cgrp->kn, c->path, sizeof(c->path));
	rcu_read_unlock();
	if (len < 0) {
		*cut = true;
		return 0;
	}
	*cut = len >= sizeof(c->path) - 1;
	if (*cut)
		len = strnlen(c->path, sizeof(c->path));
	n = saker_rec_put(r, c->path, len, SAKER_PATH_MAX, false);
	*cut |= r->truncated;
	return n;
}

/* Identity of the binary, and what its name cannot be trusted to say. */
static void saker_fill_exe(struct saker_exec *e, struct file *exe)
{
	struct dentry *d = exe->f_path.dentry;
	struct inode *inode = file_inode(exe);

	e->exe_ino = inode->i_ino;
	e->exe_dev = new_encode_dev(inode->i_sb->s_dev);
	e->exe_nlink = READ_ONCE(inode->i_nlink);
	if (d_unlinked(d) || !e->exe_nlink)
		e->flags |= SAKER_EXEC_EXE_DELETED;
	/* memfd_create() files live on an internal shmem/hugetlbfs mount. */
	if ((inode->i_sb->s_flags & SB_KERNMOUNT) &&
	    !strncmp(READ_ONCE(d->d_name.name), "memfd:", 6))
		e->flags |= SAKER_EXEC_EXE_MEMFD;
}

void saker_record_exec(struct task_struct *p, struct linux_binprm *bprm)
{
	struct task_struct *parent;
	struct saker_exec *e;
	struct saker_cpu *c;
	struct saker_rec r;
	struct path pwd;
	bool cut;

	if (!saker_should_record(p, SAKER_CLASS_EXEC))
		return;
	c = saker_enter();
	if (!c)
		return;

	e = saker_rec_start(&r, c, SAKER_REC_EXEC, sizeof(*e));
	saker_fill_task(&e->task, p);
	e->syscall_nr = saker_current_syscall();
	e->call = saker_call_of(e->syscall_nr,
				e->task.flags & SAKER_TASK_COMPAT);
	/* ELF loading rewrote the syscall number to execve's: fdpath tells. */
	if (e->call == SAKER_CALL_EXECVE && bprm->fdpath)
		e->call = SAKER_CALL_EXECVEAT;
	saker_fill_fd_kinds(e->fd_kind, p);

	rcu_read_lock();
	parent = rcu_dereference(p->real_parent);
	if (parent && task_active_pid_ns(parent) != task_active_pid_ns(p))
		e->flags |= SAKER_EXEC_PARENT_OTHER_PIDNS;
	rcu_read_unlock();

	e->filename_len = saker_rec_put(&r, bprm->filename,
					strlen(bprm->filename), SAKER_PATH_MAX,
					true);
	if (r.truncated)
		e->flags |= SAKER_EXEC_FILENAME_TRUNCATED;

	/* The binary really run (for a #! script, its interpreter): exec holds it. */
	rcu_read_lock();
	saker_fill_exe(e, bprm->file);
	e->exe_len = saker_rec_put_path(&r, c, &bprm->file->f_path, &cut);
	rcu_read_unlock();
	if (cut)
		e->flags |= SAKER_EXEC_EXE_TRUNCATED;

	/* exec has just written both areas: the pages are present. */
	if (p->mm)
		e->args_len = saker_rec_put_strv(&r, p->mm->arg_start,
						 p->mm->arg_end, SAKER_ARGS_MAX,
						 &e->argc, &e->flags,
						 SAKER_EXEC_ARGS_TRUNCATED,
						 SAKER_EXEC_ARGS_FAULT);

	rcu_read_lock();
	cut = true;
	if (saker_task_pwd(p, &pwd))
		e->cwd_len = saker_rec_put_path(&r, c, &pwd, &cut);
	rcu_read_unlock();
	if (cut)
		e->flags |= SAKER_EXEC_CWD_TRUNCATED;

	e->cgroup_len = saker_rec_put_cgroup(&r, c, p, &cut);
	if (cut)
		e->flags |= SAKER_EXEC_CGROUP_TRUNCATED;

	/* Last, so a cut here costs no other string (sakerd counts cuts). */
	if (p->mm) {
		u32 envc = 0;

		e->env_len = saker_rec_put_strv(&r, p->mm->env_start,
						p->mm->env_end, SAKER_ENV_MAX,
						&envc, &e->flags,
						SAKER_EXEC_ENV_TRUNCATED,
						SAKER_EXEC_ENV_FAULT);
		e->envc = envc;
	}
	saker_rec_emit(&r);
	saker_leave(c);
}

void saker_record_fork(struct task_struct *parent, struct task_struct *child)
{
	struct saker_fork *f;
	struct saker_cpu *c;
	struct saker_rec r;

	if (!saker_should_record(parent, SAKER_CLASS_FORK) ||
	    (child->flags & PF_KTHREAD))
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

/*
 * group_dead: 1 or 0 as do_exit() decided it, or -1 where the hook cannot
 * see it; then signal->live is read, which another thread exiting at the
 * same time may already have brought to zero (documented, and
 * SAKER_FEAT_EXIT_GROUP_DEAD is not set).
 */
void saker_record_exit(struct task_struct *p, int group_dead)
{
	struct saker_exit *x;
	struct saker_cpu *c;
	struct saker_rec r;

	if (!saker_should_record(p, SAKER_CLASS_EXIT))
		return;
	c = saker_enter();
	if (!c)
		return;
	x = saker_rec_start(&r, c, SAKER_REC_EXIT, sizeof(*x));
	saker_fill_task(&x->task, p);
	x->exit_code = p->exit_code;
	if (group_dead < 0)
		group_dead = p->signal && !atomic_read(&p->signal->live);
	if (group_dead)
		x->flags |= SAKER_EXIT_GROUP_DEAD;
	saker_rec_emit(&r);
	saker_leave(c);
}

/*
 * From commit_creds(), as current's new credentials are installed: only a
 * change to what struct saker_ids holds is recorded (every exec commits
 * credentials, most of them unchanged).
 */
void saker_record_cred(const struct cred *new)
{
	struct saker_ids was, now;
	struct saker_cred *cr;
	struct saker_cpu *c;
	struct saker_rec r;

	saker_fill_ids(&was, current_cred());
	saker_fill_ids(&now, new);
	if (!memcmp(&was, &now, sizeof(was)))
		return;
	c = saker_enter();
	if (!c)
		return;
	cr = saker_rec_start(&r, c, SAKER_REC_CRED, sizeof(*cr));
	saker_fill_task(&cr->task, current);
	cr->syscall_nr = saker_current_syscall();
	cr->call = saker_call_of(cr->syscall_nr,
				 cr->task.flags & SAKER_TASK_COMPAT);
	cr->old = was;
	cr->new = now;
	saker_rec_emit(&r);
	saker_leave(c);
}

/*
 * From the LSM hooks that see the kernel read a module, a kexec image or
 * a policy (what is enum saker_load_what, 0 for what is not recorded);
 * file is NULL for contents passed in memory (init_module, kexec_load).
 */
void saker_record_load(unsigned int what, struct file *file)
{
	struct saker_load *l;
	struct saker_cpu *c;
	struct saker_rec r;
	bool cut = false;

	if (!what)
		return;
	c = saker_enter();
	if (!c)
		return;
	l = saker_rec_start(&r, c, SAKER_REC_LOAD, sizeof(*l));
	saker_fill_task(&l->task, current);
	l->syscall_nr = saker_current_syscall();
	l->call = saker_call_of(l->syscall_nr,
				l->task.flags & SAKER_TASK_COMPAT);
	l->what = what;
	if (file) {
		struct inode *inode = file_inode(file);

		l->flags |= SAKER_LOAD_FROM_FILE;
		l->ino = inode->i_ino;
		l->dev = new_encode_dev(inode->i_sb->s_dev);
		rcu_read_lock();
		l->path_len = saker_rec_put_path(&r, c, &file->f_path, &cut);
		rcu_read_unlock();
		if (cut)
			l->flags |= SAKER_LOAD_PATH_TRUNCATED;
	}
	saker_rec_emit(&r);
	saker_leave(c);
}

/*
 * From switch_task_namespaces() for current, as its new namespace set is
 * installed (exit's switch to none is not a change to record).
 */
void saker_record_nschange(const struct nsproxy *new)
{
	u32 was[SAKER_NS_COUNT], now[SAKER_NS_COUNT];
	const struct nsproxy *old = current->nsproxy;
	struct saker_nschange *x;
	struct saker_cpu *c;
	struct saker_rec r;

	if (!new || !old)
		return;
	saker_fill_nsproxy(was, old, current_cred());
	saker_fill_nsproxy(now, new, current_cred());
	if (!memcmp(was, now, sizeof(was)))
		return;
	c = saker_enter();
	if (!c)
		return;
	x = saker_rec_start(&r, c, SAKER_REC_NSCHANGE, sizeof(*x));
	saker_fill_task(&x->task, current);
	x->syscall_nr = saker_current_syscall();
	x->call = saker_call_of(x->syscall_nr,
				x->task.flags & SAKER_TASK_COMPAT);
	memcpy(x->ns, now, sizeof(x->ns));
	x->pid_children_was = was[SAKER_NS_PID];
	saker_rec_emit(&r);
	saker_leave(c);
}

/*
 * From the ptrace access check in attach mode: current may attach to, or
 * reach the memory of, child.
 */
void saker_record_ptrace(struct task_struct *child, bool realcreds)
{
	struct saker_ptrace *x;
	struct saker_cpu *c;
	struct saker_rec r;
	unsigned long a[6];

	c = saker_enter();
	if (!c)
		return;
	x = saker_rec_start(&r, c, SAKER_REC_PTRACE, sizeof(*x));
	saker_fill_task_no_tty(&x->task, current);
	x->syscall_nr = saker_current_syscall();
	x->call = saker_call_of(x->syscall_nr,
				x->task.flags & SAKER_TASK_COMPAT);
	x->request = -1;
	if (x->syscall_nr == __NR_ptrace && !in_compat_syscall()) {
		syscall_get_arguments(current, task_pt_regs(current), a);
		x->request = (s32)a[0];
	}
	x->target_tid = task_pid_nr(child);
	x->target_pid = task_tgid_nr(child);
	rcu_read_lock();
	x->target_euid = from_kuid_munged(&init_user_ns,
					  __task_cred(child)->euid);
	rcu_read_unlock();
	/* The comm may change meanwhile: a copy, always terminated. */
	strscpy_pad(x->target_comm, child->comm, sizeof(x->target_comm));
	if (realcreds)
		x->flags |= SAKER_PTRACE_REALCREDS;
	saker_rec_emit(&r);
	saker_leave(c);
}

/* An open file's path, built once: for the open filter, then the record. */
struct saker_opath {
	const char *s;		/* in the CPU's path workspace, or NULL */
	size_t len;
	bool cut;
	bool done;
};

static void saker_open_path(struct saker_cpu *c, struct file *f,
			    struct saker_opath *op)
{
	op->cut = false;
	rcu_read_lock();
	op->s = saker_path(c->path, sizeof(c->path), &f->f_path, &op->len,
			   &op->cut);
	rcu_read_unlock();
	if (!op->s)
		op->cut = true;
	op->done = true;
}

/*
 * The open filter's verdict (filter.c), with the file's path when it needs
 * it; an open left out is counted. A path that is cut, or is no absolute
 * path (a pseudo file's "anon_inode:[...]"), is kept: the filter cannot
 * tell what the reader's rules would make of it.
 */
static bool saker_open_wanted(struct saker_cpu *c,
			      const struct saker_open_key *k, struct file *f,
			      struct saker_opath *op)
{
	int verdict = saker_filter_check(k, NULL, 0);

	if (verdict == SAKER_FILTER_NEED_PATH) {
		verdict = SAKER_FILTER_KEEP;
		if (f) {
			saker_open_path(c, f, op);
			if (!op->cut && op->s[0] == '/')
				verdict = saker_filter_check(k, op->s, op->len);
		}
	}
	if (verdict == SAKER_FILTER_KEEP)
		return true;
	saker_ring_count(SAKER_CNT(filtered));
	return false;
}

/* Absolute path of an open file into the record; flags set on o. */
static void saker_rec_put_file(struct saker_rec *r, struct saker_cpu *c,
			       struct saker_open *o, struct file *f,
			       struct saker_opath *op)
{
	struct inode *inode = file_inode(f);

	o->ino = inode->i_ino;
	o->dev = new_encode_dev(inode->i_sb->s_dev);
	if (f->f_mode & FMODE_CREATED)
		o->flags |= SAKER_OPEN_CREATED;
	if (!op->done)
		saker_open_path(c, f, op);
	if (op->s)
		o->path_len = saker_rec_put(r, op->s, op->len, SAKER_PATH_MAX,
					    true);
	if (op->cut || r->truncated)
		o->flags |= SAKER_OPEN_PATH_TRUNCATED;
}

/*
 * A failed open's name, made absolute against the cwd or the dirfd. The
 * dirfd's file is looked up with a reference: a sibling thread may close
 * it meanwhile.
 */
static u16 saker_rec_put_failed_name(struct saker_rec *r, struct saker_cpu *c,
				     const struct saker_open_ctx *ctx,
				     bool *cut)
{
	const char *name = ctx->name ? ctx->name->name : NULL;
	struct file *dir = NULL;
	const char *base = NULL;
	bool base_cut = false;
	struct path pwd;
	size_t n, len = 0;
	u16 total = 0;

	*cut = false;
	if (!name)
		return 0;
	n = strnlen(name, SAKER_PATH_MAX);
	if (name[0] != '/' && ctx->dfd != AT_FDCWD && ctx->dfd >= 0)
		dir = fget_raw(ctx->dfd);
	rcu_read_lock();
	if (name[0] != '/' && ctx->dfd == AT_FDCWD) {
		if (saker_task_pwd(current, &pwd))
			base = saker_path(c->path, sizeof(c->path), &pwd, &len,
					  &base_cut);
	} else if (dir) {
		base = saker_path(c->path, sizeof(c->path), &dir->f_path,
				  &len, &base_cut);
	}
	/* A relative name with nothing to resolve it against is not a path. */
	if (name[0] != '/' && !base)
		base_cut = true;
	/* The name is the part that says what was asked for: it goes whole. */
	if (base && len + 1 + n > SAKER_PATH_MAX) {
		base = NULL;
		base_cut = true;
	}
	if (base) {
		total = saker_rec_put(r, base, len, SAKER_PATH_MAX, true);
		if (len != 1)	/* the root dir "/" needs no separator */
			total += saker_rec_put(r, "/", 1, 1, false);
	}
	rcu_read_unlock();
	if (dir)
		fput(dir);
	total += saker_rec_put(r, name, n, SAKER_PATH_MAX - total, true);
	*cut = base_cut || r->truncated;
	return total;
}

/*
 * From the open probe's return: failed opens, and successful ones that do
 * not end in fd_install() (exec's image open, io_uring, kernel-internal
 * opens on behalf of a task).
 */
void saker_record_open(const struct saker_open_ctx *ctx, struct file *ret)
{
	struct saker_opath op = { .done = false };
	const struct saker_open_key k = {
		.call = ctx->call,
		.exec = ctx->open_flag & __FMODE_EXEC,
		.failed = IS_ERR(ret),
		.open_flags = ctx->open_flag & VALID_OPEN_FLAGS,
	};
	struct saker_open *o;
	struct saker_cpu *c;
	struct saker_rec r;
	bool cut;

	c = saker_enter();
	if (!c)
		return;
	if (!saker_open_wanted(c, &k, IS_ERR(ret) ? NULL : ret, &op))
		goto leave;
	o = saker_rec_start(&r, c, SAKER_REC_OPEN, sizeof(*o));
	o->syscall_nr = ctx->syscall_nr;
	o->call = k.call;
	o->open_flags = k.open_flags;
	o->mode = ctx->mode & S_IALLUGO;	/* the kernel adds S_IFREG */
	o->fd = -1;
	if (k.exec)
		o->flags |= SAKER_OPEN_EXEC;
	if (IS_ERR(ret))
		o->err = -PTR_ERR(ret);
	saker_fill_task(&o->task, current);

	if (IS_ERR(ret)) {
		o->flags |= SAKER_OPEN_PATH_NAME;
		o->path_len = saker_rec_put_failed_name(&r, c, ctx, &cut);
		if (cut)
			o->flags |= SAKER_OPEN_PATH_TRUNCATED;
	} else {
		/* io_uring may install into its fixed table: fd not known. */
		if (!(o->flags & SAKER_OPEN_EXEC))
			o->flags |= SAKER_OPEN_FD_UNKNOWN;
		saker_rec_put_file(&r, c, o, ret, &op);
	}
	saker_rec_emit(&r);
leave:
	saker_leave(c);
}

/* Flags and mode as the task passed them to its open syscall. */
static void saker_open_args(u16 call, const struct file *file, u32 *flags,
			    u32 *mode)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long a[6];
	struct open_how how;

	*flags = 0;
	*mode = 0;
	syscall_get_arguments(current, regs, a);
	switch (call) {
	case SAKER_CALL_OPEN:
		*flags = a[1];
		*mode = a[2];
		break;
	case SAKER_CALL_OPENAT:
		*flags = a[2];
		*mode = a[3];
		break;
	case SAKER_CALL_CREAT:
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		*mode = a[1];
		break;
	case SAKER_CALL_OPENAT2:
		/*
		 * A sibling thread may have rewritten it since the kernel copied
		 * it: the access mode and creation come from the file itself.
		 */
		if (a[3] >= OPEN_HOW_SIZE_VER0 &&
		    !copy_from_user_nofault(&how, (const void __user *)a[2],
					    sizeof(how))) {
			*flags = how.flags & ~(O_ACCMODE | O_CREAT);
			*mode = how.mode;
		} else {
			*flags = file->f_flags & ~O_ACCMODE;
		}
		*flags |= file->f_flags & O_ACCMODE;
		if (file->f_mode & FMODE_CREATED)
			*flags |= O_CREAT;
		break;
	case SAKER_CALL_OPEN_BY_HANDLE_AT:
		*flags = a[2];
		break;
	}
	*flags &= VALID_OPEN_FLAGS;
	*mode &= S_IALLUGO;
}

/*
 * From fd_install() in an open syscall: the open succeeded and fd is the
 * descriptor it gets, exactly (no guess, whoever shares the fd table).
 * Needs no in-flight state, so sleeping opens cannot exhaust it. The
 * filter decides before the record is begun: most opens end there.
 */
void saker_record_open_fd(unsigned int fd, struct file *file)
{
	struct saker_opath op = { .done = false };
	struct saker_open_key k = { .failed = false };
	struct saker_open *o;
	struct saker_cpu *c;
	struct saker_rec r;
	u32 mode;
	int nr;

	nr = saker_current_syscall();
	k.call = saker_call_of(nr, in_compat_syscall());
	if (!saker_is_open_call(k.call))
		return;
	saker_open_args(k.call, file, &k.open_flags, &mode);
	c = saker_enter();
	if (!c)
		return;
	if (saker_open_wanted(c, &k, file, &op)) {
		o = saker_rec_start(&r, c, SAKER_REC_OPEN, sizeof(*o));
		o->syscall_nr = nr;
		o->call = k.call;
		o->fd = fd;
		o->open_flags = k.open_flags;
		o->mode = mode;
		saker_fill_task(&o->task, current);
		saker_rec_put_file(&r, c, o, file, &op);
		saker_rec_emit(&r);
	}
	saker_leave(c);
}
