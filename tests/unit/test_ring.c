// SPDX-License-Identifier: GPL-2.0
/*
 * The per-ring drain step (saker_ring_drain_view) on a fake ring in plain
 * memory: wrap-around, pads, corruption skipping, stop from the callback and
 * the consume position it leaves.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "lib/ring.h"
#include "check_main.h"

#define RING_SIZE 512

struct fake {
	struct saker_ring_hdr hdr;
	unsigned char *data;		/* exactly RING_SIZE bytes (ASan) */
	struct saker_ring_view v;
	char err[SAKER_ERRLEN];
	uint64_t pos;			/* producer position */
};

struct seen {
	int n;
	int types[16];
	unsigned int parent_tid[16];
	int stop_after;			/* 0: never stop */
};

static void fake_init(struct fake *f, uint64_t start)
{
	memset(f, 0, sizeof(*f));
	f->data = calloc(1, RING_SIZE);
	ck_assert_ptr_nonnull(f->data);
	f->pos = start;
	f->hdr.head = start;
	f->hdr.tail = start;
	f->v.hdr = &f->hdr;
	f->v.data = f->data;
	f->v.size = RING_SIZE;
	f->v.tail = start;
	f->v.index = 5;
	f->v.err = f->err;
	f->v.errlen = sizeof(f->err);
}

static void fake_free(struct fake *f)
{
	free(f->data);
}

/* Producer side: write a built record at pos (it must not straddle). */
static void produce(struct fake *f, const void *rec, size_t len)
{
	uint64_t off = f->pos & (RING_SIZE - 1);

	ck_assert_uint_le(off + len, RING_SIZE);
	memcpy(f->data + off, rec, len);
	f->pos += len;
}

static void produce_fork(struct fake *f, unsigned int parent)
{
	_Alignas(8) unsigned char rec[512];
	size_t len = saker_test_fork(rec, sizeof(rec), parent, 0);

	produce(f, rec, len);
}

static void produce_exit(struct fake *f)
{
	_Alignas(8) unsigned char rec[512];
	size_t len = saker_test_exit(rec, sizeof(rec), 9, 1);

	produce(f, rec, len);
}

static void produce_pad_to_end(struct fake *f)
{
	_Alignas(8) unsigned char rec[RING_SIZE];
	size_t len = RING_SIZE - (f->pos & (RING_SIZE - 1));

	ck_assert_uint_eq(saker_test_pad(rec, sizeof(rec), len), len);
	produce(f, rec, len);
}

static void publish(struct fake *f)
{
	f->hdr.head = f->pos;
}

/* The drain hands out raw records: decode them as the daemon does later. */
static int on_event(const void *rec, size_t len, void *ctx)
{
	struct seen *s = ctx;
	struct saker_event ev;
	const char *why;
	size_t used;

	ck_assert_int_lt(s->n, 16);
	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, &why), SAKER_DECODE_EVENT);
	ck_assert_uint_eq(used, len);
	s->types[s->n] = ev.type;
	s->parent_tid[s->n] = ev.type == SAKER_REC_FORK ?
			      ev.fork->parent_tid : 0;
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

START_TEST(empty_ring)
{
	struct fake f;
	struct seen s = { 0 };

	fake_init(&f, 4096);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(f.v.tail, 4096);
	ck_assert_uint_eq(f.v.corrupt, 0);
	fake_free(&f);
}
END_TEST

START_TEST(plain_records)
{
	struct fake f;
	struct seen s = { 0 };

	fake_init(&f, 0);
	produce_fork(&f, 7);
	produce_exit(&f);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_int_eq(s.types[0], SAKER_REC_FORK);
	ck_assert_uint_eq(s.parent_tid[0], 7);
	ck_assert_int_eq(s.types[1], SAKER_REC_EXIT);
	ck_assert_uint_eq(f.v.tail, f.pos);
	ck_assert_uint_eq(f.v.records, 2);
	fake_free(&f);
}
END_TEST

START_TEST(wrap_with_pad)
{
	struct fake f;
	struct seen s = { 0 };

	/* Positions keep growing past the size: start in lap 3 at 400. */
	fake_init(&f, 3 * RING_SIZE + 400);
	produce_pad_to_end(&f);
	produce_fork(&f, 1);
	produce_fork(&f, 2);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(s.parent_tid[0], 1);
	ck_assert_uint_eq(s.parent_tid[1], 2);
	ck_assert_uint_eq(f.v.tail, 4 * RING_SIZE + 400);
	ck_assert_uint_eq(f.v.corrupt, 0);
	fake_free(&f);
}
END_TEST

START_TEST(wrap_exactly_at_end)
{
	struct fake f;
	struct seen s = { 0 };
	size_t fork_len = sizeof(struct saker_rec_hdr) + sizeof(struct saker_fork);

	/* A record that ends on the last byte needs no pad. */
	fake_init(&f, RING_SIZE - fork_len);
	produce_fork(&f, 3);
	produce_exit(&f);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(s.parent_tid[0], 3);
	ck_assert_int_eq(s.types[1], SAKER_REC_EXIT);
	ck_assert_uint_eq(f.v.tail, f.pos);
	fake_free(&f);
}
END_TEST

START_TEST(drains_in_steps)
{
	struct fake f;
	struct seen s = { 0 };

	fake_init(&f, 0);
	produce_fork(&f, 1);
	publish(&f);
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_uint_eq(f.v.tail, f.pos);
	/* Unpublished bytes after head are not touched. */
	produce_fork(&f, 2);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 1);
	publish(&f);
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(s.parent_tid[1], 2);
	fake_free(&f);
}
END_TEST

START_TEST(corrupt_skips_to_head)
{
	struct fake f;
	struct seen s = { 0 };
	struct saker_rec_hdr bad = { .len = 12, .type = SAKER_REC_FORK };
	_Alignas(8) unsigned char rec[16] = { 0 };

	fake_init(&f, 2 * RING_SIZE + 8);
	produce_fork(&f, 1);
	memcpy(rec, &bad, sizeof(bad));
	produce(&f, rec, sizeof(rec));
	produce_fork(&f, 2);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(f.v.corrupt, 1);
	ck_assert_uint_eq(f.v.tail, f.pos);	/* all of it consumed */
	ck_assert_ptr_nonnull(strstr(f.err, "ring 5 offset 208 "));
	ck_assert_ptr_nonnull(strstr(f.err, "multiple of 8"));
	/* The next batch, wrapping, is read normally. */
	produce_pad_to_end(&f);
	produce_fork(&f, 3);
	publish(&f);
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(s.parent_tid[1], 3);
	ck_assert_uint_eq(f.v.corrupt, 1);
	fake_free(&f);
}
END_TEST

static int count_raw(const void *rec, size_t len, void *ctx)
{
	int *n = ctx;

	ck_assert_uint_eq(((const struct saker_rec_hdr *)rec)->len, len);
	(*n)++;
	return 0;
}

/*
 * The ring only frames: a record it can walk past is handed out as bytes,
 * even one the decoder rejects later (comm not NUL-terminated here).
 */
START_TEST(raw_records_are_framed_only)
{
	struct fake f;
	_Alignas(8) unsigned char rec[512];
	size_t len = saker_test_fork(rec, sizeof(rec), 1, 0);
	struct saker_task *t = (void *)(rec + sizeof(struct saker_rec_hdr));
	struct saker_event ev;
	const char *why;
	size_t used;
	int n = 0;

	memset(t->comm, 'x', sizeof(t->comm));
	fake_init(&f, 0);
	produce(&f, rec, len);
	produce_fork(&f, 2);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, count_raw, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(f.v.records, 2);
	ck_assert_uint_eq(f.v.corrupt, 0);
	ck_assert_uint_eq(f.v.tail, f.pos);
	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, &why), SAKER_DECODE_CORRUPT);
	fake_free(&f);
}
END_TEST

/* A known type too short for the task block the merge reads its ts from. */
START_TEST(record_without_task_is_corrupt)
{
	struct fake f;
	struct saker_rec_hdr small = { .len = 16, .type = SAKER_REC_EXIT };
	_Alignas(8) unsigned char rec[16] = { 0 };
	int n = 0;

	memcpy(rec, &small, sizeof(small));
	fake_init(&f, 0);
	produce(&f, rec, sizeof(rec));
	publish(&f);
	saker_ring_drain_view(&f.v, count_raw, &n);
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(f.v.corrupt, 1);
	ck_assert_ptr_nonnull(strstr(f.err, "task block"));
	fake_free(&f);
}
END_TEST

START_TEST(straddling_record_is_corrupt)
{
	struct fake f;
	struct seen s = { 0 };
	_Alignas(8) unsigned char rec[512];
	size_t len = saker_test_fork(rec, sizeof(rec), 1, 0);

	/* Only 112 bytes before the end, but a 200-byte record there. */
	fake_init(&f, 400);
	produce(&f, rec, RING_SIZE - 400);
	f.pos += len - (RING_SIZE - 400);
	produce_fork(&f, 2);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(f.v.corrupt, 1);
	ck_assert_uint_eq(f.v.tail, f.pos);
	fake_free(&f);
}
END_TEST

START_TEST(record_crossing_head_is_corrupt)
{
	struct fake f;
	struct seen s = { 0 };

	fake_init(&f, 0);
	produce_fork(&f, 1);
	f.hdr.head = f.pos - 64;
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(f.v.corrupt, 1);
	ck_assert_uint_eq(f.v.tail, f.hdr.head);
	fake_free(&f);
}
END_TEST

START_TEST(impossible_heads)
{
	struct fake f;
	struct seen s = { 0 };

	fake_init(&f, 1024);
	f.hdr.head = 512;		/* behind tail: cannot consume */
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_uint_eq(f.v.corrupt, 1);
	ck_assert_uint_eq(f.v.tail, 1024);
	f.hdr.head = 1028;		/* unaligned: CONSUME would be refused */
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_uint_eq(f.v.corrupt, 2);
	ck_assert_uint_eq(f.v.tail, 1024);
	f.hdr.head = 1024 + 2 * RING_SIZE;	/* more than the ring holds */
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_uint_eq(f.v.corrupt, 3);
	ck_assert_uint_eq(f.v.tail, f.hdr.head);
	ck_assert_int_eq(s.n, 0);
	fake_free(&f);
}
END_TEST

START_TEST(callback_stops)
{
	struct fake f;
	struct seen s = { .stop_after = 1 };
	uint64_t first_end;

	fake_init(&f, 0);
	produce_fork(&f, 1);
	first_end = f.pos;
	produce_fork(&f, 2);
	publish(&f);
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 1);
	ck_assert_int_eq(s.n, 1);
	/* The stopping event counts as consumed, the next one does not. */
	ck_assert_uint_eq(f.v.tail, first_end);
	s.stop_after = 0;
	ck_assert_int_eq(saker_ring_drain_view(&f.v, on_event, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(s.parent_tid[1], 2);
	ck_assert_uint_eq(f.v.tail, f.pos);
	fake_free(&f);
}
END_TEST

START_TEST(full_ring_of_records)
{
	struct fake f;
	struct seen s = { 0 };
	_Alignas(8) unsigned char rec[64];

	/* Head exactly one ring ahead of tail is legal. */
	fake_init(&f, 64);
	for (int i = 0; i < RING_SIZE / 64; i++) {
		saker_test_pad(rec, sizeof(rec), 64);
		produce(&f, rec, 64);
	}
	publish(&f);
	ck_assert_uint_eq(f.hdr.head - f.v.tail, RING_SIZE);
	saker_ring_drain_view(&f.v, on_event, &s);
	ck_assert_uint_eq(f.v.corrupt, 0);
	ck_assert_uint_eq(f.v.tail, f.pos);
	fake_free(&f);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("drain_view");

	tcase_add_test(tc, empty_ring);
	tcase_add_test(tc, plain_records);
	tcase_add_test(tc, wrap_with_pad);
	tcase_add_test(tc, wrap_exactly_at_end);
	tcase_add_test(tc, drains_in_steps);
	tcase_add_test(tc, corrupt_skips_to_head);
	tcase_add_test(tc, raw_records_are_framed_only);
	tcase_add_test(tc, record_without_task_is_corrupt);
	tcase_add_test(tc, straddling_record_is_corrupt);
	tcase_add_test(tc, record_crossing_head_is_corrupt);
	tcase_add_test(tc, impossible_heads);
	tcase_add_test(tc, callback_stops);
	tcase_add_test(tc, full_ring_of_records);
	suite_add_tcase(s, tc);
	return s;
}
