/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture files: a 24-byte header, then records byte for byte as in the
 * ring (pads omitted), each 8-aligned. Integers are in host byte order, as
 * in the ring: a capture is read on the architecture that wrote it.
 *
 *   offset 0  char  magic[8]         "SAKERCAP"
 *   offset 8  __u32 abi_version      SAKER_ABI_VERSION of the records
 *   offset 12 __u32 header_len       24; readers skip a longer header
 *   offset 16 __s64 clock_offset_ns  the writer's CLOCK_REALTIME minus
 *                                    CLOCK_MONOTONIC when it began: an
 *                                    event's wall-clock time is its ts_ns
 *                                    plus this (lib/clock.h)
 *
 * Captures written before the clock anchor have a 16-byte header (no
 * clock_offset_ns); they still read, with this host's anchor instead.
 * "-" as a path means standard output (writer) or standard input (reader).
 */
#ifndef SAKER_CAPTURE_H
#define SAKER_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define SAKER_CAPTURE_MAGIC	"SAKERCAP"
#define SAKER_CAPTURE_HDR_LEN	24
/* The oldest header: no clock_offset_ns. */
#define SAKER_CAPTURE_HDR_LEN_V1	16

struct saker_capture_hdr {
	char magic[8];
	__u32 abi_version;
	__u32 header_len;
	__s64 clock_offset_ns;
};

/* What a header says. */
struct saker_capture_info {
	uint32_t abi_version;
	uint32_t header_len;		/* records start here */
	bool has_clock;			/* false: a 16-byte header */
	int64_t clock_offset_ns;	/* when has_clock */
};

/*
 * Checks the header at buf (avail bytes, any alignment): 0 and *info, or
 * -EINVAL for a file that is not a capture or has a bad header length,
 * -EPROTO for another ABI version, -ENODATA when avail is short of the
 * header (info->header_len then says how long it is once the first 16
 * bytes are in). The message, without a path, is in err.
 */
int saker_capture_header_parse(const void *buf, size_t avail,
			       struct saker_capture_info *info,
			       char *err, size_t errlen);

struct saker_capture_writer;
struct saker_capture_reader;

/* Create (truncate) path, mode 0600, and write the header with this
 * host's clock anchor, sampled now. 0 or -errno. */
int saker_capture_writer_open(struct saker_capture_writer **out,
			      const char *path, char *err, size_t errlen);
/* The same with a given anchor: records copied from another capture. */
int saker_capture_writer_open_at(struct saker_capture_writer **out,
				 const char *path, int64_t clock_offset_ns,
				 char *err, size_t errlen);

/* Append one whole record (len a multiple of 8). 0 or -errno (sticky). */
int saker_capture_write(struct saker_capture_writer *w, const void *rec,
			size_t len);

/* Append the record an event was decoded from. */
int saker_capture_write_event(struct saker_capture_writer *w,
			      const struct saker_event *ev);

/* Push buffered records to the file. 0 or -errno (e.g. -ENOSPC). */
int saker_capture_flush(struct saker_capture_writer *w);

/* Flush, close and free; returns the first error the writer met. */
int saker_capture_writer_close(struct saker_capture_writer *w);

/* "path: No space left on device"..., "" if no error. */
const char *saker_capture_writer_error(const struct saker_capture_writer *w);

/*
 * Open a capture and check its header: -EINVAL for a file that is not a
 * capture, -EPROTO for another ABI version, or the open/read -errno.
 */
int saker_capture_reader_open(struct saker_capture_reader **out,
			      const char *path, char *err, size_t errlen);

/*
 * The same on fd, open at the start of the capture, its messages naming
 * name. On success the reader owns fd (saker_capture_reader_close() closes
 * it); on failure the caller still does.
 */
int saker_capture_reader_fdopen(struct saker_capture_reader **out, int fd,
				const char *name, char *err, size_t errlen);

/*
 * The header read. Without has_clock (a 16-byte header), events are timed
 * with this host's anchor sampled at open, in info->clock_offset_ns: the
 * caller may want to say so.
 */
const struct saker_capture_info *
saker_capture_reader_info(const struct saker_capture_reader *r);

/*
 * Next event: 1 (*ev valid until the next call, ev->time_ns its ts_ns
 * through the capture's anchor), 0 at the clean end of the file, -EBADMSG
 * for a corrupt or truncated record, or a read -errno; the message is in
 * saker_capture_reader_error(). Unknown types are skipped.
 */
int saker_capture_next(struct saker_capture_reader *r, struct saker_event *ev);

const char *saker_capture_reader_error(const struct saker_capture_reader *r);

void saker_capture_reader_close(struct saker_capture_reader *r);

#endif /* SAKER_CAPTURE_H */
