// SPDX-License-Identifier: GPL-2.0
/*
 * Process table from fork/exec/exit records. A fork shares the parent's
 * image (refcounted) until the child execs, so a fork storm costs no
 * string copies. Exit removes the process when its last thread dies; when
 * the table is full, the entry with the oldest activity (its own fork or
 * exec, or a fork of a child) is evicted, so live ancestors stay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proctable.h"

#define DEFAULT_MAX_PROCS	(1u << 16)
#define CGMAP_BITS		12	/* cgroup ids remembered: 1 << CGMAP_BITS */
#define CGMAP_SIZE		(1u << CGMAP_BITS)
/* Fibonacci hashing: the top CGMAP_BITS bits of id * 2^64 / phi. */
#define CGMAP_GOLDEN		0x9e3779b97f4a7c15ULL

struct cgmap_ent {
	uint64_t cgroup_id;	/* 0 = free */
	char cid[SAKER_CONTAINER_ID_LEN + 1];
	enum saker_container_type type;
};

struct saker_proctable {
	struct saker_proc **buckets;
	size_t nbuckets;	/* power of two */
	size_t count, max;
	uint64_t dropped, evicted;
	struct saker_proc *lru_head, *lru_tail;	/* head: least recently active */
	struct cgmap_ent cgmap[CGMAP_SIZE];
};

static size_t bucket_of(const struct saker_proctable *pt, uint32_t pid)
{
	return (pid * 2654435761u) & (pt->nbuckets - 1);
}

struct saker_proctable *saker_proctable_new(size_t max_procs)
{
	struct saker_proctable *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	pt->max = max_procs ? max_procs : DEFAULT_MAX_PROCS;
	pt->nbuckets = 1024;
	pt->buckets = calloc(pt->nbuckets, sizeof(*pt->buckets));
	if (!pt->buckets)
		goto free_pt;
	return pt;
free_pt:
	free(pt);
	return NULL;
}

static void image_put(struct saker_proc_image *img)
{
	if (!img || --img->refs)
		return;
	free(img->exe);
	free(img->args);
	free(img->cwd);
	free(img->cgroup);
	free(img->env);
	free(img);
}

void saker_proctable_free(struct saker_proctable *pt)
{
	size_t i;

	if (!pt)
		return;
	for (i = 0; i < pt->nbuckets; i++) {
		struct saker_proc *p = pt->buckets[i], *next;

		for (; p; p = next) {
			next = p->hnext;
			image_put(p->img);
			free(p);
		}
	}
	free(pt->buckets);
	free(pt);
}

const struct saker_proc *saker_proctable_get(const struct saker_proctable *pt,
					     uint32_t pid)
{
	const struct saker_proc *p;

	if (!pt)
		return NULL;
	for (p = pt->buckets[bucket_of(pt, pid)]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static int grow(struct saker_proctable *pt)
{
	size_t n = pt->nbuckets * 2, i;
	struct saker_proc **b = calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < pt->nbuckets; i++) {
		struct saker_proc *p = pt->buckets[i], *next;

		for (; p; p = next) {
			size_t j = (p->pid * 2654435761u) & (n - 1);

			next = p->hnext;
			p->hnext = b[j];
			b[j] = p;
		}
	}
	free(pt->buckets);
	pt->buckets = b;
	pt->nbuckets = n;
	return 0;
}

static void lru_unlink(struct saker_proctable *pt, struct saker_proc *p)
{
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		pt->lru_head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		pt->lru_tail = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

static void lru_append(struct saker_proctable *pt, struct saker_proc *p)
{
	p->lru_prev = pt->lru_tail;
	p->lru_next = NULL;
	if (pt->lru_tail)
		pt->lru_tail->lru_next = p;
	else
		pt->lru_head = p;
	pt->lru_tail = p;
}

/* Activity moves an entry to the young end, away from eviction. */
static void touch(struct saker_proctable *pt, struct saker_proc *p)
{
	if (pt->lru_tail == p)
		return;
	lru_unlink(pt, p);
	lru_append(pt, p);
}

static void remove_proc(struct saker_proctable *pt, struct saker_proc *victim)
{
	struct saker_proc **pp, *p;

	for (pp = &pt->buckets[bucket_of(pt, victim->pid)]; (p = *pp); pp = &p->hnext) {
		if (p == victim) {
			*pp = p->hnext;
			lru_unlink(pt, p);
			image_put(p->img);
			free(p);
			pt->count--;
			return;
		}
	}
}

/* Finds or creates the entry of pid (evicting when full); NULL on ENOMEM. */
static struct saker_proc *get_or_add(struct saker_proctable *pt, uint32_t pid)
{
	struct saker_proc *p = (struct saker_proc *)saker_proctable_get(pt, pid);
	size_t b;

	if (p) {
		touch(pt, p);
		return p;
	}
	if (pt->count >= pt->max && pt->lru_head) {
		remove_proc(pt, pt->lru_head);
		pt->evicted++;
	}
	if (pt->count >= pt->nbuckets && grow(pt))
		goto count_drop;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto count_drop;
	p->pid = pid;
	b = bucket_of(pt, pid);
	p->hnext = pt->buckets[b];
	pt->buckets[b] = p;
	lru_append(pt, p);
	pt->count++;
	return p;
count_drop:
	pt->dropped++;
	return NULL;
}

static void fill_task(struct saker_proc *p, const struct saker_task *t)
{
	p->ppid = t->ppid;
	p->sid = t->sid;
	p->vpid = t->vpid;
	p->tty_dev = (t->flags & SAKER_TASK_HAS_TTY) ? t->tty_dev : 0;
	p->pidns = t->ns[SAKER_NS_PID];
	p->cgroup_id = t->cgroup_id;
	memcpy(p->comm, t->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
}

static char *dup_str(const struct saker_str *s, size_t *len)
{
	char *p = malloc(s->len + 1);

	if (!p)
		return NULL;
	if (s->len)
		memcpy(p, s->p, s->len);
	p[s->len] = '\0';
	*len = s->len;
	return p;
}

static size_t cgmap_slot(uint64_t cgroup_id)
{
	return (size_t)((cgroup_id * CGMAP_GOLDEN) >> (64 - CGMAP_BITS));
}

static void cgmap_put(struct saker_proctable *pt, uint64_t id,
		      const struct saker_proc_image *img)
{
	struct cgmap_ent *e;

	if (!id)
		return;
	/* Direct-mapped: a collision replaces the older container. */
	e = &pt->cgmap[cgmap_slot(id)];
	e->cgroup_id = id;
	memcpy(e->cid, img->cid, sizeof(e->cid));
	e->type = img->ctype;
}

int saker_proctable_cgroup_container(const struct saker_proctable *pt,
				     uint64_t cgroup_id, const char **cid,
				     enum saker_container_type *type)
{
	const struct cgmap_ent *e;

	if (!pt || !cgroup_id)
		return -ENOENT;
	e = &pt->cgmap[cgmap_slot(cgroup_id)];
	if (e->cgroup_id != cgroup_id)
		return -ENOENT;
	*cid = e->cid;
	*type = e->type;
	return 0;
}

static const char *last_elem(const char *s, size_t len, size_t *out)
{
	const char *slash = memrchr(s, '/', len);

	*out = slash ? len - (size_t)(slash + 1 - s) : len;
	return slash ? slash + 1 : s;
}

bool saker_proc_name_from_image(const char *comm, size_t n)
{
	bool digits = n > 0;
	size_t i;

	for (i = 0; i < n; i++)
		digits &= comm[i] >= '0' && comm[i] <= '9';
	return digits || (n == 3 && !memcmp(comm, "exe", 3));
}

void saker_proc_name(const char *comm, size_t n, struct saker_str exe,
		     struct saker_str args, const char **s, size_t *len)
{
	size_t el;

	*s = comm;
	*len = n;
	if (!saker_proc_name_from_image(comm, n) || !args.len)
		return;
	if (exe.len) {
		const char *e = last_elem(exe.p, exe.len, &el);

		if (el == n && !memcmp(e, comm, n))
			return;	/* the binary really has that name */
	}
	*s = last_elem(args.p, strnlen(args.p, args.len), len);
}

/* What proc.pname and proc.aname will see for this process. */
static void set_exec_name(struct saker_proc *p, const struct saker_event *ev)
{
	const char *name;
	size_t n;

	saker_proc_name(p->comm, strlen(p->comm), ev->exe, ev->args, &name, &n);
	if (name != p->comm)
		snprintf(p->comm, sizeof(p->comm), "%.*s", (int)n, name);
}

static int apply_exec(struct saker_proctable *pt, const struct saker_event *ev)
{
	const struct saker_exec *x = ev->exec;
	struct saker_proc_image *img = calloc(1, sizeof(*img));
	struct saker_proc *p;

	if (!img)
		return -ENOMEM;
	img->refs = 1;
	img->exe = dup_str(&ev->exe, &img->exe_len);
	img->args = dup_str(&ev->args, &img->args_len);
	img->cwd = dup_str(&ev->cwd, &img->cwd_len);
	img->cgroup = dup_str(&ev->cgroup, &img->cgroup_len);
	img->env = dup_str(&ev->env, &img->env_len);
	if (!img->exe || !img->args || !img->cwd || !img->cgroup || !img->env)
		goto put_img;
	memcpy(img->fd_kind, x->fd_kind, sizeof(img->fd_kind));
	img->exec_flags = x->flags;
	if (saker_container_id_parse(ev->cgroup.p, ev->cgroup.len, img->cid,
				     &img->ctype))
		img->cid[0] = '\0';
	if (img->cid[0])
		cgmap_put(pt, ev->task->cgroup_id, img);
	p = get_or_add(pt, ev->task->pid);
	if (!p)
		goto put_img;
	fill_task(p, ev->task);
	set_exec_name(p, ev);
	image_put(p->img);
	p->img = img;
	return 0;
put_img:
	image_put(img);
	return -ENOMEM;
}

static int apply_fork(struct saker_proctable *pt, const struct saker_event *ev)
{
	const struct saker_proc *parent;
	struct saker_proc *p;

	if (ev->fork->flags & SAKER_FORK_THREAD)
		return 0;
	parent = saker_proctable_get(pt, ev->task->ppid);
	if (parent)
		touch(pt, (struct saker_proc *)parent);
	p = get_or_add(pt, ev->task->pid);
	if (!p)
		return -ENOMEM;
	fill_task(p, ev->task);
	p->start_ns = ev->task->ts_ns;
	if (parent && parent->img && parent->img != p->img) {
		image_put(p->img);
		p->img = parent->img;
		p->img->refs++;
	}
	return 0;
}

int saker_proctable_pre(struct saker_proctable *pt, const struct saker_event *ev)
{
	if (!pt)
		return 0;
	switch (ev->type) {
	case SAKER_REC_EXEC:
		return apply_exec(pt, ev);
	case SAKER_REC_FORK:
		return apply_fork(pt, ev);
	default:
		return 0;
	}
}

void saker_proctable_post(struct saker_proctable *pt, const struct saker_event *ev)
{
	struct saker_proc *p;

	if (!pt || ev->type != SAKER_REC_EXIT ||
	    !(ev->exit->flags & SAKER_EXIT_GROUP_DEAD))
		return;
	p = (struct saker_proc *)saker_proctable_get(pt, ev->task->pid);
	if (p)
		remove_proc(pt, p);
}

int saker_proctable_seed_one(struct saker_proctable *pt,
			     const struct saker_proc_seed *s)
{
	struct saker_proc_image *img;
	struct saker_proc *p;

	if (saker_proctable_get(pt, s->pid))
		return -EEXIST;
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	img->refs = 1;
	img->exe = dup_str(&s->exe, &img->exe_len);
	img->args = dup_str(&s->args, &img->args_len);
	img->cwd = dup_str(&s->cwd, &img->cwd_len);
	img->cgroup = dup_str(&s->cgroup, &img->cgroup_len);
	img->env = dup_str(&s->env, &img->env_len);
	if (!img->exe || !img->args || !img->cwd || !img->cgroup || !img->env)
		goto put_img;
	memcpy(img->fd_kind, s->fd_kind, sizeof(img->fd_kind));
	if (s->env_truncated)
		img->exec_flags |= SAKER_EXEC_ENV_TRUNCATED;
	if (saker_container_id_parse(s->cgroup.p, s->cgroup.len, img->cid, &img->ctype))
		img->cid[0] = '\0';
	if (img->cid[0])
		cgmap_put(pt, s->cgroup_id, img);
	p = get_or_add(pt, s->pid);
	if (!p)
		goto put_img;
	p->ppid = s->ppid;
	p->sid = s->sid;
	p->vpid = s->vpid;
	p->tty_dev = s->tty_dev;
	p->pidns = s->pidns;
	p->cgroup_id = s->cgroup_id;
	p->start_ns = s->start_ns;
	snprintf(p->comm, sizeof(p->comm), "%s", s->comm ? s->comm : "");
	p->img = img;
	return 0;
put_img:
	image_put(img);
	return -ENOMEM;
}

size_t saker_proctable_count(const struct saker_proctable *pt)
{
	return pt ? pt->count : 0;
}

uint64_t saker_proctable_dropped(const struct saker_proctable *pt)
{
	return pt ? pt->dropped : 0;
}

uint64_t saker_proctable_evicted(const struct saker_proctable *pt)
{
	return pt ? pt->evicted : 0;
}

size_t saker_proctable_max(const struct saker_proctable *pt)
{
	return pt ? pt->max : 0;
}
