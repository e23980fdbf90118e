// SPDX-License-Identifier: GPL-2.0
/* Loader: lists, macros, rules, append/override per key, exceptions in
 * both forms, requirements, sources, and error/warning reporting. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rules_testlib.h"
#include "check_main.h"

static struct saker_engine *load2(const char *a, const char *b)
{
	struct saker_engine *e = saker_engine_new();

	saker_engine_load_buffer(e, "a.yaml", a, strlen(a));
	if (b)
		saker_engine_load_buffer(e, "b.yaml", b, strlen(b));
	saker_engine_compile(e);
	return e;
}

static int run_exec(struct saker_engine *e, const char *override)
{
	char *ev = tl_event(tl_base_exec, override);
	int n = tl_run(e, ev);

	free(ev);
	return n;
}

#define RULE(name, cond) \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: INFO\n"

static const char *const base =
	"- list: shells\n  items: [bash, sh]\n"
	"- macro: spawned\n  condition: evt.type = execve\n"
	RULE("r", "spawned and proc.name in (shells)");

START_TEST(test_basic_and_list_append)
{
	struct saker_engine *e = load2(base, NULL);

	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, NULL), 1);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 0);
	saker_engine_free(e);
	e = load2(base, "- list: shells\n  items: [zsh]\n  append: true\n");
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 1);
	ck_assert_int_eq(run_exec(e, NULL), 1);
	saker_engine_free(e);
	e = load2(base, "- list: shells\n  items: [zsh]\n  override:\n    items: append\n");
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 1);
	saker_engine_free(e);
	e = load2(base, "- list: shells\n  items: [zsh]\n  override:\n    items: replace\n");
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 1);
	ck_assert_int_eq(run_exec(e, NULL), 0);
	saker_engine_free(e);
	/* redefinition replaces */
	e = load2(base, "- list: shells\n  items: [ksh]\n");
	ck_assert_int_eq(run_exec(e, NULL), 0);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_nested_lists_and_quotes)
{
	struct saker_engine *e = load2(
		"- list: a\n  items: [bash]\n"
		"- list: b\n  items: [a, '\"(systemd)\"', \"runc:[1:CHILD]\"]\n"
		RULE("r", "evt.type = execve and proc.name in (b, \"a\")"), NULL);

	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, NULL), 1);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"(systemd)\"}"), 1);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"runc:[1:CHILD]\"}"), 1);
	/* "a" quoted is the literal a, not the list */
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"a\"}"), 1);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"b\"}"), 0);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_macro_override_later_file)
{
	struct saker_engine *e;

	/* a macro redefined in a later file applies to earlier rules */
	e = load2(base, "- macro: spawned\n  condition: evt.type = open\n");
	ck_assert_int_eq(run_exec(e, NULL), 0);
	saker_engine_free(e);
	e = load2(base, "- macro: spawned\n  condition: and proc.pid = 100\n  append: true\n");
	ck_assert_int_eq(run_exec(e, NULL), 1);
	ck_assert_int_eq(run_exec(e, "{\"pid\":101}"), 0);
	saker_engine_free(e);
	e = load2(base, "- macro: spawned\n  condition: and proc.pid = 7\n"
		  "  override:\n    condition: append\n");
	ck_assert_int_eq(run_exec(e, NULL), 0);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_rule_append_override)
{
	struct saker_engine *e;

	e = load2(base, "- rule: r\n  condition: and proc.pid = 7\n  append: true\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, NULL), 0);
	ck_assert_int_eq(run_exec(e, "{\"pid\":7}"), 1);
	saker_engine_free(e);
	e = load2(base, "- rule: r\n  condition: evt.type = execve\n  priority: ALERT\n"
		  "  override:\n    condition: replace\n    priority: replace\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 1);
	ck_assert_int_eq(saker_engine_rule(e, 0)->priority, SAKER_PRIO_ALERT);
	saker_engine_free(e);
	e = load2(base, "- rule: r\n  tags: [x]\n  override:\n    tags: append\n");
	ck_assert_int_eq(saker_engine_rule(e, 0)->ntags, 1);
	saker_engine_free(e);
	/* priority cannot be appended; keys must be listed in override */
	e = load2(base, "- rule: r\n  priority: ALERT\n  override:\n    priority: append\n");
	ck_assert(tl_has_code(e, "E-OVERRIDE", NULL, NULL));
	saker_engine_free(e);
	e = load2(base, "- rule: r\n  priority: ALERT\n  desc: x\n  override:\n    priority: replace\n");
	ck_assert(tl_has_code(e, "E-OVERRIDE", NULL, NULL));
	saker_engine_free(e);
	e = load2(base, "- rule: nope\n  condition: and x\n  append: true\n");
	ck_assert(tl_has_code(e, "E-NO-BASE", NULL, NULL));
	saker_engine_free(e);
}
END_TEST

START_TEST(test_enabled_and_redefinition_order)
{
	struct saker_engine *e;

	e = load2(base, "- rule: r\n  enabled: false\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(saker_engine_rule(e, 0)->state, SAKER_RULE_DISABLED);
	ck_assert_int_eq(run_exec(e, NULL), 0);
	saker_engine_free(e);
	/* redefinition replaces in place: r stays before s */
	e = load2(RULE("r", "evt.type = execve") RULE("s", "evt.type = execve"),
		  RULE("r", "evt.type = execve and proc.pid = 100"));
	ck_assert_int_eq(saker_engine_rule_count(e), 2);
	ck_assert_str_eq(saker_engine_rule(e, 0)->name, "r");
	ck_assert_int_eq(run_exec(e, NULL), 1);
	ck_assert_str_eq(tl_last_rule, "r");
	ck_assert_int_eq(run_exec(e, "{\"pid\":5}"), 1);
	ck_assert_str_eq(tl_last_rule, "s");
	saker_engine_free(e);
}
END_TEST

START_TEST(test_exceptions)
{
	const char *rule =
		"- list: okimg\n  items: [nginx]\n"
		"- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
		"  exceptions:\n"
		"    - name: tuple\n      fields: [proc.name, proc.args]\n      comps: [=, startswith]\n"
		"      values:\n        - [bash, '-c i']\n"
		"    - name: single\n      fields: proc.pid\n      comps: in\n      values: [7, 8]\n"
		"    - name: defcomps\n      fields: [proc.name, user.uid]\n"
		"      values: [[zsh, 0]]\n"
		"    - name: listref\n      fields: [proc.name]\n      comps: [in]\n"
		"      values: [[okimg]]\n";
	struct saker_engine *e = load2(rule, NULL);

	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, NULL), 0);				/* tuple */
	ck_assert_int_eq(run_exec(e, "{\"args\":[\"bash\",\"-x\"]}"), 1);
	ck_assert_int_eq(run_exec(e, "{\"pid\":8,\"args\":[\"bash\"]}"), 0);	/* single */
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 0);		/* default = */
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\",\"uid\":1}"), 1);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"nginx\"}"), 0);		/* list */
	saker_engine_free(e);
	/* appending values to an existing exception, and a new one */
	e = load2(rule, "- rule: r\n  exceptions:\n    - name: single\n      values: [9]\n"
		  "    - name: more\n      fields: proc.name\n      values: [fish]\n"
		  "  override:\n    exceptions: append\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, "{\"pid\":9,\"args\":[\"bash\"]}"), 0);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"fish\"}"), 0);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"dash\"}"), 1);
	saker_engine_free(e);
	/* tuple of the wrong size */
	e = load2("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		  "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.name, proc.pid]\n"
		  "      values: [[bash]]\n", NULL);
	ck_assert(tl_has_code(e, "E-EXCEPTION", NULL, NULL));
	saker_engine_free(e);
	e = load2("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		  "  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.name, proc.pid]\n"
		  "      comps: [=]\n", NULL);
	ck_assert(tl_has_code(e, "E-EXCEPTION", NULL, NULL));
	saker_engine_free(e);
}
END_TEST

START_TEST(test_errors_positions)
{
	unsigned int line, col;
	struct saker_engine *e;

	e = load2("- rule: r\n  desc: d\n  condition: >\n    evt.type = execve and\n"
		  "    proc.nme = bash\n  output: o\n  priority: INFO\n", NULL);
	ck_assert(tl_has_code(e, "E-UNKNOWN-FIELD", &line, &col));
	ck_assert_uint_eq(line, 5);
	ck_assert_uint_eq(col, 5);
	saker_engine_free(e);
	e = load2(RULE("r", "evt.type = execve and (proc.name = bash"), NULL);
	ck_assert(tl_has_code(e, "E-SYNTAX", &line, &col));
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 36);
	saker_engine_free(e);
	e = load2("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		  "  priority: SEVERE\n" RULE("s", "nosuchmacro"), NULL);
	/* the first error stops the file: s is never loaded */
	ck_assert(tl_has_code(e, "E-PRIORITY", &line, &col));
	ck_assert_uint_eq(line, 5);
	ck_assert(!tl_has_code(e, "E-UNDEFINED", NULL, NULL));
	ck_assert_int_eq(saker_engine_rule_count(e), 1);
	saker_engine_free(e);
	e = load2("- rule: [unclosed\n", RULE("s", "nosuchmacro"));
	ck_assert(tl_has_code(e, "E-YAML", NULL, NULL));
	ck_assert(tl_has_code(e, "E-UNDEFINED", NULL, NULL));	/* other files go on */
	saker_engine_free(e);
	e = load2("- macro: m\n  condition: m and evt.type = open\n" RULE("s", "m"), NULL);
	ck_assert(tl_has_code(e, "E-MACRO", NULL, NULL));
	saker_engine_free(e);
	e = load2("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n", NULL);
	ck_assert(tl_has_code(e, "E-MISSING-KEY", NULL, NULL));
	saker_engine_free(e);
}
END_TEST

/* The reload alert's reason: the first error's diagnostic line, not a warning. */
START_TEST(test_first_error)
{
	struct saker_engine *e;
	char buf[256];

	e = load2(RULE("r", "evt.type = execve and proc.name = bash"), NULL);
	ck_assert_ptr_null(saker_engine_first_error(e, buf, sizeof(buf)));
	saker_engine_free(e);
	e = load2(RULE("r", "evt.type = execve and (proc.name = bash"),
		  RULE("s", "nosuchmacro"));
	ck_assert_ptr_eq(saker_engine_first_error(e, buf, sizeof(buf)), buf);
	ck_assert_msg(!strncmp(buf, "a.yaml:3:36: error E-SYNTAX: ", 29), "got '%s'", buf);
	/* truncated, still terminated */
	ck_assert_ptr_eq(saker_engine_first_error(e, buf, 8), buf);
	ck_assert_str_eq(buf, "a.yaml:");
	saker_engine_free(e);
}
END_TEST

/* A transformed field whose text is longer than the slot name buffer:
 * an error for that rule, not a write past the buffer (ASan checks). */
START_TEST(test_long_transformed_field)
{
	char cond[1024], yaml[2048];
	struct saker_engine *e;
	int n;

	n = snprintf(cond, sizeof(cond), "evt.type = execve and tolower(evt.arg.");
	memset(cond + n, 'a', 497);
	snprintf(cond + n + 497, sizeof(cond) - (size_t)n - 497, ") = x");
	snprintf(yaml, sizeof(yaml), RULE("r", "%s"), cond);
	e = load2(yaml, NULL);
	ck_assert_uint_gt(saker_engine_error_count(e), 0);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_warnings_and_skips)
{
	struct saker_engine *e;

	e = load2("- required_engine_version: 0.10.0\n"
		  "- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n"
		  "    - name: k8saudit\n      version: 0.1.0\n"
		  "- rule: a\n  desc: d\n  condition: ka.verb = get\n  output: o\n"
		  "  priority: INFO\n  source: k8s_audit\n"
		  "- rule: b\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: INFO\n"
		  "- rule: c\n  desc: d\n  condition: evt.type = execve and bogus.field = 1\n"
		  "  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n"
		  "- rule: d\n  desc: d\n  condition: proc.name = bash\n  output: o\n  priority: INFO\n"
		  "- rule: e\n  desc: d\n  condition: proc.name = bash\n  output: o\n  priority: INFO\n"
		  "  warn_evttypes: false\n  unknown_key: 1\n", NULL);
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert(tl_has_code(e, "W-PLUGIN", NULL, NULL));
	ck_assert_int_eq(saker_engine_rule(e, 0)->state, SAKER_RULE_SKIPPED);
	ck_assert_int_eq(saker_engine_rule(e, 1)->state, SAKER_RULE_SKIPPED);
	ck_assert_ptr_nonnull(strstr(saker_engine_rule(e, 1)->reason, "connect"));
	ck_assert_int_eq(saker_engine_rule(e, 2)->state, SAKER_RULE_SKIPPED);
	ck_assert_int_eq(saker_engine_rule(e, 3)->state, SAKER_RULE_ACTIVE);
	ck_assert(tl_has_code(e, "W-EVTTYPES", NULL, NULL));
	ck_assert(tl_has_code(e, "W-UNKNOWN-KEY", NULL, NULL));
	saker_engine_free(e);
	e = load2("- required_engine_version: 99.0.0\n", NULL);
	ck_assert(tl_has_code(e, "E-ENGINE-VERSION", NULL, NULL));
	saker_engine_free(e);
	e = load2("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		  "  priority: high\n", NULL);
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert(tl_has_code(e, "W-PRIORITY", NULL, NULL));
	ck_assert_int_eq(saker_engine_rule(e, 0)->priority, SAKER_PRIO_ERROR);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_priorities_case)
{
	static const char *const p[] = { "emergency", "ALERT", "Critical", "error",
		"WARNING", "notice", "informational", "info", "DEBUG" };
	enum saker_prio v;
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		ck_assert_int_eq(saker_prio_parse(p[i], &v), 0);
	ck_assert_int_eq(saker_prio_parse("info", &v), 0);
	ck_assert_int_eq(v, SAKER_PRIO_INFORMATIONAL);
	ck_assert_int_ne(saker_prio_parse("urgent", &v), 0);
}
END_TEST

START_TEST(test_directory_order)
{
	char dir[] = "/tmp/saker-rules-XXXXXX";
	char path[256];
	struct saker_engine *e;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/20-b.yml", dir);
	f = fopen(path, "w");
	fputs("- list: l\n  items: [sh]\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/10-a.yaml", dir);
	f = fopen(path, "w");
	fputs("- list: l\n  items: [bash]\n" RULE("r", "evt.type = execve and proc.name in (l)")
	      "---\n" RULE("r2", "evt.type = execve and proc.name = nothing"), f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/30-ignored.txt", dir);
	f = fopen(path, "w");
	fputs("garbage: [", f);
	fclose(f);
	e = saker_engine_new();
	ck_assert_int_eq(saker_engine_load_path(e, dir), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_engine_rule_count(e), 2);
	/* 20-b.yml loaded after 10-a.yaml: l is [sh] */
	ck_assert_int_eq(run_exec(e, NULL), 0);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"sh\"}"), 1);
	saker_engine_free(e);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* The diagnostics as sakerd prints them, in a malloc'd string. */
static char *diags_text(struct saker_engine *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	saker_engine_print_diags(e, f);
	fclose(f);
	return buf;
}

/* A socket at path, bound and left so; its fd is returned. */
static int bind_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/*
 * A FIFO (no writer), a device, a socket or a directory where a rule file is
 * expected: refused at once, naming the file, never a blocked open. In a
 * rules directory they are skipped with a warning, as Falco skips them.
 */
START_TEST(test_not_regular_files)
{
	char dir[] = "/tmp/saker-rules-XXXXXX";
	char fifo[256], sock[256], sub[256], path[256], buf[512], *text;
	struct saker_engine *e;
	int sfd;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/10-fifo.yaml", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	snprintf(sock, sizeof(sock), "%s/20-sock.yaml", dir);
	sfd = bind_socket(sock);
	snprintf(sub, sizeof(sub), "%s/30-sub.yaml", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/40-rules.yaml", dir);
	f = fopen(path, "w");
	fputs(RULE("r", "evt.type = execve"), f);
	fclose(f);

	/* named directly: an error that names the file */
	e = saker_engine_new();
	ck_assert_int_eq(saker_engine_load_path(e, fifo), -EINVAL);
	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
	ck_assert_msg(strstr(buf, "10-fifo.yaml: not a regular file"), "got '%s'", buf);
	ck_assert(tl_has_code(e, "E-IO", NULL, NULL));
	saker_engine_free(e);
	e = saker_engine_new();
	ck_assert_int_eq(saker_engine_load_path(e, "/dev/null"), -EINVAL);
	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "error E-IO: /dev/null: not a regular file");
	saker_engine_free(e);
	e = saker_engine_new();
	ck_assert_int_eq(saker_engine_load_path(e, sock), -EINVAL);
	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
	ck_assert_msg(strstr(buf, "20-sock.yaml: not a regular file"), "got '%s'", buf);
	saker_engine_free(e);

	/* in a directory: skipped with a warning each, the rest loads */
	e = saker_engine_new();
	ck_assert_int_eq(saker_engine_load_path(e, dir), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(saker_engine_warning_count(e), 3);
	ck_assert_int_eq(saker_engine_rule_count(e), 1);
	text = diags_text(e);
	ck_assert_msg(strstr(text, "10-fifo.yaml: not a regular file: skipped"), "got '%s'", text);
	ck_assert_msg(strstr(text, "20-sock.yaml: not a regular file: skipped"), "got '%s'", text);
	ck_assert_msg(strstr(text, "30-sub.yaml: not a regular file: skipped"), "got '%s'", text);
	ck_assert_ptr_nonnull(strstr(text, "warning W-NOT-REGULAR"));
	free(text);
	saker_engine_free(e);

	close(sfd);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* 100k nested '[' fail at once, at the first node deeper than 64 levels. */
START_TEST(test_nesting_depth)
{
	size_t n = 100000, pre = strlen("- rule: ");
	char *y = malloc(pre + n + 2), buf[256];
	struct saker_engine *e;
	struct timespec t0, t1;

	ck_assert_ptr_nonnull(y);
	memcpy(y, "- rule: ", pre);
	memset(y + pre, '[', n);
	memcpy(y + pre + n, "\n", 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = load2(y, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_lt((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec),
			 1000000000L);
	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "a.yaml:1:72: error E-YAML: YAML nesting too deep (more than 64 levels)");
	saker_engine_free(e);
	free(y);
}
END_TEST

/*
 * libyaml's reader errors (a NUL byte, invalid UTF-8) are reported where
 * they are, not at 1:1: the reader gives an offset, not a mark.
 */
START_TEST(test_read_error_position)
{
	static const char nul[] = "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name = a\0b\n"
				  "  output: o\n  priority: INFO\n";
	static const char utf8[] = "- rule: r\n  desc: d\n  condition: evt.type = execve\n"
				   "  output: \"\xc3\xa9t\xc3\xa9 \xff\"\n  priority: INFO\n";
	struct saker_engine *e = saker_engine_new();
	unsigned int line, col;
	char buf[256];

	saker_engine_load_buffer(e, "nul.yaml", nul, sizeof(nul) - 1);
	ck_assert(tl_has_code(e, "E-YAML", &line, &col));
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 49);
	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "nul.yaml:3:49: error E-YAML: YAML input: control characters are "
			 "not allowed (byte 0x00)");
	saker_engine_free(e);
	/* columns count characters: "\xc3\xa9" is one */
	e = saker_engine_new();
	saker_engine_load_buffer(e, "utf8.yaml", utf8, sizeof(utf8) - 1);
	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "utf8.yaml:4:16: error E-YAML: YAML input: invalid leading UTF-8 "
			 "octet (byte 0xff)");
	saker_engine_free(e);
}
END_TEST

/*
 * A rule using macro m01, m01 using m02 ... up to mN, whose condition is
 * last: the rules' yaml, names "macro_with_a_long_name_NN".
 */
static char *macro_chain(int n, const char *last)
{
	char *y = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&y, &len);
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = n; i >= 1; i--) {
		fprintf(f, "- macro: macro_with_a_long_name_%02d\n  condition: ", i);
		if (i == n)
			fprintf(f, "%s\n", last);
		else
			fprintf(f, "macro_with_a_long_name_%02d\n", i + 1);
	}
	fputs(RULE("r", "evt.type = execve and macro_with_a_long_name_01"), f);
	fclose(f);
	return y;
}

static void first_error(const char *yaml, char *buf, size_t size)
{
	struct saker_engine *e = load2(yaml, NULL);

	ck_assert_ptr_nonnull(saker_engine_first_error(e, buf, size));
	saker_engine_free(e);
}

#define LONG(n) "macro_with_a_long_name_" #n

/*
 * A long macro chain does not push the reason out of the 1 KB message: the
 * innermost macro and its reason come first, the middle of the chain is
 * elided.
 */
START_TEST(test_macro_chain_message)
{
	char buf[4096], *y;

	y = macro_chain(50, "proc.nosuchfield = 1");
	first_error(y, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.yaml:2:14: error E-UNKNOWN-FIELD: macro '" LONG(50) "': "
			 "unknown field 'proc.nosuchfield' (in rule 'r' via " LONG(01) " > " LONG(02)
			 " > ... 45 more ... > " LONG(48) " > " LONG(49) ")");
	free(y);
	/* the innermost macro does not parse: its own reason, at the use */
	y = macro_chain(50, "proc.name = (");
	first_error(y, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.yaml:2:26: error E-SYNTAX: macro '" LONG(50) "': "
			 "expected a string value or a transformer");
	free(y);
	/* Falco reports a macro that does not parse once, at the macro (conformance suite) */
	/* short chains are named in full */
	y = macro_chain(1, "proc.nosuchfield = 1");
	first_error(y, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.yaml:2:14: error E-UNKNOWN-FIELD: macro '" LONG(01) "': "
			 "unknown field 'proc.nosuchfield' (in rule 'r')");
	free(y);
	y = macro_chain(6, "proc.nosuchfield = 1");
	first_error(y, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.yaml:2:14: error E-UNKNOWN-FIELD: macro '" LONG(06) "': "
			 "unknown field 'proc.nosuchfield' (in rule 'r' via " LONG(01) " > " LONG(02)
			 " > " LONG(03) " > " LONG(04) " > " LONG(05) ")");
	free(y);
	y = macro_chain(7, "proc.nosuchfield = 1");
	first_error(y, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.yaml:2:14: error E-UNKNOWN-FIELD: macro '" LONG(07) "': "
			 "unknown field 'proc.nosuchfield' (in rule 'r' via " LONG(01) " > " LONG(02)
			 " > ... 2 more ... > " LONG(05) " > " LONG(06) ")");
	free(y);
	/* in the rule itself: as before */
	first_error(RULE("r", "evt.type = execve and proc.nosuchfield = 1"), buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.yaml:3:36: error E-UNKNOWN-FIELD: rule 'r': unknown field "
			 "'proc.nosuchfield'");
}
END_TEST

/*
 * An exception's values live in a list of their own: freed with the
 * engine, when the rule is redefined, when its exceptions are replaced and
 * after values were appended (LeakSanitizer, in the ASan run, checks it).
 */
START_TEST(test_exception_values_freed)
{
	static const char base_rule[] =
		"- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
		"  exceptions:\n"
		"    - name: names\n      fields: proc.name\n      values: [a, b, c, d, e, f, g, h, i]\n"
		"    - name: pairs\n      fields: [proc.name, proc.pid]\n"
		"      values: [[x, 1], [y, 2], [z, 3]]\n";
	static const char *const later[] = {
		/* values appended to an existing exception, and a new one */
		"- rule: r\n  exceptions:\n    - name: names\n      values: [j, k, l, m, n, o, p, q]\n"
		"    - name: more\n      fields: proc.pid\n      comps: in\n      values: [7, 8, 9]\n"
		"  override:\n    exceptions: append\n",
		/* the old form of the same */
		"- rule: r\n  exceptions:\n    - name: pairs\n      values: [[w, 4]]\n  append: true\n",
		/* exceptions replaced */
		"- rule: r\n  exceptions:\n    - name: other\n      fields: proc.name\n      values: [zsh]\n"
		"  override:\n    exceptions: replace\n",
		/* the whole rule redefined */
		RULE("r", "evt.type = execve"),
	};
	struct saker_engine *e;
	size_t i;

	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		e = load2(base_rule, later[i]);
		ck_assert_msg(saker_engine_error_count(e) == 0, "case %zu", i);
		saker_engine_free(e);
	}
	e = load2(base_rule, later[0]);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"m\"}"), 0);	/* appended value */
	ck_assert_int_eq(run_exec(e, "{\"pid\":8,\"comm\":\"zsh\"}"), 0);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 1);
	saker_engine_free(e);
	/* one engine, rules redefined many times over: nothing piles up */
	e = saker_engine_new();
	for (i = 0; i < 50; i++) {
		saker_engine_load_buffer(e, "a.yaml", base_rule, sizeof(base_rule) - 1);
		saker_engine_load_buffer(e, "b.yaml", later[i % 4], strlen(later[i % 4]));
	}
	ck_assert_int_eq(saker_engine_compile(e), 0);
	saker_engine_free(e);
}
END_TEST

/* Falco's loader semantics and warnings (tests/conformance has the full set). */
START_TEST(test_falco_append_and_sources)
{
	struct saker_engine *e;
	unsigned int line, col;

	/* append: true ignores enabled; the deprecation points at the append key */
	e = load2(RULE("r", "evt.type = execve") "  enabled: false\n"
		  "- rule: r\n  condition: and proc.name = bash\n  append: true\n  enabled: true\n",
		  NULL);
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert(tl_has_code(e, "W-DEPRECATED", &line, &col));
	ck_assert_uint_eq(line, 9);
	ck_assert_uint_eq(col, 11);
	ck_assert_int_eq(saker_engine_rule(e, 0)->state, SAKER_RULE_DISABLED);
	saker_engine_free(e);
	/* another source in an append: E-SOURCE at its value; an empty one loads */
	e = load2(RULE("r", "evt.type = execve"),
		  "- rule: r\n  condition: and proc.name = bash\n  source: k8s_audit\n"
		  "  override:\n    condition: append\n");
	ck_assert(tl_has_code(e, "E-SOURCE", &line, &col));
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 11);
	saker_engine_free(e);
	e = load2(RULE("r", "evt.type = execve"),
		  "- rule: r\n  condition: and proc.name = bash\n  source: \"\"\n  append: true\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert_int_eq(run_exec(e, NULL), 1);
	ck_assert_int_eq(run_exec(e, "{\"comm\":\"zsh\"}"), 0);
	saker_engine_free(e);
}
END_TEST

START_TEST(test_falco_lint_warnings)
{
	struct saker_engine *e;
	unsigned int line, col;

	e = load2("- list: spare\n  items: [a]\n"
		  "- macro: idle\n  condition: evt.type = execve\n"
		  RULE("r", "evt.type = execve and proc.name = proc.pname and proc.exe regex bash"),
		  NULL);
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert(tl_has_code(e, "W-UNUSED-LIST", &line, NULL));
	ck_assert_uint_eq(line, 1);
	ck_assert(tl_has_code(e, "W-UNUSED-MACRO", &line, NULL));
	ck_assert_uint_eq(line, 3);
	/* the caret is under the value: "  condition: " is 13 columns */
	ck_assert(tl_has_code(e, "W-LITERAL-FIELD", &line, &col));
	ck_assert_uint_eq(line, 7);
	ck_assert_uint_eq(col, 14 + strlen("evt.type = execve and proc.name = "));
	ck_assert(tl_has_code(e, "W-REGEX", NULL, NULL));
	saker_engine_free(e);
	/* with an error anywhere, Falco reports nothing about unused items */
	e = load2("- list: spare\n  items: [a]\n", RULE("r", "evt.type = execve and nosuch"));
	ck_assert_int_gt(saker_engine_error_count(e), 0);
	ck_assert(!tl_has_code(e, "W-UNUSED-LIST", NULL, NULL));
	saker_engine_free(e);
	/* a macro sees only the macros before it; rules see them all */
	e = load2("- macro: a\n  condition: b\n- macro: b\n  condition: evt.type = execve\n"
		  RULE("r", "b"), NULL);
	ck_assert(tl_has_code(e, "E-UNDEFINED", &line, &col));
	ck_assert_uint_eq(line, 2);
	ck_assert_uint_eq(col, 14);
	saker_engine_free(e);
	/* two exceptions of one name; an appended one without values */
	e = load2(RULE("r", "evt.type = execve") "  exceptions:\n"
		  "    - name: x\n      fields: proc.name\n      values: [a]\n"
		  "    - name: x\n      fields: proc.exe\n      values: [b]\n",
		  "- rule: r\n  exceptions:\n    - name: x\n      value: c\n  append: true\n");
	ck_assert_int_eq(saker_engine_error_count(e), 0);
	ck_assert(tl_has_code(e, "W-EXCEPTION-DUP", &line, NULL));
	ck_assert_uint_eq(line, 10);
	ck_assert(tl_has_code(e, "W-EXCEPTION-NO-VALUES", &line, NULL));
	ck_assert_uint_eq(line, 3);
	saker_engine_free(e);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("rules_load");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_basic_and_list_append);
	tcase_add_test(tc, test_nested_lists_and_quotes);
	tcase_add_test(tc, test_macro_override_later_file);
	tcase_add_test(tc, test_rule_append_override);
	tcase_add_test(tc, test_enabled_and_redefinition_order);
	tcase_add_test(tc, test_exceptions);
	tcase_add_test(tc, test_errors_positions);
	tcase_add_test(tc, test_first_error);
	tcase_add_test(tc, test_long_transformed_field);
	tcase_add_test(tc, test_warnings_and_skips);
	tcase_add_test(tc, test_priorities_case);
	tcase_add_test(tc, test_directory_order);
	tcase_add_test(tc, test_not_regular_files);
	tcase_add_test(tc, test_nesting_depth);
	tcase_add_test(tc, test_read_error_position);
	tcase_add_test(tc, test_macro_chain_message);
	tcase_add_test(tc, test_exception_values_freed);
	tcase_add_test(tc, test_falco_append_and_sources);
	tcase_add_test(tc, test_falco_lint_warnings);
	suite_add_tcase(s, tc);
	return s;
}
