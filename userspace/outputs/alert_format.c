// SPDX-License-Identifier: GPL-2.0
/*
 * Alert formatting: RFC 3339 time, Falco's text line and JSON object, and
 * the syslog forms (RFC 5424, RFC 3164, RFC 6587 octet counting). Control
 * bytes in event data become "\xNN" in every non-JSON form so that one alert
 * is always one line and one syslog record. docs/outputs.md has the layouts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/json.h"
#include "outputs.h"

#define NSEC_PER_SEC 1000000000ULL
/* IANA's example enterprise number (RFC 5612): saker has none of its own. */
#define SD_ID "saker@32473"

/* The rule engine's names; out of range reads as Debug, as its severity does. */
static const char *prio_name(enum saker_prio p)
{
	return saker_prio_name((unsigned int)p <= SAKER_PRIO_DEBUG ? p : SAKER_PRIO_DEBUG);
}

/* Falco priorities are syslog severities: Emergency 0 ... Debug 7. */
static int prio_severity(enum saker_prio p)
{
	return (unsigned int)p <= SAKER_PRIO_DEBUG ? (int)p : 7;
}

static int syslog_pri(int facility, enum saker_prio p)
{
	/* Out-of-range facilities fall back to user (1), as syslog(3) does for 0. */
	if (facility < 0 || facility > SAKER_SYSLOG_FACILITY_MAX)
		facility = 1;
	return facility * 8 + prio_severity(p);
}

/* A growing string; oom latches so callers check once at the end. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static bool sb_reserve(struct sbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* Only short numeric pieces go through here. */
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = true;
		return;
	}
	sb_add(b, tmp, (size_t)n);
}

/*
 * Appends s with every byte < 0x20 and 0x7f written as "\xNN" (lowercase
 * hex, as json.h writes invalid UTF-8), and each byte of quote preceded by a
 * backslash (RFC 5424 PARAM-VALUE needs '"', '\' and ']' escaped).
 */
static void sb_escaped(struct sbuf *b, const char *s, size_t n, const char *quote)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[4];

		if (c >= 0x20 && c != 0x7f && !(quote && c && strchr(quote, c)))
			continue;
		sb_add(b, s + start, i - start);
		start = i + 1;
		if (c < 0x20 || c == 0x7f) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 0xf];
			sb_add(b, esc, 4);
		} else {
			esc[0] = '\\';
			esc[1] = (char)c;
			sb_add(b, esc, 2);
		}
	}
	sb_add(b, s + start, n - start);
}

/* RFC 5424 header fields: PRINTUSASCII only, bounded, "-" when unknown. */
static void sb_header_field(struct sbuf *b, const char *s, size_t max,
			    const char *bad)
{
	size_t i, n;

	if (!s || !*s) {
		sb_add(b, "-", 1);
		return;
	}
	n = strnlen(s, max);
	if (!sb_reserve(b, n))
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		b->p[b->len + i] = (c < 33 || c > 126 || strchr(bad, c)) ? '_' : (char)c;
	}
	b->len += n;
	b->p[b->len] = '\0';
}

static char *sb_finish(struct sbuf *b)
{
	if (b->oom || !sb_reserve(b, 0)) {
		free(b->p);
		return NULL;
	}
	b->p[b->len] = '\0';
	return b->p;
}

/* digits of the second's fraction: 9 for Falco, 6 for RFC 5424's limit. */
static void format_time(uint64_t time_ns, int digits, char *buf, size_t size)
{
	time_t secs = (time_t)(time_ns / NSEC_PER_SEC);
	unsigned long frac = (unsigned long)(time_ns % NSEC_PER_SEC);
	struct tm tm;

	if (!size)
		return;
	if (digits == 6)
		frac /= 1000;
	if (!gmtime_r(&secs, &tm)) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%0*luZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, digits, frac);
}

void saker_format_time(uint64_t time_ns, char *buf, size_t size)
{
	format_time(time_ns, 9, buf, size);
}

static void sb_text_head(struct sbuf *b, const struct saker_alert_msg *m)
{
	char ts[40];

	saker_format_time(m->time_ns, ts, sizeof(ts));
	sb_str(b, ts);
	sb_add(b, ": ", 2);
	sb_str(b, prio_name(m->priority));
	sb_add(b, " ", 1);
}

char *saker_format_text(const struct saker_alert_msg *m)
{
	const char *out = m->output ? m->output : "";
	struct sbuf b = { 0 };

	sb_text_head(&b, m);
	sb_escaped(&b, out, strlen(out), NULL);
	return sb_finish(&b);
}

static int set_bytes(json_t *obj, const char *key, const char *s, size_t len)
{
	return json_object_set_new(obj, key, saker_json_bytes(s, len));
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	return set_bytes(obj, key, s, strlen(s));
}

/* jansson leaves DEL raw; it can only sit inside a string, so \u007f is safe. */
static char *escape_del(char *s)
{
	size_t n = 0, len, i, o = 0;
	char *d;

	for (i = 0; s[i]; i++)
		n += s[i] == 0x7f;
	if (!n)
		return s;
	len = i;
	d = malloc(len + n * 5 + 1);
	if (d) {
		for (i = 0; i < len; i++) {
			if (s[i] == 0x7f) {
				memcpy(d + o, "\\u007f", 6);
				o += 6;
			} else {
				d[o++] = s[i];
			}
		}
		d[o] = '\0';
	}
	free(s);
	return d;
}

json_t *saker_value_json(const struct saker_value *v)
{
	switch (v->kind) {
	case SAKER_VALUE_STR:	/* event bytes need not be UTF-8 */
		return saker_json_bytes(v->str, v->len);
	case SAKER_VALUE_NUM:
		return json_integer((json_int_t)v->num);
	case SAKER_VALUE_BOOL:
		return json_boolean(v->b);
	default:
		return json_null();
	}
}

char *saker_format_json(const struct saker_alert_msg *m, const char *hostname,
			bool include_output, bool include_tags)
{
	const char *out = m->output ? m->output : "";
	json_t *root, *tags = NULL;
	char ts[40], *s = NULL;
	struct sbuf b = { 0 };
	int err = 0;
	size_t i;

	root = json_object();
	if (!root)
		return NULL;
	/* Keys in Falco's (sorted) order; the values are raw, jansson escapes. */
	err |= set_str(root, "hostname", hostname ? hostname : "");
	if (include_output) {
		sb_text_head(&b, m);
		sb_add(&b, out, strlen(out));
		if (b.oom)
			goto free_root;
		err |= set_bytes(root, "output", b.p, b.len);
	}
	err |= json_object_set_new(root, "output_fields", m->output_fields ?
				   json_incref(m->output_fields) : json_object());
	err |= set_str(root, "priority", prio_name(m->priority));
	err |= set_str(root, "rule", m->rule ? m->rule : "");
	err |= set_str(root, "source", m->source ? m->source : "syscall");
	if (include_tags) {
		tags = json_array();
		for (i = 0; tags && i < m->ntags; i++)
			err |= json_array_append_new(tags, saker_json_bytes(m->tags[i],
							 strlen(m->tags[i])));
		err |= json_object_set_new(root, "tags", tags);
	}
	saker_format_time(m->time_ns, ts, sizeof(ts));
	err |= set_str(root, "time", ts);
	if (err)
		goto free_root;
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s)
		s = escape_del(s);
free_root:
	free(b.p);
	json_decref(root);
	return s;
}

char *saker_format_rfc5424(const struct saker_alert_msg *m, const char *hostname,
			   const char *app_name, int facility, int pid,
			   const char *payload)
{
	const char *rule = m->rule ? m->rule : "";
	const char *msg = payload ? payload : m->output;
	struct sbuf b = { 0 };
	char ts[40];

	format_time(m->time_ns, 6, ts, sizeof(ts));
	sb_printf(&b, "<%d>1 ", syslog_pri(facility, m->priority));
	sb_str(&b, ts);
	sb_add(&b, " ", 1);
	sb_header_field(&b, hostname, 255, "");
	sb_add(&b, " ", 1);
	sb_header_field(&b, app_name, 48, "");
	if (pid > 0)
		sb_printf(&b, " %d", pid);
	else
		sb_str(&b, " -");
	sb_str(&b, " alert [" SD_ID " rule=\"");
	sb_escaped(&b, rule, strlen(rule), "\"\\]");
	sb_str(&b, "\" priority=\"");
	sb_str(&b, prio_name(m->priority));
	sb_str(&b, "\" source=\"");
	sb_escaped(&b, m->source ? m->source : "syscall",
		   strlen(m->source ? m->source : "syscall"), "\"\\]");
	sb_str(&b, "\"]");
	/* MSG without a BOM: event data (paths, args) need not be UTF-8. */
	if (msg && *msg) {
		sb_add(&b, " ", 1);
		sb_escaped(&b, msg, strlen(msg), NULL);
	}
	return sb_finish(&b);
}

char *saker_format_rfc3164(const struct saker_alert_msg *m, const char *app_name,
			   int facility, int pid, const char *payload)
{
	static const char *const mon[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	const char *msg = payload ? payload : m->output;
	time_t secs = (time_t)(m->time_ns / NSEC_PER_SEC);
	struct sbuf b = { 0 };
	struct tm tm;

	/* Local time, as syslog(3) writes it; month names must not follow the locale. */
	if (!localtime_r(&secs, &tm))
		memset(&tm, 0, sizeof(tm));
	sb_printf(&b, "<%d>%s %2d %02d:%02d:%02d ", syslog_pri(facility, m->priority),
		  mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	/* RFC 3164 TAG: at most 32 characters, ended by '[' or ':'. */
	sb_header_field(&b, app_name, 32, "[]:");
	if (pid > 0)
		sb_printf(&b, "[%d]", pid);
	sb_add(&b, ":", 1);
	if (msg && *msg) {
		sb_add(&b, " ", 1);
		sb_escaped(&b, msg, strlen(msg), NULL);
	}
	return sb_finish(&b);
}

char *saker_format_octet_frame(const char *msg, size_t len, size_t *outlen)
{
	struct sbuf b = { 0 };

	sb_printf(&b, "%zu ", len);
	sb_add(&b, msg, len);
	if (outlen)
		*outlen = b.len;
	return sb_finish(&b);
}

size_t saker_format_cap(char *rec, size_t len, size_t max)
{
	static const char mark[] = SAKER_SYSLOG_TRUNC_MARK;
	size_t cut;

	if (len <= max || max < sizeof(mark) - 1)
		return len;
	cut = max - (sizeof(mark) - 1);
	/* Not inside a multi-byte UTF-8 character (at most 3 continuation bytes)... */
	for (int i = 0; i < 3 && cut && ((unsigned char)rec[cut] & 0xc0) == 0x80; i++)
		cut--;
	/* ...nor inside one of our \xNN escapes, which would read as another byte. */
	for (size_t back = 1; back <= 3 && back <= cut; back++) {
		if (rec[cut - back] == '\\' && rec[cut - back + 1] == 'x') {
			cut -= back;
			break;
		}
	}
	memcpy(rec + cut, mark, sizeof(mark));
	return cut + sizeof(mark) - 1;
}
