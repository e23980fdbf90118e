// SPDX-License-Identifier: GPL-2.0
/*
 * Alert outputs: a bounded queue and a writer thread per enabled output, the
 * shared formatted payload, statistics and shutdown. The helpers writers use
 * are in writer.c; the outputs themselves (file_output.c, syslog_local.c,
 * syslog_remote.c, program_output.c, http_output.c) plug in through struct
 * saker_out_ops (outputs_int.h). docs/outputs.md describes the queueing and
 * drop semantics.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "outputs_int.h"

#define MAX_OUTPUTS 6
/* After the drain deadline, how long a stopped writer gets to exit. */
#define STOP_GRACE_MS 200

struct saker_outputs {
	struct saker_outputs_config cfg;	/* strings point into owned copies */
	char *owned[24];
	char hostname[256];
	int pid;
	bool closed;
	bool abandoned;		/* a writer stuck in write(): o is never freed */
	size_t n;
	struct saker_out out[MAX_OUTPUTS];
};

static void wake(struct saker_out *out)
{
	uint64_t one = 1;

	/* Async-signal-safe; a full counter (never in practice) still wakes. */
	if (write(out->wake_fd, &one, sizeof(one)) < 0) {
		/* Nothing to do: the writer is woken either way. */
	}
}

/* Writer idle: returns on any wake (work, reopen, drain or stop). */
static void wait_work(struct saker_out *out)
{
	struct pollfd pfd = { .fd = out->wake_fd, .events = POLLIN };

	if (poll(&pfd, 1, -1) > 0)
		saker_out_drain_wake(out);
}

/* ---- queue and writer ------------------------------------------------- */

static void payload_put(struct saker_payload *p)
{
	if (atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	free(p->line);
	free(p->local);
	free(p->remote);
	free(p->json);
	free(p);
}

/* Head of the queue (left there until written), or NULL when to exit. */
static struct saker_payload *next_item(struct saker_out *out)
{
	struct saker_payload *p = NULL;

	for (;;) {
		if (atomic_exchange(&out->reopen_req, false) && out->ops->reopen)
			out->ops->reopen(out);
		pthread_mutex_lock(&out->lock);
		if (atomic_load(&out->stop))
			break;
		if (out->count) {
			p = out->q[out->head];
			break;
		}
		if (out->draining)
			break;
		out->sleeping = true;
		pthread_mutex_unlock(&out->lock);
		wait_work(out);
	}
	pthread_mutex_unlock(&out->lock);
	return p;
}

static void pop_item(struct saker_out *out, struct saker_payload *p, int ret)
{
	pthread_mutex_lock(&out->lock);
	out->q[out->head] = NULL;
	out->head = (out->head + 1) % out->cap;
	out->count--;
	/* Counted under the lock so that a stats snapshot always adds up. */
	if (ret)
		atomic_fetch_add(&out->dropped_error, 1);
	else
		atomic_fetch_add(&out->sent, 1);
	/* Every pop: flush() waits for empty, wait_room() for one slot. */
	pthread_cond_broadcast(&out->idle);
	pthread_mutex_unlock(&out->lock);
	payload_put(p);
}

static void *writer_main(void *arg)
{
	struct saker_out *out = arg;
	struct saker_payload *p;

	while ((p = next_item(out))) {
		int ret = out->ops->deliver(out, p);

		if (ret == -ECANCELED)
			break;
		pop_item(out, p, ret);
	}
	pthread_mutex_lock(&out->lock);
	out->done = true;
	pthread_cond_broadcast(&out->idle);
	pthread_mutex_unlock(&out->lock);
	return NULL;
}

/* ---- formatting once per alert ---------------------------------------- */

static struct saker_payload *payload_new(const struct saker_outputs *o,
					 const struct saker_alert_msg *m,
					 unsigned int need)
{
	const struct saker_outputs_config *c = &o->cfg;
	struct saker_payload *p = calloc(1, sizeof(*p));
	char *body;
	size_t len;

	if (!p)
		return NULL;
	atomic_init(&p->refs, 1);
	body = c->json ? saker_format_json(m, o->hostname, c->json_include_output,
					   c->json_include_tags)
		       : saker_format_text(m);
	if (!body)
		goto free_payload;
	if (need & SAKER_NEED_LINE) {
		p->line_len = strlen(body) + 1;
		p->line = malloc(p->line_len + 1);
		if (!p->line)
			goto free_body;
		memcpy(p->line, body, p->line_len - 1);
		p->line[p->line_len - 1] = '\n';
		p->line[p->line_len] = '\0';
	}
	if (need & SAKER_NEED_LOCAL) {
		p->local = saker_format_rfc3164(m, c->app_name,
						c->local_facility ? c->local_facility : c->facility,
						o->pid, body);
		if (!p->local)
			goto free_body;
		p->local_len = strlen(p->local);
		len = saker_format_cap(p->local, p->local_len, c->syslog_max_len);
		p->local_cut = len != p->local_len;
		p->local_len = len;
	}
	if (need & SAKER_NEED_REMOTE) {
		char *msg = saker_format_rfc5424(m, o->hostname, c->app_name,
						 c->facility, o->pid, body);

		if (!msg)
			goto free_body;
		p->remote_len = strlen(msg);
		len = saker_format_cap(msg, p->remote_len, c->remote_max_len);
		p->remote_cut = len != p->remote_len;
		p->remote_len = len;
		if (c->remote_proto != SAKER_SYSLOG_UDP) {
			/* The length counts the final, escaped bytes. */
			p->remote = saker_format_octet_frame(msg, p->remote_len,
							     &p->remote_len);
			free(msg);
			if (!p->remote)
				goto free_body;
		} else {
			p->remote = msg;
		}
	}
	if (need & SAKER_NEED_JSON) {
		p->json = c->json ? strdup(body)
				  : saker_format_json(m, o->hostname, c->json_include_output,
						      c->json_include_tags);
		if (!p->json)
			goto free_body;
		p->json_len = strlen(p->json);
	}
	free(body);
	return p;
free_body:
	free(body);
free_payload:
	payload_put(p);
	return NULL;
}

/*
 * A queue-full drop was just counted (lock held): true, with the drops since
 * the last warning in *n, when a warning is due. Rate-limited so that a
 * flood against a dead receiver costs one line per interval, not per alert.
 */
static bool drop_report_due(struct saker_out *out, uint64_t *n)
{
	uint64_t now = saker_now_mono_ns(), total = atomic_load(&out->dropped_queue);

	if (out->drop_report_ns &&
	    now - out->drop_report_ns < SAKER_OUT_DROP_REPORT_MS * 1000000ULL)
		return false;
	*n = total - out->drops_reported;
	out->drops_reported = total;
	out->drop_report_ns = now;
	return true;
}

static void drop_report(const struct saker_out *out, uint64_t n)
{
	saker_log_warnx("%s output: %llu alert%s dropped, queue full (%zu): the output is not keeping up "
			"(reported at most every %d s)", out->name, (unsigned long long)n,
			n == 1 ? "" : "s", out->cap, SAKER_OUT_DROP_REPORT_MS / 1000);
}

void saker_outputs_emit(struct saker_outputs *o, const struct saker_alert_msg *m)
{
	bool want[MAX_OUTPUTS] = { false };
	unsigned int need = 0;
	struct saker_payload *p;
	size_t i;

	/* Check room first: a flood against a stalled output costs no formatting. */
	for (i = 0; i < o->n; i++) {
		struct saker_out *out = &o->out[i];

		bool report = false;
		uint64_t n = 0;

		pthread_mutex_lock(&out->lock);
		want[i] = !out->draining && out->count < out->cap;
		if (!want[i]) {
			atomic_fetch_add(&out->dropped_queue, 1);
			report = !out->draining && drop_report_due(out, &n);
		}
		pthread_mutex_unlock(&out->lock);
		if (report)
			drop_report(out, n);
		if (want[i])
			need |= out->need;
	}
	if (!need)
		return;
	p = payload_new(o, m, need);
	for (i = 0; i < o->n; i++) {
		struct saker_out *out = &o->out[i];
		bool w = false;

		if (!want[i])
			continue;
		pthread_mutex_lock(&out->lock);
		if (!p) {
			atomic_fetch_add(&out->dropped_error, 1);
		} else if (out->draining || out->count >= out->cap) {
			atomic_fetch_add(&out->dropped_queue, 1);
		} else {
			atomic_fetch_add(&p->refs, 1);
			if (((out->need & SAKER_NEED_LOCAL) && p->local_cut) ||
			    ((out->need & SAKER_NEED_REMOTE) && p->remote_cut))
				atomic_fetch_add(&out->truncated, 1);
			out->q[(out->head + out->count) % out->cap] = p;
			out->count++;
			w = out->sleeping;
			out->sleeping = false;
		}
		pthread_mutex_unlock(&out->lock);
		if (w)
			wake(out);
	}
	if (p)
		payload_put(p);
}

void saker_outputs_reopen(struct saker_outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (!o->out[i].ops->reopen)
			continue;
		atomic_store(&o->out[i].reopen_req, true);
		wake(&o->out[i]);
	}
}

size_t saker_outputs_count(const struct saker_outputs *o)
{
	return o->n;
}

void saker_outputs_stats(const struct saker_outputs *o, size_t i,
			 struct saker_output_stats *st)
{
	struct saker_out *out;

	memset(st, 0, sizeof(*st));
	if (i >= o->n)
		return;
	/* The lock is only taken to read a consistent snapshot. */
	out = (struct saker_out *)&o->out[i];
	pthread_mutex_lock(&out->lock);
	st->name = out->name;
	st->sent = atomic_load(&out->sent);
	st->dropped_queue = atomic_load(&out->dropped_queue);
	st->dropped_error = atomic_load(&out->dropped_error);
	st->reconnects = atomic_load(&out->reconnects);
	st->resolve_retries = atomic_load(&out->resolve_retries);
	st->truncated = atomic_load(&out->truncated);
	st->queued = out->count;
	pthread_mutex_unlock(&out->lock);
}

static void deadline_ts(uint64_t deadline_ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(deadline_ns / 1000000000ULL);
	ts->tv_nsec = (long)(deadline_ns % 1000000000ULL);
}

/* Wait (lock held) on out->idle until cond() or the deadline; false on timeout. */
static bool wait_until(struct saker_out *out, uint64_t deadline_ns,
		       bool (*cond)(const struct saker_out *))
{
	struct timespec ts;

	deadline_ts(deadline_ns, &ts);
	while (!cond(out)) {
		if (pthread_cond_timedwait(&out->idle, &out->lock, &ts) == ETIMEDOUT)
			return cond(out);
	}
	return true;
}

static bool is_empty(const struct saker_out *out)
{
	return !out->count || out->done;
}

static bool is_done(const struct saker_out *out)
{
	return out->done;
}

static uint64_t deadline_after(int timeout_ms)
{
	return saker_now_mono_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ULL;
}

int saker_outputs_flush(struct saker_outputs *o, int timeout_ms)
{
	uint64_t deadline = deadline_after(timeout_ms);
	int ret = 0;
	size_t i;

	for (i = 0; i < o->n && !ret; i++) {
		struct saker_out *out = &o->out[i];

		pthread_mutex_lock(&out->lock);
		if (!wait_until(out, deadline, is_empty))
			ret = -ETIMEDOUT;
		pthread_mutex_unlock(&out->lock);
	}
	return ret;
}

static bool has_room(const struct saker_out *out)
{
	return out->count < out->cap || out->done;
}

int saker_outputs_wait_room(struct saker_outputs *o, int timeout_ms)
{
	int ret = 0;
	size_t i;

	for (i = 0; i < o->n && !ret; i++) {
		struct saker_out *out = &o->out[i];

		pthread_mutex_lock(&out->lock);
		/* The clock starts again for each output: progress, not total. */
		if (!wait_until(out, deadline_after(timeout_ms), has_room))
			ret = -ETIMEDOUT;
		pthread_mutex_unlock(&out->lock);
	}
	return ret;
}

static bool join_by(struct saker_out *out, uint64_t deadline)
{
	bool done;

	pthread_mutex_lock(&out->lock);
	done = wait_until(out, deadline, is_done);
	pthread_mutex_unlock(&out->lock);
	return done;
}

void saker_outputs_close(struct saker_outputs *o, int timeout_ms)
{
	uint64_t deadline = deadline_after(timeout_ms), grace;
	size_t i;

	if (o->closed)
		return;
	o->closed = true;
	for (i = 0; i < o->n; i++) {
		struct saker_out *out = &o->out[i];

		pthread_mutex_lock(&out->lock);
		out->draining = true;
		pthread_mutex_unlock(&out->lock);
		wake(out);
	}
	for (i = 0; i < o->n; i++)
		if (o->out[i].started)
			join_by(&o->out[i], deadline);
	for (i = 0; i < o->n; i++) {
		atomic_store(&o->out[i].stop, true);
		wake(&o->out[i]);
	}
	grace = saker_now_mono_ns() + STOP_GRACE_MS * 1000000ULL;
	for (i = 0; i < o->n; i++) {
		struct saker_out *out = &o->out[i];

		/* Only a write() stuck on a blocking fd gets here (no /proc, NFS):
		 * leave that writer behind rather than hang the daemon's exit. */
		if (out->started && !join_by(out, grace)) {
			pthread_detach(out->thread);
			out->started = false;
			out->abandoned = true;
			o->abandoned = true;
		}
	}
	for (i = 0; i < o->n; i++) {
		struct saker_out *out = &o->out[i];

		if (out->abandoned)
			continue;
		if (out->started)
			pthread_join(out->thread, NULL);
		out->started = false;
		pthread_mutex_lock(&out->lock);
		for (; out->count; out->count--) {
			payload_put(out->q[out->head]);
			out->q[out->head] = NULL;
			out->head = (out->head + 1) % out->cap;
			atomic_fetch_add(&out->dropped_queue, 1);
		}
		pthread_mutex_unlock(&out->lock);
	}
	/* A program gets the rest of the budget, at least the grace, to exit. */
	grace = saker_now_mono_ns() + STOP_GRACE_MS * 1000000ULL;
	for (i = 0; i < o->n; i++) {
		if (o->out[i].ops->close && !o->out[i].abandoned)
			o->out[i].ops->close(&o->out[i], deadline > grace ? deadline : grace);
	}
}

/* ---- construction ------------------------------------------------------ */

static void out_destroy(struct saker_out *out)
{
	pthread_cond_destroy(&out->idle);
	pthread_mutex_destroy(&out->lock);
	if (out->wake_fd >= 0)
		close(out->wake_fd);
	free(out->q);
}

static int out_init(struct saker_outputs *o, const char *name,
		    const struct saker_out_ops *ops, unsigned int need,
		    char *err, size_t errlen)
{
	struct saker_out *out = &o->out[o->n];
	pthread_condattr_t ca;
	int ret;

	out->name = name;
	out->ops = ops;
	out->need = need;
	out->cap = o->cfg.queue_size;
	out->wake_fd = -1;
	atomic_init(&out->stop, false);
	atomic_init(&out->reopen_req, false);
	atomic_init(&out->sent, 0);
	atomic_init(&out->dropped_queue, 0);
	atomic_init(&out->dropped_error, 0);
	atomic_init(&out->reconnects, 0);
	atomic_init(&out->resolve_retries, 0);
	atomic_init(&out->truncated, 0);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&out->idle, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&out->lock, NULL);
	out->q = calloc(out->cap, sizeof(*out->q));
	out->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!out->q || out->wake_fd < 0) {
		ret = out->q ? -errno : -ENOMEM;
		snprintf(err, errlen, "%s output: %s", name, strerror(-ret));
		goto destroy_out;
	}
	if (ops->open) {
		ret = ops->open(out, &o->cfg, err, errlen);
		if (ret)
			goto destroy_out;
	}
	o->n++;
	return 0;
destroy_out:
	out_destroy(out);
	return ret;
}

static int copy_str(struct saker_outputs *o, const char **s, size_t *k)
{
	char *c;

	if (!*s)
		return 0;
	/* A string field added without growing owned[] fails loudly, in tests. */
	if (*k >= sizeof(o->owned) / sizeof(o->owned[0]))
		return -E2BIG;
	c = strdup(*s);
	if (!c)
		return -ENOMEM;
	o->owned[(*k)++] = c;
	*s = c;
	return 0;
}

static int copy_config(struct saker_outputs *o, const struct saker_outputs_config *cfg)
{
	struct saker_outputs_config *c = &o->cfg;
	size_t k = 0;
	int ret = 0;

	*c = *cfg;
	if (!c->queue_size)
		c->queue_size = SAKER_OUTPUTS_QUEUE_DEFAULT;
	if (!c->app_name)
		c->app_name = "saker";
	if (!c->syslog_max_len)
		c->syslog_max_len = SAKER_SYSLOG_MAX_DEFAULT;
	if (!c->remote_max_len)
		c->remote_max_len = SAKER_SYSLOG_MAX_DEFAULT;
	ret |= copy_str(o, &c->hostname, &k);
	ret |= copy_str(o, &c->file_path, &k);
	ret |= copy_str(o, &c->remote_host, &k);
	ret |= copy_str(o, &c->remote_port, &k);
	ret |= copy_str(o, &c->app_name, &k);
	ret |= copy_str(o, &c->program, &k);
	ret |= copy_str(o, &c->syslog_path, &k);
	ret |= copy_str(o, &c->http_url, &k);
	ret |= copy_str(o, &c->http_user_agent, &k);
	ret |= copy_str(o, &c->http_ca_cert, &k);
	ret |= copy_str(o, &c->http_ca_bundle, &k);
	ret |= copy_str(o, &c->http_ca_path, &k);
	ret |= copy_str(o, &c->http_client_cert, &k);
	ret |= copy_str(o, &c->http_client_key, &k);
	ret |= copy_str(o, &c->remote_ca_file, &k);
	ret |= copy_str(o, &c->remote_server_name, &k);
	ret |= copy_str(o, &c->remote_client_cert, &k);
	ret |= copy_str(o, &c->remote_client_key, &k);
	if (ret)
		return -ENOMEM;
	if (c->hostname)
		snprintf(o->hostname, sizeof(o->hostname), "%s", c->hostname);
	else if (gethostname(o->hostname, sizeof(o->hostname) - 1))
		o->hostname[0] = '\0';
	o->pid = (int)getpid();
	return 0;
}

static void outputs_destroy(struct saker_outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		out_destroy(&o->out[i]);
	for (i = 0; i < sizeof(o->owned) / sizeof(o->owned[0]); i++)
		free(o->owned[i]);
	free(o);
}

static int start_writers(struct saker_outputs *o, char *err, size_t errlen)
{
	sigset_t all, old;
	int ret = 0;
	size_t i;

	/* Writers take no signal: SIGPIPE becomes EPIPE, and the daemon's
	 * handlers always run in its own threads. Threads inherit the mask. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < o->n && !ret; i++) {
		ret = -pthread_create(&o->out[i].thread, NULL, writer_main, &o->out[i]);
		if (ret)
			snprintf(err, errlen, "%s output: thread: %s", o->out[i].name,
				 strerror(-ret));
		else
			o->out[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int saker_outputs_new(struct saker_outputs **out,
		      const struct saker_outputs_config *cfg,
		      char *err, size_t errlen)
{
	const struct saker_outputs_config *c;
	struct saker_outputs *o;
	char dummy[1];
	int ret;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, errlen, "outputs: out of memory");
		return -ENOMEM;
	}
	ret = copy_config(o, cfg);
	if (ret) {
		snprintf(err, errlen, "outputs: out of memory");
		goto free_outputs;
	}
	c = &o->cfg;
	ret = -EINVAL;
	if (c->facility < 0 || c->facility > SAKER_SYSLOG_FACILITY_MAX ||
	    c->local_facility < 0 || c->local_facility > SAKER_SYSLOG_FACILITY_MAX) {
		snprintf(err, errlen, "syslog facility %d: not in 0..%d",
			 c->facility < 0 || c->facility > SAKER_SYSLOG_FACILITY_MAX ?
			 c->facility : c->local_facility, SAKER_SYSLOG_FACILITY_MAX);
		goto free_outputs;
	}
	if (c->syslog_max_len < SAKER_SYSLOG_MAX_MIN || c->remote_max_len < SAKER_SYSLOG_MAX_MIN) {
		snprintf(err, errlen, "syslog max_message_size %zu: below %d bytes",
			 c->syslog_max_len < c->remote_max_len ? c->syslog_max_len : c->remote_max_len,
			 SAKER_SYSLOG_MAX_MIN);
		goto free_outputs;
	}
	if (c->stdout_enabled &&
	    (ret = out_init(o, "stdout", &saker_out_stdout_ops, SAKER_NEED_LINE, err, errlen)))
		goto close_outputs;
	if (c->file_enabled &&
	    (ret = out_init(o, "file", &saker_out_file_ops, SAKER_NEED_LINE, err, errlen)))
		goto close_outputs;
	if (c->syslog_enabled &&
	    (ret = out_init(o, "syslog", &saker_out_syslog_ops, SAKER_NEED_LOCAL,
			    err, errlen)))
		goto close_outputs;
	if (c->remote_enabled &&
	    (ret = out_init(o, "remote_syslog", &saker_out_remote_ops,
			    SAKER_NEED_REMOTE, err, errlen)))
		goto close_outputs;
	if (c->program_enabled &&
	    (ret = out_init(o, "program", &saker_out_program_ops, SAKER_NEED_LINE,
			    err, errlen)))
		goto close_outputs;
	if (c->http_enabled &&
	    (ret = out_init(o, "http", &saker_out_http_ops, SAKER_NEED_JSON, err, errlen)))
		goto close_outputs;
	ret = start_writers(o, err, errlen);
	if (ret)
		goto close_outputs;
	*out = o;
	return 0;
close_outputs:
	saker_outputs_free(o, 0);
	return ret;
free_outputs:
	outputs_destroy(o);
	return ret;
}

void saker_outputs_free(struct saker_outputs *o, int timeout_ms)
{
	if (!o)
		return;
	saker_outputs_close(o, timeout_ms);
	/* A writer left behind still uses o; the process is about to exit. */
	if (!o->abandoned)
		outputs_destroy(o);
}
