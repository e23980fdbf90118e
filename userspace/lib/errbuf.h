/* SPDX-License-Identifier: GPL-2.0 */
/* Error messages into a caller's buffer: the library never prints. */
#ifndef SAKER_ERRBUF_H
#define SAKER_ERRBUF_H

#include <stddef.h>

/* vsnprintf into err[errlen]; does nothing when err is NULL or errlen 0. */
void saker_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SAKER_ERRBUF_H */
