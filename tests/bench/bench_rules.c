// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench-rules`: decodes a capture held in memory and runs every
 * event through the rule engine (process table included), three passes;
 * prints the best rate per core (thread CPU time) and the resident memory,
 * and how many rules are active, disabled and skipped (with the reasons
 * of the skipped ones, so that a rule saker cannot run is never silent).
 * usage: bench_rules CAPTURE RULES...
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "track/proctable.h"
#include "daemon/pipeline.h"
#include "lib/capture.h"
#include "rules/rules.h"

static void count(void *arg, const struct saker_alert *a)
{
	(void)a;
	(*(unsigned long long *)arg)++;
}

static double cpu_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *p;
	size_t off = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	p = aligned_alloc(4096, ((size_t)st.st_size + 4095) & ~(size_t)4095);
	while (p && off < (size_t)st.st_size) {
		ssize_t n = read(fd, p + off, (size_t)st.st_size - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	*len = off;
	return p;
}

int main(int argc, char **argv)
{
	struct saker_engine *e = saker_engine_new();
	unsigned long long alerts = 0, events = 0;
	struct saker_capture_info info;
	char why[256];
	double best = 0;
	unsigned char *cap;
	struct rusage ru;
	size_t len, i, nstate[SAKER_RULE_ERROR + 1] = { 0 };
	int a, pass;
	long rules_rss;

	if (argc < 3 || !e) {
		fprintf(stderr, "usage: bench_rules CAPTURE RULES...\n");
		return 2;
	}
	for (a = 2; a < argc; a++)
		saker_engine_load_path(e, argv[a]);
	if (saker_engine_compile(e)) {
		saker_engine_print_diags(e, stderr);
		return 1;
	}
	for (i = 0; i < saker_engine_rule_count(e); i++) {
		const struct saker_rule_info *r = saker_engine_rule(e, i);

		nstate[r->state]++;
		if (r->state == SAKER_RULE_SKIPPED)
			printf("rule engine: skipped \"%s\" (%s:%u): %s\n", r->name,
			       r->file, r->line, r->reason ? r->reason : "?");
	}
	getrusage(RUSAGE_SELF, &ru);
	rules_rss = ru.ru_maxrss;
	cap = slurp(argv[1], &len);
	if (!cap || saker_capture_header_parse(cap, len, &info, why, sizeof(why))) {
		fprintf(stderr, "bench_rules: %s: %s\n", argv[1],
			cap ? why : "cannot read");
		return 1;
	}
	for (pass = 0; pass < 3; pass++) {
		struct saker_track track;
		struct saker_pipeline p = { .track = &track, .alert = count,
					    .alert_arg = &alerts,
					    .clock_offset_ns = info.clock_offset_ns };
		size_t off = info.header_len;
		double t0, dt;

		if (saker_track_init(&track, 0, NULL, 0))
			return 1;
		saker_pipeline_set_engine(&p, e);
		events = alerts = 0;
		t0 = cpu_secs();
		/* sakerd's per-record step: decode, track, rules. */
		while (off < len) {
			const char *err;
			size_t used = 0;
			int r = saker_record_frame(cap + off, len - off, &used, &err);

			if (r == SAKER_DECODE_EVENT) {
				if (saker_pipeline_record(&p, cap + off, used, &err) < 0)
					break;
				events++;
			} else if (r != SAKER_DECODE_SKIP) {
				break;
			}
			off += used;
		}
		dt = cpu_secs() - t0;
		if ((double)events / dt > best)
			best = (double)events / dt;
		saker_engine_set_proctable(e, NULL);
		saker_track_fini(&track);
	}
	free(cap);
	getrusage(RUSAGE_SELF, &ru);
	printf("rule engine: %zu rules: %zu active, %zu disabled, %zu below the priority, "
	       "%zu skipped\n", saker_engine_rule_count(e), nstate[SAKER_RULE_ACTIVE],
	       nstate[SAKER_RULE_DISABLED], nstate[SAKER_RULE_BELOW_PRIO],
	       nstate[SAKER_RULE_SKIPPED]);
	printf("rule engine: %llu events (%zu bytes), %zu active rules, %llu alerts per pass\n",
	       events, len, nstate[SAKER_RULE_ACTIVE], alerts);
	printf("rule engine: %.2fM events/s per core (best of 3, decode + process table + rules), "
	       "%.0f ns/event\n", best / 1e6, 1e9 / best);
	printf("rule engine: RSS %ld MiB with the rules compiled; max RSS %ld MiB with the "
	       "%zu MiB capture in memory and the process table: %ld MiB besides the capture\n",
	       rules_rss / 1024, ru.ru_maxrss / 1024, len >> 20,
	       (ru.ru_maxrss - (long)(len >> 10)) / 1024);
	saker_engine_free(e);
	return 0;
}
