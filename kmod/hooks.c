// SPDX-License-Identifier: GPL-2.0
/*
 * Where saker attaches: the sched_process_{exec,fork,exit} tracepoints and
 * a kretprobe on the kernel's one open path (see compat.h for its names).
 * Probing that function rather than the open syscalls is what makes
 * io_uring's IORING_OP_OPENAT and exec's image open visible, and it gives
 * the struct file whose d_path is the absolute, resolved name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/tracepoint.h>
#include <linux/sched.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/cpumask.h>

#include "saker.h"
#include "compat.h"

unsigned int saker_open_maxactive;

static void saker_on_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	saker_record_exec(p, bprm);
}

static void saker_on_fork(void *data, struct task_struct *parent,
			  struct task_struct *child)
{
	saker_record_fork(parent, child);
}

static void saker_on_exit(void *data, struct task_struct *p)
{
	saker_record_exit(p);
}

struct saker_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct saker_tracepoint saker_tps[] = {
	{ .name = "sched_process_exec", .probe = saker_on_exec },
	{ .name = "sched_process_fork", .probe = saker_on_fork },
	{ .name = "sched_process_exit", .probe = saker_on_exit },
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

/*
 * Entry: note what the return side cannot see any more. Returning non-zero
 * skips the return handler, so tasks saker ignores cost one check only.
 */
static int saker_open_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct saker_open_ctx *ctx = (struct saker_open_ctx *)ri->data;
	const struct saker_open_flags *op;

	if (!saker_should_record(current))
		return 1;
	ctx->dfd = (int)regs_get_kernel_argument(regs, 0);
	ctx->name = (struct filename *)regs_get_kernel_argument(regs, 1);
	op = (const struct saker_open_flags *)regs_get_kernel_argument(regs, 2);
	ctx->open_flag = op->open_flag;
	ctx->mode = op->mode;
	ctx->lookup_flags = op->lookup_flags;
	saker_open_ctx_fill(ctx);
	return 0;
}

static int saker_open_return(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct saker_open_ctx *ctx = (struct saker_open_ctx *)ri->data;
	struct file *ret = (struct file *)regs_return_value(regs);

	/* io_uring retries a cached-only lookup that failed: not an event. */
	if (IS_ERR(ret) && PTR_ERR(ret) == -EAGAIN &&
	    (ctx->lookup_flags & LOOKUP_CACHED))
		return 0;
	if (saker_should_record(current))
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

	/* Opens sleep inside the probed function: many can be in flight. */
	saker_open_probe.maxactive = saker_open_maxactive ?:
		max_t(unsigned int, 128, 16 * num_possible_cpus());
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

u64 saker_open_missed(void)
{
	return (u64)saker_open_probe.nmissed + saker_open_probe.kp.nmissed;
}

int saker_hooks_init(void)
{
	int err;

	err = saker_open_probe_add();
	if (err)
		return err;
	err = saker_tracepoints_add();
	if (err)
		goto remove_open_probe;
	return 0;

remove_open_probe:
	unregister_kretprobe(&saker_open_probe);
	saker_open_name = NULL;
	return err;
}

void saker_hooks_exit(void)
{
	saker_tracepoints_remove();
	unregister_kretprobe(&saker_open_probe);
	saker_open_name = NULL;
}
