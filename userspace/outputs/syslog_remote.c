// SPDX-License-Identifier: GPL-2.0
/*
 * Remote syslog output: RFC 5424 records over UDP (one per datagram, RFC
 * 5426), TCP (RFC 6587 octet counting, framed when the alert is formatted)
 * or TLS (RFC 5425: the same frames inside TLS, syslog_tls.c). TCP and TLS
 * keep the queue through a reconnect: the alert being written when the
 * connection broke is resent once, then given up. A TLS server whose
 * certificate is refused costs the alert at hand (dropped_error), and the
 * next attempt waits for the backoff.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "outputs_int.h"
#include "syslog_tls.h"

#define CONNECT_TIMEOUT_MS 5000
/* A TCP peer that takes nothing for this long is treated as broken. */
#define SEND_STALL_MS 60000

struct remote_out {
	struct addrinfo *ai;	/* resolved once, at start or at the first send that can */
	char *host, *port;	/* to resolve again while ai is NULL */
	char desc[320];		/* "host:port" for messages */
	char unresolved_desc[360];
	bool tcp;		/* a stream: TCP or TLS */
	SSL_CTX *tls;		/* TLS: made at start */
	const char *server_name;	/* TLS: the name the certificate must carry */
	SSL *ssl;
	int fd;
	bool connected_once;
	bool delay;		/* back off before the next connect */
	unsigned int backoff;
};

static int remote_open(struct saker_out *out, const struct saker_outputs_config *cfg,
		       char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC };
	struct remote_out *r;
	int ret;

	if (!cfg->remote_host || !*cfg->remote_host || !cfg->remote_port ||
	    !*cfg->remote_port) {
		snprintf(err, errlen, "remote_syslog_output: host and port are required");
		return -EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "remote_syslog_output: out of memory");
		return -ENOMEM;
	}
	r->tcp = cfg->remote_proto != SAKER_SYSLOG_UDP;
	r->fd = -1;
	if (cfg->remote_proto == SAKER_SYSLOG_TLS) {
		r->server_name = cfg->remote_server_name && *cfg->remote_server_name ?
				 cfg->remote_server_name : cfg->remote_host;
		ret = saker_tls_ctx_new(&r->tls, cfg, err, errlen);
		if (ret) {
			free(r);
			return ret;
		}
	}
	snprintf(r->desc, sizeof(r->desc), "%s:%s", cfg->remote_host, cfg->remote_port);
	snprintf(r->unresolved_desc, sizeof(r->unresolved_desc), "%s (the name does not resolve)",
		 r->desc);
	hints.ai_socktype = r->tcp ? SOCK_STREAM : SOCK_DGRAM;
	r->host = strdup(cfg->remote_host);
	r->port = strdup(cfg->remote_port);
	if (!r->host || !r->port) {
		snprintf(err, errlen, "remote_syslog_output: out of memory");
		ret = -ENOMEM;
		goto free_remote;
	}
	ret = getaddrinfo(cfg->remote_host, cfg->remote_port, &hints, &r->ai);
	/* A bad port never gets better; a name may (DNS not up yet at boot). */
	if (ret == EAI_SERVICE || ret == EAI_SOCKTYPE || ret == EAI_MEMORY) {
		snprintf(err, errlen, "remote_syslog_output: %s: %s", r->desc, gai_strerror(ret));
		ret = -EINVAL;
		goto free_remote;
	}
	if (ret) {
		r->ai = NULL;
		saker_log_warnx("remote_syslog_output: %s: %s; resolving it again before each send "
				"(resolve_retries in the statistics)", r->desc,
				ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
	}
	out->priv = r;
	return 0;
free_remote:
	saker_tls_ctx_free(r->tls);
	free(r->host);
	free(r->port);
	free(r);
	return ret;
}

/* The host did not resolve at start: try again, counted; 0 or -EHOSTUNREACH. */
static int resolve_again(struct saker_out *out, struct remote_out *r)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC };
	int ret;

	hints.ai_socktype = r->tcp ? SOCK_STREAM : SOCK_DGRAM;
	atomic_fetch_add(&out->resolve_retries, 1);
	ret = getaddrinfo(r->host, r->port, &hints, &r->ai);
	if (!ret) {
		saker_log_info("remote_syslog_output: %s resolves now, after %llu retries", r->desc,
			       (unsigned long long)atomic_load(&out->resolve_retries));
		return 0;
	}
	r->ai = NULL;
	return -EHOSTUNREACH;
}

/* One address: 0 with r->fd set, -ECANCELED, or -errno. */
static int connect_one(struct saker_out *out, struct remote_out *r,
		       const struct addrinfo *ai)
{
	int fd, ret, soerr = 0;
	socklen_t len = sizeof(soerr);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
		goto connected;
	if (errno != EINPROGRESS) {
		ret = -errno;
		goto close_fd;
	}
	ret = saker_out_wait_fd(out, fd, POLLOUT, CONNECT_TIMEOUT_MS);
	if (ret <= 0) {
		ret = ret ? ret : -ETIMEDOUT;
		goto close_fd;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr) {
		ret = -soerr;
		goto close_fd;
	}
connected:
	if (r->tcp) {
		int on = 1;

		/* Finds a peer that vanished while we had nothing to send. */
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	}
	r->fd = fd;
	return 0;
close_fd:
	close(fd);
	return ret;
}

static int remote_connect(struct saker_out *out, struct remote_out *r)
{
	const struct addrinfo *ai;
	int ret = -EHOSTUNREACH;

	if (!r->ai && resolve_again(out, r))
		return -EHOSTUNREACH;
	for (ai = r->ai; ai; ai = ai->ai_next) {
		ret = connect_one(out, r, ai);
		if (!ret || ret == -ECANCELED)
			break;
	}
	return ret;
}

/*
 * A syslog receiver never talks back: readable means FIN or RST. Checked
 * before each send so that an alert is not written into a dead connection.
 */
static bool peer_closed(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char scratch[256];

	while (poll(&pfd, 1, 0) > 0) {
		ssize_t n;

		if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
			return true;
		n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (n == 0)
			return true;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
	}
	return false;
}

static void drop_conn(struct remote_out *r)
{
	saker_tls_free(r->ssl);
	r->ssl = NULL;
	close(r->fd);
	r->fd = -1;
}

/* TLS on a new connection: 0, -ECANCELED, or -errno (logged). */
static int start_tls(struct saker_out *out, struct remote_out *r)
{
	char why[300];
	int ret;

	ret = saker_tls_handshake(out, r->tls, r->fd, r->server_name,
				  CONNECT_TIMEOUT_MS, &r->ssl, why, sizeof(why));
	if (ret) {
		if (ret != -ECANCELED)
			saker_out_failedx(out, "%s: %s", r->desc, why);
		drop_conn(r);
	}
	return ret;
}

static bool conn_closed(const struct remote_out *r)
{
	return r->ssl ? saker_tls_peer_closed(r->ssl, r->fd) : peer_closed(r->fd);
}

static int remote_deliver(struct saker_out *out, const struct saker_payload *p)
{
	struct remote_out *r = out->priv;
	bool retried = false;
	int ret;

	for (;;) {
		if (r->fd < 0) {
			if (r->delay) {
				ret = saker_out_sleep(out, saker_out_backoff(&r->backoff));
				if (ret)
					return ret;
			}
			ret = remote_connect(out, r);
			if (ret == -ECANCELED)
				return ret;
			/* Until an alert gets through, a lost connection backs off too. */
			r->delay = true;
			if (ret) {
				saker_out_failed(out, r->ai ? r->desc : r->unresolved_desc, -ret);
				/* TCP keeps the alert queued; UDP has nothing to wait for. */
				if (!r->tcp)
					return ret;
				continue;
			}
			if (r->tls) {
				ret = start_tls(out, r);
				if (ret == -ECANCELED)
					return ret;
				/* Refused: this alert is given up, the next one waits. */
				if (ret == -EKEYREJECTED)
					return ret;
				if (ret)
					continue;
			}
			if (r->connected_once)
				atomic_fetch_add(&out->reconnects, 1);
			r->connected_once = true;
		}
		if (r->tcp && conn_closed(r)) {
			drop_conn(r);
			continue;
		}
		if (r->ssl)
			ret = saker_tls_write_all(out, r->ssl, r->fd, p->remote, p->remote_len,
						  SEND_STALL_MS);
		else
			ret = saker_out_write_all(out, r->fd, p->remote, p->remote_len, true,
						  r->tcp ? SEND_STALL_MS : CONNECT_TIMEOUT_MS);
		if (!ret) {
			r->delay = false;
			r->backoff = 0;
			saker_out_recovered(out);
			return 0;
		}
		if (ret == -ECANCELED)
			return ret;
		saker_out_failed(out, "send", -ret);
		/* UDP: ECONNREFUSED reports an earlier datagram; keep the socket. */
		if (!r->tcp)
			return ret;
		drop_conn(r);
		if (retried)
			return ret;
		retried = true;
	}
}

static void remote_close(struct saker_out *out, uint64_t deadline_ns)
{
	struct remote_out *r = out->priv;

	(void)deadline_ns;
	if (!r)
		return;
	if (r->fd >= 0)
		drop_conn(r);
	saker_tls_ctx_free(r->tls);
	if (r->ai)
		freeaddrinfo(r->ai);
	free(r->host);
	free(r->port);
	free(r);
	out->priv = NULL;
}

const struct saker_out_ops saker_out_remote_ops = {
	.open = remote_open,
	.deliver = remote_deliver,
	.close = remote_close,
};
