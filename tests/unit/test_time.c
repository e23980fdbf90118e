// SPDX-License-Identifier: GPL-2.0
/*
 * Event time (issue 10): the clock anchor's arithmetic and sampling; one
 * wall-clock time per event, whichever rules and outputs it reaches; the
 * anchor in capture headers (and old headers without it); replays keeping
 * the original times; libsinsp's evt.time* formats; the trace's "time".
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/alerts.h"
#include "lib/capture.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/ring.h"
#include "records.h"
#include "rules_testlib.h"
#include "check_main.h"

/* 2024-01-01T12:00:00.123456789Z */
#define T_REAL 1704110400123456789ll

START_TEST(test_offset_saturates)
{
	ck_assert_int_eq(saker_clock_offset(1700000000000000000ull, 5000), 1699999999999995000ll);
	ck_assert_int_eq(saker_clock_offset(5000, 7000), -2000);
	ck_assert_int_eq(saker_clock_offset(0, 0), 0);
	ck_assert_int_eq(saker_clock_offset(UINT64_MAX, 0), INT64_MAX);
	ck_assert_int_eq(saker_clock_offset(0, UINT64_MAX), INT64_MIN);
	ck_assert_int_eq(saker_clock_offset((uint64_t)INT64_MAX, 0), INT64_MAX);
	ck_assert_int_eq(saker_clock_offset(0, (uint64_t)INT64_MAX), -INT64_MAX);
}
END_TEST

START_TEST(test_real_ns_bounds)
{
	const uint64_t max = INT64_MAX;

	ck_assert_uint_eq(saker_clock_real_ns(1000, 1700000000000000000ll), 1700000000000001000ull);
	/* a wall clock set before boot: negative offsets work, and floor at 0 */
	ck_assert_uint_eq(saker_clock_real_ns(5000, -2000), 3000);
	ck_assert_uint_eq(saker_clock_real_ns(2000, -2000), 0);
	ck_assert_uint_eq(saker_clock_real_ns(1000, -2000), 0);
	ck_assert_uint_eq(saker_clock_real_ns(0, INT64_MIN), 0);
	ck_assert_uint_eq(saker_clock_real_ns(UINT64_MAX, INT64_MIN), 0);
	ck_assert_uint_eq(saker_clock_real_ns(max, INT64_MIN), 0);
	ck_assert_uint_eq(saker_clock_real_ns(max, -1), max - 1);
	/* never past INT64_MAX: a time_t and a rule number hold it */
	ck_assert_uint_eq(saker_clock_real_ns(max, 1), max);
	ck_assert_uint_eq(saker_clock_real_ns(UINT64_MAX, 0), max);
	ck_assert_uint_eq(saker_clock_real_ns(UINT64_MAX, INT64_MAX), max);
	ck_assert_uint_eq(saker_clock_real_ns(1, INT64_MAX), max);
	ck_assert_uint_eq(saker_clock_real_ns(0, INT64_MAX), max);
	ck_assert_uint_eq(saker_clock_real_ns(0, 0), 0);
}
END_TEST

START_TEST(test_anchor_sample)
{
	struct saker_clock_anchor a, b;
	uint64_t m, r, conv;
	int64_t step = 12345;

	saker_clock_anchor_sample(&a);
	m = saker_now_mono_ns();
	r = saker_now_real_ns();
	conv = saker_clock_real_ns(m, a.offset_ns);
	/* now through the anchor is now, within the sample's error and 10 ms */
	ck_assert_uint_le(conv > r ? conv - r : r - conv, a.error_ns + 10000000ull);
	ck_assert_uint_lt(a.error_ns, 10000000ull);
	/* the clocks were not stepped in between: a refresh keeps the anchor */
	b = a;
	ck_assert(!saker_clock_anchor_refresh(&b, &step));
	ck_assert_int_eq(b.offset_ns, a.offset_ns);
	ck_assert_int_eq(step, 12345);
}
END_TEST

START_TEST(test_anchor_step)
{
	struct saker_clock_anchor a, b;
	int64_t step = 0;

	saker_clock_anchor_sample(&a);
	/* An anchor 5 s off stands for a wall clock stepped by 5 s since. */
	b = a;
	b.offset_ns -= 5000000000ll;
	ck_assert(saker_clock_anchor_refresh(&b, &step));
	ck_assert_int_le(llabs(b.offset_ns - a.offset_ns), 10000000ll);
	ck_assert_int_le(llabs(step - 5000000000ll), 10000000ll);
	b = a;
	b.offset_ns += 5000000000ll;
	ck_assert(saker_clock_anchor_refresh(&b, NULL));
	ck_assert_int_le(llabs(b.offset_ns - a.offset_ns), 10000000ll);
	/* extreme anchors do not overflow the step */
	b.offset_ns = INT64_MIN;
	b.error_ns = 0;
	ck_assert(saker_clock_anchor_refresh(&b, &step));
	ck_assert_int_eq(step, INT64_MAX);
}
END_TEST

static char tmp_path[64];

static const char *tmp_file(void)
{
	int fd;

	strcpy(tmp_path, "/tmp/saker-test-time-XXXXXX");
	fd = mkstemp(tmp_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return tmp_path;
}

static struct saker_engine *all_engine(const char *yaml)
{
	struct saker_engine *e = saker_engine_new();

	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	ck_assert_int_eq(saker_engine_load_buffer(e, "t.yaml", yaml, strlen(yaml)), 0);
	ck_assert_int_eq(saker_engine_compile(e), 0);
	return e;
}

static const char two_rules[] =
	"- rule: one\n  desc: d\n  condition: evt.type = execve\n"
	"  output: first %proc.name\n  priority: WARNING\n"
	"- rule: two\n  desc: d\n  condition: proc.name = bash\n"
	"  output: second %proc.name\n  priority: ERROR\n";

/* Two rules on one event, through sakerd's alerts to a JSON alert file. */
START_TEST(test_one_event_one_time)
{
	static uint64_t rec[8192];
	struct saker_engine *e = all_engine(two_rules);
	struct saker_config cfg;
	struct saker_alerts *al;
	struct saker_pipeline p = { .track = &tl_track, .engine = e };
	char err[256], *line = NULL, times[2][64];
	const char *why = NULL, *path = tmp_file();
	char jerr[256];
	size_t cap = 0;
	int n = 0;
	long len;
	FILE *f;

	saker_config_defaults(&cfg);
	cfg.stdout_enabled = false;
	cfg.file_enabled = true;
	free(cfg.file_path);
	cfg.file_path = strdup(path);
	cfg.json_output = true;
	cfg.json_include_output = true;
	ck_assert_int_eq(saker_alerts_new(&al, &cfg, err, sizeof(err)), 0);
	p.alert = saker_alerts_rule;
	p.alert_arg = al;
	/* the event's ts is 1000: an anchor that makes it T_REAL */
	p.clock_offset_ns = T_REAL - 1000;
	len = saker_json_to_record(tl_base_exec, strlen(tl_base_exec), rec, sizeof(rec),
				   NULL, jerr, sizeof(jerr));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(saker_pipeline_record(&p, rec, (size_t)len, &why), 2);
	ck_assert_int_eq(saker_alerts_flush(al, 5000), 0);
	saker_alerts_free(al);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		const char *out;

		ck_assert_ptr_nonnull(j);
		ck_assert_int_lt(n, 2);
		snprintf(times[n], sizeof(times[n]), "%s",
			 json_string_value(json_object_get(j, "time")));
		out = json_string_value(json_object_get(j, "output"));
		/* Falco's text line begins with the same time */
		ck_assert_int_eq(strncmp(out, times[n], strlen(times[n])), 0);
		json_decref(j);
		n++;
	}
	free(line);
	fclose(f);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(times[0], "2024-01-01T12:00:00.123456789Z");
	ck_assert_str_eq(times[1], times[0]);
	unlink(path);
	saker_config_free(&cfg);
	saker_engine_free(e);
}
END_TEST

static void write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The records.c task's timestamp. */
#define REC_TS 123456789012ll

/* A capture records its writer's anchor; the reader times events with it. */
START_TEST(test_capture_anchor_round_trip)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	const struct saker_capture_info *info;
	struct saker_capture_writer *w;
	struct saker_capture_reader *r;
	struct saker_capture_hdr h;
	const char *path = tmp_file();
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	size_t len = saker_test_fork(rec, sizeof(rec), 7, 0);
	FILE *f;

	ck_assert_int_eq(saker_capture_writer_open_at(&w, path, T_REAL - REC_TS, err,
						      sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_write(w, rec, len), 0);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
	/* the header as capture.h draws it: the anchor at offset 16 */
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(&h, 1, sizeof(h), f), 24);
	fclose(f);
	ck_assert_uint_eq(sizeof(h), 24);
	ck_assert_uint_eq(h.header_len, 24);
	ck_assert_int_eq(h.clock_offset_ns, T_REAL - REC_TS);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	info = saker_capture_reader_info(r);
	ck_assert(info->has_clock);
	ck_assert_int_eq(info->clock_offset_ns, T_REAL - REC_TS);
	ck_assert_int_eq(saker_capture_next(r, &ev), 1);
	ck_assert_uint_eq(ev.time_ns, (uint64_t)T_REAL);
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	saker_capture_reader_close(r);
	unlink(path);
}
END_TEST

/* A file as saker wrote it before the anchor: 16-byte header, records. */
static void write_old_capture(const char *path, unsigned int n)
{
	_Alignas(8) unsigned char file[16 + 4 * 512];
	struct saker_capture_hdr *h = (void *)file;
	size_t len = 16;
	unsigned int i;

	memset(file, 0, sizeof(file));
	memcpy(h->magic, SAKER_CAPTURE_MAGIC, 8);
	h->abi_version = SAKER_ABI_VERSION;
	h->header_len = 16;
	for (i = 0; i < n && i < 4; i++)
		len += saker_test_fork(file + len, sizeof(file) - len, 10 + i, 0);
	write_file(path, file, len);
}

START_TEST(test_old_capture_reads)
{
	struct saker_clock_anchor host;
	struct saker_capture_reader *r;
	const char *path = tmp_file();
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	uint64_t want;
	unsigned int i;

	write_old_capture(path, 3);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert(!saker_capture_reader_info(r)->has_clock);
	ck_assert_uint_eq(saker_capture_reader_info(r)->header_len, 16);
	saker_clock_anchor_sample(&host);
	want = saker_clock_real_ns(REC_TS, host.offset_ns);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(saker_capture_next(r, &ev), 1);
		ck_assert_uint_eq(ev.fork->parent_tid, 10 + i);
		/* no anchor recorded: this host's, sampled at open */
		ck_assert_uint_le(ev.time_ns > want ? ev.time_ns - want : want - ev.time_ns,
				  10000000ull);
	}
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	saker_capture_reader_close(r);

	/* an old header alone is an empty capture */
	write_old_capture(path, 0);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_next(r, &ev), 0);
	saker_capture_reader_close(r);
	unlink(path);
}
END_TEST

START_TEST(test_header_parse)
{
	struct saker_capture_hdr h = { .abi_version = SAKER_ABI_VERSION,
				       .header_len = 24, .clock_offset_ns = -5 };
	struct saker_capture_info info;
	struct saker_capture_reader *r;
	const char *path = tmp_file();
	char err[SAKER_ERRLEN];

	memcpy(h.magic, SAKER_CAPTURE_MAGIC, 8);
	ck_assert_int_eq(saker_capture_header_parse(&h, 24, &info, err, sizeof(err)), 0);
	ck_assert(info.has_clock);
	ck_assert_int_eq(info.clock_offset_ns, -5);
	/* cut inside the anchor: the fixed part tells how much is missing */
	ck_assert_int_eq(saker_capture_header_parse(&h, 20, &info, err, sizeof(err)),
			 -ENODATA);
	ck_assert_uint_eq(info.header_len, 24);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	ck_assert_int_eq(saker_capture_header_parse(&h, 8, &info, err, sizeof(err)),
			 -ENODATA);
	ck_assert_uint_eq(info.header_len, 0);
	write_file(path, &h, 20);
	ck_assert_int_eq(saker_capture_reader_open(&r, path, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "capture header truncated"));
	ck_assert_ptr_nonnull(strstr(err, path));
	h.header_len = 20;
	ck_assert_int_eq(saker_capture_header_parse(&h, 24, &info, err, sizeof(err)),
			 -EINVAL);
	unlink(path);
}
END_TEST

/* ---- replay: the original wall-clock time, whichever host replays ---- */

static uint64_t seen_time[8];
static size_t nseen;

static void on_alert_time(void *arg, const struct saker_alert *a)
{
	(void)arg;
	if (nseen < 8)
		seen_time[nseen++] = a->ev->time_ns;
}

/* 2001-09-09T01:46:40.000000042Z: no host replaying this is near it. */
#define T_OLD 1000000000000000042ll

static const char fork_rule[] =
	"- rule: forks\n  desc: d\n  condition: evt.type = clone\n"
	"  output: fork %evt.time\n  priority: WARNING\n";

static void replay(const char *path, size_t want_alerts)
{
	struct saker_engine *e = all_engine(fork_rule);
	struct saker_replay_stats st;

	nseen = 0;
	ck_assert_int_eq(saker_replay_file(e, path, NULL, on_alert_time, NULL, &st), 0);
	ck_assert_uint_eq(st.alerts, want_alerts);
	ck_assert_uint_eq(nseen, want_alerts);
	saker_engine_free(e);
}

START_TEST(test_replay_capture_anchor)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	struct saker_capture_writer *w;
	const char *path = tmp_file();
	char err[SAKER_ERRLEN];
	size_t len = saker_test_fork(rec, sizeof(rec), 7, 0);

	ck_assert_int_eq(saker_capture_writer_open_at(&w, path, T_OLD - REC_TS, err,
						      sizeof(err)), 0);
	ck_assert_int_eq(saker_capture_write(w, rec, len), 0);
	ck_assert_int_eq(saker_capture_write(w, rec, len), 0);
	ck_assert_int_eq(saker_capture_writer_close(w), 0);
	replay(path, 2);
	ck_assert_uint_eq(seen_time[0], (uint64_t)T_OLD);
	ck_assert_uint_eq(seen_time[1], (uint64_t)T_OLD);
	unlink(path);
}
END_TEST

START_TEST(test_replay_old_capture)
{
	struct saker_clock_anchor host;
	const char *path = tmp_file();
	uint64_t want, got;

	write_old_capture(path, 2);
	replay(path, 2);
	saker_clock_anchor_sample(&host);
	want = saker_clock_real_ns(REC_TS, host.offset_ns);
	got = seen_time[1];
	ck_assert_uint_le(got > want ? got - want : want - got, 10000000ull);
	unlink(path);
}
END_TEST

static const char json_fork[] =
	"{\"type\":\"fork\",\"ts\":5000,\"pid\":9,\"tid\":9,\"ppid\":1,"
	"\"comm\":\"x\",\"parent_tid\":1%s}\n";

/* A JSON line's "time" is its wall-clock time; a line without has none. */
START_TEST(test_replay_json_time)
{
	struct saker_clock_anchor host;
	const char *path = tmp_file();
	uint64_t want, got;
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, json_fork, ",\"time\":1000000000000000042");
	fprintf(f, json_fork, ",\"time\":1000000000000000043");
	fprintf(f, json_fork, "");
	fclose(f);
	replay(path, 3);
	ck_assert_uint_eq(seen_time[0], (uint64_t)T_OLD);
	ck_assert_uint_eq(seen_time[1], (uint64_t)T_OLD + 1);
	saker_clock_anchor_sample(&host);
	want = saker_clock_real_ns(5000, host.offset_ns);
	got = seen_time[2];
	ck_assert_uint_le(got > want ? got - want : want - got, 10000000ull);
	unlink(path);
}
END_TEST

/* ---- evt.time* fields, on a fixed time, in UTC and in another zone ---- */

/* 2024-01-01T12:00:00.000000042Z: the ns show the 9-digit padding. */
#define T_PAD 1704110400000000042ll

static char fl_output[1024];
static struct saker_value fl_json[16];
static const char *fl_names[16];
static size_t fl_n;

static void on_alert_fields(void *arg, const struct saker_alert *a)
{
	size_t i;

	(void)arg;
	snprintf(fl_output, sizeof(fl_output), "%s", a->output);
	fl_n = saker_alert_nfields(a);
	for (i = 0; i < fl_n && i < 16; i++)
		ck_assert_int_eq(saker_alert_field(a, i, &fl_names[i], &fl_json[i]), 0);
}

static const char all_time_fields[] =
	"- rule: times\n  desc: d\n  condition: %s\n"
	"  output: \"t=%%evt.time ts=%%evt.time.s iso=%%evt.time.iso8601 dt=%%evt.datetime "
	"dts=%%evt.datetime.s raw=%%evt.rawtime s=%%evt.rawtime.s ns=%%evt.rawtime.ns "
	"rel=%%evt.reltime rels=%%evt.reltime.s relns=%%evt.reltime.ns\"\n"
	"  priority: WARNING\n";

/* Runs the base exec at ts (the pipeline's anchor makes ts 1000 T_PAD). */
static int run_at(struct saker_engine *e, uint64_t ts)
{
	static uint64_t rec[8192];
	struct saker_pipeline p = { .track = &tl_track, .engine = e,
				    .alert = on_alert_fields,
				    .clock_offset_ns = T_PAD - 1000 };
	char over[64], *ev;
	const char *why = NULL;
	char jerr[256];
	long len;
	int n;

	snprintf(over, sizeof(over), "{\"ts\":%llu}", (unsigned long long)ts);
	ev = tl_event(tl_base_exec, over);
	len = saker_json_to_record(ev, strlen(ev), rec, sizeof(rec), NULL, jerr, sizeof(jerr));
	ck_assert_int_gt(len, 0);
	fl_output[0] = '\0';
	n = saker_pipeline_record(&p, rec, (size_t)len, &why);
	free(ev);
	return n;
}

static struct saker_engine *time_engine(const char *cond)
{
	char yaml[2048];

	snprintf(yaml, sizeof(yaml), all_time_fields, cond);
	return all_engine(yaml);
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

START_TEST(test_field_formats_utc)
{
	struct saker_engine *e;

	set_tz("UTC");
	e = time_engine("evt.type = execve");
	ck_assert_int_eq(run_at(e, 1000), 1);
	ck_assert_str_eq(fl_output,
			 "t=12:00:00.000000042 ts=12:00:00 "
			 "iso=2024-01-01T12:00:00.000000042+0000 "
			 "dt=2024-01-01 12:00:00.000000042 dts=2024-01-01 12:00:00 "
			 "raw=1704110400000000042 s=1704110400 ns=000000042 "
			 "rel=000000000 rels=0 relns=000000000");
	/* 1.5 s later: evt.reltime counts from the first event these rules saw */
	ck_assert_int_eq(run_at(e, 1000 + 1500000000), 1);
	ck_assert_str_eq(fl_output,
			 "t=12:00:01.500000042 ts=12:00:01 "
			 "iso=2024-01-01T12:00:01.500000042+0000 "
			 "dt=2024-01-01 12:00:01.500000042 dts=2024-01-01 12:00:01 "
			 "raw=1704110401500000042 s=1704110401 ns=500000042 "
			 "rel=1500000000 rels=1 relns=500000000");
	saker_engine_free(e);
}
END_TEST

START_TEST(test_field_formats_zone)
{
	struct saker_engine *e;

	/* POSIX TZ without tzdata: "XYZ-2" is two hours east of UTC */
	set_tz("XYZ-2");
	e = time_engine("evt.type = execve");
	ck_assert_int_eq(run_at(e, 1000), 1);
	ck_assert_str_eq(fl_output,
			 "t=14:00:00.000000042 ts=14:00:00 "
			 "iso=2024-01-01T12:00:00.000000042+0000 "
			 "dt=2024-01-01 14:00:00.000000042 dts=2024-01-01 14:00:00 "
			 "raw=1704110400000000042 s=1704110400 ns=000000042 "
			 "rel=000000000 rels=0 relns=000000000");
	saker_engine_free(e);
	/* across midnight the local date is the next day's */
	set_tz("XYZ-13");
	e = time_engine("evt.type = execve");
	ck_assert_int_eq(run_at(e, 1000), 1);
	ck_assert_ptr_nonnull(strstr(fl_output, "dt=2024-01-02 01:00:00.000000042 "));
	saker_engine_free(e);
	set_tz("UTC");
}
END_TEST

/* JSON output_fields as libsinsp's: time strings as the ns number. */
START_TEST(test_field_json_values)
{
	static const int64_t want[] = {
		T_PAD, T_PAD, T_PAD, T_PAD, T_PAD, T_PAD, 1704110400, 42, 0, 0, 0,
	};
	struct saker_engine *e;
	size_t i;

	set_tz("UTC");
	e = time_engine("evt.type = execve");
	ck_assert_int_eq(run_at(e, 1000), 1);
	ck_assert_uint_eq(fl_n, 11);
	for (i = 0; i < fl_n; i++) {
		ck_assert_msg(fl_json[i].kind == SAKER_VALUE_NUM, "%s", fl_names[i]);
		ck_assert_msg(fl_json[i].num == want[i], "%s: %lld", fl_names[i],
			      (long long)fl_json[i].num);
	}
	ck_assert_str_eq(fl_names[0], "evt.time");
	ck_assert_str_eq(fl_names[7], "evt.rawtime.ns");
	saker_engine_free(e);
}
END_TEST

static int cond_at(const char *cond)
{
	struct saker_engine *e = saker_engine_new();
	char yaml[2048];
	int n;

	snprintf(yaml, sizeof(yaml), all_time_fields, cond);
	saker_engine_load_buffer(e, "t.yaml", yaml, strlen(yaml));
	if (saker_engine_compile(e)) {
		saker_engine_free(e);
		return -1;
	}
	n = run_at(e, 1000);
	saker_engine_free(e);
	return n;
}

/* Conditions: strings compare as strings, raw times as numbers. */
START_TEST(test_field_conditions)
{
	set_tz("UTC");
	ck_assert_int_eq(cond_at("evt.time startswith \"12:00:00.\""), 1);
	ck_assert_int_eq(cond_at("evt.time = \"12:00:00.000000042\""), 1);
	ck_assert_int_eq(cond_at("evt.time.s = 12:00:00"), 1);
	ck_assert_int_eq(cond_at("evt.time.iso8601 = \"2024-01-01T12:00:00.000000042+0000\""), 1);
	ck_assert_int_eq(cond_at("evt.datetime.s = \"2024-01-01 12:00:00\""), 1);
	ck_assert_int_eq(cond_at("evt.datetime glob \"2024-01-01 *\""), 1);
	ck_assert_int_eq(cond_at("evt.datetime contains \"2023\""), 0);
	ck_assert_int_eq(cond_at("evt.rawtime > 1704110400000000000"), 1);
	ck_assert_int_eq(cond_at("evt.rawtime < 1704110400000000000"), 0);
	ck_assert_int_eq(cond_at("evt.rawtime = 1704110400000000042"), 1);
	ck_assert_int_eq(cond_at("evt.rawtime.s in (1, 1704110400)"), 1);
	ck_assert_int_eq(cond_at("evt.rawtime.ns = 42"), 1);
	ck_assert_int_eq(cond_at("evt.reltime = 0"), 1);
	/* numbers take no string operators, as in Falco */
	ck_assert_int_eq(cond_at("evt.rawtime contains 1"), -1);
	ck_assert_int_eq(cond_at("evt.rawtime = 12:00:00"), -1);
}
END_TEST

/* sakerctl trace JSON: "time" right after "ts", once the event has one. */
START_TEST(test_trace_json_time)
{
	_Alignas(8) unsigned char rec[SAKER_TEST_REC_MAX];
	static uint64_t back[1024];
	size_t len = saker_test_fork(rec, sizeof(rec), 7, 0), used;
	struct saker_event ev;
	uint64_t time_ns = 1;
	char jerr[256];
	char *line;
	json_t *j;

	ck_assert_int_eq(saker_decode(rec, len, &ev, &used, NULL), SAKER_DECODE_EVENT);
	j = saker_json_event(&ev);
	line = json_dumps(j, SAKER_JSON_FLAGS);
	ck_assert_ptr_null(strstr(line, "\"time\""));
	free(line);
	json_decref(j);
	ev.time_ns = T_OLD;
	j = saker_json_event(&ev);
	line = json_dumps(j, SAKER_JSON_FLAGS);
	ck_assert_ptr_nonnull(strstr(line, ",\"ts\":123456789012,\"time\":1000000000000000042,\"cpu\":"));
	/* and a replay reads it back */
	ck_assert_int_gt(saker_json_to_record_time(line, strlen(line), back, sizeof(back),
						   NULL, &time_ns, jerr, sizeof(jerr)), 0);
	ck_assert_uint_eq(time_ns, (uint64_t)T_OLD);
	free(line);
	json_decref(j);
	/* a "time" that is not a positive integer is the line's error, by name */
	for (size_t i = 0; i < 2; i++) {
		static const char *const bad[] = {
			"{\"type\":\"fork\",\"time\":\"x\"}", "{\"type\":\"fork\",\"time\":-5}",
		};

		ck_assert_int_lt(saker_json_to_record_time(bad[i], strlen(bad[i]), back,
							   sizeof(back), NULL, &time_ns,
							   jerr, sizeof(jerr)), 0);
		ck_assert_msg(strstr(jerr, "\"time\""), "%s", jerr);
	}
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("anchor");

	tcase_add_test(tc, test_offset_saturates);
	tcase_add_test(tc, test_real_ns_bounds);
	tcase_add_test(tc, test_anchor_sample);
	tcase_add_test(tc, test_anchor_step);
	suite_add_tcase(s, tc);
	tc = tcase_create("alerts");
	tcase_add_test(tc, test_one_event_one_time);
	suite_add_tcase(s, tc);
	tc = tcase_create("capture");
	tcase_add_test(tc, test_capture_anchor_round_trip);
	tcase_add_test(tc, test_old_capture_reads);
	tcase_add_test(tc, test_header_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("fields");
	tcase_add_test(tc, test_field_formats_utc);
	tcase_add_test(tc, test_field_formats_zone);
	tcase_add_test(tc, test_field_json_values);
	tcase_add_test(tc, test_field_conditions);
	suite_add_tcase(s, tc);
	tc = tcase_create("replay");
	tcase_add_test(tc, test_replay_capture_anchor);
	tcase_add_test(tc, test_replay_old_capture);
	tcase_add_test(tc, test_replay_json_time);
	tcase_add_test(tc, test_trace_json_time);
	suite_add_tcase(s, tc);
	return s;
}
