/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * saker kernel/user ABI: the one header shared by kmod/ and userspace/.
 *
 * Device
 *   /dev/saker (0600, root). One reader at a time: a second open() fails
 *   with EBUSY. The reader must first call SAKER_IOC_INFO with
 *   info.abi_version = SAKER_ABI_VERSION and every other input byte zero;
 *   a version mismatch fails with EPROTO (info.abi_version then holds the
 *   module's), non-zero input bytes with EINVAL. mmap() before a successful
 *   handshake fails with EPROTO. SAKER_IOC_INFO may be repeated at any
 *   time to read the per-reader counters.
 *
 * Rings
 *   One ring per possible CPU (info.nr_rings). Ring i is mapped read-only
 *   and non-executable by mmap(NULL, info.map_size, PROT_READ, MAP_SHARED,
 *   fd, i * info.map_size); PROT_WRITE or PROT_EXEC fail with EPERM. The
 *   first info.hdr_size bytes are a struct saker_ring_hdr; the
 *   info.ring_size data bytes follow (a power of two). hdr_size and
 *   map_size are multiples of the page size. Positions (head, tail) are
 *   byte counts that only grow; the byte at position p lives at
 *   data[p & (ring_size - 1)].
 *
 *   Records are 8-byte aligned and never straddle the end of the data area:
 *   when a record does not fit before the end, the producer writes a
 *   SAKER_REC_PAD record covering the rest and starts again at offset 0. A
 *   reader therefore always sees a whole record at contiguous addresses.
 *
 * Memory-ordering contract (the only place it is written down)
 *   Producer (kernel, one per ring: the CPU itself, preemption disabled,
 *   re-entry refused):
 *     P1  t = smp_load_acquire(&hdr->tail)    pairs with C3
 *     P2  write record bytes at head .. head + len
 *     P3  smp_store_release(&hdr->head, head + len)   pairs with C1
 *   Consumer (userspace):
 *     C1  h = load-acquire(hdr->head)         pairs with P3
 *     C2  read records in [tail, h)
 *     C3  ioctl(SAKER_IOC_CONSUME, {ring, new_tail}); the kernel checks
 *         tail <= new_tail <= head and 8-byte alignment, then publishes
 *         new_tail with a fully ordered cmpxchg (a release), pairing with
 *         P1, so the producer never overwrites bytes still being read.
 *   The reader never writes to the mapping (it is read-only); handing
 *   bytes back through the kernel lets the kernel check every tail.
 *   The producer never blocks and never overwrites unread data: a record
 *   that does not fit is dropped and counted (see struct saker_ring_hdr).
 *   Counters are written only by the producer (WRITE_ONCE) and may be read
 *   at any time.
 *
 * Fair share
 *   Records of tasks that are not root of the host (euid 0 in the initial
 *   pid namespace) may fill a ring only up to info.share_pct percent;
 *   beyond it they are dropped and counted in drops_share, so that an
 *   unprivileged flood (failed opens with long names, say) cannot make the
 *   host's own root activity go unrecorded. The module parameter
 *   share_pct sets it (100 turns the fair share off).
 *
 * Wakeups
 *   poll()/epoll report EPOLLIN when a ring holds info.wakeup_bytes, or
 *   when info.latency_ms have passed since a record the reader has not
 *   been woken for and some ring still holds unread bytes. A wakeup owed
 *   is settled by the next SAKER_IOC_CONSUME (even one that does not move
 *   the tail: a reader that keeps records in the ring acknowledges with
 *   its current tail) or by a poll that finds every ring empty, so an idle
 *   reader never spins. Wakeups are deferred through irq_work: never from
 *   the hooks directly.
 *
 * Records
 *   struct saker_rec_hdr { len, type, body_len } then a body whose fixed
 *   part is the struct named for the type, body_len bytes long, followed
 *   by the variable strings it announces, in the order of its *_len
 *   fields, not NUL-terminated. len counts the header, the fixed part, the
 *   strings and the padding to a multiple of 8. Readers must skip types
 *   they do not know (by len), must find the strings at body_len (not at
 *   their own sizeof), and must reject a record whose announced lengths
 *   exceed len. Fields are only ever appended to a fixed part: a newer
 *   module writes a larger body_len, which an older reader skips over.
 *   Fields named reserved are zero today.
 *
 * Strings
 *   A path that does not fit SAKER_PATH_MAX keeps its last components
 *   (the end of the path, which names the file) and sets the field's
 *   *_TRUNCATED flag; a path that could not be resolved at all is empty
 *   and flagged too. argv keeps its first SAKER_ARGS_MAX bytes, the
 *   environment its first SAKER_ENV_MAX (as Falco's driver: one page), so
 *   a variable past that is not seen: the cut is flagged, and counted.
 */
#ifndef _UAPI_SAKER_H
#define _UAPI_SAKER_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define SAKER_ABI_VERSION	2
#define SAKER_DEVICE		"/dev/saker"
#define SAKER_REC_ALIGN		8

/* Bounds of the variable parts; longer values are cut and flagged. */
#define SAKER_PATH_MAX		4096
#define SAKER_ARGS_MAX		4096
#define SAKER_ENV_MAX		4096
#define SAKER_TTY_NAME_MAX	32
#define SAKER_COMM_LEN		16
#define SAKER_REC_LEN_MAX	(sizeof(struct saker_rec_hdr) + \
				 sizeof(struct saker_exec) + \
				 4 * SAKER_PATH_MAX + SAKER_ARGS_MAX + \
				 SAKER_ENV_MAX)

enum saker_rec_type {
	SAKER_REC_PAD = 0,	/* filler up to the end of the data area */
	SAKER_REC_EXEC = 1,
	SAKER_REC_FORK = 2,
	SAKER_REC_EXIT = 3,
	SAKER_REC_OPEN = 4,
	SAKER_REC_CRED = 5,	/* older readers skip it: unknown type */
	SAKER_REC_LOAD = 6,	/* likewise */
	SAKER_REC_NSCHANGE = 7,	/* likewise */
	SAKER_REC_PTRACE = 8,	/* likewise */
	SAKER_REC_FSCHANGE = 9,	/* likewise */
	SAKER_REC_TYPE_MAX
};

enum saker_ns_index {
	SAKER_NS_MNT = 0,
	SAKER_NS_PID,
	SAKER_NS_NET,
	SAKER_NS_UTS,
	SAKER_NS_IPC,
	SAKER_NS_USER,
	SAKER_NS_CGROUP,
	SAKER_NS_COUNT
};

/*
 * The call that led to an exec or open, independent of the architecture's
 * syscall numbers and of the syscall ABI (native or 32-bit compat). The
 * raw number is in syscall_nr as well, in the table of the ABI that
 * SAKER_TASK_COMPAT names.
 */
enum saker_call {
	SAKER_CALL_NONE = 0,	/* not in a syscall: io_uring worker, kernel */
	SAKER_CALL_OTHER,	/* another syscall (see syscall_nr) */
	SAKER_CALL_OPEN,
	SAKER_CALL_OPENAT,
	SAKER_CALL_OPENAT2,
	SAKER_CALL_CREAT,
	SAKER_CALL_OPEN_BY_HANDLE_AT,
	SAKER_CALL_EXECVE,
	SAKER_CALL_EXECVEAT,
	SAKER_CALL_IO_URING,	/* io_uring_enter: an inline io_uring op */
	SAKER_CALL_USELIB,
	SAKER_CALL_MAX
};

/* Kind of an open file descriptor (struct saker_exec.fd_kind[0..2]). */
enum saker_fd_kind {
	SAKER_FD_NONE = 0,	/* not open */
	SAKER_FD_TTY,
	SAKER_FD_PIPE,
	SAKER_FD_SOCKET,	/* a network socket: any family but AF_UNIX */
	SAKER_FD_FILE,		/* regular file */
	SAKER_FD_OTHER,
	SAKER_FD_UNIX,		/* an AF_UNIX socket: local, not a network peer */
};

struct saker_rec_hdr {
	__u32 len;		/* whole record, multiple of SAKER_REC_ALIGN */
	__u16 type;		/* enum saker_rec_type */
	__u16 body_len;		/* fixed part of the body; 0 for PAD */
};

/* saker_task.flags */
#define SAKER_TASK_SESSION_LEADER	(1U << 0)
#define SAKER_TASK_IO_WORKER		(1U << 1) /* io_uring worker thread */
#define SAKER_TASK_HAS_TTY		(1U << 2) /* tty_dev and tty_name valid */
#define SAKER_TASK_NO_CGROUP		(1U << 3) /* cgroup_id unknown */
#define SAKER_TASK_COMPAT		(1U << 4) /* 32-bit syscall ABI */

/* Who did it: the first part of every record body except PAD. */
struct saker_task {
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	__u64 cgroup_id;	/* cgroup v2 id (inode of the cgroup dir) */
	__u32 cpu;
	__u32 tid;		/* pids as seen from the initial pid ns */
	__u32 pid;		/* thread group id */
	__u32 ppid;		/* pid of the real parent's thread group */
	__u32 vtid;		/* tid and pid in the task's own pid ns */
	__u32 vpid;
	__u32 sid;		/* POSIX session id, initial pid ns */
	__u32 uid;		/* credentials in the initial user ns */
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 loginuid;		/* (__u32)-1 when unset */
	__u32 tty_dev;		/* controlling tty, huge_encode_dev() form */
	__u32 flags;		/* SAKER_TASK_* */
	__u32 ns[SAKER_NS_COUNT]; /* namespace inode numbers */
	__u32 reserved0;
	char comm[SAKER_COMM_LEN];
	char tty_name[SAKER_TTY_NAME_MAX]; /* "pts/3", NUL-padded */
	__u64 reserved[2];
};

/* saker_exec.flags */
#define SAKER_EXEC_PARENT_OTHER_PIDNS	(1U << 0) /* entered a container */
#define SAKER_EXEC_ARGS_TRUNCATED	(1U << 1)
#define SAKER_EXEC_ARGS_FAULT		(1U << 2) /* argv not readable */
#define SAKER_EXEC_FILENAME_TRUNCATED	(1U << 3)
#define SAKER_EXEC_EXE_TRUNCATED	(1U << 4) /* exe is a tail, or empty */
#define SAKER_EXEC_CWD_TRUNCATED	(1U << 5) /* cwd is a tail, or empty */
#define SAKER_EXEC_CGROUP_TRUNCATED	(1U << 6)
#define SAKER_EXEC_EXE_DELETED		(1U << 7) /* the binary has no name left */
#define SAKER_EXEC_EXE_MEMFD		(1U << 8) /* run from a memfd: fileless */
#define SAKER_EXEC_ENV_TRUNCATED	(1U << 9)
#define SAKER_EXEC_ENV_FAULT		(1U << 10) /* envp not readable */

struct saker_exec {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if not from a syscall */
	__u32 flags;		/* SAKER_EXEC_* */
	__u32 argc;		/* arguments present in args (after a cut) */
	__u8 fd_kind[3];	/* enum saker_fd_kind of fds 0, 1, 2 */
	__u8 reserved0;
	__u16 filename_len;	/* as passed to execve */
	__u16 exe_len;		/* d_path of the new executable */
	__u16 args_len;		/* argv, each argument NUL-terminated */
	__u16 cwd_len;
	__u16 cgroup_len;	/* cgroup v2 path, "/system.slice/..." */
	__u16 call;		/* enum saker_call */
	__u32 exe_dev;		/* the executable's identity: superblock dev */
	__u64 exe_ino;		/* and inode, whatever its name */
	__u32 exe_nlink;	/* its hard links (0: deleted or memfd) */
	__u16 env_len;		/* envp, each entry NUL-terminated */
	__u16 envc;		/* entries present in env (after a cut) */
	__u64 reserved[2];
	/* then: filename, exe, args, cwd, cgroup, env */
};

/* saker_fork.flags */
#define SAKER_FORK_THREAD	(1U << 0) /* new thread, not a new process */

/* task is the child; parent_tid is the thread that forked it. */
struct saker_fork {
	struct saker_task task;
	__u32 parent_tid;
	__u32 flags;		/* SAKER_FORK_* */
	__u64 reserved[2];
};

/* saker_exit.flags */
#define SAKER_EXIT_GROUP_DEAD	(1U << 0) /* last thread: the process ended */

struct saker_exit {
	struct saker_task task;
	__s32 exit_code;	/* wait(2) status form */
	__u32 flags;		/* SAKER_EXIT_* */
	__u64 reserved[2];
};

/* saker_open.flags */
#define SAKER_OPEN_EXEC		(1U << 0) /* the image open of an execve */
#define SAKER_OPEN_PATH_NAME	(1U << 1) /* path built from the name given */
#define SAKER_OPEN_PATH_TRUNCATED (1U << 2) /* path is a tail, or empty */
#define SAKER_OPEN_FD_UNKNOWN	(1U << 3) /* success, but fd not known */
#define SAKER_OPEN_CREATED	(1U << 4) /* this open created the file */

struct saker_open {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if none (io_uring worker) */
	__s32 fd;		/* new fd, -1 if failed or unknown */
	__s32 err;		/* 0, or the positive errno of a failure */
	__u32 open_flags;	/* O_* flags as requested */
	__u32 mode;		/* creation mode */
	__u32 flags;		/* SAKER_OPEN_* */
	__u64 ino;		/* opened inode, 0 if failed */
	__u32 dev;		/* its superblock dev, huge_encode_dev() form */
	__u16 path_len;
	__u16 call;		/* enum saker_call */
	__u64 reserved[2];
	/* then: path */
};

/*
 * A credential set as the task's ids and capabilities say after the
 * change (kernel uids and gids in the initial user namespace, (__u32)-1
 * for an id that has no mapping there).
 */
struct saker_ids {
	__u32 uid;
	__u32 euid;
	__u32 suid;
	__u32 fsuid;
	__u32 gid;
	__u32 egid;
	__u32 sgid;
	__u32 fsgid;
	__u64 cap_effective;	/* 1 << CAP_* */
	__u64 cap_permitted;
	__u64 cap_inheritable;
	__u64 cap_ambient;
	__u32 securebits;
	__u32 userns;		/* inode of the credentials' user namespace */
};

/*
 * A task changed its credentials (setuid and the like, capset, an exec of
 * a set-user-ID or file-capability binary, unshare(CLONE_NEWUSER), ...):
 * recorded as the kernel commits them, and only when the ids, the
 * capability sets, the securebits or the user namespace differ. task
 * holds the ids before; call and syscall_nr say which call made the
 * change (SAKER_CALL_EXECVE for an exec's new credentials, OTHER with the
 * number for the rest). Needs SAKER_FEAT_CRED and SAKER_CLASS_CRED.
 */
struct saker_cred {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if not from a syscall */
	__u16 call;		/* enum saker_call */
	__u16 reserved0;
	struct saker_ids old;
	struct saker_ids new;
	__u64 reserved[2];
};

/* What the kernel was asked to load (struct saker_load.what). */
enum saker_load_what {
	SAKER_LOAD_MODULE = 1,		/* init_module, finit_module */
	SAKER_LOAD_KEXEC_IMAGE,		/* kexec_load, kexec_file_load */
	SAKER_LOAD_KEXEC_INITRAMFS,
	SAKER_LOAD_POLICY,		/* an LSM or IMA policy */
	SAKER_LOAD_X509,		/* a certificate for a keyring */
};

/* saker_load.flags */
#define SAKER_LOAD_FROM_FILE		(1U << 0) /* path, ino and dev valid */
#define SAKER_LOAD_PATH_TRUNCATED	(1U << 1) /* path is a tail, or empty */

/*
 * A task asked the kernel to load code or policy into itself: recorded as
 * the kernel reads it (its LSM hook), after the caller's privilege was
 * checked and before the content is verified, so the load may still fail.
 * A file given by descriptor (finit_module, kexec_file_load) comes with its
 * path and identity. Firmware is not recorded (the kernel asks for it).
 * Needs SAKER_FEAT_LOAD and SAKER_CLASS_LOAD.
 */
struct saker_load {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if not from a syscall */
	__u16 call;		/* enum saker_call */
	__u16 what;		/* enum saker_load_what */
	__u32 flags;		/* SAKER_LOAD_* */
	__u32 dev;		/* the file's superblock dev, huge_encode_dev() */
	__u64 ino;		/* the file's inode */
	__u16 path_len;
	__u16 reserved0;
	__u32 reserved1;
	__u64 reserved[2];
	/* then: path */
};

/*
 * A task joined or made namespaces (setns, unshare, the clone-less paths
 * that switch a task's namespace set): recorded as the kernel installs the
 * new set, only when an inode differs. task.ns holds the namespaces
 * before; ns the ones after, where [SAKER_NS_PID] is the pid namespace of
 * the task's future children (what setns and unshare change: a task's own
 * never does), and pid_children_was that one before. User namespaces
 * change with credentials (struct saker_cred); time namespaces are not
 * recorded. Needs SAKER_FEAT_NSCHANGE and SAKER_CLASS_NSCHANGE.
 */
struct saker_nschange {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if not from a syscall */
	__u16 call;		/* enum saker_call */
	__u16 reserved0;
	__u32 ns[SAKER_NS_COUNT];
	__u32 pid_children_was;
	__u64 reserved[2];
};

/* saker_ptrace.flags */
#define SAKER_PTRACE_REALCREDS	(1U << 0) /* checked against the real ids */

/*
 * A task was allowed past the kernel's own checks to attach to another, or
 * to read or write its memory (ptrace attach or seize, /proc/PID/mem,
 * process_vm_readv and writev, pidfd_getfd): the kernel's ptrace access
 * check in attach mode, at its LSM hook. Checks in read mode (ps, /proc
 * status files) are not recorded, nor PTRACE_TRACEME, nor a task's own
 * threads (the kernel does not check those). The LSM may still refuse.
 * request is the ptrace(2) request when the call is ptrace, else -1. The
 * task block has no tty (SAKER_TASK_HAS_TTY clear): the check runs under
 * the target's task_lock, inside which the tty's lock is not taken.
 * Needs SAKER_FEAT_PTRACE and SAKER_CLASS_PTRACE.
 */
struct saker_ptrace {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if not from a syscall */
	__u16 call;		/* enum saker_call */
	__u16 reserved0;
	__u32 target_tid;	/* initial pid namespace */
	__u32 target_pid;	/* its thread group */
	__u32 target_euid;	/* initial user namespace */
	__u32 flags;		/* SAKER_PTRACE_* */
	__s32 request;
	__u32 reserved1;
	char target_comm[SAKER_COMM_LEN];
	__u64 reserved[2];
};

/* What a task did to a file's name or attributes (saker_fschange.op). */
enum saker_fsop {
	SAKER_FSOP_UNLINK = 1,
	SAKER_FSOP_RMDIR,
	SAKER_FSOP_MKDIR,
	SAKER_FSOP_RENAME,	/* path2: the new name */
	SAKER_FSOP_LINK,	/* path: the existing file, path2: the new name */
	SAKER_FSOP_SYMLINK,	/* path: the new link, path2: its target as given */
	SAKER_FSOP_CHMOD,
	SAKER_FSOP_CHOWN,
};

/* saker_fschange.flags */
#define SAKER_FS_PATH_TRUNCATED		(1U << 0) /* path is a tail, or empty */
#define SAKER_FS_PATH2_TRUNCATED	(1U << 1)
#define SAKER_FS_EXCHANGE		(1U << 2) /* rename: RENAME_EXCHANGE */
#define SAKER_FS_NOREPLACE		(1U << 3) /* rename: RENAME_NOREPLACE */

/*
 * A task changed a name or the attributes of a file: recorded at the
 * kernel's LSM path hooks, which every such syscall passes (unlink, rmdir,
 * mkdir, rename, link, symlink, chmod, chown and their *at forms, from
 * any process but kernel threads) once the names were looked up and
 * before the filesystem acts; a permission check the filesystem then
 * makes can still refuse it. Paths are absolute, as the task sees them
 * (the parent's d_path and the name). mode: mkdir's and chmod's new mode;
 * uid and gid: chown's (initial user namespace; (__u32)-1 unchanged);
 * ino: the inode acted on, 0 for a name not made yet (mkdir, symlink).
 * Needs SAKER_FEAT_FSCHANGE and SAKER_CLASS_FS.
 */
struct saker_fschange {
	struct saker_task task;
	__s32 syscall_nr;	/* -1 if not from a syscall */
	__u16 call;		/* enum saker_call */
	__u16 op;		/* enum saker_fsop */
	__u32 flags;		/* SAKER_FS_* */
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u64 ino;
	__u16 path_len;
	__u16 path2_len;
	__u32 reserved0;
	__u64 reserved[2];
	/* then: path, path2 */
};

/*
 * Ring header page. Counters cover the time since the reader opened the
 * device, and each cause of loss has its own.
 */
struct saker_ring_hdr {
	__u64 head;		/* producer position */
	__u64 reserved0[7];	/* head alone on its cache line */
	__u64 tail;		/* consumer position */
	__u64 reserved1[7];
	__u64 events;		/* records written (pads not counted) */
	__u64 drops_full;	/* records dropped: ring full */
	__u64 drops_fault;	/* records dropped: could not be built */
	__u64 reentries;	/* hook re-entered on this CPU: dropped */
	__u64 drops_share;	/* dropped: unprivileged over its fair share */
	__u64 filtered;		/* opens the open filter left out: not lost */
	__u64 ignored;		/* events of ignored thread groups: not lost */
	__u64 reserved2;
};

/* saker_info.features */
#define SAKER_FEAT_EXIT_GROUP_DEAD	(1ULL << 0) /* group_dead is exact */
#define SAKER_FEAT_OPEN_FD		(1ULL << 1) /* open fds are exact */
#define SAKER_FEAT_OPEN_FILTER		(1ULL << 2) /* SAKER_A_OPEN_FILTER */
#define SAKER_FEAT_IGNORE		(1ULL << 3) /* SAKER_A_IGNORE */
#define SAKER_FEAT_CRED			(1ULL << 4) /* SAKER_REC_CRED records */
#define SAKER_FEAT_LOAD			(1ULL << 5) /* SAKER_REC_LOAD records */
#define SAKER_FEAT_NSCHANGE		(1ULL << 6) /* SAKER_REC_NSCHANGE records */
#define SAKER_FEAT_PTRACE		(1ULL << 7) /* SAKER_REC_PTRACE records */
#define SAKER_FEAT_FSCHANGE		(1ULL << 8) /* SAKER_REC_FSCHANGE records */

/*
 * SAKER_IOC_INFO: in abi_version (everything else zero), out everything.
 * open_missed counts the opens the open probe could not follow since this
 * reader attached: its pool of in-flight opens (open_maxactive) was
 * exhausted by opens sleeping in the kernel. Successful opens from the
 * open syscalls are recorded all the same; what is lost is failed opens,
 * io_uring opens and exec image opens. The kernel counts these misses
 * without atomics: with misses on several CPUs at once the figure is a
 * lower bound, but it is never zero after a miss.
 */
struct saker_info {
	__u32 abi_version;
	__u32 nr_rings;		/* one per possible CPU */
	__u64 ring_size;	/* data bytes per ring, power of two */
	__u64 hdr_size;		/* header bytes before the data */
	__u64 map_size;		/* hdr_size + ring_size: one mmap per ring */
	__u64 open_missed;	/* see above */
	__u64 wakeup_bytes;
	__u32 latency_ms;
	__u32 share_pct;	/* fair share of unprivileged records, % */
	char open_probe[32];	/* kernel function probed for opens */
	__u64 features;		/* SAKER_FEAT_* */
	__u32 open_maxactive;	/* opens the probe follows at once */
	__u32 reserved0;
	__u64 reserved[6];
};

struct saker_consume {
	__u32 ring;
	__u32 reserved;		/* must be zero */
	__u64 tail;		/* new consumer position */
};

/* 0xBC: no other driver's (Documentation/userspace-api/ioctl/ioctl-number.rst). */
#define SAKER_IOC_MAGIC		0xBC
#define SAKER_IOC_INFO		_IOWR(SAKER_IOC_MAGIC, 1, struct saker_info)
#define SAKER_IOC_CONSUME	_IOW(SAKER_IOC_MAGIC, 2, struct saker_consume)

/*
 * Control plane: the generic netlink family SAKER_GENL_NAME, version
 * SAKER_GENL_VERSION, in the initial network namespace only. It works
 * whether or not a reader holds /dev/saker.
 *
 *   SAKER_CMD_INFO        one reply: the module, its rings, its hooks
 *                         (a SAKER_A_HOOK nest each), the reader, the
 *                         configuration
 *   SAKER_CMD_STATS       one reply: a SAKER_A_RING nest per
 *                         possible CPU from SAKER_A_CPU (0 if not
 *                         given) on, with its ring's counters as in
 *                         struct saker_ring_hdr (since the current reader
 *                         attached); SAKER_A_NEXT_CPU when more did not
 *                         fit: ask again from there
 *   SAKER_CMD_CONFIG_GET  one reply: the configuration
 *   SAKER_CMD_CONFIG_SET  sets what the request holds; an ack
 *
 * The open filter (SAKER_A_OPEN_FILTER, CONFIG_SET only) tells the open
 * hooks which opens the reader wants: an open is recorded when one
 * SAKER_A_FILTER_ENTRY matches it, and otherwise counted in its ring's
 * "filtered" counter and left out before its task block and path are
 * built. An entry matches when the open's kind, access and result are in
 * its masks and its path matches: any path, exactly PATH, or a path that
 * starts with PATH (a string prefix). The path is the one the record would
 * carry; opens whose path is cut or is not absolute, and failed opens, are
 * matched on the masks alone (their path is not built before the filter).
 * An open syscall's failure that no entry keeps is not followed to its end
 * and not counted as filtered; its success is decided, and counted, as the
 * descriptor is installed.
 * A nest with no entry records no open; one holding only the flag
 * SAKER_A_FILTER_NONE removes the filter: every open is recorded. Setting
 * a filter
 * replaces the whole filter at once; the filter goes when the reader
 * closes /dev/saker, so a new reader starts with every open. At most
 * SAKER_FILTER_ENTRIES_MAX entries and SAKER_FILTER_BYTES_MAX bytes of
 * paths; a reader that needs more sets no filter.
 *
 * The ignore list (SAKER_A_IGNORE, CONFIG_SET and CONFIG_GET) names thread
 * groups whose events are not recorded, only counted in the ring's
 * "ignored" counter: at most SAKER_IGNORE_MAX SAKER_A_IGNORE_TGID ids, in
 * the sender's pid namespace, each of a live thread group (else ESRCH).
 * An entry is that thread group, not its number: once it exits, a new
 * process given the same id is recorded. The ignore list does not extend
 * to children. Setting it replaces the whole list; an empty nest clears
 * it, and so do the reader's open and close of /dev/saker. CONFIG_GET
 * lists the groups still alive that the caller can see. The reader's own
 * thread group is never recorded and is not counted.
 *
 * Every command needs CAP_SYS_ADMIN and CAP_NET_ADMIN (GENL_ADMIN_PERM), as
 * /dev/saker is root's only: the drop and queue counters would tell a local
 * attacker when a ring is past its fair share, and the reader's pid which
 * process to stop. A caller without them gets EPERM and nothing changes.
 * Requests are validated strictly: an attribute the command does not take,
 * one of the wrong type or size, unknown bits, or a set with nothing to set
 * fail with EINVAL and an extended-ack message. Kernels from 6.1 also
 * refuse a non-zero reserved field in the genl header. Every change is
 * logged to the kernel log with the caller's pid. No command is a netlink
 * dump: a dump holds a module reference until its caller reads the end, so
 * a caller could keep the module from unloading. Integers are in host byte
 * order;
 * 64-bit values are padded with SAKER_A_PAD. New attributes are appended:
 * readers skip those they do not know.
 */
#define SAKER_GENL_NAME		"saker"
#define SAKER_GENL_VERSION	1

enum saker_genl_cmd {
	SAKER_CMD_UNSPEC,
	SAKER_CMD_INFO,
	SAKER_CMD_STATS,
	SAKER_CMD_CONFIG_GET,
	SAKER_CMD_CONFIG_SET,
	__SAKER_CMD_MAX,
};
#define SAKER_CMD_MAX	(__SAKER_CMD_MAX - 1)

/* Event classes (SAKER_A_CLASSES): what the hooks record; all by default. */
#define SAKER_CLASS_EXEC	(1U << 0)
#define SAKER_CLASS_FORK	(1U << 1)
#define SAKER_CLASS_EXIT	(1U << 2)
#define SAKER_CLASS_OPEN	(1U << 3)	/* opens and exec image opens */
#define SAKER_CLASS_CRED	(1U << 4)	/* credential changes */
#define SAKER_CLASS_LOAD	(1U << 5)	/* kernel module and kexec loads */
#define SAKER_CLASS_NSCHANGE	(1U << 6)	/* namespaces joined or made */
#define SAKER_CLASS_PTRACE	(1U << 7)	/* attach to another task */
#define SAKER_CLASS_FS		(1U << 8)	/* names and attributes changed */
#define SAKER_CLASS_ALL		(SAKER_CLASS_EXEC | SAKER_CLASS_FORK | \
				 SAKER_CLASS_EXIT | SAKER_CLASS_OPEN | \
				 SAKER_CLASS_CRED | SAKER_CLASS_LOAD | \
				 SAKER_CLASS_NSCHANGE | SAKER_CLASS_PTRACE | \
				 SAKER_CLASS_FS)

/* SAKER_A_FILTER_KINDS: 1 << SAKER_CALL_* of the open, or EXEC_IMAGE. */
#define SAKER_FILTER_KIND(call)		(1U << (call))
#define SAKER_FILTER_EXEC_IMAGE		(1U << 31)	/* SAKER_OPEN_EXEC */
/* SAKER_A_FILTER_ACCESS: 1 << (O_ACCMODE bits, + 4 with O_DIRECTORY) */
#define SAKER_FILTER_ACCESS(acc, dir)	(1U << ((acc) + ((dir) ? 4 : 0)))
#define SAKER_FILTER_ACCESS_ALL		0xffU
/* SAKER_A_FILTER_RESULT */
#define SAKER_FILTER_OK			(1U << 0)
#define SAKER_FILTER_FAILED		(1U << 1)
/* SAKER_A_FILTER_MATCH */
enum saker_filter_match {
	SAKER_FILTER_ANY,	/* any path; no SAKER_A_FILTER_PATH */
	SAKER_FILTER_EXACT,	/* the path is PATH */
	SAKER_FILTER_PREFIX,	/* the path starts with PATH */
};
#define SAKER_FILTER_ENTRIES_MAX	512
#define SAKER_FILTER_BYTES_MAX		32768	/* the nest fits a u16 nla_len */
#define SAKER_IGNORE_MAX		16

enum saker_genl_attr {
	SAKER_A_UNSPEC,
	SAKER_A_PAD,
	/* INFO */
	SAKER_A_ABI_VERSION,	/* u32: SAKER_ABI_VERSION of the rings */
	SAKER_A_MODULE_VERSION,	/* string */
	SAKER_A_NR_RINGS,	/* u32 */
	SAKER_A_RING_SIZE,	/* u64: data bytes per ring */
	SAKER_A_WAKEUP_BYTES,	/* u64 */
	SAKER_A_LATENCY_MS,	/* u32 */
	SAKER_A_SHARE_PCT,	/* u32 */
	SAKER_A_OPEN_PROBE,	/* string: the function the open probe is on */
	SAKER_A_OPEN_MAXACTIVE,	/* u32 */
	SAKER_A_FEATURES,	/* u64: SAKER_FEAT_* */
	SAKER_A_READER_PID,	/* u32: tgid holding /dev/saker, 0 if none */
	SAKER_A_OPEN_MISSED,	/* u64: opens the probe missed since load */
	/* INFO, CONFIG_GET, CONFIG_SET */
	SAKER_A_CLASSES,	/* u32: SAKER_CLASS_* */
	/* STATS: request SAKER_A_CPU (first CPU); reply SAKER_A_RING nests */
	SAKER_A_CPU,		/* u32: the CPU, = the ring's index */
	SAKER_A_EVENTS,		/* u64: the counters of struct saker_ring_hdr */
	SAKER_A_DROPS_FULL,	/* u64 */
	SAKER_A_DROPS_FAULT,	/* u64 */
	SAKER_A_REENTRIES,	/* u64 */
	SAKER_A_DROPS_SHARE,	/* u64 */
	SAKER_A_QUEUED,		/* u64: bytes written and not yet consumed */
	SAKER_A_RING,		/* nest: SAKER_A_CPU .. SAKER_A_QUEUED of one ring */
	SAKER_A_NEXT_CPU,	/* u32: the first CPU this reply left out */
	/* INFO: a SAKER_A_HOOK nest per hook attached */
	SAKER_A_HOOK,
	SAKER_A_HOOK_NAME,	/* string: the tracepoint or probed function */
	SAKER_A_HOOK_KIND,	/* string: tracepoint, kprobe or kretprobe */
	SAKER_A_HOOK_HITS,	/* u64: runs since load */
	SAKER_A_HOOK_MISSED,	/* u64: runs the probe missed since load */
	/* STATS, in each SAKER_A_RING */
	SAKER_A_FILTERED,	/* u64: opens the open filter left out */
	/* CONFIG_SET: the open filter (see above); a nest of entries */
	SAKER_A_OPEN_FILTER,
	SAKER_A_FILTER_ENTRY,	/* nest: KINDS, ACCESS, RESULT, MATCH, PATH */
	SAKER_A_FILTER_KINDS,	/* u32: SAKER_FILTER_KIND()s, EXEC_IMAGE */
	SAKER_A_FILTER_ACCESS,	/* u32: SAKER_FILTER_ACCESS()es */
	SAKER_A_FILTER_RESULT,	/* u32: SAKER_FILTER_OK, SAKER_FILTER_FAILED */
	SAKER_A_FILTER_MATCH,	/* u32: enum saker_filter_match */
	SAKER_A_FILTER_PATH,	/* string: absolute, below SAKER_PATH_MAX */
	/* INFO, CONFIG_GET: the filter's size */
	SAKER_A_FILTER_ENTRIES,	/* u32 */
	SAKER_A_FILTER_SET,	/* u32: 1 when a filter is set (even empty) */
	/* CONFIG_SET, in SAKER_A_OPEN_FILTER alone: remove the filter */
	SAKER_A_FILTER_NONE,	/* flag */
	/* CONFIG_SET and CONFIG_GET: nest of SAKER_A_IGNORE_TGID */
	SAKER_A_IGNORE,
	SAKER_A_IGNORE_TGID,	/* u32 */
	/* STATS, in each SAKER_A_RING */
	SAKER_A_IGNORED,	/* u64: events of ignored thread groups */
	__SAKER_A_MAX,
};
#define SAKER_A_MAX	(__SAKER_A_MAX - 1)

#endif /* _UAPI_SAKER_H */
