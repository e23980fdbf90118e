// SPDX-License-Identifier: GPL-2.0
/*
 * The module's control plane from user space: the generic netlink family
 * "saker" (uapi/saker.h), through libmnl. Every request is acked or
 * answered; a refusal comes back as an errno and, when the kernel gives
 * one, its extended-ack message, both in err.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "ctl.h"
#include "lib/errbuf.h"
#include "lib/kfilter.h"

/* Large enough that the kernel never truncates a dump message. */
#define CTL_BUF_SIZE 32768

struct saker_ctl {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	char buf[CTL_BUF_SIZE];
};

/* What one exchange collects besides the parsed payload. */
struct reply {
	mnl_cb_t parse;		/* for each data message, or NULL */
	void *data;
	char ack_msg[256];	/* the kernel's extended-ack message */
};

static struct nlmsghdr *start(struct saker_ctl *c, uint16_t type, uint8_t cmd,
			      uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : SAKER_GENL_VERSION;
	return nlh;
}

static int ack_attr(const struct nlattr *a, void *data)
{
	struct reply *r = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		snprintf(r->ack_msg, sizeof(r->ack_msg), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: 0 is the ack; otherwise keep the message, return the errno. */
static int on_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!e->error)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* The echoed request, unless capped, comes before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		if (off <= mnl_nlmsg_get_payload_len(nlh))
			mnl_attr_parse(nlh, (unsigned int)off, ack_attr, data);
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; a dump that failed says how in it. */
static int on_done(const struct nlmsghdr *nlh, void *data)
{
	int e = 0;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(e))
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	if (e < 0) {
		errno = -e;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int on_overrun(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	errno = ENOSPC;
	return MNL_CB_ERROR;
}

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	return r->parse ? r->parse(nlh, r->data) : MNL_CB_OK;
}

/* Sends nlh and runs the replies through r until the ack or the dump's end. */
static int exchange(struct saker_ctl *c, struct nlmsghdr *nlh, struct reply *r,
		    char *err, size_t errlen)
{
	/* Given an array, libmnl runs no default handler for control types. */
	static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = on_error,
		[NLMSG_DONE] = on_done,
		[NLMSG_OVERRUN] = on_overrun,
	};
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		saker_set_err(err, errlen, "netlink send: %s", strerror(-ret));
		return ret;
	}
	do {
		n = mnl_socket_recvfrom(c->nl, c->buf, sizeof(c->buf));
		if (n < 0) {
			ret = -errno;
			saker_set_err(err, errlen, "netlink receive: %s", strerror(-ret));
			return ret;
		}
		ret = mnl_cb_run2(c->buf, (size_t)n, seq, c->portid, on_data, r,
				  ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > 0);
	if (ret < 0) {
		ret = errno ? -errno : -EIO;
		if (ret == -EPERM && !r->ack_msg[0])
			snprintf(r->ack_msg, sizeof(r->ack_msg),
				 "the module's control plane is root's only (CAP_SYS_ADMIN and CAP_NET_ADMIN)");
		saker_set_err(err, errlen, "%s%s%s", strerror(-ret),
			      r->ack_msg[0] ? ": " : "", r->ack_msg);
		return ret;
	}
	return 0;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    !mnl_attr_validate(a, MNL_TYPE_U16))
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
}

int saker_ctl_open(struct saker_ctl **out, char *err, size_t errlen)
{
	struct saker_ctl *c = calloc(1, sizeof(*c));
	struct reply r = { .parse = family_msg };
	struct nlmsghdr *nlh;
	int one = 1, ret;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->seq = (unsigned int)time(NULL);
	c->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		saker_set_err(err, errlen, "generic netlink socket: %s", strerror(-ret));
		goto free_ctl;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	/* Refusals with a reason, and without our request echoed back. */
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh = start(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SAKER_GENL_NAME);
	r.data = &c->family;
	ret = exchange(c, nlh, &r, err, errlen);
	if (ret == -ENOENT || (!ret && !c->family)) {
		ret = -ENOENT;
		saker_set_err(err, errlen,
			      "the saker module is not loaded (no generic netlink family \"%s\"): modprobe saker",
			      SAKER_GENL_NAME);
	}
	if (ret)
		goto free_ctl;
	*out = c;
	return 0;
free_ctl:
	saker_ctl_close(c);
	return ret;
}

void saker_ctl_close(struct saker_ctl *c)
{
	if (!c)
		return;
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c);
}

/* Copies a u32, u64 or string attribute a into *dst if it is one. */
static void take_u32(const struct nlattr *a, uint32_t *dst)
{
	if (!mnl_attr_validate(a, MNL_TYPE_U32))
		*dst = mnl_attr_get_u32(a);
}

static void take_u64(const struct nlattr *a, uint64_t *dst)
{
	if (!mnl_attr_validate(a, MNL_TYPE_U64))
		*dst = mnl_attr_get_u64(a);
}

static void take_str(const struct nlattr *a, char *dst, size_t size)
{
	if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		snprintf(dst, size, "%s", mnl_attr_get_str(a));
}

static int hook_attr(const struct nlattr *a, void *data)
{
	struct saker_ctl_hook *h = data;

	switch (mnl_attr_get_type(a)) {
	case SAKER_A_HOOK_NAME: take_str(a, h->name, sizeof(h->name)); break;
	case SAKER_A_HOOK_KIND: take_str(a, h->kind, sizeof(h->kind)); break;
	case SAKER_A_HOOK_HITS: take_u64(a, &h->hits); break;
	case SAKER_A_HOOK_MISSED: take_u64(a, &h->missed); break;
	}
	return MNL_CB_OK;
}

/* Attributes a newer module adds are skipped. */
static int ignore_attr(const struct nlattr *a, void *data)
{
	struct saker_ctl_config *cf = data;

	if (mnl_attr_get_type(a) == SAKER_A_IGNORE_TGID &&
	    cf->nignore < SAKER_IGNORE_MAX)
		take_u32(a, &cf->ignore[cf->nignore++]);
	return MNL_CB_OK;
}

static int config_attr(const struct nlattr *a, void *data)
{
	struct saker_ctl_config *cf = data;
	uint32_t set = 0;

	switch (mnl_attr_get_type(a)) {
	case SAKER_A_CLASSES: take_u32(a, &cf->classes); break;
	case SAKER_A_FILTER_ENTRIES: take_u32(a, &cf->filter_entries); break;
	case SAKER_A_FILTER_SET:
		take_u32(a, &set);
		cf->filter_set = set != 0;
		break;
	case SAKER_A_IGNORE:
		if (!mnl_attr_validate(a, MNL_TYPE_NESTED))
			mnl_attr_parse_nested(a, ignore_attr, cf);
		break;
	}
	return MNL_CB_OK;
}

static int info_attr(const struct nlattr *a, void *data)
{
	struct saker_ctl_info *in = data;

	switch (mnl_attr_get_type(a)) {
	case SAKER_A_HOOK:
		if (in->nhooks < SAKER_CTL_HOOKS_MAX && !mnl_attr_validate(a, MNL_TYPE_NESTED))
			mnl_attr_parse_nested(a, hook_attr, &in->hooks[in->nhooks++]);
		break;
	case SAKER_A_ABI_VERSION: take_u32(a, &in->abi_version); break;
	case SAKER_A_MODULE_VERSION:
		take_str(a, in->module_version, sizeof(in->module_version));
		break;
	case SAKER_A_NR_RINGS: take_u32(a, &in->nr_rings); break;
	case SAKER_A_RING_SIZE: take_u64(a, &in->ring_size); break;
	case SAKER_A_WAKEUP_BYTES: take_u64(a, &in->wakeup_bytes); break;
	case SAKER_A_LATENCY_MS: take_u32(a, &in->latency_ms); break;
	case SAKER_A_SHARE_PCT: take_u32(a, &in->share_pct); break;
	case SAKER_A_OPEN_PROBE:
		take_str(a, in->open_probe, sizeof(in->open_probe));
		break;
	case SAKER_A_OPEN_MAXACTIVE: take_u32(a, &in->open_maxactive); break;
	case SAKER_A_FEATURES: take_u64(a, &in->features); break;
	case SAKER_A_READER_PID: take_u32(a, &in->reader_pid); break;
	case SAKER_A_OPEN_MISSED: take_u64(a, &in->open_missed); break;
	default: return config_attr(a, &in->config);
	}
	return MNL_CB_OK;
}

static int info_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), info_attr, data);
}

int saker_ctl_info(struct saker_ctl *c, struct saker_ctl_info *out, char *err,
		   size_t errlen)
{
	struct reply r = { .parse = info_msg, .data = out };

	memset(out, 0, sizeof(*out));
	return exchange(c, start(c, c->family, SAKER_CMD_INFO, 0), &r, err, errlen);
}

struct stats_acc {
	struct saker_ctl_cpu *v;
	size_t n, cap;
	uint32_t next;		/* SAKER_A_NEXT_CPU, or 0: none */
	int err;
};

static int cpu_attr(const struct nlattr *a, void *data)
{
	struct saker_ctl_cpu *s = data;

	switch (mnl_attr_get_type(a)) {
	case SAKER_A_CPU: take_u32(a, &s->cpu); break;
	case SAKER_A_EVENTS: take_u64(a, &s->events); break;
	case SAKER_A_DROPS_FULL: take_u64(a, &s->drops_full); break;
	case SAKER_A_DROPS_FAULT: take_u64(a, &s->drops_fault); break;
	case SAKER_A_REENTRIES: take_u64(a, &s->reentries); break;
	case SAKER_A_DROPS_SHARE: take_u64(a, &s->drops_share); break;
	case SAKER_A_FILTERED: take_u64(a, &s->filtered); break;
	case SAKER_A_IGNORED: take_u64(a, &s->ignored); break;
	case SAKER_A_QUEUED: take_u64(a, &s->queued); break;
	}
	return MNL_CB_OK;
}

static int stats_attr(const struct nlattr *a, void *data)
{
	struct stats_acc *acc = data;

	if (mnl_attr_get_type(a) == SAKER_A_NEXT_CPU) {
		take_u32(a, &acc->next);
		return MNL_CB_OK;
	}
	if (mnl_attr_get_type(a) != SAKER_A_RING || mnl_attr_validate(a, MNL_TYPE_NESTED))
		return MNL_CB_OK;
	if (acc->n == acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 16;
		struct saker_ctl_cpu *v = realloc(acc->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		acc->v = v;
		acc->cap = cap;
	}
	memset(&acc->v[acc->n], 0, sizeof(acc->v[acc->n]));
	mnl_attr_parse_nested(a, cpu_attr, &acc->v[acc->n]);
	acc->n++;
	return MNL_CB_OK;
}

static int stats_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), stats_attr, data);
}

int saker_ctl_stats(struct saker_ctl *c, struct saker_ctl_cpu **cpus, size_t *n,
		    char *err, size_t errlen)
{
	struct stats_acc acc = { 0 };
	struct reply r = { .parse = stats_msg, .data = &acc };
	uint32_t from = 0;
	int ret;

	/* One request per message's worth of rings, until none is left out. */
	do {
		struct nlmsghdr *nlh = start(c, c->family, SAKER_CMD_STATS, 0);

		mnl_attr_put_u32(nlh, SAKER_A_CPU, from);
		acc.next = 0;
		ret = exchange(c, nlh, &r, err, errlen);
		if (!ret && acc.next && acc.next <= from) {
			ret = -EPROTO;
			saker_set_err(err, errlen, "the module's statistics do not advance past CPU %u",
				      (unsigned int)from);
		}
		from = acc.next;
	} while (!ret && from);
	if (ret) {
		free(acc.v);
		return ret;
	}
	*cpus = acc.v;
	*n = acc.n;
	return 0;
}

void saker_ctl_cpu_sum(const struct saker_ctl_cpu *v, size_t n,
		       struct saker_ctl_cpu *total)
{
	size_t i;

	memset(total, 0, sizeof(*total));
	for (i = 0; i < n; i++) {
		total->events += v[i].events;
		total->drops_full += v[i].drops_full;
		total->drops_fault += v[i].drops_fault;
		total->reentries += v[i].reentries;
		total->drops_share += v[i].drops_share;
		total->filtered += v[i].filtered;
		total->ignored += v[i].ignored;
		total->queued += v[i].queued;
	}
}

uint64_t saker_ctl_cpu_drops(const struct saker_ctl_cpu *s)
{
	return s->drops_full + s->drops_fault + s->reentries + s->drops_share;
}

int saker_ctl_set_config(struct saker_ctl *c, const struct saker_ctl_set *set,
			 char *err, size_t errlen)
{
	struct nlmsghdr *nlh = start(c, c->family, SAKER_CMD_CONFIG_SET, 0);
	struct reply r = { 0 };
	struct nlattr *nest;
	size_t i;

	if (set->classes_set)
		mnl_attr_put_u32(nlh, SAKER_A_CLASSES, set->classes);
	if (set->ignore_set) {
		nest = mnl_attr_nest_start(nlh, SAKER_A_IGNORE);
		for (i = 0; i < set->nignore; i++)
			mnl_attr_put_u32(nlh, SAKER_A_IGNORE_TGID, set->ignore[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	return exchange(c, nlh, &r, err, errlen);
}

static int config_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), config_attr, data);
}

int saker_ctl_get_config(struct saker_ctl *c, struct saker_ctl_config *out,
			 char *err, size_t errlen)
{
	struct reply r = { .parse = config_msg, .data = out };

	memset(out, 0, sizeof(*out));
	return exchange(c, start(c, c->family, SAKER_CMD_CONFIG_GET, 0), &r,
			err, errlen);
}

/* What one entry takes in the request: four u32, the path, the nest. */
static size_t filter_entry_size(const struct saker_kfilter_entry *e)
{
	return MNL_ATTR_HDRLEN + 4 * MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(uint32_t)) +
	       (e->path ? MNL_ALIGN(MNL_ATTR_HDRLEN + e->len + 1) : 0);
}

int saker_ctl_set_filter(struct saker_ctl *c, const struct saker_kfilter *kf,
			 char *err, size_t errlen)
{
	struct reply r = { 0 };
	size_t i, size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
			 2 * MNL_ATTR_HDRLEN;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *buf;
	int ret;

	for (i = 0; kf && !kf->none && i < kf->n; i++)
		size += filter_entry_size(&kf->v[i]);
	/* The nest's length is 16 bits: past that it would wrap, not fail. */
	if (size > UINT16_MAX) {
		saker_set_err(err, errlen, "the open filter takes %zu bytes, more than one netlink attribute holds",
			      size);
		return -E2BIG;
	}
	/* A filter larger than the usual buffer is built in its own. */
	buf = size > sizeof(c->buf) ? malloc(size) : NULL;
	if (size > sizeof(c->buf) && !buf) {
		saker_set_err(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	nlh = start(c, c->family, SAKER_CMD_CONFIG_SET, 0);
	if (buf) {
		memcpy(buf, nlh, nlh->nlmsg_len);
		nlh = (struct nlmsghdr *)buf;
	}
	nest = mnl_attr_nest_start(nlh, SAKER_A_OPEN_FILTER);
	if (!kf || kf->none)
		mnl_attr_put(nlh, SAKER_A_FILTER_NONE, 0, NULL);
	for (i = 0; kf && !kf->none && i < kf->n; i++) {
		const struct saker_kfilter_entry *e = &kf->v[i];
		struct nlattr *en = mnl_attr_nest_start(nlh, SAKER_A_FILTER_ENTRY);

		mnl_attr_put_u32(nlh, SAKER_A_FILTER_KINDS, e->kinds);
		mnl_attr_put_u32(nlh, SAKER_A_FILTER_ACCESS, e->access);
		mnl_attr_put_u32(nlh, SAKER_A_FILTER_RESULT, e->result);
		mnl_attr_put_u32(nlh, SAKER_A_FILTER_MATCH, e->match);
		if (e->path)
			mnl_attr_put_strz(nlh, SAKER_A_FILTER_PATH, e->path);
		mnl_attr_nest_end(nlh, en);
	}
	mnl_attr_nest_end(nlh, nest);
	/* The replies still come into c->buf: only the request is elsewhere. */
	ret = exchange(c, nlh, &r, err, errlen);
	free(buf);
	return ret;
}

static const char *const class_names[] = { "exec", "fork", "exit", "open", "cred", "load",
					     "ns", "ptrace", "fs" };

int saker_ctl_parse_classes(const char *s, uint32_t *out, char *err, size_t errlen)
{
	uint32_t m = 0;
	const char *p = s;

	if (!strcmp(s, "all")) {
		*out = SAKER_CLASS_ALL;
		return 0;
	}
	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
			if (strlen(class_names[i]) == len && !strncmp(p, class_names[i], len))
				break;
		if (i == sizeof(class_names) / sizeof(class_names[0])) {
			saker_set_err(err, errlen,
				      "unknown event class '%.*s' (exec, fork, exit, open, cred, load, ns, ptrace, fs, all, none)",
				      (int)len, p);
			return -EINVAL;
		}
		m |= 1U << i;
		p += len;
		if (*p == ',' && !*++p) {
			saker_set_err(err, errlen, "event classes end with ','");
			return -EINVAL;
		}
	}
	if (p == s) {
		saker_set_err(err, errlen, "no event class given");
		return -EINVAL;
	}
	*out = m;
	return 0;
}

void saker_ctl_format_classes(uint32_t m, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	if ((m & SAKER_CLASS_ALL) == SAKER_CLASS_ALL && !(m & ~SAKER_CLASS_ALL)) {
		snprintf(buf, size, "all");
		return;
	}
	for (i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (m & (1U << i) && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 used ? "," : "", class_names[i]);
	if (!used)
		snprintf(buf, size, "none");
}
