/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sakerctl's commands and the module's control plane (generic netlink
 * family "saker", uapi/saker.h), by file:
 *   genl.c        the netlink client (libmnl)
 *   cmdline.c     usage errors in one voice
 *   cmd_status.c  sakerctl status
 *   cmd_stats.c   sakerctl stats
 *   cmd_config.c  sakerctl config
 */
#ifndef SAKER_CTL_H
#define SAKER_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kmod/uapi/saker.h"

#define SAKER_EXIT_USAGE 2

/* genl.c */
struct saker_ctl;

struct saker_ctl_hook {
	char name[64];		/* tracepoint or probed function */
	char kind[16];		/* tracepoint, kprobe, kretprobe */
	uint64_t hits;		/* runs since the module was loaded */
	uint64_t missed;	/* runs the probe missed */
};

#define SAKER_CTL_HOOKS_MAX 32

/* The configuration: event classes, open filter, ignore list. */
struct saker_ctl_config {
	uint32_t classes;
	bool filter_set;	/* an open filter is set (even empty) */
	uint32_t filter_entries;
	uint32_t ignore[SAKER_IGNORE_MAX];	/* live, in our pid namespace */
	size_t nignore;
};
struct saker_ctl_info {
	uint32_t abi_version;
	char module_version[32];
	uint32_t nr_rings;
	uint64_t ring_size;
	uint64_t wakeup_bytes;
	uint32_t latency_ms;
	uint32_t share_pct;
	char open_probe[64];
	uint32_t open_maxactive;
	uint64_t features;
	uint32_t reader_pid;	/* 0: no reader */
	uint64_t open_missed;	/* since the module was loaded */
	struct saker_ctl_config config;
	struct saker_ctl_hook hooks[SAKER_CTL_HOOKS_MAX];
	size_t nhooks;		/* hooks attached */
};

/* One ring's counters, since its reader attached. */
struct saker_ctl_cpu {
	uint32_t cpu;
	uint64_t events;
	uint64_t drops_full;
	uint64_t drops_fault;
	uint64_t reentries;
	uint64_t drops_share;
	uint64_t filtered;	/* opens the open filter left out: not lost */
	uint64_t ignored;	/* events of ignored thread groups: not lost */
	uint64_t queued;	/* bytes not yet consumed */
};

/* 0, or -errno with the reason in err (-ENOENT: the module is not loaded). */
int saker_ctl_open(struct saker_ctl **out, char *err, size_t errlen);
void saker_ctl_close(struct saker_ctl *c);
int saker_ctl_info(struct saker_ctl *c, struct saker_ctl_info *out, char *err,
		   size_t errlen);
/* *cpus: malloc'd, *n entries, one per possible CPU. */
int saker_ctl_stats(struct saker_ctl *c, struct saker_ctl_cpu **cpus, size_t *n,
		    char *err, size_t errlen);
/* The sum over CPUs (cpu is 0); every cause of drop together. */
void saker_ctl_cpu_sum(const struct saker_ctl_cpu *v, size_t n,
		       struct saker_ctl_cpu *total);
uint64_t saker_ctl_cpu_drops(const struct saker_ctl_cpu *s);
int saker_ctl_get_config(struct saker_ctl *c, struct saker_ctl_config *out,
			 char *err, size_t errlen);
/* What one CONFIG_SET changes, all or nothing; nignore 0 clears the list. */
struct saker_ctl_set {
	bool classes_set;
	uint32_t classes;
	bool ignore_set;
	uint32_t ignore[SAKER_IGNORE_MAX];
	size_t nignore;
};
/* The kernel logs every change. Every call: -EPERM unless root. */
int saker_ctl_set_config(struct saker_ctl *c, const struct saker_ctl_set *set,
			 char *err, size_t errlen);
/* Replaces the module's open filter; kf NULL or kf->none removes it. */
struct saker_kfilter;
int saker_ctl_set_filter(struct saker_ctl *c, const struct saker_kfilter *kf,
			 char *err, size_t errlen);
/* "exec,open", "all" or "none" -> SAKER_CLASS_* bits, and back. */
int saker_ctl_parse_classes(const char *s, uint32_t *out, char *err,
			    size_t errlen);
void saker_ctl_format_classes(uint32_t classes, char *buf, size_t size);

/* cmdline.c: messages go to stderr; both return SAKER_EXIT_USAGE. */
int saker_ctl_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int saker_ctl_bad_option(const char *cmd, int c, char *const argv[]);
/* The options of a command taking only --json and --help: -1 to go on
 * (optind at the first operand), else the exit status (help or usage). */
int saker_ctl_json_option(const char *cmd, const char *usage, int argc,
			  char *argv[], bool *json);

/* cmd_*.c: argv[0] is the command's name; the exit status is returned. */
int saker_cmd_status(int argc, char *argv[]);
int saker_cmd_stats(int argc, char *argv[]);
int saker_cmd_config(int argc, char *argv[]);

#endif /* SAKER_CTL_H */
