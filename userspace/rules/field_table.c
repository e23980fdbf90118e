// SPDX-License-Identifier: GPL-2.0
/*
 * The field table: every field a condition or an output may name, its
 * type and a one-line description (sakerd --list-fields prints it).
 * Falco fields saker cannot provide are listed as known but unavailable,
 * so the upstream rule file loads; their comparisons are always false.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "program.h"

#define MAX_ANCESTORS 64

#define S SAKER_FT_STR
#define N SAKER_FT_NUM
#define B SAKER_FT_BOOL
#define IDX SAKER_FF_INDEX
#define LST SAKER_FF_LIST_NOIDX
#define NA SAKER_FF_UNAVAILABLE
#define SKIP SAKER_FF_SKIP
#define ANY SAKER_FF_ANYARG
#define P9 SAKER_FF_PAD9
#define JT SAKER_FF_JSON_TIME

static const struct saker_field_def fields[] = {
	{ "evt.type", S, 0, F_EVT_TYPE, "event type: execve, execveat, open, openat, openat2, creat, open_by_handle_at, open_exec (image open of an exec), uselib, clone (fork), procexit (exit)" },
	{ "evt.num", N, 0, F_EVT_NUM, "event number in this run, from 1" },
	{ "evt.time", S, JT, F_EVT_TIME, "event time as local HH:MM:SS.nnnnnnnnn; JSON output_fields give this and every time string below as the evt.rawtime number, as Falco" },
	{ "evt.time.s", S, JT, F_EVT_TIME_S, "event time as local HH:MM:SS" },
	{ "evt.time.iso8601", S, JT, F_EVT_TIME_ISO8601, "event time as YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000 (UTC)" },
	{ "evt.datetime", S, JT, F_EVT_DATETIME, "event time as local YYYY-MM-DD HH:MM:SS.nnnnnnnnn" },
	{ "evt.datetime.s", S, JT, F_EVT_DATETIME_S, "event time as local YYYY-MM-DD HH:MM:SS" },
	{ "evt.rawtime", N, 0, F_EVT_RAWTIME, "event time, ns since the epoch (wall clock)" },
	{ "evt.rawtime.s", N, 0, F_EVT_RAWTIME_S, "seconds of evt.rawtime" },
	{ "evt.rawtime.ns", N, P9, F_EVT_RAWTIME_NS, "ns within the second of evt.rawtime (printed as 9 digits)" },
	{ "evt.reltime", N, P9, F_EVT_RELTIME, "ns since the first event these rules saw (start, reload, replay)" },
	{ "evt.reltime.s", N, 0, F_EVT_RELTIME_S, "seconds of evt.reltime" },
	{ "evt.reltime.ns", N, P9, F_EVT_RELTIME_NS, "ns within the second of evt.reltime (printed as 9 digits)" },
	{ "evt.cpu", N, 0, F_EVT_CPU, "CPU the event happened on" },
	{ "evt.dir", S, 0, F_EVT_DIR, "always '<': saker reports completed calls" },
	{ "evt.res", S, 0, F_EVT_RES, "SUCCESS, or the errno name of a failed open (ENOENT...)" },
	{ "evt.rawres", N, 0, F_EVT_RAWRES, "open: the fd or -errno; others: 0" },
	{ "evt.failed", B, 0, F_EVT_FAILED, "true for a failed open" },
	{ "evt.is_open_read", B, 0, F_EVT_IS_OPEN_READ, "open for reading (O_RDONLY or O_RDWR)" },
	{ "evt.is_open_write", B, 0, F_EVT_IS_OPEN_WRITE, "open for writing (O_WRONLY or O_RDWR)" },
	{ "evt.is_open_exec", B, 0, F_EVT_IS_OPEN_EXEC, "image open of an exec, or a file created with an execute bit" },
	{ "evt.is_open_create", B, 0, F_EVT_IS_OPEN_CREATE, "O_CREAT or O_TMPFILE requested, or creat(2)" },
	{ "evt.is_io_uring", B, 0, F_EVT_IS_IO_URING, "open done through io_uring (reported as openat)" },
	{ "evt.arg.flags", S, 0, F_EVT_ARG_FLAGS, "open flags as O_RDONLY|O_CLOEXEC..." },
	{ "evt.arg.mode", N, 0, F_EVT_ARG_MODE, "open creation mode" },
	{ "evt.source", S, 0, F_EVT_SOURCE, "always syscall" },
	{ "proc.pid", N, 0, F_PROC_PID, "process id (initial pid namespace)" },
	{ "proc.vpid", N, 0, F_PROC_VPID, "process id in its own pid namespace (1: a container's init)" },
	{ "proc.ppid", N, 0, F_PROC_PPID, "parent process id" },
	{ "proc.sid", N, 0, F_PROC_SID, "session id" },
	{ "proc.is_sid_leader", B, 0, F_PROC_IS_SID_LEADER, "the process leads its session" },
	{ "proc.name", S, 0, F_PROC_NAME, "process name (comm, 15 chars at most; argv[0]'s last element when the kernel named it after /proc/self/exe or /dev/fd/N)" },
	{ "proc.exe", S, 0, F_PROC_EXE, "first argument (argv[0])" },
	{ "proc.exepath", S, 0, F_PROC_EXEPATH, "full path of the executable" },
	{ "proc.cmdline", S, 0, F_PROC_CMDLINE, "name and arguments: proc.name + ' ' + proc.args" },
	{ "proc.args", S, 0, F_PROC_ARGS, "arguments after argv[0], joined by spaces" },
	{ "proc.cwd", S, 0, F_PROC_CWD, "working directory at exec, with a trailing /" },
	{ "proc.tty", N, 0, F_PROC_TTY, "controlling terminal device number, 0 if none" },
	{ "proc.ttyname", S, 0, F_PROC_TTYNAME, "controlling terminal name (pts/0)" },
	{ "proc.pname", S, 0, F_PROC_PNAME, "parent process name" },
	{ "proc.pexe", S, 0, F_PROC_PEXE, "parent argv[0]" },
	{ "proc.pexepath", S, 0, F_PROC_PEXEPATH, "parent executable path" },
	{ "proc.pcmdline", S, 0, F_PROC_PCMDLINE, "parent command line" },
	{ "proc.aname", S, IDX | LST, F_PROC_ANAME, "ancestor name: [0] self, [1] parent...; no index: any ancestor" },
	{ "proc.apid", N, IDX | LST, F_PROC_APID, "ancestor pid: [0] self, [1] parent...; no index: any ancestor" },
	{ "proc.aexepath", S, IDX | LST, F_PROC_AEXEPATH, "ancestor executable path, indexed like proc.aname" },
	{ "proc.aexe", S, IDX | LST, F_PROC_AEXE, "ancestor first argument (argv[0]), indexed like proc.aname" },
	{ "proc.sname", S, 0, F_PROC_SNAME, "name of the session leader" },
	{ "proc.duration", N, 0, F_PROC_DURATION, "ns since the process was forked (if the fork was seen)" },
	{ "proc.stdin.type", S, 0, F_PROC_STDIN, "kind of fd 0 at exec: none, tty, pipe, socket (network), unix, file, other" },
	{ "proc.stdout.type", S, 0, F_PROC_STDOUT, "kind of fd 1 at exec" },
	{ "proc.stderr.type", S, 0, F_PROC_STDERR, "kind of fd 2 at exec" },
	{ "proc.is_container_entry", B, 0, F_PROC_IS_CONTAINER_ENTRY, "exec'd by a parent in another pid namespace: entered a container (docker/kubectl exec, nsenter)" },
	{ "proc.is_exe_from_memfd", B, 0, F_PROC_IS_EXE_FROM_MEMFD, "executable is a memfd (fileless execution)" },
	{ "proc.is_io_worker", B, 0, F_PROC_IS_IO_WORKER, "the task is an io_uring worker" },
	{ "proc.in_init_pidns", B, 0, F_PROC_IN_INIT_PIDNS, "the process lives in the initial pid namespace" },
	{ "proc.ns.mnt", N, 0, F_PROC_NS_MNT, "mount namespace inode" },
	{ "proc.ns.pid", N, 0, F_PROC_NS_PID, "pid namespace inode" },
	{ "proc.ns.net", N, 0, F_PROC_NS_NET, "network namespace inode" },
	{ "proc.ns.uts", N, 0, F_PROC_NS_UTS, "uts namespace inode" },
	{ "proc.ns.ipc", N, 0, F_PROC_NS_IPC, "ipc namespace inode" },
	{ "proc.ns.user", N, 0, F_PROC_NS_USER, "user namespace inode" },
	{ "proc.ns.cgroup", N, 0, F_PROC_NS_CGROUP, "cgroup namespace inode" },
	{ "proc.cgroup", S, 0, F_PROC_CGROUP, "cgroup v2 path at exec" },
	{ "proc.cgroup_id", N, 0, F_PROC_CGROUP_ID, "cgroup v2 id" },
	{ "proc.args_truncated", B, 0, F_PROC_ARGS_TRUNCATED, "argv was cut at the capture bound" },
	{ "proc.env", S, ANY, F_PROC_ENV, "environment at exec, entries joined by spaces; proc.env[NAME]: NAME's value, \"\" if unset (first 4096 bytes: see proc.env_truncated)" },
	{ "proc.env_truncated", B, 0, F_PROC_ENV_TRUNCATED, "the environment was longer than the 4096 bytes captured" },
	{ "thread.tid", N, 0, F_THREAD_TID, "thread id" },
	{ "thread.vtid", N, 0, F_THREAD_VTID, "thread id in its pid namespace" },
	{ "user.uid", N, 0, F_USER_UID, "real user id" },
	{ "user.euid", N, 0, F_USER_EUID, "effective user id" },
	{ "user.name", S, 0, F_USER_NAME, "user name of user.uid (host passwd)" },
	{ "user.loginuid", N, 0, F_USER_LOGINUID, "audit login uid, -1 when unset" },
	{ "user.loginname", S, 0, F_USER_LOGINNAME, "user name of user.loginuid" },
	{ "group.gid", N, 0, F_GROUP_GID, "real group id" },
	{ "group.name", S, 0, F_GROUP_NAME, "group name of group.gid (host group file)" },
	{ "container.id", S, 0, F_CONTAINER_ID, "12-char container id from the cgroup path, or host" },
	{ "container.name", S, 0, F_CONTAINER_NAME, "container name (metadata provider)" },
	{ "container.image", S, 0, F_CONTAINER_IMAGE, "container image reference (metadata provider)" },
	{ "container.image.repository", S, 0, F_CONTAINER_IMAGE_REPOSITORY, "image without its tag" },
	{ "container.image.tag", S, 0, F_CONTAINER_IMAGE_TAG, "image tag" },
	{ "container.type", S, 0, F_CONTAINER_TYPE, "runtime: docker, containerd, cri-o, podman, kubepods, host" },
	{ "k8s.ns.name", S, 0, F_K8S_NS_NAME, "Kubernetes namespace (metadata provider)" },
	{ "k8s.pod.name", S, 0, F_K8S_POD_NAME, "Kubernetes pod name (metadata provider)" },
	{ "fd.name", S, 0, F_FD_NAME, "opened path (absolute, resolved by the kernel)" },
	{ "fd.nameraw", S, 0, F_FD_NAMERAW, "path as recorded: resolved on success, as passed on failure" },
	{ "fd.directory", S, 0, F_FD_DIRECTORY, "directory of fd.name" },
	{ "fd.filename", S, 0, F_FD_FILENAME, "last component of fd.name" },
	{ "fd.typechar", S, 0, F_FD_TYPECHAR, "f for a file, d for O_DIRECTORY" },
	{ "fd.type", S, 0, F_FD_TYPE, "file or directory" },
	{ "fd.num", N, 0, F_FD_NUM, "new fd, -1 on failure; missing when unknown (io_uring)" },
	{ "fd.ino", N, 0, F_FD_INO, "inode of the opened file" },
	{ "fd.dev", N, 0, F_FD_DEV, "device of the opened file" },
	/* Falco fields saker does not capture: known, always missing. */
	{ "thread.cap_effective", S, NA, F_UNAVAILABLE, "not captured" },
	{ "thread.cap_permitted", S, NA, F_UNAVAILABLE, "not captured" },
	{ "thread.cap_inheritable", S, NA, F_UNAVAILABLE, "not captured" },
	{ "container.privileged", B, 0, F_CONTAINER_PRIVILEGED, "docker container run --privileged (hostconfig.json); missing for other runtimes" },
	{ "container.start_ts", N, NA, F_UNAVAILABLE, "not captured" },
	{ "container.image.id", S, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.is_exe_upper_layer", B, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.is_exe_writable", B, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.exe_ino", N, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.exe_ino.ctime", N, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.exe_ino.mtime", N, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.exe_ino.ctime_duration_proc_start", N, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.vpgid", N, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.vpgid.name", S, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.vpgid.exe", S, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.is_vpgid_leader", B, NA, F_UNAVAILABLE, "not captured" },
	{ "proc.ppid.duration", N, NA, F_UNAVAILABLE, "not captured" },
	{ "fd.connected", B, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.sockfamily", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.is_server", B, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.sproto", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.cproto", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.lproto", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.rproto", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.port", N, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.lport", N, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.rport", N, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.sport", N, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.cport", N, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.l4proto", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.ip", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.cip", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.sip", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.net", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.cnet", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.snet", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.sip.name", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.lip", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.rip", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.lnet", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.rnet", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.cip.name", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.lip.name", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.rip.name", S, NA, F_UNAVAILABLE, "network: not captured" },
	{ "fd.name_changed", B, NA, F_UNAVAILABLE, "not captured" },
	{ "evt.args", S, NA, F_UNAVAILABLE, "not captured" },
	/* No data at all: a rule testing it could never fire, so it is skipped. */
	{ "evt.buffer", S, NA | SKIP, F_UNAVAILABLE, "I/O buffers: not captured; rules using it are skipped" },
	{ "evt.rawarg.data", S, NA | SKIP, F_UNAVAILABLE, "I/O buffers: not captured; rules using it are skipped" },
	/* Mounts of a container, from the runtime's state files (mounts.c). */
	{ "container.mounts", S, 0, F_CONTAINER_MOUNTS, "the container's mounts, source:dest:mode:rdwr:propagation, comma-separated" },
	{ "container.mount", S, ANY, F_CONTAINER_MOUNT, "one mount, [N] or [source glob], as in container.mounts; N/A if none" },
	{ "container.mount.source", S, ANY, F_CONTAINER_MOUNT_SOURCE, "source of the mount [N] or [dest glob]; N/A if none" },
	{ "container.mount.dest", S, ANY, F_CONTAINER_MOUNT_DEST, "destination of the mount [N] or [source glob]; N/A if none" },
	{ "container.mount.mode", S, ANY, F_CONTAINER_MOUNT_MODE, "mode of the mount [N] or [source glob]; N/A if none" },
	{ "container.mount.rdwr", S, ANY, F_CONTAINER_MOUNT_RDWR, "true or false: the mount [N] or [source glob] is writable; N/A if none" },
	{ "container.mount.propagation", S, ANY, F_CONTAINER_MOUNT_PROPAGATION, "propagation of the mount [N] or [source glob]; N/A if none" },
	{ "evt.hostname", S, NA, F_UNAVAILABLE, "not captured" },
	/* Deprecated by Falco itself (W-DEPRECATED): they need enter events. */
	{ "evt.latency", N, NA, F_UNAVAILABLE, "deprecated in Falco: enter events are not delivered" },
	{ "evt.latency.s", N, NA, F_UNAVAILABLE, "deprecated in Falco: enter events are not delivered" },
	{ "evt.latency.ns", N, NA, F_UNAVAILABLE, "deprecated in Falco: enter events are not delivered" },
	{ "evt.latency.human", S, NA, F_UNAVAILABLE, "deprecated in Falco: enter events are not delivered" },
	{ "evt.wait_latency", N, NA, F_UNAVAILABLE, "deprecated in Falco: enter events are not delivered" },
};

#undef S
#undef N
#undef B
#undef IDX
#undef LST
#undef NA
#undef SKIP
#undef ANY
#undef P9
#undef JT

/* Other evt.arg.* / evt.arg[N] / evt.rawarg.*: per-syscall arguments. */
static const struct saker_field_def evt_arg_any = {
	"evt.arg.*", SAKER_FT_STR, SAKER_FF_UNAVAILABLE, F_UNAVAILABLE,
	"syscall argument saker does not capture",
};

/* Names people write for a field Falco spells otherwise (seed 001's user.id). */
const char *saker_field_hint(const char *name)
{
	static const char *const alias[][2] = {
		{ "user.id", "user.uid" }, { "group.id", "group.gid" },
		{ "proc.id", "proc.pid" }, { "thread.id", "thread.tid" },
		{ "proc.uid", "user.uid" }, { "container.image.name", "container.image.repository" },
	};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(name, alias[i][0]))
			return alias[i][1];
	return NULL;
}

const struct saker_field_def *saker_field_lookup(const char *name, int *arg)
{
	const char *br = strchr(name, '[');
	size_t len = br ? (size_t)(br - name) : strlen(name), i;

	*arg = -1;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct saker_field_def *f = &fields[i];

		if (strlen(f->name) != len || memcmp(f->name, name, len))
			continue;
		if (br && (f->flags & SAKER_FF_ANYARG))
			return f;
		if (br) {
			char *end;
			long v;

			if (!(f->flags & SAKER_FF_INDEX))
				return NULL;
			v = strtol(br + 1, &end, 10);
			if (end == br + 1 || *end != ']' || end[1] || v < 0 ||
			    v >= MAX_ANCESTORS)
				return NULL;
			*arg = (int)v;
		}
		return f;
	}
	if (!strncmp(name, "evt.arg.", 8) || !strncmp(name, "evt.arg[", 8) ||
	    !strncmp(name, "evt.rawarg.", 11))
		return &evt_arg_any;
	return NULL;
}

void saker_fields_print(FILE *out)
{
	static const char *const tn[] = { "string", "number", "bool", "list" };
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct saker_field_def *f = &fields[i];
		char name[64];

		snprintf(name, sizeof(name), "%s%s", f->name,
			 f->flags & SAKER_FF_INDEX ? "[N]" : "");
		fprintf(out, "%-42s %-7s %s%s\n", name, tn[f->type],
			f->flags & SAKER_FF_UNAVAILABLE ?
			"(Falco field, never present in saker: comparisons are false) " : "",
			f->desc);
	}
	fprintf(out, "%-42s %-7s %s\n", "evt.arg.<name>", "string",
		"(other syscall arguments: never present) ");
}

