/* SPDX-License-Identifier: GPL-2.0 */
/* Builders of saker records for the unit tests, byte-exact per saker.h. */
#ifndef SAKER_TEST_RECORDS_H
#define SAKER_TEST_RECORDS_H

#include <stddef.h>

#include "lib/event.h"

/* Room for the largest record any test builds. */
#define SAKER_TEST_REC_MAX 32768

/* The task every built record carries (see records.c for its values). */
void saker_test_task(struct saker_task *t);

/* Each builder writes into out (8-aligned, cap bytes), returns len or 0. */
size_t saker_test_exec(void *out, size_t cap, const char *filename,
		       const char *exe, const char *args, size_t args_len,
		       const char *cwd, const char *cgroup);
size_t saker_test_open(void *out, size_t cap, const char *path,
		       size_t path_len, int fd, int err);
size_t saker_test_fork(void *out, size_t cap, unsigned int parent_tid,
		       int thread);
size_t saker_test_exit(void *out, size_t cap, int code, int group_dead);
/* A credential change of euid (and suid, fsuid) from old_euid to new_euid. */
size_t saker_test_cred(void *out, size_t cap, int syscall_nr,
		       unsigned int old_euid, unsigned int new_euid);
size_t saker_test_pad(void *out, size_t cap, size_t len);

/* malloc()ed copy of exactly len bytes: ASan traps any read past it. */
void *saker_test_exact(const void *p, size_t len);

#endif /* SAKER_TEST_RECORDS_H */
