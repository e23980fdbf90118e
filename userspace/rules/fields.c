// SPDX-License-Identifier: GPL-2.0
/*
 * Field table and extractors over struct saker_event plus the process
 * table and container metadata. Extractors return -ENOENT for a value the
 * event does not carry (a missing value makes every comparison false).
 * Falco fields saker cannot provide are known but always missing, so the
 * upstream rule file loads; docs/rules-engine.md lists both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "track/container_id.h"
#include "lib/clock.h"
#include "lib/decode.h"
#include "lib/idname.h"
#include "track/mounts.h"
#include "track/proctable.h"
#include "fields.h"
#include "eval.h"

#define PROC_PID_INIT_INO 0xEFFFFFFCU	/* the initial pid namespace */
#define MAX_ANCESTORS 64



/* ---- helpers ---- */

char *saker_scratch(struct saker_evctx *cx, size_t n)
{
	char *p;

	if (cx->scratch_cap - cx->scratch_used < n)
		return NULL;
	p = cx->scratch + cx->scratch_used;
	cx->scratch_used += n;
	return p;
}

static int str_out(struct saker_val *v, const char *s, size_t len)
{
	v->kind = SAKER_V_STR;
	v->s = s;
	v->len = (uint32_t)len;
	return 0;
}

static int cstr_out(struct saker_val *v, const char *s)
{
	return str_out(v, s, strlen(s));
}

static int num_out(struct saker_val *v, int64_t n)
{
	v->kind = SAKER_V_NUM;
	v->n = n;
	return 0;
}

static const struct saker_proc *cx_proc(struct saker_evctx *cx)
{
	if (!cx->proc_done) {
		cx->proc = saker_proctable_get(cx->procs, cx->ev->task->pid);
		cx->proc_done = true;
	}
	return cx->proc;
}

/* The image (exe, args, cwd) of the event's process. */
struct img_view {
	struct saker_str exe, args, cwd, cgroup, env;
	const uint8_t *fd_kind;
	uint32_t exec_flags;
};

static int cx_image(struct saker_evctx *cx, struct img_view *iv)
{
	const struct saker_event *ev = cx->ev;
	const struct saker_proc *p;

	if (ev->type == SAKER_REC_EXEC) {
		iv->exe = ev->exe;
		iv->args = ev->args;
		iv->cwd = ev->cwd;
		iv->cgroup = ev->cgroup;
		iv->env = ev->env;
		iv->fd_kind = ev->exec->fd_kind;
		iv->exec_flags = ev->exec->flags;
		return 0;
	}
	p = cx_proc(cx);
	if (!p || !p->img)
		return -ENOENT;
	iv->exe = (struct saker_str){ p->img->exe, p->img->exe_len };
	iv->args = (struct saker_str){ p->img->args, p->img->args_len };
	iv->cwd = (struct saker_str){ p->img->cwd, p->img->cwd_len };
	iv->cgroup = (struct saker_str){ p->img->cgroup, p->img->cgroup_len };
	iv->env = (struct saker_str){ p->img->env, p->img->env_len };
	iv->fd_kind = p->img->fd_kind;
	iv->exec_flags = p->img->exec_flags;
	return 0;
}

static size_t comm_len(const char *comm)
{
	return strnlen(comm, SAKER_COMM_LEN);
}

/* proc.name: see saker_proc_name() for exec through /proc/self/exe. */
static void proc_name(struct saker_evctx *cx, const char **s, size_t *len)
{
	const char *comm = cx->ev->task->comm;
	struct img_view iv;

	*s = comm;
	*len = comm_len(comm);
	/* Most names are comm: no process table lookup for them. */
	if (saker_proc_name_from_image(comm, *len) && !cx_image(cx, &iv))
		saker_proc_name(comm, *len, iv.exe, iv.args, s, len);
}

/* argv[1..] joined by spaces, optionally after a prefix and a space. */
static int join_args(struct saker_evctx *cx, const char *prefix, size_t plen,
		     struct saker_str args, bool skip0, struct saker_val *v)
{
	const char *a = args.p, *end = args.p + args.len;
	char *out, *o;

	if (skip0 && args.len) {
		const char *z = memchr(a, '\0', args.len);

		a = z ? z + 1 : end;
	}
	out = saker_scratch(cx, plen + 1 + (size_t)(end - a) + 1);
	if (!out)
		return -ENOENT;
	o = out;
	memcpy(o, prefix, plen);
	o += plen;
	if (plen && a < end)
		*o++ = ' ';
	for (; a < end; a++)
		*o++ = *a ? *a : ' ';
	/* Each argument ends in NUL, so the join has one trailing space. */
	if (o > out + plen && o[-1] == ' ' && end > args.p && end[-1] == '\0')
		o--;
	*o = '\0';
	return str_out(v, out, (size_t)(o - out));
}

/*
 * proc.env as libsinsp has it: the entries joined by spaces (empty ones
 * dropped); proc.env[NAME]: NAME's value without surrounding blanks, ""
 * when NAME is not set.
 */
static int env_out(struct saker_evctx *cx, struct saker_str env, const char *name,
		   struct saker_val *v)
{
	const char *e = env.p, *end = env.p + env.len;
	size_t nlen = name ? strlen(name) : 0;
	char *out, *o;

	if (name) {
		for (; e < end; e += strnlen(e, (size_t)(end - e)) + 1) {
			size_t l = strnlen(e, (size_t)(end - e));
			const char *b = e + nlen + 1, *z = e + l;

			if (l <= nlen + 1 || e[nlen] != '=' || memcmp(e, name, nlen))
				continue;
			while (b < z && *b == ' ')
				b++;
			while (z > b && z[-1] == ' ')
				z--;
			return str_out(v, b, (size_t)(z - b));
		}
		return str_out(v, "", 0);
	}
	out = saker_scratch(cx, env.len + 1);
	if (!out)
		return -ENOENT;
	o = out;
	for (; e < end; e += strnlen(e, (size_t)(end - e)) + 1) {
		size_t l = strnlen(e, (size_t)(end - e));

		if (!l)
			continue;
		if (o > out)
			*o++ = ' ';
		memcpy(o, e, l);
		o += l;
	}
	*o = '\0';
	return str_out(v, out, (size_t)(o - out));
}

static int argv0(struct saker_str args, struct saker_val *v)
{
	if (!args.len)
		return -ENOENT;
	return str_out(v, args.p, strnlen(args.p, args.len));
}

/* Parent (depth 1) or further ancestor of the event's process. */
static const struct saker_proc *ancestor(struct saker_evctx *cx, int depth)
{
	const struct saker_proc *p = NULL;
	uint32_t pid = cx->ev->task->ppid;
	int d;

	for (d = 1; d <= depth; d++) {
		if (!pid)
			return NULL;
		p = saker_proctable_get(cx->procs, pid);
		if (!p)
			return NULL;
		pid = p->ppid;
		if (pid == p->pid)
			return d == depth ? p : NULL;
	}
	return p;
}

static int proc_image_str(const struct saker_proc *p, int which, struct saker_val *v)
{
	if (!p || !p->img)
		return -ENOENT;
	if (which == 0)
		return str_out(v, p->img->exe, p->img->exe_len);
	return argv0((struct saker_str){ p->img->args, p->img->args_len }, v);
}

/* One ancestor value for aname/apid/aexepath at depth d (0 = self). */
static int anc_value(struct saker_evctx *cx, unsigned int id, int d,
		     struct saker_val *v)
{
	const struct saker_task *t = cx->ev->task;
	const struct saker_proc *p;
	struct img_view iv;

	if (d == 0) {
		if (id == F_PROC_ANAME)
			return str_out(v, t->comm, comm_len(t->comm));
		if (id == F_PROC_APID)
			return num_out(v, t->pid);
		if (cx_image(cx, &iv))
			return -ENOENT;
		if (id == F_PROC_AEXE)
			return argv0(iv.args, v);
		return str_out(v, iv.exe.p, iv.exe.len);
	}
	p = ancestor(cx, d);
	if (!p)
		return -ENOENT;
	if (id == F_PROC_ANAME)
		return cstr_out(v, p->comm);
	if (id == F_PROC_APID)
		return num_out(v, p->pid);
	return proc_image_str(p, id == F_PROC_AEXE, v);
}

static int ancestors_list(struct saker_evctx *cx, unsigned int id,
			  struct saker_val *v)
{
	struct saker_val *list, tmp;
	int d, n = 0;

	list = (struct saker_val *)saker_scratch(cx, MAX_ANCESTORS * sizeof(*list) +
						 _Alignof(struct saker_val));
	if (!list)
		return -ENOENT;
	list = (struct saker_val *)(((uintptr_t)list + _Alignof(struct saker_val) - 1) &
				    ~(uintptr_t)(_Alignof(struct saker_val) - 1));
	for (d = 1; d < MAX_ANCESTORS; d++) {
		if (anc_value(cx, id, d, &tmp))
			break;
		list[n++] = tmp;
	}
	if (!n)
		return -ENOENT;
	v->kind = SAKER_V_LIST;
	v->list = list;
	v->len = (uint32_t)n;
	return 0;
}

static const char *user_name(uint32_t uid, bool group)
{
	static struct {
		uint32_t id;
		bool valid, group;
		char name[64];
	} cache[256];
	unsigned int h = (uid * 31 + group) & 255;
	int r;

	if (cache[h].valid && cache[h].id == uid && cache[h].group == group)
		return cache[h].name[0] ? cache[h].name : NULL;
	cache[h].id = uid;
	cache[h].group = group;
	r = saker_idname(uid, group, cache[h].name, sizeof(cache[h].name));
	/* Only a real "no such id" is remembered; other errors may pass. */
	cache[h].valid = !r || r == -ENOENT;
	return r ? NULL : cache[h].name;
}

static int container_id(struct saker_evctx *cx, const char **cid,
			enum saker_container_type *type)
{
	static char buf[SAKER_CONTAINER_ID_LEN + 1];
	const struct saker_event *ev = cx->ev;
	const struct saker_proc *p;

	*type = SAKER_CT_HOST;
	if (ev->type == SAKER_REC_EXEC) {
		if (!saker_container_id_parse(ev->cgroup.p, ev->cgroup.len, buf, type)) {
			*cid = buf;
			return 0;
		}
	} else if ((p = cx_proc(cx)) && p->img && p->img->cid[0]) {
		*cid = p->img->cid;
		*type = p->img->ctype;
		return 0;
	} else if (!saker_proctable_cgroup_container(cx->procs,
						     ev->task->cgroup_id, cid, type)) {
		return 0;
	}
	if (ev->task->ns[SAKER_NS_PID] == PROC_PID_INIT_INO) {
		*cid = "host";
		return 0;
	}
	return -ENOENT;
}

static int meta(struct saker_evctx *cx, struct saker_container_meta **m)
{
	enum saker_container_type t;
	const char *cid;

	if (cx->meta_rc == 1) {
		memset(&cx->meta, 0, sizeof(cx->meta));
		cx->meta_rc = -ENOENT;
		if (cx->provider && !container_id(cx, &cid, &t) && strcmp(cid, "host"))
			cx->meta_rc = cx->provider->lookup(cx->provider->ctx, cid, &cx->meta);
	}
	*m = &cx->meta;
	return cx->meta_rc;
}

static int meta_str(const char *s, struct saker_val *v)
{
	if (!s)
		return -ENOENT;
	return cstr_out(v, s);
}

/*
 * container.mount*: of a container whose state was read, "N/A" when the
 * mount asked for is not there (upstream's sensitive_mount tests for it).
 */
static int mount_out(struct saker_evctx *cx, unsigned int id, const char *key,
		     struct saker_val *v)
{
	struct saker_container_meta *m;
	const struct saker_mount *mt;
	size_t i, n = 0, cap = 0;
	char *out;

	if (meta(cx, &m))
		return -ENOENT;
	if (id == F_CONTAINER_MOUNTS) {
		for (i = 0; i < m->nmounts; i++)
			cap += saker_mount_len(&m->mounts[i]) + 1;
		out = saker_scratch(cx, cap + 1);
		if (!out)
			return -ENOENT;
		for (i = 0; i < m->nmounts; i++) {
			if (i)
				out[n++] = ',';
			n += saker_mount_format(&m->mounts[i], out + n, cap + 1 - n);
		}
		out[n] = '\0';
		return str_out(v, out, n);
	}
	mt = saker_mount_find(m->mounts, m->nmounts, key, id == F_CONTAINER_MOUNT_SOURCE);
	if (!mt)
		return cstr_out(v, "N/A");
	switch (id) {
	case F_CONTAINER_MOUNT_SOURCE:
		return cstr_out(v, mt->source);
	case F_CONTAINER_MOUNT_DEST:
		return cstr_out(v, mt->dest);
	case F_CONTAINER_MOUNT_MODE:
		return cstr_out(v, mt->mode);
	case F_CONTAINER_MOUNT_RDWR:
		return cstr_out(v, mt->rdwr ? "true" : "false");
	case F_CONTAINER_MOUNT_PROPAGATION:
		return cstr_out(v, mt->propagation);
	}
	cap = saker_mount_len(mt) + 1;
	out = saker_scratch(cx, cap);
	if (!out)
		return -ENOENT;
	return str_out(v, out, saker_mount_format(mt, out, cap));
}

/*
 * The event's wall-clock time as libsinsp's strings (sinsp_utils::
 * ts_to_string, ts_to_iso_8601): local time, but ISO 8601 in UTC.
 */
static int time_str(struct saker_evctx *cx, unsigned int id, struct saker_val *v)
{
	const size_t size = 64;
	uint64_t t = cx->ev->time_ns;
	time_t secs = (time_t)(t / SAKER_NSEC_PER_SEC);
	unsigned int ns = (unsigned int)(t % SAKER_NSEC_PER_SEC);
	char *out = saker_scratch(cx, size);
	struct tm tm;
	int n;

	if (!out)
		return -ENOENT;
	/* The zone's offset at the event's time, where libsinsp takes now's. */
	if (!(id == F_EVT_TIME_ISO8601 ? gmtime_r(&secs, &tm) : localtime_r(&secs, &tm)))
		return -ENOENT;
	switch (id) {
	case F_EVT_TIME:
		n = snprintf(out, size, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min,
			     tm.tm_sec, ns);
		break;
	case F_EVT_TIME_S:
		n = snprintf(out, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
		break;
	case F_EVT_DATETIME:
		n = snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d.%09u",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, ns);
		break;
	case F_EVT_DATETIME_S:
		n = snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec);
		break;
	default:
		n = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09u+0000",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, ns);
		break;
	}
	if (n < 0 || (size_t)n >= size)
		return -ENOENT;
	return str_out(v, out, (size_t)n);
}

/* Monotonic ns since the engine's first event: wall-clock steps stay out. */
static uint64_t reltime(const struct saker_evctx *cx)
{
	uint64_t ts = cx->ev->task->ts_ns;

	return ts > cx->first_ts_ns ? ts - cx->first_ts_ns : 0;
}

/* Kernel O_* values (x86_64/generic): glibc defines O_LARGEFILE as 0. */
#define K_O_ACCMODE	03
#define K_O_WRONLY	01
#define K_O_RDWR	02
#define K_O_CREAT	0100
#define K_O_DIRECTORY	0200000
#define K_O_TMPFILE	020000000

static int open_flags_str(struct saker_evctx *cx, uint32_t f, struct saker_val *v)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
		{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
		{ 010000, "O_DSYNC" }, { 020000, "O_ASYNC" }, { 040000, "O_DIRECT" },
		{ 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" },
		{ 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
		{ 02000000, "O_CLOEXEC" }, { 04000000, "O_SYNC" },
		{ 010000000, "O_PATH" }, { 020000000, "O_TMPFILE" },
	};
	/* Every name once fits: "O_RDONLY" and 17 "|O_..." of at most 12 bytes. */
	char *out = saker_scratch(cx, 256);
	const char *acc = (f & K_O_ACCMODE) == K_O_WRONLY ? "O_WRONLY" :
			  (f & K_O_ACCMODE) == K_O_RDWR ? "O_RDWR" : "O_RDONLY";
	size_t i, n, len;

	if (!out)
		return -ENOENT;
	/* Copies, not snprintf: this field is read for every open some rules see. */
	n = strlen(acc);
	memcpy(out, acc, n);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & names[i].bit))
			continue;
		len = strlen(names[i].name);
		out[n++] = '|';
		memcpy(out + n, names[i].name, len);
		n += len;
	}
	out[n] = '\0';
	return str_out(v, out, n);
}

static int path_split(struct saker_str path, bool dir, struct saker_val *v)
{
	const char *slash;

	if (!path.len)
		return -ENOENT;
	slash = memrchr(path.p, '/', path.len);
	if (!slash)
		return dir ? -ENOENT : str_out(v, path.p, path.len);
	if (!dir)
		return str_out(v, slash + 1, path.len - (size_t)(slash + 1 - path.p));
	return str_out(v, path.p, slash == path.p ? 1 : (size_t)(slash - path.p));
}

static int fd_kind_out(const uint8_t *k, int i, struct saker_val *v)
{
	return cstr_out(v, saker_fd_kind_name(k[i]));
}

/* Fields of open records only. */
static int extract_open(struct saker_evctx *cx, unsigned int id, struct saker_val *v)
{
	const struct saker_open *o = cx->ev->open;
	uint32_t acc = o->open_flags & K_O_ACCMODE;
	const char *en;

	switch (id) {
	case F_EVT_RES:
		if (!o->err)
			return cstr_out(v, "SUCCESS");
		en = saker_errno_name(o->err);
		return en ? cstr_out(v, en) : -ENOENT;
	case F_EVT_RAWRES:
		return num_out(v, o->err ? -(int64_t)o->err : o->fd);
	case F_EVT_FAILED:
		return num_out(v, o->err != 0);
	case F_EVT_IS_OPEN_READ:
		return num_out(v, acc == 0 || acc == K_O_RDWR);
	case F_EVT_IS_OPEN_WRITE:
		return num_out(v, acc == K_O_WRONLY || acc == K_O_RDWR);
	case F_EVT_IS_OPEN_EXEC:
		return num_out(v, (o->flags & SAKER_OPEN_EXEC) ||
			       ((o->open_flags & K_O_CREAT) && (o->mode & 0111)));
	case F_EVT_IS_OPEN_CREATE:
		return num_out(v, (o->open_flags & (K_O_CREAT | (K_O_TMPFILE & ~K_O_DIRECTORY))) != 0 ||
			       cx->evtype == SAKER_ET_CREAT);
	case F_EVT_IS_IO_URING:
		return num_out(v, o->call == SAKER_CALL_IO_URING ||
			       (o->task.flags & SAKER_TASK_IO_WORKER));
	case F_EVT_ARG_FLAGS:
		return open_flags_str(cx, o->open_flags, v);
	case F_EVT_ARG_MODE:
		return num_out(v, o->mode);
	case F_FD_NAME:
	case F_FD_NAMERAW:
		return str_out(v, cx->ev->path.p, cx->ev->path.len);
	case F_FD_DIRECTORY:
		return path_split(cx->ev->path, true, v);
	case F_FD_FILENAME:
		return path_split(cx->ev->path, false, v);
	case F_FD_TYPECHAR:
		return cstr_out(v, (o->open_flags & K_O_DIRECTORY) ? "d" : "f");
	case F_FD_TYPE:
		return cstr_out(v, (o->open_flags & K_O_DIRECTORY) ? "directory" : "file");
	case F_FD_NUM:
		if (o->err)
			return num_out(v, -1);
		if (o->flags & SAKER_OPEN_FD_UNKNOWN || o->fd < 0)
			return -ENOENT;
		return num_out(v, o->fd);
	case F_FD_INO:
		return o->err ? -ENOENT : num_out(v, (int64_t)o->ino);
	case F_FD_DEV:
		return o->err ? -ENOENT : num_out(v, o->dev);
	}
	return -ENOENT;
}

static int extract_proc(struct saker_evctx *cx, unsigned int id, int arg,
			const char *sarg, struct saker_val *v)
{
	const struct saker_task *t = cx->ev->task;
	const struct saker_proc *p;
	struct img_view iv;
	const char *ps;
	size_t pn;

	switch (id) {
	case F_PROC_NAME:
		proc_name(cx, &ps, &pn);
		return str_out(v, ps, pn);
	case F_PROC_EXE:
		return cx_image(cx, &iv) ? -ENOENT : argv0(iv.args, v);
	case F_PROC_EXEPATH:
		return cx_image(cx, &iv) ? -ENOENT : str_out(v, iv.exe.p, iv.exe.len);
	case F_PROC_ARGS:
		return cx_image(cx, &iv) ? -ENOENT : join_args(cx, "", 0, iv.args, true, v);
	case F_PROC_CMDLINE:
		if (cx_image(cx, &iv))
			return -ENOENT;
		proc_name(cx, &ps, &pn);
		return join_args(cx, ps, pn, iv.args, true, v);
	case F_PROC_CWD: {
		char *out;

		if (cx_image(cx, &iv) || !iv.cwd.len)
			return -ENOENT;
		if (iv.cwd.p[iv.cwd.len - 1] == '/')
			return str_out(v, iv.cwd.p, iv.cwd.len);
		out = saker_scratch(cx, iv.cwd.len + 2);
		if (!out)
			return -ENOENT;
		memcpy(out, iv.cwd.p, iv.cwd.len);
		out[iv.cwd.len] = '/';
		out[iv.cwd.len + 1] = '\0';
		return str_out(v, out, iv.cwd.len + 1);
	}
	case F_PROC_CGROUP:
		return cx_image(cx, &iv) ? -ENOENT : str_out(v, iv.cgroup.p, iv.cgroup.len);
	case F_PROC_STDIN:
	case F_PROC_STDOUT:
	case F_PROC_STDERR:
		return cx_image(cx, &iv) ? -ENOENT :
		       fd_kind_out(iv.fd_kind, (int)(id - F_PROC_STDIN), v);
	case F_PROC_IS_CONTAINER_ENTRY:
		return cx_image(cx, &iv) ? -ENOENT :
		       num_out(v, !!(iv.exec_flags & SAKER_EXEC_PARENT_OTHER_PIDNS));
	case F_PROC_ARGS_TRUNCATED:
		return cx_image(cx, &iv) ? -ENOENT :
		       num_out(v, !!(iv.exec_flags & SAKER_EXEC_ARGS_TRUNCATED));
	case F_PROC_ENV:
		return cx_image(cx, &iv) ? -ENOENT : env_out(cx, iv.env, sarg, v);
	case F_PROC_ENV_TRUNCATED:
		return cx_image(cx, &iv) ? -ENOENT :
		       num_out(v, !!(iv.exec_flags & SAKER_EXEC_ENV_TRUNCATED));
	case F_PROC_IS_EXE_FROM_MEMFD:
		if (cx_image(cx, &iv))
			return -ENOENT;
		/* The kernel tells; a name alone could be any file's. */
		return num_out(v, !!(iv.exec_flags & SAKER_EXEC_EXE_MEMFD));
	case F_PROC_PNAME:
		p = ancestor(cx, 1);
		return p ? cstr_out(v, p->comm) : -ENOENT;
	case F_PROC_PEXE:
		return proc_image_str(ancestor(cx, 1), 1, v);
	case F_PROC_PEXEPATH:
		return proc_image_str(ancestor(cx, 1), 0, v);
	case F_PROC_PCMDLINE:
		p = ancestor(cx, 1);
		if (!p || !p->img)
			return -ENOENT;
		return join_args(cx, p->comm, strlen(p->comm),
				 (struct saker_str){ p->img->args, p->img->args_len },
				 true, v);
	case F_PROC_ANAME:
	case F_PROC_APID:
	case F_PROC_AEXEPATH:
	case F_PROC_AEXE:
		if (arg < 0)
			return ancestors_list(cx, id, v);
		return anc_value(cx, id, arg, v);
	case F_PROC_SNAME:
		if (t->sid == t->pid)
			return str_out(v, t->comm, comm_len(t->comm));
		p = saker_proctable_get(cx->procs, t->sid);
		return p ? cstr_out(v, p->comm) : -ENOENT;
	case F_PROC_DURATION:
		p = cx_proc(cx);
		if (!p || !p->start_ns || t->ts_ns < p->start_ns)
			return -ENOENT;
		return num_out(v, (int64_t)(t->ts_ns - p->start_ns));
	}
	return -ENOENT;
}

int saker_field_extract(struct saker_evctx *cx, const struct saker_field_def *def,
			int arg, const char *sarg, struct saker_val *v)
{
	const struct saker_event *ev = cx->ev;
	const struct saker_task *t = ev->task;
	struct saker_container_meta *m;
	enum saker_container_type ct;
	const char *s;
	size_t rl, tl;

	memset(v, 0, sizeof(*v));
	switch (def->id) {
	case F_EVT_TYPE:
		return cstr_out(v, saker_evtype_name(cx->evtype));
	case F_EVT_NUM:
		return num_out(v, (int64_t)cx->evnum);
	case F_EVT_TIME:
	case F_EVT_TIME_S:
	case F_EVT_TIME_ISO8601:
	case F_EVT_DATETIME:
	case F_EVT_DATETIME_S:
		return time_str(cx, def->id, v);
	case F_EVT_RAWTIME:
		return num_out(v, (int64_t)ev->time_ns);
	case F_EVT_RAWTIME_S:
		return num_out(v, (int64_t)(ev->time_ns / SAKER_NSEC_PER_SEC));
	case F_EVT_RAWTIME_NS:
		return num_out(v, (int64_t)(ev->time_ns % SAKER_NSEC_PER_SEC));
	case F_EVT_RELTIME:
		return num_out(v, (int64_t)reltime(cx));
	case F_EVT_RELTIME_S:
		return num_out(v, (int64_t)(reltime(cx) / SAKER_NSEC_PER_SEC));
	case F_EVT_RELTIME_NS:
		return num_out(v, (int64_t)(reltime(cx) % SAKER_NSEC_PER_SEC));
	case F_EVT_CPU:
		return num_out(v, t->cpu);
	case F_EVT_DIR:
		return cstr_out(v, "<");
	case F_EVT_SOURCE:
		return cstr_out(v, "syscall");
	case F_EVT_RES:
	case F_EVT_RAWRES:
	case F_EVT_FAILED:
		if (ev->type != SAKER_REC_OPEN) {
			if (def->id == F_EVT_RES)
				return cstr_out(v, "SUCCESS");
			return num_out(v, 0);
		}
		return extract_open(cx, def->id, v);
	case F_EVT_IS_OPEN_READ ... F_EVT_ARG_MODE:
	case F_FD_NAME ... F_FD_DEV:
		if (ev->type != SAKER_REC_OPEN)
			return -ENOENT;
		return extract_open(cx, def->id, v);
	case F_PROC_PID:
		return num_out(v, t->pid);
	case F_PROC_VPID:
		return num_out(v, t->vpid);
	case F_PROC_PPID:
		return num_out(v, t->ppid);
	case F_PROC_SID:
		return num_out(v, t->sid);
	case F_PROC_IS_SID_LEADER:
		return num_out(v, !!(t->flags & SAKER_TASK_SESSION_LEADER));
	case F_PROC_TTY:
		return num_out(v, (t->flags & SAKER_TASK_HAS_TTY) ? t->tty_dev : 0);
	case F_PROC_TTYNAME:
		if (!(t->flags & SAKER_TASK_HAS_TTY) || !t->tty_name[0])
			return -ENOENT;
		return str_out(v, t->tty_name, strnlen(t->tty_name, SAKER_TTY_NAME_MAX));
	case F_PROC_IS_IO_WORKER:
		return num_out(v, !!(t->flags & SAKER_TASK_IO_WORKER));
	case F_PROC_IN_INIT_PIDNS:
		return num_out(v, t->ns[SAKER_NS_PID] == PROC_PID_INIT_INO);
	case F_PROC_NS_MNT ... F_PROC_NS_CGROUP:
		return num_out(v, t->ns[def->id - F_PROC_NS_MNT]);
	case F_PROC_CGROUP_ID:
		if (t->flags & SAKER_TASK_NO_CGROUP)
			return -ENOENT;
		return num_out(v, (int64_t)t->cgroup_id);
	case F_THREAD_TID:
		return num_out(v, t->tid);
	case F_THREAD_VTID:
		return num_out(v, t->vtid);
	case F_USER_UID:
		return num_out(v, t->uid);
	case F_USER_EUID:
		return num_out(v, t->euid);
	case F_USER_NAME:
		s = user_name(t->uid, false);
		return s ? cstr_out(v, s) : -ENOENT;
	case F_USER_LOGINUID:
		return num_out(v, t->loginuid == (uint32_t)-1 ? -1 : (int64_t)t->loginuid);
	case F_USER_LOGINNAME:
		if (t->loginuid == (uint32_t)-1)
			return -ENOENT;
		s = user_name(t->loginuid, false);
		return s ? cstr_out(v, s) : -ENOENT;
	case F_GROUP_GID:
		return num_out(v, t->gid);
	case F_GROUP_NAME:
		s = user_name(t->gid, true);
		return s ? cstr_out(v, s) : -ENOENT;
	case F_CONTAINER_ID:
		return container_id(cx, &s, &ct) ? -ENOENT : cstr_out(v, s);
	case F_CONTAINER_TYPE:
		return container_id(cx, &s, &ct) ? -ENOENT :
		       cstr_out(v, saker_container_type_name(ct));
	case F_CONTAINER_NAME:
		return meta(cx, &m) ? -ENOENT : meta_str(m->name, v);
	case F_CONTAINER_IMAGE:
		return meta(cx, &m) ? -ENOENT : meta_str(m->image, v);
	case F_CONTAINER_IMAGE_REPOSITORY:
	case F_CONTAINER_IMAGE_TAG:
		if (meta(cx, &m) || !m->image)
			return -ENOENT;
		saker_image_split(m->image, &rl, &s, &tl);
		if (def->id == F_CONTAINER_IMAGE_REPOSITORY)
			return str_out(v, m->image, rl);
		return tl ? str_out(v, s, tl) : -ENOENT;
	case F_CONTAINER_PRIVILEGED:
		if (meta(cx, &m) || !m->privileged_known)
			return -ENOENT;
		return num_out(v, m->privileged);
	case F_CONTAINER_MOUNTS ... F_CONTAINER_MOUNT_PROPAGATION:
		return mount_out(cx, def->id, sarg, v);
	case F_K8S_NS_NAME:
		return meta(cx, &m) ? -ENOENT : meta_str(m->k8s_ns, v);
	case F_K8S_POD_NAME:
		return meta(cx, &m) ? -ENOENT : meta_str(m->k8s_pod, v);
	case F_UNAVAILABLE:
		return -ENOENT;
	default:
		return extract_proc(cx, def->id, arg, sarg, v);
	}
}
