// SPDX-License-Identifier: GPL-2.0
/*
 * Replay driver: recognizes a capture file by its "SAKERCAP" header and
 * walks its records with saker_decode(); anything else is read as JSON
 * lines. Each run gets a fresh process table and metadata store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/event.h"
#include "track/proctable.h"
#include "replay.h"

struct run {
	struct saker_engine *e;
	struct saker_proctable *pt;
	saker_alert_fn fn;
	void *arg;
	struct saker_replay_stats *st;
};

static void run_event(struct run *r, const struct saker_event *ev)
{
	int n;

	/* The engine only reads the table: fork/exec before, exit after. */
	saker_proctable_pre(r->pt, ev);
	n = saker_engine_process(r->e, ev, r->fn, r->arg);
	saker_proctable_post(r->pt, ev);

	r->st->events++;
	if (n > 0)
		r->st->alerts += (uint64_t)n;
}

static int replay_capture(struct run *r, const unsigned char *p, size_t len)
{
	uint32_t abi, hlen;
	size_t off, done = 0;

	memcpy(&abi, p + 8, 4);
	memcpy(&hlen, p + 12, 4);
	if (abi != SAKER_ABI_VERSION) {
		fprintf(stderr, "sakerd: capture ABI %u, this build reads %u\n", abi,
			(unsigned int)SAKER_ABI_VERSION);
		return -EPROTO;
	}
	if (hlen < SAKER_CAP_HDR_LEN || hlen > len || hlen % SAKER_REC_ALIGN)
		return -EINVAL;
	for (off = hlen; off < len;) {
		struct saker_event ev;
		const char *err = NULL;
		size_t used = 0;
		int ret;

		ret = saker_decode(p + off, len - off, &ev, &used, &err);
		if (ret == SAKER_DECODE_EVENT) {
			run_event(r, &ev);
		} else if (ret != SAKER_DECODE_SKIP) {
			/* A torn tail (writer killed) ends the replay, not an error. */
			fprintf(stderr, "sakerd: capture offset %zu: %s\n", off,
				err ? err : "bad record");
			r->st->bad++;
			break;
		}
		off += used;
		/* Drop what was read so a big capture does not stay resident. */
		if (off - done >= (64u << 20)) {
			size_t upto = off & ~(size_t)0xfffff;

			madvise((void *)(p + done), upto - done, MADV_DONTNEED);
			done = upto;
		}
	}
	return 0;
}

static int replay_json(struct run *r, FILE *f)
{
	struct saker_meta_store *ms = saker_meta_store_new();
	struct saker_meta_provider mp;
	size_t cap = 0, bufsz = 64 * 1024;
	uint64_t *rec = malloc(bufsz);
	unsigned long lineno = 0;
	char *line = NULL;
	ssize_t n;
	int ret = 0;

	if (!ms || !rec) {
		ret = -ENOMEM;
		goto free_all;
	}
	saker_meta_store_provider(ms, &mp);
	saker_engine_set_meta(r->e, &mp);
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct saker_event ev;
		const char *err = NULL;
		size_t used;
		long len;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		len = saker_json_to_record(line, (size_t)n, rec, bufsz, ms, &err);
		if (len < 0 ||
		    saker_decode(rec, (size_t)len, &ev, &used, &err) != SAKER_DECODE_EVENT) {
			fprintf(stderr, "sakerd: line %lu: %s\n", lineno, err ? err : "bad event");
			r->st->bad++;
			continue;
		}
		run_event(r, &ev);
	}
	saker_engine_set_meta(r->e, NULL);
free_all:
	free(line);
	free(rec);
	saker_meta_store_free(ms);
	return ret;
}

int saker_replay_file(struct saker_engine *e, const char *path,
		      saker_alert_fn fn, void *arg, struct saker_replay_stats *st)
{
	struct saker_proctable *pt = saker_proctable_new(0);
	struct run r = { e, pt, fn, arg, st };
	unsigned char magic[8] = { 0 };
	struct stat sb;
	FILE *f;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!pt)
		return -ENOMEM;
	saker_engine_set_proctable(e, pt);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		goto free_pt;
	}
	if (fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    !memcmp(magic, SAKER_CAP_MAGIC, 8) && !fstat(fileno(f), &sb) &&
	    (size_t)sb.st_size >= SAKER_CAP_HDR_LEN) {
		void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
			       fileno(f), 0);

		if (p == MAP_FAILED) {
			ret = -errno;
			goto close_f;
		}
		ret = replay_capture(&r, p, (size_t)sb.st_size);
		munmap(p, (size_t)sb.st_size);
	} else {
		rewind(f);
		ret = replay_json(&r, f);
	}
close_f:
	fclose(f);
free_pt:
	saker_engine_set_proctable(e, NULL);
	saker_proctable_free(pt);
	return ret;
}
