/* SPDX-License-Identifier: GPL-2.0 */
/*
 * saker: module-internal interfaces between the subsystems:
 *   main.c     parameters, load and unload order
 *   ring.c     per-CPU rings, the producer side, fair share, wakeups
 *   chardev.c  /dev/saker: open, ioctl, mmap, poll
 *   hooks.c    where saker attaches: tracepoints, kprobes, the kretprobe
 *   task.c     the task block every record starts with
 *   path.c     paths in probe context: d_path, or the tail that fits
 *   record.c   building exec, fork, exit and open records
 *   genl.c     the generic netlink control plane: info, stats, config
 *   filter.c   the open filter the reader sets: which opens to record
 */
#ifndef SAKER_H
#define SAKER_H

#include <linux/types.h>
#include <linux/wait.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>

#include "uapi/saker.h"

#define SAKER_MODULE_VERSION	"0.1.0"

struct task_struct;
struct linux_binprm;
struct file;
struct filename;
struct path;

/* Scratch for the largest record, plus its alignment padding. */
#define SAKER_REC_MAX	(SAKER_REC_LEN_MAX + SAKER_REC_ALIGN)

struct saker_ring {
	void *base;			/* vmalloc_user: header page + data */
	struct saker_ring_hdr *hdr;
	u8 *data;
};

/* Per-CPU scratch: records are built here, then copied into the ring. */
struct saker_cpu {
	int busy;			/* re-entry guard */
	char path[SAKER_PATH_MAX];	/* d_path() workspace */
	u8 rec[SAKER_REC_MAX] __aligned(SAKER_REC_ALIGN);
};

struct saker_dev {
	struct saker_ring *rings;	/* one per possible CPU */
	unsigned int nr_rings;
	u64 ring_size;			/* power of two */
	u64 wakeup_bytes;
	u64 share_bytes;		/* fill limit for unprivileged records */
	unsigned int latency_ms;
	unsigned int share_pct;

	bool active;			/* a reader is attached: record */
	struct pid *reader;		/* never record the reader's thread group */
	atomic_t opened;		/* exclusive open */
	u64 open_missed_base;		/* probe misses before this reader */
	u32 classes;			/* SAKER_CLASS_*: set through genl.c */

	wait_queue_head_t wq;
	struct irq_work wake_work;	/* wake the reader now */
	struct irq_work arm_work;	/* start the latency timer */
	struct delayed_work latency_work;
	unsigned long flags;		/* SAKER_F_* bits */
};

#define SAKER_F_LATENCY_ARMED	0	/* latency_work queued */
#define SAKER_F_READY		1	/* a wakeup is owed to the reader */

extern struct saker_dev saker_dev;

/* ring.c */
int saker_rings_alloc(struct saker_dev *d, u64 ring_size);
void saker_rings_free(struct saker_dev *d);
void saker_rings_reset(struct saker_dev *d);
void saker_wakeup_init(struct saker_dev *d);
void saker_wakeup_stop(struct saker_dev *d);
bool saker_rings_ready(struct saker_dev *d);
bool saker_ring_write(struct saker_ring *r, const void *rec, u32 len,
		      bool privileged);
int saker_ring_consume(struct saker_dev *d, u32 ring, u64 tail);
void saker_ring_count(size_t counter_offset);

/* Count a loss on this CPU's ring: saker_ring_count(SAKER_CNT(reentries)). */
#define SAKER_CNT(field)	offsetof(struct saker_ring_hdr, field)

/* genl.c */
int saker_genl_init(void);
void saker_genl_exit(void);

/* filter.c: saker_filter_check() in probe context, the rest in process. */
struct nlattr;
struct genl_info;
enum { SAKER_FILTER_DROP, SAKER_FILTER_KEEP, SAKER_FILTER_NEED_PATH };
/* What the filter looks at before the path: as in the record to be. */
struct saker_open_key {
	u16 call;
	bool exec;		/* exec's image open */
	bool failed;
	u32 open_flags;		/* VALID_OPEN_FLAGS as the record has them */
};

int saker_filter_check(const struct saker_open_key *k, const char *path,
		       size_t len);
bool saker_filter_keeps_failed(u16 call, u32 open_flags);
struct saker_filter;
struct saker_filter *saker_filter_build(const struct nlattr *nest,
					struct genl_info *info);
void saker_filter_commit(struct saker_filter *f);
void saker_filter_clear(void);
s64 saker_filter_entries(void);

/* ignore.c: saker_ignored() in probe context, the rest in process. */
struct sk_buff;
bool saker_ignored(struct task_struct *t);
struct saker_ignore;
struct saker_ignore *saker_ignore_build(const struct nlattr *nest,
					struct genl_info *info);
void saker_ignore_discard(struct saker_ignore *ig);
void saker_ignore_commit(struct saker_ignore *ig);
int saker_ignore_put(struct sk_buff *msg);
void saker_ignore_clear(void);

/* chardev.c */
int saker_chardev_init(void);
void saker_chardev_exit(void);

/* hooks.c */
int saker_hooks_init(void);
void saker_hooks_exit(void);
const char *saker_open_probe_name(void);
u64 saker_open_missed(void);
u64 saker_features(void);
struct saker_hook_report {
	const char *name;	/* the tracepoint or the probed function */
	const char *kind;	/* "tracepoint", "kprobe", "kretprobe" */
	u64 hits;		/* runs since load, every CPU */
	u64 missed;		/* runs the probe could not make */
};
#define SAKER_HOOKS_MAX	32
unsigned int saker_hooks_report(struct saker_hook_report *v, unsigned int max);
unsigned int saker_open_active(void);
extern unsigned int saker_open_maxactive;

/* task.c: the task block, in probe context (preemption off). */
struct saker_task;
void saker_fill_task(struct saker_task *t, struct task_struct *p);
void saker_fill_task_no_tty(struct saker_task *t, struct task_struct *p);
struct cred;
void saker_fill_ids(struct saker_ids *ids, const struct cred *cred);
struct nsproxy;
void saker_fill_nsproxy(u32 *ns, const struct nsproxy *nsp,
			const struct cred *cred);
bool saker_task_privileged(const struct saker_task *t);
u16 saker_call_of(int nr, bool compat);
int saker_current_syscall(void);
bool saker_is_open_call(u16 call);
bool saker_in_syscall_body(void);
bool saker_has_io_uring(struct task_struct *t);

/* path.c */
const char *saker_path(char *buf, size_t size, const struct path *p,
		       size_t *len, bool *truncated);
bool saker_task_pwd(struct task_struct *p, struct path *pwd);

/* record.c: called from the hooks in probe context (preemption off). */
struct saker_open_ctx {
	struct filename *name;
	int dfd;
	int open_flag;
	umode_t mode;
	int lookup_flags;
	int syscall_nr;
	u16 call;
	bool own;		/* the open syscall's own open */
};

int saker_records_init(void);
void saker_records_exit(void);
bool saker_should_record(struct task_struct *t, u32 class);
void saker_record_exec(struct task_struct *p, struct linux_binprm *bprm);
void saker_record_fork(struct task_struct *parent, struct task_struct *child);
void saker_record_exit(struct task_struct *p, int group_dead);
void saker_record_open(const struct saker_open_ctx *ctx, struct file *ret);
void saker_record_open_fd(unsigned int fd, struct file *file);
void saker_record_cred(const struct cred *new);
void saker_record_load(unsigned int what, struct file *file);
void saker_record_nschange(const struct nsproxy *new);
void saker_record_ptrace(struct task_struct *child, bool realcreds);
struct path;
struct dentry;
void saker_record_fs_name(u16 op, const struct path *dir, struct dentry *d,
			  u32 mode, const char *target,
			  const struct path *dir2, struct dentry *d2,
			  u32 flags);
void saker_record_fs_path(u16 op, const struct path *p, u32 mode, u32 uid,
			  u32 gid, const struct path *dir2, struct dentry *d2);

/* hooks_priv.c: the optional hooks (credentials, namespaces, loads, files). */
void saker_opt_probes_add(void);
void saker_opt_probes_remove(void);
u64 saker_opt_probes_features(void);
unsigned int saker_opt_probes_report(struct saker_hook_report *v,
				     unsigned int max);

#endif /* SAKER_H */
