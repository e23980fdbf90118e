// SPDX-License-Identifier: GPL-2.0
/*
 * Event types: the Falco event names a rule's evt.type can name, and the
 * type of a decoded event (docs/rules-engine.md, "Events and event types").
 * The compiler turns names into bits; the evaluator indexes rules by type.
 */
#include <stdio.h>
#include <string.h>

#include "program.h"

static const char *const evtype_names[SAKER_ET_COUNT] = {
	[SAKER_ET_EXECVE] = "execve", [SAKER_ET_EXECVEAT] = "execveat",
	[SAKER_ET_OPEN] = "open", [SAKER_ET_OPENAT] = "openat",
	[SAKER_ET_OPENAT2] = "openat2", [SAKER_ET_CREAT] = "creat",
	[SAKER_ET_OPEN_BY_HANDLE_AT] = "open_by_handle_at",
	[SAKER_ET_OPEN_EXEC] = "open_exec", [SAKER_ET_USELIB] = "uselib",
	[SAKER_ET_CLONE] = "clone", [SAKER_ET_PROCEXIT] = "procexit",
};

int saker_evtype_from_name(const char *s, size_t len)
{
	static const char *const fork_aliases[] = { "clone3", "fork", "vfork" };
	int et;
	size_t i;

	for (et = 0; et < SAKER_ET_COUNT; et++)
		if (strlen(evtype_names[et]) == len && !memcmp(evtype_names[et], s, len))
			return et;
	for (i = 0; i < 3; i++)
		if (strlen(fork_aliases[i]) == len && !memcmp(fork_aliases[i], s, len))
			return SAKER_ET_CLONE;
	return -1;
}

const char *saker_evtype_name(int et)
{
	if (et < 0 || et >= SAKER_ET_COUNT)
		return "unknown";
	return evtype_names[et];
}

/* The kernel's arch-neutral call says which open syscall it was. */
static int open_evtype(unsigned int call)
{
	switch (call) {
	case SAKER_CALL_OPEN:
		return SAKER_ET_OPEN;
	case SAKER_CALL_CREAT:
		return SAKER_ET_CREAT;
	case SAKER_CALL_USELIB:
		return SAKER_ET_USELIB;
	case SAKER_CALL_OPEN_BY_HANDLE_AT:
		return SAKER_ET_OPEN_BY_HANDLE_AT;
	case SAKER_CALL_OPENAT2:
		return SAKER_ET_OPENAT2;
	case SAKER_CALL_EXECVE:
	case SAKER_CALL_EXECVEAT:
		return SAKER_ET_OPEN_EXEC;
	default:
		/* openat, io_uring_enter, none (io_uring worker: IORING_OP_OPENAT) */
		return SAKER_ET_OPENAT;
	}
}

int saker_evtype_of(const struct saker_event *ev)
{
	switch (ev->type) {
	case SAKER_REC_EXEC:
		return ev->exec->call == SAKER_CALL_EXECVEAT ? SAKER_ET_EXECVEAT : SAKER_ET_EXECVE;
	case SAKER_REC_OPEN:
		if (ev->open->flags & SAKER_OPEN_EXEC)
			return SAKER_ET_OPEN_EXEC;
		return open_evtype(ev->open->call);
	case SAKER_REC_FORK:
		return SAKER_ET_CLONE;
	default:
		return SAKER_ET_PROCEXIT;
	}
}

const char *saker_evtype_mask_names(struct saker_arena *a, uint32_t m)
{
	char buf[256];
	size_t n = 0;
	int et;

	if (m == SAKER_ET_ALL)
		return "all";
	buf[0] = '\0';
	for (et = 0; et < SAKER_ET_COUNT; et++)
		if (m & (1u << et))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
					      n ? "," : "", saker_evtype_name(et));
	return saker_arena_strdup(a, buf);
}
