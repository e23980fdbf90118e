/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS of the remote syslog output (syslog_tls.c, OpenSSL): a context made
 * once at start from the configuration, then per connection a handshake
 * that checks the server's certificate and name, writes, a liveness check
 * and a close, all on the writer's non-blocking socket.
 */
#ifndef SAKER_SYSLOG_TLS_H
#define SAKER_SYSLOG_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "outputs_int.h"

/* 0, or -errno with err naming the key (ca_file, client_cert) and why. */
int saker_tls_ctx_new(SSL_CTX **ctx, const struct saker_outputs_config *cfg,
		      char *err, size_t errlen);
void saker_tls_ctx_free(SSL_CTX *ctx);
/*
 * TLS over the connected fd, checking the certificate and server_name (a
 * host name or an address). 0 and *ssl; -EKEYREJECTED for a refused
 * certificate, -ECANCELED, -ETIMEDOUT, or another -errno; why says it.
 */
int saker_tls_handshake(struct saker_out *out, SSL_CTX *ctx, int fd,
			const char *server_name, int timeout_ms, SSL **ssl,
			char *why, size_t whylen);
/* All of buf, or -errno (-ETIMEDOUT after stall_ms without progress). */
int saker_tls_write_all(struct saker_out *out, SSL *ssl, int fd, const char *buf,
			size_t len, int stall_ms);
/* The receiver closed (or reset) the connection. */
bool saker_tls_peer_closed(SSL *ssl, int fd);
/* close_notify and free; NULL is fine. */
void saker_tls_free(SSL *ssl);

#endif /* SAKER_SYSLOG_TLS_H */
