/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events and statistics as JSON (jansson), with the keys and order of
 * docs/conventions.md ("sakerctl trace JSON").
 *
 * Strings from the kernel are arbitrary bytes, JSON strings are UTF-8: every
 * byte that does not begin a valid UTF-8 sequence (overlong forms,
 * surrogates and code points above U+10FFFF are invalid) is replaced by the
 * four characters \xNN (backslash, 'x', two lowercase hex digits). Valid
 * sequences, NUL included (written \u0000), are kept. The replacement is
 * deterministic but not reversible: a path that really contains the text
 * "\x41" looks the same as one holding the invalid byte 0x41 would.
 */
#ifndef SAKER_JSON_H
#define SAKER_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "event.h"
#include "ring.h"

/* Dump flags for every line saker writes. */
#define SAKER_JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_COMPACT)

/* New object for one event ("time" only when ev->time_ns is set); NULL
 * when out of memory. */
json_t *saker_json_event(const struct saker_event *ev);

/* {"type":"stats","rings":[...],"open_missed":N,"records":N,"corrupt":N} */
json_t *saker_json_stats(const struct saker_stats *st);

/* JSON string of len arbitrary bytes, escaped as described above. */
json_t *saker_json_bytes(const char *p, size_t len);

/* Write j as one compact line. 0, or -EIO when the stream failed. */
int saker_json_print(FILE *f, const json_t *j);

#endif /* SAKER_JSON_H */
