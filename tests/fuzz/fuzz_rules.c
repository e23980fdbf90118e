// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the rule loader and compiler: the input is a rule
 * file. A second, fixed file of lists and macros sits beside it so the
 * fuzzer reaches references, appends and overrides. Then one event runs
 * through whatever compiled, to exercise the evaluator on odd trees.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "daemon/pipeline.h"
#include "daemon/replay.h"
#include "rules/rules.h"

static const char base[] =
	"- list: shells\n  items: [bash, sh, '\"quoted item\"']\n"
	"- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
	"- macro: opened\n  condition: evt.type = openat and fd.name pmatch (/etc)\n";

static const char event[] =
	"{\"type\":\"open\",\"ts\":1,\"pid\":7,\"ppid\":1,\"comm\":\"cat\","
	"\"ns\":{\"pid\":4026531836},\"syscall\":\"openat\",\"path\":\"/etc/shadow\","
	"\"fd\":3,\"flags\":0}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t rec[4096];
	struct saker_engine *e = saker_engine_new();
	struct saker_track track = { 0 };
	struct saker_pipeline p = { .track = &track };
	char jerr[SAKER_REPLAY_ERRLEN];
	const char *err;
	long len;

	if (!e)
		return 0;
	saker_engine_load_buffer(e, "base.yaml", base, sizeof(base) - 1);
	saker_engine_load_buffer(e, "fuzz.yaml", (const char *)data, size);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	saker_engine_compile(e);
	len = saker_json_to_record(event, sizeof(event) - 1, rec, sizeof(rec), NULL, jerr,
				   sizeof(jerr));
	saker_pipeline_set_engine(&p, e);
	if (len > 0)
		saker_pipeline_record(&p, rec, (size_t)len, &err);
	saker_engine_free(e);
	return 0;
}
