/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal process table built from fork/exec/exit records: what the rules
 * need about a process beyond its own record (parent names, command line
 * at open time, ancestors, container of a process that never exec'd while
 * watched). Seeded from /proc at start (procfs.c), bounded: when full, the
 * least recently active entry is evicted and counted. Single-threaded; the
 * caller serializes.
 */
#ifndef SAKER_PROCTABLE_H
#define SAKER_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container_id.h"
#include "lib/event.h"

/* What an exec establishes; shared by a process and its forked children. */
struct saker_proc_image {
	unsigned int refs;
	char *exe;		/* d_path of the executable */
	size_t exe_len;
	char *args;		/* argv, each NUL-terminated */
	size_t args_len;
	char *cwd;		/* at exec time */
	size_t cwd_len;
	char *cgroup;
	size_t cgroup_len;
	char *env;		/* envp at exec, each NUL-terminated */
	size_t env_len;
	char cid[SAKER_CONTAINER_ID_LEN + 1];	/* "" when not a container */
	enum saker_container_type ctype;
	uint8_t fd_kind[3];
	uint32_t exec_flags;	/* SAKER_EXEC_* */
};

struct saker_proc {
	uint32_t pid, ppid, sid, vpid;
	uint32_t tty_dev;
	uint32_t pidns;
	uint64_t cgroup_id;
	uint64_t start_ns;	/* fork time; 0 when not seen */
	char comm[16];
	struct saker_proc_image *img;	/* NULL until an exec or fork seen */
	struct saker_proc *hnext;
	struct saker_proc *lru_prev, *lru_next;	/* oldest activity first */
};

/* What /proc tells about a process that started before sakerd. */
struct saker_proc_seed {
	uint32_t pid, ppid, sid, vpid, tty_dev, pidns;
	uint64_t start_ns;	/* CLOCK_MONOTONIC-ish: boot-relative */
	uint64_t cgroup_id;	/* 0 when unknown */
	const char *comm;
	struct saker_str exe, args, cwd, cgroup;	/* args: NUL-terminated items */
	struct saker_str env;	/* NUL-terminated items, like args */
	bool env_truncated;	/* environ longer than SAKER_ENV_MAX */
	uint8_t fd_kind[3];	/* enum saker_fd_kind */
};

struct saker_proctable;

/* max_procs bounds the table (0: a default); see saker_proctable_evicted. */
struct saker_proctable *saker_proctable_new(size_t max_procs);
void saker_proctable_free(struct saker_proctable *pt);

/* Applies fork and exec (call before evaluating the event). */
int saker_proctable_pre(struct saker_proctable *pt, const struct saker_event *ev);
/* Applies exit (call after evaluating the event). */
void saker_proctable_post(struct saker_proctable *pt, const struct saker_event *ev);

const struct saker_proc *saker_proctable_get(const struct saker_proctable *pt,
					     uint32_t pid);
size_t saker_proctable_count(const struct saker_proctable *pt);
/* Entries not stored for want of memory. */
uint64_t saker_proctable_dropped(const struct saker_proctable *pt);
/* Entries evicted (least recently active first) because the table was full. */
uint64_t saker_proctable_evicted(const struct saker_proctable *pt);
size_t saker_proctable_max(const struct saker_proctable *pt);

/* Adds a process read from /proc unless events already created it: 0,
 * -EEXIST or -ENOMEM. */
int saker_proctable_seed_one(struct saker_proctable *pt,
			     const struct saker_proc_seed *s);
/*
 * Reads every process under proc_root ("/proc", or a test directory laid
 * out the same way) into the table. Kernel threads are skipped. Returns
 * the number of processes added, or -errno when proc_root is unreadable.
 */
long saker_proctable_seed(struct saker_proctable *pt, const char *proc_root);

/* Container of a cgroup v2 id learned from exec records; -ENOENT if none. */
int saker_proctable_cgroup_container(const struct saker_proctable *pt,
				     uint64_t cgroup_id, const char **cid,
				     enum saker_container_type *type);

/*
 * The name a process runs as. The kernel names it after the last element
 * of the path exec'd, so an exec through /proc/self/exe (busybox running
 * an applet: "sh", "nc") or /dev/fd/N (fexecve) is "exe" or "N", which
 * would slip past every proc.name list. Then, unless the binary really has
 * that name, argv[0]'s last element is the name, as the program sees it.
 * *s is comm itself or points into args.
 */
void saker_proc_name(const char *comm, size_t comm_len, struct saker_str exe,
		     struct saker_str args, const char **s, size_t *len);
/* Can saker_proc_name() give other than comm ("exe", digits)? Else no image is needed. */
bool saker_proc_name_from_image(const char *comm, size_t comm_len);

#endif /* SAKER_PROCTABLE_H */
