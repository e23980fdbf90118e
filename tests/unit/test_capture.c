// SPDX-License-Identifier: GPL-2.0
/*
 * Capture files: round trip, big and unknown records, truncation, bad
 * headers and write errors.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/capture.h"
#include "records.h"
#include "lib/ring.h"
#include "check_main.h"

static char path[64];

static void make_path(void)
{
	int fd;

	strcpy(path, "/tmp/saker-test-capture-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void drop_path(void)
{
	unlink(path);
}

/* The i-th record of the test stream, built into rec; returns its len. */
static size_t nth_record(unsigned char *rec, size_t cap, unsigned int i)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "/tmp/file-%u", i);
	switch (i % 4) {
	case 0:
		return saker_test_exec(rec, cap, buf, "/usr/bin/x", "x\0-v\0",
				       5, "/", "/init.scope");
	case 1:
		return saker_test_open(rec, cap, buf, strlen(buf), (int)i, 0);
	case 2:
		return saker_test_fork(rec, cap, i, 0);
	}
	return saker_test_exit(rec, cap, (int)i, 1);
}

static void write_stream(unsigned int n)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	struct saker_capture_writer *w;
	char err[SAKER_ERRLEN];

	ck_assert_int_eq(saker_capture_writer_open(&w, path, err, sizeof(err)), 0);
	for (unsigned int i = 0; i < n; i++)
		ck_assert_int_eq(saker_capture_write(w, rec,
				 nth_record(rec, sizeof(rec), i)), 0);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
}

static const void *raw(const struct saker_event *ev)
{
	return (const unsigned char *)ev->task - sizeof(struct saker_rec_hdr);
}

static off_t file_size(void)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

START_TEST(round_trip)
{
	_Alignas(8) unsigned char want[SAKER_TEST_REC_MAX];
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	unsigned int i, n = 2000;	/* several writer buffers' worth */

	make_path();
	write_stream(n);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	for (i = 0; i < n; i++) {
		size_t len = nth_record(want, sizeof(want), i);

		ck_assert_int_eq(saker_capture_next(r, &ev), 1);
		ck_assert_uint_eq(ev.rec_len, len);
		ck_assert_mem_eq(raw(&ev), want, len);
	}
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	saker_capture_reader_close(r);
	drop_path();
}
END_TEST

START_TEST(write_event_copies_record)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	struct saker_capture_writer *w;
	struct saker_capture_reader *r;
	struct saker_event ev, back;
	size_t len = nth_record(rec, sizeof(rec), 1), used;
	char err[SAKER_ERRLEN];

	make_path();
	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	ck_assert_int_eq(saker_capture_writer_open(&w, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_write_event(w, &ev), 0);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
	ck_assert_int_eq(file_size(), SAKER_CAPTURE_HDR_LEN + len);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &back), 1);
	ck_assert_mem_eq(raw(&back), rec, len);
	ck_assert_uint_eq(back.path.len, ev.path.len);
	ck_assert_int_eq(saker_capture_next(r, &back), 0);
	saker_capture_reader_close(r);
	drop_path();
}
END_TEST

START_TEST(header_only_is_empty)
{
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[SAKER_ERRLEN];

	make_path();
	write_stream(0);
	ck_assert_int_eq(file_size(), SAKER_CAPTURE_HDR_LEN);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	saker_capture_reader_close(r);
	drop_path();
}
END_TEST

START_TEST(truncated_last_record)
{
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	int i;

	make_path();
	write_stream(3);
	ck_assert_int_eq(truncate(path, file_size() - 8), 0);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(saker_capture_next(r, &ev), 1);
	ck_assert_int_eq(saker_capture_next(r, &ev), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(saker_capture_reader_error(r), "truncated"));
	ck_assert_ptr_nonnull(strstr(saker_capture_reader_error(r), path));
	saker_capture_reader_close(r);

	/* Cut inside a record header: also reported. */
	ck_assert_int_eq(truncate(path, SAKER_CAPTURE_HDR_LEN + 4), 0);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), -EBADMSG);
	saker_capture_reader_close(r);
	drop_path();
}
END_TEST

static void write_raw(const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(bad_headers)
{
	struct saker_capture_hdr h = { .abi_version = SAKER_ABI_VERSION,
				       .header_len = 16 };
	struct saker_capture_reader *r;
	char err[SAKER_ERRLEN];

	make_path();
	memcpy(h.magic, "SAKERCAQ", 8);
	write_raw(&h, sizeof(h));
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a saker capture file"));

	memcpy(h.magic, SAKER_CAPTURE_MAGIC, 8);
	h.abi_version = SAKER_ABI_VERSION + 1;
	write_raw(&h, sizeof(h));
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)),
			 -EPROTO);
	ck_assert_ptr_nonnull(strstr(err, "ABI v"));

	h.abi_version = SAKER_ABI_VERSION;
	h.header_len = 12;
	write_raw(&h, sizeof(h));
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)),
			 -EINVAL);

	write_raw(&h, 10);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)),
			 -EINVAL);

	drop_path();
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

/* The magic and less than a header: a capture cut short, said so. */
START_TEST(short_header_reported)
{
	struct saker_capture_hdr h = { .abi_version = SAKER_ABI_VERSION,
				       .header_len = 16 };
	struct saker_capture_reader *r;
	char err[SAKER_ERRLEN];

	make_path();
	memcpy(h.magic, SAKER_CAPTURE_MAGIC, 8);
	write_raw(&h, 12);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "capture header truncated (12 of 16 bytes)"));
	ck_assert_ptr_nonnull(strstr(err, path));
	write_raw(&h, 5);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a saker capture file (only 5 bytes)"));
	drop_path();
}
END_TEST

/*
 * A reader on an open fd (sakerd --replay opens the file itself, regular
 * files only): messages name the given name; a failed open leaves the fd
 * to the caller, a reader closes it.
 */
START_TEST(fdopen_names_file)
{
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	int fd;

	make_path();
	write_stream(3);
	ck_assert_int_eq(truncate(path, file_size() - 8), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(saker_capture_reader_fdopen(&r, fd, "named.cap", err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), 1);
	ck_assert_int_eq(saker_capture_next(r, &ev), 1);
	ck_assert_int_eq(saker_capture_next(r, &ev), -EBADMSG);
	ck_assert_msg(!strncmp(saker_capture_reader_error(r), "named.cap: truncated record at offset ",
			       38), "got '%s'", saker_capture_reader_error(r));
	saker_capture_reader_close(r);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);	/* closed with the reader */

	write_raw("SAKERCAQ", 8);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(saker_capture_reader_fdopen(&r, fd, "named.cap", err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "named.cap: not a saker capture file (only 8 bytes)");
	ck_assert_int_ge(fcntl(fd, F_GETFD), 0);	/* still the caller's */
	close(fd);
	drop_path();
}
END_TEST

START_TEST(longer_header_and_big_unknown_record)
{
	/* A newer writer: 32-byte header, a 100000-byte record of type 77. */
	size_t big = 100000, flen;
	unsigned char *file = calloc(1, 32 + big + 512);
	struct saker_capture_hdr *h = (void *)file;
	struct saker_rec_hdr *u = (void *)(file + 32);
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[SAKER_ERRLEN];

	ck_assert_ptr_nonnull(file);
	memcpy(h->magic, SAKER_CAPTURE_MAGIC, 8);
	h->abi_version = SAKER_ABI_VERSION;
	h->header_len = 32;
	h->clock_offset_ns = 77;
	u->len = (__u32)big;
	u->type = 77;
	flen = 32 + big;
	flen += saker_test_fork(file + flen, 512, 42, 0);
	make_path();
	write_raw(file, flen);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), 1);
	ck_assert_int_eq(ev.type, SAKER_REC_FORK);
	ck_assert_uint_eq(ev.fork->parent_tid, 42);
	ck_assert(saker_capture_reader_info(r)->has_clock);
	ck_assert_uint_eq(ev.time_ns, ev.task->ts_ns + 77);
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	saker_capture_reader_close(r);
	drop_path();
	free(file);
}
END_TEST

START_TEST(corrupt_record_reported)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	struct saker_capture_writer *w;
	struct saker_capture_reader *r;
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	size_t len;

	make_path();
	ck_assert_int_eq(saker_capture_writer_open(&w, path, err, sizeof(err)), 0);
	len = saker_test_fork(rec, sizeof(rec), 1, 0);
	ck_assert_int_eq(saker_capture_write(w, rec, len), 0);
	memset(((struct saker_fork *)(rec + 8))->task.comm, 'x', SAKER_COMM_LEN);
	ck_assert_int_eq(saker_capture_write(w, rec, len), 0);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), 1);
	ck_assert_int_eq(saker_capture_next(r, &ev), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(saker_capture_reader_error(r),
				     "corrupt record at offset 224: comm"));
	saker_capture_reader_close(r);
	drop_path();
}
END_TEST

START_TEST(write_error_reported)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	struct saker_capture_writer *w;
	char err[SAKER_ERRLEN];
	size_t len = saker_test_fork(rec, sizeof(rec), 1, 0);

	if (access("/dev/full", W_OK))
		return;
	ck_assert_int_eq(saker_capture_writer_open(&w, "/dev/full", err,
						   sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_write(w, rec, len), 0);
	ck_assert_int_eq(saker_capture_flush(w), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(saker_capture_writer_error(w),
				     "/dev/full: No space left on device"));
	/* Sticky: later writes fail the same way. */
	ck_assert_int_eq(saker_capture_write(w, rec, len), -ENOSPC);
	ck_assert_int_eq(saker_capture_writer_close(w), -ENOSPC);

	ck_assert_int_eq(saker_capture_writer_open(&w, "/nonexistent/dir/x",
						   err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/x: No such file"));
}
END_TEST

START_TEST(write_rejects_bad_lengths)
{
	_Alignas(8) unsigned char rec[64] = { 0 };
	struct saker_capture_writer *w;
	char err[SAKER_ERRLEN];

	make_path();
	ck_assert_int_eq(saker_capture_writer_open(&w, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_write(w, rec, 12), -EINVAL);
	ck_assert_int_eq(saker_capture_write(w, rec, 0), -EINVAL);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
	drop_path();
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, write_event_copies_record);
	tcase_add_test(tc, header_only_is_empty);
	tcase_add_test(tc, truncated_last_record);
	tcase_add_test(tc, bad_headers);
	tcase_add_test(tc, longer_header_and_big_unknown_record);
	tcase_add_test(tc, short_header_reported);
	tcase_add_test(tc, fdopen_names_file);
	tcase_add_test(tc, corrupt_record_reported);
	tcase_add_test(tc, write_error_reported);
	tcase_add_test(tc, write_rejects_bad_lengths);
	suite_add_tcase(s, tc);
	return s;
}
