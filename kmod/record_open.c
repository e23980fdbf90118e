// SPDX-License-Identifier: GPL-2.0
/*
 * Open records, from the two open hooks (hooks.c): the open filter's
 * verdict first, then the path, flags and fd. Probe context, as record.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernfs.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <net/sock.h>
#include <linux/openat2.h>
#include <asm/syscall.h>

#include "saker.h"
#include "compat.h"
#include "record.h"

/* An open file's path, built once: for the open filter, then the record. */
struct saker_opath {
	const char *s;		/* in the CPU's path workspace, or NULL */
	size_t len;
	bool cut;
	bool done;
};

static void saker_open_path(struct saker_cpu *c, struct file *f,
			    struct saker_opath *op)
{
	op->cut = false;
	rcu_read_lock();
	op->s = saker_path(c->path, sizeof(c->path), &f->f_path, &op->len,
			   &op->cut);
	rcu_read_unlock();
	if (!op->s)
		op->cut = true;
	op->done = true;
}

/*
 * The open filter's verdict (filter.c), with the file's path when it needs
 * it; an open left out is counted. A path that is cut, or is no absolute
 * path (a pseudo file's "anon_inode:[...]"), is kept: the filter cannot
 * tell what the reader's rules would make of it.
 */
static bool saker_open_wanted(struct saker_cpu *c,
			      const struct saker_open_key *k, struct file *f,
			      struct saker_opath *op)
{
	int verdict = saker_filter_check(k, NULL, 0);

	if (verdict == SAKER_FILTER_NEED_PATH) {
		verdict = SAKER_FILTER_KEEP;
		if (f) {
			saker_open_path(c, f, op);
			if (!op->cut && op->s[0] == '/')
				verdict = saker_filter_check(k, op->s, op->len);
		}
	}
	if (verdict == SAKER_FILTER_KEEP)
		return true;
	saker_ring_count(SAKER_CNT(filtered));
	return false;
}

/* Absolute path of an open file into the record; flags set on o. */
static void saker_rec_put_file(struct saker_rec *r, struct saker_cpu *c,
			       struct saker_open *o, struct file *f,
			       struct saker_opath *op)
{
	struct inode *inode = file_inode(f);

	o->ino = inode->i_ino;
	o->dev = new_encode_dev(inode->i_sb->s_dev);
	if (f->f_mode & FMODE_CREATED)
		o->flags |= SAKER_OPEN_CREATED;
	if (!op->done)
		saker_open_path(c, f, op);
	if (op->s)
		o->path_len = saker_rec_put(r, op->s, op->len, SAKER_PATH_MAX,
					    true);
	if (op->cut || r->truncated)
		o->flags |= SAKER_OPEN_PATH_TRUNCATED;
}

/*
 * A failed open's name, made absolute against the cwd or the dirfd. The
 * dirfd's file is looked up with a reference: a sibling thread may close
 * it meanwhile.
 */
static u16 saker_rec_put_failed_name(struct saker_rec *r, struct saker_cpu *c,
				     const struct saker_open_ctx *ctx,
				     bool *cut)
{
	const char *name = ctx->name ? ctx->name->name : NULL;
	struct file *dir = NULL;
	const char *base = NULL;
	bool base_cut = false;
	struct path pwd;
	size_t n, len = 0;

	*cut = false;
	if (!name)
		return 0;
	n = strnlen(name, SAKER_PATH_MAX);
	if (name[0] != '/' && ctx->dfd != AT_FDCWD && ctx->dfd >= 0)
		dir = fget_raw(ctx->dfd);
	rcu_read_lock();
	if (name[0] != '/' && ctx->dfd == AT_FDCWD) {
		if (saker_task_pwd(current, &pwd))
			base = saker_path(c->path, sizeof(c->path), &pwd, &len,
					  &base_cut);
	} else if (dir) {
		base = saker_path(c->path, sizeof(c->path), &dir->f_path,
				  &len, &base_cut);
	}
	rcu_read_unlock();
	if (dir)
		fput(dir);
	/* A relative name with nothing to resolve it against is not a path. */
	*cut = base_cut || (name[0] != '/' && !base);
	/* base is in this CPU's workspace: still ours after the unlock. */
	return saker_rec_put_joined(r, base, len, name, n, cut);
}

/*
 * From the open probe's return: failed opens, and successful ones that do
 * not end in fd_install() (exec's image open, io_uring, kernel-internal
 * opens on behalf of a task).
 */
void saker_record_open(const struct saker_open_ctx *ctx, struct file *ret)
{
	struct saker_opath op = { .done = false };
	const struct saker_open_key k = {
		.call = ctx->call,
		.exec = ctx->open_flag & __FMODE_EXEC,
		.failed = IS_ERR(ret),
		.open_flags = ctx->open_flag & VALID_OPEN_FLAGS,
	};
	struct saker_open *o;
	struct saker_cpu *c;
	struct saker_rec r;
	bool cut;

	c = saker_enter();
	if (!c)
		return;
	if (!saker_open_wanted(c, &k, IS_ERR(ret) ? NULL : ret, &op))
		goto leave;
	o = saker_rec_start(&r, c, SAKER_REC_OPEN, sizeof(*o));
	o->syscall_nr = ctx->syscall_nr;
	o->call = k.call;
	o->open_flags = k.open_flags;
	o->mode = ctx->mode & S_IALLUGO;	/* the kernel adds S_IFREG */
	o->fd = -1;
	if (k.exec)
		o->flags |= SAKER_OPEN_EXEC;
	if (IS_ERR(ret))
		o->err = -PTR_ERR(ret);
	saker_fill_task(&o->task, current);

	if (IS_ERR(ret)) {
		o->flags |= SAKER_OPEN_PATH_NAME;
		o->path_len = saker_rec_put_failed_name(&r, c, ctx, &cut);
		if (cut)
			o->flags |= SAKER_OPEN_PATH_TRUNCATED;
	} else {
		/* io_uring may install into its fixed table: fd not known. */
		if (!(o->flags & SAKER_OPEN_EXEC))
			o->flags |= SAKER_OPEN_FD_UNKNOWN;
		saker_rec_put_file(&r, c, o, ret, &op);
	}
	saker_rec_emit(&r);
leave:
	saker_leave(c);
}

/* Flags and mode as the task passed them to its open syscall. */
static void saker_open_args(u16 call, const struct file *file, u32 *flags,
			    u32 *mode)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long a[6];
	struct open_how how;

	*flags = 0;
	*mode = 0;
	syscall_get_arguments(current, regs, a);
	switch (call) {
	case SAKER_CALL_OPEN:
		*flags = a[1];
		*mode = a[2];
		break;
	case SAKER_CALL_OPENAT:
		*flags = a[2];
		*mode = a[3];
		break;
	case SAKER_CALL_CREAT:
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		*mode = a[1];
		break;
	case SAKER_CALL_OPENAT2:
		/*
		 * A sibling thread may have rewritten it since the kernel copied
		 * it: the access mode and creation come from the file itself.
		 */
		if (a[3] >= OPEN_HOW_SIZE_VER0 &&
		    !copy_from_user_nofault(&how, (const void __user *)a[2],
					    sizeof(how))) {
			*flags = how.flags & ~(O_ACCMODE | O_CREAT);
			*mode = how.mode;
		} else {
			*flags = file->f_flags & ~O_ACCMODE;
		}
		*flags |= file->f_flags & O_ACCMODE;
		if (file->f_mode & FMODE_CREATED)
			*flags |= O_CREAT;
		break;
	case SAKER_CALL_OPEN_BY_HANDLE_AT:
		*flags = a[2];
		break;
	}
	*flags &= VALID_OPEN_FLAGS;
	*mode &= S_IALLUGO;
}

/*
 * From fd_install() in an open syscall: the open succeeded and fd is the
 * descriptor it gets, exactly (no guess, whoever shares the fd table).
 * Needs no in-flight state, so sleeping opens cannot exhaust it. The
 * filter decides before the record is begun: most opens end there.
 */
void saker_record_open_fd(unsigned int fd, struct file *file)
{
	struct saker_opath op = { .done = false };
	struct saker_open_key k = { .failed = false };
	struct saker_open *o;
	struct saker_cpu *c;
	struct saker_rec r;
	u32 mode;
	int nr;

	nr = saker_current_syscall();
	k.call = saker_call_of(nr, in_compat_syscall());
	if (!saker_is_open_call(k.call))
		return;
	saker_open_args(k.call, file, &k.open_flags, &mode);
	c = saker_enter();
	if (!c)
		return;
	if (saker_open_wanted(c, &k, file, &op)) {
		o = saker_rec_start(&r, c, SAKER_REC_OPEN, sizeof(*o));
		o->syscall_nr = nr;
		o->call = k.call;
		o->fd = fd;
		o->open_flags = k.open_flags;
		o->mode = mode;
		saker_fill_task(&o->task, current);
		saker_rec_put_file(&r, c, o, file, &op);
		saker_rec_emit(&r);
	}
	saker_leave(c);
}
