// SPDX-License-Identifier: GPL-2.0
/*
 * genlpoke CASE: sends the saker generic netlink family a request that
 * sakerctl never would, and prints the kernel's answer as
 * "error=N msg=TEXT" (N the positive errno, 0 for an ack). Raw sockets, no
 * libmnl: the helper is static. Cases:
 *   bits      CONFIG_SET with an unknown class bit
 *   outattr   CONFIG_SET carrying a reply-only attribute
 *   badsize   CONFIG_SET with a 1-byte SAKER_A_CLASSES
 *   empty     CONFIG_SET with nothing to set
 *   badcmd    a command the family does not have
 *   above     CONFIG_SET with an attribute type above SAKER_A_MAX
 *   stray     CONFIG_GET with SAKER_A_CLASSES, which it does not take
 *   nocpu     STATS from a CPU past the last ring
 *   resv      INFO with the genl header's reserved field set
 *   frel      an open filter entry with a relative path
 *   fnomatch  an entry without its match attribute
 *   fkinds    an entry with no open kind
 *   fstray    a filter nest holding something other than entries
 *   fanypath  an "any path" entry that names a path
 *   fnone     NONE alone: removes the filter (an ack)
 *   fset      a valid filter: opens below /tmp (an ack)
 *   ffail     a valid filter: failed read-only open, openat and openat2 of
 *             any path (an ack)
 *   ignstray  an ignore list holding something other than tgids
 *   ignmany   an ignore list of SAKER_IGNORE_MAX + 1 ids
 *   ignatomic classes, a valid filter and an ignore list naming a process
 *             that does not exist: ESRCH, and nothing changes
 * Exit status: 0 when an answer came, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kmod/uapi/saker.h"

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static void put_attr(struct req *r, unsigned short type, const void *data,
		     unsigned short len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* One attribute at p; returns the bytes it takes. */
static size_t attr_at(char *p, unsigned short type, const void *data, unsigned short len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	return NLA_ALIGN(a->nla_len);
}

/*
 * An open filter nest of one entry of these access and result masks (match < 0: left out), or
 * of one stray u32.
 */
static void put_filter_masks(struct req *r, unsigned int kinds, unsigned int acc,
			     unsigned int res, int match, const char *path, bool stray)
{
	char entry[128], nest[192];
	size_t n = 0, m;
	unsigned int mt = match;

	n += attr_at(entry + n, SAKER_A_FILTER_KINDS, &kinds, 4);
	n += attr_at(entry + n, SAKER_A_FILTER_ACCESS, &acc, 4);
	n += attr_at(entry + n, SAKER_A_FILTER_RESULT, &res, 4);
	if (match >= 0)
		n += attr_at(entry + n, SAKER_A_FILTER_MATCH, &mt, 4);
	if (path)
		n += attr_at(entry + n, SAKER_A_FILTER_PATH, path, strlen(path) + 1);
	if (stray)
		m = attr_at(nest, SAKER_A_FILTER_KINDS, &kinds, 4);
	else
		m = attr_at(nest, SAKER_A_FILTER_ENTRY | NLA_F_NESTED, entry, n);
	put_attr(r, SAKER_A_OPEN_FILTER | NLA_F_NESTED, nest, m);
}

/* An entry for successful opens of any access. */
static void put_filter(struct req *r, unsigned int kinds, int match, const char *path,
		       bool stray)
{
	put_filter_masks(r, kinds, SAKER_FILTER_ACCESS_ALL, SAKER_FILTER_OK, match, path, stray);
}

static void start(struct req *r, unsigned short type, unsigned char cmd)
{
	static unsigned int seq;

	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->n.nlmsg_seq = ++seq;
	r->g.cmd = cmd;
	r->g.version = 1;
}

/* Sends r; returns the answer's errno (0: ack or data), msg the ext-ack text. */
static int ask(int fd, struct req *r, unsigned short *family, char *msg, size_t msglen)
{
	static char buf[16384];
	ssize_t n;

	msg[0] = '\0';
	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = NLMSG_HDRLEN + sizeof(*e);

				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				while (off + NLA_HDRLEN <= h->nlmsg_len) {
					struct nlattr *a = (struct nlattr *)((char *)h + off);

					if (a->nla_len < NLA_HDRLEN)
						break;
					if (a->nla_type == NLMSGERR_ATTR_MSG)
						snprintf(msg, msglen, "%.*s",
							 (int)(a->nla_len - NLA_HDRLEN),
							 (char *)a + NLA_HDRLEN);
					off += NLA_ALIGN(a->nla_len);
				}
				return -e->error;
			}
			if (family && h->nlmsg_type == GENL_ID_CTRL) {
				size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

				while (off + NLA_HDRLEN <= h->nlmsg_len) {
					struct nlattr *a = (struct nlattr *)((char *)h + off);

					if (a->nla_len < NLA_HDRLEN)
						break;
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						memcpy(family, (char *)a + NLA_HDRLEN, 2);
					off += NLA_ALIGN(a->nla_len);
				}
			}
		}
	}
}

int main(int argc, char **argv)
{
	unsigned short family = 0;
	struct req r;
	char msg[256];
	const char *c = argc > 1 ? argv[1] : "";
	unsigned int v;
	unsigned char b = 1;
	int fd, one = 1, err;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	start(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, SAKER_GENL_NAME, sizeof(SAKER_GENL_NAME));
	if (ask(fd, &r, &family, msg, sizeof(msg)) || !family) {
		fprintf(stderr, "genlpoke: no family %s\n", SAKER_GENL_NAME);
		return 1;
	}
	start(&r, family, SAKER_CMD_CONFIG_SET);
	if (!strcmp(c, "bits")) {
		v = SAKER_CLASS_ALL + 1;
		put_attr(&r, SAKER_A_CLASSES, &v, sizeof(v));
	} else if (!strcmp(c, "outattr")) {
		v = SAKER_CLASS_ALL;
		put_attr(&r, SAKER_A_CLASSES, &v, sizeof(v));
		put_attr(&r, SAKER_A_ABI_VERSION, &v, sizeof(v));
	} else if (!strcmp(c, "badsize")) {
		put_attr(&r, SAKER_A_CLASSES, &b, sizeof(b));
	} else if (!strcmp(c, "empty")) {
		/* nothing */
	} else if (!strcmp(c, "badcmd")) {
		r.g.cmd = SAKER_CMD_MAX + 7;
	} else if (!strcmp(c, "above")) {
		v = SAKER_CLASS_ALL;
		put_attr(&r, SAKER_A_MAX + 5, &v, sizeof(v));
	} else if (!strcmp(c, "stray")) {
		r.g.cmd = SAKER_CMD_CONFIG_GET;
		v = SAKER_CLASS_ALL;
		put_attr(&r, SAKER_A_CLASSES, &v, sizeof(v));
	} else if (!strcmp(c, "nocpu")) {
		r.g.cmd = SAKER_CMD_STATS;
		v = 1U << 30;
		put_attr(&r, SAKER_A_CPU, &v, sizeof(v));
	} else if (!strcmp(c, "resv")) {
		r.g.cmd = SAKER_CMD_INFO;
		r.g.reserved = 1;
	} else if (!strcmp(c, "frel")) {
		put_filter(&r, SAKER_FILTER_KIND(SAKER_CALL_OPENAT), SAKER_FILTER_EXACT, "etc/x", false);
	} else if (!strcmp(c, "fnomatch")) {
		put_filter(&r, SAKER_FILTER_KIND(SAKER_CALL_OPENAT), -1, "/etc/x", false);
	} else if (!strcmp(c, "fkinds")) {
		put_filter(&r, 0, SAKER_FILTER_EXACT, "/etc/x", false);
	} else if (!strcmp(c, "fstray")) {
		put_filter(&r, SAKER_FILTER_KIND(SAKER_CALL_OPENAT), 0, NULL, true);
	} else if (!strcmp(c, "fanypath")) {
		put_filter(&r, SAKER_FILTER_KIND(SAKER_CALL_OPENAT), SAKER_FILTER_ANY, "/etc/x", false);
	} else if (!strcmp(c, "fset")) {
		put_filter(&r, SAKER_FILTER_KIND(SAKER_CALL_OPENAT), SAKER_FILTER_PREFIX, "/tmp", false);
	} else if (!strcmp(c, "ffail")) {
		put_filter_masks(&r, SAKER_FILTER_KIND(SAKER_CALL_OPEN) |
				 SAKER_FILTER_KIND(SAKER_CALL_OPENAT) |
				 SAKER_FILTER_KIND(SAKER_CALL_OPENAT2),
				 SAKER_FILTER_ACCESS(O_RDONLY, 0), SAKER_FILTER_FAILED,
				 SAKER_FILTER_ANY, NULL, false);
	} else if (!strcmp(c, "fnone")) {
		char flag[8];

		put_attr(&r, SAKER_A_OPEN_FILTER | NLA_F_NESTED, flag,
			 attr_at(flag, SAKER_A_FILTER_NONE, NULL, 0));
	} else if (!strcmp(c, "ignstray") || !strcmp(c, "ignmany") || !strcmp(c, "ignatomic")) {
		char nest[192];
		size_t n = 0;
		unsigned int i, pid = (unsigned int)getpid(), none = 0x7ffffff0;

		if (!strcmp(c, "ignatomic")) {
			v = SAKER_CLASS_EXEC;
			put_attr(&r, SAKER_A_CLASSES, &v, sizeof(v));
			put_filter(&r, SAKER_FILTER_KIND(SAKER_CALL_OPENAT), SAKER_FILTER_PREFIX,
				   "/tmp", false);
			n += attr_at(nest + n, SAKER_A_IGNORE_TGID, &pid, 4);
			n += attr_at(nest + n, SAKER_A_IGNORE_TGID, &none, 4);
		} else if (!strcmp(c, "ignstray")) {
			n += attr_at(nest + n, SAKER_A_FILTER_KINDS, &pid, 4);
		} else {
			for (i = 0; i <= SAKER_IGNORE_MAX; i++)
				n += attr_at(nest + n, SAKER_A_IGNORE_TGID, &pid, 4);
		}
		put_attr(&r, SAKER_A_IGNORE | NLA_F_NESTED, nest, n);
	} else {
		fprintf(stderr, "usage: genlpoke bits|outattr|badsize|empty|badcmd|above|stray|nocpu|resv|"
			"frel|fnomatch|fkinds|fstray|fanypath|fnone|fset|ffail|ignstray|ignmany|ignatomic\n");
		return 2;
	}
	err = ask(fd, &r, NULL, msg, sizeof(msg));
	if (err < 0) {
		perror("genlpoke");
		return 1;
	}
	printf("error=%d msg=%s\n", err, msg);
	close(fd);
	return 0;
}
