// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of a configuration that need all of it or the system
 * (config.h): each message starts where the key it is about was set.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config.h"
#include "config_int.h"
#include "lib/errbuf.h"
#include "lib/log.h"
#include "outputs/outputs.h"

/* "where: key: " for a message about key, or "key: " for its default. */
static int key_err(const struct saker_config *c, const char *key, char *err, size_t errlen,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int key_err(const struct saker_config *c, const char *key, char *err, size_t errlen,
		   const char *fmt, ...)
{
	const char *where = saker_config_origin(c, key);
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	saker_set_err(err, errlen, "%s%s%s: %s", where ? where : "", where ? ": " : "", key, msg);
	return -EINVAL;
}

/* The alert file is created at start: its directory must be there already. */
static int check_file_dir(const struct saker_config *c, char *err, size_t errlen)
{
	const char *slash = strrchr(c->file_path, '/');
	/* The default filename: point at the line that enabled the output. */
	const char *key = saker_config_origin(c, "file_output.filename") ?
		"file_output.filename" : "file_output.enabled";
	char dir[4096];
	struct stat st;

	if (!slash)
		return 0;	/* the working directory */
	snprintf(dir, sizeof(dir), "%.*s", slash == c->file_path ? 1 : (int)(slash - c->file_path),
		 c->file_path);
	if (stat(dir, &st))
		return key_err(c, key, err, errlen, "the directory of %s: %s", c->file_path,
			       strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return key_err(c, key, err, errlen, "the directory of %s is not a directory",
			       c->file_path);
	return 0;
}

/* http_output.url's host and port ("" when none: the scheme's), or a reason in why. */
static int url_parts(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
		     char *why, size_t whylen)
{
	const char *p, *end, *at, *colon = NULL;
	unsigned long n;
	char *e;

	if (!strncasecmp(url, "http://", 7))
		p = url + 7;
	else if (!strncasecmp(url, "https://", 8))
		p = url + 8;
	else {
		snprintf(why, whylen, "expected http://... or https://..., got '%s'", url);
		return -EINVAL;
	}
	end = p + strcspn(p, "/?#");
	/* user:password@ comes before the host */
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (!rb) {
			snprintf(why, whylen, "an unclosed '[' in '%s'", url);
			return -EINVAL;
		}
		snprintf(host, hostlen, "%.*s", (int)(rb - p - 1), p + 1);
		if (rb + 1 < end) {
			if (rb[1] != ':') {
				snprintf(why, whylen, "unexpected text after ']' in '%s'", url);
				return -EINVAL;
			}
			colon = rb + 1;
		}
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		snprintf(host, hostlen, "%.*s", (int)((colon ? colon : end) - p), p);
	}
	if (!*host) {
		snprintf(why, whylen, "no host in '%s'", url);
		return -EINVAL;
	}
	port[0] = '\0';
	if (colon && colon + 1 < end) {
		snprintf(port, portlen, "%.*s", (int)(end - colon - 1), colon + 1);
		errno = 0;
		n = strtoul(port, &e, 10);
		/* A number wraps in a sockaddr, as remote_syslog_output.port's would. */
		if (!isdigit((unsigned char)*port) || *e || errno || !n || n > 65535) {
			snprintf(why, whylen, "port '%s' in '%s': expected 1..65535", port, url);
			return -EINVAL;
		}
	}
	return 0;
}

int saker_config_check(const struct saker_config *c, char *err, size_t errlen)
{
	char host[256], port[16], why[300];

	if (!c->nrules)
		return key_err(c, "rules_files", err, errlen, "no rule file given");
	if (c->file_enabled && (!c->file_path || !*c->file_path))
		return key_err(c, "file_output.enabled", err, errlen,
			       "needs file_output.filename");
	if (c->file_enabled && check_file_dir(c, err, errlen))
		return -EINVAL;
	if (c->remote_enabled && (!c->remote_host || !*c->remote_host))
		return key_err(c, "remote_syslog_output.enabled", err, errlen,
			       "needs remote_syslog_output.host");
	if (c->program_enabled && (!c->program || !*c->program))
		return key_err(c, "program_output.enabled", err, errlen,
			       "needs program_output.program");
	if (c->syslog_max_len < SAKER_SYSLOG_MAX_MIN)
		return key_err(c, "syslog_output.max_message_size", err, errlen,
			       "at least %d bytes, got %zu", SAKER_SYSLOG_MAX_MIN, c->syslog_max_len);
	if (c->remote_max_len < SAKER_SYSLOG_MAX_MIN)
		return key_err(c, "remote_syslog_output.max_message_size", err, errlen,
			       "at least %d bytes, got %zu", SAKER_SYSLOG_MAX_MIN, c->remote_max_len);
	if (c->http_enabled && (!c->http_url || !*c->http_url))
		return key_err(c, "http_output.enabled", err, errlen, "needs http_output.url");
	if (c->http_enabled &&
	    url_parts(c->http_url, host, sizeof(host), port, sizeof(port), why, sizeof(why)))
		return key_err(c, "http_output.url", err, errlen, "%s", why);
	if (c->http_enabled && c->http_mtls &&
	    (!c->http_client_cert || !*c->http_client_cert || !c->http_client_key ||
	     !*c->http_client_key))
		return key_err(c, "http_output.mtls", err, errlen,
			       "needs http_output.client_cert and http_output.client_key");
	if (!c->device || !*c->device)
		return key_err(c, "device", err, errlen, "empty");
	return 0;
}

/* 0, or the resolver's reason for host:port in why. */
static int resolve(const char *host, const char *port, int socktype, char *why, size_t whylen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype }, *ai;
	int ret = getaddrinfo(host, port, &hints, &ai);

	if (ret) {
		snprintf(why, whylen, "%s", ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
		return -EINVAL;
	}
	freeaddrinfo(ai);
	return 0;
}

int saker_config_check_host(const struct saker_config *c, char *err, size_t errlen)
{
	char host[256], port[16], why[300];

	/* TCP and TLS are streams; only UDP is datagrams. */
	if (c->remote_enabled && c->remote_host && *c->remote_host &&
	    resolve(c->remote_host, c->remote_port,
		    c->remote_proto == SAKER_CFG_UDP ? SOCK_DGRAM : SOCK_STREAM, why, sizeof(why)))
		return key_err(c, "remote_syslog_output.host", err, errlen,
			       "'%s' does not resolve: %s (at a start, sakerd retries it)",
			       c->remote_host, why);
	/* As the remote syslog's host: at a start, the output retries it. */
	if (c->http_enabled && c->http_url &&
	    !url_parts(c->http_url, host, sizeof(host), port, sizeof(port), why, sizeof(why)) &&
	    resolve(host, *port ? port : strncasecmp(c->http_url, "https:", 6) ? "80" : "443",
		    SOCK_STREAM, why, sizeof(why)))
		return key_err(c, "http_output.url", err, errlen,
			       "host '%s' does not resolve: %s (at a start, sakerd retries it)",
			       host, why);
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_value(const struct saker_config *a, const struct saker_config *b,
		       const struct saker_cfg_key *k)
{
	const char *pa = (const char *)a + k->off, *pb = (const char *)b + k->off;
	size_t i;

	switch (k->type) {
	case K_BOOL:
		return *(const bool *)pa == *(const bool *)pb;
	case K_UINT:
		return *(const unsigned int *)pa == *(const unsigned int *)pb;
	case K_SIZE:
		return *(const size_t *)pa == *(const size_t *)pb;
	case K_STR:
	case K_PORT:
		return same_str(*(char *const *)pa, *(char *const *)pb);
	case K_LIST:
		if (a->nrules != b->nrules)
			return false;
		for (i = 0; i < a->nrules; i++)
			if (!same_str(a->rules_files[i], b->rules_files[i]))
				return false;
		return true;
	case K_PRIO:
	case K_MATCH:
	case K_PROTO:
	case K_FACILITY:
		/* enums and the facility: all ints */
		return *(const int *)pa == *(const int *)pb;
	}
	return false;
}

size_t saker_config_diff(const struct saker_config *a, const struct saker_config *b,
			 void (*fn)(void *arg, const char *key), void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < saker_cfg_nkeys; i++) {
		const struct saker_cfg_key *k = &saker_cfg_keys[i];

		/* an alias (rules_file) shares its field with the key before it */
		if (i && k->off == saker_cfg_keys[i - 1].off)
			continue;
		if (same_value(a, b, k))
			continue;
		n++;
		if (fn)
			fn(arg, k->name);
	}
	return n;
}

static void swap_bytes(void *a, void *b, size_t len)
{
	unsigned char t[sizeof(size_t)], *x = a, *y = b;

	memcpy(t, x, len);
	memcpy(x, y, len);
	memcpy(y, t, len);
}

void saker_config_take(struct saker_config *dst, struct saker_config *src, const char *key)
{
	size_t i, len;

	for (i = 0; i < saker_cfg_nkeys; i++)
		if (!strcmp(saker_cfg_keys[i].name, key))
			break;
	if (i == saker_cfg_nkeys)
		return;
	switch (saker_cfg_keys[i].type) {
	case K_BOOL:
		len = sizeof(bool);
		break;
	case K_UINT:
		len = sizeof(unsigned int);
		break;
	case K_SIZE:
		len = sizeof(size_t);
		break;
	case K_STR:
	case K_PORT:
		len = sizeof(char *);
		break;
	case K_LIST:
		swap_bytes(&dst->rules_files, &src->rules_files, sizeof(dst->rules_files));
		swap_bytes(&dst->nrules, &src->nrules, sizeof(dst->nrules));
		len = 0;
		break;
	default:
		len = sizeof(int);
		break;
	}
	if (len)
		swap_bytes((char *)dst + saker_cfg_keys[i].off, (char *)src + saker_cfg_keys[i].off, len);
	if (dst->origins && src->origins)
		swap_bytes(&dst->origins[i], &src->origins[i], sizeof(char *));
}

void saker_config_apply_log(const struct saker_config *c)
{
	/* A priority's number is its syslog severity (rules.h). */
	saker_log_setup((int)c->log_level, c->log_stderr, c->log_syslog);
}
