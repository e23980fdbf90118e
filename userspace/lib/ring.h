/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live reader of the saker rings: /dev/saker handshake, read-only mappings,
 * the consumer side of the ring protocol in kmod/uapi/saker.h, and an epoll
 * fd to sleep on. A library API: it never prints; failures come back as
 * -errno plus a message (saker_ring_error() or the caller's err buffer).
 */
#ifndef SAKER_RING_H
#define SAKER_RING_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define SAKER_ERRLEN 256	/* enough for every message this library makes */

struct saker_ring;

/* Producer counters of one ring (struct saker_ring_hdr). */
struct saker_ring_counters {
	uint64_t events;
	uint64_t drops_full;
	uint64_t drops_fault;
	uint64_t reentries;
	uint64_t drops_share;	/* unprivileged records over their fair share */
	uint64_t filtered;	/* opens the open filter left out: not lost */
	uint64_t ignored;	/* events of ignored thread groups: not lost */
};

struct saker_stats {
	uint32_t nr_rings;
	const struct saker_ring_counters *rings; /* nr_rings entries */
	uint64_t open_missed;	/* opens the kernel probe missed, this reader */
	uint64_t records;	/* records handed to the callback */
	uint64_t corrupt;	/* corrupt records (each skips its ring to head) */
};

/*
 * Called once per record, with its bytes in the ring (8-byte aligned, len
 * bytes, framed by saker_record_frame(): not yet decoded), valid until the
 * drain returns. Return 0 to go on; anything else stops the drain after
 * this record, which counts as consumed; a negative value is also returned
 * by the drain.
 */
typedef int (*saker_rec_fn)(const void *rec, size_t len, void *ctx);
/* The same, for a record decoded by saker_ring_drain_events(). */
typedef int (*saker_event_fn)(const struct saker_event *ev, void *ctx);

/*
 * Open path (NULL: SAKER_DEVICE), handshake, map every ring, create the
 * epoll fd. Returns 0 or -errno with a message in err: -ENOENT (no device),
 * -EBUSY (another reader), -EPROTO (ABI mismatch), -EACCES...
 */
int saker_ring_open(struct saker_ring **out, const char *path, char *err,
		    size_t errlen);
void saker_ring_close(struct saker_ring *r);

const struct saker_info *saker_ring_info(const struct saker_ring *r);

/* The epoll fd: readable when a ring has data; for callers' own loops. */
int saker_ring_fd(const struct saker_ring *r);

/*
 * Sleep until a ring has data: 1 ready, 0 timeout, -errno (-EINTR on a
 * signal). sigmask, if not NULL, is the signal mask while sleeping
 * (epoll_pwait), so signals blocked elsewhere can be caught without a race.
 */
int saker_ring_wait(struct saker_ring *r, int timeout_ms,
		    const sigset_t *sigmask);

/*
 * Hand out everything published in every ring as raw records, then consume
 * it (one SAKER_IOC_CONSUME per ring that moved). Returns the number of
 * records delivered, the callback's negative value, or -errno if CONSUME
 * failed (message in saker_ring_error()). Records whose framing is broken
 * are counted in the stats (the ring is skipped to its head); the latest
 * one's description is in saker_ring_error().
 */
int saker_ring_drain(struct saker_ring *r, saker_rec_fn fn, void *ctx);

/*
 * saker_ring_drain(), each record decoded before fn sees it, for readers
 * that do not reorder (sakerctl). A record that does not decode is counted
 * as corrupt like a framing error, and only it is skipped.
 */
int saker_ring_drain_events(struct saker_ring *r, saker_event_fn fn, void *ctx);

/*
 * Fill st from the ring headers, the reader's counts and a fresh
 * SAKER_IOC_INFO (open_missed). st->rings points into r and stays valid
 * until the next call or close. Returns 0 or -errno (counters still filled).
 */
int saker_ring_stats(struct saker_ring *r, struct saker_stats *st);

/* Latest failure or corruption description; "" if none. */
const char *saker_ring_error(const struct saker_ring *r);

/* Corruptions met so far (cheap: no syscall); compare across drains. */
uint64_t saker_ring_corrupt(const struct saker_ring *r);

/* Open the device, handshake, copy out the info, close. 0 or -errno. */
int saker_ring_query_info(const char *path, struct saker_info *info,
			  char *err, size_t errlen);

/*
 * One ring's consumer state; the drain step works on plain memory so that
 * it can be tested without a kernel.
 */
struct saker_ring_view {
	const struct saker_ring_hdr *hdr;
	const unsigned char *data;	/* size bytes */
	uint64_t size;			/* power of two */
	uint64_t tail;			/* consumer position, in and out */
	unsigned int index;		/* ring number, for messages */
	uint64_t records;		/* records delivered */
	uint64_t corrupt;		/* corruptions met */
	char *err;			/* errlen bytes: latest corruption */
	size_t errlen;
};

/*
 * Load head (acquire), hand out the records in [tail, head) and advance
 * v->tail; a badly framed record or impossible head counts once in
 * v->corrupt and skips to head. Does not consume: the caller tells the
 * kernel. Returns 0, or the callback's value when it stopped the drain.
 */
int saker_ring_drain_view(struct saker_ring_view *v, saker_rec_fn fn,
			  void *ctx);

/* What a user should check when saker_ring_open() failed with err (-errno). */
const char *saker_ring_open_hint(int err);

#endif /* SAKER_RING_H */
