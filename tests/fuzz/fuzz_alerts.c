// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the alert formatters (outputs/alert_format.c): an
 * alert whose strings carry arbitrary bytes (invalid UTF-8, control bytes,
 * quotes, brackets) is written in every form an output sends, and each
 * form is checked: the text line and every syslog record hold no control
 * byte; the JSON line parses back with jansson and keeps rule, fields and
 * tags; the RFC 5424 record parses (PRI, header fields, the SD-ELEMENT with
 * its escaped values); an RFC 6587 frame's length prefix counts the bytes
 * after it; the RFC 3164 line has its PRI, timestamp and TAG; a record cut
 * to max_message_size ends in the marker, in bounds, not inside an escape.
 * Input:
 *
 *   16 bytes: time_ns (8), priority (int8), facility (int8), pid (int16),
 *             flags (bit 0 output in JSON, bit 1 tags, bit 2 JSON body,
 *             bits 4-6 tag count), 3 unused
 *   then NUL-terminated strings: rule, output, source, hostname, app_name,
 *             one per tag (a missing string is NULL)
 *   then output fields up to the end: kind (1 byte: missing, string,
 *             number, bool), length (1 byte), that many bytes
 *
 * Build: make fuzz-alerts; seeds: tests/fuzz/corpus_alerts/.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "outputs/outputs.h"

#define HDR 16
#define MAX_TAGS 7
#define MAX_FIELDS 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Field names as rules have them: ASCII, JSON object keys. */
static const char *const field_names[MAX_FIELDS] = {
	"proc.name", "proc.cmdline", "fd.name", "user.name", "container.id",
	"proc.pname", "evt.type", "proc.pid", "fd.num", "proc.tty", "k8s.ns.name",
	"container.image", "proc.env", "evt.arg.flags", "proc.exepath", "proc.aname[2]",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* RFC 3164 uses local time: pin it, so a run does not depend on the host. */
	setenv("TZ", "UTC", 1);
	return 0;
}

static void fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_alerts: %s\n%s\n", what, s ? s : "(null)");
	abort();
}

/* One line, one syslog record: no control byte, no DEL. */
static void check_no_ctl(const char *what, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fail(what, s);
}

/* s as the formatters write event data: control bytes as \xNN. */
static char *ctl_escaped(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char *out = malloc(strlen(s) * 4 + 1), *o = out;

	if (!out)
		abort();
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

static int expected_pri(int facility, enum saker_prio p)
{
	if (facility < 0 || facility > SAKER_SYSLOG_FACILITY_MAX)
		facility = 1;
	return facility * 8 + ((unsigned int)p <= SAKER_PRIO_DEBUG ? (int)p : 7);
}

/* "<time>: <Priority> <output>", the output's control bytes escaped. */
static void check_text(const char *text, const struct saker_alert_msg *m)
{
	char ts[40], *out = ctl_escaped(m->output ? m->output : ""), *want;
	const char *prio = saker_prio_name((unsigned int)m->priority <= SAKER_PRIO_DEBUG ?
					   m->priority : SAKER_PRIO_DEBUG);

	check_no_ctl("text line with a control byte", text);
	saker_format_time(m->time_ns, ts, sizeof(ts));
	want = malloc(strlen(ts) + strlen(prio) + strlen(out) + 4);
	if (!want)
		abort();
	sprintf(want, "%s: %s %s", ts, prio, out);
	if (strcmp(text, want))
		fail("text line is not time, priority, output", text);
	free(want);
	free(out);
}

/* "<PRI>" at *s; returns the PRI or -1, *s past it. */
static int parse_pri(const char **s)
{
	const char *p = *s;
	int pri = 0, digits = 0;

	if (*p++ != '<')
		return -1;
	while (*p >= '0' && *p <= '9' && digits < 4) {
		pri = pri * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || digits > 3 || *p++ != '>')
		return -1;
	*s = p;
	return pri;
}

/* An RFC 5424 header field: 1..max PRINTUSASCII, then one space; its
 * length, or 0 (*s past the space). */
static size_t header_field(const char **s, size_t max)
{
	const char *p = *s;
	size_t n = 0;

	while (*p > 32 && *p < 127) {
		p++;
		n++;
	}
	if (!n || n > max || *p != ' ')
		return 0;
	*s = p + 1;
	return n;
}

/* name="value" in an SD-ELEMENT; the value unescaped into out. */
static bool sd_param(const char **s, const char *name, char *out)
{
	const char *p = *s;
	size_t n = strlen(name);

	if (strncmp(p, name, n) || p[n] != '=' || p[n + 1] != '"')
		return false;
	for (p += n + 2; *p != '"'; p++) {
		if (!*p || *p == ']')
			return false;	/* RFC 5424: ']' in a value is escaped */
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == ']'))
			p++;
		*out++ = *p;
	}
	*out = '\0';
	*s = p + 1;
	return true;
}

static void check_rfc5424(const char *rec, const struct saker_alert_msg *m,
			  int facility, int pid, const char *body)
{
	const char *p = rec, *source = m->source ? m->source : "syscall", *procid;
	size_t len = strlen(rec), n;
	char *val = malloc(len + 16), *want;

	if (!val)
		abort();
	check_no_ctl("RFC 5424 record with a control byte", rec);
	if (parse_pri(&p) != expected_pri(facility, m->priority) || strncmp(p, "1 ", 2))
		fail("RFC 5424: bad PRI or VERSION", rec);
	p += 2;
	/* TIMESTAMP HOSTNAME APP-NAME PROCID MSGID */
	if (!header_field(&p, 32) || !header_field(&p, 255) || !header_field(&p, 48))
		fail("RFC 5424: bad header", rec);
	procid = p;
	n = header_field(&p, 128);
	snprintf(val, 16, "%d", pid);
	if (pid > 0 ? n != strlen(val) || strncmp(procid, val, n) : n != 1 || *procid != '-')
		fail("RFC 5424: PROCID is not the pid", rec);
	if (header_field(&p, 32) != 5 || strncmp(p - 6, "alert ", 6))
		fail("RFC 5424: MSGID", rec);
	if (strncmp(p, "[saker@32473 ", 13))
		fail("RFC 5424: no SD-ELEMENT", rec);
	p += 13;
	want = ctl_escaped(m->rule ? m->rule : "");
	if (!sd_param(&p, "rule", val) || strcmp(val, want))
		fail("RFC 5424: rule parameter", rec);
	free(want);
	if (*p++ != ' ' || !sd_param(&p, "priority", val) || *p++ != ' ')
		fail("RFC 5424: priority parameter", rec);
	want = ctl_escaped(source);
	if (!sd_param(&p, "source", val) || strcmp(val, want) || *p++ != ']')
		fail("RFC 5424: source parameter", rec);
	free(want);
	/* MSG: the body, escaped the same way, after one space. */
	want = ctl_escaped(body);
	if (*body ? (*p != ' ' || strcmp(p + 1, want)) : *p != '\0')
		fail("RFC 5424: MSG is not the body", rec);
	free(want);
	free(val);
}

/* RFC 6587 octet counting: "LEN SP" then exactly LEN bytes. */
static void check_frame(const char *msg, size_t len)
{
	size_t outlen = 0, n = 0, digits = 0;
	char *f = saker_format_octet_frame(msg, len, &outlen);

	if (!f)
		abort();
	while (digits < outlen && f[digits] >= '0' && f[digits] <= '9')
		n = n * 10 + (size_t)(f[digits++] - '0');
	if (!digits || (f[0] == '0' && digits > 1) || digits >= outlen || f[digits] != ' ' ||
	    n != len || outlen - digits - 1 != len || memcmp(f + digits + 1, msg, len))
		fail("RFC 6587 frame length does not match", f);
	free(f);
}

/*
 * max_message_size: a record longer than max is cut to at most max bytes
 * (at most 6 fewer: a UTF-8 character, then an escape, kept whole), ends in
 * the marker, keeps the
 * original's prefix, and never ends that prefix inside a \xNN escape.
 */
static void check_cap(const char *rec, size_t max)
{
	static const char mark[] = SAKER_SYSLOG_TRUNC_MARK;
	size_t len = strlen(rec), n, keep, ml = sizeof(mark) - 1;
	char *c = strdup(rec);

	if (!c)
		abort();
	n = saker_format_cap(c, len, max);
	if (len <= max) {
		if (n != len || strcmp(c, rec))
			fail("cap: a record that fits was changed", c);
		free(c);
		return;
	}
	keep = n - ml;
	if (n > max || n + 6 < max || strlen(c) != n || strcmp(c + keep, mark) ||
	    memcmp(c, rec, keep))
		fail("cap: bad cut", c);
	for (size_t back = 1; back <= 3 && back <= keep; back++)
		if (rec[keep - back] == '\\' && rec[keep - back + 1] == 'x')
			fail("cap: cut inside an escape", c);
	free(c);
}

static void check_rfc3164(const char *rec, const struct saker_alert_msg *m,
			  int facility, int pid, const char *body)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = rec, *colon;
	char *want;

	check_no_ctl("RFC 3164 line with a control byte", rec);
	if (parse_pri(&p) != expected_pri(facility, m->priority))
		fail("RFC 3164: bad PRI", rec);
	/* "Mmm dd hh:mm:ss " */
	if (strlen(p) < 16 || !memmem(months, sizeof(months) - 1, p, 3) || p[3] != ' ' ||
	    p[6] != ' ' || p[9] != ':' || p[12] != ':' || p[15] != ' ')
		fail("RFC 3164: bad timestamp", rec);
	p += 16;
	/* TAG: up to 32 characters, none of them '[', ']', ':' */
	colon = p + strcspn(p, "[:");
	if (colon - p > 32 || !*colon || memchr(p, ']', (size_t)(colon - p)))
		fail("RFC 3164: bad TAG", rec);
	if ((*colon == '[') != (pid > 0))
		fail("RFC 3164: PID", rec);
	if (*colon == '[')
		colon = strchr(colon, ':');
	want = ctl_escaped(body);
	if (!colon || (*body ? (colon[1] != ' ' || strcmp(colon + 2, want)) : colon[1]))
		fail("RFC 3164: MSG is not the body", rec);
	free(want);
}

/* jansson's view of an escaped string equals saker_json_bytes()'s. */
static void check_json_str(json_t *obj, const char *key, const char *raw)
{
	json_t *want = saker_json_bytes(raw, strlen(raw));
	json_t *got = json_object_get(obj, key);

	if (!want || !json_equal(want, got))
		fail("JSON: value changed", key);
	json_decref(want);
}

static void check_json(const char *line, const struct saker_alert_msg *m,
		       const char *hostname, bool with_output, bool with_tags,
		       size_t nfields)
{
	json_error_t jerr;
	json_t *o, *tags;
	size_t i;

	check_no_ctl("JSON line with a control byte", line);
	o = json_loads(line, JSON_ALLOW_NUL, &jerr);
	if (!json_is_object(o))
		fail(jerr.text, line);
	check_json_str(o, "rule", m->rule ? m->rule : "");
	check_json_str(o, "source", m->source ? m->source : "syscall");
	check_json_str(o, "hostname", hostname ? hostname : "");
	if (!json_is_string(json_object_get(o, "priority")) ||
	    !json_is_string(json_object_get(o, "time")))
		fail("JSON: missing key", line);
	if (!json_is_object(json_object_get(o, "output_fields")) ||
	    json_object_size(json_object_get(o, "output_fields")) != nfields)
		fail("JSON: output_fields", line);
	if (!!json_object_get(o, "output") != with_output)
		fail("JSON: output", line);
	tags = json_object_get(o, "tags");
	if (with_tags ? !json_is_array(tags) || json_array_size(tags) != m->ntags : !!tags)
		fail("JSON: tags", line);
	for (i = 0; with_tags && i < m->ntags; i++) {
		json_t *want = saker_json_bytes(m->tags[i], strlen(m->tags[i]));

		if (!json_equal(want, json_array_get(tags, i)))
			fail("JSON: tag changed", line);
		json_decref(want);
	}
	json_decref(o);
}

/* The next NUL-terminated string of the input, or NULL when none is left. */
static const char *next_str(const char **p, const char *end)
{
	const char *s = *p, *nul;

	if (s >= end || !(nul = memchr(s, '\0', (size_t)(end - s))))
		return NULL;
	*p = nul + 1;
	return s;
}

/* Output fields from the rest of the input; returns how many. */
static size_t read_fields(const char *p, const char *end, json_t *fields)
{
	size_t n = 0;

	while (end - p >= 2 && n < MAX_FIELDS) {
		unsigned int kind = (unsigned char)p[0] % 4, len = (unsigned char)p[1];
		struct saker_value v = { .kind = (enum saker_value_kind)kind };
		json_t *j;

		p += 2;
		if (len > (size_t)(end - p))
			len = (unsigned int)(end - p);
		if (kind == SAKER_VALUE_STR) {
			v.str = p;
			v.len = len;
		} else if (kind == SAKER_VALUE_NUM) {
			memcpy(&v.num, p, len < 8 ? len : 8);
		} else if (kind == SAKER_VALUE_BOOL) {
			v.b = len & 1;
		}
		p += len;
		j = saker_value_json(&v);
		if (!j || json_object_set_new(fields, field_names[n], j))
			fail("saker_value_json() gave no value", field_names[n]);
		n++;
		/* Event bytes go into a TCP frame as they are, NULs included. */
		if (kind == SAKER_VALUE_STR)
			check_frame(v.str, v.len);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[HDR] = { 0 };
	const char *tags[MAX_TAGS], *hostname, *app_name;
	const char *p = (const char *)data + (size < HDR ? size : HDR);
	const char *end = (const char *)data + size;
	bool with_output, with_tags, json_body;
	struct saker_alert_msg m = { 0 };
	char *text, *json, *rec, *local;
	size_t nfields, ntags, i, n;
	int8_t prio, facility;
	int16_t pid;

	memcpy(hdr, data, size < HDR ? size : HDR);
	memcpy(&m.time_ns, hdr, 8);
	memcpy(&prio, hdr + 8, 1);
	memcpy(&facility, hdr + 9, 1);
	memcpy(&pid, hdr + 10, 2);
	with_output = hdr[12] & 1;
	with_tags = hdr[12] & 2;
	json_body = hdr[12] & 4;
	ntags = (hdr[12] >> 4) & 7;
	m.priority = (enum saker_prio)prio;
	m.rule = next_str(&p, end);
	m.output = next_str(&p, end);
	m.source = next_str(&p, end);
	hostname = next_str(&p, end);
	app_name = next_str(&p, end);
	for (i = 0; i < ntags && (tags[i] = next_str(&p, end)); i++)
		;
	m.tags = tags;
	m.ntags = i;
	m.output_fields = json_object();
	if (!m.output_fields)
		abort();
	nfields = read_fields(p, end, m.output_fields);

	text = saker_format_text(&m);
	json = saker_format_json(&m, hostname, with_output, with_tags);
	if (!text || !json)
		abort();
	check_text(text, &m);
	check_json(json, &m, hostname, with_output, with_tags, nfields);
	/* As payload_new(): the syslog records carry the line as their MSG. */
	rec = saker_format_rfc5424(&m, hostname, app_name, facility, pid,
				   json_body ? json : text);
	local = saker_format_rfc3164(&m, app_name, facility, pid, json_body ? json : text);
	if (!rec || !local)
		abort();
	check_rfc5424(rec, &m, facility, pid, json_body ? json : text);
	check_frame(rec, strlen(rec));
	/* Limits around the record's own length, from 480 (the smallest allowed). */
	check_cap(rec, SAKER_SYSLOG_MAX_MIN + (m.time_ns % 1024));
	n = strlen(local) - (m.time_ns % 20 < strlen(local) ? m.time_ns % 20 : 0);
	check_cap(local, n < SAKER_SYSLOG_MAX_MIN ? SAKER_SYSLOG_MAX_MIN : n);
	check_rfc3164(local, &m, facility, pid, json_body ? json : text);
	free(local);
	free(rec);
	free(json);
	free(text);
	json_decref(m.output_fields);
	return 0;
}
