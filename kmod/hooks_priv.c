// SPDX-License-Identifier: GPL-2.0
/*
 * The optional hooks: plain kprobes on functions every change of a task's
 * power or reach passes, and on the LSM path hooks for file changes. None
 * holds state across the call, so none can be exhausted. A kernel without
 * one (a function renamed, no CONFIG_SECURITY) loads without it: a
 * warning names it, and the feature bit it gives is not set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/kprobes.h>
#include <linux/nsproxy.h>
#include <linux/path.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/uidgid.h>

#include "saker.h"

/* Argument n of the probed function. */
#define saker_arg(regs, n)	regs_get_kernel_argument(regs, n)

struct saker_optprobe {
	struct kprobe kp;
	u64 feature;		/* set when every probe giving it is attached */
	unsigned int idx;	/* in saker_optprobes[] */
	bool probed;
};

/* Runs per probe and CPU, for `sakerctl status`. */
#define SAKER_OPTPROBES_MAX	16
static DEFINE_PER_CPU(u64 [SAKER_OPTPROBES_MAX], saker_opt_hits);

/* Every optional handler counts its run first. */
static void saker_opt_hit(struct kprobe *kp)
{
	this_cpu_inc(saker_opt_hits[container_of(kp, struct saker_optprobe,
						 kp)->idx]);
}

/*
 * Credential changes: commit_creds() installs current's new credentials,
 * whatever the call (setuid family, capset, exec, unshare, keyctl...).
 */
static int saker_creds_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_CRED))
		saker_record_cred((const struct cred *)saker_arg(regs, 0));
	return 0;
}

/*
 * Namespace changes: setns and unshare install a task's new namespace set
 * through switch_task_namespaces(); only current's own switches are
 * recorded (the function also takes other tasks at their exit).
 */
static int saker_ns_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if ((struct task_struct *)saker_arg(regs, 0) == current &&
	    saker_should_record(current, SAKER_CLASS_NSCHANGE))
		saker_record_nschange((const struct nsproxy *)saker_arg(regs, 1));
	return 0;
}

/* Attach-mode ptrace access checks, at the LSM hook (read mode is ps). */
static int saker_ptrace_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned int mode = saker_arg(regs, 1);

	saker_opt_hit(kp);
	if ((mode & PTRACE_MODE_ATTACH) &&
	    saker_should_record(current, SAKER_CLASS_PTRACE))
		saker_record_ptrace((struct task_struct *)saker_arg(regs, 0),
				    mode & PTRACE_MODE_REALCREDS);
	return 0;
}

/*
 * Loads of kernel code and policy: the LSM hooks the kernel calls as it
 * reads a module, a kexec image or a policy, from a file
 * (security_kernel_read_file) or from memory (security_kernel_load_data),
 * once the caller's privilege was checked. The kernel's two enums list the
 * same things in the same order (security.h keeps them in sync).
 */
static unsigned int saker_load_what(unsigned int id)
{
	switch (id) {
	case READING_MODULE:
		return SAKER_LOAD_MODULE;
	case READING_KEXEC_IMAGE:
		return SAKER_LOAD_KEXEC_IMAGE;
	case READING_KEXEC_INITRAMFS:
		return SAKER_LOAD_KEXEC_INITRAMFS;
	case READING_POLICY:
		return SAKER_LOAD_POLICY;
	case READING_X509_CERTIFICATE:
		return SAKER_LOAD_X509;
	}
	return 0;	/* firmware and what a newer kernel adds */
}

static_assert((int)LOADING_MODULE == (int)READING_MODULE &&
	      (int)LOADING_KEXEC_IMAGE == (int)READING_KEXEC_IMAGE &&
	      (int)LOADING_KEXEC_INITRAMFS == (int)READING_KEXEC_INITRAMFS &&
	      (int)LOADING_POLICY == (int)READING_POLICY &&
	      (int)LOADING_X509_CERTIFICATE == (int)READING_X509_CERTIFICATE);

static int saker_load_file_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_LOAD))
		saker_record_load(saker_load_what(saker_arg(regs, 1)),
				  (struct file *)saker_arg(regs, 0));
	return 0;
}

static int saker_load_data_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_LOAD))
		saker_record_load(saker_load_what(saker_arg(regs, 0)), NULL);
	return 0;
}

/* File changes, at the LSM path hooks (CONFIG_SECURITY_PATH). */
static int saker_unlink_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_name(SAKER_FSOP_UNLINK,
				     (const struct path *)saker_arg(regs, 0),
				     (struct dentry *)saker_arg(regs, 1),
				     0, NULL, NULL, NULL, 0);
	return 0;
}

static int saker_rmdir_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_name(SAKER_FSOP_RMDIR,
				     (const struct path *)saker_arg(regs, 0),
				     (struct dentry *)saker_arg(regs, 1),
				     0, NULL, NULL, NULL, 0);
	return 0;
}

static int saker_mkdir_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_name(SAKER_FSOP_MKDIR,
				     (const struct path *)saker_arg(regs, 0),
				     (struct dentry *)saker_arg(regs, 1),
				     (umode_t)saker_arg(regs, 2), NULL, NULL,
				     NULL, 0);
	return 0;
}

static int saker_symlink_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_name(SAKER_FSOP_SYMLINK,
				     (const struct path *)saker_arg(regs, 0),
				     (struct dentry *)saker_arg(regs, 1), 0,
				     (const char *)saker_arg(regs, 2), NULL,
				     NULL, 0);
	return 0;
}

static int saker_link_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct path *new_dir = (const struct path *)saker_arg(regs, 1);
	/* A hard link stays on its mount: the source is on new_dir's. */
	struct path src = {
		.mnt = new_dir->mnt,
		.dentry = (struct dentry *)saker_arg(regs, 0),
	};

	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_path(SAKER_FSOP_LINK, &src, 0, (u32)-1, (u32)-1,
				     new_dir,
				     (struct dentry *)saker_arg(regs, 2));
	return 0;
}

static int saker_rename_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned int flags = saker_arg(regs, 4);
	u32 f = 0;

	saker_opt_hit(kp);
	if (!saker_should_record(current, SAKER_CLASS_FS))
		return 0;
	if (flags & RENAME_EXCHANGE)
		f |= SAKER_FS_EXCHANGE;
	if (flags & RENAME_NOREPLACE)
		f |= SAKER_FS_NOREPLACE;
	saker_record_fs_name(SAKER_FSOP_RENAME,
			     (const struct path *)saker_arg(regs, 0),
			     (struct dentry *)saker_arg(regs, 1), 0, NULL,
			     (const struct path *)saker_arg(regs, 2),
			     (struct dentry *)saker_arg(regs, 3), f);
	return 0;
}

static int saker_chmod_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_path(SAKER_FSOP_CHMOD,
				     (const struct path *)saker_arg(regs, 0),
				     (umode_t)saker_arg(regs, 1), (u32)-1,
				     (u32)-1, NULL, NULL);
	return 0;
}

static int saker_chown_pre(struct kprobe *kp, struct pt_regs *regs)
{
	saker_opt_hit(kp);
	/* kuid_t and kgid_t are one-word structs: passed in a register. */
	kuid_t uid = KUIDT_INIT((uid_t)saker_arg(regs, 1));
	kgid_t gid = KGIDT_INIT((gid_t)saker_arg(regs, 2));

	if (saker_should_record(current, SAKER_CLASS_FS))
		saker_record_fs_path(SAKER_FSOP_CHOWN,
				     (const struct path *)saker_arg(regs, 0), 0,
				     uid_valid(uid) ?
				     from_kuid_munged(&init_user_ns, uid) :
				     (u32)-1,
				     gid_valid(gid) ?
				     from_kgid_munged(&init_user_ns, gid) :
				     (u32)-1, NULL, NULL);
	return 0;
}

/* Type checks only: sizeof() does not evaluate the calls. */
static_assert(sizeof(commit_creds(NULL)));
static_assert(sizeof(switch_task_namespaces(NULL, NULL), 1));
static_assert(sizeof(security_ptrace_access_check(NULL, PTRACE_MODE_ATTACH)));
static_assert(sizeof(security_kernel_read_file(NULL, READING_MODULE, true)));
static_assert(sizeof(security_kernel_load_data(LOADING_MODULE, true)));
static_assert(sizeof(security_path_unlink(NULL, NULL)));
static_assert(sizeof(security_path_rmdir(NULL, NULL)));
static_assert(sizeof(security_path_mkdir(NULL, NULL, 0)));
static_assert(sizeof(security_path_symlink(NULL, NULL, NULL)));
static_assert(sizeof(security_path_link(NULL, NULL, NULL)));
static_assert(sizeof(security_path_rename(NULL, NULL, NULL, NULL, 0)));
static_assert(sizeof(security_path_chmod(NULL, 0)));
static_assert(sizeof(security_path_chown(NULL, GLOBAL_ROOT_UID,
					 GLOBAL_ROOT_GID)));

#define SAKER_OPTPROBE(sym, fn, feat) \
	{ .kp = { .symbol_name = sym, .pre_handler = fn }, .feature = feat }

static struct saker_optprobe saker_optprobes[] = {
	SAKER_OPTPROBE("commit_creds", saker_creds_pre, SAKER_FEAT_CRED),
	SAKER_OPTPROBE("switch_task_namespaces", saker_ns_pre,
		       SAKER_FEAT_NSCHANGE),
	SAKER_OPTPROBE("security_ptrace_access_check", saker_ptrace_pre,
		       SAKER_FEAT_PTRACE),
	SAKER_OPTPROBE("security_kernel_read_file", saker_load_file_pre,
		       SAKER_FEAT_LOAD),
	SAKER_OPTPROBE("security_kernel_load_data", saker_load_data_pre,
		       SAKER_FEAT_LOAD),
	SAKER_OPTPROBE("security_path_unlink", saker_unlink_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_rmdir", saker_rmdir_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_mkdir", saker_mkdir_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_symlink", saker_symlink_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_link", saker_link_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_rename", saker_rename_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_chmod", saker_chmod_pre,
		       SAKER_FEAT_FSCHANGE),
	SAKER_OPTPROBE("security_path_chown", saker_chown_pre,
		       SAKER_FEAT_FSCHANGE),
};

static_assert(ARRAY_SIZE(saker_optprobes) <= SAKER_OPTPROBES_MAX);

void saker_opt_probes_add(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(saker_optprobes); i++) {
		struct saker_optprobe *o = &saker_optprobes[i];

		o->idx = i;
		o->kp.addr = NULL;
		err = register_kprobe(&o->kp);
		if (err)
			pr_warn("cannot probe %s (%d): its records are not written\\n",
				o->kp.symbol_name, err);
		o->probed = !err;
	}
}

void saker_opt_probes_remove(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saker_optprobes); i++) {
		if (saker_optprobes[i].probed)
			unregister_kprobe(&saker_optprobes[i].kp);
		saker_optprobes[i].probed = false;
	}
}

u64 saker_opt_probes_features(void)
{
	u64 have = 0, missing = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saker_optprobes); i++) {
		if (saker_optprobes[i].probed)
			have |= saker_optprobes[i].feature;
		else
			missing |= saker_optprobes[i].feature;
	}
	return have & ~missing;
}

unsigned int saker_opt_probes_report(struct saker_hook_report *v,
				     unsigned int max)
{
	unsigned int i, n = 0;
	int cpu;

	for (i = 0; i < ARRAY_SIZE(saker_optprobes) && n < max; i++) {
		const struct saker_optprobe *o = &saker_optprobes[i];
		u64 hits = 0;

		if (!o->probed)
			continue;
		for_each_possible_cpu(cpu)
			hits += READ_ONCE(per_cpu(saker_opt_hits, cpu)[i]);
		v[n++] = (struct saker_hook_report){
			.name = o->kp.symbol_name, .kind = "kprobe",
			.hits = hits, .missed = READ_ONCE(o->kp.nmissed),
		};
	}
	return n;
}
