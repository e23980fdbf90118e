// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the JSON-lines replay reader (daemon/replay_json.c):
 * the input is a JSON-lines file, read line by line as sakerd --replay does.
 * Each record saker_json_to_record() makes must decode; the decoded event's
 * own JSON must be read back as a record again; and the record runs through
 * the daemon's pipeline (process table, container store, the shipped rules),
 * each alert formatted as the JSON line an output would write, which must
 * parse. Build: make fuzz-json_replay; seeds: tests/fuzz/corpus_json_replay/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/pipeline.h"
#include "daemon/replay.h"
#include "lib/json.h"
#include "outputs/outputs.h"

#define REC_SIZE (64 * 1024)	/* replay_json()'s record buffer */
/* The rules cost ~1.5 ms an event under the sanitizers: the first lines only. */
#define RULE_LINES 4

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct saker_engine *engine;
static uint64_t *rec, *rec2;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	engine = saker_engine_new();
	rec = malloc(REC_SIZE);
	rec2 = malloc(REC_SIZE);
	if (!engine || !rec || !rec2)
		abort();
	/* Every rule gets to evaluate every event, not only the first match. */
	saker_engine_set_match_mode(engine, SAKER_MATCH_ALL);
	if (saker_engine_load_path(engine, SAKER_TOP "/rules/saker_rules.yaml") ||
	    saker_engine_compile(engine) || saker_engine_error_count(engine)) {
		saker_engine_print_diags(engine, stderr);
		abort();
	}
	return 0;
}

/* The decoder accepts what the JSON reader made, as one whole record. */
static void decode_whole(const void *r, long len, struct saker_event *ev)
{
	const struct saker_rec_hdr *h = r;
	const char *why;
	size_t used;

	if (len <= 0 || len > REC_SIZE || len % 8 || h->len != (size_t)len)
		abort();
	if (saker_decode(r, (size_t)len, ev, &used, &why) != SAKER_DECODE_EVENT ||
	    used != (size_t)len) {
		fprintf(stderr, "record of a JSON line does not decode: %s\n", why);
		abort();
	}
}

/* An alert as the outputs format it; the JSON line must parse back. */
static void on_alert(void *arg, const struct saker_alert *a)
{
	json_t *fields = json_object(), *back;
	struct saker_alert_msg m = {
		.time_ns = a->ev->task->ts_ns, .rule = a->rule->name,
		.priority = a->rule->priority, .source = a->rule->source,
		.output = a->output, .output_fields = fields,
		.tags = a->rule->tags, .ntags = a->rule->ntags,
	};
	json_error_t jerr;
	char *line, *text;
	size_t i;

	(void)arg;
	for (i = 0; fields && i < saker_alert_nfields(a); i++) {
		struct saker_value v;
		const char *name;

		if (saker_alert_field(a, i, &name, &v))
			break;
		json_object_set_new(fields, name, saker_value_json(&v));
	}
	line = saker_format_json(&m, "host", true, true);
	text = saker_format_text(&m);
	if (!line || !text)
		abort();
	back = json_loads(line, JSON_ALLOW_NUL, &jerr);
	if (!back) {
		fprintf(stderr, "alert JSON does not parse: %s\n%s\n", jerr.text, line);
		abort();
	}
	json_decref(back);
	/* The text form is one line: control bytes are escaped. */
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			abort();
	free(text);
	free(line);
	json_decref(fields);
}

static void one_line(struct saker_pipeline *p, struct saker_meta_store *ms,
		     const char *line, size_t n)
{
	struct saker_event ev;
	const char *perr;
	char err[256];
	uint64_t t;
	char *again;
	long len;
	json_t *j;

	err[0] = '\0';
	len = saker_json_to_record_time(line, n, rec, REC_SIZE, ms, &t,
					err, sizeof(err));
	if (len < 0) {
		if (!err[0])
			abort();	/* a refusal says why */
		return;
	}
	decode_whole(rec, len, &ev);
	/* sakerctl trace's JSON of the event is itself a valid replay line. */
	j = saker_json_event(&ev);
	again = j ? json_dumps(j, SAKER_JSON_FLAGS) : NULL;
	if (!again)
		abort();
	len = saker_json_to_record(again, strlen(again), rec2, REC_SIZE, NULL,
				   err, sizeof(err));
	if (len < 0) {
		fprintf(stderr, "own JSON refused: %s\n%s\n", err, again);
		abort();
	}
	decode_whole(rec2, len, &ev);
	free(again);
	json_decref(j);
	saker_pipeline_record(p, rec, (size_t)((struct saker_rec_hdr *)rec)->len, &perr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saker_meta_store *ms = saker_meta_store_new();
	struct saker_pipeline p = { .alert = on_alert };
	struct saker_meta_provider mp;
	struct saker_track track;
	char *buf = malloc(size + 1);
	size_t pos = 0, lines = 0;

	/* A small table, so that eviction is fuzzed too. */
	if (!ms || !buf || saker_track_init(&track, 16, NULL, 0))
		abort();
	p.track = &track;
	saker_meta_store_provider(ms, &mp);
	saker_track_set_meta(&track, &mp);
	saker_pipeline_set_engine(&p, engine);
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* As replay_json(): lines without their end, no blanks or comments. */
	while (pos < size) {
		char *line = buf + pos, *nl = memchr(line, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - line) : size - pos;

		pos += n + 1;
		line[n] = '\0';
		while (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (lines++ == RULE_LINES)
			p.engine = NULL;	/* the process table still follows */
		one_line(&p, ms, line, n);
	}
	saker_track_set_meta(&track, NULL);
	saker_engine_set_meta(engine, NULL);
	saker_engine_set_proctable(engine, NULL);
	saker_track_fini(&track);
	saker_meta_store_free(ms);
	free(buf);
	return 0;
}
