// SPDX-License-Identifier: GPL-2.0
/*
 * Outputs end to end, local side: a local syslog datagram socket, the file
 * output with logrotate's rename + reopen and ENOSPC, the program output
 * (kept alive: cat, respawn, SIGPIPE; once per alert: one whole alert per
 * run, a slow program, a failing one), a stalled stdout that must not stall emit() or
 * close(), every output at once, and concurrent producers. Remote syslog is
 * in test_syslog_remote.c. Every wait is bounded and waits for a condition.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "outputs_testlib.h"
#include "check_main.h"

/* ---- local syslog ------------------------------------------------------ */

START_TEST(local_syslog_datagrams)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct saker_outputs_config c = {
		/* the local records take local_facility (user), not the remote's local0 */
		.syslog_enabled = true, .facility = 16, .local_facility = 1, .app_name = "saker",
		.hostname = "h",
	};
	struct saker_alert_msg am = {
		.time_ns = T0 + 1, .rule = "Test rule", .priority = SAKER_PRIO_WARNING,
		.source = "syscall", .output = "alert id=1" FORGED,
	};
	struct saker_outputs *o;
	char buf[4096], *text, *want;
	int fd, i;

	setenv("TZ", "UTC", 1);
	tzset();
	make_tmpdir();
	tmp_path(sa.sun_path, sizeof(sa.sun_path), "log");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	c.syslog_path = sa.sun_path;
	o = new_outputs(&c);
	for (i = 0; i < 3; i++)
		emit_id(o, i, i == 1 ? FORGED : NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	ck_assert_uint_eq(stats(o, 0).sent, 3);
	text = saker_format_text(&am);
	want = saker_format_rfc3164(&am, "saker", 1, (int)getpid(), text);
	for (i = 0; i < 3; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

		ck_assert_int_gt(n, 0);
		buf[n] = '\0';
		ck_assert_ptr_null(strchr(buf, '\n'));
		ck_assert(!strncmp(buf, "<12>Nov 22 19:31:36 saker[", 26));
		if (i == 1)
			ck_assert_str_eq(buf, want);
	}
	ck_assert_int_lt(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 0);
	/* syslogd gone: counted as errors, reported once. */
	close(fd);
	unlink(sa.sun_path);
	emit_id(o, 3, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	ck_assert_uint_eq(stats(o, 0).dropped_error, 1);
	saker_outputs_free(o, 1000);
	free(text);
	free(want);
	rmdir(tmpdir);
}
END_TEST

/* The local record is capped too (max_message_size), visibly and counted. */
START_TEST(local_syslog_long_record_cut)
{
	static char big[3001];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct saker_outputs_config c = {
		.syslog_enabled = true, .facility = 1, .app_name = "saker",
		.syslog_max_len = 700,
	};
	const char *mark = SAKER_SYSLOG_TRUNC_MARK;
	struct saker_outputs *o;
	char buf[8192];
	ssize_t n;
	int fd;

	memset(big, 'y', sizeof(big) - 1);
	make_tmpdir();
	tmp_path(sa.sun_path, sizeof(sa.sun_path), "log");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	c.syslog_path = sa.sun_path;
	o = new_outputs(&c);
	emit_id(o, 0, big);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	ck_assert_uint_eq(stats(o, 0).sent, 1);
	ck_assert_uint_eq(stats(o, 0).truncated, 1);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ck_assert_int_eq(n, 700);
	buf[n] = '\0';
	ck_assert_str_eq(buf + 700 - strlen(mark), mark);
	ck_assert_ptr_nonnull(strstr(buf, "alert id=0yyy"));
	saker_outputs_free(o, 1000);
	close(fd);
	unlink(sa.sun_path);
	rmdir(tmpdir);
}
END_TEST

/* ---- file -------------------------------------------------------------- */

START_TEST(file_create_append_reopen)
{
	struct saker_outputs_config c = { .file_enabled = true, .queue_size = 16 };
	char path[128], old[128], *s;
	struct saker_outputs *o;
	const char *p;
	struct stat sb;

	umask(0);
	make_tmpdir();
	tmp_path(path, sizeof(path), "alerts.log");
	tmp_path(old, sizeof(old), "alerts.log.1");
	c.file_path = path;
	o = new_outputs(&c);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	emit_id(o, 1, "\nforged line");
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	/* logrotate: rename, then signal; the next alert goes to a new file. */
	ck_assert_int_eq(rename(path, old), 0);
	saker_outputs_reopen(o);
	emit_id(o, 2, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	saker_outputs_free(o, 1000);
	s = slurp(old);
	ck_assert_str_eq(s, "2026-11-22T19:31:36.123456790Z: Warning alert id=1\\x0aforged line\n");
	free(s);
	s = slurp(path);
	ck_assert_str_eq(s, "2026-11-22T19:31:36.123456791Z: Warning alert id=2\n");
	free(s);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	/* Appends: a restart keeps what is there. JSON lines this time. */
	c.json = true;
	c.json_include_output = true;
	o = new_outputs(&c);
	emit_id(o, 3, NULL);
	saker_outputs_free(o, 1000);
	s = slurp(path);
	p = "2026-11-22T19:31:36.123456791Z: Warning alert id=2\n{\"hostname\":";
	ck_assert_msg(!strncmp(s, p, strlen(p)), "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "\"output\":\"2026-11-22T19:31:36.123456792Z: "
				     "Warning alert id=3\""));
	ck_assert_int_eq(s[strlen(s) - 1], '\n');
	free(s);
	unlink(path);
	unlink(old);
	rmdir(tmpdir);
}
END_TEST

START_TEST(file_enospc_counted_reported_once)
{
	struct saker_outputs_config c = { .file_enabled = true, .file_path = "/dev/full" };
	char errpath[128], *s, *p;
	struct saker_outputs *o;
	int saved, fd, i, n = 0;

	make_tmpdir();
	tmp_path(errpath, sizeof(errpath), "stderr");
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	o = new_outputs(&c);
	for (i = 0; i < 5; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	ck_assert_uint_eq(stats(o, 0).dropped_error, 5);
	ck_assert_uint_eq(stats(o, 0).sent, 0);
	saker_outputs_free(o, 1000);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	s = slurp(errpath);
	for (p = s; (p = strstr(p, "file output")); p++)
		n++;
	ck_assert_msg(n == 1, "reported %d times: %s", n, s);
	ck_assert_ptr_nonnull(strstr(s, "No space left on device"));
	free(s);
	unlink(errpath);
	rmdir(tmpdir);
}
END_TEST

START_TEST(new_errors)
{
	struct saker_outputs_config c = { .file_enabled = true,
					  .file_path = "/nonexistent/dir/x.log" };
	struct saker_outputs *o = NULL;
	char err[256];

	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "file_output: /nonexistent/dir/x.log"));
	ck_assert_ptr_null(o);
	memset(&c, 0, sizeof(c));
	c.remote_enabled = true;
	c.remote_host = "127.0.0.1";
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "remote_syslog_output"));
	c.remote_port = "514";
	c.facility = 24;
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "facility"));
	memset(&c, 0, sizeof(c));
	c.program_enabled = true;
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	/* Nothing enabled is valid: emit() is a no-op. */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(saker_outputs_new(&o, &c, NULL, 0), 0);
	ck_assert_uint_eq(saker_outputs_count(o), 0);
	emit_id(o, 0, NULL);
	saker_outputs_free(o, 0);
}
END_TEST

/* ---- program ----------------------------------------------------------- */

START_TEST(program_cat_lines)
{
	struct saker_outputs_config c = { .program_enabled = true, .queue_size = 64,
					  .program_keep_alive = true };
	char path[128], prog[256], line[64], *s, *p;
	struct saker_outputs *o;
	int i;

	make_tmpdir();
	tmp_path(path, sizeof(path), "out");
	snprintf(prog, sizeof(prog), "cat > '%s'", path);
	c.program = prog;
	o = new_outputs(&c);
	for (i = 0; i < 50; i++)
		emit_id(o, i, i == 7 ? FORGED : NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	ck_assert_uint_eq(stats(o, 0).sent, 50);
	/* free() closes the pipe and waits for cat to finish writing. */
	saker_outputs_free(o, 1000);
	s = slurp(path);
	ck_assert_ptr_nonnull(s);
	p = s;
	for (i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), ": Warning alert id=%d", i);
		p = strstr(p, line);
		ck_assert_msg(p, "line %d missing", i);
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
	}
	ck_assert_uint_eq(count_lines(path), 50);
	free(s);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

START_TEST(program_respawn)
{
	struct saker_outputs_config c = { .program_enabled = true, .queue_size = 8,
					  .program_keep_alive = true };
	char path[128], prog[256];
	struct lines_arg la;
	struct saker_output_stats st;
	struct saker_outputs *o;
	int i;

	make_tmpdir();
	tmp_path(path, sizeof(path), "out");
	/* Takes one line, closes its stdin, then records it and exits. */
	snprintf(prog, sizeof(prog), "read l; exec 0<&-; echo \"$l\" >> '%s'", path);
	c.program = prog;
	o = new_outputs(&c);
	la.path = path;
	for (i = 0; i < 3; i++) {
		emit_id(o, i, NULL);
		la.n = (size_t)i + 1;
		ck_assert(wait_for(has_lines, &la, 1500));
	}
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 3);
	ck_assert_uint_eq(st.dropped_error, 0);
	ck_assert_uint_eq(st.reconnects, 2);
	saker_outputs_free(o, 1000);
	ck_assert_uint_eq(count_lines(path), 3);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

static bool exists(void *arg)
{
	return access(arg, F_OK) == 0;
}

START_TEST(program_dead_no_sigpipe)
{
	struct saker_outputs_config c = { .program_enabled = true, .queue_size = 8,
					  .program_keep_alive = true };
	char path[128], prog[256];
	struct saker_output_stats st;
	struct saker_outputs *o;

	/* Default SIGPIPE disposition: only the writer's mask protects us. */
	signal(SIGPIPE, SIG_DFL);
	make_tmpdir();
	tmp_path(path, sizeof(path), "mark");
	snprintf(prog, sizeof(prog), "exec 0<&-; touch '%s'", path);
	c.program = prog;
	o = new_outputs(&c);
	ck_assert(wait_for(exists, path, 1500));
	emit_id(o, 0, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1500), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent + st.dropped_error, 1);
	ck_assert_uint_ge(st.reconnects, 1);
	saker_outputs_free(o, 500);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

/* keep_alive false (Falco's default): one run per alert, the alert alone on
 * its stdin, then EOF (what `curl -d @- URL` needs to post it). */
START_TEST(program_once_per_alert)
{
	struct saker_outputs_config c = { .program_enabled = true, .queue_size = 64 };
	char prog[256], path[400], line[64];
	struct saker_output_stats st;
	struct saker_outputs *o;
	bool seen[20] = { false };
	struct dirent *d;
	size_t runs = 0;
	DIR *dir;
	int i;

	make_tmpdir();
	snprintf(prog, sizeof(prog), "cat > \"$(mktemp '%s/run.XXXXXX')\"", tmpdir);
	c.program = prog;
	o = new_outputs(&c);
	for (i = 0; i < 20; i++)
		emit_id(o, i, i == 3 ? FORGED : NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 20);
	ck_assert_uint_eq(st.dropped_error + st.dropped_queue, 0);
	/* A run per alert is not a respawn. */
	ck_assert_uint_eq(st.reconnects, 0);
	saker_outputs_free(o, 1000);
	dir = opendir(tmpdir);
	ck_assert_ptr_nonnull(dir);
	while ((d = readdir(dir))) {
		char *text, *id;

		if (strncmp(d->d_name, "run.", 4))
			continue;
		runs++;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, d->d_name);
		/* Exactly one whole line per run. */
		ck_assert_uint_eq(count_lines(path), 1);
		text = slurp(path);
		id = strstr(text, "alert id=");
		ck_assert_ptr_nonnull(id);
		i = atoi(id + 9);
		ck_assert_int_ge(i, 0);
		ck_assert_int_lt(i, 20);
		ck_assert(!seen[i]);
		seen[i] = true;
		snprintf(line, sizeof(line), ": Warning alert id=%d", i);
		ck_assert_ptr_nonnull(strstr(text, line));
		ck_assert_int_eq(text[strlen(text) - 1], '\n');
		free(text);
		unlink(path);
	}
	closedir(dir);
	ck_assert_uint_eq(runs, 20);
	rmdir(tmpdir);
}
END_TEST

/* A slow program: the queue takes the wait, the rest is counted, emit()
 * and close() stay quick. */
START_TEST(program_once_slow_bounded)
{
	struct saker_outputs_config c = { .program_enabled = true, .queue_size = 4 };
	char prog[256], path[128];
	struct saker_output_stats st;
	struct saker_outputs *o;
	uint64_t t0, took;
	int i;

	make_tmpdir();
	tmp_path(path, sizeof(path), "out");
	snprintf(prog, sizeof(prog), "sleep 0.2; cat >> '%s'", path);
	c.program = prog;
	o = new_outputs(&c);
	t0 = now_ms();
	for (i = 0; i < 30; i++)
		emit_id(o, i, NULL);
	took = now_ms() - t0;
	ck_assert_msg(took < 100, "emit took %llu ms", (unsigned long long)took);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent + st.dropped_queue, 30);
	ck_assert_uint_ge(st.dropped_queue, 25);
	ck_assert_uint_eq(count_lines(path), st.sent);
	/* A run in progress at close: stopped within the grace, not waited for. */
	emit_id(o, 99, NULL);
	msleep(20);
	t0 = now_ms();
	saker_outputs_free(o, 0);
	took = now_ms() - t0;
	ck_assert_msg(took < 1000, "close took %llu ms", (unsigned long long)took);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

/* A run that fails (curl could not post, say) counts its alert. */
START_TEST(program_once_failure_counted)
{
	struct saker_outputs_config c = { .program_enabled = true, .queue_size = 8,
					  .program = "cat > /dev/null; exit 3" };
	struct saker_output_stats st;
	struct saker_outputs *o;
	int i;

	o = new_outputs(&c);
	for (i = 0; i < 3; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 5000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.dropped_error, 3);
	ck_assert_uint_eq(st.sent, 0);
	saker_outputs_free(o, 500);
}
END_TEST

/* ---- stdout, all at once, concurrency ---------------------------------- */

START_TEST(stdout_blocked_close_bounded)
{
	static char pad[6001];
	struct saker_outputs_config c = { .stdout_enabled = true, .queue_size = 16 };
	struct saker_output_stats st;
	struct saker_outputs *o;
	int pfd[2], saved, i;
	uint64_t t;

	memset(pad, 'p', sizeof(pad) - 1);
	ck_assert_int_eq(pipe(pfd), 0);
	saved = dup(STDOUT_FILENO);
	dup2(pfd[1], STDOUT_FILENO);
	o = new_outputs(&c);
	/* fd 1's file description is shared: its flags must stay as they were. */
	ck_assert_int_eq(fcntl(STDOUT_FILENO, F_GETFL) & O_NONBLOCK, 0);
	t = now_ms();
	for (i = 0; i < 10000; i++)
		emit_id(o, i, pad);
	ck_assert_msg(now_ms() - t < 1500, "emits took %llu ms",
		      (unsigned long long)(now_ms() - t));
	t = now_ms();
	/* The writer waits for room in the pipe; close() must not wait with it. */
	saker_outputs_close(o, 100);
	ck_assert_msg(now_ms() - t < 1000, "close took %llu ms",
		      (unsigned long long)(now_ms() - t));
	st = stats(o, 0);
	/* Each alert is counted once. "queued" is non-zero only when a busy
	 * host kept the writer in write() past the grace and it was left
	 * behind with its queue: reported as still queued, not as dropped. */
	ck_assert_uint_eq(st.sent + st.dropped_queue + st.dropped_error + st.queued, 10000);
	ck_assert_uint_gt(st.dropped_queue, 9000);
	saker_outputs_free(o, 0);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(pfd[0]);
	close(pfd[1]);
}
END_TEST

START_TEST(all_outputs_together)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 20 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char port[16], path[128], outp[128], catp[128], prog[256];
	struct saker_outputs_config c;
	struct saker_outputs *o;
	int saved, fd, lfd, i, nlocal = 0;
	char buf[8192];
	struct rx r;
	uint64_t t;

	make_tmpdir();
	tmp_path(path, sizeof(path), "file");
	tmp_path(outp, sizeof(outp), "stdout");
	tmp_path(catp, sizeof(catp), "cat");
	tmp_path(sa.sun_path, sizeof(sa.sun_path), "log");
	snprintf(prog, sizeof(prog), "cat > '%s'", catp);
	lfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	rx_start(&r, false, 0, &m, 0, true);
	c = remote_cfg(false, r.port, port);
	c.json = true;
	c.json_include_output = true;
	c.json_include_tags = true;
	c.stdout_enabled = c.file_enabled = c.syslog_enabled = c.program_enabled = true;
	c.file_path = path;
	c.syslog_path = sa.sun_path;
	c.program = prog;
	c.program_keep_alive = true;
	fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	o = new_outputs(&c);
	ck_assert_uint_eq(saker_outputs_count(o), 5);
	for (i = 0; i < 20; i++)
		emit_id(o, i, NULL);
	/* The local socket holds 10 datagrams (max_dgram_qlen): the writer
	 * waits for room instead of dropping, so read while flushing. */
	t = now_ms();
	while (saker_outputs_flush(o, 5) && now_ms() - t < 1500)
		while (recv(lfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			nlocal++;
	while (recv(lfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		nlocal++;
	ck_assert_int_eq(nlocal, 20);
	for (size_t k = 0; k < 5; k++) {
		struct saker_output_stats st = stats(o, k);

		ck_assert_msg(st.sent == 20, "%s sent %llu", st.name,
			      (unsigned long long)st.sent);
	}
	ck_assert_str_eq(stats(o, 0).name, "stdout");
	ck_assert_str_eq(stats(o, 1).name, "file");
	ck_assert_str_eq(stats(o, 2).name, "syslog");
	ck_assert_str_eq(stats(o, 3).name, "remote_syslog");
	ck_assert_str_eq(stats(o, 4).name, "program");
	saker_outputs_free(o, 1000);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	ck_assert(wait_for(has_msgs, &want, 1000));
	rx_stop(&r, 'f');
	ck_assert_uint_eq(count_lines(outp), 20);
	ck_assert_uint_eq(count_lines(path), 20);
	ck_assert_uint_eq(count_lines(catp), 20);
	/* JSON travels as the syslog MSG too. */
	ck_assert_ptr_nonnull(strstr(m.v[0], "] {\"hostname\":\"test-host\""));
	check_ids(&m, 20, 1);
	msgs_free(&m);
	close(lfd);
	unlink(sa.sun_path);
	unlink(path);
	unlink(outp);
	unlink(catp);
	rmdir(tmpdir);
}
END_TEST

struct producer {
	struct saker_outputs *o;
	int base;
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (int i = 0; i < 2500; i++)
		emit_id(p->o, p->base + i, NULL);
	return NULL;
}

START_TEST(concurrent_producers)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct saker_outputs_config c;
	struct saker_output_stats st[2];
	struct producer pr[4];
	pthread_t th[4];
	struct saker_outputs *o;
	char port[16], path[128];
	struct rx r;
	int i;

	make_tmpdir();
	tmp_path(path, sizeof(path), "file");
	rx_start(&r, true, 0, &m, 0, true);
	c = remote_cfg(true, r.port, port);
	c.queue_size = 512;
	c.file_enabled = true;
	c.file_path = path;
	o = new_outputs(&c);
	for (i = 0; i < 4; i++) {
		pr[i] = (struct producer){ o, i * 2500 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, produce, &pr[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1500), 0);
	st[0] = stats(o, 0);
	st[1] = stats(o, 1);
	saker_outputs_free(o, 1000);
	rx_stop(&r, 'f');
	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(st[i].sent + st[i].dropped_queue + st[i].dropped_error,
				  10000);
		ck_assert_uint_eq(st[i].queued, 0);
		ck_assert_uint_eq(st[i].dropped_error, 0);
	}
	ck_assert_uint_eq(count_lines(path), st[0].sent);
	ck_assert_uint_eq(m.n, st[1].sent);
	unlink(path);
	rmdir(tmpdir);
	msgs_free(&m);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("outputs");
	TCase *tc = tcase_create("local");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, local_syslog_datagrams);
	tcase_add_test(tc, local_syslog_long_record_cut);
	tcase_add_test(tc, file_create_append_reopen);
	tcase_add_test(tc, file_enospc_counted_reported_once);
	tcase_add_test(tc, new_errors);
	tcase_add_test(tc, program_cat_lines);
	tcase_add_test(tc, program_respawn);
	tcase_add_test(tc, program_dead_no_sigpipe);
	tcase_add_test(tc, program_once_per_alert);
	tcase_add_test(tc, program_once_slow_bounded);
	tcase_add_test(tc, program_once_failure_counted);
	tcase_add_test(tc, stdout_blocked_close_bounded);
	tcase_add_test(tc, all_outputs_together);
	tcase_add_test(tc, concurrent_producers);
	suite_add_tcase(s, tc);
	return s;
}
