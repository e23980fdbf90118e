// SPDX-License-Identifier: GPL-2.0
/*
 * saker_decode(): good records of every type, skipping, and every malformed
 * form. Malformed records sit in buffers of exactly their size, so an
 * overread shows up under ASan.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decode.h"
#include "records.h"
#include "check_main.h"

#define HDR sizeof(struct saker_rec_hdr)
#define ARGS "ls\0-l\0"

static _Alignas(8) unsigned char scratch[SAKER_TEST_REC_MAX];

static size_t build_exec(void)
{
	return saker_test_exec(scratch, sizeof(scratch), "/bin/ls",
			       "/usr/bin/ls", ARGS, sizeof(ARGS) - 1, "/home/u",
			       "/user.slice/session-1.scope");
}

/* Decode len bytes of p from an exact-size heap copy. */
static int decode_exact(const void *p, size_t len, const char **why)
{
	struct saker_event ev;
	size_t used = 0;
	void *copy = saker_test_exact(p, len);
	int ret;

	ck_assert_ptr_nonnull(copy);
	ret = saker_decode(copy, len, &ev, &used, why);
	free(copy);
	return ret;
}

static int corrupt_exec(size_t off, const void *val, size_t n)
{
	size_t len = build_exec();
	const char *why = NULL;
	int ret;

	memcpy(scratch + off, val, n);
	ret = decode_exact(scratch, len, &why);
	if (ret == SAKER_DECODE_CORRUPT)
		ck_assert_ptr_nonnull(why);
	return ret;
}

static void check_str(struct saker_str s, const char *want, size_t n)
{
	ck_assert_uint_eq(s.len, n);
	ck_assert_mem_eq(s.p, want, n);
}

START_TEST(exec_decodes)
{
	size_t len = build_exec(), used = 0;
	unsigned char *rec = saker_test_exact(scratch, len);
	struct saker_event ev;
	const char *why = NULL;

	ck_assert_int_eq(len % 8, 0);
	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, &why),
			 SAKER_DECODE_EVENT);
	ck_assert_uint_eq(used, len);
	ck_assert_int_eq(ev.type, SAKER_REC_EXEC);
	ck_assert_uint_eq(ev.rec_len, len);
	ck_assert_ptr_eq(ev.task, (const void *)(rec + HDR));
	ck_assert_ptr_eq(ev.exec, (const void *)(rec + HDR));
	ck_assert_uint_eq(ev.task->pid, 1000);
	ck_assert_uint_eq(ev.task->tid, 1001);
	ck_assert_str_eq(ev.task->comm, "sh");
	ck_assert_str_eq(ev.task->tty_name, "pts/1");
	ck_assert_int_eq(ev.exec->syscall_nr, 59);
	ck_assert_uint_eq(ev.exec->fd_kind[1], SAKER_FD_PIPE);
	check_str(ev.filename, "/bin/ls", 7);
	check_str(ev.exe, "/usr/bin/ls", 11);
	check_str(ev.args, ARGS, sizeof(ARGS) - 1);
	check_str(ev.cwd, "/home/u", 7);
	check_str(ev.cgroup, "/user.slice/session-1.scope", 27);
	ck_assert_uint_eq(ev.path.len, 0);
	free(rec);
}
END_TEST

START_TEST(exec_empty_strings_decode)
{
	size_t len = saker_test_exec(scratch, sizeof(scratch), "", "", "", 0,
				     "", ""), used;
	struct saker_event ev;

	ck_assert_uint_eq(len, HDR + sizeof(struct saker_exec));
	ck_assert_int_eq(saker_decode(scratch, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	ck_assert_uint_eq(ev.args.len, 0);
	ck_assert_uint_eq(ev.cgroup.len, 0);
}
END_TEST

START_TEST(open_decodes)
{
	size_t len = saker_test_open(scratch, sizeof(scratch), "/etc/shadow",
				     11, 3, 0), used;
	unsigned char *rec = saker_test_exact(scratch, len);
	struct saker_event ev;

	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_OPEN);
	ck_assert_int_eq(ev.open->fd, 3);
	ck_assert_int_eq(ev.open->syscall_nr, 257);
	ck_assert_uint_eq(ev.open->ino, 987654);
	check_str(ev.path, "/etc/shadow", 11);
	free(rec);
}
END_TEST

START_TEST(fork_exit_decode)
{
	size_t len = saker_test_fork(scratch, sizeof(scratch), 77, 1), used;
	struct saker_event ev;

	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_EVENT);
	ck_assert_int_eq(saker_decode(scratch, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_FORK);
	ck_assert_uint_eq(ev.fork->parent_tid, 77);
	ck_assert_uint_eq(ev.fork->flags, SAKER_FORK_THREAD);

	len = saker_test_exit(scratch, sizeof(scratch), 256, 1);
	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_EVENT);
	ck_assert_int_eq(saker_decode(scratch, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_EXIT);
	ck_assert_int_eq(ev.exit->exit_code, 256);
	ck_assert_uint_eq(used, len);
}
END_TEST

START_TEST(cred_decodes)
{
	size_t len = saker_test_cred(scratch, sizeof(scratch), 105, 0, 1000), used;
	struct saker_event ev;

	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_EVENT);
	ck_assert_int_eq(saker_decode(scratch, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_CRED);
	ck_assert_uint_eq(used, len);
	ck_assert_uint_eq(ev.cred->old.euid, 0);
	ck_assert_uint_eq(ev.cred->new.euid, 1000);
	ck_assert_str_eq(saker_rec_type_name(ev.type), "cred");
	ck_assert_str_eq(saker_syscall_name(ev.cred->syscall_nr), "setuid");
	/* A credential record cut before its new ids is corrupt, not read past. */
	((struct saker_rec_hdr *)scratch)->body_len -= 80;
	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(pad_and_unknown_skip)
{
	struct saker_rec_hdr *h = (void *)scratch;
	struct saker_event ev;
	size_t used = 0;

	ck_assert_uint_eq(saker_test_pad(scratch, sizeof(scratch), 40), 40);
	ck_assert_int_eq(saker_decode(scratch, 40, &ev, &used, NULL),
			 SAKER_DECODE_SKIP);
	ck_assert_uint_eq(used, 40);
	ck_assert_int_eq(decode_exact(scratch, 40, NULL), SAKER_DECODE_SKIP);

	/* A type from a newer ABI: skipped by its length, body unread. */
	h->type = 99;
	h->len = 24;
	ck_assert_int_eq(saker_decode(scratch, 24, &ev, &used, NULL),
			 SAKER_DECODE_SKIP);
	ck_assert_uint_eq(used, 24);
	ck_assert_int_eq(decode_exact(scratch, 24, NULL), SAKER_DECODE_SKIP);
}
END_TEST

START_TEST(sequence_walks)
{
	static _Alignas(8) unsigned char buf[4096];
	int types[8], n = 0, ret;
	size_t off = 0, used;
	struct saker_event ev;

	off += saker_test_fork(buf + off, sizeof(buf) - off, 1, 0);
	off += saker_test_pad(buf + off, sizeof(buf) - off, 16);
	off += saker_test_exec(buf + off, sizeof(buf) - off, "a", "b", "c", 2,
			       "d", "e");
	off += saker_test_open(buf + off, sizeof(buf) - off, "/x", 2, -1, 2);
	off += saker_test_exit(buf + off, sizeof(buf) - off, 0, 1);
	for (size_t pos = 0; pos < off; pos += used) {
		ret = saker_decode(buf + pos, off - pos, &ev, &used, NULL);
		ck_assert_int_ge(ret, 0);
		if (ret == SAKER_DECODE_EVENT)
			types[n++] = ev.type;
	}
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(types[0], SAKER_REC_FORK);
	ck_assert_int_eq(types[1], SAKER_REC_EXEC);
	ck_assert_int_eq(types[2], SAKER_REC_OPEN);
	ck_assert_int_eq(types[3], SAKER_REC_EXIT);
}
END_TEST

START_TEST(len_zero_corrupt)
{
	struct saker_rec_hdr h = { .len = 0, .type = SAKER_REC_PAD };

	ck_assert_int_eq(decode_exact(&h, sizeof(h), NULL), SAKER_DECODE_CORRUPT);
	h.type = SAKER_REC_EXEC;
	ck_assert_int_eq(decode_exact(&h, sizeof(h), NULL), SAKER_DECODE_CORRUPT);
	h.len = 4;
	ck_assert_int_eq(decode_exact(&h, sizeof(h), NULL), SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(len_unaligned_corrupt)
{
	size_t len = build_exec();
	__u32 bad = (__u32)len - 4;

	ck_assert_int_eq(corrupt_exec(0, &bad, sizeof(bad)),
			 SAKER_DECODE_CORRUPT);
	bad = 12;
	ck_assert_int_eq(corrupt_exec(0, &bad, sizeof(bad)),
			 SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(len_beyond_buffer)
{
	size_t len = build_exec();
	const char *why = NULL;
	__u32 huge = 1U << 30;

	/* Buffer just too short: SHORT, whatever the prefix length. */
	for (size_t avail = 0; avail < len; avail++)
		ck_assert_int_eq(decode_exact(scratch, avail, NULL),
				 SAKER_DECODE_SHORT);
	/* A length no exec record can have: CORRUPT, not "wait for more". */
	memcpy(scratch, &huge, sizeof(huge));
	ck_assert_int_eq(decode_exact(scratch, len, &why), SAKER_DECODE_CORRUPT);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(fixed_part_truncated)
{
	__u32 small = HDR + sizeof(struct saker_exec) - 8;
	struct saker_rec_hdr *h = (void *)scratch;

	ck_assert_int_eq(corrupt_exec(0, &small, sizeof(small)),
			 SAKER_DECODE_CORRUPT);
	/* Same for the other types, with a buffer of exactly that size. */
	saker_test_fork(scratch, sizeof(scratch), 1, 0);
	h->len = 32;
	ck_assert_int_eq(decode_exact(scratch, 32, NULL), SAKER_DECODE_CORRUPT);
	saker_test_open(scratch, sizeof(scratch), "/a", 2, 1, 0);
	h->len = 8;
	ck_assert_int_eq(decode_exact(scratch, 8, NULL), SAKER_DECODE_CORRUPT);
	saker_test_exit(scratch, sizeof(scratch), 0, 0);
	h->len = (__u32)(HDR + sizeof(struct saker_exit) - 8);
	ck_assert_int_eq(decode_exact(scratch, h->len, NULL),
			 SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(string_lengths_exceed)
{
	__u16 v = 60000;
	static const size_t fields[] = {
		offsetof(struct saker_exec, filename_len),
		offsetof(struct saker_exec, exe_len),
		offsetof(struct saker_exec, args_len),
		offsetof(struct saker_exec, cwd_len),
		offsetof(struct saker_exec, cgroup_len),
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		ck_assert_int_eq(corrupt_exec(HDR + fields[i], &v, sizeof(v)),
				 SAKER_DECODE_CORRUPT);
	/* Off by one: the sum just exceeds the room left in len. */
	{
		size_t len = build_exec();
		struct saker_exec *x = (void *)(scratch + HDR);
		size_t room = len - HDR - sizeof(*x);
		size_t sum = (size_t)x->filename_len + x->exe_len +
			     x->args_len + x->cwd_len + x->cgroup_len;

		x->cgroup_len = (__u16)(x->cgroup_len + room - sum + 1);
		ck_assert_int_eq(decode_exact(scratch, len, NULL),
				 SAKER_DECODE_CORRUPT);
		x->cgroup_len--;
		ck_assert_int_eq(decode_exact(scratch, len, NULL),
				 SAKER_DECODE_EVENT);
	}
	/* open: the path. */
	{
		size_t len = saker_test_open(scratch, sizeof(scratch), "/abc",
					     4, 3, 0);
		struct saker_open *o = (void *)(scratch + HDR);

		o->path_len = (__u16)(len - HDR - sizeof(*o) + 1);
		ck_assert_int_eq(decode_exact(scratch, len, NULL),
				 SAKER_DECODE_CORRUPT);
	}
}
END_TEST

START_TEST(comm_not_terminated)
{
	char full[SAKER_COMM_LEN];

	memset(full, 'A', sizeof(full));
	ck_assert_int_eq(corrupt_exec(HDR + offsetof(struct saker_task, comm),
				      full, sizeof(full)),
			 SAKER_DECODE_CORRUPT);
	/* 15 characters and the NUL: the longest valid comm. */
	full[15] = 0;
	ck_assert_int_eq(corrupt_exec(HDR + offsetof(struct saker_task, comm),
				      full, sizeof(full)),
			 SAKER_DECODE_EVENT);
}
END_TEST

START_TEST(tty_name_not_terminated)
{
	char full[SAKER_TTY_NAME_MAX];

	memset(full, 'p', sizeof(full));
	ck_assert_int_eq(corrupt_exec(HDR + offsetof(struct saker_task, tty_name),
				      full, sizeof(full)),
			 SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(args_not_terminated)
{
	size_t len = saker_test_exec(scratch, sizeof(scratch), "/bin/ls", "",
				     "ls\0-l", 5, "", "");

	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_CORRUPT);
	len = saker_test_exec(scratch, sizeof(scratch), "/bin/ls", "", "ls\0-l\0",
			      6, "", "");
	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_EVENT);
}
END_TEST

/* env follows cgroup and is NUL-terminated like argv */
START_TEST(env_not_terminated)
{
	size_t len = saker_test_exec(scratch, sizeof(scratch), "/bin/ls", "",
				     "ls\0", 3, "", "A=1");
	struct saker_exec *x = (void *)(scratch + HDR);
	struct saker_event ev;
	const char *why;
	size_t used;

	/* the cgroup's bytes read as env: "A=1" then the record's zero padding */
	x->cgroup_len = 0;
	x->env_len = 3;
	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_CORRUPT);
	x->env_len = 4;
	ck_assert_int_eq(saker_decode(scratch, len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_uint_eq(ev.env.len, 4);
	ck_assert_mem_eq(ev.env.p, "A=1", 4);
	x->env_len = 0x7fff;
	ck_assert_int_eq(decode_exact(scratch, len, NULL), SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(misaligned_buffer)
{
	static _Alignas(8) unsigned char buf[512];
	size_t len = saker_test_fork(buf + 8, sizeof(buf) - 8, 1, 0), used;
	struct saker_event ev;

	memmove(buf + 4, buf + 8, len);
	ck_assert_int_eq(saker_decode(buf + 4, len, &ev, &used, NULL),
			 SAKER_DECODE_CORRUPT);
}
END_TEST

/*
 * A newer module appends fields to a fixed part: body_len grows and the
 * strings move after it. This reader must find them there, not at its own
 * sizeof; a body shorter than this reader's is refused.
 */
START_TEST(longer_body_decodes)
{
	static _Alignas(8) unsigned char big[SAKER_TEST_REC_MAX + 64];
	size_t len = saker_test_open(scratch, sizeof(scratch), "/etc/passwd", 11, 3, 0);
	size_t fixed = sizeof(struct saker_open), extra = 16, used = 0;
	struct saker_rec_hdr *h = (void *)big;
	struct saker_event ev;
	const char *why = NULL;
	unsigned char *rec;

	/* Header and fixed part, 16 bytes of "new fields", then the strings. */
	memcpy(big, scratch, HDR + fixed);
	memset(big + HDR + fixed, 0x5a, extra);
	memcpy(big + HDR + fixed + extra, scratch + HDR + fixed, len - HDR - fixed);
	h->len = (uint32_t)(len + extra);
	h->body_len = (uint16_t)(fixed + extra);
	rec = saker_test_exact(big, len + extra);
	ck_assert_int_eq(saker_decode(rec, len + extra, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_uint_eq(used, len + extra);
	check_str(ev.path, "/etc/passwd", 11);
	ck_assert_int_eq(ev.open->fd, 3);
	free(rec);

	h->body_len = (uint16_t)(fixed - 8);
	ck_assert_int_eq(decode_exact(big, len + extra, &why), SAKER_DECODE_CORRUPT);
	h->body_len = (uint16_t)(fixed + 4);	/* not a multiple of 8 */
	ck_assert_int_eq(decode_exact(big, len + extra, &why), SAKER_DECODE_CORRUPT);
	h->body_len = (uint16_t)(len + extra);	/* past the record */
	ck_assert_int_eq(decode_exact(big, len + extra, &why), SAKER_DECODE_CORRUPT);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(saker_syscall_name(2), "open");
	ck_assert_str_eq(saker_syscall_name(257), "openat");
	ck_assert_str_eq(saker_syscall_name(437), "openat2");
	ck_assert_str_eq(saker_syscall_name(85), "creat");
	ck_assert_str_eq(saker_syscall_name(59), "execve");
	ck_assert_str_eq(saker_syscall_name(322), "execveat");
	ck_assert_str_eq(saker_syscall_name(426), "io_uring_enter");
	ck_assert_str_eq(saker_syscall_name(304), "open_by_handle_at");
	ck_assert_str_eq(saker_syscall_name(134), "uselib");
	ck_assert_str_eq(saker_syscall_name(117), "setresuid");
	ck_assert_str_eq(saker_syscall_name(126), "capset");
	ck_assert_str_eq(saker_syscall_name(272), "unshare");
	ck_assert_str_eq(saker_syscall_name(313), "finit_module");
	ck_assert_str_eq(saker_load_what_name(SAKER_LOAD_MODULE), "module");
	ck_assert_ptr_null(saker_load_what_name(0));
	ck_assert_ptr_null(saker_load_what_name(99));
	ck_assert_ptr_null(saker_syscall_name(-1));
	ck_assert_ptr_null(saker_syscall_name(0));
	ck_assert_str_eq(saker_fd_kind_name(SAKER_FD_NONE), "none");
	ck_assert_str_eq(saker_fd_kind_name(SAKER_FD_SOCKET), "socket");
	ck_assert_str_eq(saker_fd_kind_name(200), "other");
	ck_assert_str_eq(saker_rec_type_name(SAKER_REC_OPEN), "open");
	ck_assert_str_eq(saker_rec_type_name(SAKER_REC_PAD), "pad");
	ck_assert_ptr_null(saker_rec_type_name(SAKER_REC_TYPE_MAX));
	ck_assert_str_eq(saker_errno_name(2), "ENOENT");
	ck_assert_str_eq(saker_errno_name(13), "EACCES");
	ck_assert_str_eq(saker_errno_name(40), "ELOOP");
	ck_assert_str_eq(saker_errno_name(95), "EOPNOTSUPP");
	ck_assert_ptr_null(saker_errno_name(0));
	ck_assert_ptr_null(saker_errno_name(-2));
	ck_assert_ptr_null(saker_errno_name(100000));
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *good = tcase_create("good"), *bad = tcase_create("malformed");

	tcase_add_test(good, exec_decodes);
	tcase_add_test(good, exec_empty_strings_decode);
	tcase_add_test(good, open_decodes);
	tcase_add_test(good, fork_exit_decode);
	tcase_add_test(good, cred_decodes);
	tcase_add_test(good, pad_and_unknown_skip);
	tcase_add_test(good, sequence_walks);
	tcase_add_test(good, names);
	tcase_add_test(good, longer_body_decodes);
	tcase_add_test(bad, len_zero_corrupt);
	tcase_add_test(bad, len_unaligned_corrupt);
	tcase_add_test(bad, len_beyond_buffer);
	tcase_add_test(bad, fixed_part_truncated);
	tcase_add_test(bad, string_lengths_exceed);
	tcase_add_test(bad, comm_not_terminated);
	tcase_add_test(bad, tty_name_not_terminated);
	tcase_add_test(bad, args_not_terminated);
	tcase_add_test(bad, env_not_terminated);
	tcase_add_test(bad, misaligned_buffer);
	suite_add_tcase(s, good);
	suite_add_tcase(s, bad);
	return s;
}
