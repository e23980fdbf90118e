// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition writer. Names are the caller's constants
 * (saker_ prefixed, already valid); only label values come from the
 * outside (rule names, output names) and are escaped here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

static void reserve(struct saker_prom *p, size_t more)
{
	size_t cap = p->cap ? p->cap : 4096;
	char *b;

	if (p->nomem || p->len + more + 1 <= p->cap)
		return;
	while (cap < p->len + more + 1)
		cap *= 2;
	b = realloc(p->buf, cap);
	if (!b) {
		p->nomem = true;
		return;
	}
	p->buf = b;
	p->cap = cap;
}

static void put(struct saker_prom *p, const char *s, size_t n)
{
	reserve(p, n);
	if (p->nomem)
		return;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

static void puts_(struct saker_prom *p, const char *s)
{
	put(p, s, strlen(s));
}

static void putf(struct saker_prom *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct saker_prom *p, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(p, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* HELP text escapes backslash and newline; label values the quote too. */
static void escaped(struct saker_prom *p, const char *s, bool quote)
{
	const char *special = quote ? "\\\n\"" : "\\\n";

	while (*s) {
		size_t n = strcspn(s, special);	/* a run copied at once */

		put(p, s, n);
		s += n;
		if (!*s)
			break;
		puts_(p, *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" : "\\\"");
		s++;
	}
}

void saker_prom_family(struct saker_prom *p, const char *name, const char *type,
		       const char *help)
{
	putf(p, "# HELP %s ", name);
	escaped(p, help, false);
	putf(p, "\n# TYPE %s %s\n", name, type);
}

static void labels_(struct saker_prom *p, const char *name, const char *const *labels)
{
	puts_(p, name);
	if (!labels || !labels[0])
		return;
	put(p, "{", 1);
	for (; labels[0] && labels[1]; labels += 2) {
		puts_(p, labels[0]);
		put(p, "=\"", 2);
		escaped(p, labels[1], true);
		put(p, labels[2] ? "\"," : "\"", labels[2] ? 2 : 1);
	}
	put(p, "}", 1);
}

void saker_prom_sample(struct saker_prom *p, const char *name, const char *const *labels,
		       uint64_t value)
{
	labels_(p, name, labels);
	putf(p, " %llu\n", (unsigned long long)value);
}

void saker_prom_sample_f(struct saker_prom *p, const char *name, const char *const *labels,
			 double value)
{
	labels_(p, name, labels);
	putf(p, " %.9g\n", value);
}

void saker_prom_one(struct saker_prom *p, const char *name, const char *type,
		    const char *help, uint64_t value)
{
	saker_prom_family(p, name, type, help);
	saker_prom_sample(p, name, NULL, value);
}

int saker_prom_end(struct saker_prom *p)
{
	reserve(p, 0);
	if (!p->nomem && p->buf)
		p->buf[p->len] = '\0';
	return p->nomem ? -ENOMEM : 0;
}

void saker_prom_free(struct saker_prom *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
