// SPDX-License-Identifier: GPL-2.0
/*
 * The open filter: which opens the reader's rules could match (contract in
 * uapi/saker.h). Set from the control plane in process context, read by
 * the open hooks under RCU; a new filter replaces the old one whole, and
 * the old one is freed after a grace period, when no hook can hold it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "saker.h"

struct saker_fentry {
	u32 kinds;
	u8 access;
	u8 result;
	u8 match;
	u16 len;
	const char *path;
};

struct saker_filter {
	/* Per result (ok, failed) and access bit: the kinds some entry takes. */
	u32 kinds[2][8];
	u32 n;
	struct saker_fentry e[];	/* then the paths, NUL-terminated */
};

static struct saker_filter __rcu *saker_filter;
/* Setters: the control plane and the device's release. */
static DEFINE_MUTEX(saker_filter_lock);

static const struct nla_policy saker_fentry_policy[SAKER_A_MAX + 1] = {
	[SAKER_A_FILTER_KINDS] = { .type = NLA_U32 },
	[SAKER_A_FILTER_ACCESS] = NLA_POLICY_RANGE(NLA_U32, 1,
						   SAKER_FILTER_ACCESS_ALL),
	[SAKER_A_FILTER_RESULT] = NLA_POLICY_RANGE(NLA_U32, 1,
						   SAKER_FILTER_OK |
						   SAKER_FILTER_FAILED),
	[SAKER_A_FILTER_MATCH] = NLA_POLICY_MAX(NLA_U32, SAKER_FILTER_PREFIX),
	[SAKER_A_FILTER_PATH] = { .type = NLA_NUL_STRING,
				  .len = SAKER_PATH_MAX - 1 },
};

#define SAKER_FILTER_KINDS_ALL	(SAKER_FILTER_EXEC_IMAGE | \
				 (SAKER_FILTER_KIND(SAKER_CALL_MAX) - 1))

/* The filter's masks for one open, as sakerd computes them from the record. */
static u32 saker_open_kind(const struct saker_open_key *k)
{
	if (k->exec)
		return SAKER_FILTER_EXEC_IMAGE;
	return k->call < SAKER_CALL_MAX ? SAKER_FILTER_KIND(k->call) : 0;
}

static u8 saker_open_access(const struct saker_open_key *k)
{
	return SAKER_FILTER_ACCESS(k->open_flags & O_ACCMODE,
				   k->open_flags & O_DIRECTORY);
}

static int saker_filter_match(u32 kind, u8 access, u8 result,
			      const char *path, size_t len)
{
	const struct saker_filter *f;
	int verdict = SAKER_FILTER_DROP;
	bool failed = result == SAKER_FILTER_FAILED;
	u32 i;

	/*
	 * The hooks run with preemption off, an RCU read-side section that
	 * the setters' synchronize_rcu() waits for: no rcu_read_lock() here.
	 */
	f = rcu_dereference_sched(saker_filter);
	if (!f)
		return SAKER_FILTER_KEEP;
	if (!(f->kinds[failed][__ffs(access)] & kind))
		return SAKER_FILTER_DROP;
	/* Failed opens are matched on the masks alone. */
	if (failed)
		return SAKER_FILTER_KEEP;
	for (i = 0; i < f->n; i++) {
		const struct saker_fentry *e = &f->e[i];

		if (!(e->kinds & kind) || !(e->access & access) ||
		    !(e->result & result))
			continue;
		if (e->match == SAKER_FILTER_ANY) {
			verdict = SAKER_FILTER_KEEP;
			break;
		}
		if (!path) {
			verdict = SAKER_FILTER_NEED_PATH;
			continue;
		}
		if (len < e->len || memcmp(path, e->path, e->len))
			continue;
		if (e->match == SAKER_FILTER_PREFIX || len == e->len) {
			verdict = SAKER_FILTER_KEEP;
			break;
		}
	}
	return verdict;
}

int saker_filter_check(const struct saker_open_key *k, const char *path,
		       size_t len)
{
	return saker_filter_match(saker_open_kind(k), saker_open_access(k),
				  k->failed ? SAKER_FILTER_FAILED :
					      SAKER_FILTER_OK,
				  path, len);
}

/*
 * Whether the filter keeps a failure of an open syscall's own open (not
 * exec's image, not io_uring's) with these flags, as the open starts.
 */
bool saker_filter_keeps_failed(u16 call, u32 open_flags)
{
	const struct saker_open_key k = {
		.call = call, .open_flags = open_flags, .failed = true,
	};

	return saker_filter_check(&k, NULL, 0) == SAKER_FILTER_KEEP;
}

/* Sets what saker_filter_build() made, freeing the filter it replaces. */
void saker_filter_commit(struct saker_filter *f)
{
	struct saker_filter *old;
	u32 n = f ? f->n : 0;

	mutex_lock(&saker_filter_lock);
	old = rcu_replace_pointer(saker_filter, f,
				  lockdep_is_held(&saker_filter_lock));
	mutex_unlock(&saker_filter_lock);
	if (!old && !f)
		return;
	if (old) {
		synchronize_rcu();
		kvfree(old);
	}
	if (f)
		pr_info("open filter of %u entries, set by pid %d (%s)\n", n,
			task_tgid_nr(current), current->comm);
	else
		pr_info("open filter removed by pid %d (%s)\n",
			task_tgid_nr(current), current->comm);
}

void saker_filter_clear(void)
{
	saker_filter_commit(NULL);
}

/* The filter's entries, or -1 when there is none. */
s64 saker_filter_entries(void)
{
	const struct saker_filter *f;
	s64 n;

	rcu_read_lock();
	f = rcu_dereference(saker_filter);
	n = f ? (s64)f->n : -1;
	rcu_read_unlock();
	return n;
}

/* One entry into e, its path copied to *pool; -EINVAL with a reason. */
static int saker_fentry_parse(const struct nlattr *nest, struct saker_fentry *e,
			      char **pool, size_t *room,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SAKER_A_MAX + 1];
	const struct nlattr *p;
	int err;

	err = nla_parse_nested(tb, SAKER_A_MAX, nest, saker_fentry_policy,
			       extack);
	if (err)
		return err;
	if (!tb[SAKER_A_FILTER_KINDS] || !tb[SAKER_A_FILTER_ACCESS] ||
	    !tb[SAKER_A_FILTER_RESULT] || !tb[SAKER_A_FILTER_MATCH]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "entry needs kinds, access, result, match");
		return -EINVAL;
	}
	e->kinds = nla_get_u32(tb[SAKER_A_FILTER_KINDS]);
	if (!e->kinds || (e->kinds & ~SAKER_FILTER_KINDS_ALL)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SAKER_A_FILTER_KINDS],
				    "unknown or no open kinds");
		return -EINVAL;
	}
	e->access = nla_get_u32(tb[SAKER_A_FILTER_ACCESS]);
	e->result = nla_get_u32(tb[SAKER_A_FILTER_RESULT]);
	e->match = nla_get_u32(tb[SAKER_A_FILTER_MATCH]);
	p = tb[SAKER_A_FILTER_PATH];
	if ((e->match == SAKER_FILTER_ANY) != !p) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a path for exact and prefix entries only");
		return -EINVAL;
	}
	e->len = 0;
	e->path = NULL;
	if (!p)
		return 0;
	e->len = strlen(nla_data(p));
	if (!e->len || *(const char *)nla_data(p) != '/') {
		NL_SET_ERR_MSG_ATTR(extack, p, "path must be absolute");
		return -EINVAL;
	}
	if (e->len + 1 > *room) {
		NL_SET_ERR_MSG_ATTR(extack, p, "open filter paths too long");
		return -E2BIG;
	}
	*room -= e->len + 1;
	memcpy(*pool, nla_data(p), e->len + 1);
	e->path = *pool;
	*pool += e->len + 1;
	return 0;
}

/* Adds e to the filter's summary, which rules out most opens in one test. */
static void saker_fentry_summarize(struct saker_filter *f,
				   const struct saker_fentry *e)
{
	unsigned int r, a;

	for (r = 0; r < 2; r++) {
		if (!(e->result & (r ? SAKER_FILTER_FAILED : SAKER_FILTER_OK)))
			continue;
		for (a = 0; a < 8; a++)
			if (e->access & (1U << a))
				f->kinds[r][a] |= e->kinds;
	}
}

/*
 * CONFIG_SET's SAKER_A_OPEN_FILTER, checked whole: the new filter, NULL
 * for NONE alone (no filter), or an ERR_PTR. saker_filter_commit() sets it.
 */
struct saker_filter *saker_filter_build(const struct nlattr *nest,
					struct genl_info *info)
{
	size_t room = SAKER_FILTER_BYTES_MAX;
	struct saker_filter *f;
	const struct nlattr *a;
	size_t bytes = 0;
	u32 n = 0;
	char *pool;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == SAKER_A_FILTER_NONE && nla_len(a) == 0 &&
		    nla_total_size(0) == nla_len(nest))
			return NULL;
		if (nla_type(a) != SAKER_A_FILTER_ENTRY) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "the open filter holds entries, or NONE alone");
			return ERR_PTR(-EINVAL);
		}
		/* Bounds the pool: each path is at most its attribute. */
		bytes += nla_len(a);
		n++;
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "trailing bytes after the last entry");
		return ERR_PTR(-EINVAL);
	}
	if (n > SAKER_FILTER_ENTRIES_MAX || bytes > SAKER_FILTER_BYTES_MAX +
	    SAKER_FILTER_ENTRIES_MAX * 64) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "open filter too large");
		return ERR_PTR(-E2BIG);
	}
	f = kvzalloc(struct_size(f, e, n) + bytes, GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	pool = (char *)&f->e[n];
	nla_for_each_nested(a, nest, rem) {
		err = saker_fentry_parse(a, &f->e[f->n], &pool, &room,
					 info->extack);
		if (err)
			goto free_filter;
		saker_fentry_summarize(f, &f->e[f->n]);
		f->n++;
	}
	return f;

free_filter:
	kvfree(f);
	return ERR_PTR(err);
}
