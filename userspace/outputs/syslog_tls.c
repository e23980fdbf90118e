// SPDX-License-Identifier: GPL-2.0
/*
 * TLS for the remote syslog output (RFC 5425: the octet-counted stream of
 * RFC 6587 inside TLS), with OpenSSL. The server's certificate is checked
 * against ca_file (or the system's CAs) and its name against server_name
 * (the host by default); a client certificate is optional. Everything runs
 * on the writer's non-blocking socket and waits through saker_out_wait_fd(),
 * so a stop request reaches a handshake or a write at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "syslog_tls.h"

/* OpenSSL's queued reason, or what. */
static void ssl_reason(char *why, size_t len, const char *what)
{
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, why, len);
	else
		snprintf(why, len, "%s", what);
	ERR_clear_error();
}

int saker_tls_ctx_new(SSL_CTX **out, const struct saker_outputs_config *cfg,
		      char *err, size_t errlen)
{
	const char *ca = cfg->remote_ca_file;
	char why[256];
	SSL_CTX *ctx;

	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		snprintf(err, errlen, "remote_syslog_output: TLS: out of memory");
		return -ENOMEM;
	}
	/* RFC 5425 asks for TLS 1.2 at least (RFC 9662 updates it so). */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (ca && *ca ? SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1
		      : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		ssl_reason(why, sizeof(why), "cannot load");
		snprintf(err, errlen, "remote_syslog_output: ca_file %s: %s",
			 ca && *ca ? ca : "(system)", why);
		goto free_ctx;
	}
	if (cfg->remote_client_cert && *cfg->remote_client_cert) {
		const char *key = cfg->remote_client_key && *cfg->remote_client_key ?
				  cfg->remote_client_key : cfg->remote_client_cert;

		if (SSL_CTX_use_certificate_chain_file(ctx, cfg->remote_client_cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			ssl_reason(why, sizeof(why), "does not load");
			snprintf(err, errlen, "remote_syslog_output: client_cert %s: %s",
				 cfg->remote_client_cert, why);
			goto free_ctx;
		}
	}
	*out = ctx;
	return 0;
free_ctx:
	SSL_CTX_free(ctx);
	return -EINVAL;
}

void saker_tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

/* Waits for what the last SSL call asked for: 0, -ECANCELED, -ETIMEDOUT. */
static int want(struct saker_out *out, SSL *ssl, int fd, int ret, int timeout_ms,
		int *sslerr)
{
	int r;

	*sslerr = SSL_get_error(ssl, ret);
	if (*sslerr != SSL_ERROR_WANT_READ && *sslerr != SSL_ERROR_WANT_WRITE)
		return 1;
	r = saker_out_wait_fd(out, fd, *sslerr == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
			      timeout_ms);
	if (r < 0)
		return r;
	return r ? 0 : -ETIMEDOUT;
}

static int set_peer_name(SSL *ssl, const char *name)
{
	struct in6_addr a6;
	struct in_addr a4;

	/* An address is checked against the certificate's IP entries. */
	if (inet_pton(AF_INET, name, &a4) == 1 || inet_pton(AF_INET6, name, &a6) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return SSL_set1_host(ssl, name) == 1 ? 0 : -1;
}

int saker_tls_handshake(struct saker_out *out, SSL_CTX *ctx, int fd,
			const char *server_name, int timeout_ms, SSL **sslp,
			char *why, size_t whylen)
{
	SSL *ssl = SSL_new(ctx);
	int ret, sslerr;

	if (!ssl || SSL_set_fd(ssl, fd) != 1 || set_peer_name(ssl, server_name)) {
		snprintf(why, whylen, "TLS setup: out of memory");
		ret = -ENOMEM;
		goto free_ssl;
	}
	for (;;) {
		int r = SSL_connect(ssl);

		if (r == 1)
			break;
		ret = want(out, ssl, fd, r, timeout_ms, &sslerr);
		if (ret < 0) {
			snprintf(why, whylen, "TLS handshake: %s", strerror(-ret));
			goto free_ssl;
		}
		if (ret == 0)
			continue;
		/* A certificate refused names itself; anything else is OpenSSL's. */
		if (SSL_get_verify_result(ssl) != X509_V_OK) {
			snprintf(why, whylen, "TLS: certificate refused: %s",
				 X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
			ret = -EKEYREJECTED;
		} else {
			char r2[200];

			ssl_reason(r2, sizeof(r2), sslerr == SSL_ERROR_SYSCALL ?
				   "connection closed during the handshake" : "handshake failed");
			snprintf(why, whylen, "TLS handshake: %s", r2);
			ret = -ECONNABORTED;
		}
		goto free_ssl;
	}
	*sslp = ssl;
	return 0;
free_ssl:
	ERR_clear_error();
	SSL_free(ssl);
	return ret;
}

int saker_tls_write_all(struct saker_out *out, SSL *ssl, int fd, const char *buf,
			size_t len, int stall_ms)
{
	while (len) {
		int n = SSL_write(ssl, buf, len > (1u << 30) ? 1 << 30 : (int)len);
		int ret, sslerr;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		ret = want(out, ssl, fd, n, stall_ms, &sslerr);
		if (ret < 0)
			return ret;
		if (ret == 0)
			continue;
		ERR_clear_error();
		return sslerr == SSL_ERROR_SYSCALL && errno ? -errno : -ECONNRESET;
	}
	return 0;
}

bool saker_tls_peer_closed(SSL *ssl, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char scratch[256];

	if (poll(&pfd, 1, 0) <= 0)
		return false;
	if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
		return true;
	/* Readable: session tickets (TLS 1.3), or a close_notify. */
	for (;;) {
		int n = SSL_read(ssl, scratch, sizeof(scratch));
		int e;

		if (n > 0)
			continue;
		e = SSL_get_error(ssl, n);
		ERR_clear_error();
		return e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
	}
}

void saker_tls_free(SSL *ssl)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old;

	if (!ssl)
		return;
	/* One close_notify, no waiting for the peer's. From close() this runs
	 * in the daemon's thread: a dead peer's SIGPIPE is caught here. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	SSL_shutdown(ssl);
	if (!sigismember(&old, SIGPIPE))
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ERR_clear_error();
	SSL_free(ssl);
}
