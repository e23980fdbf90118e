// SPDX-License-Identifier: GPL-2.0
/*
 * sysrecv: a syslog receiver for the VM tests, and a checker of what it got.
 *   sysrecv tcp PORT OUT [READY]   listen on 127.0.0.1:PORT, append every
 *                                  byte of every connection to OUT
 *   sysrecv udp PORT OUT [READY]   bind 127.0.0.1:PORT, append each datagram
 *                                  and a newline to OUT
 *   sysrecv unix PATH OUT [READY]  datagram socket at PATH (e.g. /dev/log,
 *                                  mode 0666), each datagram and a newline
 *   sysrecv frames IN              print each RFC 6587 octet-counted frame of
 *                                  IN on its own line; exit 1 if IN is not a
 *                                  sequence of whole frames or a frame holds
 *                                  a newline
 * READY, when given, is written (holding the pid) once the socket is bound,
 * so a test knows when to start the sender. SIGTERM/SIGINT read what is
 * already queued on every socket into OUT, then exit 0 (the socket file of
 * unix mode is removed): stopping the receiver loses nothing a sender had
 * handed to the kernel before.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNS 32
#define BUF_SIZE 65536

enum mode { M_TCP, M_UDP, M_UNIX };

static char buf[BUF_SIZE + 1];

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: sysrecv tcp|udp PORT OUT [READY]\n"
		"       sysrecv unix PATH OUT [READY]\n"
		"       sysrecv frames IN\n");
	exit(2);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("sysrecv: write");
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int bind_socket(enum mode m, const char *addr)
{
	int fd, on = 1;

	if (m == M_UNIX) {
		struct sockaddr_un su = { .sun_family = AF_UNIX };

		if (strlen(addr) >= sizeof(su.sun_path))
			usage();
		strcpy(su.sun_path, addr);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		unlink(addr);
		if (bind(fd, (struct sockaddr *)&su, sizeof(su)) || chmod(addr, 0666))
			goto close_fd;
		return fd;
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		char *end;
		unsigned long port = strtoul(addr, &end, 10);

		if (*end || !port || port > 65535)
			usage();
		sin.sin_port = htons((unsigned short)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, (m == M_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		/* A restart on the same port must not wait for TIME_WAIT to end. */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			goto close_fd;
		if (m == M_TCP && listen(fd, 16))
			goto close_fd;
		return fd;
	}
close_fd:
	close(fd);
	return -1;
}

/* One read from fd into out: 1 data, 0 EOF (stream) or nothing left
 * (nonblocking), -1 error. Datagrams get a newline each. */
static int pump(int fd, int out, enum mode m, int flags)
{
	ssize_t n = recv(fd, buf, BUF_SIZE, flags);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	if (n == 0 && m == M_TCP)
		return 0;
	if (m != M_TCP)
		buf[n++] = '\n';
	return write_all(out, buf, (size_t)n) ? -1 : 1;
}

static int serve(enum mode m, const char *addr, const char *outpath, const char *ready)
{
	struct pollfd pfd[2 + MAX_CONNS];
	int conns[MAX_CONNS], nconns = 0, sfd, lfd, out, i, ret = 1;
	unsigned long accepted = 0;
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("sysrecv: signalfd");
		return 1;
	}
	out = open(outpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (out < 0) {
		fprintf(stderr, "sysrecv: %s: %s\n", outpath, strerror(errno));
		goto close_sfd;
	}
	lfd = bind_socket(m, addr);
	if (lfd < 0) {
		fprintf(stderr, "sysrecv: bind %s: %s\n", addr, strerror(errno));
		goto close_out;
	}
	if (ready) {
		FILE *f = fopen(ready, "we");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
			fprintf(stderr, "sysrecv: %s: %s\n", ready, strerror(errno));
			goto close_lfd;
		}
	}
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < nconns; i++)
			pfd[2 + i] = (struct pollfd){ .fd = conns[i], .events = POLLIN };
		if (poll(pfd, (nfds_t)(2 + nconns), -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("sysrecv: poll");
			goto close_conns;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents && m == M_TCP) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0 && nconns < MAX_CONNS) {
				conns[nconns++] = c;
				fprintf(stderr, "sysrecv: connection %lu\n", ++accepted);
			} else if (c >= 0) {
				close(c);
			}
		} else if (pfd[1].revents && pump(lfd, out, m, 0) < 0) {
			goto close_conns;
		}
		for (i = nconns - 1; i >= 0; i--) {
			int r;

			if (!pfd[2 + i].revents)
				continue;
			r = pump(conns[i], out, m, MSG_DONTWAIT);
			if (r > 0)
				continue;
			close(conns[i]);
			conns[i] = conns[--nconns];
			if (r < 0)
				perror("sysrecv: recv");
		}
	}
	/* Stopped: take what the senders already queued, then close. */
	if (m != M_TCP)
		while (pump(lfd, out, m, MSG_DONTWAIT) > 0)
			;
	for (i = 0; i < nconns; i++)
		while (pump(conns[i], out, m, MSG_DONTWAIT) > 0)
			;
	ret = 0;
close_conns:
	for (i = 0; i < nconns; i++)
		close(conns[i]);
close_lfd:
	close(lfd);
	if (m == M_UNIX)
		unlink(addr);
close_out:
	close(out);
close_sfd:
	close(sfd);
	return ret;
}

/* RFC 6587 octet counting: "LEN SP MSG" repeated, nothing else. */
static int frames(const char *path)
{
	FILE *f = fopen(path, "re");
	char *data = NULL;
	size_t len = 0, cap = 0, off = 0, n;
	unsigned long nframes = 0;
	int ret = 1;

	if (!f) {
		fprintf(stderr, "sysrecv: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (len == cap) {
			char *p = realloc(data, cap = cap ? cap * 2 : BUF_SIZE);

			if (!p) {
				fprintf(stderr, "sysrecv: out of memory\n");
				goto free_data;
			}
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "sysrecv: read %s failed\n", path);
		goto free_data;
	}
	while (off < len) {
		size_t start = off, msglen = 0;

		/* MSG-LEN is NONZERO-DIGIT *DIGIT. */
		if (data[off] < '1' || data[off] > '9')
			goto bad;
		while (off < len && data[off] >= '0' && data[off] <= '9' && off - start < 9)
			msglen = msglen * 10 + (size_t)(data[off++] - '0');
		if (off >= len || data[off] != ' ' || len - off - 1 < msglen)
			goto bad;
		off++;
		if (memchr(data + off, '\n', msglen)) {
			fprintf(stderr, "sysrecv: frame %lu at offset %zu holds a newline\n",
				nframes + 1, start);
			goto free_data;
		}
		fwrite(data + off, 1, msglen, stdout);
		putchar('\n');
		off += msglen;
		nframes++;
		continue;
bad:
		fprintf(stderr, "sysrecv: %s: no whole frame at offset %zu (after %lu frames): %.40s\n",
			path, start, nframes, data + start);
		goto free_data;
	}
	ret = fflush(stdout) ? 1 : 0;
free_data:
	free(data);
	fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	enum mode m;

	if (argc == 3 && !strcmp(argv[1], "frames"))
		return frames(argv[2]);
	if (argc < 4 || argc > 5)
		usage();
	if (!strcmp(argv[1], "tcp"))
		m = M_TCP;
	else if (!strcmp(argv[1], "udp"))
		m = M_UDP;
	else if (!strcmp(argv[1], "unix"))
		m = M_UNIX;
	else
		usage();
	return serve(m, argv[2], argv[3], argc == 5 ? argv[4] : NULL);
}
