// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane: the generic netlink family "saker" (commands and
 * attributes in uapi/saker.h). Handlers run in process context, one at a
 * time under the genetlink mutex, never in probe context; what they share
 * with the hooks and the device (classes, the reader, the ring counters)
 * is read and written with READ_ONCE/WRITE_ONCE. Every command is a doit:
 * genl_unregister_family() waits for one in flight, and none holds a
 * module reference (a dump would, until its caller reads the end).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "saker.h"

static struct genl_family saker_genl_family;

/*
 * Only SAKER_A_CLASSES, SAKER_A_CPU, SAKER_A_OPEN_FILTER and SAKER_A_IGNORE
 * may be sent; the rest are replies. Strict validation rejects what is left
 * NLA_UNSPEC here and anything above SAKER_A_MAX; filter.c and ignore.c
 * check inside their nests.
 */
static const struct nla_policy saker_genl_policy[SAKER_A_MAX + 1] = {
	[SAKER_A_CLASSES] = { .type = NLA_U32 },
	[SAKER_A_CPU] = { .type = NLA_U32 },
	[SAKER_A_OPEN_FILTER] = { .type = NLA_NESTED },
	[SAKER_A_IGNORE] = { .type = NLA_NESTED },
};

/*
 * Root's only, as /dev/saker: GENL_ADMIN_PERM checked CAP_NET_ADMIN, and
 * which attributes the command takes, BIT_ULL(SAKER_A_*) (the policy is
 * the family's).
 */
static int saker_genl_check(struct sk_buff *skb, struct genl_info *info,
			    u64 takes)
{
	int i;

	BUILD_BUG_ON(SAKER_A_MAX >= 64);
	if (!netlink_capable(skb, CAP_SYS_ADMIN))
		return -EPERM;
	for (i = 1; i <= SAKER_A_MAX; i++) {
		if (info->attrs[i] && !(takes & BIT_ULL(i))) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[i],
					    "attribute not taken by this command");
			return -EINVAL;
		}
	}
	return 0;
}

static int saker_put_config(struct sk_buff *msg, struct genl_info *info)
{
	s64 entries = saker_filter_entries();

	if (nla_put_u32(msg, SAKER_A_CLASSES, READ_ONCE(saker_dev.classes)) ||
	    nla_put_u32(msg, SAKER_A_FILTER_SET, entries >= 0) ||
	    nla_put_u32(msg, SAKER_A_FILTER_ENTRIES, entries >= 0 ? entries : 0))
		return -EMSGSIZE;
	return saker_ignore_put(msg);
}

static int saker_put_hooks(struct sk_buff *msg)
{
	struct saker_hook_report *v;
	unsigned int i, n;
	int err = 0;

	/* Too many for the stack of a netlink handler. */
	v = kcalloc(SAKER_HOOKS_MAX, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	n = saker_hooks_report(v, SAKER_HOOKS_MAX);
	for (i = 0; i < n; i++) {
		struct nlattr *nest = nla_nest_start(msg, SAKER_A_HOOK);

		if (!nest) {
			err = -EMSGSIZE;
			break;
		}
		if (nla_put_string(msg, SAKER_A_HOOK_NAME, v[i].name) ||
		    nla_put_string(msg, SAKER_A_HOOK_KIND, v[i].kind) ||
		    nla_put_u64_64bit(msg, SAKER_A_HOOK_HITS, v[i].hits,
				      SAKER_A_PAD) ||
		    nla_put_u64_64bit(msg, SAKER_A_HOOK_MISSED, v[i].missed,
				      SAKER_A_PAD)) {
			nla_nest_cancel(msg, nest);
			err = -EMSGSIZE;
			break;
		}
		nla_nest_end(msg, nest);
	}
	kfree(v);
	return err;
}

static int saker_put_info(struct sk_buff *msg, struct genl_info *info)
{
	struct saker_dev *d = &saker_dev;
	u32 reader = 0;

	/* saker_release() puts the reader after a grace period. */
	rcu_read_lock();
	/* Pairs with saker_open(): the reader is set before active. */
	if (smp_load_acquire(&d->active))
		reader = pid_vnr(READ_ONCE(d->reader));
	rcu_read_unlock();

	if (nla_put_u32(msg, SAKER_A_ABI_VERSION, SAKER_ABI_VERSION) ||
	    nla_put_string(msg, SAKER_A_MODULE_VERSION, SAKER_MODULE_VERSION) ||
	    nla_put_u32(msg, SAKER_A_NR_RINGS, d->nr_rings) ||
	    nla_put_u64_64bit(msg, SAKER_A_RING_SIZE, d->ring_size, SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_WAKEUP_BYTES, d->wakeup_bytes,
			      SAKER_A_PAD) ||
	    nla_put_u32(msg, SAKER_A_LATENCY_MS, d->latency_ms) ||
	    nla_put_u32(msg, SAKER_A_SHARE_PCT, d->share_pct) ||
	    nla_put_string(msg, SAKER_A_OPEN_PROBE, saker_open_probe_name()) ||
	    nla_put_u32(msg, SAKER_A_OPEN_MAXACTIVE, saker_open_active()) ||
	    nla_put_u64_64bit(msg, SAKER_A_FEATURES, saker_features(),
			      SAKER_A_PAD) ||
	    nla_put_u32(msg, SAKER_A_READER_PID, reader) ||
	    nla_put_u64_64bit(msg, SAKER_A_OPEN_MISSED, saker_open_missed(),
			      SAKER_A_PAD) ||
	    saker_put_hooks(msg))
		return -EMSGSIZE;
	return saker_put_config(msg, info);
}

/* One reply of cmd holding what put() writes for the request info. */
static int saker_genl_reply(struct genl_info *info, u8 cmd,
			    int (*put)(struct sk_buff *msg,
				       struct genl_info *info))
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &saker_genl_family, 0, cmd);
	err = -EMSGSIZE;
	if (!hdr)
		goto free_msg;
	err = put(msg, info);
	if (err)
		goto free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
free_msg:
	nlmsg_free(msg);
	return err;
}

static int saker_genl_info(struct sk_buff *skb, struct genl_info *info)
{
	int err = saker_genl_check(skb, info, 0);

	return err ?: saker_genl_reply(info, SAKER_CMD_INFO, saker_put_info);
}

static int saker_genl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	int err = saker_genl_check(skb, info, 0);

	return err ?: saker_genl_reply(info, SAKER_CMD_CONFIG_GET,
				       saker_put_config);
}

/* Everything is checked before anything changes: a failed set sets nothing. */
static int saker_genl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[SAKER_A_CLASSES];
	struct nlattr *fnest = info->attrs[SAKER_A_OPEN_FILTER];
	struct nlattr *inest = info->attrs[SAKER_A_IGNORE];
	int err = saker_genl_check(skb, info, BIT_ULL(SAKER_A_CLASSES) |
				   BIT_ULL(SAKER_A_OPEN_FILTER) |
				   BIT_ULL(SAKER_A_IGNORE));
	struct saker_filter *filter = NULL;
	struct saker_ignore *ignore = NULL;
	u32 classes, old;

	if (err)
		return err;
	if (!a && !fnest && !inest) {
		GENL_SET_ERR_MSG(info, "nothing to set");
		return -EINVAL;
	}
	if (a && (nla_get_u32(a) & ~SAKER_CLASS_ALL)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "unknown event class bits");
		return -EINVAL;
	}
	if (inest) {
		ignore = saker_ignore_build(inest, info);
		if (IS_ERR(ignore))
			return PTR_ERR(ignore);
	}
	if (fnest) {
		filter = saker_filter_build(fnest, info);
		if (IS_ERR(filter)) {
			saker_ignore_discard(ignore);
			return PTR_ERR(filter);
		}
	}
	/* Nothing below fails. */
	if (inest)
		saker_ignore_commit(ignore);
	if (fnest)
		saker_filter_commit(filter);
	if (!a)
		return 0;
	classes = nla_get_u32(a);
	old = READ_ONCE(saker_dev.classes);
	WRITE_ONCE(saker_dev.classes, classes);
	if (old != classes)
		pr_info("event classes 0x%x -> 0x%x, set by pid %d (%s)\n",
			old, classes, task_tgid_nr(current), current->comm);
	return 0;
}

/* What one ring's nest takes in a message. */
#define SAKER_RING_ATTR_SIZE	(nla_total_size(0) + nla_total_size(sizeof(u32)) + \
				 8 * nla_total_size_64bit(sizeof(u64)))

static int saker_put_ring(struct sk_buff *msg, unsigned int i)
{
	const struct saker_ring_hdr *h = saker_dev.rings[i].hdr;
	u64 head = READ_ONCE(h->head), tail = READ_ONCE(h->tail);
	struct nlattr *nest = nla_nest_start(msg, SAKER_A_RING);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, SAKER_A_CPU, i) ||
	    nla_put_u64_64bit(msg, SAKER_A_EVENTS, READ_ONCE(h->events),
			      SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_DROPS_FULL, READ_ONCE(h->drops_full),
			      SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_DROPS_FAULT,
			      READ_ONCE(h->drops_fault), SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_REENTRIES, READ_ONCE(h->reentries),
			      SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_DROPS_SHARE,
			      READ_ONCE(h->drops_share), SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_FILTERED, READ_ONCE(h->filtered),
			      SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_IGNORED, READ_ONCE(h->ignored),
			      SAKER_A_PAD) ||
	    nla_put_u64_64bit(msg, SAKER_A_QUEUED, head > tail ? head - tail : 0,
			      SAKER_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The rings from SAKER_A_CPU on, as many as fit, and where to go on. */
static int saker_put_rings(struct sk_buff *msg, struct genl_info *info)
{
	struct nlattr *a = info->attrs[SAKER_A_CPU];
	unsigned int i = a ? nla_get_u32(a) : 0;
	int err;

	for (; i < saker_dev.nr_rings; i++) {
		/* Room for this ring and for SAKER_A_NEXT_CPU after it. */
		if (skb_tailroom(msg) < SAKER_RING_ATTR_SIZE + nla_total_size(sizeof(u32)))
			break;
		if (!cpu_possible(i))
			continue;
		err = saker_put_ring(msg, i);
		if (err)
			return err;
	}
	if (i < saker_dev.nr_rings && nla_put_u32(msg, SAKER_A_NEXT_CPU, i))
		return -EMSGSIZE;
	return 0;
}

/* Not a dump (see uapi/saker.h): the caller asks again from NEXT_CPU. */
static int saker_genl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[SAKER_A_CPU];
	int err = saker_genl_check(skb, info, BIT_ULL(SAKER_A_CPU));

	if (err)
		return err;
	if (a && nla_get_u32(a) >= saker_dev.nr_rings) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no such CPU");
		return -EINVAL;
	}
	return saker_genl_reply(info, SAKER_CMD_STATS, saker_put_rings);
}

static const struct genl_small_ops saker_genl_ops[] = {
	{
		.cmd = SAKER_CMD_INFO,
		.doit = saker_genl_info,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SAKER_CMD_STATS,
		.doit = saker_genl_stats,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SAKER_CMD_CONFIG_GET,
		.doit = saker_genl_config_get,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SAKER_CMD_CONFIG_SET,
		.doit = saker_genl_config_set,
		.flags = GENL_ADMIN_PERM,
	},
};

/* Not netnsok: the family exists in the initial network namespace only. */
static struct genl_family saker_genl_family __ro_after_init = {
	.name = SAKER_GENL_NAME,
	.version = SAKER_GENL_VERSION,
	.maxattr = SAKER_A_MAX,
	.policy = saker_genl_policy,
	.module = THIS_MODULE,
	.small_ops = saker_genl_ops,
	.n_small_ops = ARRAY_SIZE(saker_genl_ops),
};

int saker_genl_init(void)
{
	return genl_register_family(&saker_genl_family);
}

/* Waits for a handler in flight (genetlink's cb_lock, taken for writing). */
void saker_genl_exit(void)
{
	genl_unregister_family(&saker_genl_family);
}
