// SPDX-License-Identifier: GPL-2.0
/*
 * Alert sink. Rule matches are formatted once into a struct
 * saker_alert_msg, which the outputs library (outputs/) queues to each
 * output without blocking.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "latency.h"
#include "lib/clock.h"
#include "lib/dict.h"
#include "lib/json.h"
#include "outputs/outputs.h"

struct saker_alerts {
	struct saker_outputs *out;
	char hostname[256];
	uint64_t total;
	struct saker_dict *counts;	/* rule name -> struct rule_count */
	uint64_t other;			/* not counted by rule: no memory */
	struct saker_latency latency;	/* rule alerts: event to outputs */
};

/* Per priority: internal alerts of one name come at several (Critical, then Notice). */
struct rule_count {
	uint64_t n[SAKER_PRIO_DEBUG + 1];
};

int saker_alerts_new(struct saker_alerts **out, const struct saker_config *cfg,
		     char *err, size_t errlen)
{
	struct saker_alerts *al = calloc(1, sizeof(*al));
	int ret = 0;

	if (!al)
		return -ENOMEM;
	al->counts = saker_dict_new(free);
	if (!al->counts) {
		ret = -ENOMEM;
		goto free_al;
	}
	if (cfg->hostname)
		snprintf(al->hostname, sizeof(al->hostname), "%s", cfg->hostname);
	else if (gethostname(al->hostname, sizeof(al->hostname) - 1))
		strcpy(al->hostname, "localhost");
	{
		struct saker_outputs_config oc = {
			.json = cfg->json_output,
			.json_include_output = cfg->json_include_output,
			.json_include_tags = cfg->json_include_tags,
			.queue_size = cfg->queue_capacity,
			.hostname = al->hostname,
			.stdout_enabled = cfg->stdout_enabled,
			.file_enabled = cfg->file_enabled,
			.file_path = cfg->file_path,
			.syslog_enabled = cfg->syslog_enabled,
			.remote_enabled = cfg->remote_enabled,
			.remote_host = cfg->remote_host,
			.remote_port = cfg->remote_port,
			.remote_proto = cfg->remote_proto == SAKER_CFG_TLS ? SAKER_SYSLOG_TLS :
					cfg->remote_proto == SAKER_CFG_TCP ? SAKER_SYSLOG_TCP :
					SAKER_SYSLOG_UDP,
			.remote_ca_file = cfg->remote_ca_file,
			.remote_server_name = cfg->remote_server_name,
			.remote_client_cert = cfg->remote_client_cert,
			.remote_client_key = cfg->remote_client_key,
			.syslog_max_len = cfg->syslog_max_len,
			.remote_max_len = cfg->remote_max_len,
			.facility = cfg->facility,
			.local_facility = cfg->syslog_facility,
			.app_name = "saker",
			.program_enabled = cfg->program_enabled,
			.program = cfg->program,
			.program_keep_alive = cfg->program_keep_alive,
			.http_enabled = cfg->http_enabled,
			.http_url = cfg->http_url,
			.http_user_agent = cfg->http_user_agent,
			.http_insecure = cfg->http_insecure,
			.http_ca_cert = cfg->http_ca_cert,
			.http_ca_bundle = cfg->http_ca_bundle,
			.http_ca_path = cfg->http_ca_path,
			.http_mtls = cfg->http_mtls,
			.http_client_cert = cfg->http_client_cert,
			.http_client_key = cfg->http_client_key,
			.http_echo = cfg->http_echo,
			.http_compress = cfg->http_compress,
			.http_keep_alive = cfg->http_keep_alive,
		};

		ret = saker_outputs_new(&al->out, &oc, err, errlen);
		if (ret)
			goto free_counts;
	}
	*out = al;
	return 0;
free_counts:
	saker_dict_free(al->counts);
free_al:
	free(al);
	return ret;
}

int saker_alerts_flush(struct saker_alerts *al, int timeout_ms)
{
	return saker_outputs_flush(al->out, timeout_ms);
}

int saker_alerts_wait_room(struct saker_alerts *al, int timeout_ms)
{
	return saker_outputs_wait_room(al->out, timeout_ms);
}

void saker_alerts_close(struct saker_alerts *al, int timeout_ms)
{
	saker_outputs_close(al->out, timeout_ms);
}

void saker_alerts_free(struct saker_alerts *al)
{
	if (!al)
		return;
	saker_outputs_free(al->out, 2000);
	saker_dict_free(al->counts);
	free(al);
}

static void count_rule(struct saker_alerts *al, const char *name, enum saker_prio prio)
{
	struct rule_count *n = saker_dict_get(al->counts, name);

	al->total++;
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n || saker_dict_put(al->counts, name, n)) {
			free(n);
			al->other++;
			return;
		}
	}
	n->n[prio <= SAKER_PRIO_DEBUG ? prio : SAKER_PRIO_DEBUG]++;
}

static void emit(struct saker_alerts *al, uint64_t time_ns, const char *rule,
		 enum saker_prio prio, const char *source, const char *output,
		 json_t *fields, const char *const *tags, size_t ntags)
{
	struct saker_alert_msg m = {
		.time_ns = time_ns, .rule = rule, .priority = prio,
		.source = source, .output = output, .output_fields = fields,
		.tags = tags, .ntags = ntags,
	};

	saker_outputs_emit(al->out, &m);
}

void saker_alerts_rule(void *arg, const struct saker_alert *a)
{
	struct saker_alerts *al = arg;
	json_t *fields = json_object();
	size_t i, n = saker_alert_nfields(a);

	count_rule(al, a->rule->name, a->rule->priority);
	for (i = 0; fields && i < n; i++) {
		struct saker_value v;
		const char *name;

		if (saker_alert_field(a, i, &name, &v))
			break;
		json_object_set_new(fields, name, saker_value_json(&v));
	}
	/* The event's own time, the same for each rule it fires (pipeline.c). */
	emit(al, a->ev->time_ns, a->rule->name, a->rule->priority,
	     a->rule->source ? a->rule->source : "syscall", a->output, fields,
	     a->rule->tags, a->rule->ntags);
	/* Measured once the alert is queued: formatting is part of the cost. */
	saker_latency_add_ns(&al->latency, a->ev->task->ts_ns, saker_now_mono_ns());
	json_decref(fields);
}

void saker_alerts_internal(struct saker_alerts *al, enum saker_prio prio,
			   const char *rule, const char *output, json_t *fields)
{
	static const char *const tags[] = { "saker" };

	if (!fields)
		fields = json_object();
	count_rule(al, rule, prio);
	emit(al, saker_now_real_ns(), rule, prio, "internal", output, fields, tags, 1);
	json_decref(fields);
}

void saker_alerts_reopen(struct saker_alerts *al)
{
	saker_outputs_reopen(al->out);
}

static int add_count(const char *rule, void *v, void *rules)
{
	const struct rule_count *c = v;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i <= SAKER_PRIO_DEBUG; i++)
		sum += c->n[i];
	json_object_set_new(rules, rule, json_integer((json_int_t)sum));
	return 0;
}

void saker_alerts_stats(const struct saker_alerts *al, json_t *obj)
{
	json_t *rules = json_object(), *outs = json_array();
	size_t i;

	saker_dict_each(al->counts, add_count, rules);
	if (al->other)
		json_object_set_new(rules, "(other)", json_integer((json_int_t)al->other));
	for (i = 0; i < saker_outputs_count(al->out); i++) {
		struct saker_output_stats st;

		saker_outputs_stats(al->out, i, &st);
		json_array_append_new(outs, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			"name", st.name, "sent", (json_int_t)st.sent,
			"dropped_queue", (json_int_t)st.dropped_queue,
			"dropped_error", (json_int_t)st.dropped_error,
			"queued", (json_int_t)st.queued,
			"reconnects", (json_int_t)st.reconnects,
			"resolve_retries", (json_int_t)st.resolve_retries,
			"truncated", (json_int_t)st.truncated));
	}
	json_object_set_new(obj, "alerts_total", json_integer((json_int_t)al->total));
	json_object_set_new(obj, "alerts", rules);
	json_object_set_new(obj, "outputs", outs);
	json_object_set_new(obj, "latency_us", json_pack("{s:I,s:I,s:I,s:I}",
		"alerts", (json_int_t)al->latency.count,
		"p50", (json_int_t)saker_latency_quantile(&al->latency, 0.50),
		"p99", (json_int_t)saker_latency_quantile(&al->latency, 0.99),
		"max", (json_int_t)al->latency.max_us));
}

uint64_t saker_alerts_total(const struct saker_alerts *al)
{
	return al->total;
}

struct each_count {
	saker_alerts_count_fn fn;
	void *arg;
};

static int each_count(const char *rule, void *v, void *arg)
{
	const struct rule_count *c = v;
	struct each_count *ec = arg;
	int p;

	for (p = 0; p <= SAKER_PRIO_DEBUG; p++)
		if (c->n[p])
			ec->fn(rule, (enum saker_prio)p, c->n[p], ec->arg);
	return 0;
}

void saker_alerts_each_count(const struct saker_alerts *al, saker_alerts_count_fn fn, void *arg)
{
	struct each_count ec = { fn, arg };

	saker_dict_each(al->counts, each_count, &ec);
}

uint64_t saker_alerts_uncounted(const struct saker_alerts *al)
{
	return al->other;
}

const struct saker_latency *saker_alerts_latency(const struct saker_alerts *al)
{
	return &al->latency;
}

size_t saker_alerts_outputs(const struct saker_alerts *al)
{
	return saker_outputs_count(al->out);
}

void saker_alerts_output_stats(const struct saker_alerts *al, size_t i,
			       struct saker_output_stats *st)
{
	saker_outputs_stats(al->out, i, st);
}
