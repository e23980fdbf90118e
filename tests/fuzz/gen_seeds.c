// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the binary seeds of the fuzz targets from the golden events
 * (tests/rules/golden_events.jsonl): capture files for fuzz_capture and
 * bare record streams for fuzz_decode, so that the seeds follow the ABI.
 * Usage: gen_seeds EVENTS.jsonl CAPTURE_DIR DECODE_DIR (make fuzz-seeds).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/replay.h"
#include "lib/capture.h"

#define REC_SIZE (64 * 1024)
#define MAX_RECS 64

struct rec {
	uint64_t *p;
	size_t len;
	uint16_t type;
};

static struct rec recs[MAX_RECS];
static size_t nrecs;

static void die(const char *what)
{
	fprintf(stderr, "gen_seeds: %s\n", what);
	exit(1);
}

static void read_events(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		die(strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0 && nrecs < MAX_RECS) {
		struct rec *r = &recs[nrecs];
		char err[256];
		long len;

		r->p = malloc(REC_SIZE);
		if (!r->p)
			die("out of memory");
		len = saker_json_to_record(line, (size_t)n, r->p, REC_SIZE, NULL, err,
					   sizeof(err));
		if (len < 0)
			die(err);
		r->len = (size_t)len;
		r->type = ((struct saker_rec_hdr *)r->p)->type;
		nrecs++;
	}
	free(line);
	fclose(f);
}

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		die(strerror(errno));
	return f;
}

static void put(FILE *f, const void *p, size_t len)
{
	if (fwrite(p, 1, len, f) != len)
		die("write error");
}

static void finish(FILE *f)
{
	if (fclose(f))
		die("write error");
}

/* hdr_len 0: no capture header (a decode seed). */
static FILE *start(const char *dir, const char *name, uint32_t hdr_len)
{
	struct saker_capture_hdr h = { .abi_version = SAKER_ABI_VERSION,
				       .header_len = hdr_len,
				       .clock_offset_ns = 1764547200000000000LL };
	static const uint64_t zero[8];
	FILE *f = create(dir, name);

	if (hdr_len) {
		memcpy(h.magic, SAKER_CAPTURE_MAGIC, sizeof(h.magic));
		/* A 16-byte (v1) header stops before the clock anchor. */
		put(f, &h, hdr_len < sizeof(h) ? hdr_len : sizeof(h));
		if (hdr_len > sizeof(h))
			put(f, zero, hdr_len - sizeof(h));
	}
	return f;
}

/* Every record, and each record type alone, with and without a header. */
static void write_set(const char *dir, uint32_t hdr_len, const char *ext)
{
	static const char *const names[SAKER_REC_TYPE_MAX] = {
		NULL, "exec", "fork", "exit", "open",
	};
	char name[64];
	uint16_t t;
	size_t i;
	FILE *f;

	snprintf(name, sizeof(name), "golden_all.%s", ext);
	f = start(dir, name, hdr_len);
	for (i = 0; i < nrecs; i++)
		put(f, recs[i].p, recs[i].len);
	finish(f);
	for (t = 1; t < SAKER_REC_TYPE_MAX; t++) {
		for (i = 0; i < nrecs && recs[i].type != t; i++)
			;
		if (i == nrecs)
			continue;
		snprintf(name, sizeof(name), "one_%s.%s", names[t], ext);
		f = start(dir, name, hdr_len);
		put(f, recs[i].p, recs[i].len);
		finish(f);
	}
}

/* A pad and a record of a type from a newer ABI: both skipped. */
static void write_skips(const char *dir, uint32_t hdr_len, const char *ext)
{
	uint64_t pad[4] = { 0 }, future[8] = { 0 };
	struct saker_rec_hdr *h;
	char name[64];
	FILE *f;

	h = (void *)pad;
	h->len = sizeof(pad);
	h = (void *)future;
	h->len = sizeof(future);
	h->type = SAKER_REC_TYPE_MAX + 3;
	h->body_len = sizeof(future) - sizeof(*h);
	snprintf(name, sizeof(name), "skipped.%s", ext);
	f = start(dir, name, hdr_len);
	put(f, pad, sizeof(pad));
	put(f, future, sizeof(future));
	put(f, recs[0].p, recs[0].len);
	finish(f);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		die("usage: gen_seeds EVENTS.jsonl CAPTURE_DIR DECODE_DIR");
	read_events(argv[1]);
	if (!nrecs)
		die("no events");
	write_set(argv[2], SAKER_CAPTURE_HDR_LEN, "cap");
	write_skips(argv[2], SAKER_CAPTURE_HDR_LEN, "cap");
	/* Readers skip a longer header (capture.h). */
	write_set(argv[2], SAKER_CAPTURE_HDR_LEN + 16, "hdr40.cap");
	write_set(argv[2], SAKER_CAPTURE_HDR_LEN_V1, "v1.cap");
	write_set(argv[3], 0, "rec");
	write_skips(argv[3], 0, "rec");
	return 0;
}
