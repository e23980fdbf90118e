// SPDX-License-Identifier: GPL-2.0
/*
 * The ignore list: thread groups the reader asked the hooks not to record
 * (contract in uapi/saker.h). Entries are struct pid references, not
 * numbers: a thread group that exits leaves an entry no new task can ever
 * match, so a reused pid is never ignored, and no hook has to clear an
 * entry at exit. Set from the control plane in process context, read by
 * the hooks under RCU; a new list replaces the old one whole, and the old
 * one's references are dropped after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "saker.h"

struct saker_ignore {
	u32 n;
	struct pid *pid[];
};

static struct saker_ignore __rcu *saker_ignore;
/* Setters: the control plane and the device's open and release. */
static DEFINE_MUTEX(saker_ignore_lock);

/* Probe context: is t's thread group on the list? */
bool saker_ignored(struct task_struct *t)
{
	const struct saker_ignore *ig;
	bool hit = false;
	struct pid *tgid;
	u32 i;

	/* Preemption is off in the hooks: as in saker_filter_match(). */
	ig = rcu_dereference_sched(saker_ignore);
	if (ig) {
		tgid = task_tgid(t);
		for (i = 0; i < ig->n; i++) {
			if (ig->pid[i] == tgid) {
				hit = true;
				break;
			}
		}
	}
	return hit;
}

static void saker_ignore_free(struct saker_ignore *ig)
{
	u32 i;

	for (i = 0; i < ig->n; i++)
		put_pid(ig->pid[i]);
	kfree(ig);
}

/* Sets what saker_ignore_build() made, dropping the list it replaces. */
void saker_ignore_commit(struct saker_ignore *ig)
{
	struct saker_ignore *old;

	mutex_lock(&saker_ignore_lock);
	old = rcu_replace_pointer(saker_ignore, ig,
				  lockdep_is_held(&saker_ignore_lock));
	mutex_unlock(&saker_ignore_lock);
	if (!old && !ig)
		return;
	if (old) {
		synchronize_rcu();
		saker_ignore_free(old);
	}
	if (ig)
		pr_info("ignore list of %u thread groups, set by pid %d (%s)\n",
			ig->n, task_tgid_nr(current), current->comm);
	else
		pr_info("ignore list cleared by pid %d (%s)\n",
			task_tgid_nr(current), current->comm);
}

void saker_ignore_clear(void)
{
	saker_ignore_commit(NULL);
}

/* The thread group nr names in the caller's pid namespace, referenced. */
static struct pid *saker_ignore_lookup(const struct nlattr *a,
				       struct netlink_ext_ack *extack)
{
	struct pid *pid;
	bool group;
	u32 nr = nla_get_u32(a);

	pid = nr && nr <= INT_MAX ? find_get_pid(nr) : NULL;
	if (pid) {
		rcu_read_lock();
		group = pid_task(pid, PIDTYPE_TGID);
		rcu_read_unlock();
		if (group)
			return pid;
		put_pid(pid);
	}
	NL_SET_ERR_MSG_ATTR(extack, a, "no thread group with this id");
	return ERR_PTR(-ESRCH);
}

/*
 * CONFIG_SET's SAKER_A_IGNORE, checked whole: the new list, NULL for an
 * empty nest (no list), or an ERR_PTR. saker_ignore_commit() sets it.
 */
struct saker_ignore *saker_ignore_build(const struct nlattr *nest,
					struct genl_info *info)
{
	struct saker_ignore *ig;
	const struct nlattr *a;
	struct pid *pid;
	int rem, err;
	u32 i, n = 0;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != SAKER_A_IGNORE_TGID ||
		    nla_len(a) != sizeof(u32)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "the ignore list holds u32 SAKER_A_IGNORE_TGID only");
			return ERR_PTR(-EINVAL);
		}
		n++;
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "trailing bytes after the last id");
		return ERR_PTR(-EINVAL);
	}
	if (n > SAKER_IGNORE_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "ignore list too long");
		return ERR_PTR(-E2BIG);
	}
	if (!n)
		return NULL;
	ig = kzalloc(struct_size(ig, pid, n), GFP_KERNEL);
	if (!ig)
		return ERR_PTR(-ENOMEM);
	nla_for_each_nested(a, nest, rem) {
		pid = saker_ignore_lookup(a, info->extack);
		if (IS_ERR(pid)) {
			err = PTR_ERR(pid);
			goto free_list;
		}
		for (i = 0; i < ig->n && ig->pid[i] != pid; i++)
			;
		if (i < ig->n) {
			/* Named twice: one entry holds it. */
			put_pid(pid);
			continue;
		}
		ig->pid[ig->n++] = pid;
	}
	return ig;

free_list:
	saker_ignore_free(ig);
	return ERR_PTR(err);
}

/* A list saker_ignore_build() made that will not be set. */
void saker_ignore_discard(struct saker_ignore *ig)
{
	if (!IS_ERR_OR_NULL(ig))
		saker_ignore_free(ig);
}

/*
 * The list for CONFIG_GET: the thread groups still alive, by their ids in
 * the caller's pid namespace (those it cannot see are left out).
 */
int saker_ignore_put(struct sk_buff *msg)
{
	const struct saker_ignore *ig;
	struct nlattr *nest;
	int err = 0;
	pid_t nr;
	u32 i;

	nest = nla_nest_start(msg, SAKER_A_IGNORE);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	ig = rcu_dereference(saker_ignore);
	for (i = 0; ig && i < ig->n && !err; i++) {
		if (!pid_task(ig->pid[i], PIDTYPE_TGID))
			continue;
		nr = pid_vnr(ig->pid[i]);
		if (nr > 0)
			err = nla_put_u32(msg, SAKER_A_IGNORE_TGID, nr);
	}
	rcu_read_unlock();
	if (err) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}
