/* SPDX-License-Identifier: GPL-2.0 */
/* Error messages into a caller's buffer: the library never prints. */
#ifndef SAKER_ERRBUF_H
#define SAKER_ERRBUF_H

#include <stddef.h>

/* vsnprintf into err[errlen]; does nothing when err is NULL or errlen 0. */
void saker_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Line and column (1-based; the column in UTF-8 characters, as libyaml
 * counts them) of byte offset off in buf[len], for a message that only
 * has an offset (libyaml's reader errors: a NUL byte, bad UTF-8).
 */
void saker_text_pos(const char *buf, size_t len, size_t off, unsigned int *line,
		    unsigned int *col);

#endif /* SAKER_ERRBUF_H */
