// SPDX-License-Identifier: GPL-2.0
/*
 * Falco conformance suite: runs every case file (.txt) of tests/conformance
 * (format in docs/testing.md, "Conformance suite") and prints the figures
 * per kind. Each case states what Falco's or libsinsp's own tests assert.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>

#include "rules_testlib.h"
#include "check_main.h"

#define CONF_DIR SAKER_TOP "/tests/conformance"

enum kind { K_PARSE, K_COMPILE, K_EVAL, K_LOAD, K_COUNT };

static const char *const kind_names[K_COUNT] = { "parse", "compile", "eval", "load" };

struct tally {
	unsigned int run[K_COUNT], passed[K_COUNT];
	unsigned int differs;	/* cases that assert saker's deliberate difference */
	unsigned int format_errors;
};

/* Where a case was written, for the failure message. */
struct where {
	const char *file;
	unsigned int line;
	const char *comment;
	bool reported;		/* report() was called for this case */
};

static void report(struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct where *w, const char *fmt, ...)
{
	va_list ap;

	w->reported = true;
	fprintf(stderr, "conformance: %s:%u: FAIL: ", w->file, w->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n    (%s)\n", w->comment ? w->comment : "no comment");
}

/* ---- a growing byte buffer ---- */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* s as a YAML double-quoted scalar: every byte survives, blanks included. */
static void buf_yaml_quoted(struct buf *b, const char *s)
{
	char esc[8];

	buf_str(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_add(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			buf_str(b, esc);
		} else {
			buf_add(b, (const char *)&c, 1);
		}
	}
	buf_str(b, "\"");
}

/* ---- engines ---- */

struct srcfile {
	char name[64];
	struct buf yaml;
};

static struct saker_engine *engine_of(struct srcfile *files, size_t n)
{
	struct saker_engine *e = saker_engine_new();
	size_t i;

	ck_assert_ptr_nonnull(e);
	saker_engine_set_match_mode(e, SAKER_MATCH_ALL);
	for (i = 0; i < n; i++)
		saker_engine_load_buffer(e, files[i].name, files[i].yaml.s ? files[i].yaml.s : "",
					 files[i].yaml.len);
	saker_engine_compile(e);
	return e;
}

/* One rule around cond, as a Falco rule file would hold it. */
static struct saker_engine *engine_for_cond(const char *cond)
{
	struct srcfile f = { .name = "case.yaml" };
	struct saker_engine *e;

	buf_str(&f.yaml, "- rule: r\n  desc: d\n  condition: ");
	buf_yaml_quoted(&f.yaml, cond);
	buf_str(&f.yaml, "\n  output: o\n  priority: INFO\n  warn_evttypes: false\n");
	e = engine_of(&f, 1);
	free(f.yaml.s);
	return e;
}

static bool has_diag(const struct saker_engine *e, const char *code, int error)
{
	const char *c;
	bool is_error;
	size_t i;

	for (i = 0; (c = saker_engine_diag_code(e, i, &is_error, NULL, NULL)); i++)
		if (!strcmp(c, code) && (error < 0 || is_error == (error > 0)))
			return true;
	return false;
}

static void print_diags(const struct saker_engine *e)
{
	if (saker_engine_error_count(e) || saker_engine_warning_count(e))
		saker_engine_print_diags(e, stderr);
}

/* Runs the event base+override through e: the number of alerts. */
static int run_event(struct saker_engine *e, const char *base, const char *override)
{
	char *ev = tl_event(base, override);
	int n = tl_run(e, ev);

	free(ev);
	return n;
}

/* ---- line cases ---- */

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The next blank-delimited word of *s into w (size n); false if none. */
static bool word(const char **s, char *w, size_t n)
{
	const char *p = skip_blank(*s), *q = p;

	while (*q && *q != ' ' && *q != '\t')
		q++;
	if (q == p || (size_t)(q - p) >= n)
		return false;
	memcpy(w, p, (size_t)(q - p));
	w[q - p] = '\0';
	*s = q;
	return true;
}

/*
 * libsinsp's test_accept() also tries the text padded and with its blanks
 * as newlines, then tabs; "accept-exact" takes the text as it is.
 */
static bool parse_accepts(const char *cond, bool exact, struct where *w)
{
	char *v = malloc(strlen(cond) + 3);
	bool ok = true;
	int round;
	size_t i;

	ck_assert_ptr_nonnull(v);
	for (round = 0; round < (exact ? 1 : 4) && ok; round++) {
		struct saker_engine *e;

		if (round == 0)
			strcpy(v, cond);
		else if (round == 1)
			sprintf(v, " %s ", cond);
		for (i = 0; round >= 2 && v[i]; i++)
			if (v[i] == (round == 2 ? ' ' : '\n'))
				v[i] = round == 2 ? '\n' : '\t';
		e = engine_for_cond(v);
		if (has_diag(e, "E-SYNTAX", 1)) {
			report(w, "parse: expected accept, got E-SYNTAX (variant %d)", round);
			print_diags(e);
			ok = false;
		}
		saker_engine_free(e);
	}
	free(v);
	return ok;
}

static bool case_parse(const char *rest, struct where *w)
{
	char verdict[16];
	struct saker_engine *e;
	bool ok;

	if (!word(&rest, verdict, sizeof(verdict)))
		return false;
	rest = skip_blank(rest);
	if (!strcmp(verdict, "accept") || !strcmp(verdict, "accept-exact"))
		return parse_accepts(rest, !strcmp(verdict, "accept-exact"), w);
	if (strcmp(verdict, "reject")) {
		report(w, "parse: verdict '%s' is neither accept nor reject", verdict);
		return false;
	}
	e = engine_for_cond(rest);
	ok = has_diag(e, "E-SYNTAX", 1);
	if (!ok) {
		report(w, "parse: expected E-SYNTAX for <%s>", rest);
		print_diags(e);
	}
	saker_engine_free(e);
	return ok;
}

/* Rule r's state in e, as the words of the case files. */
static const char *state_name(enum saker_rule_state s)
{
	static const char *const n[] = {
		[SAKER_RULE_ACTIVE] = "active", [SAKER_RULE_DISABLED] = "disabled",
		[SAKER_RULE_BELOW_PRIO] = "below", [SAKER_RULE_SKIPPED] = "skipped",
		[SAKER_RULE_ERROR] = "error",
	};

	return (size_t)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

static bool case_compile(const char *rest, struct where *w)
{
	char expect[64];
	struct saker_engine *e;
	bool ok;

	if (!word(&rest, expect, sizeof(expect)))
		return false;
	rest = skip_blank(rest);
	e = engine_for_cond(rest);
	if (!strcmp(expect, "ok")) {
		ok = !saker_engine_error_count(e) && !saker_engine_warning_count(e) &&
		     saker_engine_rule(e, 0)->state == SAKER_RULE_ACTIVE;
	} else if (!strcmp(expect, "skipped")) {
		ok = !saker_engine_error_count(e) && saker_engine_rule_count(e) == 1 &&
		     saker_engine_rule(e, 0)->state == SAKER_RULE_SKIPPED;
	} else if (!strncmp(expect, "E-", 2)) {
		ok = has_diag(e, expect, 1);
	} else if (!strncmp(expect, "W-", 2)) {
		ok = !saker_engine_error_count(e) && has_diag(e, expect, 0);
	} else {
		report(w, "compile: unknown expectation '%s'", expect);
		saker_engine_free(e);
		return false;
	}
	if (!ok) {
		report(w, "compile: expected %s for <%s>", expect, rest);
		print_diags(e);
	}
	saker_engine_free(e);
	return ok;
}

/*
 * "exec" or "open", then an optional JSON object of keys to change: the
 * event's base and override (malloc'd, or NULL); *s is left past them.
 */
static bool event_spec(const char **s, const char **base, char **override,
		       struct where *w)
{
	char ev[16];
	json_error_t jerr;
	json_t *o;
	const char *p;

	*override = NULL;
	if (!word(s, ev, sizeof(ev)))
		return false;
	if (!strcmp(ev, "exec")) {
		*base = tl_base_exec;
	} else if (!strcmp(ev, "open")) {
		*base = tl_base_open;
	} else {
		report(w, "event '%s' is neither exec nor open", ev);
		return false;
	}
	p = skip_blank(*s);
	if (*p != '{') {
		*s = p;
		return true;
	}
	o = json_loads(p, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!o) {
		report(w, "bad event JSON: %s", jerr.text);
		return false;
	}
	*override = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	*s = skip_blank(p + jerr.position);
	return true;
}

static bool case_eval(const char *rest, struct where *w)
{
	char expect[16];
	const char *base;
	char *override;
	struct saker_engine *e;
	bool ok = false;
	int n;

	if (!word(&rest, expect, sizeof(expect)) ||
	    (strcmp(expect, "true") && strcmp(expect, "false")))
		return false;
	if (!event_spec(&rest, &base, &override, w))
		return false;
	e = engine_for_cond(rest);
	if (saker_engine_error_count(e) || saker_engine_rule(e, 0)->state != SAKER_RULE_ACTIVE) {
		report(w, "eval: <%s> is not an active rule", rest);
		print_diags(e);
		goto release_engine;
	}
	n = run_event(e, base, override);
	ok = (n == 1) == !strcmp(expect, "true");
	if (!ok)
		report(w, "eval: <%s> expected %s, got %d alerts", rest, expect, n);
release_engine:
	saker_engine_free(e);
	free(override);
	return ok;
}

/* ---- load cases ---- */

#define MAX_FILES 4
#define MAX_EXPECT 32

struct load_case {
	struct where w;
	struct srcfile files[MAX_FILES];
	size_t nfiles;
	char *expect[MAX_EXPECT];
	size_t nexpect;
};

static const struct saker_rule_info *rule_named(const struct saker_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < saker_engine_rule_count(e); i++)
		if (!strcmp(saker_engine_rule(e, i)->name, name))
			return saker_engine_rule(e, i);
	return NULL;
}

/* One "> ..." line of a load case against e; false with a message. */
static bool load_expect(struct saker_engine *e, const char *x, struct where *w)
{
	char kw[32], arg[64];
	const char *rest = x;

	if (!word(&rest, kw, sizeof(kw)))
		return false;
	if (!strcmp(kw, "ok")) {
		if (!saker_engine_error_count(e))
			return true;
		report(w, "load: expected no error");
		return false;
	}
	if (!strcmp(kw, "nowarnings")) {
		if (!saker_engine_warning_count(e))
			return true;
		report(w, "load: expected no warning");
		return false;
	}
	if (!strcmp(kw, "error") || !strcmp(kw, "warning") || !strcmp(kw, "no")) {
		bool want = strcmp(kw, "no") != 0, got;

		if (!word(&rest, arg, sizeof(arg)))
			return false;
		got = has_diag(e, arg, !strcmp(kw, "error") ? 1 : !strcmp(kw, "warning") ? 0 : -1);
		if (got == want)
			return true;
		report(w, "load: expected %s %s", kw, arg);
		return false;
	}
	if (!strcmp(kw, "rule")) {
		/* "rule NAME STATE": the name is everything up to the last word. */
		const char *name = skip_blank(rest), *st = strrchr(name, ' ');
		const struct saker_rule_info *ri;
		char nm[128];

		if (!st || (size_t)(st - name) >= sizeof(nm))
			return false;
		memcpy(nm, name, (size_t)(st - name));
		nm[st - name] = '\0';
		ri = rule_named(e, nm);
		if (!strcmp(st + 1, "absent") ? !ri : ri && !strcmp(state_name(ri->state), st + 1))
			return true;
		report(w, "load: rule '%s' expected %s, is %s", nm, st + 1,
		       ri ? state_name(ri->state) : "absent");
		return false;
	}
	if (!strcmp(kw, "exec") || !strcmp(kw, "open")) {
		const char *base;
		char *override;
		long want;
		int n;
		bool ok;

		rest = x;
		if (!event_spec(&rest, &base, &override, w))
			return false;
		want = strtol(rest, NULL, 10);
		n = saker_engine_error_count(e) ? -1 : run_event(e, base, override);
		ok = n == want;
		if (!ok)
			report(w, "load: %s expected %ld alerts, got %d", x, want, n);
		free(override);
		return ok;
	}
	report(w, "load: unknown expectation '%s'", x);
	return false;
}

static bool case_load(struct load_case *lc)
{
	struct saker_engine *e = engine_of(lc->files, lc->nfiles);
	bool ok = lc->nexpect > 0;
	size_t i;

	if (!lc->nexpect)
		report(&lc->w, "load: no expectation");
	for (i = 0; i < lc->nexpect; i++)
		ok &= load_expect(e, lc->expect[i], &lc->w);
	if (!ok)
		print_diags(e);
	saker_engine_free(e);
	return ok;
}

static void load_case_release(struct load_case *lc)
{
	size_t i;

	for (i = 0; i < lc->nfiles; i++)
		free(lc->files[i].yaml.s);
	for (i = 0; i < lc->nexpect; i++)
		free(lc->expect[i]);
	memset(lc, 0, sizeof(*lc));
}

/* ---- case files ---- */

/* A failed case has said why, unless its line was malformed: say it then. */
static bool bad_case(struct where *w)
{
	if (!w->reported)
		report(w, "malformed case line");
	return false;
}

static void count(struct tally *t, enum kind k, bool ok)
{
	t->run[k]++;
	t->passed[k] += ok;
}

static void run_file(const char *path, const char *name, struct tally *t)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *comment = NULL;
	bool differs = false;
	size_t cap = 0;
	ssize_t n;
	unsigned int lineno = 0;
	struct load_case lc = { 0 };
	bool in_load = false;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	for (;;) {
		struct where w = { .file = name, .line = lineno + 1, .comment = comment };
		const char *rest;
		char kw[16];

		n = getline(&line, &cap, f);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		lineno++;
		if (in_load && n >= 1 && (line[0] == '|' || line[0] == '+' || line[0] == '>')) {
			const char *body = line + 1 + (line[1] == ' ');

			if (line[0] == '|') {
				struct srcfile *sf = &lc.files[lc.nfiles - 1];

				buf_str(&sf->yaml, body);
				buf_str(&sf->yaml, "\n");
			} else if (line[0] == '+' && lc.nfiles < MAX_FILES) {
				snprintf(lc.files[lc.nfiles++].name, sizeof(lc.files[0].name),
					 "%s", body);
			} else if (line[0] == '>' && lc.nexpect < MAX_EXPECT) {
				lc.expect[lc.nexpect++] = strdup(body);
			} else {
				report(&w, "too many files or expectations in a load case");
				t->format_errors++;
			}
			continue;
		}
		if (in_load) {
			count(t, K_LOAD, case_load(&lc));
			load_case_release(&lc);
			in_load = false;
		}
		if (n < 0)
			break;
		rest = line;
		if (!*skip_blank(line)) {
			/* a comment covers its paragraph */
			free(comment);
			comment = NULL;
			differs = false;
			continue;
		}
		if (line[0] == '#') {
			rest = skip_blank(line + 1);
			/* "# saker differs: why" marks the paragraph, Falco's comment stays */
			if (!strncmp(rest, "saker differs:", 14)) {
				differs = true;
			} else if (line[1] != '#') {
				free(comment);
				comment = strdup(rest);
			}
			continue;
		}
		if (!comment || !word(&rest, kw, sizeof(kw))) {
			report(&w, comment ? "unreadable line" :
			       "a case needs a '#' comment saying what Falco asserts");
			t->format_errors++;
			continue;
		}
		t->differs += differs;
		if (!strcmp(kw, "parse")) {
			count(t, K_PARSE, case_parse(rest, &w) || bad_case(&w));
		} else if (!strcmp(kw, "compile")) {
			count(t, K_COMPILE, case_compile(rest, &w) || bad_case(&w));
		} else if (!strcmp(kw, "eval")) {
			count(t, K_EVAL, case_eval(rest, &w) || bad_case(&w));
		} else if (!strcmp(kw, "load")) {
			lc.w = w;
			lc.w.comment = comment;
			lc.nfiles = 1;
			snprintf(lc.files[0].name, sizeof(lc.files[0].name), "case.yaml");
			in_load = true;
		} else {
			report(&w, "unknown case kind '%s'", kw);
			t->format_errors++;
		}
	}
	free(comment);
	free(line);
	fclose(f);
}

static int txt_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".txt");
}

START_TEST(test_conformance)
{
	struct dirent **ents;
	struct tally t = { 0 };
	char path[4096];
	unsigned int failed = 0;
	int n, i, k;

	n = scandir(CONF_DIR, &ents, txt_only, alphasort);
	ck_assert_msg(n > 0, "no case files in %s", CONF_DIR);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", CONF_DIR, ents[i]->d_name);
		run_file(path, ents[i]->d_name, &t);
		free(ents[i]);
	}
	free(ents);
	fprintf(stderr, "conformance:");
	for (k = 0; k < K_COUNT; k++) {
		fprintf(stderr, "%s %s %u/%u", k ? "," : "", kind_names[k], t.passed[k], t.run[k]);
		failed += t.run[k] - t.passed[k];
	}
	fprintf(stderr, " (%u of them assert a deliberate difference)\n", t.differs);
	ck_assert_msg(!t.format_errors, "%u malformed lines in the case files", t.format_errors);
	ck_assert_msg(!failed, "%u conformance cases failed", failed);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc = tcase_create("falco");

	/* a few hundred engines: more than Check's default 4 s under ASan */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_conformance);
	suite_add_tcase(s, tc);
	return s;
}
