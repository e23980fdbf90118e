// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON-lines reader (saker_json_to_record): events with keys missing,
 * jansson's reason for invalid JSON, and keys of the wrong type named.
 * The replay of a file (saker_replay_file): a corrupt or truncated capture,
 * a bad header, a directory or a FIFO, bad JSON lines: each fails the run
 * with the file named and where.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/replay.h"
#include "lib/capture.h"
#include "lib/decode.h"
#include "lib/json.h"
#include "records.h"
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

/* A credential change as sakerctl trace writes it reads back to the same record. */
START_TEST(test_cred_round_trip)
{
	static _Alignas(8) unsigned char orig[1024];
	size_t olen = saker_test_cred(orig, sizeof(orig), 117, 1000, 0), used;
	struct saker_event a, b;
	const char *why = NULL;
	char *line;
	json_t *j;
	long len;

	ck_assert_int_eq(saker_decode(orig, olen, &a, &used, &why), SAKER_DECODE_EVENT);
	j = saker_json_event(&a);
	ck_assert_ptr_nonnull(j);
	line = json_dumps(j, SAKER_JSON_FLAGS);
	json_decref(j);
	ck_assert_ptr_nonnull(line);
	len = to_rec(line);
	ck_assert_msg(len > 0, "refused: %s: %s", line, err);
	free(line);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &b, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(b.type, SAKER_REC_CRED);
	ck_assert_int_eq(b.cred->syscall_nr, 117);
	ck_assert_mem_eq(&b.cred->old, &a.cred->old, sizeof(a.cred->old));
	ck_assert_mem_eq(&b.cred->new, &a.cred->new, sizeof(a.cred->new));
	refused("{\"type\":\"cred\",\"old\":3}", "\"old\": expected an object, got an integer");
}
END_TEST

/* A namespace change reads back with its new set; a wrong key inside it is named in full. */
START_TEST(test_nschange_lines)
{
	struct saker_event ev;
	const char *why = NULL;
	size_t used;
	long len;

	len = to_rec("{\"type\":\"nschange\",\"syscall\":\"setns\",\"ns\":{\"uts\":5},"
		     "\"new_ns\":{\"uts\":7,\"pid\":9},\"pid_children_was\":8}");
	ck_assert_msg(len > 0, "refused: %s", err);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_NSCHANGE);
	ck_assert_int_eq(ev.nschange->syscall_nr, 308);
	ck_assert_uint_eq(ev.task->ns[SAKER_NS_UTS], 5);
	ck_assert_uint_eq(ev.nschange->ns[SAKER_NS_UTS], 7);
	ck_assert_uint_eq(ev.nschange->ns[SAKER_NS_PID], 9);
	ck_assert_uint_eq(ev.nschange->pid_children_was, 8);
	refused("{\"type\":\"nschange\",\"new_ns\":{\"mnt\":\"x\"}}",
		"\"new_ns.mnt\": expected an integer, got a string");
}
END_TEST

/* A rename reads back with both names; an unknown op is named. */
START_TEST(test_fschange_lines)
{
	struct saker_event ev;
	const char *why = NULL;
	size_t used;
	long len;

	len = to_rec("{\"type\":\"fschange\",\"syscall\":\"renameat2\",\"op\":\"rename\","
		     "\"path\":\"/tmp/a\",\"path2\":\"/usr/bin/a\",\"ino\":7,\"noreplace\":true}");
	ck_assert_msg(len > 0, "refused: %s", err);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_FSCHANGE);
	ck_assert_int_eq(ev.fschange->op, SAKER_FSOP_RENAME);
	ck_assert_int_eq(ev.fschange->syscall_nr, 316);
	ck_assert_uint_eq(ev.path.len, 6);
	ck_assert_mem_eq(ev.path2.p, "/usr/bin/a", 10);
	ck_assert_uint_eq(ev.fschange->uid, UINT32_MAX);
	ck_assert(ev.fschange->flags & SAKER_FS_NOREPLACE);
	refused("{\"type\":\"fschange\",\"op\":\"truncate\"}",
		"\"op\": expected unlink, rmdir, mkdir, rename, link, symlink, chmod or chown");
}
END_TEST

/* A ptrace line reads back; a target_comm too long for the record is cut, terminated. */
START_TEST(test_ptrace_lines)
{
	struct saker_event ev;
	const char *why = NULL;
	size_t used;
	long len;

	len = to_rec("{\"type\":\"ptrace\",\"syscall\":\"ptrace\",\"request\":16,"
		     "\"target_pid\":42,\"target_comm\":\"a-very-long-process-name\",\"realcreds\":true}");
	ck_assert_msg(len > 0, "refused: %s", err);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_PTRACE);
	ck_assert_int_eq(ev.ptrace->syscall_nr, 101);
	ck_assert_int_eq(ev.ptrace->request, 16);
	ck_assert_uint_eq(ev.ptrace->target_tid, 42);
	ck_assert_str_eq(ev.ptrace->target_comm, "a-very-long-pro");
	ck_assert(ev.ptrace->flags & SAKER_PTRACE_REALCREDS);
	len = to_rec("{\"type\":\"ptrace\",\"target_pid\":42}");
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.ptrace->request, -1);
}
END_TEST

/* A module load from a file, as the trace writes it, reads back; a wrong "what" is named. */
START_TEST(test_load_lines)
{
	struct saker_event ev;
	const char *why = NULL;
	size_t used;
	long len;

	len = to_rec("{\"type\":\"load\",\"syscall\":\"finit_module\",\"what\":\"module\","
		     "\"path\":\"/tmp/x.ko\",\"ino\":12,\"dev\":3}");
	ck_assert_msg(len > 0, "refused: %s", err);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_int_eq(ev.type, SAKER_REC_LOAD);
	ck_assert_int_eq(ev.load->what, SAKER_LOAD_MODULE);
	ck_assert_int_eq(ev.load->syscall_nr, 313);
	ck_assert(ev.load->flags & SAKER_LOAD_FROM_FILE);
	ck_assert_uint_eq(ev.path.len, 9);
	ck_assert_mem_eq(ev.path.p, "/tmp/x.ko", 9);
	len = to_rec("{\"type\":\"load\",\"what\":\"module\",\"path\":null}");
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert(!(ev.load->flags & SAKER_LOAD_FROM_FILE));
	refused("{\"type\":\"load\",\"what\":\"firmware\"}",
		"\"what\": expected module, kexec_image, kexec_initramfs, policy or x509_certificate");
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
	refused("{\"type\":\"bpf\"}",
		"unknown \"type\" 'bpf' (exec, open, fork, exit, cred, load, nschange, ptrace, fschange)");
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

/* ---- saker_replay_file ---- */

static char dir[] = "/tmp/saker-replay-XXXXXX";
static char path[256];

static void make_dir(void)
{
	strcpy(dir, "/tmp/saker-replay-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events", dir);
}

static void drop_dir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct saker_engine *engine(void)
{
	static const char rule[] = "- rule: any\n  desc: d\n  condition: evt.type = clone\n"
				   "  output: o\n  priority: INFO\n";
	struct saker_engine *e = saker_engine_new();

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(saker_engine_load_buffer(e, "r.yaml", rule, sizeof(rule) - 1), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	return e;
}

/* n fork records; the second one's comm not terminated when corrupt. */
static void write_capture(unsigned int n, bool corrupt)
{
	_Alignas(8) unsigned char raw[SAKER_TEST_REC_MAX];
	struct saker_capture_writer *w;
	char werr[SAKER_REPLAY_ERRLEN];
	unsigned int i;
	size_t len;

	ck_assert_int_eq(saker_capture_writer_open(&w, path, werr, sizeof(werr)), 0);
	for (i = 0; i < n; i++) {
		len = saker_test_fork(raw, sizeof(raw), 1, 0);
		if (corrupt && i == 1)
			memset(((struct saker_fork *)(raw + 8))->task.comm, 'x', SAKER_COMM_LEN);
		ck_assert_int_eq(saker_capture_write(w, raw, len), 0);
	}
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
}

static off_t size_of(const char *p)
{
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	return st.st_size;
}

/* path is replayed with this result; st.error holds want (a substring). */
static void replay_fails(const char *p, int ret, const char *want,
			 struct saker_replay_stats *st)
{
	struct saker_engine *e = engine();

	ck_assert_int_eq(saker_replay_file(e, p, NULL, NULL, NULL, st), ret);
	ck_assert_msg(strstr(st->error, want), "'%s' not in '%s'", want, st->error);
	ck_assert_msg(strstr(st->error, p), "'%s' does not name %s", st->error, p);
	saker_engine_free(e);
}

START_TEST(test_capture_ok)
{
	struct saker_engine *e = engine();
	struct saker_replay_stats st;

	make_dir();
	write_capture(3, false);
	ck_assert_int_eq(saker_replay_file(e, path, NULL, NULL, NULL, &st), 0);
	ck_assert_uint_eq(st.events, 3);
	ck_assert_uint_eq(st.alerts, 3);
	ck_assert_uint_eq(st.bad, 0);
	ck_assert_str_eq(st.error, "");
	saker_engine_free(e);
	drop_dir();
}
END_TEST

/* A torn tail is an error now: the events before it are still run. */
START_TEST(test_capture_truncated)
{
	struct saker_replay_stats st;

	make_dir();
	write_capture(3, false);
	ck_assert_int_eq(truncate(path, size_of(path) - 8), 0);
	replay_fails(path, -EBADMSG, ": truncated record at offset ", &st);
	ck_assert_uint_eq(st.events, 2);
	ck_assert_uint_eq(st.bad, 1);
	/* cut in the header of a record */
	ck_assert_int_eq(truncate(path, SAKER_CAPTURE_HDR_LEN + 4), 0);
	replay_fails(path, -EBADMSG, "truncated record at offset 24 (4 of 8 bytes)", &st);
	ck_assert_uint_eq(st.events, 0);
	drop_dir();
}
END_TEST

START_TEST(test_capture_corrupt)
{
	struct saker_replay_stats st;

	make_dir();
	write_capture(3, true);
	replay_fails(path, -EBADMSG, "corrupt record at offset 224: comm", &st);
	ck_assert_uint_eq(st.events, 1);
	drop_dir();
}
END_TEST

START_TEST(test_capture_bad_header)
{
	struct saker_capture_hdr h = { .abi_version = SAKER_ABI_VERSION + 1, .header_len = 16 };
	struct saker_replay_stats st;
	FILE *f;

	make_dir();
	memcpy(h.magic, SAKER_CAPTURE_MAGIC, 8);
	f = fopen(path, "w");
	fwrite(&h, 1, sizeof(h), f);
	fclose(f);
	replay_fails(path, -EPROTO, "capture holds ABI v", &st);
	/* the magic, then less than a header: a capture cut short, not JSON */
	ck_assert_int_eq(truncate(path, 12), 0);
	replay_fails(path, -EINVAL, "capture header truncated (12 of 16 bytes)", &st);
	drop_dir();
}
END_TEST

/* A directory is not 0 events, a FIFO without a writer is not a hang. */
START_TEST(test_not_regular)
{
	struct saker_replay_stats st;

	make_dir();
	replay_fails(dir, -EINVAL, ": not a regular file", &st);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	replay_fails(path, -EINVAL, "/events: not a regular file", &st);
	replay_fails("/dev/null", -EINVAL, "/dev/null: not a regular file", &st);
	ck_assert_int_eq(unlink(path), 0);
	replay_fails(path, -ENOENT, "/events: No such file or directory", &st);
	drop_dir();
}
END_TEST

/* Bad lines are each skipped, the good ones run, and the run fails. */
START_TEST(test_json_bad_lines)
{
	struct saker_replay_stats st;
	FILE *f;

	make_dir();
	f = fopen(path, "w");
	fputs("{\"type\":\"fork\",\"pid\":5}\n"
	      "# a comment\n"
	      "{\"type\":\"fork\",\"pid\":\"6\"}\n"
	      "{\"type\":\"fork\",}\n"
	      "\n"
	      "{\"type\":\"fork\",\"pid\":7}\n", f);
	fclose(f);
	replay_fails(path, -EBADMSG,
		     "/events: 2 line(s) could not be read, the first at line 3: "
		     "\"pid\": expected an integer, got a string", &st);
	ck_assert_uint_eq(st.events, 2);
	ck_assert_uint_eq(st.alerts, 2);
	ck_assert_uint_eq(st.bad, 2);
	drop_dir();
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("json");
	TCase *tr = tcase_create("replay");

	tcase_add_test(tc, test_missing_keys);
	tcase_add_test(tc, test_cred_round_trip);
	tcase_add_test(tc, test_load_lines);
	tcase_add_test(tc, test_nschange_lines);
	tcase_add_test(tc, test_ptrace_lines);
	tcase_add_test(tc, test_fschange_lines);
	tcase_add_test(tc, test_invalid_json);
	tcase_add_test(tc, test_wrong_types);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, test_capture_ok);
	tcase_add_test(tr, test_capture_truncated);
	tcase_add_test(tr, test_capture_corrupt);
	tcase_add_test(tr, test_capture_bad_header);
	tcase_add_test(tr, test_not_regular);
	tcase_add_test(tr, test_json_bad_lines);
	suite_add_tcase(s, tr);
	return s;
}
