// SPDX-License-Identifier: GPL-2.0
/*
 * The /metrics page. Everything here runs in the event loop's thread and
 * only reads counters that thread owns (or that are already safe to read
 * from it: the ring's header pages, the outputs' statistics), so nothing
 * is shared with the server thread but the finished text.
 * Names: saker_ prefix, counters end in _total, seconds as the unit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "httpd.h"
#include "latency.h"
#include "lib/clock.h"
#include "lib/decode.h"
#include "lib/log.h"
#include "metrics.h"
#include "outputs/outputs.h"

static void kernel(struct saker_prom *p, struct saker_ring *ring)
{
	static const char *const causes[] = { "ring_full", "fair_share", "build_fault",
					      "reentry" };
	struct saker_stats st;
	char cpu[16];
	uint32_t i;
	size_t c;

	if (!ring || saker_ring_stats(ring, &st))
		return;
	saker_prom_family(p, "saker_kernel_events_total", "counter",
			  "Events the kernel module published, per CPU ring.");
	for (i = 0; i < st.nr_rings; i++) {
		const char *l[] = { "cpu", cpu, NULL };

		snprintf(cpu, sizeof(cpu), "%u", i);
		saker_prom_sample(p, "saker_kernel_events_total", l, st.rings[i].events);
	}
	saker_prom_family(p, "saker_kernel_drops_total", "counter",
			  "Events the kernel module lost, per CPU ring and cause; rules never saw them.");
	for (i = 0; i < st.nr_rings; i++) {
		const struct saker_ring_counters *r = &st.rings[i];
		const uint64_t v[] = { r->drops_full, r->drops_share, r->drops_fault, r->reentries };

		snprintf(cpu, sizeof(cpu), "%u", i);
		for (c = 0; c < 4; c++) {
			const char *l[] = { "cpu", cpu, "cause", causes[c], NULL };

			saker_prom_sample(p, "saker_kernel_drops_total", l, v[c]);
		}
	}
	saker_prom_family(p, "saker_kernel_filtered_total", "counter",
			  "Opens the module's open filter left out (not a loss), per CPU ring.");
	for (i = 0; i < st.nr_rings; i++) {
		const char *l[] = { "cpu", cpu, NULL };

		snprintf(cpu, sizeof(cpu), "%u", i);
		saker_prom_sample(p, "saker_kernel_filtered_total", l, st.rings[i].filtered);
	}
	saker_prom_family(p, "saker_kernel_ignored_total", "counter",
			  "Events of ignored thread groups (sakerctl config set ignore=), per CPU ring.");
	for (i = 0; i < st.nr_rings; i++) {
		const char *l[] = { "cpu", cpu, NULL };

		snprintf(cpu, sizeof(cpu), "%u", i);
		saker_prom_sample(p, "saker_kernel_ignored_total", l, st.rings[i].ignored);
	}
	saker_prom_one(p, "saker_kernel_open_missed_total", "counter",
		       "Opens the kernel's open probe could not follow since sakerd attached.",
		       st.open_missed);
	saker_prom_one(p, "saker_kernel_corrupt_total", "counter",
		       "Corrupt ring records skipped (each skips its ring to its head).",
		       st.corrupt);
}

/* Alert latency as a Prometheus histogram. A log-linear bucket counts under
 * le only when its whole range is at most le: never faster than it was. */
static void latency(struct saker_prom *p, const struct saker_latency *h)
{
	static const uint64_t le_us[] = { 100, 250, 500, 1000, 2500, 5000, 10000, 15000,
					  20000, 30000, 50000, 100000, 250000, 500000,
					  1000000, 2500000, 5000000, 10000000 };
	const char *name = "saker_alert_latency_seconds_bucket";
	uint64_t cum[sizeof(le_us) / sizeof(le_us[0])] = { 0 };
	char le[32];
	size_t b, i;

	for (b = 0; b < SAKER_LAT_BUCKETS; b++) {
		uint64_t top = saker_latency_bucket_max((unsigned int)b);

		if (!h->buckets[b])
			continue;
		if (top > h->max_us)
			top = h->max_us;
		for (i = 0; i < sizeof(le_us) / sizeof(le_us[0]); i++)
			if (top <= le_us[i])
				cum[i] += h->buckets[b];
	}
	saker_prom_family(p, "saker_alert_latency_seconds", "histogram",
			  "Rule alerts: kernel event timestamp to the alert queued to every output.");
	for (i = 0; i < sizeof(le_us) / sizeof(le_us[0]); i++) {
		const char *l[] = { "le", le, NULL };

		snprintf(le, sizeof(le), "%g", (double)le_us[i] / 1e6);
		saker_prom_sample(p, name, l, cum[i]);
	}
	{
		const char *l[] = { "le", "+Inf", NULL };

		saker_prom_sample(p, name, l, h->count);
	}
	saker_prom_sample_f(p, "saker_alert_latency_seconds_sum", NULL, (double)h->sum_us / 1e6);
	saker_prom_sample(p, "saker_alert_latency_seconds_count", NULL, h->count);
}

static void one_alert_count(const char *rule, enum saker_prio prio, uint64_t n, void *arg)
{
	const char *l[] = { "rule", rule, "priority", saker_prio_name(prio), NULL };

	saker_prom_sample(arg, "saker_alerts_total", l, n);
}

static void alerts(struct saker_prom *p, const struct saker_alerts *al)
{
	size_t i, n = saker_alerts_outputs(al);
	struct saker_output_stats st;

	saker_prom_family(p, "saker_alerts_total", "counter",
			  "Alerts raised, per rule and priority (internal ones included).");
	saker_alerts_each_count(al, one_alert_count, p);
	if (saker_alerts_uncounted(al)) {
		const char *l[] = { "rule", "(other)", "priority", "unknown", NULL };

		saker_prom_sample(p, "saker_alerts_total", l, saker_alerts_uncounted(al));
	}
	saker_prom_family(p, "saker_output_sent_total", "counter",
			  "Alerts an output delivered.");
	for (i = 0; i < n; i++) {
		saker_alerts_output_stats(al, i, &st);
		saker_prom_sample(p, "saker_output_sent_total",
				  (const char *const[]){ "output", st.name, NULL }, st.sent);
	}
	saker_prom_family(p, "saker_output_dropped_total", "counter",
			  "Alerts an output lost: queue full, or a write that failed after retries.");
	for (i = 0; i < n; i++) {
		saker_alerts_output_stats(al, i, &st);
		saker_prom_sample(p, "saker_output_dropped_total",
				  (const char *const[]){ "output", st.name, "cause", "queue", NULL },
				  st.dropped_queue);
		saker_prom_sample(p, "saker_output_dropped_total",
				  (const char *const[]){ "output", st.name, "cause", "error", NULL },
				  st.dropped_error);
	}
	saker_prom_family(p, "saker_output_queued", "gauge",
			  "Alerts waiting in an output's queue now.");
	for (i = 0; i < n; i++) {
		saker_alerts_output_stats(al, i, &st);
		saker_prom_sample(p, "saker_output_queued",
				  (const char *const[]){ "output", st.name, NULL }, st.queued);
	}
	saker_prom_family(p, "saker_output_reconnects_total", "counter",
			  "TCP syslog reconnections and program output respawns.");
	for (i = 0; i < n; i++) {
		saker_alerts_output_stats(al, i, &st);
		saker_prom_sample(p, "saker_output_reconnects_total",
				  (const char *const[]){ "output", st.name, NULL }, st.reconnects);
	}
	latency(p, saker_alerts_latency(al));
}

static void pipeline(struct saker_prom *p, const struct saker_daemon *d)
{
	unsigned int t;

	saker_prom_family(p, "saker_events_total", "counter",
			  "Events decoded and run through the pipeline, per type.");
	for (t = 1; t < SAKER_REC_TYPE_MAX; t++)
		saker_prom_sample(p, "saker_events_total",
				  (const char *const[]){ "type", saker_rec_type_name(t), NULL },
				  d->pipe.events[t]);
	saker_prom_one(p, "saker_own_events_total", "counter",
		       "Events of sakerd's own children: table only, no rules.", d->pipe.own_events);
	saker_prom_one(p, "saker_decode_errors_total", "counter",
		       "Records the decoder rejected after the merge (a loss).", d->pipe.decode_errors);
	saker_prom_one(p, "saker_merge_pending", "gauge",
		       "Records waiting in the timestamp merge.", d->merge.n);
	saker_prom_one(p, "saker_merge_late_total", "counter",
		       "Records that arrived after a later one had left the merge.", d->merge.late);
	saker_prom_one(p, "saker_merge_forced_total", "counter",
		       "Records handed out early because the merge was full.", d->merge.forced);
	if (d->track.pt) {
		saker_prom_one(p, "saker_proctable_processes", "gauge",
			       "Processes in the process table.",
			       saker_proctable_count(d->track.pt));
		saker_prom_one(p, "saker_proctable_evicted_total", "counter",
			       "Process table entries evicted because it was full.",
			       saker_proctable_evicted(d->track.pt));
	}
}

static void rules(struct saker_prom *p, const struct saker_daemon *d)
{
	saker_prom_one(p, "saker_rules_loaded", "gauge", "Rules in the running engine.",
		       d->engine ? saker_engine_rule_count(d->engine) : 0);
	saker_prom_family(p, "saker_rules_load_seconds", "gauge",
			  "Time the running rules took to load and compile.");
	saker_prom_sample_f(p, "saker_rules_load_seconds", NULL, (double)d->rules_load_ns / 1e9);
	saker_prom_one(p, "saker_rules_reloads_total", "counter",
		       "Successful SIGHUP rule reloads.", d->reloads);
	saker_prom_one(p, "saker_rules_reload_failures_total", "counter",
		       "Failed SIGHUP rule reloads (the old rules stayed).", d->reload_failures);
}

int saker_metrics_render(const struct saker_daemon *d, struct saker_prom *p)
{
	memset(p, 0, sizeof(*p));
	pipeline(p, d);
	kernel(p, d->ring);
	rules(p, d);
	if (d->alerts)
		alerts(p, d->alerts);
	if (d->httpd) {
		struct saker_httpd_stats hs;

		saker_httpd_stats(d->httpd, &hs);
		saker_prom_one(p, "saker_webserver_requests_total", "counter",
			       "Requests this endpoint answered.", hs.requests);
		saker_prom_one(p, "saker_webserver_bad_requests_total", "counter",
			       "Requests refused: unparsable, too large or not GET/HEAD.", hs.bad);
		saker_prom_one(p, "saker_webserver_timeouts_total", "counter",
			       "Connections closed at the 2 s deadline.", hs.timeouts);
	}
	return saker_prom_end(p);
}

const char *saker_metrics_unhealthy(const struct saker_daemon *d)
{
	if (!d->ring && !d->replay)
		return "device not open";
	return NULL;
}

int saker_daemon_health_start(struct saker_daemon *d)
{
	struct saker_httpd_config hc = {
		.address = d->cfg->web_address, .port = d->cfg->web_port,
		.healthz_path = d->cfg->web_healthz, .metrics = d->cfg->web_metrics,
	};
	char err[256];
	int ret;

	if (!d->cfg->web_enabled)
		return 0;
	if (d->cfg->web_healthz[0] != '/') {
		saker_log_warnx("webserver.k8s_healthz_endpoint '%s': must start with '/'",
				d->cfg->web_healthz);
		return -EINVAL;
	}
	ret = saker_httpd_start(&d->httpd, &hc, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return ret;
	}
	saker_log_info("webserver: %s on %s port %u", d->cfg->web_metrics ?
		       "health and metrics" : "health", hc.address, saker_httpd_port(d->httpd));
	saker_daemon_health_tick(d);	/* healthy from the first request */
	return 0;
}

void saker_daemon_health_tick(struct saker_daemon *d)
{
	struct saker_prom p;

	saker_notify_watchdog(&d->notify, saker_now_mono_ns());
	if (!d->httpd)
		return;
	if (!d->cfg->web_metrics) {
		saker_httpd_publish(d->httpd, "", 0, saker_metrics_unhealthy(d));
		return;
	}
	/* Out of memory: the old page stays, health still moves. */
	if (saker_metrics_render(d, &p))
		saker_httpd_publish(d->httpd, NULL, 0, saker_metrics_unhealthy(d));
	else
		saker_httpd_publish(d->httpd, p.buf, p.len, saker_metrics_unhealthy(d));
	saker_prom_free(&p);
}

void saker_daemon_health_stop(struct saker_daemon *d)
{
	saker_httpd_stop(d->httpd);
	d->httpd = NULL;
}
