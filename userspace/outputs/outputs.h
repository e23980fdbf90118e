/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alert outputs: stdout, file, local syslog, remote syslog (RFC 5424 over
 * UDP, TCP with RFC 6587 octet counting, or TLS as RFC 5425), a program's
 * stdin and HTTP (Falco's http_output). Each
 * enabled output has its own bounded queue and writer thread, so a slow or
 * dead output never stalls the caller (the ring drain loop): an alert that
 * does not fit a queue, or that an output could not deliver, is counted per
 * output and reported in the statistics, never silently lost.
 */
#ifndef SAKER_OUTPUTS_H
#define SAKER_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rules/rules.h"

enum saker_syslog_proto {
	SAKER_SYSLOG_UDP = 0,
	SAKER_SYSLOG_TCP,
	SAKER_SYSLOG_TLS,	/* RFC 5425: TCP framing inside TLS */
};

/* Filled from saker.yaml (keys named as falco.yaml's) and flags. */
struct saker_outputs_config {
	bool json;			/* json_output: JSON lines, else text */
	bool json_include_output;	/* json_include_output_property */
	bool json_include_tags;		/* json_include_tags_property */
	size_t queue_size;		/* alerts per output queue */
	const char *hostname;		/* NULL: gethostname() */

	bool stdout_enabled;		/* stdout_output.enabled */
	bool file_enabled;		/* file_output.enabled */
	const char *file_path;		/* file_output.filename */
	bool syslog_enabled;		/* syslog_output.enabled: local syslog */
	bool remote_enabled;		/* remote_syslog_output.enabled */
	const char *remote_host;	/* remote_syslog_output.host */
	const char *remote_port;	/* remote_syslog_output.port */
	enum saker_syslog_proto remote_proto;	/* .protocol: udp|tcp|tls */
	int facility;			/* .facility, LOG_LOCAL0 >> 3 style, 0..SAKER_SYSLOG_FACILITY_MAX */
	/* syslog_output.facility; 0 (kern, which no program may use): facility's */
	int local_facility;
	const char *app_name;		/* RFC 5424 APP-NAME, "saker" */
	bool program_enabled;		/* program_output.enabled */
	const char *program;		/* program_output.program (sh -c) */
	/* Added with the outputs (zero = default): */
	const char *syslog_path;	/* local syslog socket; NULL: /dev/log */
	/* http_output, Falco's keys: POST of the JSON alert (always JSON). */
	bool http_enabled;		/* http_output.enabled */
	const char *http_url;		/* .url: http:// or https:// */
	const char *http_user_agent;	/* .user_agent; NULL: "saker" */
	bool http_insecure;		/* .insecure: no certificate checks */
	const char *http_ca_cert;	/* .ca_cert: CA file (PEM) */
	const char *http_ca_bundle;	/* .ca_bundle: used when ca_cert is empty */
	const char *http_ca_path;	/* .ca_path: hashed CA directory, the last choice */
	bool http_mtls;			/* .mtls: present client_cert/client_key */
	const char *http_client_cert;	/* .client_cert (PEM) */
	const char *http_client_key;	/* .client_key (PEM) */
	bool http_echo;			/* .echo: log the receiver's response body */
	bool http_compress;		/* .compress_uploads: gzip the body */
	bool http_keep_alive;		/* .keep_alive: reuse one connection */
	/* program_output.keep_alive: one program for every alert; false
	 * (Falco's default) runs the program once per alert. */
	bool program_keep_alive;
	/* remote_syslog_output over TLS: */
	const char *remote_ca_file;	/* .ca_file (PEM); NULL: the system's CAs */
	const char *remote_server_name;	/* .server_name to verify; NULL: the host */
	const char *remote_client_cert;	/* .client_cert (PEM), optional */
	const char *remote_client_key;	/* .client_key; NULL: in client_cert */
	/* Longest syslog record (RFC 5424/3164 message, framing excluded); a
	 * longer one is cut and ends in SAKER_SYSLOG_TRUNC_MARK. 0: the default. */
	size_t syslog_max_len;		/* syslog_output.max_message_size */
	size_t remote_max_len;		/* remote_syslog_output.max_message_size */
};

/* rsyslog's default $MaxMessageSize: records beyond it are split or cut
 * by the receiver, so saker cuts them itself, visibly. */
#define SAKER_SYSLOG_MAX_DEFAULT 8192
/* Below this a record could not hold its header (RFC 5424 section 6.1:
 * receivers must take 480 octets). */
#define SAKER_SYSLOG_MAX_MIN 480
#define SAKER_SYSLOG_TRUNC_MARK "...[truncated]"

/* Syslog facilities are 0 (kern) .. 23 (local7), RFC 5424's range. */
#define SAKER_SYSLOG_FACILITY_MAX 23

/* queue_size 0 means this many alerts per output. */
#define SAKER_OUTPUTS_QUEUE_DEFAULT 4096

/* One alert, formatted once and shared by every output. */
struct saker_alert_msg {
	uint64_t time_ns;		/* event time, CLOCK_REALTIME ns */
	const char *rule;
	enum saker_prio priority;
	const char *source;		/* "syscall" */
	const char *output;		/* the rule's formatted output */
	json_t *output_fields;		/* typed values, borrowed */
	const char *const *tags;
	size_t ntags;
};

struct saker_output_stats {
	const char *name;		/* "stdout", "file", "syslog", ... */
	uint64_t sent;			/* delivered */
	uint64_t dropped_queue;		/* queue full (or left at close): never written */
	uint64_t dropped_error;		/* written but failed (after retries) */
	uint64_t reconnects;		/* TCP syslog reconnections, program respawns */
	uint64_t resolve_retries;	/* remote syslog: lookups of a host that did not resolve */
	uint64_t truncated;		/* syslog: records cut to max_message_size (also in sent...) */
	uint64_t queued;		/* in the queue now, the one being written included */
};

struct saker_outputs;

/* 0 and *out, or -errno with err[] saying which output and why. */
int saker_outputs_new(struct saker_outputs **out,
		      const struct saker_outputs_config *cfg,
		      char *err, size_t errlen);
/* Never blocks: queues the alert to every enabled output. */
void saker_outputs_emit(struct saker_outputs *o, const struct saker_alert_msg *m);
/* Reopen the alert file (SIGUSR1, for logrotate). Async-signal-safe: it
 * only flags and wakes the file's writer, which reopens before its next write. */
void saker_outputs_reopen(struct saker_outputs *o);
/* Number of outputs; the i-th output's counters. */
size_t saker_outputs_count(const struct saker_outputs *o);
void saker_outputs_stats(const struct saker_outputs *o, size_t i,
			 struct saker_output_stats *st);
/* Flush what is queued (waiting at most timeout_ms), stop, free. */
void saker_outputs_free(struct saker_outputs *o, int timeout_ms);
/* Added: wait until every queue is empty (written or given up): 0, or
 * -ETIMEDOUT. Writers keep running. */
int saker_outputs_flush(struct saker_outputs *o, int timeout_ms);
/* Added: for a producer that may wait (sakerd --replay): while an output's
 * queue is full, waits for it to take one more alert, at most timeout_ms
 * without progress. 0, or -ETIMEDOUT (an output is stuck). */
int saker_outputs_wait_room(struct saker_outputs *o, int timeout_ms);
/* Added: the first half of free(): drain up to timeout_ms, stop and join the
 * writers, count what is left as dropped_queue. Stats stay readable (for a
 * final stats line); emit() after it only counts drops. free() still needed. */
void saker_outputs_close(struct saker_outputs *o, int timeout_ms);

/* Formatting, exposed for the tests and for sakerd --replay. Strings are
 * malloc()ed (the caller frees them), NULL when out of memory. */
/* "2026-11-22T19:31:36.123456789Z" into buf (>= 32 bytes). */
void saker_format_time(uint64_t time_ns, char *buf, size_t size);
/* Falco's text line: "<time>: <Priority> <output>", no newline. */
char *saker_format_text(const struct saker_alert_msg *m);
/* Falco's JSON object (time, rule, priority, source, hostname, output,
 * output_fields, tags), one line, no newline. */
char *saker_format_json(const struct saker_alert_msg *m, const char *hostname,
			bool include_output, bool include_tags);
/* RFC 5424 message (no framing) for one alert. */
char *saker_format_rfc5424(const struct saker_alert_msg *m, const char *hostname,
			   const char *app_name, int facility, int pid,
			   const char *payload);
/* Added: local syslog (/dev/log) line, RFC 3164 style as syslog(3) writes
 * it: "<PRI>Mmm dd hh:mm:ss APP[PID]: MSG", local time, no newline. */
char *saker_format_rfc3164(const struct saker_alert_msg *m, const char *app_name,
			   int facility, int pid, const char *payload);
/* Added: RFC 6587 octet counting, "LEN SP MSG"; *outlen gets its length. */
char *saker_format_octet_frame(const char *msg, size_t len, size_t *outlen);
/* Added: cuts a record of len bytes longer than max to max bytes ending in
 * SAKER_SYSLOG_TRUNC_MARK (not inside a UTF-8 character or a \xNN escape),
 * in place; returns the new length (len when it fits). */
size_t saker_format_cap(char *rec, size_t len, size_t max);
/* output_fields' value: a number, a bool, the string's bytes or null. */
json_t *saker_value_json(const struct saker_value *v);

#endif /* SAKER_OUTPUTS_H */
