// SPDX-License-Identifier: GPL-2.0
/* Process table: fork/exec/exit sequences, threads, ancestors through the
 * engine, the bound and its eviction count, seeding from a fake /proc. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules_testlib.h"
#include "check_main.h"

static void apply(struct saker_proctable *pt, const char *base, const char *override)
{
	static uint64_t rec[8192];
	char *json = tl_event(base, override);
	struct saker_event ev;
	char jerr[SAKER_REPLAY_ERRLEN];
	const char *err = NULL;
	size_t used;
	long len;

	len = saker_json_to_record(json, strlen(json), rec, sizeof(rec), NULL, jerr, sizeof(jerr));
	ck_assert_msg(len > 0, "json_to_record: %s", jerr);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &ev, &used, &err), SAKER_DECODE_EVENT);
	saker_proctable_pre(pt, &ev);
	saker_proctable_post(pt, &ev);
	free(json);
}

#define FORK(pid, ppid) "{\"type\":\"fork\",\"pid\":" #pid ",\"tid\":" #pid ",\"ppid\":" #ppid \
	",\"parent_tid\":" #ppid ",\"thread\":false}"
#define EXIT(pid) "{\"type\":\"exit\",\"pid\":" #pid ",\"tid\":" #pid ",\"exit_code\":0,\"group_dead\":true}"

START_TEST(test_fork_exec_exit)
{
	struct saker_proctable *pt = saker_proctable_new(0);
	const struct saker_proc *p, *c;

	apply(pt, tl_base_exec, "{\"pid\":10,\"ppid\":1,\"comm\":\"bash\",\"args\":[\"bash\",\"-l\"]}");
	apply(pt, tl_base_open, FORK(11, 10));
	p = saker_proctable_get(pt, 10);
	c = saker_proctable_get(pt, 11);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->ppid, 10);
	/* a fork shares the parent's image until it execs */
	ck_assert_ptr_eq(c->img, p->img);
	ck_assert_uint_eq(p->img->refs, 2);
	apply(pt, tl_base_exec, "{\"pid\":11,\"ppid\":10,\"comm\":\"ls\",\"args\":[\"ls\",\"-la\"],\"exe\":\"/bin/ls\"}");
	c = saker_proctable_get(pt, 11);
	ck_assert_ptr_ne(c->img, p->img);
	ck_assert_str_eq(c->img->exe, "/bin/ls");
	ck_assert_str_eq(c->comm, "ls");
	ck_assert_uint_eq(p->img->refs, 1);
	/* a thread: no new process; its exit (not group_dead) removes nothing */
	apply(pt, tl_base_open, "{\"type\":\"fork\",\"pid\":11,\"tid\":12,\"ppid\":10,\"parent_tid\":11,\"thread\":true}");
	ck_assert_ptr_null(saker_proctable_get(pt, 12));
	apply(pt, tl_base_open, "{\"type\":\"exit\",\"pid\":11,\"tid\":12,\"exit_code\":0,\"group_dead\":false}");
	ck_assert_ptr_nonnull(saker_proctable_get(pt, 11));
	ck_assert_uint_eq(saker_proctable_count(pt), 2);
	apply(pt, tl_base_open, EXIT(11));
	ck_assert_ptr_null(saker_proctable_get(pt, 11));
	apply(pt, tl_base_open, EXIT(10));
	ck_assert_uint_eq(saker_proctable_count(pt), 0);
	/* exit of an unknown pid is harmless */
	apply(pt, tl_base_open, EXIT(99));
	ck_assert_uint_eq(saker_proctable_evicted(pt), 0);
	saker_proctable_free(pt);
}
END_TEST

START_TEST(test_bound_and_eviction)
{
	struct saker_proctable *pt = saker_proctable_new(3);

	apply(pt, tl_base_exec, "{\"pid\":1,\"ppid\":0,\"comm\":\"init\"}");
	apply(pt, tl_base_open, FORK(2, 1));
	apply(pt, tl_base_open, FORK(3, 1));
	ck_assert_uint_eq(saker_proctable_count(pt), 3);
	/* forking 4 touches its parent 1: the least recently active is 2 */
	apply(pt, tl_base_open, FORK(4, 1));
	ck_assert_uint_eq(saker_proctable_count(pt), 3);
	ck_assert_uint_eq(saker_proctable_evicted(pt), 1);
	ck_assert_ptr_null(saker_proctable_get(pt, 2));
	ck_assert_ptr_nonnull(saker_proctable_get(pt, 1));
	ck_assert_ptr_nonnull(saker_proctable_get(pt, 3));
	ck_assert_ptr_nonnull(saker_proctable_get(pt, 4));
	/* an exit frees room: no eviction for the next one */
	apply(pt, tl_base_open, EXIT(3));
	apply(pt, tl_base_open, FORK(5, 4));
	ck_assert_uint_eq(saker_proctable_evicted(pt), 1);
	ck_assert_uint_eq(saker_proctable_max(pt), 3);
	saker_proctable_free(pt);
}
END_TEST

/* Writes a file under dir, creating parents. */
static void put(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void link_to(const char *dir, const char *name, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(symlink(target, path), 0);
}

/* One fake /proc/PID directory. */
static void fake_pid(const char *root, int pid, int ppid, int sid, int tty,
		     const char *comm, const char *cmdline, size_t cmdlen,
		     const char *cgroup, bool kthread)
{
	char dir[256], buf[1024];

	snprintf(dir, sizeof(dir), "%s/%d", root, pid);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(buf, sizeof(buf), "%d (%s) S %d %d %d %d -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 500 0 0\n",
		 pid, comm, ppid, pid, sid, tty);
	put(dir, "stat", buf, strlen(buf));
	put(dir, "cmdline", cmdline, cmdlen);
	if (kthread)
		return;
	snprintf(buf, sizeof(buf), "Name:\t%s\nNSpid:\t%d\t7\n", comm, pid);
	put(dir, "status", buf, strlen(buf));
	snprintf(buf, sizeof(buf), "0::%s\n", cgroup);
	put(dir, "cgroup", buf, strlen(buf));
	snprintf(buf, sizeof(buf), "/usr/bin/%s", comm);
	link_to(dir, "exe", buf);
	link_to(dir, "cwd", "/srv");
	snprintf(buf, sizeof(buf), "%s/fd", dir);
	mkdir(buf, 0755);
	link_to(dir, "fd/0", "/dev/pts/3");
	link_to(dir, "fd/1", "pipe:[1234]");
	link_to(dir, "fd/2", "socket:[99]");
	snprintf(buf, sizeof(buf), "%s/ns", dir);
	mkdir(buf, 0755);
	link_to(dir, "ns/pid", "pid:[4026532000]");
}

START_TEST(test_seed_from_fake_proc)
{
	char root[] = "/tmp/saker-proc-XXXXXX";
	struct saker_proctable *pt = saker_proctable_new(0);
	const struct saker_proc *p;
	struct saker_engine *e;
	char cmd[64];
	char *ev;

	ck_assert_ptr_nonnull(mkdtemp(root));
	fake_pid(root, 1, 0, 1, 0, "systemd", "/sbin/init\0splash\0", 18, "/init.scope", false);
	fake_pid(root, 2, 0, 0, 0, "kthreadd", "", 0, "/", true);
	fake_pid(root, 300, 1, 300, 34816, "sshd", "sshd: root", 10, "/system.slice/ssh.service", false);
	fake_pid(root, 400, 300, 400, 34819, "my (odd) name", "bash\0-i\0", 8,
		 "/system.slice/docker-" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" ".scope", false);
	snprintf(cmd, sizeof(cmd), "%s/self", root);
	mkdir(cmd, 0755);	/* not a pid: ignored */
	snprintf(cmd, sizeof(cmd), "%s/400", root);
	put(cmd, "environ", "HOME=/root\0LD_PRELOAD=/x.so\0", 28);
	{
		/* longer than the module keeps: cut the same way, and flagged */
		static char big[SAKER_ENV_MAX + 100];

		memset(big, 'x', sizeof(big));
		memcpy(big, "A=", 2);
		snprintf(cmd, sizeof(cmd), "%s/300", root);
		put(cmd, "environ", big, sizeof(big));
	}

	ck_assert_int_eq(saker_proctable_seed(pt, root), 3);
	ck_assert_ptr_null(saker_proctable_get(pt, 2));	/* kernel thread */
	p = saker_proctable_get(pt, 400);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->comm, "my (odd) name");
	ck_assert_uint_eq(p->ppid, 300);
	ck_assert_uint_eq(p->sid, 400);
	ck_assert_uint_eq(p->tty_dev, 34819);
	ck_assert_uint_eq(p->vpid, 7);
	ck_assert_uint_eq(p->pidns, 4026532000u);
	ck_assert_uint_eq(p->img->args_len, 8);
	ck_assert_mem_eq(p->img->args, "bash\0-i\0", 8);
	ck_assert_str_eq(p->img->exe, "/usr/bin/my (odd) name");
	ck_assert_str_eq(p->img->cwd, "/srv");
	ck_assert_str_eq(p->img->cid, "0123456789ab");
	ck_assert_uint_eq(p->img->env_len, 28);
	ck_assert_mem_eq(p->img->env, "HOME=/root\0LD_PRELOAD=/x.so\0", 28);
	ck_assert_uint_eq(p->img->exec_flags & SAKER_EXEC_ENV_TRUNCATED, 0);
	ck_assert_uint_eq(p->img->fd_kind[0], SAKER_FD_TTY);
	ck_assert_uint_eq(p->img->fd_kind[1], SAKER_FD_PIPE);
	ck_assert_uint_eq(p->img->fd_kind[2], SAKER_FD_SOCKET);
	/* cmdline without a final NUL (setproctitle) gets one */
	p = saker_proctable_get(pt, 300);
	ck_assert_uint_eq(p->img->args_len, 11);
	ck_assert_uint_eq(p->img->env_len, SAKER_ENV_MAX);
	ck_assert_int_eq(p->img->env[SAKER_ENV_MAX - 1], '\0');
	ck_assert_uint_ne(p->img->exec_flags & SAKER_EXEC_ENV_TRUNCATED, 0);
	ck_assert_uint_gt(p->start_ns, 0);
	/* seeded entries are not overwritten by a second pass */
	ck_assert_int_eq(saker_proctable_seed(pt, root), 0);

	/* an open by the seeded shell sees its parent and grandparent */
	e = tl_engine("- rule: r\n  desc: d\n  condition: evt.type = openat and proc.pname = sshd"
		      " and proc.aname[2] = systemd and proc.pcmdline startswith sshd"
		      " and proc.cmdline = \"cat /etc/shadow\"\n  output: o\n  priority: INFO\n");
	tl_use_proctable(e, pt);
	apply(pt, tl_base_exec, "{\"pid\":500,\"ppid\":400,\"comm\":\"cat\",\"args\":[\"cat\",\"/etc/shadow\"]}");
	ev = tl_event(tl_base_open, "{\"pid\":500,\"ppid\":400,\"comm\":\"cat\"}");
	ck_assert_int_eq(tl_run(e, ev), 0);	/* parent is "my (odd) name" */
	free(ev);
	ev = tl_event(tl_base_open, "{\"pid\":400,\"ppid\":300,\"comm\":\"cat\"}");
	apply(pt, tl_base_exec, "{\"pid\":400,\"ppid\":300,\"comm\":\"cat\",\"args\":[\"cat\",\"/etc/shadow\"]}");
	ck_assert_int_eq(tl_run(e, ev), 1);
	free(ev);
	saker_engine_free(e);
	saker_proctable_free(pt);
	pt = saker_proctable_new(1);
	ck_assert_int_eq(saker_proctable_seed(pt, "/nonexistent-proc"), -ENOENT);
	saker_proctable_free(pt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/*
 * /proc/PID/cgroup without a "0::" line (cgroup v1 only, or empty): no
 * cgroup and no container, and no arithmetic on a NULL path (the UBSan
 * run of clang's build checks it). A "0::" line after v1 lines is found.
 */
START_TEST(test_seed_cgroup_without_v2_line)
{
	static const char v1[] =
		"12:memory:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
		"1:name=systemd:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
	static const char mixed[] =
		"1:name=systemd:/init.scope\n"
		"0::/system.slice/docker-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope\n";
	char root[] = "/tmp/saker-proc-XXXXXX", dir[256], cmd[300];
	struct saker_proctable *pt = saker_proctable_new(0);
	const struct saker_proc *p;
	int pid;

	ck_assert_ptr_nonnull(mkdtemp(root));
	fake_pid(root, 10, 1, 10, 0, "v1only", "v1only", 7, "", false);
	fake_pid(root, 11, 1, 11, 0, "empty", "empty", 6, "", false);
	fake_pid(root, 12, 1, 12, 0, "nofile", "nofile", 7, "", false);
	fake_pid(root, 13, 1, 13, 0, "mixed", "mixed", 6, "", false);
	snprintf(dir, sizeof(dir), "%s/10", root);
	put(dir, "cgroup", v1, strlen(v1));
	snprintf(dir, sizeof(dir), "%s/11", root);
	put(dir, "cgroup", "", 0);
	snprintf(dir, sizeof(dir), "%s/12/cgroup", root);
	ck_assert_int_eq(unlink(dir), 0);
	snprintf(dir, sizeof(dir), "%s/13", root);
	put(dir, "cgroup", mixed, strlen(mixed));

	ck_assert_int_eq(saker_proctable_seed(pt, root), 4);
	for (pid = 10; pid <= 12; pid++) {
		p = saker_proctable_get(pt, (uint32_t)pid);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->img->cgroup_len, 0);
		ck_assert_str_eq(p->img->cgroup, "");
		ck_assert_str_eq(p->img->cid, "");
	}
	p = saker_proctable_get(pt, 13);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->img->cgroup, "/system.slice/docker-fedcba9876543210fedcba9876543210"
			 "fedcba9876543210fedcba9876543210.scope");
	ck_assert_str_eq(p->img->cid, "fedcba987654");
	saker_proctable_free(pt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

#define RULE_ANY "- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"

/* The rules only read the table; the track step is its one writer. */
START_TEST(test_engine_reads_only)
{
	struct saker_proctable *pt = saker_proctable_new(0);
	struct saker_engine *e = tl_engine(RULE_ANY);
	char *ev = tl_event(tl_base_exec, "{\"pid\":321}");
	static uint64_t rec[8192];
	struct saker_event dec;
	char jerr[SAKER_REPLAY_ERRLEN];
	const char *err = NULL;
	size_t used;
	long len;

	saker_engine_set_proctable(e, pt);
	len = saker_json_to_record(ev, strlen(ev), rec, sizeof(rec), NULL, jerr, sizeof(jerr));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(saker_decode(rec, (size_t)len, &dec, &used, &err), SAKER_DECODE_EVENT);
	ck_assert_int_eq(saker_engine_process(e, &dec, NULL, NULL), 1);
	ck_assert_uint_eq(saker_proctable_count(pt), 0);
	/* through the pipeline's step, the exec enters the table */
	tl_use_proctable(e, pt);
	ck_assert_int_eq(tl_run(e, ev), 1);
	ck_assert_ptr_nonnull(saker_proctable_get(pt, 321));
	free(ev);
	saker_engine_free(e);
	saker_proctable_free(pt);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("proctable");
	TCase *tc = tcase_create("proctable");

	tcase_add_test(tc, test_fork_exec_exit);
	tcase_add_test(tc, test_engine_reads_only);
	tcase_add_test(tc, test_bound_and_eviction);
	tcase_add_test(tc, test_seed_from_fake_proc);
	tcase_add_test(tc, test_seed_cgroup_without_v2_line);
	suite_add_tcase(s, tc);
	return s;
}
