// SPDX-License-Identifier: GPL-2.0
/*
 * Records of what changes a task's power or reach: credentials, namespace
 * sets, loads of kernel code, ptrace access to another task. Probe
 * context, as record.c.
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
