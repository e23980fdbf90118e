// SPDX-License-Identifier: GPL-2.0
/*
 * Remote syslog against real receivers in this process, on 127.0.0.1
 * ephemeral ports: UDP and TCP deliver each alert exactly once with correct
 * framing and no forged record; TCP keeps its queue across a receiver's
 * restart with exact drop accounting, survives a reset mid-stream, and a
 * receiver that reads nothing never stalls emit() or close().
 */
#include "outputs_testlib.h"
#include "check_main.h"

/* ---- remote syslog ----------------------------------------------------- */

START_TEST(udp_exactly_once)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 64 };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16];
	struct rx r;
	int i;

	rx_start(&r, false, 0, &m, 0, true);
	c = remote_cfg(false, r.port, port);
	o = new_outputs(&c);
	ck_assert_uint_eq(saker_outputs_count(o), 1);
	for (i = 0; i < 64; i++)
		emit_id(o, i, i % 2 ? FORGED : NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 2000), 0);
	ck_assert(wait_for(has_msgs, &want, 2000));
	st = stats(o, 0);
	ck_assert_str_eq(st.name, "remote_syslog");
	ck_assert_uint_eq(st.sent, 64);
	ck_assert_uint_eq(st.dropped_queue + st.dropped_error + st.queued, 0);
	saker_outputs_free(o, 1000);
	rx_stop(&r, 'f');
	/* One record per datagram, no frame prefix, no line break inside. */
	ck_assert_uint_eq(m.n, 64);
	for (size_t k = 0; k < m.n; k++) {
		ck_assert_msg(!strncmp(m.v[k], "<132>1 ", 7), "%s", m.v[k]);
		ck_assert_ptr_null(strchr(m.v[k], '\n'));
		ck_assert_ptr_null(strchr(m.v[k], '\r'));
	}
	check_ids(&m, 64, 1);
	msgs_free(&m);
}
END_TEST

START_TEST(tcp_exactly_once)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 500 };
	struct saker_alert_msg am = {
		.time_ns = T0, .rule = "Test rule", .priority = SAKER_PRIO_WARNING,
		.source = "syscall", .output = "alert id=0" FORGED,
	};
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16], *text, *want0;
	struct rx r;
	int i;

	rx_start(&r, true, 0, &m, 0, true);
	c = remote_cfg(true, r.port, port);
	o = new_outputs(&c);
	for (i = 0; i < 500; i++)
		emit_id(o, i, i % 3 ? NULL : FORGED);
	ck_assert_int_eq(saker_outputs_flush(o, 2000), 0);
	ck_assert(wait_for(has_msgs, &want, 2000));
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 500);
	ck_assert_uint_eq(st.reconnects, 0);
	saker_outputs_free(o, 1000);
	rx_stop(&r, 'f');
	ck_assert_uint_eq(m.n, 500);
	ck_assert_uint_eq(m.bad, 0);
	ck_assert_uint_eq(m.partial, 0);
	ck_assert_uint_eq(m.conns, 1);
	check_ids(&m, 500, 1);
	/* The first record, exactly as formatted, the text line as MSG. */
	text = saker_format_text(&am);
	want0 = saker_format_rfc5424(&am, "test-host", "saker", 16, (int)getpid(), text);
	ck_assert_str_eq(m.v[0], want0);
	for (size_t k = 0; k < m.n; k++)
		ck_assert_ptr_null(strchr(m.v[k], '\n'));
	free(text);
	free(want0);
	msgs_free(&m);
}
END_TEST

/* Receiver gone between two batches: the queue is kept, drops are exact. */
START_TEST(tcp_reconnect_keeps_queue)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 10 };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16];
	struct rx r;
	int i, p;

	rx_start(&r, true, 0, &m, 0, true);
	p = r.port;
	c = remote_cfg(true, p, port);
	c.queue_size = 4;
	o = new_outputs(&c);
	for (i = 0; i < 10; i++) {
		emit_id(o, i, NULL);
		ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	}
	ck_assert(wait_for(has_msgs, &want, 1000));
	rx_stop(&r, 'k');
	/* Closed: 4 alerts wait in the queue, the other 6 do not fit. */
	for (i = 10; i < 20; i++)
		emit_id(o, i, NULL);
	st = stats(o, 0);
	ck_assert_uint_eq(st.dropped_queue, 6);
	ck_assert_uint_eq(st.queued, 4);
	ck_assert_uint_eq(st.sent, 10);
	rx_start(&r, true, p, &m, 0, true);
	ck_assert_int_eq(saker_outputs_flush(o, 1500), 0);
	want.n = 14;
	ck_assert(wait_for(has_msgs, &want, 1000));
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 14);
	ck_assert_uint_eq(st.dropped_queue, 6);
	ck_assert_uint_eq(st.dropped_error, 0);
	ck_assert_uint_eq(st.reconnects, 1);
	ck_assert_uint_eq(st.sent + st.dropped_queue + st.dropped_error, 20);
	saker_outputs_free(o, 1000);
	rx_stop(&r, 'f');
	/* Delivered exactly once: 0..13, in order; 14..19 were the overflow. */
	ck_assert_uint_eq(m.n, 14);
	for (size_t k = 0; k < m.n; k++)
		ck_assert_int_eq(atoi(strstr(m.v[k], "id=") + 3), (int)k);
	ck_assert_uint_eq(m.partial + m.bad, 0);
	msgs_free(&m);
}
END_TEST

/* Receiver dies with unread data while alerts stream (a reset), comes back. */
START_TEST(tcp_reset_midstream)
{
	static char pad[2049];
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 50 };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	int i, p, *seen, n = 400, after = 50;
	char port[16];
	struct rx r;

	memset(pad, 'p', sizeof(pad) - 1);
	rx_start(&r, true, 0, &m, 0, false);
	r.close_after = 50;
	ck_assert_int_eq(pthread_create(&r.th, NULL, rx_main, &r), 0);
	p = r.port;
	c = remote_cfg(true, p, port);
	c.queue_size = 64;
	o = new_outputs(&c);
	for (i = 0; i < n; i++)
		emit_id(o, i, pad);
	ck_assert(wait_for(has_msgs, &want, 1000));
	rx_stop(&r, 'k');
	rx_start(&r, true, p, &m, 0, true);
	ck_assert_int_eq(saker_outputs_flush(o, 1800), 0);
	/* Emitted after the reconnection: every one must arrive. */
	for (i = n; i < n + after; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 1000), 0);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent + st.dropped_queue + st.dropped_error, n + after);
	ck_assert_uint_ge(st.reconnects, 1);
	/* Retried once at most: never more than one failure per broken connection. */
	ck_assert_uint_le(st.dropped_error, st.reconnects);
	saker_outputs_free(o, 1000);
	rx_stop(&r, 'f');
	seen = calloc((size_t)(n + after), sizeof(int));
	for (size_t k = 0; k < m.n; k++)
		seen[atoi(strstr(m.v[k], "id=") + 3)]++;
	for (i = 0; i < n + after; i++)
		ck_assert_msg(seen[i] <= 1, "id %d delivered %d times", i, seen[i]);
	for (i = n; i < n + after; i++)
		ck_assert_msg(seen[i] == 1, "id %d lost after reconnection "
			      "(sent %llu, received %zu, connections %zu)", i,
			      (unsigned long long)st.sent, m.n, m.conns);
	ck_assert_uint_eq(m.bad, 0);
	free(seen);
	msgs_free(&m);
}
END_TEST

/* A receiver that accepts nothing and reads nothing: emit() stays fast. */
START_TEST(tcp_blocked_never_stalls_emit)
{
	static char pad[1001];
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	uint64_t t;
	char port[16];
	struct rx r;
	int i;

	rx_start(&r, true, 0, &m, 4096, false);
	c = remote_cfg(true, r.port, port);
	c.queue_size = 256;
	o = new_outputs(&c);
	/* 1 KB alerts: the socket buffers (4 MB at most) hold only a few thousand. */
	memset(pad, 'p', sizeof(pad) - 1);
	t = now_ms();
	for (i = 0; i < 100000; i++)
		emit_id(o, i, pad);
	t = now_ms() - t;
	ck_assert_msg(t < 1500, "100000 emits took %llu ms", (unsigned long long)t);
	st = stats(o, 0);
	ck_assert_uint_gt(st.dropped_queue, 90000);
	ck_assert_uint_eq(st.sent + st.dropped_queue + st.dropped_error + st.queued, 100000);
	t = now_ms();
	saker_outputs_close(o, 100);
	t = now_ms() - t;
	ck_assert_msg(t < 1000, "close took %llu ms", (unsigned long long)t);
	st = stats(o, 0);
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_uint_eq(st.sent + st.dropped_queue + st.dropped_error, 100000);
	/* After close, emit() only counts. */
	emit_id(o, 0, NULL);
	ck_assert_uint_eq(stats(o, 0).dropped_queue, st.dropped_queue + 1);
	saker_outputs_free(o, 0);
	close(r.fd);
	close(r.stop[0]);
	close(r.stop[1]);
}
END_TEST

START_TEST(tcp_down_close_counts_leftovers)
{
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16];
	struct rx r;
	int p, i;

	/* A port that refuses: bound, then closed. */
	rx_start(&r, true, 0, &m, 0, false);
	p = r.port;
	close(r.fd);
	close(r.stop[0]);
	close(r.stop[1]);
	c = remote_cfg(true, p, port);
	c.queue_size = 8;
	o = new_outputs(&c);
	for (i = 0; i < 5; i++)
		emit_id(o, i, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 50), -ETIMEDOUT);
	saker_outputs_close(o, 50);
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 0);
	ck_assert_uint_eq(st.dropped_queue, 5);
	ck_assert_uint_eq(st.queued, 0);
	saker_outputs_free(o, 0);
}
END_TEST

/*
 * A host that does not resolve at start (DNS not up yet at boot) is not
 * fatal: each send resolves it again, counted in resolve_retries, and what
 * could not be sent counts as dropped_error, never silently.
 */
START_TEST(unresolved_host_is_retried)
{
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16];
	int i;

	c = remote_cfg(false, 514, port);
	c.remote_host = "saker-test.invalid";	/* RFC 6761: never resolves */
	o = new_outputs(&c);
	for (i = 0; i < 3; i++)
		emit_id(o, i, NULL);
	saker_outputs_flush(o, 5000);
	st = stats(o, 0);
	ck_assert_uint_eq(st.resolve_retries, 3);
	ck_assert_uint_eq(st.dropped_error, 3);
	ck_assert_uint_eq(st.sent, 0);
	saker_outputs_free(o, 1000);
}
END_TEST

/*
 * An alert longer than the receiver's limit (a 9000-byte command line here;
 * rsyslog's default limit is 8 KiB): one frame, cut to max_message_size
 * with the marker, counted; over TCP and UDP, at the default and at a
 * chosen limit. rsyslog split such a record in two over TCP before.
 */
static void long_record(bool tcp, size_t max)
{
	static char big[9001];
	struct msgs m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct msgs_arg want = { &m, 2 };
	size_t limit = max ? max : SAKER_SYSLOG_MAX_DEFAULT;
	struct saker_outputs_config c;
	struct saker_output_stats st;
	struct saker_outputs *o;
	char port[16];
	struct rx r;

	memset(big, 'x', sizeof(big) - 1);
	big[0] = ' ';
	rx_start(&r, tcp, 0, &m, tcp ? 0 : 1 << 20, true);
	c = remote_cfg(tcp, r.port, port);
	c.json = true;
	c.json_include_output = true;
	c.remote_max_len = max;
	o = new_outputs(&c);
	emit_id(o, 0, big);
	emit_id(o, 1, NULL);
	ck_assert_int_eq(saker_outputs_flush(o, 2000), 0);
	ck_assert(wait_for(has_msgs, &want, 2000));
	st = stats(o, 0);
	ck_assert_uint_eq(st.sent, 2);
	ck_assert_uint_eq(st.truncated, 1);
	saker_outputs_free(o, 1000);
	rx_stop(&r, 'f');
	/* Two records: the long one whole at the limit, the short one intact. */
	ck_assert_uint_eq(m.n, 2);
	ck_assert_uint_eq(m.bad + m.partial, 0);
	ck_assert_uint_eq(strlen(m.v[0]), limit);
	ck_assert_str_eq(m.v[0] + limit - strlen(SAKER_SYSLOG_TRUNC_MARK),
			 SAKER_SYSLOG_TRUNC_MARK);
	ck_assert_ptr_nonnull(strstr(m.v[0], "alert id=0 xxx"));
	ck_assert_ptr_nonnull(strstr(m.v[1], "alert id=1"));
	ck_assert_ptr_null(strstr(m.v[1], SAKER_SYSLOG_TRUNC_MARK));
	msgs_free(&m);
}

START_TEST(long_record_cut_tcp_default)
{
	long_record(true, 0);
}
END_TEST

START_TEST(long_record_cut_udp_chosen)
{
	long_record(false, 2000);
}
END_TEST

START_TEST(max_message_size_too_small)
{
	struct saker_outputs_config c;
	struct saker_outputs *o = NULL;
	char port[16], err[256];

	c = remote_cfg(true, 514, port);
	c.remote_max_len = 100;
	ck_assert_int_eq(saker_outputs_new(&o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "max_message_size"));
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("syslog_remote");
	TCase *tc = tcase_create("remote_syslog");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, udp_exactly_once);
	tcase_add_test(tc, unresolved_host_is_retried);
	tcase_add_test(tc, tcp_exactly_once);
	tcase_add_test(tc, tcp_reconnect_keeps_queue);
	tcase_add_test(tc, tcp_reset_midstream);
	tcase_add_test(tc, tcp_blocked_never_stalls_emit);
	tcase_add_test(tc, tcp_down_close_counts_leftovers);
	tcase_add_test(tc, long_record_cut_tcp_default);
	tcase_add_test(tc, long_record_cut_udp_chosen);
	tcase_add_test(tc, max_message_size_too_small);
	suite_add_tcase(s, tc);
	return s;
}
