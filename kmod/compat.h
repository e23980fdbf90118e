/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels saker supports lives here, behind a
 * name that says what it provides. The SAKER_HAVE_* macros come from
 * probes of the kernel headers in Kbuild, not from version numbers, so
 * distribution backports are handled too. Checked on Debian's 5.10, 6.1,
 * 6.12 and 7.2 (make check-matrix).
 */
#ifndef SAKER_COMPAT_H
#define SAKER_COMPAT_H

#include <linux/mm.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>

/*
 * On PREEMPT_RT, spinlocks sleep, and the hooks run with preemption off
 * and read state that only such locks protect (a task's controlling tty
 * under siglock, the cgroup path under kernfs_rename_lock, d_path()'s
 * fallback under rename_lock). Refuse to build rather than sleep in
 * atomic context; dkms.conf excludes these kernels (BUILD_EXCLUSIVE_CONFIG).
 */
#ifdef CONFIG_PREEMPT_RT
#error "saker does not support PREEMPT_RT kernels: its probes would take sleeping locks (see docs/architecture.md)"
#endif

#ifndef CONFIG_X86_64
#error "saker supports x86_64 only: its syscall tables and the open probe's arguments are checked there"
#endif

#if !defined(CONFIG_KPROBES) || !defined(CONFIG_KRETPROBES) || !defined(CONFIG_TRACEPOINTS)
#error "saker needs CONFIG_KPROBES, CONFIG_KRETPROBES and CONFIG_TRACEPOINTS"
#endif

/* vm_flags became read-only behind accessors in 6.3. */
#ifdef SAKER_HAVE_VM_FLAGS_CLEAR
#define saker_vma_clear_flags(vma, f)	vm_flags_clear(vma, f)
#else
#define saker_vma_clear_flags(vma, f)	((vma)->vm_flags &= ~(f))
#endif

/*
 * struct mnt_namespace is private to fs/: saker reads only its struct
 * ns_common, the first member since 5.11, the second after an atomic_t
 * count before (5.10). The VM tests compare the result with
 * /proc/self/ns/mnt. A randomized layout would make that a guess.
 */
#if defined(CONFIG_RANDSTRUCT) || defined(CONFIG_GCC_PLUGIN_RANDSTRUCT)
#error "saker does not support RANDSTRUCT kernels: it reads struct mnt_namespace, private to fs/, by its layout"
#endif

struct saker_mnt_ns_head {
#ifndef SAKER_HAVE_NS_COMMON_REFCOUNT
	atomic_t count;
#endif
	struct ns_common ns;
};

static inline unsigned int saker_mnt_ns_inum(struct nsproxy *nsp)
{
	return nsp->mnt_ns ?
		((struct saker_mnt_ns_head *)nsp->mnt_ns)->ns.inum : 0;
}

/*
 * The kernel function that opens a file for every open path (open, openat,
 * openat2, creat, io_uring's openat, exec's image open), most recent name
 * first: it was renamed do_file_open after 7.0.
 */
#define SAKER_OPEN_PROBE_NAMES	{ "do_file_open", "do_filp_open" }
#define SAKER_OPEN_PROBE_NAMES_TEXT "do_file_open, do_filp_open"

/*
 * fs/internal.h's struct open_flags, its third argument. Unchanged from
 * 3.6 through 7.2 in the fields saker reads (the first two and the last).
 */
struct saker_open_flags {
	int open_flag;
	umode_t mode;
	int acc_mode;
	int intent;
	int lookup_flags;
};

/* sock_from_file() lost its int *err argument in 5.12. */
#ifdef SAKER_HAVE_SOCK_FROM_FILE_1ARG
#define saker_sock_from_file(f)	sock_from_file(f)
#else
#define saker_sock_from_file(f)	({ int __err; sock_from_file(f, &__err); })
#endif

/* fs_struct's lock and seqcount became one seqlock_t after 6.12. */
#ifdef SAKER_HAVE_FS_STRUCT_SEQLOCK
#define saker_fs_seq_begin(fs)		read_seqbegin(&(fs)->seq)
#define saker_fs_seq_retry(fs, s)	read_seqretry(&(fs)->seq, s)
#else
#define saker_fs_seq_begin(fs)		read_seqcount_begin(&(fs)->seq)
#define saker_fs_seq_retry(fs, s)	read_seqcount_retry(&(fs)->seq, s)
#endif

/* kernel_cap_t became one u64 in 6.3; two u32s before, low word first. */
#ifdef SAKER_HAVE_CAP_U64
#define saker_cap_u64(c)	((c).val)
#else
#define saker_cap_u64(c)	((c).cap[0] | ((u64)(c).cap[1] << 32))
#endif

#endif /* SAKER_COMPAT_H */
