/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's open filter as user space holds it (uapi/saker.h, "The open
 * filter"): derived from the rules (rules/rules_kfilter.c), sent by the
 * control plane (ctl/genl.c), and applied here to decoded events exactly
 * as the module applies it, so a replay shows what the filter would keep.
 */
#ifndef SAKER_LIB_KFILTER_H
#define SAKER_LIB_KFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

struct saker_kfilter_entry {
	uint32_t kinds;		/* SAKER_FILTER_KIND()s, SAKER_FILTER_EXEC_IMAGE */
	uint8_t access;		/* SAKER_FILTER_ACCESS()es */
	uint8_t result;		/* SAKER_FILTER_OK, SAKER_FILTER_FAILED */
	uint8_t match;		/* enum saker_filter_match */
	size_t len;
	char *path;		/* malloc'd; NULL for SAKER_FILTER_ANY */
};

struct saker_kfilter {
	bool none;		/* no filter: every open is recorded */
	char why[256];		/* with none: the reason, for the log */
	struct saker_kfilter_entry *v;
	size_t n, cap;
	size_t rules;		/* rules that may match opens */
};

/* The module's masks for one open record. */
uint32_t saker_kfilter_kind(const struct saker_open *o);
uint8_t saker_kfilter_access(const struct saker_open *o);
/* The module's verdict on ev (any record): true when it would record it. */
bool saker_kfilter_keep(const struct saker_kfilter *kf, const struct saker_event *ev);
/* Adds an entry (path copied, len bytes); 0 or -ENOMEM. */
int saker_kfilter_add(struct saker_kfilter *kf, uint32_t kinds, uint8_t access,
		      uint8_t result, uint8_t match, const char *path, size_t len);
/* The bytes of paths the entries hold, as the module counts them. */
size_t saker_kfilter_path_bytes(const struct saker_kfilter *kf);
/* One line per entry: "read,write ok prefix /etc/ (open,openat)". */
void saker_kfilter_print(const struct saker_kfilter *kf, FILE *out);
void saker_kfilter_release(struct saker_kfilter *kf);

#endif /* SAKER_LIB_KFILTER_H */
