// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify (daemon/notify.c): a datagram listener stands in for systemd,
 * named by NOTIFY_SOCKET as a path and as an abstract '@' name; what
 * arrives is what sakerd said. Unset, nothing is sent and nothing fails.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/notify.h"
#include "check_main.h"

/* A bound datagram socket for name (a path, or "@..." abstract). */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)), 0);
	return fd;
}

/* The next datagram, or "" when none is waiting. */
static const char *next_msg(int fd)
{
	static char buf[1100];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(test_unset_is_noop)
{
	struct saker_notify n;

	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(saker_notify_init(&n), 0);
	ck_assert(!n.on);
	ck_assert_int_eq(saker_notify_send(&n, "READY=1"), 0);
	ck_assert(!saker_notify_watchdog(&n, 1));
	saker_notify_close(&n);
}
END_TEST

/* An all-zero struct (a daemon built by memset) is off, never fd 0. */
START_TEST(test_zeroed_is_off)
{
	struct saker_notify n;

	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(saker_notify_send(&n, "READY=1"), 0);
	ck_assert_uint_eq(n.failed, 0);
}
END_TEST

static void ready_and_status(const char *name)
{
	struct saker_notify n;
	int fd = listener(name);

	setenv("NOTIFY_SOCKET", name, 1);
	unsetenv("WATCHDOG_USEC");
	ck_assert_int_eq(saker_notify_init(&n), 0);
	ck_assert(n.on);
	ck_assert_int_eq(saker_notify_sendf(&n, "READY=1\nSTATUS=running: %d rules", 7), 0);
	ck_assert_str_eq(next_msg(fd), "READY=1\nSTATUS=running: 7 rules");
	/* no WATCHDOG_USEC: no pings */
	ck_assert(!saker_notify_watchdog(&n, 10000000000ull));
	ck_assert_str_eq(next_msg(fd), "");
	saker_notify_close(&n);
	close(fd);
}

START_TEST(test_path_socket)
{
	char path[] = "/tmp/saker-notify-XXXXXX";
	int tmp = mkstemp(path);

	ck_assert_int_ge(tmp, 0);
	close(tmp);
	unlink(path);
	ready_and_status(path);
	unlink(path);
}
END_TEST

START_TEST(test_abstract_socket)
{
	char name[64];

	snprintf(name, sizeof(name), "@saker-notify-test-%d", (int)getpid());
	ready_and_status(name);
}
END_TEST

/* WATCHDOG=1 at half the period (less the loop's 1 s tick), not more often. */
START_TEST(test_watchdog_period)
{
	const uint64_t s = 1000000000ull;
	struct saker_notify n;
	char name[64], pid[32];
	int fd;

	snprintf(name, sizeof(name), "@saker-notify-wd-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	setenv("WATCHDOG_USEC", "10000000", 1);	/* 10 s: a ping every 4 s */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	ck_assert_int_eq(saker_notify_init(&n), 0);
	ck_assert_uint_eq(n.watchdog_ns, 10 * s);
	ck_assert(saker_notify_watchdog(&n, 100 * s));	/* the first tick pings */
	ck_assert_str_eq(next_msg(fd), "WATCHDOG=1");
	ck_assert(!saker_notify_watchdog(&n, 103 * s));
	ck_assert_str_eq(next_msg(fd), "");
	ck_assert(saker_notify_watchdog(&n, 104 * s));
	ck_assert_str_eq(next_msg(fd), "WATCHDOG=1");
	saker_notify_close(&n);
	/* A watchdog meant for another process (the unit's main pid) is not ours. */
	setenv("WATCHDOG_PID", "1", 1);
	ck_assert_int_eq(saker_notify_init(&n), 0);
	ck_assert_uint_eq(n.watchdog_ns, 0);
	ck_assert(!saker_notify_watchdog(&n, 200 * s));
	saker_notify_close(&n);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	close(fd);
}
END_TEST

/* A bad name is an error at start; a vanished manager is counted, never fatal. */
START_TEST(test_bad_and_gone)
{
	struct saker_notify n;
	char name[64];
	int fd;

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ck_assert_int_eq(saker_notify_init(&n), -EINVAL);
	ck_assert(!n.on);
	setenv("NOTIFY_SOCKET", "/nonexistent/saker/notify", 1);
	ck_assert_int_eq(saker_notify_init(&n), -ENOENT);
	snprintf(name, sizeof(name), "@saker-notify-gone-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	ck_assert_int_eq(saker_notify_init(&n), 0);
	close(fd);
	ck_assert_int_lt(saker_notify_send(&n, "STATUS=x"), 0);
	ck_assert_uint_eq(n.failed, 1);
	saker_notify_close(&n);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("sd_notify");

	tcase_add_test(tc, test_unset_is_noop);
	tcase_add_test(tc, test_zeroed_is_off);
	tcase_add_test(tc, test_path_socket);
	tcase_add_test(tc, test_abstract_socket);
	tcase_add_test(tc, test_watchdog_period);
	tcase_add_test(tc, test_bad_and_gone);
	suite_add_tcase(s, tc);
	return s;
}
