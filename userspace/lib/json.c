// SPDX-License-Identifier: GPL-2.0
/*
 * Event -> JSON. Key names and order are the contract in
 * docs/conventions.md; the byte escaping is described in json.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "json.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		len = 4;
	else
		return 0;
	/* Second-byte limits exclude overlongs, surrogates and > U+10FFFF. */
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

json_t *saker_json_bytes(const char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, o = 0, n;
	json_t *j;
	char *buf;

	while (i < len && (n = utf8_seq_len(s + i, len - i)))
		i += n;
	if (i == len)
		return json_stringn(p, len);
	/* Worst case: every byte becomes four characters. */
	buf = malloc(len * 4 + 1);
	if (!buf)
		return NULL;
	memcpy(buf, p, i);
	o = i;
	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (n) {
			memcpy(buf + o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[s[i] >> 4];
		buf[o++] = hex[s[i] & 0xf];
		i++;
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *str_view(struct saker_str s)
{
	return saker_json_bytes(s.p, s.len);
}

/* A fixed-size char array from the record: NUL-padded, bounded. */
static json_t *char_array(const char *a, size_t size)
{
	return saker_json_bytes(a, strnlen(a, size));
}

/* Adds key; a NULL value (allocation failure) marks the object bad. */
static void put(json_t *o, const char *key, json_t *v, bool *bad)
{
	if (json_object_set_new(o, key, v))
		*bad = true;
}

static json_t *ns_object(const uint32_t *ns)
{
	static const char *const names[SAKER_NS_COUNT] = {
		[SAKER_NS_MNT] = "mnt",
		[SAKER_NS_PID] = "pid",
		[SAKER_NS_NET] = "net",
		[SAKER_NS_UTS] = "uts",
		[SAKER_NS_IPC] = "ipc",
		[SAKER_NS_USER] = "user",
		[SAKER_NS_CGROUP] = "cgroup",
	};
	json_t *o = json_object();
	bool bad = false;
	int i;

	if (!o)
		return NULL;
	for (i = 0; i < SAKER_NS_COUNT; i++)
		put(o, names[i], json_integer(ns[i]), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void put_task(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_task *t = ev->task;
	bool has_tty = t->flags & SAKER_TASK_HAS_TTY;

	put(o, "type", str_or_null(saker_rec_type_name(ev->type)), bad);
	put(o, "ts", json_integer((json_int_t)t->ts_ns), bad);
	/* Only once a dispatcher gave the event a wall-clock time. */
	if (ev->time_ns)
		put(o, "time", json_integer((json_int_t)ev->time_ns), bad);
	put(o, "cpu", json_integer(t->cpu), bad);
	put(o, "tid", json_integer(t->tid), bad);
	put(o, "pid", json_integer(t->pid), bad);
	put(o, "ppid", json_integer(t->ppid), bad);
	put(o, "vtid", json_integer(t->vtid), bad);
	put(o, "vpid", json_integer(t->vpid), bad);
	put(o, "sid", json_integer(t->sid), bad);
	put(o, "session_leader",
	    json_boolean(t->flags & SAKER_TASK_SESSION_LEADER), bad);
	put(o, "uid", json_integer(t->uid), bad);
	put(o, "gid", json_integer(t->gid), bad);
	put(o, "euid", json_integer(t->euid), bad);
	put(o, "egid", json_integer(t->egid), bad);
	put(o, "loginuid", json_integer(t->loginuid == (__u32)-1 ? -1 :
					(json_int_t)t->loginuid), bad);
	put(o, "tty_dev", json_integer(has_tty ? t->tty_dev : 0), bad);
	put(o, "tty", has_tty ? char_array(t->tty_name, sizeof(t->tty_name)) :
				json_null(), bad);
	put(o, "io_worker", json_boolean(t->flags & SAKER_TASK_IO_WORKER), bad);
	put(o, "compat", json_boolean(t->flags & SAKER_TASK_COMPAT), bad);
	put(o, "ns", ns_object(t->ns), bad);
	put(o, "cgroup_id", json_integer((json_int_t)t->cgroup_id), bad);
	put(o, "comm", char_array(t->comm, sizeof(t->comm)), bad);
}

/* argv or envp as an array: each item ends with a NUL (checked by decode). */
static json_t *args_array(struct saker_str args)
{
	json_t *a = json_array();
	size_t i, start = 0;

	if (!a)
		return NULL;
	for (i = 0; i <= args.len; i++) {
		if (i < args.len && args.p[i])
			continue;
		/* The end of the buffer closes a last argument only if one began. */
		if (i == args.len && start == args.len)
			break;
		if (json_array_append_new(a, saker_json_bytes(args.p + start,
							      i - start))) {
			json_decref(a);
			return NULL;
		}
		start = i + 1;
	}
	return a;
}

static void put_exec(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_exec *x = ev->exec;

	put(o, "syscall", str_or_null(saker_call_name(x->call)), bad);
	put(o, "filename", str_view(ev->filename), bad);
	put(o, "exe", str_view(ev->exe), bad);
	put(o, "args", args_array(ev->args), bad);
	put(o, "args_truncated",
	    json_boolean(x->flags & SAKER_EXEC_ARGS_TRUNCATED), bad);
	put(o, "cwd", str_view(ev->cwd), bad);
	put(o, "cgroup", str_view(ev->cgroup), bad);
	put(o, "env", args_array(ev->env), bad);
	put(o, "env_truncated",
	    json_boolean(x->flags & SAKER_EXEC_ENV_TRUNCATED), bad);
	put(o, "filename_truncated",
	    json_boolean(x->flags & SAKER_EXEC_FILENAME_TRUNCATED), bad);
	put(o, "exe_truncated",
	    json_boolean(x->flags & SAKER_EXEC_EXE_TRUNCATED), bad);
	put(o, "cwd_truncated",
	    json_boolean(x->flags & SAKER_EXEC_CWD_TRUNCATED), bad);
	put(o, "cgroup_truncated",
	    json_boolean(x->flags & SAKER_EXEC_CGROUP_TRUNCATED), bad);
	put(o, "exe_deleted", json_boolean(x->flags & SAKER_EXEC_EXE_DELETED), bad);
	put(o, "exe_memfd", json_boolean(x->flags & SAKER_EXEC_EXE_MEMFD), bad);
	put(o, "exe_ino", json_integer((json_int_t)x->exe_ino), bad);
	put(o, "exe_dev", json_integer(x->exe_dev), bad);
	put(o, "exe_nlink", json_integer(x->exe_nlink), bad);
	put(o, "parent_other_pidns",
	    json_boolean(x->flags & SAKER_EXEC_PARENT_OTHER_PIDNS), bad);
	put(o, "stdin", json_string(saker_fd_kind_name(x->fd_kind[0])), bad);
	put(o, "stdout", json_string(saker_fd_kind_name(x->fd_kind[1])), bad);
	put(o, "stderr", json_string(saker_fd_kind_name(x->fd_kind[2])), bad);
}

static void put_open(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_open *op = ev->open;
	bool fd_known = op->fd >= 0 && !(op->flags & SAKER_OPEN_FD_UNKNOWN);

	put(o, "syscall", str_or_null(saker_call_name(op->call)), bad);
	put(o, "path", str_view(ev->path), bad);
	put(o, "fd", fd_known ? json_integer(op->fd) : json_null(), bad);
	put(o, "errno", json_integer(op->err), bad);
	put(o, "errname", str_or_null(saker_errno_name(op->err)), bad);
	put(o, "flags", json_integer(op->open_flags), bad);
	put(o, "mode", json_integer(op->mode), bad);
	put(o, "is_exec", json_boolean(op->flags & SAKER_OPEN_EXEC), bad);
	put(o, "path_from_name",
	    json_boolean(op->flags & SAKER_OPEN_PATH_NAME), bad);
	put(o, "path_truncated",
	    json_boolean(op->flags & SAKER_OPEN_PATH_TRUNCATED), bad);
	put(o, "created", json_boolean(op->flags & SAKER_OPEN_CREATED), bad);
	put(o, "ino", json_integer((json_int_t)op->ino), bad);
	put(o, "dev", json_integer(op->dev), bad);
}

/*
 * "syscall" and "syscall_nr" of the records that name their call: the call
 * says exec, the native number names the rest (ia32's table is not here).
 */
static void put_syscall(json_t *o, const struct saker_event *ev, unsigned int call,
			int nr, bool *bad)
{
	const char *name = saker_call_name(call);

	if (!name && !(ev->task->flags & SAKER_TASK_COMPAT))
		name = saker_syscall_name(nr);
	put(o, "syscall", str_or_null(name), bad);
	put(o, "syscall_nr", json_integer(nr), bad);
}

static json_t *ids_object(const struct saker_ids *i)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "uid", (json_int_t)i->uid, "euid", (json_int_t)i->euid,
			 "suid", (json_int_t)i->suid, "fsuid", (json_int_t)i->fsuid,
			 "gid", (json_int_t)i->gid, "egid", (json_int_t)i->egid,
			 "sgid", (json_int_t)i->sgid, "fsgid", (json_int_t)i->fsgid,
			 "cap_effective", (json_int_t)i->cap_effective,
			 "cap_permitted", (json_int_t)i->cap_permitted,
			 "cap_inheritable", (json_int_t)i->cap_inheritable,
			 "cap_ambient", (json_int_t)i->cap_ambient,
			 "securebits", (json_int_t)i->securebits,
			 "userns", (json_int_t)i->userns);
}

static void put_cred(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_cred *c = ev->cred;

	put_syscall(o, ev, c->call, c->syscall_nr, bad);
	put(o, "old", ids_object(&c->old), bad);
	put(o, "new", ids_object(&c->new), bad);
}

static void put_load(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_load *l = ev->load;
	bool from_file = l->flags & SAKER_LOAD_FROM_FILE;

	put_syscall(o, ev, l->call, l->syscall_nr, bad);
	put(o, "what", str_or_null(saker_load_what_name(l->what)), bad);
	put(o, "path", from_file ? str_view(ev->path) : json_null(), bad);
	put(o, "path_truncated", json_boolean(l->flags & SAKER_LOAD_PATH_TRUNCATED), bad);
	put(o, "ino", json_integer((json_int_t)l->ino), bad);
	put(o, "dev", json_integer(l->dev), bad);
}

static void put_nschange(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_nschange *x = ev->nschange;

	put_syscall(o, ev, x->call, x->syscall_nr, bad);
	put(o, "new_ns", ns_object(x->ns), bad);
	put(o, "pid_children_was", json_integer(x->pid_children_was), bad);
}

static void put_ptrace(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_ptrace *x = ev->ptrace;

	put_syscall(o, ev, x->call, x->syscall_nr, bad);
	put(o, "request", x->request >= 0 ? json_integer(x->request) : json_null(), bad);
	put(o, "target_pid", json_integer(x->target_pid), bad);
	put(o, "target_tid", json_integer(x->target_tid), bad);
	put(o, "target_euid", json_integer(x->target_euid), bad);
	put(o, "target_comm", char_array(x->target_comm, sizeof(x->target_comm)), bad);
	put(o, "realcreds", json_boolean(x->flags & SAKER_PTRACE_REALCREDS), bad);
}

static void put_fschange(json_t *o, const struct saker_event *ev, bool *bad)
{
	const struct saker_fschange *x = ev->fschange;
	bool two = x->op == SAKER_FSOP_RENAME || x->op == SAKER_FSOP_LINK ||
		   x->op == SAKER_FSOP_SYMLINK;

	put_syscall(o, ev, x->call, x->syscall_nr, bad);
	put(o, "op", str_or_null(saker_fsop_name(x->op)), bad);
	put(o, "path", str_view(ev->path), bad);
	put(o, "path2", two ? str_view(ev->path2) : json_null(), bad);
	put(o, "path_truncated", json_boolean(x->flags & SAKER_FS_PATH_TRUNCATED), bad);
	put(o, "path2_truncated", json_boolean(x->flags & SAKER_FS_PATH2_TRUNCATED), bad);
	put(o, "mode", json_integer(x->mode), bad);
	put(o, "new_uid", x->uid != UINT32_MAX ? json_integer(x->uid) : json_null(), bad);
	put(o, "new_gid", x->gid != UINT32_MAX ? json_integer(x->gid) : json_null(), bad);
	put(o, "ino", json_integer((json_int_t)x->ino), bad);
	put(o, "exchange", json_boolean(x->flags & SAKER_FS_EXCHANGE), bad);
	put(o, "noreplace", json_boolean(x->flags & SAKER_FS_NOREPLACE), bad);
}

json_t *saker_json_event(const struct saker_event *ev)
{
	json_t *o = json_object();
	bool bad = false;

	if (!o)
		return NULL;
	put_task(o, ev, &bad);
	switch (ev->type) {
	case SAKER_REC_EXEC:
		put_exec(o, ev, &bad);
		break;
	case SAKER_REC_OPEN:
		put_open(o, ev, &bad);
		break;
	case SAKER_REC_FORK:
		put(o, "parent_tid", json_integer(ev->fork->parent_tid), &bad);
		put(o, "thread",
		    json_boolean(ev->fork->flags & SAKER_FORK_THREAD), &bad);
		break;
	case SAKER_REC_EXIT:
		put(o, "exit_code", json_integer(ev->exit->exit_code), &bad);
		put(o, "group_dead",
		    json_boolean(ev->exit->flags & SAKER_EXIT_GROUP_DEAD), &bad);
		break;
	case SAKER_REC_CRED:
		put_cred(o, ev, &bad);
		break;
	case SAKER_REC_LOAD:
		put_load(o, ev, &bad);
		break;
	case SAKER_REC_NSCHANGE:
		put_nschange(o, ev, &bad);
		break;
	case SAKER_REC_PTRACE:
		put_ptrace(o, ev, &bad);
		break;
	case SAKER_REC_FSCHANGE:
		put_fschange(o, ev, &bad);
		break;
	default:
		break;
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *ring_object(uint32_t i, const struct saker_ring_counters *c)
{
	json_t *o = json_object();
	bool bad = false;

	if (!o)
		return NULL;
	put(o, "ring", json_integer(i), &bad);
	put(o, "events", json_integer((json_int_t)c->events), &bad);
	put(o, "drops_full", json_integer((json_int_t)c->drops_full), &bad);
	put(o, "drops_fault", json_integer((json_int_t)c->drops_fault), &bad);
	put(o, "reentries", json_integer((json_int_t)c->reentries), &bad);
	put(o, "drops_share", json_integer((json_int_t)c->drops_share), &bad);
	put(o, "filtered", json_integer((json_int_t)c->filtered), &bad);
	put(o, "ignored", json_integer((json_int_t)c->ignored), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *saker_json_stats(const struct saker_stats *st)
{
	json_t *o = json_object(), *rings = json_array();
	bool bad = !o || !rings;
	uint32_t i;

	for (i = 0; !bad && i < st->nr_rings; i++)
		bad = json_array_append_new(rings, ring_object(i, &st->rings[i]));
	if (bad) {
		json_decref(rings);
		json_decref(o);
		return NULL;
	}
	put(o, "type", json_string("stats"), &bad);
	put(o, "rings", rings, &bad);
	put(o, "open_missed", json_integer((json_int_t)st->open_missed), &bad);
	put(o, "records", json_integer((json_int_t)st->records), &bad);
	put(o, "corrupt", json_integer((json_int_t)st->corrupt), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int saker_json_print(FILE *f, const json_t *j)
{
	if (json_dumpf(j, f, SAKER_JSON_FLAGS) || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}
