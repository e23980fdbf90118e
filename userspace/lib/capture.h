/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture files: a 16-byte header, then records byte for byte as in the
 * ring (pads omitted), each 8-aligned. Integers are in host byte order, as
 * in the ring: a capture is read on the architecture that wrote it.
 *
 *   offset 0  char  magic[8]     "SAKERCAP"
 *   offset 8  __u32 abi_version  SAKER_ABI_VERSION of the records
 *   offset 12 __u32 header_len   16; readers skip a longer header
 *
 * "-" as a path means standard output (writer) or standard input (reader).
 */
#ifndef SAKER_CAPTURE_H
#define SAKER_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define SAKER_CAPTURE_MAGIC	"SAKERCAP"
#define SAKER_CAPTURE_HDR_LEN	16

struct saker_capture_hdr {
	char magic[8];
	__u32 abi_version;
	__u32 header_len;
};

struct saker_capture_writer;
struct saker_capture_reader;

/* Create (truncate) path, mode 0600, and write the header. 0 or -errno. */
int saker_capture_writer_open(struct saker_capture_writer **out,
			      const char *path, char *err, size_t errlen);

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
 * Next event: 1 (*ev valid until the next call), 0 at the clean end of the
 * file, -EBADMSG for a corrupt or truncated record, or a read -errno; the
 * message is in saker_capture_reader_error(). Unknown types are skipped.
 */
int saker_capture_next(struct saker_capture_reader *r, struct saker_event *ev);

const char *saker_capture_reader_error(const struct saker_capture_reader *r);

void saker_capture_reader_close(struct saker_capture_reader *r);

#endif /* SAKER_CAPTURE_H */
