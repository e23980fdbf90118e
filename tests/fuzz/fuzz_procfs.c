// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for seeding the process table from /proc
 * (track/procfs.c): the input is a fake /proc of up to three processes,
 * each twelve parts separated by "\n--\n" lines:
 *
 *   directory name (a pid, or not)   stat   status   cmdline   environ
 *   cgroup   then symlink targets: exe   cwd   fd/0   fd/1   fd/2   ns/pid
 *
 * A missing part leaves its file out; an empty part makes an empty file
 * (or no link). The tree is built in a scratch directory and seeded twice
 * into a table (the second pass adds nothing), then into a table of one
 * entry (eviction); every entry must be within the bounds the module
 * keeps. Build: make fuzz-procfs; seeds: tests/fuzz/corpus_procfs/.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "fuzz_util.h"
#include "track/proctable.h"

#define PROCS 3
#define PARTS 12

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char proc_root[300];
/* SAKER_FUZZ_KNOWN_BUGS=1: let inputs reach the bugs that have an owner. */
static bool known_bugs;

static const char *const files[] = { "stat", "status", "cmdline", "environ", "cgroup" };
static const char *const links[] = { "exe", "cwd", "fd/0", "fd/1", "fd/2", "ns/pid" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *k = getenv("SAKER_FUZZ_KNOWN_BUGS");

	(void)argc;
	(void)argv;
	known_bugs = k && *k && strcmp(k, "0");
	snprintf(proc_root, sizeof(proc_root), "%s/proc", fuzz_mkdtemp("procfs"));
	return 0;
}

/*
 * procfs.c's test for a cgroup v2 line ("0::" at a line start, first
 * match, in what it reads). Without one, seed_pid() hands a NULL path to
 * saker_container_id_parse() (UBSan: zero offset to a null pointer): a
 * known bug the badinput branch fixes; until then such a file gets a
 * "0::/" line in front, unless SAKER_FUZZ_KNOWN_BUGS is set.
 */
static bool has_v2_line(const char *p, size_t len)
{
	char buf[SAKER_PATH_MAX];
	const char *cg;

	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	cg = strstr(buf, "0::");
	return cg && (cg == buf || cg[-1] == '\n');
}

/* A usable directory name from the part, else "1000+i". */
static void dir_name(const struct fuzz_part *part, size_t i, char *name, size_t size)
{
	size_t len = part->len;

	if (len && len < 256 && !memchr(part->p, '/', len) && !memchr(part->p, '\0', len) &&
	    !(len == 1 && part->p[0] == '.') && !(len == 2 && !memcmp(part->p, "..", 2))) {
		snprintf(name, size, "%.*s", (int)len, part->p);
		return;
	}
	snprintf(name, size, "%zu", 1000 + i);
}

static void make_link(const char *dir, const char *name, const struct fuzz_part *part)
{
	char path[4096], target[4096];

	/* A target is a C string: up to its first NUL. */
	if (!part->len || part->len >= sizeof(target))
		return;
	snprintf(target, sizeof(target), "%.*s", (int)part->len, part->p);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (target[0])
		symlink(target, path);
}

static void make_proc(const struct fuzz_part *parts, size_t nparts, size_t i)
{
	char name[256], dir[600];
	size_t f;

	dir_name(&parts[0], i, name, sizeof(name));
	snprintf(dir, sizeof(dir), "%s/%s", proc_root, name);
	mkdir(dir, 0755);	/* a second process of the same name shares it */
	for (f = 0; f < 5 && f + 1 < nparts; f++) {
		const struct fuzz_part *p = &parts[f + 1];

		if (f == 4 && !known_bugs && !has_v2_line(p->p, p->len)) {
			char *fixed = malloc(p->len + 5);

			if (!fixed)
				abort();
			memcpy(fixed, "0::/\n", 5);
			memcpy(fixed + 5, p->p, p->len);
			fuzz_put(dir, files[f], fixed, p->len + 5);
			free(fixed);
			continue;
		}
		fuzz_put(dir, files[f], p->p, p->len);
	}
	if (!known_bugs && nparts < 6)
		fuzz_put(dir, "cgroup", "0::/\n", 5);	/* see has_v2_line() */
	if (nparts > 8) {
		char sub[700];

		snprintf(sub, sizeof(sub), "%s/fd", dir);
		mkdir(sub, 0755);
		snprintf(sub, sizeof(sub), "%s/ns", dir);
		mkdir(sub, 0755);
	}
	for (f = 0; f < 6 && f + 6 < nparts; f++)
		make_link(dir, links[f], &parts[f + 6]);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void check_strv(const char *p, size_t len, size_t max)
{
	if (len > max || (len && p[len - 1] != '\0'))
		abort();
}

/* Whatever was seeded is cut to the module's bounds, as an exec would be. */
static void check_proc(const struct saker_proc *p)
{
	const struct saker_proc_image *img = p->img;
	const char *name;
	size_t i, n;

	if (!memchr(p->comm, '\0', sizeof(p->comm)) || !img)
		abort();
	if (img->exe_len > SAKER_PATH_MAX || img->cwd_len > SAKER_PATH_MAX ||
	    img->cgroup_len > SAKER_PATH_MAX)
		abort();
	check_strv(img->args, img->args_len, SAKER_ARGS_MAX);
	check_strv(img->env, img->env_len, SAKER_ENV_MAX);
	if (img->cid[0] && strlen(img->cid) != SAKER_CONTAINER_ID_LEN)
		abort();
	for (i = 0; i < 3; i++)
		if (img->fd_kind[i] > SAKER_FD_UNIX)
			abort();
	saker_proc_name(p->comm, strlen(p->comm),
			(struct saker_str){ img->exe, img->exe_len },
			(struct saker_str){ img->args, img->args_len }, &name, &n);
	if (!(name == p->comm && n == strlen(p->comm)) &&
	    !(name >= img->args && name + n <= img->args + img->args_len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[PROCS * PARTS];
	struct saker_proctable *pt;
	size_t n, i, dirs = 0;
	long added;

	n = fuzz_split(data, size, parts, PROCS * PARTS);
	if (mkdir(proc_root, 0755))
		abort();
	for (i = 0; i * PARTS < n; i++, dirs++)
		make_proc(&parts[i * PARTS], n - i * PARTS < PARTS ? n - i * PARTS : PARTS, i);
	pt = saker_proctable_new(0);
	if (!pt)
		abort();
	added = saker_proctable_seed(pt, proc_root);
	if (added < 0 || (size_t)added > dirs || saker_proctable_count(pt) != (size_t)added)
		abort();
	for (i = 0; i < dirs; i++) {
		const struct saker_proc *p;
		char name[256];

		dir_name(&parts[i * PARTS], i, name, sizeof(name));
		if (!all_digits(name))
			continue;
		p = saker_proctable_get(pt, (uint32_t)strtoul(name, NULL, 10));
		if (p)
			check_proc(p);
	}
	/* A second pass finds every process in the table already. */
	if (saker_proctable_seed(pt, proc_root) != 0)
		abort();
	saker_proctable_free(pt);
	pt = saker_proctable_new(1);
	if (!pt || saker_proctable_seed(pt, proc_root) < 0 || saker_proctable_count(pt) > 1)
		abort();
	saker_proctable_free(pt);
	if (fuzz_rmtree(proc_root))
		abort();
	return 0;
}
