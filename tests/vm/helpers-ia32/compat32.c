// SPDX-License-Identifier: GPL-2.0
/*
 * compat32: a 32-bit (ia32) program, no libc, that makes the calls a
 * tracer must name from the ia32 syscall table, not the x86_64 one: open
 * of /etc/hostname (ia32 5, x86_64 5 is fstat), a failed openat
 * (ia32 295), then execve of /saker/bin/truebin (ia32 11). Built with
 * gcc -m32 -nostdlib (tests/vm/build.mk): no 32-bit libc needed.
 */
#define NR_EXIT 1
#define NR_OPEN 5
#define NR_EXECVE 11
#define NR_OPENAT 295
#define AT_FDCWD (-100)

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

void _start(void);

void _start(void)
{
	static char *const argv[] = { "truebin", 0 };
	static char *const envp[] = { 0 };

	if (sys3(NR_OPEN, (long)"/etc/hostname", 0, 0) < 0)
		sys3(NR_EXIT, 1, 0, 0);
	if (sys3(NR_OPENAT, AT_FDCWD, (long)"/nonexistent/compat32", 0) >= 0)
		sys3(NR_EXIT, 2, 0, 0);
	sys3(NR_EXECVE, (long)"/saker/bin/truebin", (long)argv, (long)envp);
	sys3(NR_EXIT, 3, 0, 0);
}
