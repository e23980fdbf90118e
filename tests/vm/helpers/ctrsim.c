// SPDX-License-Identifier: GPL-2.0
/*
 * ctrsim: the container runtime pieces the scenario tests need, as one
 * static multi-call program. tests/vm/scenario.sh installs copies under the
 * runtimes' names, so the kernel reports those names (comm, exe) as it would
 * on a real node. The mode is the basename of argv[0], or argv[1] when
 * called as ctrsim:
 *
 * containerd-shim-runc-v2 -id ID -cgroup DIR [-etc DIR] [-hostname NAME]
 *     -pidfile FILE -- CMD [ARGS...]
 *   the shim plus `runc create/start`: forks the container's pid 1 in a new
 *   pid namespace (its parent is this shim, a subreaper), which joins cgroup
 *   DIR, gets new mnt/uts/ipc/net namespaces (loopback up, optionally its
 *   own /etc bind-mounted from DIR) and execs CMD. Writes pid 1's host pid
 *   to FILE, stays until pid 1 ends and exits with its status.
 * runc exec [-t] [-argv0 NAME] -cgroup DIR -pid PID -- CMD [ARGS...]
 *   `runc exec`: joins the namespaces of PID, forks a child that joins
 *   cgroup DIR and execs CMD (argv[0] = NAME if given). -t: the child is a
 *   session leader with a new pty as controlling terminal; stdin is copied
 *   to the pty and the pty's output to stdout. Exits with CMD's status.
 * nginx -rce FIFO
 *   a web server's pid 1 whose "exploitable" request handler runs each line
 *   read from FIFO with /bin/sh -c (as system() would), then appends the
 *   status to FIFO.done.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *prog = "ctrsim";

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(125);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: containerd-shim-runc-v2 -id ID -cgroup DIR [-etc DIR] [-hostname N] -pidfile F -- CMD...\n"
		"       runc exec [-t] [-argv0 NAME] -cgroup DIR -pid PID -- CMD...\n"
		"       nginx -rce FIFO\n"
		"  (or: ctrsim shim|runc|nginx ...)\n");
	exit(2);
}

static int exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Move the caller into the cgroup whose cgroup.procs is open as fd. */
static void join_cgroup(int fd)
{
	if (fd >= 0 && write_all(fd, "0\n", 2) < 0)
		die("join cgroup");
	if (fd >= 0)
		close(fd);
}

static int open_procs(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	return fd;
}

/* runc brings the loopback interface of a new network namespace up. */
static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

static pid_t shim_child;

static void shim_forward(int sig)
{
	if (shim_child > 0)
		kill(shim_child, sig == SIGTERM ? SIGKILL : sig);
}

static int shim_main(int argc, char **argv)
{
	const char *cg = NULL, *etc = NULL, *pidfile = NULL, *host = NULL;
	int i, fd, st;
	FILE *f;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-cgroup"))
			cg = argv[++i];
		else if (!strcmp(argv[i], "-etc"))
			etc = argv[++i];
		else if (!strcmp(argv[i], "-pidfile"))
			pidfile = argv[++i];
		else if (!strcmp(argv[i], "-hostname"))
			host = argv[++i];
		else if (!strcmp(argv[i], "-id") || !strcmp(argv[i], "-namespace"))
			i++;
		else
			usage();
	}
	if (!cg || !pidfile || i + 1 >= argc)
		usage();
	argv += i + 1;
	fd = open_procs(cg);
	/* Orphans of the container (runc's intermediate processes) come to us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (unshare(CLONE_NEWPID) < 0)
		die("unshare(CLONE_NEWPID)");
	shim_child = fork();
	if (shim_child < 0)
		die("fork");
	if (shim_child == 0) {
		join_cgroup(fd);
		if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) < 0)
			die("unshare");
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			die("make / private");
		if (etc && mount(etc, "/etc", NULL, MS_BIND | MS_REC, NULL) < 0)
			die("bind-mount the container's /etc");
		if (host && sethostname(host, strlen(host)) < 0)
			die("sethostname");
		loopback_up();
		if (chdir("/") < 0)
			die("chdir /");
		execvp(argv[0], argv);
		die(argv[0]);
	}
	close(fd);
	signal(SIGTERM, shim_forward);
	signal(SIGINT, shim_forward);
	f = fopen(pidfile, "w");
	if (!f || fprintf(f, "%d\n", (int)shim_child) < 0 || fclose(f))
		die(pidfile);
	/* Reap everything; end when pid 1 does. */
	for (;;) {
		pid_t p = wait(&st);

		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return 125;
		if (p == shim_child)
			return exit_status(st);
	}
}

/* Copy pty output to stdout and stdin to the pty until the pty hangs up. */
static void relay(int master)
{
	struct pollfd pf[2] = { { .fd = master, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
	char buf[4096];
	int nfds = 2;

	for (;;) {
		ssize_t n;

		if (poll(pf, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pf[0].revents) {
			n = read(master, buf, sizeof(buf));
			if (n <= 0)
				return; /* EIO: every slave fd is closed */
			write_all(1, buf, (size_t)n);
		}
		if (nfds == 2 && pf[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				nfds = 1; /* keep the pty open: the shell decides when to end */
			else
				write_all(master, buf, (size_t)n);
		}
	}
}

static int runc_main(int argc, char **argv)
{
	static const char *const nsnames[] = { "ipc", "uts", "net", "pid", "mnt" };
	const char *cg = NULL, *argv0 = NULL, *slave = NULL;
	int i, tty = 0, fd, master = -1, st;
	long pid = 0;
	pid_t child;

	if (argc < 2 || strcmp(argv[1], "exec"))
		usage();
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-t")) {
			tty = 1;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-cgroup"))
			cg = argv[++i];
		else if (!strcmp(argv[i], "-argv0"))
			argv0 = argv[++i];
		else if (!strcmp(argv[i], "-pid"))
			pid = strtol(argv[++i], NULL, 10);
		else
			usage();
	}
	if (!cg || pid <= 0 || i + 1 >= argc)
		usage();
	argv += i + 1;
	if (tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
			die("posix_openpt");
		slave = ptsname(master);
		if (!slave)
			die("ptsname");
	}
	fd = open_procs(cg);
	for (i = 0; i < (int)(sizeof(nsnames) / sizeof(nsnames[0])); i++) {
		char path[64];
		int nfd;

		snprintf(path, sizeof(path), "/proc/%ld/ns/%s", pid, nsnames[i]);
		nfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nfd < 0)
			die(path);
		if (setns(nfd, 0) < 0)
			die(path);
		close(nfd);
	}
	if (chdir("/") < 0)
		die("chdir /");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		join_cgroup(fd);
		if (tty) {
			int s;

			if (setsid() < 0)
				die("setsid");
			s = open(slave, O_RDWR);
			if (s < 0)
				die(slave);
			if (ioctl(s, TIOCSCTTY, 0) < 0)
				die("TIOCSCTTY");
			if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0)
				die("dup2");
			if (s > 2)
				close(s);
		}
		if (argv0) {
			const char *file = argv[0];

			argv[0] = (char *)argv0;
			execv(file, argv);
		} else {
			execvp(argv[0], argv);
		}
		die(argv[0]);
	}
	close(fd);
	if (tty)
		relay(master);
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return exit_status(st);
}

static int __attribute__((noreturn)) nginx_main(int argc, char **argv)
{
	char done[4096], line[8192];
	const char *fifo;

	if (argc != 3 || strcmp(argv[1], "-rce"))
		usage();
	fifo = argv[2];
	snprintf(done, sizeof(done), "%s.done", fifo);
	for (;;) {
		FILE *in = fopen(fifo, "r");

		if (!in)
			die(fifo);
		while (fgets(line, sizeof(line), in)) {
			pid_t p;
			int st = 0;
			FILE *out;

			line[strcspn(line, "\n")] = '\0';
			if (!line[0])
				continue;
			p = fork();
			if (p < 0)
				die("fork");
			if (p == 0) {
				execl("/bin/sh", "sh", "-c", line, (char *)NULL);
				die("/bin/sh");
			}
			while (waitpid(p, &st, 0) < 0 && errno == EINTR)
				;
			out = fopen(done, "a");
			if (out) {
				fprintf(out, "%d\n", exit_status(st));
				fclose(out);
			}
		}
		fclose(in);
	}
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "ctrsim")) {
		if (argc < 2)
			usage();
		argv++;
		argc--;
		base = argv[0];
	}
	prog = base;
	if (!strncmp(base, "containerd-shim", 15) || !strcmp(base, "shim"))
		return shim_main(argc, argv);
	if (!strcmp(base, "runc"))
		return runc_main(argc, argv);
	if (!strcmp(base, "nginx"))
		return nginx_main(argc, argv);
	usage();
	return 2;
}
