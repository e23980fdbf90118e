// SPDX-License-Identifier: GPL-2.0
/*
 * Paths in probe context. d_path() gives the absolute name; when it does
 * not fit the buffer it gives nothing at all, which would hide a binary or
 * a file behind a deep enough directory tree. Then the tail is kept: the
 * last components that fit, walked up from the dentry within its mount,
 * the same lockless way d_path() itself reads names (they may change under
 * a concurrent rename; the result is then flagged truncated anyway).
 * Callers hold rcu_read_lock(): dentries and their names are freed only
 * after a grace period.
 */
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "saker.h"
#include "compat.h"

/* Deeper than any path that fits SAKER_PATH_MAX: a loop guard only. */
#define SAKER_PATH_DEPTH_MAX	(SAKER_PATH_MAX / 2)

/* Prepend "/name" before *pos, not below buf; false if it does not fit. */
static bool saker_prepend_name(char *buf, char **pos, const struct qstr *q)
{
	/* The kernel's own order: the name pointer before the length. */
	const char *name = smp_load_acquire(&q->name);
	u32 len = READ_ONCE(q->len);
	char *s;

	if (len + 1 > *pos - buf)
		return false;
	s = *pos - len - 1;
	*pos = s;
	*s++ = '/';
	/*
	 * A racing rename can pair a new, shorter name with the old length:
	 * never read past the name's NUL (it ends its allocation), fill in.
	 */
	while (len) {
		char c = *name;

		if (!c)
			break;
		*s++ = c;
		name++;
		len--;
	}
	memset(s, '?', len);
	return true;
}

/* The end of a path too long for d_path(), relative to its mount's root. */
static const char *saker_path_tail(char *buf, size_t size,
				   const struct path *p, size_t *len)
{
	struct dentry *d = p->dentry;
	struct dentry *root = p->mnt->mnt_root;
	char *end = buf + size - 1;
	char *pos = end;
	unsigned int depth = 0;
	unsigned int seq;

	/* Lockless only: the retry under the lock d_path() does could spin here. */
	seq = read_seqbegin(&rename_lock);
	*end = '\0';
	while (d != root && !IS_ROOT(d) && depth++ < SAKER_PATH_DEPTH_MAX) {
		if (!saker_prepend_name(buf, &pos, &d->d_name))
			break;
		d = READ_ONCE(d->d_parent);
	}
	/* A rename ran meanwhile: the names may not be one path. */
	if (pos == end || read_seqretry(&rename_lock, seq))
		return NULL;
	*len = end - pos;
	return pos;
}

/*
 * The absolute path of p in buf, or its tail with *truncated set, or NULL
 * (with *truncated set) when nothing can be said.
 */
const char *saker_path(char *buf, size_t size, const struct path *p,
		       size_t *len, bool *truncated)
{
	char *s;

	if (!p->dentry || !p->mnt) {
		*truncated = true;
		return NULL;
	}
	s = d_path(p, buf, size);
	if (!IS_ERR(s)) {
		*len = buf + size - 1 - s;
		return s;
	}
	*truncated = true;
	if (PTR_ERR(s) != -ENAMETOOLONG)
		return NULL;
	return saker_path_tail(buf, size, p, len);
}

/* The cwd without taking references: the caller holds rcu_read_lock(). */
bool saker_task_pwd(struct task_struct *p, struct path *pwd)
{
	struct fs_struct *fs = p->fs;
	unsigned int seq;

	if (!fs)
		return false;
	do {
		seq = saker_fs_seq_begin(fs);
		*pwd = fs->pwd;
	} while (saker_fs_seq_retry(fs, seq));
	return pwd->dentry && pwd->mnt;
}
