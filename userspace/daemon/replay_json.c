// SPDX-License-Identifier: GPL-2.0
/*
 * JSON-lines events (docs/conventions.md, "sakerctl trace JSON") back into
 * ring records, so a replay runs the very decoder and extractors a live
 * daemon runs. Missing keys read as zero/empty. An optional "container"
 * object {"name","image","namespace","pod"} feeds the metadata store; an
 * optional "time" (wall-clock ns, as sakerctl trace writes it) is handed
 * back beside the record, which has no room for it.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "track/container_id.h"
#include "lib/decode.h"
#include "lib/dict.h"
#include "replay.h"

/* ---- container metadata store ---- */

struct meta_ent {
	char *name, *image, *ns, *pod;
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
	*out = (struct saker_container_meta){ m->name, m->image, m->ns, m->pod };
	return 0;
}

void saker_meta_store_provider(struct saker_meta_store *ms,
			       struct saker_meta_provider *out)
{
	out->ctx = ms;
	out->lookup = store_lookup;
}

/* ---- JSON -> record ---- */

static uint64_t jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	if (json_is_true(v))
		return 1;
	return 0;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
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

static uint8_t fd_kind(const char *s)
{
	unsigned int i;

	for (i = 0; s && i <= SAKER_FD_UNIX; i++)
		if (!strcmp(s, saker_fd_kind_name(i)))
			return (uint8_t)i;
	return SAKER_FD_NONE;
}

static void fill_task(json_t *o, struct saker_task *t)
{
	static const char *const nsk[SAKER_NS_COUNT] = { "mnt", "pid", "net", "uts",
							"ipc", "user", "cgroup" };
	json_t *ns = json_object_get(o, "ns");
	json_t *lu = json_object_get(o, "loginuid");
	const char *s;
	int i;

	t->ts_ns = jnum(o, "ts");
	t->cgroup_id = jnum(o, "cgroup_id");
	if (!json_object_get(o, "cgroup_id"))
		t->flags |= SAKER_TASK_NO_CGROUP;
	t->cpu = (uint32_t)jnum(o, "cpu");
	t->pid = (uint32_t)jnum(o, "pid");
	t->tid = json_object_get(o, "tid") ? (uint32_t)jnum(o, "tid") : t->pid;
	t->ppid = (uint32_t)jnum(o, "ppid");
	t->vpid = (uint32_t)jnum(o, "vpid");
	t->vtid = json_object_get(o, "vtid") ? (uint32_t)jnum(o, "vtid") : t->vpid;
	t->sid = (uint32_t)jnum(o, "sid");
	t->uid = (uint32_t)jnum(o, "uid");
	t->gid = (uint32_t)jnum(o, "gid");
	t->euid = (uint32_t)jnum(o, "euid");
	t->egid = (uint32_t)jnum(o, "egid");
	t->loginuid = json_is_integer(lu) ? (uint32_t)json_integer_value(lu) : (uint32_t)-1;
	t->tty_dev = (uint32_t)jnum(o, "tty_dev");
	if (json_is_true(json_object_get(o, "session_leader")))
		t->flags |= SAKER_TASK_SESSION_LEADER;
	if (json_is_true(json_object_get(o, "io_worker")))
		t->flags |= SAKER_TASK_IO_WORKER;
	s = jstr(o, "tty");
	if (t->tty_dev || s) {
		t->flags |= SAKER_TASK_HAS_TTY;
		if (s)
			snprintf(t->tty_name, sizeof(t->tty_name), "%s", s);
	}
	for (i = 0; i < SAKER_NS_COUNT; i++)
		t->ns[i] = (uint32_t)jnum(ns, nsk[i]);
	s = jstr(o, "comm");
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
static uint16_t put_strv(struct rbuf *b, json_t *args, size_t max, uint32_t *argc)
{
	size_t i, start = b->len;

	*argc = 0;
	for (i = 0; i < json_array_size(args); i++) {
		const char *a = json_string_value(json_array_get(args, i));
		size_t n = a ? strlen(a) : 0;

		if (b->len - start + n + 1 > max)
			break;
		if (put(b, a ? a : "", n) || put(b, "", 1))
			break;
		(*argc)++;
	}
	return (uint16_t)(b->len - start);
}

static void store_meta(json_t *o, struct saker_meta_store *ms)
{
	json_t *c = json_object_get(o, "container");
	const char *cg = jstr(o, "cgroup");
	char id[SAKER_CONTAINER_ID_LEN + 1];
	struct saker_container_meta m;
	enum saker_container_type t;
	const char *jid;

	if (!ms || !json_is_object(c))
		return;
	jid = jstr(c, "id");
	if (jid)
		snprintf(id, sizeof(id), "%s", jid);
	else if (!cg || saker_container_id_parse(cg, strlen(cg), id, &t))
		return;
	m = (struct saker_container_meta){
		jstr(c, "name"), jstr(c, "image"), jstr(c, "namespace"), jstr(c, "pod"),
	};
	saker_meta_store_put(ms, id, &m);
}

/* The exec flags sakerctl trace writes as booleans (docs/conventions.md). */
static uint32_t exec_flags(json_t *o)
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
	};
	uint32_t f = 0;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_true(json_object_get(o, keys[i].key)))
			f |= keys[i].flag;
	return f;
}

long saker_json_to_record(const char *line, size_t len, void *buf, size_t size,
			  struct saker_meta_store *ms, const char **err)
{
	return saker_json_to_record_time(line, len, buf, size, ms, NULL, err);
}

long saker_json_to_record_time(const char *line, size_t len, void *buf,
			       size_t size, struct saker_meta_store *ms,
			       uint64_t *time_ns, const char **err)
{
	struct rbuf b = { buf, 0, size };
	struct saker_rec_hdr *h = buf;
	json_error_t jerr;
	const char *type;
	json_t *o;
	long ret = -EINVAL;

	*err = NULL;
	if (time_ns)
		*time_ns = 0;
	o = json_loadb(line, len, 0, &jerr);
	if (!json_is_object(o)) {
		*err = "not a JSON object";
		goto put_o;
	}
	type = jstr(o, "type");
	if (!type) {
		*err = "no \"type\"";
		goto put_o;
	}
	if (size < sizeof(*h) + sizeof(struct saker_exec) + 8) {
		*err = "buffer too small";
		goto put_o;
	}
	memset(buf, 0, sizeof(*h) + sizeof(struct saker_exec));
	b.len = sizeof(*h);
	if (!strcmp(type, "exec")) {
		struct saker_exec *x = (void *)(b.p + b.len);
		uint32_t envc;

		h->type = SAKER_REC_EXEC;
		h->body_len = sizeof(*x);
		fill_task(o, &x->task);
		x->syscall_nr = syscall_nr(jstr(o, "syscall"));
		x->call = call_of(jstr(o, "syscall"));
		if (json_is_true(json_object_get(o, "parent_other_pidns")))
			x->flags |= SAKER_EXEC_PARENT_OTHER_PIDNS;
		x->flags |= exec_flags(o);
		x->exe_ino = jnum(o, "exe_ino");
		x->exe_dev = (uint32_t)jnum(o, "exe_dev");
		x->exe_nlink = (uint32_t)jnum(o, "exe_nlink");
		x->fd_kind[0] = fd_kind(jstr(o, "stdin"));
		x->fd_kind[1] = fd_kind(jstr(o, "stdout"));
		x->fd_kind[2] = fd_kind(jstr(o, "stderr"));
		b.len += sizeof(*x);
		x->filename_len = put_str(&b, jstr(o, "filename"), SAKER_PATH_MAX);
		x->exe_len = put_str(&b, jstr(o, "exe"), SAKER_PATH_MAX);
		x->args_len = put_strv(&b, json_object_get(o, "args"),
				       SAKER_ARGS_MAX, &x->argc);
		x->cwd_len = put_str(&b, jstr(o, "cwd"), SAKER_PATH_MAX);
		x->cgroup_len = put_str(&b, jstr(o, "cgroup"), SAKER_PATH_MAX);
		x->env_len = put_strv(&b, json_object_get(o, "env"),
				      SAKER_ENV_MAX, &envc);
		x->envc = (uint16_t)envc;
		store_meta(o, ms);
	} else if (!strcmp(type, "open")) {
		struct saker_open *op = (void *)(b.p + b.len);
		json_t *fd = json_object_get(o, "fd");

		h->type = SAKER_REC_OPEN;
		h->body_len = sizeof(*op);
		fill_task(o, &op->task);
		op->syscall_nr = syscall_nr(jstr(o, "syscall"));
		op->call = call_of(jstr(o, "syscall"));
		op->err = (int32_t)jnum(o, "errno");
		op->fd = json_is_integer(fd) ? (int32_t)json_integer_value(fd) : -1;
		if (!op->err && !json_is_integer(fd))
			op->flags |= SAKER_OPEN_FD_UNKNOWN;
		op->open_flags = (uint32_t)jnum(o, "flags");
		op->mode = (uint32_t)jnum(o, "mode");
		op->ino = jnum(o, "ino");
		op->dev = (uint32_t)jnum(o, "dev");
		if (json_is_true(json_object_get(o, "is_exec")))
			op->flags |= SAKER_OPEN_EXEC;
		if (json_is_true(json_object_get(o, "path_from_name")))
			op->flags |= SAKER_OPEN_PATH_NAME;
		if (json_is_true(json_object_get(o, "path_truncated")))
			op->flags |= SAKER_OPEN_PATH_TRUNCATED;
		if (json_is_true(json_object_get(o, "created")))
			op->flags |= SAKER_OPEN_CREATED;
		b.len += sizeof(*op);
		op->path_len = put_str(&b, jstr(o, "path"), SAKER_PATH_MAX);
	} else if (!strcmp(type, "fork")) {
		struct saker_fork *f = (void *)(b.p + b.len);

		h->type = SAKER_REC_FORK;
		h->body_len = sizeof(*f);
		fill_task(o, &f->task);
		f->parent_tid = (uint32_t)jnum(o, "parent_tid");
		if (json_is_true(json_object_get(o, "thread")))
			f->flags |= SAKER_FORK_THREAD;
		b.len += sizeof(*f);
	} else if (!strcmp(type, "exit")) {
		struct saker_exit *x = (void *)(b.p + b.len);

		h->type = SAKER_REC_EXIT;
		h->body_len = sizeof(*x);
		fill_task(o, &x->task);
		x->exit_code = (int32_t)jnum(o, "exit_code");
		if (json_is_true(json_object_get(o, "group_dead")))
			x->flags |= SAKER_EXIT_GROUP_DEAD;
		b.len += sizeof(*x);
	} else {
		*err = "unknown \"type\"";
		goto put_o;
	}
	while (b.len % SAKER_REC_ALIGN)
		if (put(&b, "", 1))
			break;
	if (b.len % SAKER_REC_ALIGN) {
		*err = "record too large";
		goto put_o;
	}
	h->len = (uint32_t)b.len;
	ret = (long)b.len;
	/* Like any key of the wrong type or sign, a bad "time" reads as none. */
	if (time_ns && json_integer_value(json_object_get(o, "time")) > 0)
		*time_ns = (uint64_t)json_integer_value(json_object_get(o, "time"));
put_o:
	json_decref(o);
	return ret;
}
