// SPDX-License-Identifier: GPL-2.0
/*
 * JSON-lines events (docs/conventions.md, "sakerctl trace JSON") back into
 * ring records, so a replay runs the very decoder and extractors a live
 * daemon runs. Missing keys (and nulls) read as zero/empty; a key of the
 * wrong type or out of range is an error naming it, never a silent zero.
 * An optional "container" object {"id","name","image","namespace","pod",
 * "privileged","mounts"} feeds the metadata store; an optional "time"
 * (wall-clock ns, as sakerctl trace writes it) is handed back beside the
 * record, which has no room for it.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/container_id.h"
#include "lib/decode.h"
#include "lib/dict.h"
#include "lib/errbuf.h"
#include "replay.h"
#include "track/mounts.h"

/* ---- container metadata store ---- */

struct meta_ent {
	char *name, *image, *ns, *pod;
	struct saker_mounts mounts;
	bool privileged_known, privileged;
};

struct saker_meta_store {
	struct saker_dict *by_id;	/* container id -> struct meta_ent */
};

static void ent_free(void *p)
{
	struct meta_ent *m = p;

	free(m->name);
	free(m->image);
	free(m->ns);
	free(m->pod);
	saker_mounts_free(&m->mounts);
	free(m);
}

struct saker_meta_store *saker_meta_store_new(void)
{
	struct saker_meta_store *ms = calloc(1, sizeof(*ms));

	if (!ms)
		return NULL;
	ms->by_id = saker_dict_new(ent_free);
	if (!ms->by_id)
		goto free_ms;
	return ms;
free_ms:
	free(ms);
	return NULL;
}

void saker_meta_store_free(struct saker_meta_store *ms)
{
	if (!ms)
		return;
	saker_dict_free(ms->by_id);
	free(ms);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int saker_meta_store_put(struct saker_meta_store *ms, const char *id,
			 const struct saker_container_meta *md)
{
	size_t len = strnlen(id, SAKER_CONTAINER_ID_LEN);
	struct meta_ent *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->name = dup_or_null(md->name);
	m->image = dup_or_null(md->image);
	m->ns = dup_or_null(md->k8s_ns);
	m->pod = dup_or_null(md->k8s_pod);
	m->privileged_known = md->privileged_known;
	m->privileged = md->privileged;
	if (saker_mounts_dup(md->mounts, md->nmounts, &m->mounts)) {
		ent_free(m);
		return -ENOMEM;
	}
	/* Replaces (and frees) an older entry of the same id. */
	if (saker_dict_putn(ms->by_id, id, len, m)) {
		ent_free(m);
		return -ENOMEM;
	}
	return 0;
}

static int store_lookup(void *ctx, const char *id, struct saker_container_meta *out)
{
	struct saker_meta_store *ms = ctx;
	const struct meta_ent *m = saker_dict_get(ms->by_id, id);

	if (!m)
		return -ENOENT;
	*out = (struct saker_container_meta){
		.name = m->name, .image = m->image, .k8s_ns = m->ns, .k8s_pod = m->pod,
		.mounts = m->mounts.v, .nmounts = m->mounts.n,
		.privileged_known = m->privileged_known, .privileged = m->privileged,
	};
	return 0;
}

void saker_meta_store_provider(struct saker_meta_store *ms,
			       struct saker_meta_provider *out)
{
	out->ctx = ms;
	out->lookup = store_lookup;
}

/* ---- JSON -> record ---- */

/*
 * A line being read: the first key of a wrong type or out of range is the
 * line's error (later ones are not looked at), so nothing reads as zero
 * without saying so.
 */
struct jline {
	char *err;
	size_t errlen;
	bool bad;
	const char *in;		/* "ns." while in "ns": keys are named in full */
};

static const char *jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static void type_err(struct jline *l, const char *key, const char *want,
		     const json_t *v)
{
	if (!l->bad)
		saker_set_err(l->err, l->errlen, "\"%s%s\": expected %s, got %s", l->in,
			      key, want, jtype(v));
	l->bad = true;
}

/* The key's value; null reads as a missing key (the trace writes nulls). */
static json_t *jget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

/* An integer in min..max, or def when missing. */
static int64_t jint(struct jline *l, json_t *o, const char *key, int64_t min,
		    int64_t max, int64_t def)
{
	json_t *v = jget(o, key);
	json_int_t n;

	if (!v)
		return def;
	if (!json_is_integer(v)) {
		type_err(l, key, "an integer", v);
		return def;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		if (!l->bad)
			saker_set_err(l->err, l->errlen, "\"%s%s\": %lld is out of range (%lld..%lld)",
				      l->in, key, (long long)n, (long long)min, (long long)max);
		l->bad = true;
		return def;
	}
	return n;
}

static uint32_t ju32(struct jline *l, json_t *o, const char *key)
{
	return (uint32_t)jint(l, o, key, 0, UINT32_MAX, 0);
}

static int32_t ji32(struct jline *l, json_t *o, const char *key)
{
	return (int32_t)jint(l, o, key, INT32_MIN, INT32_MAX, 0);
}

/* 64-bit values above INT64_MAX are written negative (a json_int_t). */
static uint64_t ju64(struct jline *l, json_t *o, const char *key)
{
	return (uint64_t)jint(l, o, key, INT64_MIN, INT64_MAX, 0);
}

/* The "ns" object's keys, in the task block's order. */
static const char *const saker_ns_keys[SAKER_NS_COUNT] = { "mnt", "pid", "net", "uts",
							   "ipc", "user", "cgroup" };

/* The largest fixed part: cleared before any record is filled. */
#define FIXED_MAX (sizeof(struct saker_cred) > sizeof(struct saker_exec) ? \
		   sizeof(struct saker_cred) : sizeof(struct saker_exec))
_Static_assert(sizeof(struct saker_load) <= FIXED_MAX && sizeof(struct saker_nschange) <= FIXED_MAX &&
	       sizeof(struct saker_ptrace) <= FIXED_MAX && sizeof(struct saker_fschange) <= FIXED_MAX,
	       "every fixed part fits the cleared part");

/* A credential record's "old" or "new" object; missing: all zero. */
static void fill_ids(struct jline *l, json_t *o, const char *key, struct saker_ids *ids)
{
	json_t *v = jget(o, key);

	if (!v)
		return;
	if (!json_is_object(v)) {
		type_err(l, key, "an object", v);
		return;
	}
	ids->uid = ju32(l, v, "uid");
	ids->euid = ju32(l, v, "euid");
	ids->suid = ju32(l, v, "suid");
	ids->fsuid = ju32(l, v, "fsuid");
	ids->gid = ju32(l, v, "gid");
	ids->egid = ju32(l, v, "egid");
	ids->sgid = ju32(l, v, "sgid");
	ids->fsgid = ju32(l, v, "fsgid");
	ids->cap_effective = ju64(l, v, "cap_effective");
	ids->cap_permitted = ju64(l, v, "cap_permitted");
	ids->cap_inheritable = ju64(l, v, "cap_inheritable");
	ids->cap_ambient = ju64(l, v, "cap_ambient");
	ids->securebits = ju32(l, v, "securebits");
	ids->userns = ju32(l, v, "userns");
}

static bool jbool(struct jline *l, json_t *o, const char *key)
{
	json_t *v = jget(o, key);

	if (v && !json_is_boolean(v))
		type_err(l, key, "true or false", v);
	return json_is_true(v);
}

static const char *jstr(struct jline *l, json_t *o, const char *key)
{
	json_t *v = jget(o, key);

	if (v && !json_is_string(v)) {
		type_err(l, key, "a string", v);
		return NULL;
	}
	return json_string_value(v);
}

/* An object (or missing: NULL). */
static json_t *jobj(struct jline *l, json_t *o, const char *key)
{
	json_t *v = jget(o, key);

	if (v && !json_is_object(v)) {
		type_err(l, key, "an object", v);
		return NULL;
	}
	return v;
}

static int syscall_nr(const char *name)
{
	int nr;

	if (!name)
		return -1;
	for (nr = 0; nr < SAKER_SYSCALL_NR_LIMIT; nr++) {
		const char *n = saker_syscall_name(nr);

		if (n && !strcmp(n, name))
			return nr;
	}
	return -1;
}

/* The arch-neutral call the JSON "syscall" name stands for. */
static uint16_t call_of(const char *name)
{
	unsigned int c;

	if (!name)
		return SAKER_CALL_NONE;
	for (c = 0; c < SAKER_CALL_MAX; c++) {
		const char *n = saker_call_name(c);

		if (n && !strcmp(n, name))
			return (uint16_t)c;
	}
	return SAKER_CALL_OTHER;
}

/*
 * "syscall" and "syscall_nr" of the records that carry both: the number as
 * written (it names calls of either ABI), else the native one of the name.
 */
static void read_syscall(struct jline *l, json_t *o, int32_t *nr, uint16_t *call)
{
	const char *sc = jstr(l, o, "syscall");

	*nr = jget(o, "syscall_nr") ? ji32(l, o, "syscall_nr") : syscall_nr(sc);
	*call = call_of(sc);
}

static uint8_t fd_kind(struct jline *l, json_t *o, const char *key)
{
	const char *s = jstr(l, o, key);
	unsigned int i;

	if (!s)
		return SAKER_FD_NONE;
	for (i = 0; i <= SAKER_FD_UNIX; i++)
		if (!strcmp(s, saker_fd_kind_name(i)))
			return (uint8_t)i;
	if (!l->bad)
		saker_set_err(l->err, l->errlen,
			      "\"%s%s\": unknown kind '%s' (none, tty, pipe, socket, unix, file, other)",
			      l->in, key, s);
	l->bad = true;
	return SAKER_FD_NONE;
}

static void fill_task(struct jline *l, json_t *o, struct saker_task *t)
{
	json_t *ns = jobj(l, o, "ns");
	const char *s;
	int i;

	t->ts_ns = ju64(l, o, "ts");
	t->cgroup_id = ju64(l, o, "cgroup_id");
	if (!jget(o, "cgroup_id"))
		t->flags |= SAKER_TASK_NO_CGROUP;
	t->cpu = ju32(l, o, "cpu");
	t->pid = ju32(l, o, "pid");
	t->tid = jget(o, "tid") ? ju32(l, o, "tid") : t->pid;
	t->ppid = ju32(l, o, "ppid");
	t->vpid = ju32(l, o, "vpid");
	t->vtid = jget(o, "vtid") ? ju32(l, o, "vtid") : t->vpid;
	t->sid = ju32(l, o, "sid");
	t->uid = ju32(l, o, "uid");
	t->gid = ju32(l, o, "gid");
	t->euid = ju32(l, o, "euid");
	t->egid = ju32(l, o, "egid");
	/* -1 (unset) as the trace writes it, or the raw 4294967295. */
	t->loginuid = (uint32_t)jint(l, o, "loginuid", -1, UINT32_MAX, -1);
	t->tty_dev = ju32(l, o, "tty_dev");
	if (jbool(l, o, "session_leader"))
		t->flags |= SAKER_TASK_SESSION_LEADER;
	if (jbool(l, o, "io_worker"))
		t->flags |= SAKER_TASK_IO_WORKER;
	s = jstr(l, o, "tty");
	if (t->tty_dev || s) {
		t->flags |= SAKER_TASK_HAS_TTY;
		if (s)
			snprintf(t->tty_name, sizeof(t->tty_name), "%s", s);
	}
	l->in = "ns.";
	for (i = 0; ns && i < SAKER_NS_COUNT; i++)
		t->ns[i] = ju32(l, ns, saker_ns_keys[i]);
	l->in = "";
	s = jstr(l, o, "comm");
	if (s)
		snprintf(t->comm, sizeof(t->comm), "%s", s);
}

struct rbuf {
	char *p;
	size_t len, size;
};

static int put(struct rbuf *b, const void *s, size_t n)
{
	if (b->len + n > b->size)
		return -ENOSPC;
	if (!n)		/* s may be NULL then: memcpy wants a pointer anyway */
		return 0;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static uint16_t put_str(struct rbuf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n > max)
		n = max;
	if (put(b, s, n))
		return 0;
	return (uint16_t)n;
}

/* args or env: an array of strings, each stored NUL-terminated. */
static uint16_t put_strv(struct jline *l, struct rbuf *b, json_t *o, const char *key,
			 size_t max, uint32_t *argc)
{
	json_t *args = jget(o, key);
	size_t i, start = b->len;

	*argc = 0;
	if (args && !json_is_array(args)) {
		type_err(l, key, "an array of strings", args);
		return 0;
	}
	for (i = 0; i < json_array_size(args); i++) {
		json_t *v = json_array_get(args, i);
		const char *a = json_string_value(v);
		size_t n = a ? strlen(a) : 0;

		if (!a) {
			type_err(l, key, "an array of strings", v);
			break;
		}
		if (b->len - start + n + 1 > max)
			break;
		if (put(b, a, n) || put(b, "", 1))
			break;
		(*argc)++;
	}
	return (uint16_t)(b->len - start);
}

static void store_meta(struct jline *l, json_t *o, struct saker_meta_store *ms)
{
	json_t *c = jobj(l, o, "container");
	const char *cg = jstr(l, o, "cgroup");
	char id[SAKER_CONTAINER_ID_LEN + 1];
	struct saker_mounts mounts = { 0 };
	struct saker_container_meta m;
	enum saker_container_type t;
	const char *jid;

	if (!c)
		return;
	l->in = "container.";
	jid = jstr(l, c, "id");
	m = (struct saker_container_meta){
		.name = jstr(l, c, "name"), .image = jstr(l, c, "image"),
		.k8s_ns = jstr(l, c, "namespace"), .k8s_pod = jstr(l, c, "pod"),
		.privileged_known = jget(c, "privileged") != NULL,
		.privileged = jbool(l, c, "privileged"),
	};
	l->in = "";
	if (!ms || l->bad)
		return;
	if (jid)
		snprintf(id, sizeof(id), "%s", jid);
	else if (!cg || saker_container_id_parse(cg, strlen(cg), id, &t))
		return;
	if (!saker_mounts_from_json(json_object_get(c, "mounts"), &mounts)) {
		m.mounts = mounts.v;
		m.nmounts = mounts.n;
		saker_meta_store_put(ms, id, &m);
	}
	saker_mounts_free(&mounts);
}

/* The exec flags sakerctl trace writes as booleans (docs/conventions.md). */
static uint32_t exec_flags(struct jline *l, json_t *o)
{
	static const struct {
		const char *key;
		uint32_t flag;
	} keys[] = {
		{ "args_truncated", SAKER_EXEC_ARGS_TRUNCATED },
		{ "filename_truncated", SAKER_EXEC_FILENAME_TRUNCATED },
		{ "exe_truncated", SAKER_EXEC_EXE_TRUNCATED },
		{ "cwd_truncated", SAKER_EXEC_CWD_TRUNCATED },
		{ "cgroup_truncated", SAKER_EXEC_CGROUP_TRUNCATED },
		{ "exe_deleted", SAKER_EXEC_EXE_DELETED },
		{ "exe_memfd", SAKER_EXEC_EXE_MEMFD },
		{ "env_truncated", SAKER_EXEC_ENV_TRUNCATED },
		{ "parent_other_pidns", SAKER_EXEC_PARENT_OTHER_PIDNS },
	};
	uint32_t f = 0;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (jbool(l, o, keys[i].key))
			f |= keys[i].flag;
	return f;
}

long saker_json_to_record(const char *line, size_t len, void *buf, size_t size,
			  struct saker_meta_store *ms, char *err, size_t errlen)
{
	return saker_json_to_record_time(line, len, buf, size, ms, NULL, err, errlen);
}

long saker_json_to_record_time(const char *line, size_t len, void *buf,
			       size_t size, struct saker_meta_store *ms,
			       uint64_t *time_ns, char *err, size_t errlen)
{
	struct jline l = { err, errlen, false, "" };
	struct rbuf b = { buf, 0, size };
	struct saker_rec_hdr *h = buf;
	json_error_t jerr;
	const char *type, *sc;
	json_t *o;
	long ret = -EINVAL;

	saker_set_err(err, errlen, "%s", "");
	if (time_ns)
		*time_ns = 0;
	o = json_loadb(line, len, 0, &jerr);
	if (!o) {
		/* jansson's own reason; the caller knows the line. */
		saker_set_err(err, errlen, "invalid JSON at column %d: %s", jerr.column,
			      jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(o)) {
		saker_set_err(err, errlen, "expected a JSON object, got %s", jtype(o));
		goto put_o;
	}
	type = jstr(&l, o, "type");
	if (l.bad)
		goto put_o;
	if (!type) {
		saker_set_err(err, errlen, "no \"type\"");
		goto put_o;
	}
	if (size < sizeof(*h) + FIXED_MAX + 8) {
		saker_set_err(err, errlen, "buffer too small");
		goto put_o;
	}
	memset(buf, 0, sizeof(*h) + FIXED_MAX);
	b.len = sizeof(*h);
	if (!strcmp(type, "exec")) {
		struct saker_exec *x = (void *)(b.p + b.len);
		uint32_t envc;

		h->type = SAKER_REC_EXEC;
		h->body_len = sizeof(*x);
		fill_task(&l, o, &x->task);
		sc = jstr(&l, o, "syscall");
		x->syscall_nr = syscall_nr(sc);
		x->call = call_of(sc);
		x->flags |= exec_flags(&l, o);
		x->exe_ino = ju64(&l, o, "exe_ino");
		x->exe_dev = ju32(&l, o, "exe_dev");
		x->exe_nlink = ju32(&l, o, "exe_nlink");
		x->fd_kind[0] = fd_kind(&l, o, "stdin");
		x->fd_kind[1] = fd_kind(&l, o, "stdout");
		x->fd_kind[2] = fd_kind(&l, o, "stderr");
		b.len += sizeof(*x);
		x->filename_len = put_str(&b, jstr(&l, o, "filename"), SAKER_PATH_MAX);
		x->exe_len = put_str(&b, jstr(&l, o, "exe"), SAKER_PATH_MAX);
		x->args_len = put_strv(&l, &b, o, "args", SAKER_ARGS_MAX, &x->argc);
		x->cwd_len = put_str(&b, jstr(&l, o, "cwd"), SAKER_PATH_MAX);
		x->cgroup_len = put_str(&b, jstr(&l, o, "cgroup"), SAKER_PATH_MAX);
		x->env_len = put_strv(&l, &b, o, "env", SAKER_ENV_MAX, &envc);
		x->envc = (uint16_t)envc;
		store_meta(&l, o, ms);
	} else if (!strcmp(type, "open")) {
		struct saker_open *op = (void *)(b.p + b.len);
		bool fd_known = jget(o, "fd") != NULL;

		h->type = SAKER_REC_OPEN;
		h->body_len = sizeof(*op);
		fill_task(&l, o, &op->task);
		sc = jstr(&l, o, "syscall");
		op->syscall_nr = syscall_nr(sc);
		op->call = call_of(sc);
		op->err = ji32(&l, o, "errno");
		op->fd = fd_known ? ji32(&l, o, "fd") : -1;
		if (!op->err && !fd_known)
			op->flags |= SAKER_OPEN_FD_UNKNOWN;
		op->open_flags = ju32(&l, o, "flags");
		op->mode = ju32(&l, o, "mode");
		op->ino = ju64(&l, o, "ino");
		op->dev = ju32(&l, o, "dev");
		if (jbool(&l, o, "is_exec"))
			op->flags |= SAKER_OPEN_EXEC;
		if (jbool(&l, o, "path_from_name"))
			op->flags |= SAKER_OPEN_PATH_NAME;
		if (jbool(&l, o, "path_truncated"))
			op->flags |= SAKER_OPEN_PATH_TRUNCATED;
		if (jbool(&l, o, "created"))
			op->flags |= SAKER_OPEN_CREATED;
		b.len += sizeof(*op);
		op->path_len = put_str(&b, jstr(&l, o, "path"), SAKER_PATH_MAX);
	} else if (!strcmp(type, "fork")) {
		struct saker_fork *f = (void *)(b.p + b.len);

		h->type = SAKER_REC_FORK;
		h->body_len = sizeof(*f);
		fill_task(&l, o, &f->task);
		f->parent_tid = ju32(&l, o, "parent_tid");
		if (jbool(&l, o, "thread"))
			f->flags |= SAKER_FORK_THREAD;
		b.len += sizeof(*f);
	} else if (!strcmp(type, "exit")) {
		struct saker_exit *x = (void *)(b.p + b.len);

		h->type = SAKER_REC_EXIT;
		h->body_len = sizeof(*x);
		fill_task(&l, o, &x->task);
		x->exit_code = ji32(&l, o, "exit_code");
		if (jbool(&l, o, "group_dead"))
			x->flags |= SAKER_EXIT_GROUP_DEAD;
		b.len += sizeof(*x);
	} else if (!strcmp(type, "cred")) {
		struct saker_cred *c = (void *)(b.p + b.len);

		h->type = SAKER_REC_CRED;
		h->body_len = sizeof(*c);
		fill_task(&l, o, &c->task);
		read_syscall(&l, o, &c->syscall_nr, &c->call);
		fill_ids(&l, o, "old", &c->old);
		fill_ids(&l, o, "new", &c->new);
		b.len += sizeof(*c);
	} else if (!strcmp(type, "load")) {
		struct saker_load *ld = (void *)(b.p + b.len);
		const char *what = jstr(&l, o, "what");
		const char *path = jstr(&l, o, "path");

		h->type = SAKER_REC_LOAD;
		h->body_len = sizeof(*ld);
		fill_task(&l, o, &ld->task);
		read_syscall(&l, o, &ld->syscall_nr, &ld->call);
		for (ld->what = 1; what && saker_load_what_name(ld->what); ld->what++)
			if (!strcmp(what, saker_load_what_name(ld->what)))
				break;
		if (!what || !saker_load_what_name(ld->what)) {
			saker_set_err(err, errlen, "\"what\": expected module, kexec_image, kexec_initramfs, policy or x509_certificate");
			goto put_o;
		}
		ld->ino = ju64(&l, o, "ino");
		ld->dev = ju32(&l, o, "dev");
		if (path)
			ld->flags |= SAKER_LOAD_FROM_FILE;
		if (jbool(&l, o, "path_truncated"))
			ld->flags |= SAKER_LOAD_PATH_TRUNCATED;
		b.len += sizeof(*ld);
		ld->path_len = put_str(&b, path, SAKER_PATH_MAX);
	} else if (!strcmp(type, "nschange")) {
		struct saker_nschange *x = (void *)(b.p + b.len);
		json_t *ns = jobj(&l, o, "new_ns");
		int i;

		h->type = SAKER_REC_NSCHANGE;
		h->body_len = sizeof(*x);
		fill_task(&l, o, &x->task);
		read_syscall(&l, o, &x->syscall_nr, &x->call);
		l.in = "new_ns.";
		for (i = 0; ns && i < SAKER_NS_COUNT; i++)
			x->ns[i] = ju32(&l, ns, saker_ns_keys[i]);
		l.in = "";
		x->pid_children_was = ju32(&l, o, "pid_children_was");
		b.len += sizeof(*x);
	} else if (!strcmp(type, "ptrace")) {
		struct saker_ptrace *x = (void *)(b.p + b.len);
		const char *tc = jstr(&l, o, "target_comm");

		h->type = SAKER_REC_PTRACE;
		h->body_len = sizeof(*x);
		fill_task(&l, o, &x->task);
		read_syscall(&l, o, &x->syscall_nr, &x->call);
		x->request = jget(o, "request") ? ji32(&l, o, "request") : -1;
		x->target_pid = ju32(&l, o, "target_pid");
		x->target_tid = jget(o, "target_tid") ? ju32(&l, o, "target_tid") : x->target_pid;
		x->target_euid = ju32(&l, o, "target_euid");
		if (tc)
			snprintf(x->target_comm, sizeof(x->target_comm), "%s", tc);
		if (jbool(&l, o, "realcreds"))
			x->flags |= SAKER_PTRACE_REALCREDS;
		b.len += sizeof(*x);
	} else if (!strcmp(type, "fschange")) {
		struct saker_fschange *x = (void *)(b.p + b.len);
		const char *op = jstr(&l, o, "op");

		h->type = SAKER_REC_FSCHANGE;
		h->body_len = sizeof(*x);
		fill_task(&l, o, &x->task);
		read_syscall(&l, o, &x->syscall_nr, &x->call);
		for (x->op = 1; op && saker_fsop_name(x->op); x->op++)
			if (!strcmp(op, saker_fsop_name(x->op)))
				break;
		if (!op || !saker_fsop_name(x->op)) {
			saker_set_err(err, errlen, "\"op\": expected unlink, rmdir, mkdir, rename, link, symlink, chmod or chown");
			goto put_o;
		}
		x->mode = ju32(&l, o, "mode");
		x->uid = jget(o, "new_uid") ? ju32(&l, o, "new_uid") : UINT32_MAX;
		x->gid = jget(o, "new_gid") ? ju32(&l, o, "new_gid") : UINT32_MAX;
		x->ino = ju64(&l, o, "ino");
		if (jbool(&l, o, "path_truncated"))
			x->flags |= SAKER_FS_PATH_TRUNCATED;
		if (jbool(&l, o, "path2_truncated"))
			x->flags |= SAKER_FS_PATH2_TRUNCATED;
		if (jbool(&l, o, "exchange"))
			x->flags |= SAKER_FS_EXCHANGE;
		if (jbool(&l, o, "noreplace"))
			x->flags |= SAKER_FS_NOREPLACE;
		b.len += sizeof(*x);
		x->path_len = put_str(&b, jstr(&l, o, "path"), SAKER_PATH_MAX);
		x->path2_len = put_str(&b, jstr(&l, o, "path2"), SAKER_PATH_MAX);
	} else {
		saker_set_err(err, errlen,
			      "unknown \"type\" '%s' (exec, open, fork, exit, cred, load, nschange, ptrace, fschange)",
			      type);
		goto put_o;
	}
	/* Checked like any other key: a wrong type is this line's error. */
	if (time_ns && jget(o, "time"))
		*time_ns = (uint64_t)jint(&l, o, "time", 1, INT64_MAX, 0);
	if (l.bad)
		goto put_o;
	while (b.len % SAKER_REC_ALIGN)
		if (put(&b, "", 1))
			break;
	if (b.len % SAKER_REC_ALIGN) {
		saker_set_err(err, errlen, "record too large");
		goto put_o;
	}
	h->len = (uint32_t)b.len;
	ret = (long)b.len;
put_o:
	json_decref(o);
	return ret;
}
