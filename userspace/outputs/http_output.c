// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP output, as Falco's http_output: each alert is POSTed as its JSON
 * object (Content-Type: application/json), so falcosidekick and SIEM HTTP
 * collectors take it as they take Falco's. libcurl runs in the output's
 * writer thread through a multi handle, whose wait also watches the
 * writer's wake fd: a stop request ends a transfer at once, and the ring
 * drain loop only ever queues. A receiver that cannot be reached keeps the
 * alert queued (retried with backoff, as TCP syslog does); one that answers
 * with an error, or too slowly, costs that alert (dropped_error).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <zlib.h>

#include "lib/log.h"
#include "outputs_int.h"

#define CONNECT_TIMEOUT_MS 5000
/* A receiver that has not answered a POST after this long is given up. */
#define REQUEST_TIMEOUT_MS 10000
/* How much of a response body echo logs. */
#define ECHO_MAX 512

struct http_out {
	CURL *easy;
	CURLM *multi;
	struct curl_slist *headers;
	char url[512];		/* for messages: without user:password@ */
	bool compress;
	bool echo;
	bool delay;		/* back off before the next attempt */
	unsigned int backoff;
	char resp[ECHO_MAX + 1];
	size_t resp_len;
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_ret;

/* curl_global_init() is not thread-safe: once, from saker_outputs_new(). */
static void curl_init(void)
{
	curl_init_ret = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_out *h = arg;
	size_t len = size * n, room = ECHO_MAX - h->resp_len;

	/* Kept only for echo; the rest is read and discarded. */
	if (h->echo && room) {
		memcpy(h->resp + h->resp_len, data, len < room ? len : room);
		h->resp_len += len < room ? len : room;
	}
	return len;
}

static int set_tls(CURL *c, const struct saker_outputs_config *cfg)
{
	CURLcode r = CURLE_OK;

	if (cfg->http_insecure) {
		r = curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		if (!r)
			r = curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	/* Falco's order: ca_cert, else ca_bundle, else ca_path. */
	if (!r && cfg->http_ca_cert && *cfg->http_ca_cert)
		r = curl_easy_setopt(c, CURLOPT_CAINFO, cfg->http_ca_cert);
	else if (!r && cfg->http_ca_bundle && *cfg->http_ca_bundle)
		r = curl_easy_setopt(c, CURLOPT_CAINFO, cfg->http_ca_bundle);
	else if (!r && cfg->http_ca_path && *cfg->http_ca_path)
		r = curl_easy_setopt(c, CURLOPT_CAPATH, cfg->http_ca_path);
	if (!r && cfg->http_mtls) {
		r = curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->http_client_cert);
		if (!r)
			r = curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->http_client_key);
	}
	return r ? -EINVAL : 0;
}

static int set_options(struct http_out *h, const struct saker_outputs_config *cfg)
{
	CURL *c = h->easy;
	CURLcode r;

	r = curl_easy_setopt(c, CURLOPT_URL, cfg->http_url);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_USERAGENT,
				     cfg->http_user_agent ? cfg->http_user_agent : "saker");
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_POST, 1L);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)REQUEST_TIMEOUT_MS);
	/* Falco's default: a new connection per alert. */
	if (!r && !cfg->http_keep_alive)
		r = curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	if (!r)
		r = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	if (r)
		return -EINVAL;
	return set_tls(c, cfg);
}

static void http_free(struct http_out *h)
{
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->easy)
		curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->headers);
	free(h);
}

static int add_header(struct http_out *h, const char *line)
{
	struct curl_slist *l = curl_slist_append(h->headers, line);

	if (!l)
		return -ENOMEM;
	h->headers = l;
	return 0;
}

/* The URL as messages show it: credentials in it (user:password@) are cut. */
static void log_url(char *buf, size_t size, const char *url)
{
	const char *host = strstr(url, "://"), *at, *end;

	host = host ? host + 3 : url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		snprintf(buf, size, "%.*s***@%s", (int)(host - url), url, at + 1);
	else
		snprintf(buf, size, "%s", url);
}

static int http_open(struct saker_out *out, const struct saker_outputs_config *cfg,
		     char *err, size_t errlen)
{
	struct http_out *h;
	int ret;

	if (!cfg->http_url || (strncasecmp(cfg->http_url, "http://", 7) &&
			       strncasecmp(cfg->http_url, "https://", 8))) {
		snprintf(err, errlen, "http_output: url: expected http://... or https://..., got '%s'",
			 cfg->http_url ? cfg->http_url : "");
		return -EINVAL;
	}
	if (cfg->http_mtls && (!cfg->http_client_cert || !*cfg->http_client_cert ||
			       !cfg->http_client_key || !*cfg->http_client_key)) {
		snprintf(err, errlen, "http_output: mtls needs client_cert and client_key");
		return -EINVAL;
	}
	pthread_once(&curl_once, curl_init);
	if (curl_init_ret) {
		snprintf(err, errlen, "http_output: libcurl: %s", curl_easy_strerror(curl_init_ret));
		return -ENOMEM;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "http_output: out of memory");
		return -ENOMEM;
	}
	log_url(h->url, sizeof(h->url), cfg->http_url);
	h->compress = cfg->http_compress;
	h->echo = cfg->http_echo;
	h->easy = curl_easy_init();
	h->multi = curl_multi_init();
	/* "Expect: 100-continue" would cost a round trip per alert. */
	ret = h->easy && h->multi ? 0 : -ENOMEM;
	if (!ret)
		ret = add_header(h, "Content-Type: application/json");
	if (!ret)
		ret = add_header(h, "Expect:");
	if (!ret && h->compress)
		ret = add_header(h, "Content-Encoding: gzip");
	if (ret) {
		snprintf(err, errlen, "http_output: out of memory");
		goto free_http;
	}
	ret = set_options(h, cfg);
	if (ret) {
		snprintf(err, errlen, "http_output: %s: this libcurl refuses an option "
			 "(no https support?)", h->url);
		goto free_http;
	}
	out->priv = h;
	return 0;
free_http:
	http_free(h);
	return ret;
}

/* gzip of body into a malloc()ed buffer; NULL when out of memory. */
static unsigned char *gzip_body(const char *body, size_t len, size_t *outlen)
{
	z_stream z = { 0 };
	unsigned char *buf;
	uLong cap;

	/* windowBits 15 + 16: a gzip wrapper, what Content-Encoding: gzip means. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len);
	buf = malloc(cap);
	if (!buf)
		goto end_stream;
	z.next_in = (Bytef *)body;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		free(buf);
		buf = NULL;
		goto end_stream;
	}
	*outlen = z.total_out;
end_stream:
	deflateEnd(&z);
	return buf;
}

/* Runs the transfer until done or stopped: CURLE_*, or -1 when stopping. */
static int run_transfer(struct saker_out *out, struct http_out *h)
{
	int running = 1, result = CURLE_OK;
	CURLMsg *msg;
	int left;

	if (curl_multi_add_handle(h->multi, h->easy))
		return CURLE_OUT_OF_MEMORY;
	while (running) {
		struct curl_waitfd wake = { .fd = out->wake_fd, .events = CURL_WAIT_POLLIN };

		if (curl_multi_perform(h->multi, &running)) {
			result = CURLE_OUT_OF_MEMORY;
			break;
		}
		if (!running)
			break;
		if (atomic_load(&out->stop)) {
			result = -1;
			break;
		}
		if (curl_multi_wait(h->multi, &wake, 1, 1000, NULL)) {
			result = CURLE_OUT_OF_MEMORY;
			break;
		}
		if (wake.revents)
			saker_out_drain_wake(out);
	}
	while (result != -1 && (msg = curl_multi_info_read(h->multi, &left)))
		if (msg->msg == CURLMSG_DONE)
			result = (int)msg->data.result;
	curl_multi_remove_handle(h->multi, h->easy);
	return result;
}

/* Never reached the receiver: the alert stays queued. */
static bool unreachable(CURL *c, int code)
{
	curl_off_t connect_us = 0;

	if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
	    code == CURLE_COULDNT_RESOLVE_PROXY)
		return true;
	if (code != CURLE_OPERATION_TIMEDOUT)
		return false;
	/* A timeout before the TCP connection was up is a down receiver too. */
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us);
	return connect_us == 0;
}

static void echo_response(struct saker_out *out, struct http_out *h, long status)
{
	size_t i;

	for (i = 0; i < h->resp_len; i++)
		if ((unsigned char)h->resp[i] < 0x20 || h->resp[i] == 0x7f)
			h->resp[i] = ' ';
	h->resp[h->resp_len] = '\0';
	saker_log_info("%s output: %ld %s", out->name, status, h->resp);
}

/* One POST: 0, 1 unreachable (retry later), -ECANCELED, or -errno. */
static int post_once(struct saker_out *out, struct http_out *h, const char *body,
		     size_t len)
{
	long status = 0;
	int code;

	h->resp_len = 0;
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	code = run_transfer(out, h);
	if (code == -1)
		return -ECANCELED;
	if (code != CURLE_OK) {
		saker_out_failedx(out, "%s: %s", h->url,
				  h->errbuf[0] ? h->errbuf : curl_easy_strerror((CURLcode)code));
		if (unreachable(h->easy, code))
			return 1;
		return code == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
	}
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	if (h->echo)
		echo_response(out, h, status);
	if (status < 200 || status > 299) {
		saker_out_failedx(out, "%s: HTTP status %ld", h->url, status);
		return -EPROTO;
	}
	return 0;
}

static int http_deliver(struct saker_out *out, const struct saker_payload *p)
{
	struct http_out *h = out->priv;
	unsigned char *gz = NULL;
	const char *body = p->json;
	size_t len = p->json_len;
	int ret;

	if (h->compress) {
		gz = gzip_body(p->json, p->json_len, &len);
		if (!gz)
			return -ENOMEM;
		body = (const char *)gz;
	}
	for (;;) {
		if (h->delay) {
			ret = saker_out_sleep(out, saker_out_backoff(&h->backoff));
			if (ret)
				break;
		}
		ret = post_once(out, h, body, len);
		if (ret != 1)
			break;
		/* Down: keep the alert, and the queue behind it, until it is back. */
		h->delay = true;
	}
	if (!ret) {
		h->delay = false;
		h->backoff = 0;
		saker_out_recovered(out);
	}
	free(gz);
	return ret;
}

static void http_close(struct saker_out *out, uint64_t deadline_ns)
{
	(void)deadline_ns;
	if (!out->priv)
		return;
	http_free(out->priv);
	out->priv = NULL;
}

const struct saker_out_ops saker_out_http_ops = {
	.open = http_open,
	.deliver = http_deliver,
	.close = http_close,
};
