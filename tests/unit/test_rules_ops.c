// SPDX-License-Identifier: GPL-2.0
/* Condition language: every operator, transformer, missing-value rule,
 * precedence and quoting, on crafted events. */
#include "rules_testlib.h"
#include "check_main.h"

/* busybox runs applets through /proc/self/exe: the kernel's comm is "exe". */
START_TEST(test_proc_name_through_proc_self_exe)
{
	const char *applet = "{\"comm\":\"exe\",\"filename\":\"/proc/self/exe\","
			     "\"exe\":\"/bin/busybox\",\"args\":[\"sh\",\"-c\",\"id\"]}";
	const char *fexec = "{\"comm\":\"3\",\"filename\":\"/dev/fd/3\","
			    "\"exe\":\"/tmp/x\",\"args\":[\"/usr/bin/bash\",\"-i\"]}";
	const char *named = "{\"comm\":\"exe\",\"filename\":\"/opt/exe\","
			    "\"exe\":\"/opt/exe\",\"args\":[\"sh\"]}";

	ck_assert_int_eq(MATCH_EXEC("proc.name = sh", applet), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.cmdline = \"sh -c id\"", applet), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.name = bash", fexec), 1);
	/* a binary really named exe keeps its name */
	ck_assert_int_eq(MATCH_EXEC("proc.name = exe", named), 1);
	/* an ordinary comm is never replaced by argv[0] */
	ck_assert_int_eq(MATCH_EXEC("proc.name = bash", "{\"args\":[\"sh\"]}"), 1);
}
END_TEST

START_TEST(test_eq_ne)
{
	ck_assert_int_eq(MATCH_OPEN("fd.name = /etc/shadow", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name == /etc/shadow", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name = /etc/shado", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name != /etc/passwd", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name != /etc/shadow", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("user.uid = 1000", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("user.uid != 0", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.is_open_read = true", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.is_open_write = false", NULL), 1);
}
END_TEST

START_TEST(test_numeric_order)
{
	ck_assert_int_eq(MATCH_OPEN("fd.num < 4", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.num <= 3", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.num > 3", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.num >= 3", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("user.loginuid >= 0x3e8", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.num = -1", "{\"errno\":2,\"fd\":null}"), 1);
	/* not a number: a compile error */
	ck_assert_int_eq(MATCH_OPEN("fd.num > three", NULL), -1);
	ck_assert_int_eq(MATCH_OPEN("evt.is_open_read = maybe", NULL), -1);
}
END_TEST

START_TEST(test_string_ops)
{
	ck_assert_int_eq(MATCH_OPEN("fd.name contains shad", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name contains SHAD", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name icontains SHAD", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name startswith /etc/", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name startswith /usr", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name endswith dow", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name endswith /etc/shadow.bak", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '/etc/*'", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '/e?c/sh[a-c]dow'", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '/etc/[!s]*'", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '*shadow'", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name glob '/usr/*'", NULL), 0);
}
END_TEST

START_TEST(test_regex_whole_string)
{
	ck_assert_int_eq(MATCH_OPEN("fd.name regex '/etc/s.*'", NULL), 1);
	/* whole-string: a substring match is not enough */
	ck_assert_int_eq(MATCH_OPEN("fd.name regex 'shadow'", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name regex '.*(shadow|passwd)'", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name regex '('", NULL), -1);
}
END_TEST

START_TEST(test_in_intersects_pmatch)
{
	ck_assert_int_eq(MATCH_OPEN("fd.name in (/etc/passwd, /etc/shadow)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name in (/etc/passwd)", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name in ()", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("user.uid in (0, 1000)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name intersects (/etc/shadow)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name pmatch (/etc, /usr/bin)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name pmatch (/etc/shadow)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name pmatch (/et, /usr)", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.name pmatch (/)", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.name pmatch (/etc/shadow/x)", NULL), 0);
}
END_TEST

START_TEST(test_exists_and_missing)
{
	/* A failed open has no inode: every comparison false, even != */
	const char *failed = "{\"errno\":2,\"fd\":null,\"ino\":0}";

	ck_assert_int_eq(MATCH_OPEN("fd.ino exists", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.ino exists", failed), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.ino != 5", failed), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.ino = 5", failed), 0);
	ck_assert_int_eq(MATCH_OPEN("not fd.ino = 5", failed), 1);
	/* fd.name is an open field: missing on exec */
	ck_assert_int_eq(MATCH_EXEC("fd.name != /x", NULL), 0);
	ck_assert_int_eq(MATCH_EXEC("fd.name in (/x)", NULL), 0);
	/* Falco fields saker does not capture are always missing */
	ck_assert_int_eq(MATCH_EXEC("container.privileged = true", NULL), 0);
	ck_assert_int_eq(MATCH_EXEC("container.privileged != true", NULL), 0);
	/* proc.pname needs a process table: missing here */
	ck_assert_int_eq(MATCH_EXEC("proc.pname exists", NULL), 0);
}
END_TEST

START_TEST(test_precedence)
{
	/* not > and > or */
	ck_assert_int_eq(MATCH_OPEN("fd.num = 9 and fd.num = 9 or fd.num = 3", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.num = 3 or fd.num = 9 and fd.num = 9", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("(fd.num = 3 or fd.num = 9) and fd.num = 9", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("not fd.num = 3 or fd.num = 3", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("not (fd.num = 3 or fd.num = 4)", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("not not fd.num = 3", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.num = 3 and not fd.num = 4 and user.uid = 1000", NULL), 1);
}
END_TEST

START_TEST(test_quoting)
{
	ck_assert_int_eq(MATCH_EXEC("proc.cmdline = \"bash -c id\"", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.cmdline = 'bash -c id'", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.args = '-c \\'x\\''",
				    "{\"args\":[\"bash\",\"-c\",\"'x'\"]}"), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.args = \"-c \\\"x\\\"\"",
				    "{\"args\":[\"bash\",\"-c\",\"\\\"x\\\"\"]}"), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.args contains \"\\x2dc\"", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.name in (\"bash\", 'sh')", NULL), 1);
	/* unterminated string and stray tokens are syntax errors */
	ck_assert_int_eq(MATCH_EXEC("proc.name = 'bash", NULL), -1);
	ck_assert_int_eq(MATCH_EXEC("proc.name = bash)", NULL), -1);
	ck_assert_int_eq(MATCH_EXEC("(proc.name = bash", NULL), -1);
	ck_assert_int_eq(MATCH_EXEC("proc.name bash", NULL), -1);
	ck_assert_int_eq(MATCH_EXEC("proc.name", NULL), -1);
}
END_TEST

START_TEST(test_transformers)
{
	ck_assert_int_eq(MATCH_OPEN("toupper(fd.name) = /ETC/SHADOW", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("tolower(fd.name) = /etc/shadow",
				    "{\"path\":\"/ETC/Shadow\"}"), 1);
	ck_assert_int_eq(MATCH_OPEN("basename(fd.name) = shadow", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("len(fd.name) = 11", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("len(fd.name) > 20", NULL), 0);
	/* "L2V0Yy9zaGFkb3c=" is base64 of /etc/shadow */
	ck_assert_int_eq(MATCH_OPEN("b64(fd.name) = /etc/shadow",
				    "{\"path\":\"L2V0Yy9zaGFkb3c=\"}"), 1);
	ck_assert_int_eq(MATCH_OPEN("toupper(basename(fd.name)) = SHADOW", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("tolower(user.uid) = 1", NULL), -1);
}
END_TEST

START_TEST(test_val)
{
	ck_assert_int_eq(MATCH_OPEN("fd.filename = val(proc.name)",
				    "{\"comm\":\"shadow\"}"), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.filename = val(proc.name)", NULL), 0);
	ck_assert_int_eq(MATCH_OPEN("fd.filename != val(proc.name)", NULL), 1);
	/* Falco's forms: a transformer on the right, or val(); not both. */
	ck_assert_int_eq(MATCH_OPEN("toupper(fd.filename) = toupper(proc.name)",
				    "{\"comm\":\"SHADOW\"}"), 1);
	ck_assert_int_eq(MATCH_OPEN("toupper(fd.filename) = toupper(val(proc.name))",
				    "{\"comm\":\"SHADOW\"}"), -1);
	ck_assert_int_eq(MATCH_OPEN("fd.filename = val(toupper(proc.name))", NULL), -1);
	ck_assert_int_eq(MATCH_OPEN("fd.name startswith val(fd.directory)", NULL), 1);
	/* val of a missing field: false */
	ck_assert_int_eq(MATCH_OPEN("fd.name != val(proc.pname)", NULL), 0);
}
END_TEST

START_TEST(test_event_fields)
{
	ck_assert_int_eq(MATCH_OPEN("evt.type = openat and evt.res = SUCCESS", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.res = ENOENT and evt.failed = true and evt.rawres = -2",
				    "{\"errno\":2,\"fd\":null}"), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.arg.flags = O_RDONLY|O_CLOEXEC", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.arg.flags contains O_TRUNC and evt.is_open_write = true",
				    "{\"flags\":577}"), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.is_open_create = true", "{\"flags\":577}"), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.type = creat", "{\"syscall\":\"creat\"}"), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.type = openat and evt.is_io_uring = true and not fd.num exists",
				    "{\"syscall\":\"io_uring_enter\",\"fd\":null}"), 1);
	ck_assert_int_eq(MATCH_OPEN("evt.type = open_exec and evt.is_open_exec = true",
				    "{\"syscall\":\"execve\",\"is_exec\":true}"), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.directory = /etc and fd.filename = shadow and fd.typechar = f", NULL), 1);
	ck_assert_int_eq(MATCH_OPEN("fd.directory = /", "{\"path\":\"/x\"}"), 1);
	ck_assert_int_eq(MATCH_EXEC("evt.type = execveat", "{\"syscall\":\"execveat\"}"), 1);
	ck_assert_int_eq(MATCH_EXEC("evt.type = execve and evt.res = SUCCESS", NULL), 1);
}
END_TEST

START_TEST(test_proc_fields)
{
	ck_assert_int_eq(MATCH_EXEC("proc.name = bash and proc.exe = bash and proc.exepath = /usr/bin/bash", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.args = \"-c id\" and proc.cmdline = \"bash -c id\"", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.cwd = /root/", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.stdin.type = tty and proc.stdout.type = pipe and proc.stderr.type = file", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.tty = 0", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.tty != 0 and proc.ttyname = pts/2",
				    "{\"tty_dev\":34818,\"tty\":\"pts/2\"}"), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.is_sid_leader = true and proc.sid = 100",
				    "{\"session_leader\":true}"), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.is_container_entry = true and proc.vpid = 1",
				    "{\"parent_other_pidns\":true,\"vpid\":1}"), 1);
	ck_assert_int_eq(MATCH_EXEC("proc.ns.pid = 4026531836 and proc.ns.mnt = 1 and proc.in_init_pidns = true", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("user.uid = 0 and user.name = root and user.loginuid = -1 and group.gid = 0", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("user.loginname exists", NULL), 0);
	ck_assert_int_eq(MATCH_EXEC("proc.is_exe_from_memfd = true",
				    "{\"exe\":\"/memfd:x (deleted)\",\"exe_memfd\":true}"), 1);
	/* The name alone proves nothing: any file can be called that. */
	ck_assert_int_eq(MATCH_EXEC("proc.is_exe_from_memfd = true",
				    "{\"exe\":\"/memfd:x (deleted)\"}"), 0);
}
END_TEST

START_TEST(test_container_fields)
{
	const char *docker = "{\"cgroup\":\"/system.slice/docker-"
		"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789.scope\","
		"\"ns\":{\"pid\":4026532200}}";

	ck_assert_int_eq(MATCH_EXEC("container.id = host and container.type = host", NULL), 1);
	ck_assert_int_eq(MATCH_EXEC("container.id = abcdef012345 and container.type = docker", docker), 1);
	/* not in the initial pid namespace and no runtime cgroup: unknown */
	ck_assert_int_eq(MATCH_EXEC("container.id exists", "{\"ns\":{\"pid\":7}}"), 0);
	/* no metadata provider: name and image are missing */
	ck_assert_int_eq(MATCH_EXEC("container.name exists or container.image exists", docker), 0);
}
END_TEST

START_TEST(test_evttype_index)
{
	struct saker_engine *e = tl_engine(
		"- rule: o\n  desc: d\n  condition: evt.type in (open, openat) and fd.name exists\n"
		"  output: o\n  priority: INFO\n"
		"- rule: x\n  desc: d\n  condition: evt.type = execve and not proc.name = zsh\n"
		"  output: o\n  priority: INFO\n"
		"- rule: n\n  desc: d\n  condition: not evt.type = execve and proc.name = bash\n"
		"  output: o\n  priority: INFO\n");
	const struct saker_rule_info *r;

	ck_assert_int_eq(saker_engine_error_count(e), 0);
	r = saker_engine_rule(e, 0);
	ck_assert_str_eq(r->evttypes, "open,openat");
	r = saker_engine_rule(e, 1);
	ck_assert_str_eq(r->evttypes, "execve");
	r = saker_engine_rule(e, 2);
	ck_assert_ptr_nonnull(strstr(r->evttypes, "execveat"));
	ck_assert_ptr_null(strstr(r->evttypes, "execve,"));
	saker_engine_free(e);
}
END_TEST

START_TEST(test_match_modes_and_priority)
{
	const char *yaml =
		"- rule: a\n  desc: d\n  condition: evt.type = openat\n  output: a\n  priority: NOTICE\n"
		"- rule: b\n  desc: d\n  condition: evt.type = openat\n  output: b\n  priority: CRITICAL\n";
	struct saker_engine *e;
	char *ev = tl_event(tl_base_open, NULL);

	e = tl_engine(yaml);
	ck_assert_int_eq(tl_run(e, ev), 1);
	ck_assert_str_eq(tl_last_rule, "a");
	saker_engine_free(e);

	e = saker_engine_new();
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	saker_engine_load_buffer(e, "t.yaml", yaml, strlen(yaml));
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(tl_run(e, ev), 2);
	ck_assert_str_eq(tl_last_rule, "b");
	saker_engine_free(e);

	e = saker_engine_new();
	saker_engine_set_min_priority(e, SAKER_PRIO_WARNING);
	saker_engine_load_buffer(e, "t.yaml", yaml, strlen(yaml));
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(tl_run(e, ev), 1);
	ck_assert_str_eq(tl_last_rule, "b");
	ck_assert_int_eq(saker_engine_rule(e, 0)->state, SAKER_RULE_BELOW_PRIO);
	saker_engine_free(e);
	free(ev);
}
END_TEST

START_TEST(test_output_format)
{
	struct saker_engine *e = tl_engine(
		"- rule: a\n  desc: d\n  condition: evt.type = openat\n"
		"  output: >\n    file=%fd.name (%proc.name) %(user.uid) pname=%proc.pname 100%% done.\n"
		"  priority: NOTICE\n");
	char *ev = tl_event(tl_base_open, NULL);

	ck_assert_int_eq(tl_run(e, ev), 1);
	ck_assert_str_eq(tl_last_output, "file=/etc/shadow (cat) 1000 pname=<NA> 100% done.");
	free(ev);
	saker_engine_free(e);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("rules_ops");
	TCase *tc = tcase_create("ops");

	tcase_add_test(tc, test_eq_ne);
	tcase_add_test(tc, test_numeric_order);
	tcase_add_test(tc, test_string_ops);
	tcase_add_test(tc, test_regex_whole_string);
	tcase_add_test(tc, test_in_intersects_pmatch);
	tcase_add_test(tc, test_exists_and_missing);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_transformers);
	tcase_add_test(tc, test_val);
	tcase_add_test(tc, test_event_fields);
	tcase_add_test(tc, test_proc_fields);
	tcase_add_test(tc, test_container_fields);
	tcase_add_test(tc, test_evttype_index);
	tcase_add_test(tc, test_match_modes_and_priority);
	tcase_add_test(tc, test_output_format);
	tcase_add_test(tc, test_proc_name_through_proc_self_exe);
	suite_add_tcase(s, tc);
	return s;
}
