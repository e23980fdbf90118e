/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Prometheus text exposition (format 0.0.4) written into a growing
 * buffer: a family is opened once with its HELP and TYPE lines, then
 * takes samples; label values are escaped (\\, \", \n) as the format
 * wants. An allocation failure is remembered and reported at the end, so
 * callers write the whole page without checking each line.
 */
#ifndef SAKER_PROM_H
#define SAKER_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct saker_prom {
	char *buf;
	size_t len, cap;
	bool nomem;
};

/* type: "counter", "gauge" or "histogram". */
void saker_prom_family(struct saker_prom *p, const char *name, const char *type,
		       const char *help);
/*
 * One sample: name{k1="v1",...} value. labels is NULL or a NULL-ended
 * list of key, value pairs; values are escaped.
 */
void saker_prom_sample(struct saker_prom *p, const char *name, const char *const *labels,
		       uint64_t value);
void saker_prom_sample_f(struct saker_prom *p, const char *name, const char *const *labels,
			 double value);
/* A family with one unlabelled sample. */
void saker_prom_one(struct saker_prom *p, const char *name, const char *type,
		    const char *help, uint64_t value);
/* 0 and the page in p->buf (NUL-terminated), or -ENOMEM. */
int saker_prom_end(struct saker_prom *p);
void saker_prom_free(struct saker_prom *p);

#endif /* SAKER_PROM_H */
