// SPDX-License-Identifier: GPL-2.0
/*
 * sakerctl: control tool for the saker module. The commands are in the
 * table at the end: trace and info here (the device), status, stats and
 * config in ctl/ (the generic netlink control plane).
 * Exit status: 0 success, 1 runtime error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/capture.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/ring.h"
#include "lib/version.h"
#include "ctl/ctl.h"


static const char main_usage[] =
"Usage: sakerctl COMMAND [OPTIONS]\n"
"       sakerctl COMMAND --help\n"
"\n"
"Control and inspect saker, the runtime threat detector: the kernel module\n"
"(saker.ko) reports process and file events through /dev/saker.\n"
"\n"
"Commands:\n"
"  status  what the module is doing: version, reader, classes, drops\n"
"  stats   each CPU's ring counters, once or --watch\n"
"  config  read or change the module's configuration (event classes)\n"
"  trace   print kernel events as JSON lines, or record and replay\n"
"          capture files\n"
"  info    the device's ABI handshake: ring layout and parameters\n"
"\n"
"status, stats and config ask the module over generic netlink and work while\n"
"sakerd runs; trace and info open /dev/saker, which admits one reader.\n"
"\n"
"Options:\n"
"  -h, --help   show this help\n"
"  --version    print the version and the module ABI it speaks\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 usage error.\n";

static const char trace_usage[] =
"Usage: sakerctl trace [--device PATH] [--count N] [--write FILE]\n"
"       sakerctl trace --read FILE [--count N] [--write FILE]\n"
"\n"
"Attach to the saker kernel module as its only reader and print every event\n"
"as one compact JSON line on standard output (keys and order: TRACE JSON in\n"
"sakerctl(8)). Bytes of paths and arguments that are\n"
"not valid UTF-8 are written as the text \\xNN.\n"
"\n"
"Statistics go to standard error as one JSON line {\"type\":\"stats\",...}\n"
"when the reader is ready, on SIGUSR1 and at exit. SIGINT and SIGTERM stop\n"
"the trace: what was read is printed (under a storm, reading stops within a\n"
"few thousand events), then the final statistics; the exit status is 0.\n"
"\n"
"Options:\n"
"  -d, --device PATH  device to read (default " SAKER_DEVICE ")\n"
"  -c, --count N      stop after N events\n"
"  -w, --write FILE   write the raw records to the capture file FILE instead\n"
"                     of JSON (\"-\": standard output)\n"
"  -r, --read FILE    replay the capture file FILE (\"-\": standard input)\n"
"                     instead of reading the device; no root needed\n"
"  -h, --help         show this help\n"
"\n"
"A capture file is a 24-byte header (\"SAKERCAP\", ABI version, header\n"
"length, the clock anchor: realtime minus monotonic ns when it began)\n"
"followed by the records exactly as the kernel wrote them; read it on the\n"
"same architecture and with the same ABI version. Older captures with a\n"
"16-byte header still read, timed with this host's anchor (a warning).\n"
"\n"
"Exit status:\n"
"  0  normal end: signal, --count reached, end of the capture file\n"
"  1  runtime error: device, ABI mismatch, write error, corrupt capture\n"
"  2  usage error\n"
"\n"
"Examples:\n"
"  sakerctl trace | jq -c 'select(.type == \"exec\")'\n"
"  sakerctl trace --write /tmp/run.cap        # until Ctrl-C\n"
"  sakerctl trace --read /tmp/run.cap --count 10\n"
"  kill -USR1 $(pidof sakerctl)               # statistics now\n";

static const char info_usage[] =
"Usage: sakerctl info [--device PATH]\n"
"\n"
"Open the device, perform the ABI handshake and print what the module\n"
"reports: ABI version, number of rings, ring, header and mapping sizes,\n"
"opens missed by its probe, wakeup parameters and the probed function.\n"
"The device admits one reader: this fails while sakerd or a trace runs;\n"
"sakerctl status reports the same over netlink at any time.\n"
"\n"
"Options:\n"
"  -d, --device PATH  device to query (default " SAKER_DEVICE ")\n"
"  -h, --help         show this help\n";

static volatile sig_atomic_t got_stop, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_stop = 1;
}

/*
 * epoll_pwait() leaves a signal pending when it also returns events, so
 * under a steady stream the handler would never run: collect them here.
 */
static void take_pending_signals(void)
{
	static const struct timespec zero;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	while ((sig = sigtimedwait(&set, NULL, &zero)) > 0)
		on_signal(sig);
}

struct trace {
	const char *device;
	const char *read_path;
	const char *write_path;
	uint64_t limit;		/* 0: no limit */
	uint64_t seen;
	uint64_t corrupt_seen;	/* corruptions already reported */
	struct saker_capture_writer *cap;
	int error;		/* first sink error, -errno */
	bool live;		/* events from the device: timed with clock */
	struct saker_clock_anchor clock;
	uint64_t clock_checked;	/* CLOCK_MONOTONIC of the last refresh */
};

static int print_stats(const struct saker_stats *st)
{
	json_t *j = saker_json_stats(st);
	int ret;

	if (!j)
		return -ENOMEM;
	ret = saker_json_print(stderr, j);
	json_decref(j);
	return ret;
}

static int ring_stats(struct saker_ring *r)
{
	struct saker_stats st;

	/* A failed INFO still leaves the ring counters worth printing. */
	saker_ring_stats(r, &st);
	return print_stats(&st);
}

static int on_event(const struct saker_event *ev, void *ctx)
{
	struct trace *t = ctx;
	struct saker_event timed;
	json_t *j;
	int ret;

	if (t->cap) {
		ret = saker_capture_write_event(t->cap, ev);
	} else {
		/* A capture's reader has timed its events; the ring's are ours. */
		if (t->live) {
			timed = *ev;
			timed.time_ns = saker_clock_real_ns(ev->task->ts_ns,
							    t->clock.offset_ns);
			ev = &timed;
		}
		j = saker_json_event(ev);
		ret = j ? saker_json_print(stdout, j) : -ENOMEM;
		json_decref(j);
	}
	if (ret) {
		t->error = ret;
		return ret;
	}
	t->seen++;
	/* Under a storm a drain pass is long: stay responsive to SIGINT. */
	if (!(t->seen % 4096)) {
		take_pending_signals();
		if (got_stop)
			return 1;
	}
	return t->limit && t->seen >= t->limit;
}

/* End of a batch: push output out, so readers see events promptly. */
static int flush_sink(struct trace *t)
{
	int ret;

	if (t->cap) {
		ret = saker_capture_flush(t->cap);
		if (ret) {
			t->error = ret;
			saker_log_warnx("%s",
				saker_capture_writer_error(t->cap));
		}
		return ret;
	}
	if (fflush(stdout)) {
		ret = -errno;
		t->error = ret;
		saker_log_warn("standard output");
		return ret;
	}
	return 0;
}

static void report_sink_error(struct trace *t)
{
	if (t->cap)
		saker_log_warnx("%s",
			saker_capture_writer_error(t->cap));
	else
		saker_log_warnx("writing an event: %s",
			strerror(-t->error));
}

static void report_corrupt(struct trace *t, struct saker_ring *r)
{
	uint64_t n = saker_ring_corrupt(r);

	if (n == t->corrupt_seen)
		return;
	t->corrupt_seen = n;
	saker_log_warnx("corrupt record: %s (%" PRIu64 " so far)\n",
		saker_ring_error(r), n);
}

/* Drain once; 1 when the trace is over (--count), 0 to go on, <0 error. */
static int drain_batch(struct trace *t, struct saker_ring *r)
{
	int ret = saker_ring_drain_events(r, on_event, t);

	report_corrupt(t, r);
	if (ret < 0 && t->error) {
		report_sink_error(t);
		return ret;
	}
	if (ret < 0) {
		saker_log_warnx("%s", saker_ring_error(r));
		return ret;
	}
	ret = flush_sink(t);
	if (ret)
		return ret;
	return t->limit && t->seen >= t->limit;
}

/* At most once a second: follow a step of the wall clock (lib/clock.h). */
static void check_clock(struct trace *t)
{
	uint64_t now = saker_now_mono_ns();

	if (now - t->clock_checked < SAKER_NSEC_PER_SEC)
		return;
	t->clock_checked = now;
	saker_clock_anchor_refresh(&t->clock, NULL);
}

static int trace_loop(struct trace *t, struct saker_ring *r,
		      const sigset_t *waitmask)
{
	int ret;

	for (;;) {
		ret = drain_batch(t, r);
		if (ret)
			return ret < 0 ? ret : 0;
		check_clock(t);
		take_pending_signals();
		if (got_usr1) {
			got_usr1 = 0;
			ring_stats(r);
		}
		if (got_stop)
			break;
		ret = saker_ring_wait(r, -1, waitmask);
		if (ret < 0 && ret != -EINTR) {
			saker_log_warnx("epoll_wait: %s",
				strerror(-ret));
			return ret;
		}
	}
	/* Stopped by a signal: hand out what is already there. */
	ret = drain_batch(t, r);
	return ret < 0 ? ret : 0;
}

static int trace_live(struct trace *t)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, waitmask;
	struct saker_ring *r;
	char err[SAKER_ERRLEN];
	int ret;

	/* Signals stay blocked except inside epoll_pwait: no lost wakeup. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGUSR1);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	ret = saker_ring_open(&r, t->device, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s%s", err, saker_ring_open_hint(ret));
		return ret;
	}
	t->live = true;
	saker_clock_anchor_sample(&t->clock);
	t->clock_checked = saker_now_mono_ns();
	ring_stats(r);
	ret = trace_loop(t, r, &waitmask);
	ring_stats(r);
	saker_ring_close(r);
	return ret;
}

/* clock_offset_ns: the anchor of the capture read, NULL for this host's. */
static int open_writer(struct trace *t, const int64_t *clock_offset_ns)
{
	char err[SAKER_ERRLEN];
	int ret;

	if (clock_offset_ns)
		ret = saker_capture_writer_open_at(&t->cap, t->write_path,
						   *clock_offset_ns, err,
						   sizeof(err));
	else
		ret = saker_capture_writer_open(&t->cap, t->write_path, err,
						sizeof(err));
	if (ret)
		saker_log_warnx("%s", err);
	return ret;
}

static int trace_replay(struct trace *t)
{
	const struct saker_capture_info *info;
	struct saker_stats st = { 0 };
	struct saker_capture_reader *in;
	struct saker_event ev;
	char err[SAKER_ERRLEN];
	int ret;

	ret = saker_capture_reader_open(&in, t->read_path, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s", err);
		return ret;
	}
	info = saker_capture_reader_info(in);
	if (!info->has_clock)
		saker_log_warnx("%s: a capture from before the clock anchor: "
				"wall-clock times are this host's boot time plus the "
				"events' timestamps", t->read_path);
	/* A copy keeps the original anchor, so its times stay the same. */
	if (t->write_path && open_writer(t, &info->clock_offset_ns)) {
		saker_capture_reader_close(in);
		return -EIO;
	}
	while (!(t->limit && t->seen >= t->limit)) {
		ret = saker_capture_next(in, &ev);
		if (ret <= 0)
			break;
		ret = on_event(&ev, t);
		if (ret < 0) {
			report_sink_error(t);
			break;
		}
		ret = 0;
	}
	if (ret < 0 && !t->error) {
		saker_log_warnx("%s", saker_capture_reader_error(in));
		st.corrupt = ret == -EBADMSG;
	}
	if (!t->error && flush_sink(t) && !ret)
		ret = t->error;
	st.records = t->seen;
	print_stats(&st);
	saker_capture_reader_close(in);
	return ret;
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	*out = strtoull(s, &end, 10);
	if (errno || *end || *out == 0)
		return -EINVAL;
	return 0;
}

static int close_writer(struct trace *t)
{
	int ret;

	if (!t->cap)
		return 0;
	ret = saker_capture_writer_close(t->cap);
	/* An error already reported stays reported once. */
	if (ret && !t->error)
		saker_log_warnx("%s: %s", t->write_path,
			strerror(-ret));
	t->cap = NULL;
	return ret;
}

static int cmd_trace(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct trace t = { 0 };
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:c:w:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			t.device = optarg;
			break;
		case 'c':
			if (parse_count(optarg, &t.limit))
				return saker_ctl_usage_error("trace",
					"invalid --count '%s': expected a positive integer",
					optarg);
			break;
		case 'w':
			t.write_path = optarg;
			break;
		case 'r':
			t.read_path = optarg;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			return 0;
		default:
			return saker_ctl_bad_option("trace", c, argv);
		}
	}
	if (optind < argc)
		return saker_ctl_usage_error("trace", "unexpected argument '%s'",
				   argv[optind]);
	if (t.device && t.read_path)
		return saker_ctl_usage_error("trace",
				   "--device and --read exclude each other");
	/* A replay opens its writer once it knows the capture's anchor. */
	if (t.write_path && !t.read_path && open_writer(&t, NULL))
		return EXIT_FAILURE;
	ret = t.read_path ? trace_replay(&t) : trace_live(&t);
	if (close_writer(&t) && !ret)
		ret = -EIO;
	return ret ? EXIT_FAILURE : 0;
}

static int cmd_info(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *device = NULL;
	struct saker_info in;
	char err[SAKER_ERRLEN];
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			fputs(info_usage, stdout);
			return 0;
		default:
			return saker_ctl_bad_option("info", c, argv);
		}
	}
	if (optind < argc)
		return saker_ctl_usage_error("info", "unexpected argument '%s'",
				   argv[optind]);
	ret = saker_ring_query_info(device, &in, err, sizeof(err));
	if (ret) {
		saker_log_warnx("%s%s", err, saker_ring_open_hint(ret));
		return EXIT_FAILURE;
	}
	printf("abi_version   %u\n", in.abi_version);
	printf("nr_rings      %u\n", in.nr_rings);
	printf("ring_size     %" PRIu64 "\n", (uint64_t)in.ring_size);
	printf("hdr_size      %" PRIu64 "\n", (uint64_t)in.hdr_size);
	printf("map_size      %" PRIu64 "\n", (uint64_t)in.map_size);
	printf("open_missed   %" PRIu64 "\n", (uint64_t)in.open_missed);
	printf("wakeup_bytes  %" PRIu64 "\n", (uint64_t)in.wakeup_bytes);
	printf("latency_ms    %u\n", in.latency_ms);
	printf("share_pct     %u\n", in.share_pct);
	printf("open_maxactive %u\n", in.open_maxactive);
	printf("features      0x%" PRIx64 "%s%s\n", (uint64_t)in.features,
	       in.features & SAKER_FEAT_EXIT_GROUP_DEAD ? " exit_group_dead" : "",
	       in.features & SAKER_FEAT_OPEN_FD ? " open_fd" : "");
	printf("open_probe    %.*s\n",
	       (int)strnlen(in.open_probe, sizeof(in.open_probe)),
	       in.open_probe);
	return fflush(stdout) ? EXIT_FAILURE : 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char *argv[]);
} commands[] = {
	{ "status", saker_cmd_status },
	{ "stats", saker_cmd_stats },
	{ "config", saker_cmd_config },
	{ "trace", cmd_trace },
	{ "info", cmd_info },
};

int main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	size_t i;

	saker_log_init("sakerctl", SAKER_LOG_INFO);
	if (!cmd)
		return saker_ctl_usage_error(NULL, "missing command");
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		/* The module's own version: sakerctl status. */
		printf("sakerctl %s\nmodule ABI %d\n", saker_version(), SAKER_ABI_VERSION);
		return fflush(stdout) ? EXIT_FAILURE : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return saker_ctl_usage_error(NULL, "unknown option '%s'", cmd);
	return saker_ctl_usage_error(NULL, "unknown command '%s'", cmd);
}
