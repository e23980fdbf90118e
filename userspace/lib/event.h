/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoded view of one saker record. The decoder checks a record once
 * (lengths, type, bounds, NUL termination of fixed strings) and then hands
 * out this view, which points into the record's own bytes: nothing is
 * copied, and the view is valid as long as the record buffer is.
 */
#ifndef SAKER_EVENT_H
#define SAKER_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "kmod/uapi/saker.h"

/* A counted string inside a record: not NUL-terminated. */
struct saker_str {
	const char *p;
	size_t len;
};

struct saker_event {
	enum saker_rec_type type;
	size_t rec_len;			/* bytes the record occupies */
	const struct saker_task *task;	/* every type has one */
	union {
		const struct saker_exec *exec;
		const struct saker_fork *fork;
		const struct saker_exit *exit;
		const struct saker_open *open;
		const struct saker_cred *cred;
		const struct saker_load *load;
		const struct saker_nschange *nschange;
		const struct saker_ptrace *ptrace;
		const struct saker_fschange *fschange;
	};
	/* exec */
	struct saker_str filename, exe, args, cwd, cgroup, env;
	/* open, load, fschange; path2: fschange's second name */
	struct saker_str path, path2;
	/* Wall clock, ns since the epoch: task->ts_ns converted once through
	 * a clock anchor by whoever dispatches the event; 0 from the decoder. */
	uint64_t time_ns;
};

enum saker_decode_result {
	SAKER_DECODE_EVENT = 1,		/* *ev filled */
	SAKER_DECODE_SKIP = 0,		/* pad or unknown type: skip *consumed */
	SAKER_DECODE_CORRUPT = -1,	/* *err says why; stop reading this ring */
	SAKER_DECODE_SHORT = -2,	/* need more bytes than avail */
};

/*
 * Decode the record at buf (8-byte aligned) with avail readable bytes.
 * On EVENT and SKIP, *consumed is the record length.
 */
int saker_decode(const void *buf, size_t avail, struct saker_event *ev,
		 size_t *consumed, const char **err);

/*
 * Framing only, for a reader walking a buffer of records (a ring, a capture
 * file): the header is whole, the length is aligned, covers the task block
 * every known type starts with and stays inside avail. EVENT for a record
 * of a known type, to be handed on as bytes (saker_decode() checks the rest
 * later); SKIP for a pad or a type from a newer ABI. On both, *consumed is
 * the record length. CORRUPT and SHORT as for saker_decode().
 */
int saker_record_frame(const void *buf, size_t avail, size_t *consumed,
		       const char **err);

/* Kernel timestamp of a record saker_record_frame() accepted as EVENT. */
static inline uint64_t saker_record_ts(const void *rec)
{
	const struct saker_task *t = (const void *)((const unsigned char *)rec +
						   sizeof(struct saker_rec_hdr));

	return t->ts_ns;
}

#endif /* SAKER_EVENT_H */
