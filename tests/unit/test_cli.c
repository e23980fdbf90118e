// SPDX-License-Identifier: GPL-2.0
/*
 * The programs' command lines as a user types them: sakerd and sakerctl of
 * this build are run (SAKER_BUILD) and their output and exit status
 * checked. Nothing here needs the kernel module.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/version.h"
#include "kmod/uapi/saker.h"
#include "check_main.h"

#ifndef SAKER_TOP
#define SAKER_TOP "."
#endif
#ifndef SAKER_BUILD
#define SAKER_BUILD SAKER_TOP "/build"
#endif

static char out[65536];

/* Runs "sh -c CMD" from the source tree, stdout and stderr into out; the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && B='%s' && (%s) 2>&1", SAKER_TOP,
		 SAKER_BUILD, cmd);
	p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	while (n < sizeof(out) - 1) {
		size_t got = fread(out + n, 1, sizeof(out) - 1 - n, p);

		if (!got)
			break;
		n += got;
	}
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

START_TEST(test_version)
{
	char want[128];

	snprintf(want, sizeof(want), "sakerd %s\nmodule ABI %d\n", saker_version(),
		 SAKER_ABI_VERSION);
	ck_assert_int_eq(run("$B/sakerd --version"), 0);
	ck_assert_str_eq(out, want);
	snprintf(want, sizeof(want), "sakerctl %s\nmodule ABI %d\n", saker_version(),
		 SAKER_ABI_VERSION);
	ck_assert_int_eq(run("$B/sakerctl --version"), 0);
	ck_assert_str_eq(out, want);
}
END_TEST

/* One version: dkms.conf's, the module's MODULE_VERSION and the man pages'. */
START_TEST(test_version_one_source)
{
	ck_assert_str_ne(saker_version(), "unknown");
	ck_assert_int_eq(run("sed -n 's/^PACKAGE_VERSION=\"\\(.*\\)\"/\\1/p' dkms.conf"), 0);
	ck_assert_str_eq(strtok(out, "\n"), saker_version());
	ck_assert_int_eq(run("sed -n 's/^#define SAKER_MODULE_VERSION\\t*\"\\(.*\\)\"/\\1/p' kmod/saker.h"), 0);
	ck_assert_str_eq(strtok(out, "\n"), saker_version());
	ck_assert_int_eq(run("for m in man/*.[58]; do sed -n 's/^\\.TH .*\"saker \\([^\"]*\\)\".*/\\1/p' $m; done | sort -u"), 0);
	ck_assert_str_eq(strtok(out, "\n"), saker_version());
	ck_assert_ptr_null(strtok(NULL, "\n"));
}
END_TEST

/* A rule file with one rule whose output holds %container.info. */
#define INFO_RULES "printf '%%b' '- rule: Shell\\n  desc: a shell\\n  condition: evt.type = execve and proc.name = sh\\n  output: \"shell %%container.info (pid=%%proc.pid)\"\\n  priority: WARNING\\n  tags: [t1, t2]\\n' >\"$T/r.yaml\""

static char tmpdir[64];

static void make_tmp(void)
{
	strcpy(tmpdir, "/tmp/saker-cli.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("T", tmpdir, 1);
}

static void remove_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* -l RULE describes one loaded rule; an unknown one is exit 1. */
START_TEST(test_describe_rule)
{
	make_tmp();
	ck_assert_int_eq(run(INFO_RULES), 0);
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml -l Shell"), 0);
	ck_assert_ptr_nonnull(strstr(out, "rule:        Shell\ndescription: a shell\npriority:    Warning\n"));
	ck_assert_ptr_nonnull(strstr(out, "tags:        t1, t2\nstate:       active\n"));
	ck_assert_ptr_nonnull(strstr(out, "/r.yaml:1\n"));
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml --describe-rule Nope"), 1);
	ck_assert_str_eq(out, "sakerd: no rule 'Nope' in the loaded rules\n");
	remove_tmp();
}
END_TEST

/*
 * -p is Falco's output format: appended to each output, or in place of
 * %container.info for -pc/-pk; a bare priority (saker's old -p) is
 * refused, --min-priority takes it.
 */
START_TEST(test_print_format)
{
	static const char ev[] = "printf '%%s\\n' '{\"type\":\"exec\",\"ts\":1,\"time\":1000000000,\"cpu\":0,\"tid\":9,\"pid\":9,\"ppid\":1,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"comm\":\"sh\",\"filename\":\"/bin/sh\",\"exe\":\"/bin/sh\",\"args\":[\"sh\"],\"cwd\":\"/\"}' >\"$T/e.jsonl\"";

	make_tmp();
	ck_assert_int_eq(run(INFO_RULES), 0);
	ck_assert_int_eq(run(ev), 0);
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml --replay $T/e.jsonl -p 'x=%%proc.name' 2>/dev/null"), 0);
	ck_assert_msg(strstr(out, "Warning shell  (pid=9) x=sh\n") != NULL, "%s", out);
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml --replay $T/e.jsonl -pc 2>/dev/null"), 0);
	ck_assert_msg(strstr(out, "Warning shell container_id=<NA> container_image=<NA> container_image_tag=<NA> container_name=<NA> (pid=9)\n") != NULL,
		      "%s", out);
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml --replay $T/e.jsonl -pkg 2>/dev/null"), 0);
	ck_assert_msg(strstr(out, "Warning shell k8s_ns=<NA> k8s_pod_name=<NA> container_id=<NA>") != NULL,
		      "%s", out);
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml -p warning -n"), 2);
	ck_assert_ptr_nonnull(strstr(out, "use --min-priority warning"));
	ck_assert_int_eq(run("$B/sakerd -q -r $T/r.yaml --min-priority error -L"), 0);
	ck_assert_ptr_nonnull(strstr(out, "below-priority"));
	remove_tmp();
}
END_TEST

/* --list is Falco's field list; --dry-run is -n. */
START_TEST(test_list_and_dry_run)
{
	make_tmp();
	ck_assert_int_eq(run("$B/sakerd --list | grep -c '^proc.name '"), 0);
	ck_assert_str_eq(out, "1\n");
	ck_assert_int_eq(run("$B/sakerd --list=syscall | grep -c '^fd.name '"), 0);
	ck_assert_int_eq(run("$B/sakerd --list k8s_audit"), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown event source 'k8s_audit'"));
	ck_assert_int_eq(run(INFO_RULES), 0);
	ck_assert_int_eq(run(": > $T/empty.yaml && $B/sakerd -c $T/empty.yaml -r $T/r.yaml --dry-run -o kernel.open_filter=false"), 0);
	ck_assert_ptr_nonnull(strstr(out, "configuration OK"));
	remove_tmp();
}
END_TEST

/* --support: JSON; rules_digest is `sha256sum FILES | sha256sum`. */
START_TEST(test_support)
{
	char digest[100];

	make_tmp();
	ck_assert_int_eq(run(INFO_RULES " && cp \"$T/r.yaml\" \"$T/s.yaml\" && mkdir \"$T/d\" && echo '- list: x\n  items: []' > \"$T/d/a.yaml\""), 0);
	ck_assert_int_eq(run("cd \"$T\" && sha256sum r.yaml d/a.yaml | sha256sum | cut -d' ' -f1"), 0);
	snprintf(digest, sizeof(digest), "\"rules_digest\": \"%.64s\"", out);
	ck_assert_int_eq(run("cd \"$T\" && printf 'priority: debug\\n' > c.yaml && %s/sakerd --support -c c.yaml -r r.yaml -r d", SAKER_BUILD), 0);
	ck_assert_msg(strstr(out, digest) != NULL, "%s\n%s", digest, out);
	ck_assert_ptr_nonnull(strstr(out, "\"version\": \"" ));
	ck_assert_ptr_nonnull(strstr(out, "\"release\": "));
	ck_assert_ptr_nonnull(strstr(out, "\"content\": \"priority: debug\\n\""));
	ck_assert_ptr_nonnull(strstr(out, "\"name\": \"d/a.yaml\""));
	ck_assert_ptr_nonnull(strstr(out, "\"config_warnings\": []"));
	remove_tmp();
}
END_TEST

/*
 * The man pages name only what is installed: every /etc/saker path they
 * mention exists after `make install`, and none points into the source
 * tree (docs/, config/, *.md), which a installed host does not have.
 */
START_TEST(test_man_pages_name_installed_files)
{
	make_tmp();
	ck_assert_int_eq(run("make -s -o $B/sakerd -o $B/sakerctl BUILD=$B install DESTDIR=$T/root PREFIX=/usr >$T/install.log 2>&1 || cat $T/install.log"), 0);
	ck_assert_str_eq(out, "");
	/*
	 * /etc/saker/certs/ is the exception: http_output's default CA
	 * directory and client certificate (Falco's /etc/falco/certs/), the
	 * administrator's own files, which no package can ship; saker.yaml(5)
	 * says so in FILES.
	 */
	ck_assert_int_eq(run("grep -ho '/etc/saker/[A-Za-z0-9_./-]*' man/* | sed 's/[.]$//' | sort -u | "
			     "grep -v '^/etc/saker/certs/' | "
			     "while read p; do [ -e \"$T/root$p\" ] || echo \"not installed: $p\"; done"), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(run("grep -c 'the administrator.s own' man/saker.yaml.5"), 0);
	ck_assert_str_eq(out, "1\n");
	ck_assert_int_eq(run("grep -n 'docs/\\|config/\\|[a-z]\\.md\\b\\|tests/' man/* || true"), 0);
	ck_assert_str_eq(out, "");
	/* and the pages they refer to are installed too */
	ck_assert_int_eq(run("grep -ho '^\\.BR [a-z.]*[a-z] ([58])' man/* | sed 's/^.BR //; s/ (\\(.\\))/.\\1/' | sort -u | "
			     "while read m; do s=${m##*.}; [ -e \"$T/root/usr/share/man/man$s/$m\" ] || echo \"no page $m\"; done"), 0);
	ck_assert_str_eq(out, "");
	remove_tmp();
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("version");

	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_version_one_source);
	suite_add_tcase(s, tc);
	tc = tcase_create("falco_flags");
	tcase_add_test(tc, test_describe_rule);
	tcase_add_test(tc, test_print_format);
	tcase_add_test(tc, test_list_and_dry_run);
	tcase_add_test(tc, test_support);
	tcase_add_test(tc, test_man_pages_name_installed_files);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
