// SPDX-License-Identifier: GPL-2.0
/*
 * Record decoder: checks one record of the saker ABI (see kmod/uapi/saker.h)
 * and hands out a struct saker_event view into it. Nothing here reads a
 * byte before checking that it lies inside both avail and the record.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"

#define REC_HDR_LEN sizeof(struct saker_rec_hdr)

/*
 * Fixed part of each known type as this reader knows it. A newer module
 * may write a longer one (appended fields, body_len says how long); the
 * strings follow body_len, not this size.
 */
static size_t fixed_len(unsigned int type)
{
	switch (type) {
	case SAKER_REC_EXEC:
		return sizeof(struct saker_exec);
	case SAKER_REC_OPEN:
		return sizeof(struct saker_open);
	case SAKER_REC_FORK:
		return sizeof(struct saker_fork);
	case SAKER_REC_EXIT:
		return sizeof(struct saker_exit);
	case SAKER_REC_CRED:
		return sizeof(struct saker_cred);
	case SAKER_REC_LOAD:
		return sizeof(struct saker_load);
	case SAKER_REC_NSCHANGE:
		return sizeof(struct saker_nschange);
	case SAKER_REC_PTRACE:
		return sizeof(struct saker_ptrace);
	case SAKER_REC_FSCHANGE:
		return sizeof(struct saker_fschange);
	}
	return 0;
}

/* Most string bytes a record of each known type can carry. */
static size_t strings_max(unsigned int type)
{
	switch (type) {
	case SAKER_REC_EXEC:
		return 4 * SAKER_PATH_MAX + SAKER_ARGS_MAX;
	case SAKER_REC_OPEN:
	case SAKER_REC_LOAD:
		return SAKER_PATH_MAX;
	case SAKER_REC_FSCHANGE:
		return 2 * SAKER_PATH_MAX;
	}
	return 0;
}

/* A fixed part may grow, but never past a page: a sanity bound. */
#define BODY_LEN_MAX 4096

static int fail(const char **err, const char *why, int res)
{
	if (err)
		*err = why;
	return res;
}

/* Hands out the next counted string and advances the cursor past it. */
static struct saker_str take(const unsigned char **cur, size_t len)
{
	struct saker_str s = { .p = (const char *)*cur, .len = len };

	*cur += len;
	return s;
}

static int decode_exec(const unsigned char *body, size_t body_len,
		       size_t room, struct saker_event *ev, const char **err)
{
	const struct saker_exec *x = (const void *)body;
	const unsigned char *cur = body + body_len;
	/* Each length is read once: the checks hold for what is used. */
	size_t filename_len = x->filename_len, exe_len = x->exe_len;
	size_t args_len = x->args_len, cwd_len = x->cwd_len;
	size_t cgroup_len = x->cgroup_len, env_len = x->env_len;
	size_t env_at = filename_len + exe_len + args_len + cwd_len + cgroup_len;

	if (env_at + env_len > room)
		return fail(err, "exec: string lengths exceed the record",
			    SAKER_DECODE_CORRUPT);
	/* argv entries are NUL-terminated, so the last byte must be one. */
	if (args_len && cur[filename_len + exe_len + args_len - 1])
		return fail(err, "exec: args not NUL-terminated",
			    SAKER_DECODE_CORRUPT);
	if (env_len && cur[env_at + env_len - 1])
		return fail(err, "exec: env not NUL-terminated",
			    SAKER_DECODE_CORRUPT);
	ev->exec = x;
	ev->filename = take(&cur, filename_len);
	ev->exe = take(&cur, exe_len);
	ev->args = take(&cur, args_len);
	ev->cwd = take(&cur, cwd_len);
	ev->cgroup = take(&cur, cgroup_len);
	ev->env = take(&cur, env_len);
	return SAKER_DECODE_EVENT;
}

static int decode_open(const unsigned char *body, size_t body_len,
		       size_t room, struct saker_event *ev, const char **err)
{
	const struct saker_open *o = (const void *)body;
	const unsigned char *cur = body + body_len;
	size_t path_len = o->path_len;

	if (path_len > room)
		return fail(err, "open: path length exceeds the record",
			    SAKER_DECODE_CORRUPT);
	ev->open = o;
	ev->path = take(&cur, path_len);
	return SAKER_DECODE_EVENT;
}

static int decode_load(const unsigned char *body, size_t body_len,
		       size_t room, struct saker_event *ev, const char **err)
{
	const struct saker_load *l = (const void *)body;
	const unsigned char *cur = body + body_len;

	if (l->path_len > room)
		return fail(err, "load: path length exceeds the record",
			    SAKER_DECODE_CORRUPT);
	ev->load = l;
	ev->path = take(&cur, l->path_len);
	return SAKER_DECODE_EVENT;
}

static int decode_fschange(const unsigned char *body, size_t body_len,
			   size_t room, struct saker_event *ev, const char **err)
{
	const struct saker_fschange *x = (const void *)body;
	const unsigned char *cur = body + body_len;

	if ((size_t)x->path_len + x->path2_len > room)
		return fail(err, "fschange: path lengths exceed the record",
			    SAKER_DECODE_CORRUPT);
	ev->fschange = x;
	ev->path = take(&cur, x->path_len);
	ev->path2 = take(&cur, x->path2_len);
	return SAKER_DECODE_EVENT;
}

/*
 * What every record must pass before its length can be trusted, for the
 * ring's framing and the decode alike: 0 with *len and *type read (once:
 * a misbehaving producer must not change what was checked), or the result.
 */
static int check_header(const void *buf, size_t avail, size_t *len,
			unsigned int *type, const char **err)
{
	const struct saker_rec_hdr *h = buf;

	/* The view hands out struct pointers: they must be aligned. */
	if ((uintptr_t)buf % SAKER_REC_ALIGN)
		return fail(err, "record not 8-byte aligned",
			    SAKER_DECODE_CORRUPT);
	if (avail < REC_HDR_LEN)
		return fail(err, "record header incomplete", SAKER_DECODE_SHORT);
	*len = h->len;
	*type = h->type;
	if (*len < REC_HDR_LEN)
		return fail(err, "record length below header size",
			    SAKER_DECODE_CORRUPT);
	if (*len % SAKER_REC_ALIGN)
		return fail(err, "record length not a multiple of 8",
			    SAKER_DECODE_CORRUPT);
	return 0;
}

int saker_decode(const void *buf, size_t avail, struct saker_event *ev,
		 size_t *consumed, const char **err)
{
	const struct saker_rec_hdr *h = buf;
	const unsigned char *body = (const unsigned char *)buf + REC_HDR_LEN;
	const struct saker_task *task;
	size_t len, fixed, body_len, room;
	unsigned int type;
	int ret;

	ret = check_header(buf, avail, &len, &type, err);
	if (ret)
		return ret;
	body_len = h->body_len;
	fixed = fixed_len(type);
	if (!fixed) {
		/* PAD or a type from a newer ABI: skip it by its length. */
		if (len > avail)
			return fail(err, "record extends past the buffer",
				    SAKER_DECODE_SHORT);
		*consumed = len;
		return SAKER_DECODE_SKIP;
	}
	if (body_len < fixed)
		return fail(err, "fixed part shorter than this reader's",
			    SAKER_DECODE_CORRUPT);
	if (body_len > BODY_LEN_MAX || body_len % SAKER_REC_ALIGN)
		return fail(err, "impossible fixed part length",
			    SAKER_DECODE_CORRUPT);
	if (len < REC_HDR_LEN + body_len)
		return fail(err, "record shorter than its fixed part",
			    SAKER_DECODE_CORRUPT);
	if (len - REC_HDR_LEN - body_len > strings_max(type) + SAKER_REC_ALIGN)
		return fail(err, "record longer than its type allows",
			    SAKER_DECODE_CORRUPT);
	if (len > avail)
		return fail(err, "record extends past the buffer",
			    SAKER_DECODE_SHORT);

	task = (const void *)body;
	if (!memchr(task->comm, '\0', sizeof(task->comm)))
		return fail(err, "comm not NUL-terminated",
			    SAKER_DECODE_CORRUPT);
	if (!memchr(task->tty_name, '\0', sizeof(task->tty_name)))
		return fail(err, "tty_name not NUL-terminated",
			    SAKER_DECODE_CORRUPT);

	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->rec_len = len;
	ev->task = task;
	room = len - REC_HDR_LEN - body_len;
	switch (type) {
	case SAKER_REC_EXEC:
		ret = decode_exec(body, body_len, room, ev, err);
		break;
	case SAKER_REC_OPEN:
		ret = decode_open(body, body_len, room, ev, err);
		break;
	case SAKER_REC_FORK:
		ev->fork = (const void *)body;
		ret = SAKER_DECODE_EVENT;
		break;
	case SAKER_REC_CRED:
		ev->cred = (const void *)body;
		ret = SAKER_DECODE_EVENT;
		break;
	case SAKER_REC_LOAD:
		ret = decode_load(body, body_len, room, ev, err);
		break;
	case SAKER_REC_NSCHANGE:
		ev->nschange = (const void *)body;
		ret = SAKER_DECODE_EVENT;
		break;
	case SAKER_REC_FSCHANGE:
		ret = decode_fschange(body, body_len, room, ev, err);
		break;
	case SAKER_REC_PTRACE:
		ev->ptrace = (const void *)body;
		ret = memchr(ev->ptrace->target_comm, '\0', sizeof(ev->ptrace->target_comm)) ?
		      SAKER_DECODE_EVENT :
		      fail(err, "ptrace: target_comm not NUL-terminated", SAKER_DECODE_CORRUPT);
		break;
	default:
		ev->exit = (const void *)body;
		ret = SAKER_DECODE_EVENT;
		break;
	}
	if (ret == SAKER_DECODE_EVENT)
		*consumed = len;
	return ret;
}

int saker_record_frame(const void *buf, size_t avail, size_t *consumed,
		       const char **err)
{
	size_t len;
	unsigned int type;
	int ret = check_header(buf, avail, &len, &type, err);

	if (ret)
		return ret;
	/* The merge reads the timestamp before anything is decoded. */
	if (fixed_len(type) && len < REC_HDR_LEN + sizeof(struct saker_task))
		return fail(err, "record shorter than its task block",
			    SAKER_DECODE_CORRUPT);
	if (len > avail)
		return fail(err, "record extends past the buffer",
			    SAKER_DECODE_SHORT);
	*consumed = len;
	return fixed_len(type) ? SAKER_DECODE_EVENT : SAKER_DECODE_SKIP;
}

const char *saker_syscall_name(int nr)
{
	/* x86_64 numbers: the module only supports x86_64 today. */
	switch (nr) {
	case 2:
		return "open";
	case 59:
		return "execve";
	case 82:
		return "rename";
	case 83:
		return "mkdir";
	case 84:
		return "rmdir";
	case 85:
		return "creat";
	case 86:
		return "link";
	case 87:
		return "unlink";
	case 88:
		return "symlink";
	case 90:
		return "chmod";
	case 91:
		return "fchmod";
	case 92:
		return "chown";
	case 93:
		return "fchown";
	case 94:
		return "lchown";
	case 101:
		return "ptrace";
	case 105:
		return "setuid";
	case 106:
		return "setgid";
	case 113:
		return "setreuid";
	case 114:
		return "setregid";
	case 117:
		return "setresuid";
	case 119:
		return "setresgid";
	case 122:
		return "setfsuid";
	case 123:
		return "setfsgid";
	case 126:
		return "capset";
	case 134:
		return "uselib";
	case 157:
		return "prctl";
	case 175:
		return "init_module";
	case 250:
		return "keyctl";
	case 257:
		return "openat";
	case 258:
		return "mkdirat";
	case 260:
		return "fchownat";
	case 263:
		return "unlinkat";
	case 264:
		return "renameat";
	case 265:
		return "linkat";
	case 266:
		return "symlinkat";
	case 268:
		return "fchmodat";
	case 272:
		return "unshare";
	case 304:
		return "open_by_handle_at";
	case 246:
		return "kexec_load";
	case 308:
		return "setns";
	case 310:
		return "process_vm_readv";
	case 311:
		return "process_vm_writev";
	case 313:
		return "finit_module";
	case 320:
		return "kexec_file_load";
	case 316:
		return "renameat2";
	case 322:
		return "execveat";
	case 426:
		return "io_uring_enter";
	case 437:
		return "openat2";
	case 452:
		return "fchmodat2";
	}
	return NULL;
}

const char *saker_call_name(unsigned int call)
{
	static const char *const names[SAKER_CALL_MAX] = {
		[SAKER_CALL_OPEN] = "open",
		[SAKER_CALL_OPENAT] = "openat",
		[SAKER_CALL_OPENAT2] = "openat2",
		[SAKER_CALL_CREAT] = "creat",
		[SAKER_CALL_OPEN_BY_HANDLE_AT] = "open_by_handle_at",
		[SAKER_CALL_EXECVE] = "execve",
		[SAKER_CALL_EXECVEAT] = "execveat",
		[SAKER_CALL_IO_URING] = "io_uring_enter",
		[SAKER_CALL_USELIB] = "uselib",
	};

	return call < SAKER_CALL_MAX ? names[call] : NULL;
}

const char *saker_load_what_name(unsigned int what)
{
	static const char *const names[] = {
		[SAKER_LOAD_MODULE] = "module",
		[SAKER_LOAD_KEXEC_IMAGE] = "kexec_image",
		[SAKER_LOAD_KEXEC_INITRAMFS] = "kexec_initramfs",
		[SAKER_LOAD_POLICY] = "policy",
		[SAKER_LOAD_X509] = "x509_certificate",
	};

	return what < sizeof(names) / sizeof(names[0]) ? names[what] : NULL;
}

const char *saker_fsop_name(unsigned int op)
{
	static const char *const names[] = {
		[SAKER_FSOP_UNLINK] = "unlink",
		[SAKER_FSOP_RMDIR] = "rmdir",
		[SAKER_FSOP_MKDIR] = "mkdir",
		[SAKER_FSOP_RENAME] = "rename",
		[SAKER_FSOP_LINK] = "link",
		[SAKER_FSOP_SYMLINK] = "symlink",
		[SAKER_FSOP_CHMOD] = "chmod",
		[SAKER_FSOP_CHOWN] = "chown",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : NULL;
}

const char *saker_fd_kind_name(unsigned int kind)
{
	static const char *const names[] = {
		[SAKER_FD_NONE] = "none",
		[SAKER_FD_TTY] = "tty",
		[SAKER_FD_PIPE] = "pipe",
		[SAKER_FD_SOCKET] = "socket",
		[SAKER_FD_FILE] = "file",
		[SAKER_FD_OTHER] = "other",
		[SAKER_FD_UNIX] = "unix",
	};

	if (kind >= sizeof(names) / sizeof(names[0]))
		return "other";
	return names[kind];
}

const char *saker_rec_type_name(unsigned int type)
{
	static const char *const names[] = {
		[SAKER_REC_PAD] = "pad",
		[SAKER_REC_EXEC] = "exec",
		[SAKER_REC_FORK] = "fork",
		[SAKER_REC_EXIT] = "exit",
		[SAKER_REC_OPEN] = "open",
		[SAKER_REC_CRED] = "cred",
		[SAKER_REC_LOAD] = "load",
		[SAKER_REC_NSCHANGE] = "nschange",
		[SAKER_REC_PTRACE] = "ptrace",
		[SAKER_REC_FSCHANGE] = "fschange",
	};

	if (type >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[type];
}

#define E(name) [name] = #name
/* Our own table: strerrorname_np is glibc-only and output must not vary. */
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR),
	E(ENODATA), E(ETIME), E(ENOSR), E(EREMOTE), E(ENOLINK), E(EPROTO),
	E(EMULTIHOP), E(EBADMSG), E(EOVERFLOW), E(EBADFD), E(ELIBACC),
	E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ),
	E(ERESTART), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE),
	E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
	E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EUCLEAN), E(EREMOTEIO), E(EDQUOT),
	E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY),
	E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
};
#undef E

const char *saker_errno_name(int err)
{
	if (err <= 0 || (size_t)err >= sizeof(errno_names) / sizeof(errno_names[0]))
		return NULL;
	return errno_names[err];
}
