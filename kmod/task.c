// SPDX-License-Identifier: GPL-2.0
/*
 * The task block every record starts with: ids, credentials, session,
 * controlling tty, namespaces and cgroup, read in probe context without
 * sleeping and without taking references. And the syscall the task is in,
 * named independently of the architecture's numbers and of the 32-bit
 * compat table.
 */
#include <linux/cgroup.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>
#include <asm/syscall.h>
#ifdef CONFIG_IA32_EMULATION
#include <asm/unistd_32_ia32.h>
#endif

#include "saker.h"
#include "compat.h"

static bool saker_is_pts_major(unsigned int major)
{
	return major >= UNIX98_PTY_SLAVE_MAJOR &&
	       major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT;
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
		if (saker_is_pts_major(major))
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

static void saker_fill_task_common(struct saker_task *t, struct task_struct *p);

void saker_fill_task(struct saker_task *t, struct task_struct *p)
{
	saker_fill_task_common(t, p);
	saker_fill_tty(t, p);
}

/*
 * For hooks that run under another task's task_lock (the ptrace access
 * check): the tty needs p's siglock, and the kernel never nests siglock
 * inside task_lock, so saker does not either.
 */
void saker_fill_task_no_tty(struct saker_task *t, struct task_struct *p)
{
	saker_fill_task_common(t, p);
}

static void saker_fill_task_common(struct saker_task *t, struct task_struct *p)
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
}

/* Root of the host: uncapped by the fair share of the rings. */
bool saker_task_privileged(const struct saker_task *t)
{
	return t->euid == 0 && t->ns[SAKER_NS_PID] == init_pid_ns.ns.inum;
}

#ifdef CONFIG_IA32_EMULATION
static u16 saker_call_of_ia32(int nr)
{
	switch (nr) {
	case __NR_ia32_open:		  return SAKER_CALL_OPEN;
	case __NR_ia32_creat:		  return SAKER_CALL_CREAT;
	case __NR_ia32_uselib:		  return SAKER_CALL_USELIB;
	case __NR_ia32_openat:		  return SAKER_CALL_OPENAT;
	case __NR_ia32_openat2:		  return SAKER_CALL_OPENAT2;
	case __NR_ia32_open_by_handle_at: return SAKER_CALL_OPEN_BY_HANDLE_AT;
	case __NR_ia32_execve:		  return SAKER_CALL_EXECVE;
	case __NR_ia32_execveat:	  return SAKER_CALL_EXECVEAT;
	case __NR_ia32_io_uring_enter:	  return SAKER_CALL_IO_URING;
	default:			  return SAKER_CALL_OTHER;
	}
}
#endif

/*
 * Map a syscall number of the task's ABI to an architecture-neutral
 * saker_call. compat: the task is in a 32-bit syscall (ia32 or x32).
 */
u16 saker_call_of(int nr, bool compat)
{
	if (nr < 0)
		return SAKER_CALL_NONE;
#ifdef CONFIG_IA32_EMULATION
	if (compat && in_ia32_syscall())
		return saker_call_of_ia32(nr);
#endif
#ifdef __X32_SYSCALL_BIT
	/* x32 uses the native table with a marker bit. */
	nr &= ~__X32_SYSCALL_BIT;
#endif
	if (compat && !IS_ENABLED(CONFIG_X86_X32_ABI))
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

/* The syscall current is in, or -1 (io_uring worker, kernel thread). */
int saker_current_syscall(void)
{
	/* An io_uring worker's registers are its creator's, not a syscall. */
	if (current->flags & (PF_IO_WORKER | PF_KTHREAD))
		return -1;
	return syscall_get_nr(current, task_pt_regs(current));
}

/*
 * In the syscall itself, not in the work done as it returns to user space
 * (task_work, signals): until the syscall returns, the entry code's
 * -ENOSYS is still in the saved ax (x86).
 */
bool saker_in_syscall_body(void)
{
	return (long)task_pt_regs(current)->ax == -ENOSYS;
}

bool saker_has_io_uring(struct task_struct *t)
{
#ifdef CONFIG_IO_URING
	return READ_ONCE(t->io_uring) != NULL;
#else
	return false;
#endif
}

/* The open syscalls, whose successful opens end in fd_install(). */
bool saker_is_open_call(u16 call)
{
	return call == SAKER_CALL_OPEN || call == SAKER_CALL_OPENAT ||
	       call == SAKER_CALL_OPENAT2 || call == SAKER_CALL_CREAT ||
	       call == SAKER_CALL_OPEN_BY_HANDLE_AT;
}

/* A credential set in the form of struct saker_ids. */
void saker_fill_ids(struct saker_ids *ids, const struct cred *cred)
{
	ids->uid = from_kuid_munged(&init_user_ns, cred->uid);
	ids->euid = from_kuid_munged(&init_user_ns, cred->euid);
	ids->suid = from_kuid_munged(&init_user_ns, cred->suid);
	ids->fsuid = from_kuid_munged(&init_user_ns, cred->fsuid);
	ids->gid = from_kgid_munged(&init_user_ns, cred->gid);
	ids->egid = from_kgid_munged(&init_user_ns, cred->egid);
	ids->sgid = from_kgid_munged(&init_user_ns, cred->sgid);
	ids->fsgid = from_kgid_munged(&init_user_ns, cred->fsgid);
	ids->cap_effective = saker_cap_u64(cred->cap_effective);
	ids->cap_permitted = saker_cap_u64(cred->cap_permitted);
	ids->cap_inheritable = saker_cap_u64(cred->cap_inheritable);
	ids->cap_ambient = saker_cap_u64(cred->cap_ambient);
	ids->securebits = cred->securebits;
	ids->userns = cred->user_ns->ns.inum;
}

/*
 * The inodes of a namespace set, in the task block's order; the pid slot
 * is the pid namespace for children, the one a namespace set holds.
 */
void saker_fill_nsproxy(u32 *ns, const struct nsproxy *nsp,
			const struct cred *cred)
{
	ns[SAKER_NS_USER] = cred->user_ns->ns.inum;
	ns[SAKER_NS_PID] = nsp->pid_ns_for_children ?
			   nsp->pid_ns_for_children->ns.inum : 0;
	ns[SAKER_NS_MNT] = saker_mnt_ns_inum((struct nsproxy *)nsp);
	ns[SAKER_NS_NET] = nsp->net_ns ? nsp->net_ns->ns.inum : 0;
	ns[SAKER_NS_UTS] = nsp->uts_ns ? nsp->uts_ns->ns.inum : 0;
	ns[SAKER_NS_IPC] = nsp->ipc_ns ? nsp->ipc_ns->ns.inum : 0;
	ns[SAKER_NS_CGROUP] = nsp->cgroup_ns ? nsp->cgroup_ns->ns.inum : 0;
}
