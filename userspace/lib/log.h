/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs' own messages (sakerd, sakerctl, and the daemon and output
 * code they run), in OpenNTPD's manner: warn appends strerror(errno), the
 * x variants do not, fatal exits. Libraries below (lib, track, rules)
 * never log: they return -errno with a message for their caller.
 *
 * On a terminal or a file each line is "PROG: message". When stderr is
 * the systemd journal (JOURNAL_STREAM names stderr's device and inode),
 * each line starts with its syslog priority instead ("<4>message"), so
 * journald records the level; the program name is journald's own field.
 */
#ifndef SAKER_LOG_H
#define SAKER_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum saker_log_level {
	SAKER_LOG_ERR = 3,	/* syslog priorities */
	SAKER_LOG_WARNING = 4,
	SAKER_LOG_NOTICE = 5,
	SAKER_LOG_INFO = 6,
	SAKER_LOG_DEBUG = 7,
};

/* prog: the line prefix; messages above max_level are not written. */
void saker_log_init(const char *prog, enum saker_log_level max_level);
/*
 * log_level, log_stderr and log_syslog of the configuration, as falco.yaml
 * has them: messages above max_level are dropped; the others go to stderr,
 * to syslog(3) (LOG_DAEMON, the program's name, its pid), or both. Until
 * called: stderr only, at saker_log_init's level. Levels 0..2 are syslog's
 * emerg, alert and crit: only more severe messages pass.
 */
void saker_log_setup(int max_level, bool to_stderr, bool to_syslog);
/* Whether stderr is the journal (set by saker_log_init). */
bool saker_log_journal(void);

void saker_log(enum saker_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void saker_logv(enum saker_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Warnings; warn appends ": strerror(errno)". */
void saker_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void saker_log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void saker_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error the caller stops on (LOG_ERR, "<3>" in the journal), without exiting. */
void saker_log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void saker_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error the program cannot go on from: logged at LOG_ERR, exit(1). */
void saker_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void saker_fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif /* SAKER_LOG_H */
