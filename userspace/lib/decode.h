/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Name tables that go with the record decoder (saker_decode() itself is
 * declared in event.h). Every function returns a static string or NULL.
 */
#ifndef SAKER_DECODE_H
#define SAKER_DECODE_H

#include "event.h"

/* x86_64 syscall name for the syscalls saker reports; NULL if unknown or -1. */
const char *saker_syscall_name(int nr);
/* Every number saker_syscall_name() knows is below this. */
#define SAKER_SYSCALL_NR_LIMIT 1024
/* Name of an enum saker_call (the kernel's arch-neutral call); NULL for none/other. */
const char *saker_call_name(unsigned int call);
/* "module", "kexec_image"... for enum saker_load_what; NULL if unknown. */
const char *saker_load_what_name(unsigned int what);
/* "unlink", "rename"... for enum saker_fsop; NULL if unknown. */
const char *saker_fsop_name(unsigned int op);

/* "none", "tty", "pipe", "socket", "file" or "other" (also for unknown kinds). */
const char *saker_fd_kind_name(unsigned int kind);

/* "pad", "exec", "fork", "exit", "open"; NULL for unknown types. */
const char *saker_rec_type_name(unsigned int type);

/* Symbolic errno name ("ENOENT"); NULL for 0 and unknown numbers. */
const char *saker_errno_name(int err);

#endif /* SAKER_DECODE_H */
