// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes walked as a stream of records, the way
 * the ring and capture readers walk them, then every event turned into
 * JSON. Build: make fuzz-decode; run: build/fuzz/fuzz_decode -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decode.h"
#include "lib/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touch every byte the view hands out, so ASan checks the bounds. */
static unsigned int touch(struct saker_str s)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < s.len; i++)
		sum += (unsigned char)s.p[i];
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size, 8-aligned copy: any overread is an ASan report. */
	unsigned char *buf = malloc(size ? size : 1);
	volatile unsigned int sink = 0;
	struct saker_event ev;
	size_t pos = 0, used;
	const char *why;
	json_t *j;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (pos < size) {
		int ret = saker_decode(buf + pos, size - pos, &ev, &used, &why);

		if (ret < 0)
			break;
		if (used < sizeof(struct saker_rec_hdr) || used > size - pos ||
		    used % 8)
			abort();	/* the decoder's promise on consumed */
		if (ret == SAKER_DECODE_EVENT) {
			sink += touch(ev.filename) + touch(ev.exe) +
				touch(ev.args) + touch(ev.cwd) +
				touch(ev.cgroup) + touch(ev.path);
			j = saker_json_event(&ev);
			if (!j)
				abort();
			json_decref(j);
		}
		pos += used;
	}
	free(buf);
	(void)sink;
	return 0;
}
