/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rule engine's unit tests: an engine from a YAML
 * string, events from JSON (the replay format), one-rule match checks.
 */
#ifndef SAKER_RULES_TESTLIB_H
#define SAKER_RULES_TESTLIB_H

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/proctable.h"
#include "daemon/pipeline.h"
#include "daemon/replay.h"
#include "rules/rules.h"

#ifndef SAKER_TOP
#define SAKER_TOP "."
#endif

#define HOST_PIDNS 4026531836u

/* The track step tl_run() drives: a test's process table, or none. */
static struct saker_track tl_track;

static char tl_last_rule[256];
static char tl_last_output[4096];

static void tl_on_alert(void *arg, const struct saker_alert *a)
{
	(void)arg;
	snprintf(tl_last_rule, sizeof(tl_last_rule), "%s", a->rule->name);
	snprintf(tl_last_output, sizeof(tl_last_output), "%s", a->output);
}

/* Engine from a YAML buffer; errors are printed to help a failing test. */
static inline struct saker_engine *tl_engine(const char *yaml)
{
	struct saker_engine *e = saker_engine_new();

	ck_assert_ptr_nonnull(e);
	tl_track.pt = NULL;
	saker_engine_load_buffer(e, "test.yaml", yaml, strlen(yaml));
	saker_engine_compile(e);
	if (saker_engine_error_count(e))
		saker_engine_print_diags(e, stderr);
	return e;
}

/* e reads pt, which tl_run() keeps as sakerd does (fork/exec, exit). */
static inline void tl_use_proctable(struct saker_engine *e, struct saker_proctable *pt)
{
	tl_track.pt = pt;
	saker_engine_set_proctable(e, pt);
}

/* Base events: a host process (pid 100, parent 50) doing an exec or open. */
static const char *const tl_base_exec =
	"{\"type\":\"exec\",\"ts\":1000,\"cpu\":0,\"tid\":100,\"pid\":100,\"ppid\":50,"
	"\"vtid\":100,\"vpid\":100,\"sid\":100,\"session_leader\":false,\"uid\":0,"
	"\"gid\":0,\"euid\":0,\"egid\":0,\"loginuid\":-1,\"tty_dev\":0,\"tty\":null,"
	"\"io_worker\":false,\"ns\":{\"mnt\":1,\"pid\":4026531836,\"net\":3,\"uts\":4,"
	"\"ipc\":5,\"user\":6,\"cgroup\":7},\"cgroup_id\":99,\"comm\":\"bash\","
	"\"syscall\":\"execve\",\"filename\":\"/bin/bash\",\"exe\":\"/usr/bin/bash\","
	"\"args\":[\"bash\",\"-c\",\"id\"],\"args_truncated\":false,\"cwd\":\"/root\","
	"\"cgroup\":\"/user.slice\",\"parent_other_pidns\":false,\"stdin\":\"tty\","
	"\"stdout\":\"pipe\",\"stderr\":\"file\"}";

static const char *const tl_base_open =
	"{\"type\":\"open\",\"ts\":2000,\"cpu\":1,\"tid\":100,\"pid\":100,\"ppid\":50,"
	"\"vtid\":100,\"vpid\":100,\"sid\":100,\"session_leader\":false,\"uid\":1000,"
	"\"gid\":1000,\"euid\":1000,\"egid\":1000,\"loginuid\":1000,\"tty_dev\":0,"
	"\"tty\":null,\"io_worker\":false,\"ns\":{\"mnt\":1,\"pid\":4026531836,\"net\":3,"
	"\"uts\":4,\"ipc\":5,\"user\":6,\"cgroup\":7},\"cgroup_id\":99,\"comm\":\"cat\","
	"\"syscall\":\"openat\",\"path\":\"/etc/shadow\",\"fd\":3,\"errno\":0,"
	"\"errname\":null,\"flags\":524288,\"mode\":0,\"is_exec\":false,"
	"\"path_from_name\":false,\"path_truncated\":false,\"ino\":42,\"dev\":2049}";

/* base with the keys of override (a JSON object text) replaced. */
static inline char *tl_event(const char *base, const char *override)
{
	json_t *b = json_loads(base, 0, NULL), *o;
	char *s;

	ck_assert_ptr_nonnull(b);
	if (override && *override) {
		o = json_loads(override, 0, NULL);
		ck_assert_msg(o != NULL, "bad override %s", override);
		json_object_update(b, o);
		json_decref(o);
	}
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	return s;
}

/*
 * Runs one JSON event through sakerd's per-record step (decode, track,
 * rules) with e; returns the number of alerts.
 */
static inline int tl_run(struct saker_engine *e, const char *json)
{
	static uint64_t rec[8192];
	struct saker_pipeline p = {
		.track = &tl_track, .engine = e, .alert = tl_on_alert,
	};
	char jerr[SAKER_REPLAY_ERRLEN];
	const char *err = NULL;
	long len;
	int n;

	len = saker_json_to_record(json, strlen(json), rec, sizeof(rec), NULL, jerr, sizeof(jerr));
	ck_assert_msg(len > 0, "json_to_record: %s", jerr);
	tl_last_rule[0] = '\0';
	n = saker_pipeline_record(&p, rec, (size_t)len, &err);
	ck_assert_msg(n >= 0, "decode: %s", err ? err : "?");
	return n;
}

/* Does condition cond match base+override? -1 when it does not compile. */
static inline int tl_match(const char *cond, const char *base, const char *override)
{
	char yaml[8192];
	struct saker_engine *e;
	char *ev;
	int n;

	snprintf(yaml, sizeof(yaml),
		 "- rule: t\n  desc: t\n  condition: |\n    %s\n  output: o\n"
		 "  priority: INFO\n  warn_evttypes: false\n", cond);
	e = tl_engine(yaml);
	if (saker_engine_error_count(e)) {
		saker_engine_free(e);
		return -1;
	}
	ev = tl_event(base, override);
	n = tl_run(e, ev);
	free(ev);
	saker_engine_free(e);
	return n;
}

#define MATCH_OPEN(c, o) tl_match(c, tl_base_open, o)
#define MATCH_EXEC(c, o) tl_match(c, tl_base_exec, o)

/* Diagnostic i of e has this code (and error-ness). */
static inline bool tl_has_code(struct saker_engine *e, const char *code,
			       unsigned int *line, unsigned int *col)
{
	const char *c;
	size_t i;

	for (i = 0; (c = saker_engine_diag_code(e, i, NULL, line, col)); i++)
		if (!strcmp(c, code))
			return true;
	return false;
}

#endif /* SAKER_RULES_TESTLIB_H */
