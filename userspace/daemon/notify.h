/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's service notification protocol (sd_notify(3)), spoken directly:
 * one datagram of "KEY=value" lines to the AF_UNIX socket named by
 * NOTIFY_SOCKET (a path, or '@' for the abstract namespace). Every call is
 * a no-op when NOTIFY_SOCKET is unset, so sakerd behaves the same outside
 * a Type=notify unit. docs/daemon.md, "systemd".
 */
#ifndef SAKER_NOTIFY_H
#define SAKER_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct saker_notify {
	bool on;		/* false (also all-zero): every call does nothing */
	int fd;			/* the connected socket, when on */
	uint64_t watchdog_ns;	/* WATCHDOG_USEC for this process, 0: none */
	uint64_t last_ping_ns;	/* CLOCK_MONOTONIC of the last WATCHDOG=1 */
	uint64_t failed;	/* datagrams the manager did not take */
};

/*
 * Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (a watchdog meant
 * for another process is ignored). 0 (also when unset), or -errno for a
 * socket that cannot be made or a name that does not fit sun_path.
 */
int saker_notify_init(struct saker_notify *n);
void saker_notify_close(struct saker_notify *n);
/* Sends state ("READY=1\nSTATUS=..."): 0, or -errno (also counted). */
int saker_notify_send(struct saker_notify *n, const char *state);
/* The same with a printf format, e.g. "STATUS=%zu rules". */
int saker_notify_sendf(struct saker_notify *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The loop's tick: a ping is sent this much early, since it is only looked at once a tick. */
#define SAKER_NOTIFY_TICK_NS 1000000000ull
/* WATCHDOG=1 when half the watchdog period (less one tick) has passed since
 * the last one (the loop calls it every tick); true when one was sent. */
bool saker_notify_watchdog(struct saker_notify *n, uint64_t now_ns);

#endif /* SAKER_NOTIFY_H */
