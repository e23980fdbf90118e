// SPDX-License-Identifier: GPL-2.0
/*
 * Rule engine front: owns the loaded files and the compiled table, and
 * runs one event through the rules that can match its type.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "compile.h"
#include "engine.h"
#include "lib/file.h"
#include "prefilter.h"

static const char *const prio_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
	"Informational", "Debug",
};

const char *saker_prio_name(enum saker_prio p)
{
	if ((unsigned int)p > SAKER_PRIO_DEBUG)
		return "Unknown";
	return prio_names[p];
}

int saker_prio_parse(const char *s, enum saker_prio *out)
{
	int i;

	for (i = 0; i <= SAKER_PRIO_DEBUG; i++) {
		if (!strcasecmp(s, prio_names[i])) {
			*out = (enum saker_prio)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "info")) {
		*out = SAKER_PRIO_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

struct saker_engine *saker_engine_new(void)
{
	struct saker_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->load.arena = &e->arena;
	e->prog.arena = &e->arena;
	e->prog.min_prio = SAKER_PRIO_DEBUG;
	e->prog.mode = SAKER_MATCH_FIRST;
	return e;
}

static void loader_release(struct saker_loader *ld)
{
	size_t i;

	for (i = 0; i < ld->files.n; i++) {
		struct saker_srcfile *f = ld->files.v[i];

		free(f->buf);
	}
	for (i = 0; i < ld->rules.n; i++) {
		struct saker_rule_def *r = ld->rules.v[i];

		saker_vec_release(&r->tags);
		saker_rule_excs_release(r);
	}
	saker_vec_release(&ld->files);
	saker_vec_release(&ld->diags);
	saker_vec_release(&ld->rules);
	saker_vec_release(&ld->list_defs);
	saker_vec_release(&ld->odd_lists);
	saker_vec_release(&ld->macro_defs);
	saker_strmap_release(&ld->lists);
	saker_strmap_release(&ld->macros);
	saker_strmap_release(&ld->rules_by_name);
}

static void program_release(struct saker_program *pg)
{
	size_t i;

	for (i = 0; i < pg->regexes.n; i++)
		regfree(pg->regexes.v[i]);
	saker_vec_release(&pg->regexes);
	saker_vec_release(&pg->slots);
	saker_strmap_release(&pg->slot_by_text);
}

void saker_engine_free(struct saker_engine *e)
{
	if (!e)
		return;
	program_release(&e->prog);
	loader_release(&e->load);
	free(e->cx.cache);
	free(e->cx.scratch);
	free(e->cx.valbuf);
	free(e->cx.cand);
	saker_arena_release(&e->arena);
	free(e);
}

/* Loads buf (malloc'd, NUL-terminated at len), which the engine now owns. */
static int load_owned(struct saker_engine *e, const char *name, char *buf,
		      size_t len)
{
	struct saker_srcfile *f;
	int ret;

	if (e->compiled) {
		ret = -EBUSY;
		goto free_buf;
	}
	f = saker_arena_alloc(&e->arena, sizeof(*f));
	ret = -ENOMEM;
	if (!f)
		goto free_buf;
	f->name = saker_arena_strdup(&e->arena, name);
	if (!f->name)
		goto free_buf;
	f->buf = buf;
	f->len = len;
	ret = saker_vec_push(&e->load.files, f);
	if (ret)
		goto free_buf;
	return saker_load_file_buf(&e->load, (int)e->load.files.n - 1);
free_buf:
	free(buf);
	return ret;
}

int saker_engine_load_buffer(struct saker_engine *e, const char *name,
			     const char *buf, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	return load_owned(e, name, copy, len);
}

static int load_file(struct saker_engine *e, const char *path)
{
	struct saker_loc none = { -1, 0, 0 };
	char msg[SAKER_PATH_MAX + 64], *buf;
	size_t len;
	int ret;

	ret = saker_read_regular(path, &buf, &len, msg, sizeof(msg));
	if (ret) {
		saker_diag(&e->load, true, "E-IO", none, "%s", msg);
		return ret;
	}
	/* No second copy: a large file would be held twice while it loads. */
	return load_owned(e, path, buf, len);
}

static int yaml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return (n > 5 && !strcmp(d->d_name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(d->d_name + n - 4, ".yml"));
}

int saker_engine_load_path(struct saker_engine *e, const char *path)
{
	struct saker_loc none = { -1, 0, 0 };
	struct dirent **names;
	struct stat st;
	int i, n, ret = 0;

	if (stat(path, &st)) {
		ret = -errno;
		saker_diag(&e->load, true, "E-IO", none, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(e, path);
	n = scandir(path, &names, yaml_name, alphasort);
	if (n < 0) {
		ret = -errno;
		saker_diag(&e->load, true, "E-IO", none, "%s: %s", path, strerror(errno));
		return ret;
	}
	for (i = 0; i < n; i++) {
		char *full = saker_arena_printf(&e->arena, "%s/%s", path, names[i]->d_name);
		int r = full ? 0 : -ENOMEM;

		/* As in Falco, only regular files of a directory are rules. */
		if (full && !stat(full, &st) && !S_ISREG(st.st_mode))
			saker_diag(&e->load, false, "W-NOT-REGULAR", none,
				   "%s: not a regular file: skipped", full);
		else if (full)
			r = load_file(e, full);
		if (r && !ret)
			ret = r;
		free(names[i]);
	}
	free(names);
	return ret;
}

void saker_engine_set_match_mode(struct saker_engine *e, enum saker_match_mode m)
{
	e->prog.mode = m;
}

void saker_engine_set_min_priority(struct saker_engine *e, enum saker_prio p)
{
	e->prog.min_prio = p;
}

void saker_engine_set_output_append(struct saker_engine *e, const char *fmt,
				    bool replace_info)
{
	e->prog.output_append = fmt && *fmt ? fmt : NULL;
	e->prog.append_replaces_info = replace_info;
}

void saker_engine_set_proctable(struct saker_engine *e, const struct saker_proctable *pt)
{
	e->cx.procs = pt;
}

void saker_engine_set_meta(struct saker_engine *e, const struct saker_meta_provider *m)
{
	e->cx.provider = m;
}

int saker_engine_compile(struct saker_engine *e)
{
	int ret;

	if (e->compiled)
		return -EBUSY;
	ret = saker_compile_rules(&e->load, &e->prog);
	if (!ret)
		ret = saker_prefilter_build(&e->prog);
	if (!ret)
		ret = saker_prekey_build(&e->prog);
	if (!ret)
		saker_order_conditions(&e->prog);
	if (ret)
		return ret;
	e->cx.prog = &e->prog;
	e->cx.cache = calloc(e->prog.slots.n + 1, sizeof(*e->cx.cache));
	e->cx.scratch = malloc(SAKER_ENGINE_SCRATCH);
	e->cx.valbuf = malloc(SAKER_VALBUF_SIZE);
	/* The candidates, then the key prefilter's scratch words. */
	e->cx.cand = calloc(2 * saker_prefilter_words(&e->prog) + 1, sizeof(*e->cx.cand));
	if (!e->cx.cache || !e->cx.scratch || !e->cx.valbuf || !e->cx.cand)
		return -ENOMEM;
	e->cx.scratch_cap = SAKER_ENGINE_SCRATCH;
	e->compiled = true;
	return e->load.nerrors ? -EINVAL : 0;
}

size_t saker_engine_rule_count(const struct saker_engine *e)
{
	return e->load.rules.n;
}

const struct saker_rule_info *saker_engine_rule(const struct saker_engine *e, size_t i)
{
	if (i >= e->load.rules.n)
		return NULL;
	return &((const struct saker_rule_def *)e->load.rules.v[i])->info;
}

struct alert_priv {
	struct saker_evctx *cx;
	const struct saker_template *tpl;
};

/* Rule i's condition holds: counts it and gives the alert; true to stop. */
static bool matched(struct saker_evctx *cx, const struct saker_program *pg,
		    const struct saker_prog_rule *r, saker_alert_fn fn, void *arg)
{
	if (fn) {
		struct alert_priv priv = { cx, r->tpl };
		struct saker_alert a = {
			.rule = r->info, .ev = cx->ev,
			.output = saker_template_format(cx, r->tpl), .fields = &priv,
		};

		fn(arg, &a);
	}
	return pg->mode == SAKER_MATCH_FIRST;
}

/* Runs the event through the program's rules for its type, in load order. */
static int evaluate(struct saker_evctx *cx, const struct saker_program *pg,
		    const struct saker_event *ev, saker_alert_fn fn, void *arg)
{
	const struct saker_prefilter *pf;
	const struct saker_prekey *pk;
	const struct saker_prog_rule *rules;
	size_t i, n, w;
	int alerts = 0;

	cx->ev = ev;
	cx->evtype = saker_evtype_of(ev);
	if (!cx->evnum++)
		cx->first_ts_ns = ev->task->ts_ns;
	/* Bumping the generation empties the field cache in O(1). */
	if (++cx->gen == 0) {
		memset(cx->cache, 0, (pg->slots.n + 1) * sizeof(*cx->cache));
		cx->gen = 1;
	}
	cx->proc_done = false;
	cx->meta_rc = 1;
	cx->scratch_used = 0;
	rules = pg->index[cx->evtype];
	n = pg->nindex[cx->evtype];
	pf = pg->pre[cx->evtype];
	pk = pg->prekey[cx->evtype];
	if (!pf && !pk) {
		for (i = 0; i < n; i++) {
			if (!saker_cnode_eval(cx, rules[i].cond))
				continue;
			alerts++;
			if (matched(cx, pg, &rules[i], fn, arg))
				break;
		}
		return alerts;
	}
	/* Only the rules the prefilters keep: the others cannot match. */
	if (!pf || !saker_prefilter_rules(pf, ev, cx->cand)) {
		for (w = 0; w * 64 < n; w++)
			cx->cand[w] = n - w * 64 >= 64 ? ~0ull : (1ull << (n - w * 64)) - 1;
	}
	if (pk)
		saker_prekey_apply(pk, cx, cx->cand);
	for (w = 0; w * 64 < n; w++) {
		uint64_t bits = cx->cand[w];

		while (bits) {
			i = w * 64 + (size_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (!saker_cnode_eval(cx, rules[i].cond))
				continue;
			alerts++;
			if (matched(cx, pg, &rules[i], fn, arg))
				return alerts;
		}
	}
	return alerts;
}

int saker_engine_process(struct saker_engine *e, const struct saker_event *ev,
			 saker_alert_fn fn, void *arg)
{
	if (!e->compiled || !e->cx.cache)
		return -EINVAL;
	return evaluate(&e->cx, &e->prog, ev, fn, arg);
}

size_t saker_alert_nfields(const struct saker_alert *a)
{
	const struct alert_priv *p = a->fields;

	return saker_template_nfields(p->tpl);
}

/* A value the output would print differently is rendered as it prints. */
static bool prints_as_is(const struct saker_val *v)
{
	uint32_t i;

	if (v->len >= SAKER_VALBUF_SIZE)
		return false;
	for (i = 0; i < v->len; i++)
		if ((unsigned char)v->s[i] < 0x20)
			return false;
	return true;
}

int saker_alert_field(const struct saker_alert *a, size_t i, const char **name,
		      struct saker_value *out)
{
	const struct alert_priv *p = a->fields;
	struct saker_evctx *cx = p->cx;
	const struct saker_val *v;
	enum saker_ftype type;
	uint8_t flags;

	*out = (struct saker_value){ .kind = SAKER_VALUE_MISSING };
	if (i >= saker_template_nfields(p->tpl))
		return -ENOENT;
	if (saker_template_field(cx, p->tpl, i, name, &v, &type, &flags))
		return 0;
	if (flags & SAKER_FF_JSON_TIME) {
		/* libsinsp's JSON gives every time string as the ns number. */
		out->kind = SAKER_VALUE_NUM;
		out->num = (int64_t)a->ev->time_ns;
	} else if (v->kind == SAKER_V_NUM && type == SAKER_FT_BOOL) {
		out->kind = SAKER_VALUE_BOOL;
		out->b = v->n != 0;
	} else if (v->kind == SAKER_V_NUM) {
		out->kind = SAKER_VALUE_NUM;
		out->num = v->n;
	} else if (v->kind == SAKER_V_STR && prints_as_is(v)) {
		out->kind = SAKER_VALUE_STR;
		out->str = v->s;
		out->len = v->len;
	} else {
		/* Lists print joined by ','; long or control-laden strings bounded. */
		out->kind = SAKER_VALUE_STR;
		out->len = saker_val_render(v, SAKER_FT_STR, cx->valbuf,
					    SAKER_VALBUF_SIZE);
		out->str = cx->valbuf;
	}
	return 0;
}
