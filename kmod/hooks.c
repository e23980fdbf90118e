// SPDX-License-Identifier: GPL-2.0
/*
 * Where saker attaches (docs/architecture.md says why each):
 *   sched_process_exec, sched_process_fork   tracepoints
 *   exit: sched_process_exit when it passes group_dead (6.16+), else a
 *     kprobe on taskstats_exit(), which gets it from do_exit(); else the
 *     tracepoint alone, where group_dead can only be estimated
 *   fd_install(), kprobe: every successful open syscall, with its exact fd;
 *     a plain kprobe holds no state across the open, so opens that sleep
 *     (a FIFO, a slow filesystem) cannot exhaust it
 *   the kernel's one open function (compat.h names it), kretprobe: failed
 *     opens with their errno, and the opens that never reach fd_install()
 *     (io_uring, exec's image open). Its pool of in-flight opens can be
 *     exhausted by sleeping opens; misses are counted per reader.
 * Every callback's type is checked against the kernel's prototype at
 * compile time: a mismatch would trap on a CFI kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/tracepoint.h>
#include <linux/sched.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/cpumask.h>
#include <linux/taskstats_kern.h>
#include <trace/events/sched.h>

#include "saker.h"
#include "compat.h"

unsigned int saker_open_maxactive;

/* How often each hook ran, per CPU: what `sakerctl status` shows (genl.c). */
enum {
	SAKER_HOOK_EXEC,
	SAKER_HOOK_FORK,
	SAKER_HOOK_EXIT_TP,
	SAKER_HOOK_EXIT_KPROBE,
	SAKER_HOOK_FD_INSTALL,
	SAKER_HOOK_OPEN,
	SAKER_HOOK_COUNT
};

struct saker_hook_hits {
	u64 n[SAKER_HOOK_COUNT];
};

static DEFINE_PER_CPU(struct saker_hook_hits, saker_hits);

/* Irq-safe on the local CPU, no lock: fit for any probe context. */
#define saker_hit(h)	this_cpu_inc(saker_hits.n[h])

/*
 * Tracepoint callbacks disable preemption themselves: up to 6.x the
 * tracepoint did, but 7.x calls them under SRCU only, preemptible, and the
 * records rely on staying on one CPU (its scratch area, its ring) and on
 * synchronize_rcu() in release waiting for them.
 */
static void saker_on_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	saker_hit(SAKER_HOOK_EXEC);
	preempt_disable_notrace();
	saker_record_exec(p, bprm);
	preempt_enable_notrace();
}

static void saker_on_fork(void *data, struct task_struct *parent,
			  struct task_struct *child)
{
	saker_hit(SAKER_HOOK_FORK);
	preempt_disable_notrace();
	saker_record_fork(parent, child);
	preempt_enable_notrace();
}

#ifdef SAKER_HAVE_TP_EXIT_GROUP_DEAD
static void saker_on_exit(void *data, struct task_struct *p, bool group_dead)
{
	saker_hit(SAKER_HOOK_EXIT_TP);
	preempt_disable_notrace();
	saker_record_exit(p, group_dead);
	preempt_enable_notrace();
}
#else
static void saker_on_exit(void *data, struct task_struct *p)
{
	saker_hit(SAKER_HOOK_EXIT_TP);
	preempt_disable_notrace();
	saker_record_exit(p, -1);
	preempt_enable_notrace();
}
#endif

/* Type checks only: sizeof() does not evaluate the call. */
static_assert(sizeof(register_trace_sched_process_exec(saker_on_exec, NULL)));
static_assert(sizeof(register_trace_sched_process_fork(saker_on_fork, NULL)));
static_assert(sizeof(register_trace_sched_process_exit(saker_on_exit, NULL)));
static_assert(__same_type(&fd_install, void (*)(unsigned int, struct file *)));

struct saker_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool wanted;
	bool registered;
};

enum { SAKER_TP_EXEC, SAKER_TP_FORK, SAKER_TP_EXIT, SAKER_TP_COUNT };

static struct saker_tracepoint saker_tps[SAKER_TP_COUNT] = {
	[SAKER_TP_EXEC] = { .name = "sched_process_exec", .probe = saker_on_exec },
	[SAKER_TP_FORK] = { .name = "sched_process_fork", .probe = saker_on_fork },
	[SAKER_TP_EXIT] = { .name = "sched_process_exit", .probe = saker_on_exit },
};

static void saker_find_tracepoint(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saker_tps); i++)
		if (!strcmp(tp->name, saker_tps[i].name))
			saker_tps[i].tp = tp;
}

static void saker_tracepoints_remove(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saker_tps); i++) {
		if (!saker_tps[i].registered)
			continue;
		tracepoint_probe_unregister(saker_tps[i].tp,
					    saker_tps[i].probe, NULL);
		saker_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}

static int saker_tracepoints_add(void)
{
	unsigned int i;
	int err;

	for_each_kernel_tracepoint(saker_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(saker_tps); i++) {
		if (!saker_tps[i].wanted)
			continue;
		if (!saker_tps[i].tp) {
			pr_err("tracepoint %s not found in this kernel\n",
			       saker_tps[i].name);
			err = -ENOENT;
			goto remove_tracepoints;
		}
		err = tracepoint_probe_register(saker_tps[i].tp,
						saker_tps[i].probe, NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       saker_tps[i].name, err);
			goto remove_tracepoints;
		}
		saker_tps[i].registered = true;
	}
	return 0;

remove_tracepoints:
	saker_tracepoints_remove();
	return err;
}

/* do_exit() passes group_dead here; the tracepoint gets it only on 6.16+. */
static int saker_taskstats_exit_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct task_struct *p =
		(struct task_struct *)regs_get_kernel_argument(regs, 0);

	saker_hit(SAKER_HOOK_EXIT_KPROBE);
	saker_record_exit(p, !!(int)regs_get_kernel_argument(regs, 1));
	return 0;
}

static struct kprobe saker_exit_probe = {
	.symbol_name = "taskstats_exit",
	.pre_handler = saker_taskstats_exit_pre,
};

static bool saker_exit_probed;

#if defined(CONFIG_TASKSTATS) && !defined(SAKER_HAVE_TP_EXIT_GROUP_DEAD)
static_assert(__same_type(&taskstats_exit, void (*)(struct task_struct *, int)));

static void saker_exit_probe_add(void)
{
	int err = register_kprobe(&saker_exit_probe);

	if (err) {
		pr_warn("cannot probe taskstats_exit (%d): exits through the tracepoint, group_dead estimated\n",
			err);
		return;
	}
	saker_exit_probed = true;
}
#else
static void saker_exit_probe_add(void)
{
}
#endif

static void saker_exit_probe_remove(void)
{
	if (saker_exit_probed)
		unregister_kprobe(&saker_exit_probe);
	saker_exit_probed = false;
}

/*
 * Successful open syscalls: fd and file are the ones the task gets. Not
 * io_uring work run from task_work as an open syscall returns: the
 * kretprobe records that (see saker_open_entry()).
 */
static int saker_fd_install_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_hit(SAKER_HOOK_FD_INSTALL);
	if (!saker_should_record(current, SAKER_CLASS_OPEN))
		return 0;
	if (!saker_in_syscall_body() && saker_has_io_uring(current))
		return 0;
	saker_record_open_fd((unsigned int)regs_get_kernel_argument(regs, 0),
			     (struct file *)regs_get_kernel_argument(regs, 1));
	return 0;
}

static struct kprobe saker_fd_probe = {
	.symbol_name = "fd_install",
	.pre_handler = saker_fd_install_pre,
};

static bool saker_fd_probed;

/*
 * Entry: note what the return side cannot see any more. Returning non-zero
 * skips the return handler, so tasks saker ignores cost one check only.
 */
static int saker_open_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct saker_open_ctx *ctx = (struct saker_open_ctx *)ri->data;
	const struct saker_open_flags *op;

	saker_hit(SAKER_HOOK_OPEN);
	if (!saker_should_record(current, SAKER_CLASS_OPEN))
		return 1;
	ctx->dfd = (int)regs_get_kernel_argument(regs, 0);
	ctx->name = (struct filename *)regs_get_kernel_argument(regs, 1);
	/* 7.x passes a failed getname() on: an ERR_PTR name. */
	if (IS_ERR(ctx->name))
		ctx->name = NULL;
	op = (const struct saker_open_flags *)regs_get_kernel_argument(regs, 2);
	ctx->open_flag = op->open_flag;
	ctx->mode = op->mode;
	ctx->lookup_flags = op->lookup_flags;
	ctx->syscall_nr = saker_current_syscall();
	ctx->call = saker_call_of(ctx->syscall_nr, in_compat_syscall());
	/*
	 * The open syscall's own open, whose success fd_install() records:
	 * not io_uring work that task_work runs as the syscall returns (a
	 * linked IORING_OP_OPENAT into a fixed slot would pass unseen).
	 */
	ctx->own = saker_is_open_call(ctx->call) && saker_in_syscall_body();
	/*
	 * Its success is fd_install()'s to record: when the filter keeps
	 * none of its failures, the return is not worth following.
	 */
	if (ctx->own &&
	    !saker_filter_keeps_failed(ctx->call,
				       ctx->open_flag & VALID_OPEN_FLAGS))
		return 1;
	return 0;
}

static int saker_open_return(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct saker_open_ctx *ctx = (struct saker_open_ctx *)ri->data;
	struct file *ret = (struct file *)regs_return_value(regs);

	if (!saker_should_record(current, SAKER_CLASS_OPEN))
		return 0;
	if (IS_ERR(ret)) {
		/* io_uring retries a cached-only lookup that failed: not an event. */
		if (PTR_ERR(ret) == -EAGAIN && (ctx->lookup_flags & LOOKUP_CACHED))
			return 0;
	} else if (ctx->own) {
		return 0;	/* fd_install() records it, with its fd */
	}
	saker_record_open(ctx, ret);
	return 0;
}

static struct kretprobe saker_open_probe = {
	.entry_handler = saker_open_entry,
	.handler = saker_open_return,
	.data_size = sizeof(struct saker_open_ctx),
};

static const char * const saker_open_names[] = SAKER_OPEN_PROBE_NAMES;
static const char saker_open_names_joined[] = SAKER_OPEN_PROBE_NAMES_TEXT;
static const char *saker_open_name;

static int saker_open_probe_add(void)
{
	unsigned int i;
	int err = -ENOENT;

	/*
	 * Opens sleep inside the probed function: many can be in flight. Capped:
	 * 6.12+ keeps a pool of this size per CPU (objpool), and successful open
	 * syscalls do not depend on it.
	 */
	saker_open_probe.maxactive = saker_open_maxactive ?:
		clamp_t(unsigned int, 16 * num_possible_cpus(), 1024, 4096);
	for (i = 0; i < ARRAY_SIZE(saker_open_names); i++) {
		saker_open_probe.kp.symbol_name = saker_open_names[i];
		saker_open_probe.kp.addr = NULL;
		err = register_kretprobe(&saker_open_probe);
		if (!err) {
			saker_open_name = saker_open_names[i];
			return 0;
		}
	}
	pr_err("no open probe point: none of %s can be probed (last error %d)\n",
	       saker_open_names_joined, err);
	return err;
}

const char *saker_open_probe_name(void)
{
	return saker_open_name ?: "";
}

/* Since load; chardev.c subtracts what was missed before the reader. */
u64 saker_open_missed(void)
{
	return (u64)(unsigned int)READ_ONCE(saker_open_probe.nmissed) +
	       READ_ONCE(saker_open_probe.kp.nmissed) +
	       READ_ONCE(saker_fd_probe.nmissed);
}

unsigned int saker_open_active(void)
{
	return saker_open_probe.maxactive;
}

u64 saker_features(void)
{
	u64 f = SAKER_FEAT_OPEN_FILTER | SAKER_FEAT_IGNORE;

#ifdef SAKER_HAVE_TP_EXIT_GROUP_DEAD
	f |= SAKER_FEAT_EXIT_GROUP_DEAD;
#endif
	if (saker_exit_probed)
		f |= SAKER_FEAT_EXIT_GROUP_DEAD;
	if (saker_fd_probed)
		f |= SAKER_FEAT_OPEN_FD;
	return f | saker_opt_probes_features();
}

static u64 saker_hits_sum(unsigned int h)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(&saker_hits, cpu)->n[h]);
	return sum;
}

/* The hooks attached now, with their runs and misses since load. */
unsigned int saker_hooks_report(struct saker_hook_report *v, unsigned int max)
{
	static const u8 tp_hook[SAKER_TP_COUNT] = {
		[SAKER_TP_EXEC] = SAKER_HOOK_EXEC,
		[SAKER_TP_FORK] = SAKER_HOOK_FORK,
		[SAKER_TP_EXIT] = SAKER_HOOK_EXIT_TP,
	};
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(saker_tps) && n < max; i++) {
		if (!saker_tps[i].registered)
			continue;
		v[n++] = (struct saker_hook_report){
			.name = saker_tps[i].name, .kind = "tracepoint",
			.hits = saker_hits_sum(tp_hook[i]),
		};
	}
	if (saker_exit_probed && n < max)
		v[n++] = (struct saker_hook_report){
			.name = saker_exit_probe.symbol_name, .kind = "kprobe",
			.hits = saker_hits_sum(SAKER_HOOK_EXIT_KPROBE),
			.missed = READ_ONCE(saker_exit_probe.nmissed),
		};
	if (saker_fd_probed && n < max)
		v[n++] = (struct saker_hook_report){
			.name = saker_fd_probe.symbol_name, .kind = "kprobe",
			.hits = saker_hits_sum(SAKER_HOOK_FD_INSTALL),
			.missed = READ_ONCE(saker_fd_probe.nmissed),
		};
	n += saker_opt_probes_report(v + n, max - n);
	if (saker_open_name && n < max)
		v[n++] = (struct saker_hook_report){
			.name = saker_open_name, .kind = "kretprobe",
			.hits = saker_hits_sum(SAKER_HOOK_OPEN),
			.missed = (u64)(unsigned int)READ_ONCE(saker_open_probe.nmissed) +
				  READ_ONCE(saker_open_probe.kp.nmissed),
		};
	return n;
}

int saker_hooks_init(void)
{
	int err;

	err = saker_open_probe_add();
	if (err)
		return err;
	err = register_kprobe(&saker_fd_probe);
	if (err) {
		pr_err("cannot probe fd_install: %d\n", err);
		goto remove_open_probe;
	}
	saker_fd_probed = true;
	saker_exit_probe_add();
	saker_opt_probes_add();

	saker_tps[SAKER_TP_EXEC].wanted = true;
	saker_tps[SAKER_TP_FORK].wanted = true;
	saker_tps[SAKER_TP_EXIT].wanted = !saker_exit_probed;
	err = saker_tracepoints_add();
	if (err)
		goto remove_optional_probes;
	return 0;

remove_optional_probes:
	saker_opt_probes_remove();
	saker_exit_probe_remove();
	unregister_kprobe(&saker_fd_probe);
	saker_fd_probed = false;
remove_open_probe:
	unregister_kretprobe(&saker_open_probe);
	saker_open_name = NULL;
	return err;
}

void saker_hooks_exit(void)
{
	saker_tracepoints_remove();
	saker_opt_probes_remove();
	saker_exit_probe_remove();
	unregister_kprobe(&saker_fd_probe);
	saker_fd_probed = false;
	unregister_kretprobe(&saker_open_probe);
	saker_open_name = NULL;
}
