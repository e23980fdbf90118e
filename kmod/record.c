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
#include "record.h"

DEFINE_PER_CPU(struct saker_cpu *, saker_cpus);

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
