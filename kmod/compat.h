/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels saker supports lives here, behind a
 * name that says what it provides. The SAKER_HAVE_* macros come from
 * probes of the kernel headers in Kbuild, not from version numbers, so
 * distribution backports are handled too. Checked on Debian's 6.1 and 6.12.
 */
#ifndef SAKER_COMPAT_H
#define SAKER_COMPAT_H

#include <linux/mm.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>

/* vm_flags became read-only behind accessors in 6.3. */
#ifdef SAKER_HAVE_VM_FLAGS_CLEAR
#define saker_vma_clear_flags(vma, f)	vm_flags_clear(vma, f)
#else
#define saker_vma_clear_flags(vma, f)	((vma)->vm_flags &= ~(f))
#endif

/*
 * struct mnt_namespace is private to fs/; its first member has been its
 * struct ns_common since 3.19, which is all saker reads. The VM tests
 * compare the result with /proc/self/ns/mnt.
 */
static inline unsigned int saker_mnt_ns_inum(struct nsproxy *nsp)
{
	return nsp->mnt_ns ? ((struct ns_common *)nsp->mnt_ns)->inum : 0;
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

#endif /* SAKER_COMPAT_H */
