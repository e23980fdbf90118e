// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON-lines reader (saker_json_to_record): events with keys missing,
 * jansson's reason for invalid JSON, and keys of the wrong type named.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "daemon/replay.h"
#include "lib/decode.h"
#include "check_main.h"

static uint64_t rec[8192];
static char err[SAKER_REPLAY_ERRLEN];

static long to_rec(const char *line)
{
	memset(err, 'x', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	return saker_json_to_record(line, strlen(line), rec, sizeof(rec), NULL, err,
				    sizeof(err));
}

/* line is refused with exactly this reason. */
static void refused(const char *line, const char *why)
{
	ck_assert_msg(to_rec(line) == -EINVAL, "accepted: %s", line);
	ck_assert_str_eq(err, why);
}

/*
 * An exec or open with no string key at all: every string is empty, and no
 * NULL source reaches memcpy (UBSan checks it in the sanitizer run).
 */
START_TEST(test_missing_keys)
{
	struct saker_event ev;
	const char *why = NULL;
	size_t used;
	long len;

	len = to_rec("{\"type\":\"exec\"}");
	ck_assert_int_gt(len, 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_uint_eq(ev.filename.len + ev.exe.len + ev.cwd.len + ev.cgroup.len, 0);
	ck_assert_uint_eq(ev.args.len, 0);
	len = to_rec("{\"type\":\"open\"}");
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_uint_eq(ev.path.len, 0);
	/* null is a missing key, as the trace writes it for an unknown fd */
	len = to_rec("{\"type\":\"open\",\"fd\":null,\"path\":null,\"tty\":null,\"syscall\":null}");
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.open->fd, -1);
	ck_assert(ev.open->flags & SAKER_OPEN_FD_UNKNOWN);
}
END_TEST

/* jansson's own reason and column, not "not a JSON object". */
START_TEST(test_invalid_json)
{
	refused("{\"type\":\"exec\",}",
		"invalid JSON at column 16: string or '}' expected near '}'");
	refused("{\"type\":\"exec\"", "invalid JSON at column 14: '}' expected near end of file");
	refused("nope", "invalid JSON at column 4: '[' or '{' expected near 'nope'");
	refused("[1, 2]", "expected a JSON object, got an array");
	refused("{\"pid\":1}", "no \"type\"");
	refused("{\"type\":\"ptrace\"}", "unknown \"type\" 'ptrace' (exec, open, fork, exit)");
}
END_TEST

/* A key of the wrong type is an error naming it, never a silent zero. */
START_TEST(test_wrong_types)
{
	refused("{\"type\":5}", "\"type\": expected a string, got an integer");
	refused("{\"type\":\"exec\",\"pid\":\"100\"}", "\"pid\": expected an integer, got a string");
	refused("{\"type\":\"exec\",\"uid\":1.5}", "\"uid\": expected an integer, got a real number");
	refused("{\"type\":\"exec\",\"pid\":-1}", "\"pid\": -1 is out of range (0..4294967295)");
	refused("{\"type\":\"exec\",\"ppid\":4294967296}",
		"\"ppid\": 4294967296 is out of range (0..4294967295)");
	refused("{\"type\":\"exec\",\"ts\":true}", "\"ts\": expected an integer, got a boolean");
	refused("{\"type\":\"exec\",\"session_leader\":1}",
		"\"session_leader\": expected true or false, got an integer");
	refused("{\"type\":\"exec\",\"exe_deleted\":\"yes\"}",
		"\"exe_deleted\": expected true or false, got a string");
	refused("{\"type\":\"exec\",\"comm\":[\"bash\"]}", "\"comm\": expected a string, got an array");
	refused("{\"type\":\"exec\",\"filename\":7}", "\"filename\": expected a string, got an integer");
	refused("{\"type\":\"exec\",\"args\":\"bash -c id\"}",
		"\"args\": expected an array of strings, got a string");
	refused("{\"type\":\"exec\",\"args\":[\"bash\",3]}",
		"\"args\": expected an array of strings, got an integer");
	refused("{\"type\":\"exec\",\"ns\":{\"pid\":\"x\"}}", "\"ns.pid\": expected an integer, got a string");
	refused("{\"type\":\"exec\",\"ns\":[1]}", "\"ns\": expected an object, got an array");
	refused("{\"type\":\"exec\",\"stdin\":\"keyboard\"}",
		"\"stdin\": unknown kind 'keyboard' (none, tty, pipe, socket, unix, file, other)");
	refused("{\"type\":\"exec\",\"container\":{\"name\":1}}",
		"\"container.name\": expected a string, got an integer");
	refused("{\"type\":\"open\",\"fd\":\"3\"}", "\"fd\": expected an integer, got a string");
	refused("{\"type\":\"open\",\"errno\":\"ENOENT\"}", "\"errno\": expected an integer, got a string");
	refused("{\"type\":\"open\",\"path\":{}}", "\"path\": expected a string, got an object");
	refused("{\"type\":\"fork\",\"thread\":\"no\"}", "\"thread\": expected true or false, got a string");
	refused("{\"type\":\"exit\",\"exit_code\":\"1\"}", "\"exit_code\": expected an integer, got a string");
	/* the first bad key is the one named */
	refused("{\"type\":\"exec\",\"pid\":\"1\",\"uid\":\"0\"}", "\"pid\": expected an integer, got a string");
	/* what the trace writes is accepted: loginuid -1, a 64-bit inode written negative */
	ck_assert_int_gt(to_rec("{\"type\":\"open\",\"loginuid\":-1,\"ino\":-2,\"fd\":3}"), 0);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_missing_keys);
	tcase_add_test(tc, test_invalid_json);
	tcase_add_test(tc, test_wrong_types);
	suite_add_tcase(s, tc);
	return s;
}
