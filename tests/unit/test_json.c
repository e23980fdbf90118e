// SPDX-License-Identifier: GPL-2.0
/*
 * JSON lines: exact keys, order and values of docs/conventions.md for each
 * event type, the stats line, and the escaping of invalid UTF-8.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decode.h"
#include "lib/json.h"
#include "records.h"
#include "check_main.h"

static _Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];

#define TASK_JSON(type, comm, tty) \
	"{\"type\":\"" type "\",\"ts\":123456789012,\"cpu\":3,\"tid\":1001," \
	"\"pid\":1000,\"ppid\":1,\"vtid\":11,\"vpid\":10,\"sid\":1000," \
	"\"session_leader\":" #tty ",\"uid\":1000,\"gid\":1001,\"euid\":0," \
	"\"egid\":0,\"loginuid\":-1," TTY_##tty ",\"io_worker\":false,\"compat\":false," \
	"\"ns\":{\"mnt\":4026531835,\"pid\":4026531836,\"net\":4026531837," \
	"\"uts\":4026531838,\"ipc\":4026531839,\"user\":4026531840," \
	"\"cgroup\":4026531841},\"cgroup_id\":4242,\"comm\":\"" comm "\""
#define TTY_true "\"tty_dev\":142606337,\"tty\":\"pts/1\""
#define TTY_false "\"tty_dev\":0,\"tty\":null"

/* Decode rec[0..len) and return its JSON line (caller frees). */
static char *line_of(size_t len)
{
	struct saker_event ev;
	size_t used;
	json_t *j;
	char *s;

	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, NULL),
			 SAKER_DECODE_EVENT);
	j = saker_json_event(&ev);
	ck_assert_ptr_nonnull(j);
	s = json_dumps(j, SAKER_JSON_FLAGS);
	ck_assert_ptr_nonnull(s);
	json_decref(j);
	return s;
}

static void expect_line(size_t len, const char *want)
{
	char *s = line_of(len);

	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(exec_line)
{
	size_t len = saker_test_exec(rec, sizeof(rec), "/bin/ls", "/usr/bin/ls",
				     "ls\0-l\0", 6, "/home/u", "/user.slice");

	expect_line(len, TASK_JSON("exec", "sh", true)
		",\"syscall\":\"execve\",\"filename\":\"/bin/ls\","
		"\"exe\":\"/usr/bin/ls\",\"args\":[\"ls\",\"-l\"],"
		"\"args_truncated\":true,\"cwd\":\"/home/u\","
		"\"cgroup\":\"/user.slice\",\"env\":[],\"env_truncated\":false,\"filename_truncated\":false,"
		"\"exe_truncated\":false,\"cwd_truncated\":false,\"cgroup_truncated\":false,"
		"\"exe_deleted\":false,\"exe_memfd\":false,\"exe_ino\":0,\"exe_dev\":0,"
		"\"exe_nlink\":0,\"parent_other_pidns\":false,"
		"\"stdin\":\"tty\",\"stdout\":\"pipe\",\"stderr\":\"file\"}");
}
END_TEST

START_TEST(exec_args_edges)
{
	/* No args at all, then an empty argument between two others. */
	size_t len = saker_test_exec(rec, sizeof(rec), "f", "e", "", 0, "c", "g");
	char *s = line_of(len);

	ck_assert_ptr_nonnull(strstr(s, "\"args\":[],"));
	free(s);
	len = saker_test_exec(rec, sizeof(rec), "f", "e", "a\0\0b\0", 5, "c", "g");
	s = line_of(len);
	ck_assert_ptr_nonnull(strstr(s, "\"args\":[\"a\",\"\",\"b\"],"));
	free(s);
	/* Not from a syscall: no call, no number. */
	((struct saker_exec *)(rec + 8))->syscall_nr = -1;
	((struct saker_exec *)(rec + 8))->call = SAKER_CALL_NONE;
	s = line_of(len);
	ck_assert_ptr_nonnull(strstr(s, "\"syscall\":null,"));
	free(s);
}
END_TEST

START_TEST(open_lines)
{
	size_t len = saker_test_open(rec, sizeof(rec), "/etc/passwd", 11, 3, 0);

	expect_line(len, TASK_JSON("open", "bash", true)
		",\"syscall\":\"openat\",\"path\":\"/etc/passwd\",\"fd\":3,"
		"\"errno\":0,\"errname\":null,\"flags\":65,\"mode\":420,"
		"\"is_exec\":false,\"path_from_name\":false,"
		"\"path_truncated\":false,\"created\":false,\"ino\":987654,\"dev\":8388609}");
	len = saker_test_open(rec, sizeof(rec), "/nope", 5, -1, 2);
	expect_line(len, TASK_JSON("open", "bash", true)
		",\"syscall\":\"openat\",\"path\":\"/nope\",\"fd\":null,"
		"\"errno\":2,\"errname\":\"ENOENT\",\"flags\":65,\"mode\":420,"
		"\"is_exec\":false,\"path_from_name\":true,"
		"\"path_truncated\":false,\"created\":false,\"ino\":0,\"dev\":0}");
}
END_TEST

START_TEST(open_fd_unknown_is_null)
{
	size_t len = saker_test_open(rec, sizeof(rec), "/x", 2, 5, 0);
	struct saker_open *o = (void *)(rec + 8);
	char *s;

	o->flags |= SAKER_OPEN_FD_UNKNOWN | SAKER_OPEN_EXEC;
	s = line_of(len);
	ck_assert_ptr_nonnull(strstr(s, "\"fd\":null,"));
	ck_assert_ptr_nonnull(strstr(s, "\"is_exec\":true,"));
	free(s);
}
END_TEST

START_TEST(fork_exit_lines)
{
	size_t len = saker_test_fork(rec, sizeof(rec), 999, 1);
	struct saker_task *t = (void *)(rec + 8);

	expect_line(len, TASK_JSON("fork", "bash", true)
		",\"parent_tid\":999,\"thread\":true}");
	len = saker_test_exit(rec, sizeof(rec), 139, 0);
	t->loginuid = 1000;
	t->flags |= SAKER_TASK_IO_WORKER;
	{
		char *s = line_of(len);

		ck_assert_ptr_nonnull(strstr(s, ",\"exit_code\":139,\"group_dead\":false}"));
		ck_assert_ptr_nonnull(strstr(s, "\"session_leader\":false,"));
		ck_assert_ptr_nonnull(strstr(s, "\"loginuid\":1000,"));
		ck_assert_ptr_nonnull(strstr(s, TTY_false ",\"io_worker\":true,"));
		free(s);
	}
}
END_TEST

#define IDS_JSON(euid, caps) \
	"{\"uid\":1000,\"euid\":" #euid ",\"suid\":" #euid ",\"fsuid\":" #euid \
	",\"gid\":0,\"egid\":0,\"sgid\":0,\"fsgid\":0,\"cap_effective\":" #caps \
	",\"cap_permitted\":0,\"cap_inheritable\":0,\"cap_ambient\":0,\"securebits\":0," \
	"\"userns\":4026531837}"

START_TEST(cred_line)
{
	size_t len = saker_test_cred(rec, sizeof(rec), 105, 0, 1000);

	expect_line(len, TASK_JSON("cred", "bash", true)
		",\"syscall\":\"setuid\",\"syscall_nr\":105,\"old\":" IDS_JSON(0, 2199023255551)
		",\"new\":" IDS_JSON(1000, 0) "}");
	/* An exec's new credentials are named by the call. */
	len = saker_test_cred(rec, sizeof(rec), 59, 1000, 0);
	{
		char *s = line_of(len);

		ck_assert_ptr_nonnull(strstr(s, ",\"syscall\":\"execve\",\"syscall_nr\":59,"));
		free(s);
	}
}
END_TEST

START_TEST(invalid_utf8_escaped)
{
	static const char bad[] = "/tmp/\xff\xfeok\xc3\xa9";
	size_t len = saker_test_open(rec, sizeof(rec), bad, sizeof(bad) - 1, 3, 0);
	char *s = line_of(len);

	/* In JSON text the backslash itself is escaped: \\xff. */
	ck_assert_ptr_nonnull(strstr(s, "\"path\":\"/tmp/\\\\xff\\\\xfeok\xc3\xa9\","));
	free(s);
}
END_TEST

static void expect_bytes(const char *in, size_t n, const char *want,
			 size_t want_len)
{
	json_t *j = saker_json_bytes(in, n);

	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(json_string_length(j), want_len);
	ck_assert_mem_eq(json_string_value(j), want, want_len);
	json_decref(j);
}

#define BYTES(in, want) expect_bytes(in, sizeof(in) - 1, want, sizeof(want) - 1)

START_TEST(utf8_rules)
{
	BYTES("plain", "plain");
	BYTES("\xf0\x9f\x98\x80 \xe2\x82\xac", "\xf0\x9f\x98\x80 \xe2\x82\xac");
	BYTES("a\0b", "a\0b");				/* NUL is valid */
	BYTES("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	BYTES("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* surrogate */
	BYTES("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	BYTES("x\xe2\x82", "x\\xe2\\x82");		/* cut at the end */
	BYTES("\x80" "a", "\\x80a");			/* lone continuation */
	BYTES("\xe2(\xa1", "\\xe2(\\xa1");
	BYTES("", "");
}
END_TEST

START_TEST(comm_uses_array_bound)
{
	size_t len = saker_test_fork(rec, sizeof(rec), 1, 0);
	struct saker_task *t = (void *)(rec + 8);
	char *s;

	memcpy(t->comm, "abcdefghijklmno", 16);	/* 15 chars + NUL */
	s = line_of(len);
	ck_assert_ptr_nonnull(strstr(s, "\"comm\":\"abcdefghijklmno\","));
	free(s);
}
END_TEST

START_TEST(stats_line)
{
	struct saker_ring_counters c[2] = {
		{ .events = 10, .drops_full = 1, .drops_fault = 2, .reentries = 3 },
		{ .events = 20, .filtered = 5, .ignored = 6 },
	};
	struct saker_stats st = { .nr_rings = 2, .rings = c, .open_missed = 4,
				  .records = 29, .corrupt = 1 };
	json_t *j = saker_json_stats(&st);
	char *s;

	ck_assert_ptr_nonnull(j);
	s = json_dumps(j, SAKER_JSON_FLAGS);
	ck_assert_str_eq(s, "{\"type\":\"stats\",\"rings\":["
		"{\"ring\":0,\"events\":10,\"drops_full\":1,\"drops_fault\":2,\"reentries\":3,\"drops_share\":0,"
		"\"filtered\":0,\"ignored\":0},"
		"{\"ring\":1,\"events\":20,\"drops_full\":0,\"drops_fault\":0,\"reentries\":0,\"drops_share\":0,"
		"\"filtered\":5,\"ignored\":6}],"
		"\"open_missed\":4,\"records\":29,\"corrupt\":1}");
	free(s);
	json_decref(j);
	st.nr_rings = 0;
	j = saker_json_stats(&st);
	s = json_dumps(j, SAKER_JSON_FLAGS);
	ck_assert_ptr_nonnull(strstr(s, "\"rings\":[],"));
	free(s);
	json_decref(j);
}
END_TEST

START_TEST(print_writes_one_line)
{
	json_t *j = json_pack("{s:i}", "a", 1);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(saker_json_print(f, j), 0);
	fclose(f);
	ck_assert_str_eq(buf, "{\"a\":1}\n");
	free(buf);
	json_decref(j);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, exec_line);
	tcase_add_test(tc, exec_args_edges);
	tcase_add_test(tc, open_lines);
	tcase_add_test(tc, open_fd_unknown_is_null);
	tcase_add_test(tc, fork_exit_lines);
	tcase_add_test(tc, cred_line);
	tcase_add_test(tc, invalid_utf8_escaped);
	tcase_add_test(tc, utf8_rules);
	tcase_add_test(tc, comm_uses_array_bound);
	tcase_add_test(tc, stats_line);
	tcase_add_test(tc, print_writes_one_line);
	suite_add_tcase(s, tc);
	return s;
}
