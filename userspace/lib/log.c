// SPDX-License-Identifier: GPL-2.0
/*
 * Line-at-a-time logging to stderr (log.h). Each message is formatted
 * into one buffer and written with one write(2), so lines from the output
 * writer threads never interleave mid-line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 2048	/* longer messages are cut, with "..." */

static const char *log_prog = "saker";
static int log_max = SAKER_LOG_INFO;
static bool log_to_journal, log_to_stderr = true, log_to_syslog;

/* JOURNAL_STREAM is "DEV:INODE" of the journal's stream socket (systemd.exec(5)). */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void saker_log_init(const char *prog, enum saker_log_level max_level)
{
	log_prog = prog;
	log_max = max_level;
	log_to_stderr = true;
	log_to_journal = stderr_is_journal();
}

void saker_log_setup(int max_level, bool to_stderr, bool to_syslog)
{
	log_max = max_level;
	log_to_stderr = to_stderr;
	if (to_syslog && !log_to_syslog)
		openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (!to_syslog && log_to_syslog)
		closelog();
	log_to_syslog = to_syslog;
}

bool saker_log_journal(void)
{
	return log_to_journal;
}

/* One line: prefix, message, optional ": strerror(err)", newline. */
static void emit(enum saker_log_level level, int err, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len, start, room = sizeof(line) - 1;	/* the newline always fits */
	int n;

	if ((int)level > log_max || (!log_to_stderr && !log_to_syslog))
		return;
	if (log_to_journal)
		n = snprintf(line, room, "<%d>", (int)level);
	else
		n = snprintf(line, room, "%s: ", log_prog);
	len = n > 0 ? (size_t)n : 0;
	start = len;
	n = vsnprintf(line + len, room - len, fmt, ap);
	len = n < 0 ? len : len + (size_t)n;
	if (err && len < room) {
		n = snprintf(line + len, room - len, ": %s", strerror(err));
		len = n < 0 ? len : len + (size_t)n;
	}
	if (len >= room) {
		len = room - 1;
		memcpy(line + len - 3, "...", 3);
	}
	line[len] = '\0';
	/* syslog(3) has its own name and level: the message alone. */
	if (log_to_syslog)
		syslog((int)level, "%s", line + start);
	line[len++] = '\n';
	/* Nothing to do if stderr is gone; the status is ignored on purpose. */
	if (log_to_stderr && write(STDERR_FILENO, line, len) < 0)
		return;
}

void saker_logv(enum saker_log_level level, const char *fmt, va_list ap)
{
	emit(level, 0, fmt, ap);
}

void saker_log(enum saker_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, 0, fmt, ap);
	va_end(ap);
}

void saker_log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

void saker_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void saker_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void saker_log_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_ERR, 0, fmt, ap);
	va_end(ap);
}

void saker_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void saker_fatal(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_ERR, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void saker_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(SAKER_LOG_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
