// SPDX-License-Identifier: GPL-2.0
/*
 * The open filter on decoded events: the same verdict, step for step, as
 * saker_filter_check() and saker_open_wanted() in the module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kfilter.h"

/* The record's flags are the kernel's x86 values (rules/fields.c reads the same). */
#define KF_O_ACCMODE	03
#define KF_O_DIRECTORY	0200000

uint32_t saker_kfilter_kind(const struct saker_open *o)
{
	if (o->flags & SAKER_OPEN_EXEC)
		return SAKER_FILTER_EXEC_IMAGE;
	return o->call < SAKER_CALL_MAX ? SAKER_FILTER_KIND(o->call) : 0;
}

uint8_t saker_kfilter_access(const struct saker_open *o)
{
	return (uint8_t)SAKER_FILTER_ACCESS(o->open_flags & KF_O_ACCMODE,
					    o->open_flags & KF_O_DIRECTORY);
}

static bool masks_match(const struct saker_kfilter_entry *e, uint32_t kind,
			uint8_t access, uint8_t result)
{
	return (e->kinds & kind) && (e->access & access) && (e->result & result);
}

bool saker_kfilter_keep(const struct saker_kfilter *kf, const struct saker_event *ev)
{
	const struct saker_open *o = ev->open;
	uint32_t kind;
	uint8_t access, result;
	bool need_path = false;
	size_t i;

	if (kf->none || ev->type != SAKER_REC_OPEN)
		return true;
	kind = saker_kfilter_kind(o);
	access = saker_kfilter_access(o);
	result = o->err ? SAKER_FILTER_FAILED : SAKER_FILTER_OK;
	for (i = 0; i < kf->n; i++) {
		if (!masks_match(&kf->v[i], kind, access, result))
			continue;
		if (kf->v[i].match == SAKER_FILTER_ANY || o->err)
			return true;
		need_path = true;
	}
	if (!need_path)
		return false;
	if ((o->flags & SAKER_OPEN_PATH_TRUNCATED) || !ev->path.len || ev->path.p[0] != '/')
		return true;
	for (i = 0; i < kf->n; i++) {
		const struct saker_kfilter_entry *e = &kf->v[i];

		if (!masks_match(e, kind, access, result) || ev->path.len < e->len ||
		    memcmp(ev->path.p, e->path, e->len))
			continue;
		if (e->match == SAKER_FILTER_PREFIX || ev->path.len == e->len)
			return true;
	}
	return false;
}

int saker_kfilter_add(struct saker_kfilter *kf, uint32_t kinds, uint8_t access,
		      uint8_t result, uint8_t match, const char *path, size_t len)
{
	struct saker_kfilter_entry *e;

	if (kf->n == kf->cap) {
		size_t cap = kf->cap ? kf->cap * 2 : 16;
		void *v = realloc(kf->v, cap * sizeof(*kf->v));

		if (!v)
			return -ENOMEM;
		kf->v = v;
		kf->cap = cap;
	}
	e = &kf->v[kf->n];
	memset(e, 0, sizeof(*e));
	if (path) {
		e->path = malloc(len + 1);
		if (!e->path)
			return -ENOMEM;
		memcpy(e->path, path, len);
		e->path[len] = '\0';
		e->len = len;
	}
	e->kinds = kinds;
	e->access = access;
	e->result = result;
	e->match = match;
	kf->n++;
	return 0;
}

size_t saker_kfilter_path_bytes(const struct saker_kfilter *kf)
{
	size_t i, n = 0;

	for (i = 0; i < kf->n; i++)
		if (kf->v[i].path)
			n += kf->v[i].len + 1;
	return n;
}

static const char *const call_names[SAKER_CALL_MAX] = {
	[SAKER_CALL_NONE] = "io_uring-worker", [SAKER_CALL_OTHER] = "other",
	[SAKER_CALL_OPEN] = "open", [SAKER_CALL_OPENAT] = "openat",
	[SAKER_CALL_OPENAT2] = "openat2", [SAKER_CALL_CREAT] = "creat",
	[SAKER_CALL_OPEN_BY_HANDLE_AT] = "open_by_handle_at",
	[SAKER_CALL_EXECVE] = "execve", [SAKER_CALL_EXECVEAT] = "execveat",
	[SAKER_CALL_IO_URING] = "io_uring_enter", [SAKER_CALL_USELIB] = "uselib",
};

static void print_kinds(uint32_t kinds, FILE *out)
{
	const char *sep = "";
	unsigned int c;

	if (kinds == (SAKER_FILTER_EXEC_IMAGE | (SAKER_FILTER_KIND(SAKER_CALL_MAX) - 1))) {
		fputs("any call", out);
		return;
	}
	for (c = 0; c < SAKER_CALL_MAX; c++) {
		if (kinds & SAKER_FILTER_KIND(c)) {
			fprintf(out, "%s%s", sep, call_names[c]);
			sep = ",";
		}
	}
	if (kinds & SAKER_FILTER_EXEC_IMAGE)
		fprintf(out, "%sexec-image", sep);
}

static void print_access(uint8_t a, FILE *out)
{
	static const char *const acc[4] = { "read", "write", "read-write", "accmode3" };
	const char *sep = "";
	unsigned int i;

	if (a == SAKER_FILTER_ACCESS_ALL) {
		fputs("any access", out);
		return;
	}
	for (i = 0; i < 8; i++) {
		if (a & (1u << i)) {
			fprintf(out, "%s%s%s", sep, acc[i & 3], i & 4 ? "+dir" : "");
			sep = ",";
		}
	}
}

void saker_kfilter_print(const struct saker_kfilter *kf, FILE *out)
{
	static const char *const match[] = { "any path", "path", "below" };
	size_t i;

	if (kf->none) {
		fprintf(out, "no open filter: %s\n", kf->why);
		return;
	}
	fprintf(out, "open filter: %zu entries for %zu rules that may match opens\n",
		kf->n, kf->rules);
	for (i = 0; i < kf->n; i++) {
		const struct saker_kfilter_entry *e = &kf->v[i];

		fputs("  ", out);
		print_access(e->access, out);
		fprintf(out, " %s", e->result == SAKER_FILTER_OK ? "ok" :
			e->result == SAKER_FILTER_FAILED ? "failed" : "ok|failed");
		fprintf(out, " %s%s%s (", match[e->match <= 2 ? e->match : 0],
			e->path ? " " : "", e->path ? e->path : "");
		print_kinds(e->kinds, out);
		fputs(")\n", out);
	}
}

void saker_kfilter_release(struct saker_kfilter *kf)
{
	size_t i;

	for (i = 0; i < kf->n; i++)
		free(kf->v[i].path);
	free(kf->v);
	memset(kf, 0, sizeof(*kf));
}
