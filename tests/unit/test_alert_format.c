// SPDX-License-Identifier: GPL-2.0
/*
 * Alert formatting: RFC 3339 time (nanoseconds, UTC, 1970 and past 2038),
 * Falco's text line, Falco's JSON keys and types parsed back with jansson,
 * exact RFC 5424 / RFC 3164 records, octet-counting frames, and the escaping
 * that keeps one alert on one line and in one syslog record.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/outputs.h"
#include "check_main.h"

/* 2026-11-22T19:31:36.123456789Z */
#define T0 1795375896123456789ULL

static struct saker_alert_msg base_msg(void)
{
	static const char *const tags[] = { "filesystem", "mitre_credential_access" };
	struct saker_alert_msg m = {
		.time_ns = T0,
		.rule = "Read sensitive file",
		.priority = SAKER_PRIO_WARNING,
		.source = "syscall",
		.output = "File opened by ls (user=root)",
		.tags = tags,
		.ntags = 2,
	};

	return m;
}

static void expect_time(uint64_t ns, const char *want)
{
	char buf[40];

	saker_format_time(ns, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

START_TEST(time_format)
{
	expect_time(0, "1970-01-01T00:00:00.000000000Z");
	expect_time(1, "1970-01-01T00:00:00.000000001Z");
	expect_time(T0, "2026-11-22T19:31:36.123456789Z");
	expect_time(946684799999999999ULL, "1999-12-31T23:59:59.999999999Z");
	expect_time(951782400ULL * 1000000000ULL, "2000-02-29T00:00:00.000000000Z");
	/* One second past the 32-bit time_t limit. */
	expect_time(2147483648ULL * 1000000000ULL, "2038-01-19T03:14:08.000000000Z");
	expect_time(2147483647ULL * 1000000000ULL + 999999999ULL,
		    "2038-01-19T03:14:07.999999999Z");
	/* 2100 is not a leap year: Feb 28 is followed by Mar 1. */
	expect_time((4107456000ULL + 86400) * 1000000000ULL,
		    "2100-03-01T00:00:00.000000000Z");
	expect_time(UINT64_MAX, "2554-07-21T23:34:33.709551615Z");
}
END_TEST

START_TEST(time_small_buffer)
{
	char buf[12];

	memset(buf, 'x', sizeof(buf));
	saker_format_time(T0, buf, 8);
	ck_assert_str_eq(buf, "2026-11");
	ck_assert_int_eq(buf[8], 'x');
	saker_format_time(T0, buf, 0);
	ck_assert_int_eq(buf[8], 'x');
}
END_TEST

START_TEST(text_exact)
{
	static const char *const names[] = {
		"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
		"Informational", "Debug",
	};
	struct saker_alert_msg m = base_msg();
	char want[128], *s;
	int p;

	s = saker_format_text(&m);
	ck_assert_str_eq(s, "2026-11-22T19:31:36.123456789Z: Warning "
			    "File opened by ls (user=root)");
	free(s);
	for (p = SAKER_PRIO_EMERGENCY; p <= SAKER_PRIO_DEBUG; p++) {
		m.priority = (enum saker_prio)p;
		s = saker_format_text(&m);
		snprintf(want, sizeof(want), "2026-11-22T19:31:36.123456789Z: %s "
			 "File opened by ls (user=root)", names[p]);
		ck_assert_str_eq(s, want);
		free(s);
	}
}
END_TEST

START_TEST(text_escapes_controls)
{
	struct saker_alert_msg m = base_msg();
	char *s;

	m.output = "a\tb\nc\rd\x1b[31me\x7f f\x01 h\xc3\xa9 \\x0a";
	s = saker_format_text(&m);
	/* Controls and DEL escaped, UTF-8 and backslashes left alone. */
	ck_assert_str_eq(s, "2026-11-22T19:31:36.123456789Z: Warning "
			    "a\\x09b\\x0ac\\x0dd\\x1b[31me\\x7f f\\x01 h\xc3\xa9 \\x0a");
	ck_assert_ptr_null(strchr(s, '\n'));
	free(s);
}
END_TEST

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	ck_assert_msg(j != NULL, "bad JSON: %s: %s", e.text, s);
	return j;
}

START_TEST(json_keys_and_types)
{
	struct saker_alert_msg m = base_msg();
	json_t *fields = json_object(), *j, *f, *t;
	static const char *const keys[] = {
		"hostname", "output", "output_fields", "priority", "rule",
		"source", "tags", "time",
	};
	size_t i;
	char *s;

	json_object_set_new(fields, "proc.pid", json_integer(4242));
	json_object_set_new(fields, "fd.name", json_string("/etc/shadow"));
	json_object_set_new(fields, "proc.tty", json_null());
	json_object_set_new(fields, "evt.is_open_read", json_true());
	json_object_set_new(fields, "container.privileged", json_false());
	m.output_fields = fields;
	m.output = "File opened\nby ls";
	s = saker_format_json(&m, "web-1", true, true);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_null(strchr(s, '\n'));
	j = parse(s);
	ck_assert_int_eq(json_object_size(j), 8);
	for (i = 0; i < 8; i++)
		ck_assert_msg(json_object_get(j, keys[i]), "missing %s", keys[i]);
	ck_assert_str_eq(json_string_value(json_object_get(j, "hostname")), "web-1");
	/* Falco's "output" is the whole text line, unescaped in JSON. */
	ck_assert_str_eq(json_string_value(json_object_get(j, "output")),
			 "2026-11-22T19:31:36.123456789Z: Warning File opened\nby ls");
	ck_assert_str_eq(json_string_value(json_object_get(j, "priority")), "Warning");
	ck_assert_str_eq(json_string_value(json_object_get(j, "rule")),
			 "Read sensitive file");
	ck_assert_str_eq(json_string_value(json_object_get(j, "source")), "syscall");
	ck_assert_str_eq(json_string_value(json_object_get(j, "time")),
			 "2026-11-22T19:31:36.123456789Z");
	t = json_object_get(j, "tags");
	ck_assert(json_is_array(t));
	ck_assert_int_eq(json_array_size(t), 2);
	ck_assert_str_eq(json_string_value(json_array_get(t, 0)), "filesystem");
	ck_assert_str_eq(json_string_value(json_array_get(t, 1)),
			 "mitre_credential_access");
	f = json_object_get(j, "output_fields");
	ck_assert(json_is_object(f));
	ck_assert_int_eq(json_object_size(f), 5);
	ck_assert(json_is_integer(json_object_get(f, "proc.pid")));
	ck_assert_int_eq(json_integer_value(json_object_get(f, "proc.pid")), 4242);
	ck_assert_str_eq(json_string_value(json_object_get(f, "fd.name")), "/etc/shadow");
	ck_assert(json_is_null(json_object_get(f, "proc.tty")));
	ck_assert(json_is_true(json_object_get(f, "evt.is_open_read")));
	ck_assert(json_is_false(json_object_get(f, "container.privileged")));
	json_decref(j);
	free(s);
	/* Borrowed: still ours, unchanged. */
	ck_assert_int_eq(fields->refcount, 1);
	json_decref(fields);
}
END_TEST

START_TEST(json_optional_keys)
{
	struct saker_alert_msg m = base_msg();
	json_t *j;
	char *s;

	s = saker_format_json(&m, "h", false, false);
	j = parse(s);
	ck_assert_ptr_null(json_object_get(j, "output"));
	ck_assert_ptr_null(json_object_get(j, "tags"));
	ck_assert_int_eq(json_object_size(j), 6);
	/* No fields given: still an object, as Falco always writes it. */
	ck_assert(json_is_object(json_object_get(j, "output_fields")));
	json_decref(j);
	free(s);
	s = saker_format_json(&m, "h", true, false);
	j = parse(s);
	ck_assert_ptr_nonnull(json_object_get(j, "output"));
	ck_assert_ptr_null(json_object_get(j, "tags"));
	json_decref(j);
	free(s);
	m.ntags = 0;
	s = saker_format_json(&m, "h", false, true);
	j = parse(s);
	ck_assert_int_eq(json_array_size(json_object_get(j, "tags")), 0);
	json_decref(j);
	free(s);
}
END_TEST

START_TEST(json_del_and_bad_utf8)
{
	struct saker_alert_msg m = base_msg();
	json_t *j;
	char *s;

	m.output = "x\x7fy\xff" "z";
	m.rule = "r\x01";
	s = saker_format_json(&m, "h", true, true);
	ck_assert_ptr_nonnull(s);
	/* Every byte of the line is printable: DEL too is \u-escaped. */
	for (const char *c = s; *c; c++)
		ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "raw 0x%02x",
			      (unsigned char)*c);
	ck_assert_ptr_nonnull(strstr(s, "\\u007f"));
	j = parse(s);
	ck_assert_str_eq(json_string_value(json_object_get(j, "output")),
			 "2026-11-22T19:31:36.123456789Z: Warning x\x7fy\\xffz");
	ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), "r\x01");
	json_decref(j);
	free(s);
}
END_TEST

START_TEST(rfc5424_exact)
{
	struct saker_alert_msg m = base_msg();
	char *s;

	m.rule = "Write \"below\" \\etc]";
	s = saker_format_rfc5424(&m, "web-1", "saker", 16, 4242, NULL);
	/* local0 (16) * 8 + warning (4) = 132; microseconds: RFC 5424 allows 6 digits. */
	ck_assert_str_eq(s, "<132>1 2026-11-22T19:31:36.123456Z web-1 saker 4242 alert "
			    "[saker@32473 rule=\"Write \\\"below\\\" \\\\etc\\]\" "
			    "priority=\"Warning\" source=\"syscall\"] "
			    "File opened by ls (user=root)");
	free(s);
	/* Unknowns are NILVALUE; the payload replaces the output. */
	m.rule = "r";
	m.priority = SAKER_PRIO_EMERGENCY;
	s = saker_format_rfc5424(&m, NULL, "", 1, 0, "{\"a\":1}");
	ck_assert_str_eq(s, "<8>1 2026-11-22T19:31:36.123456Z - - - alert "
			    "[saker@32473 rule=\"r\" priority=\"Emergency\" "
			    "source=\"syscall\"] {\"a\":1}");
	free(s);
	m.priority = SAKER_PRIO_DEBUG;
	m.time_ns = 0;
	m.output = "";
	s = saker_format_rfc5424(&m, "my host\x01", "sa ker", 23, 1, NULL);
	ck_assert_str_eq(s, "<191>1 1970-01-01T00:00:00.000000Z my_host_ sa_ker 1 alert "
			    "[saker@32473 rule=\"r\" priority=\"Debug\" source=\"syscall\"]");
	free(s);
}
END_TEST

/* output_fields take the engine's typed values as they are: no text parsed. */
START_TEST(json_typed_values)
{
	static const struct {
		struct saker_value v;
		const char *want;
	} c[] = {
		{ { .kind = SAKER_VALUE_MISSING }, "null" },
		{ { .kind = SAKER_VALUE_NUM, .num = -1 }, "-1" },
		{ { .kind = SAKER_VALUE_NUM, .num = INT64_MAX }, "9223372036854775807" },
		{ { .kind = SAKER_VALUE_BOOL, .b = true }, "true" },
		{ { .kind = SAKER_VALUE_BOOL, .b = false }, "false" },
		{ { .kind = SAKER_VALUE_STR, .str = "/etc/shadowX", .len = 11 }, "\"/etc/shadow\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		json_t *j = saker_value_json(&c[i].v);
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

		ck_assert_str_eq(s, c[i].want);
		free(s);
		json_decref(j);
	}
}
END_TEST

START_TEST(rfc5424_severity_map)
{
	struct saker_alert_msg m = base_msg();
	char want[16], *s;
	int p;

	for (p = SAKER_PRIO_EMERGENCY; p <= SAKER_PRIO_DEBUG; p++) {
		m.priority = (enum saker_prio)p;
		s = saker_format_rfc5424(&m, "h", "a", 3, 1, NULL);
		snprintf(want, sizeof(want), "<%d>1 ", 3 * 8 + p);
		ck_assert_msg(!strncmp(s, want, strlen(want)), "%s", s);
		free(s);
	}
}
END_TEST

START_TEST(rfc5424_no_forged_record)
{
	struct saker_alert_msg m = base_msg();
	char *s, *f;
	size_t len;

	m.output = "x\n<13>1 2026-01-01T00:00:00Z evil - - - - forged\r\n";
	m.rule = "r\n]\"";
	s = saker_format_rfc5424(&m, "h", "saker", 1, 7, NULL);
	ck_assert_ptr_null(strchr(s, '\n'));
	ck_assert_ptr_null(strchr(s, '\r'));
	ck_assert_ptr_nonnull(strstr(s, "rule=\"r\\x0a\\]\\\"\""));
	ck_assert_ptr_nonnull(strstr(s, "] x\\x0a<13>1 2026-01-01T00:00:00Z evil - - - - "
				     "forged\\x0d\\x0a"));
	/* The frame counts the escaped bytes, so the record ends where s ends. */
	f = saker_format_octet_frame(s, strlen(s), &len);
	ck_assert_uint_eq(strtoul(f, NULL, 10), strlen(s));
	ck_assert_uint_eq(len, strlen(f));
	ck_assert_str_eq(strchr(f, ' ') + 1, s);
	free(f);
	free(s);
}
END_TEST

START_TEST(octet_frame_exact)
{
	size_t len;
	char *f;

	f = saker_format_octet_frame("<13>1 - - - - - - hi", 20, &len);
	ck_assert_str_eq(f, "20 <13>1 - - - - - - hi");
	ck_assert_uint_eq(len, 23);
	free(f);
	/* Octets, not characters: "é" is two. */
	f = saker_format_octet_frame("h\xc3\xa9llo", 6, &len);
	ck_assert_str_eq(f, "6 h\xc3\xa9llo");
	free(f);
	f = saker_format_octet_frame("", 0, &len);
	ck_assert_str_eq(f, "0 ");
	free(f);
}
END_TEST

START_TEST(rfc3164_exact)
{
	struct saker_alert_msg m = base_msg();
	char *s;

	setenv("TZ", "UTC", 1);
	tzset();
	s = saker_format_rfc3164(&m, "saker", 16, 4242, NULL);
	ck_assert_str_eq(s, "<132>Nov 22 19:31:36 saker[4242]: File opened by ls (user=root)");
	free(s);
	/* Local time (POSIX TZ "XYZ-2" is UTC+2), space-padded day, escaping. */
	setenv("TZ", "XYZ-2", 1);
	tzset();
	m.time_ns = 1793575896ULL * 1000000000ULL;	/* 2026-11-01T23:31:36Z */
	m.output = "a\nb";
	s = saker_format_rfc3164(&m, "sa[k]:r", 1, 0, NULL);
	ck_assert_str_eq(s, "<12>Nov  2 01:31:36 sa_k__r: a\\x0ab");
	free(s);
	unsetenv("TZ");
	tzset();
}
END_TEST

/* Records longer than max_message_size: cut visibly, never inside a UTF-8
 * character or a \xNN escape. */
START_TEST(cap_marks_truncation)
{
	static const char mark[] = SAKER_SYSLOG_TRUNC_MARK;
	const size_t ml = sizeof(mark) - 1;
	char buf[1024];
	size_t n;

	memset(buf, 'a', sizeof(buf));
	buf[1000] = '\0';
	/* Fits: untouched. */
	ck_assert_uint_eq(saker_format_cap(buf, 1000, 1000), 1000);
	ck_assert_int_eq(buf[999], 'a');
	/* Too long: exactly max bytes, ending in the marker. */
	n = saker_format_cap(buf, 1000, 600);
	ck_assert_uint_eq(n, 600);
	ck_assert_uint_eq(strlen(buf), 600);
	ck_assert_str_eq(buf + 600 - ml, mark);
	/* A 3-byte character across the cut: dropped whole. */
	memset(buf, 'a', 1000);
	buf[1000] = '\0';
	memcpy(buf + 600 - ml - 1, "\xe2\x82\xac", 3);
	n = saker_format_cap(buf, 1000, 600);
	ck_assert_uint_eq(n, 600 - 1);
	ck_assert_int_eq(buf[600 - ml - 2], 'a');
	ck_assert_str_eq(buf + n - ml, mark);
	/* An escape across the cut: dropped whole. */
	memset(buf, 'a', 1000);
	buf[1000] = '\0';
	memcpy(buf + 600 - ml - 2, "\\x0a", 4);
	n = saker_format_cap(buf, 1000, 600);
	ck_assert_uint_eq(n, 600 - 2);
	ck_assert_int_eq(buf[600 - ml - 3], 'a');
	ck_assert_str_eq(buf + n - ml, mark);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("alert_format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, time_format);
	tcase_add_test(tc, time_small_buffer);
	tcase_add_test(tc, text_exact);
	tcase_add_test(tc, text_escapes_controls);
	tcase_add_test(tc, json_keys_and_types);
	tcase_add_test(tc, json_optional_keys);
	tcase_add_test(tc, json_del_and_bad_utf8);
	tcase_add_test(tc, rfc5424_exact);
	tcase_add_test(tc, json_typed_values);
	tcase_add_test(tc, rfc5424_severity_map);
	tcase_add_test(tc, rfc5424_no_forged_record);
	tcase_add_test(tc, octet_frame_exact);
	tcase_add_test(tc, rfc3164_exact);
	tcase_add_test(tc, cap_marks_truncation);
	suite_add_tcase(s, tc);
	return s;
}
