// SPDX-License-Identifier: GPL-2.0
/*
 * File change records, from the LSM path hooks (hooks_priv.c): the names
 * a task unlinks, makes, renames or links, and the files whose mode or
 * owner it changes. Probe context, as record.c. The callers hold the
 * parent directory's lock (the rename lock for rename), so a dentry's name
 * does not change while it is copied.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/uidgid.h>

#include "saker.h"
#include "record.h"

/* dir's path, "/" and name into the record; *cut when it is not whole. */
static u16 saker_rec_put_child(struct saker_rec *r, struct saker_cpu *c,
			       const struct path *dir, const struct qstr *name,
			       bool *cut)
{
	const char *base;
	size_t len = 0;

	*cut = false;
	rcu_read_lock();
	base = saker_path(c->path, sizeof(c->path), dir, &len, cut);
	rcu_read_unlock();
	if (!base)
		*cut = true;
	/* base is in this CPU's workspace: still ours after the unlock. */
	return saker_rec_put_joined(r, base, len, name->name, name->len, cut);
}

/* The second name: rename's and link's new one. */
static void saker_fs_put_child2(struct saker_rec *r, struct saker_cpu *c,
				struct saker_fschange *x,
				const struct path *dir2, struct dentry *d2)
{
	bool cut;

	x->path2_len = saker_rec_put_child(r, c, dir2, &d2->d_name, &cut);
	if (cut)
		x->flags |= SAKER_FS_PATH2_TRUNCATED;
}

static struct saker_fschange *saker_fs_start(struct saker_rec *r,
					     struct saker_cpu *c, u16 op)
{
	struct saker_fschange *x = saker_rec_start(r, c, SAKER_REC_FSCHANGE,
						   sizeof(*x));

	saker_fill_task(&x->task, current);
	x->syscall_nr = saker_current_syscall();
	x->call = saker_call_of(x->syscall_nr,
				x->task.flags & SAKER_TASK_COMPAT);
	x->op = op;
	x->uid = (u32)-1;
	x->gid = (u32)-1;
	return x;
}

static void saker_fs_ino(struct saker_fschange *x, const struct dentry *d)
{
	const struct inode *inode = d ? d_backing_inode(d) : NULL;

	x->ino = inode ? inode->i_ino : 0;
}

/*
 * A name in dir: unlink, rmdir, mkdir (mode), symlink (target), and
 * rename or link's new name (dir2, d2) with src the existing file.
 */
void saker_record_fs_name(u16 op, const struct path *dir, struct dentry *d,
			  u32 mode, const char *target,
			  const struct path *dir2, struct dentry *d2,
			  u32 flags)
{
	struct saker_fschange *x;
	struct saker_cpu *c;
	struct saker_rec r;
	bool cut = false;

	c = saker_enter();
	if (!c)
		return;
	x = saker_fs_start(&r, c, op);
	x->mode = mode;
	x->flags = flags;
	saker_fs_ino(x, d);
	x->path_len = saker_rec_put_child(&r, c, dir, &d->d_name, &cut);
	if (cut)
		x->flags |= SAKER_FS_PATH_TRUNCATED;
	if (dir2 && d2) {
		saker_fs_put_child2(&r, c, x, dir2, d2);
	} else if (target) {
		x->path2_len = saker_rec_put(&r, target,
					     strnlen(target, SAKER_PATH_MAX),
					     SAKER_PATH_MAX, false);
		if (r.truncated)
			x->flags |= SAKER_FS_PATH2_TRUNCATED;
	}
	saker_rec_emit(&r);
	saker_leave(c);
}

/* A file by its path: link's source, chmod (mode), chown (uid, gid). */
void saker_record_fs_path(u16 op, const struct path *p, u32 mode, u32 uid,
			  u32 gid, const struct path *dir2, struct dentry *d2)
{
	struct saker_fschange *x;
	struct saker_cpu *c;
	struct saker_rec r;
	bool cut = false;

	c = saker_enter();
	if (!c)
		return;
	x = saker_fs_start(&r, c, op);
	x->mode = mode;
	x->uid = uid;
	x->gid = gid;
	saker_fs_ino(x, p->dentry);
	rcu_read_lock();
	x->path_len = saker_rec_put_path(&r, c, p, &cut);
	rcu_read_unlock();
	if (cut)
		x->flags |= SAKER_FS_PATH_TRUNCATED;
	if (dir2 && d2)
		saker_fs_put_child2(&r, c, x, dir2, d2);
	saker_rec_emit(&r);
	saker_leave(c);
}
