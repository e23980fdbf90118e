// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"

void saker_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void saker_text_pos(const char *buf, size_t len, size_t off, unsigned int *line,
		    unsigned int *col)
{
	size_t i, start = 0;

	if (off > len)
		off = len;
	*line = 1;
	for (i = 0; i < off; i++) {
		/* LF, CR and CR LF end a line, as in YAML. */
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			(*line)++;
			start = i + 1;
		}
	}
	/* The BOM is not a column. */
	if (!start && off >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		start = 3;
	*col = 1;
	for (i = start; i < off; i++)
		if (((unsigned char)buf[i] & 0xc0) != 0x80)
			(*col)++;
}
