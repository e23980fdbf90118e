/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the outputs (outputs.c, file_output.c, syslog_local.c,
 * syslog_remote.c, program_output.c): one queue and one writer thread per
 * output, and the helpers a writer uses to wait without missing a stop.
 */
#ifndef SAKER_OUTPUTS_INT_H
#define SAKER_OUTPUTS_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/clock.h"
#include "outputs.h"

/* An alert formatted once, shared by every queue it sits in. */
struct saker_payload {
	atomic_uint refs;
	char *line;		/* text or JSON line, '\n'-terminated */
	size_t line_len;
	char *local;		/* RFC 3164 record for the local syslog */
	size_t local_len;
	char *remote;		/* RFC 5424; octet-framed when over TCP */
	size_t remote_len;
	char *json;		/* the JSON object whatever json_output says (HTTP) */
	size_t json_len;
	bool local_cut, remote_cut;	/* cut to the syslog max_message_size */
};

struct saker_out;

struct saker_out_ops {
	/* At saker_outputs_new(), in the caller's thread. 0 or -errno + err. */
	int (*open)(struct saker_out *out, const struct saker_outputs_config *cfg,
		    char *err, size_t errlen);
	/* Writer thread: 0 written, -ECANCELED stopping (stays queued),
	 * another -errno when given up (counted as dropped_error). */
	int (*deliver)(struct saker_out *out, const struct saker_payload *p);
	/* Writer thread, optional: saker_outputs_reopen() was called. */
	void (*reopen)(struct saker_out *out);
	/* After the writer is joined; deadline_ns (CLOCK_MONOTONIC) bounds waits. */
	void (*close)(struct saker_out *out, uint64_t deadline_ns);
};

/* Which payload strings an output writes. */
#define SAKER_NEED_LINE		1u
#define SAKER_NEED_LOCAL	2u
#define SAKER_NEED_REMOTE	4u
#define SAKER_NEED_JSON		8u

struct saker_out {
	const char *name;
	const struct saker_out_ops *ops;
	void *priv;
	unsigned int need;		/* SAKER_NEED_* */

	pthread_mutex_t lock;
	pthread_cond_t idle;		/* queue emptied, or writer exited */
	struct saker_payload **q;
	size_t cap, head, count;
	bool sleeping;			/* writer waits on wake_fd for work */
	bool draining;			/* close(): exit once the queue is empty */
	bool done;			/* writer returned */
	atomic_bool stop;		/* close() gave up: abandon the queue */
	atomic_bool reopen_req;
	int wake_fd;			/* eventfd: work, reopen, stop */
	pthread_t thread;
	bool started;
	bool failing;			/* writer only: in an error streak */
	bool abandoned;			/* writer stuck in write(), detached */

	atomic_uint_least64_t sent, dropped_queue, dropped_error, reconnects, truncated;
	atomic_uint_least64_t resolve_retries;
	uint64_t drop_report_ns;	/* under lock: the last "dropped" warning */
	uint64_t drops_reported;	/* under lock: dropped_queue at that warning */
};

/* At most one "alerts dropped (queue full)" warning per output this often. */
#define SAKER_OUT_DROP_REPORT_MS 30000

/* Backoff of reconnects and respawns. */
#define SAKER_OUT_BACKOFF_MIN_MS 100
#define SAKER_OUT_BACKOFF_MAX_MS 30000

/* poll(fd, events) that also wakes on stop: revents, 0 on timeout,
 * -ECANCELED when stopping. timeout_ms < 0 waits forever. */
int saker_out_wait_fd(struct saker_out *out, int fd, short events, int timeout_ms);
/* Sleep ms unless stopped: 0 or -ECANCELED. */
int saker_out_sleep(struct saker_out *out, unsigned int ms);
/* Writes all of buf to fd (blocking or not; sockets without SIGPIPE). A
 * non-blocking fd that makes no progress for stall_ms gives -ETIMEDOUT. */
int saker_out_write_all(struct saker_out *out, int fd, const char *buf,
			size_t len, bool sock, int stall_ms);
/* Report an error on stderr once per streak; recovered() ends the streak. */
void saker_out_failed(struct saker_out *out, const char *what, int err);
void saker_out_recovered(struct saker_out *out);
/* The same with a message of its own (no errno text). */
void saker_out_failedx(struct saker_out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Consumes pending wakes (a writer polling wake_fd itself, as curl does). */
void saker_out_drain_wake(struct saker_out *out);
/* Next backoff after *ms (doubling, capped), returns the one to wait now. */
unsigned int saker_out_backoff(unsigned int *ms);

extern const struct saker_out_ops saker_out_stdout_ops;
extern const struct saker_out_ops saker_out_file_ops;
extern const struct saker_out_ops saker_out_syslog_ops;
extern const struct saker_out_ops saker_out_remote_ops;
extern const struct saker_out_ops saker_out_program_ops;
extern const struct saker_out_ops saker_out_http_ops;

#endif /* SAKER_OUTPUTS_INT_H */
