// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun CMD [ARGS...]: run CMD on a fresh pseudo-terminal as its
 * controlling tty (new session), copy what it writes to our stdout, and
 * exit with its status (128 + signal if it was killed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: ptyrun CMD [ARGS...]\n"
		"  runs CMD in a new session whose controlling tty is a new pts\n");
	exit(2);
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

/* In the child: make the slave our controlling tty and fds 0..2. */
static void child(const char *slave_name, char **argv)
{
	struct termios tio;
	int fd;

	if (setsid() < 0) {
		perror("ptyrun: setsid");
		_exit(127);
	}
	fd = open(slave_name, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		perror("ptyrun: open slave");
		_exit(127);
	}
	if (ioctl(fd, TIOCSCTTY, 0) < 0) {
		perror("ptyrun: TIOCSCTTY");
		_exit(127);
	}
	/* No CR before LF: the relayed output stays byte-identical. */
	if (tcgetattr(fd, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(fd, TCSANOW, &tio);
	}
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
		perror("ptyrun: dup2");
		_exit(127);
	}
	if (fd > 2)
		close(fd);
	execvp(argv[0], argv);
	fprintf(stderr, "ptyrun: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	char buf[4096], *slave_name;
	int master, status;
	pid_t pid;

	if (argc < 2 || argv[1][0] == '-')
		usage();
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) {
		perror("ptyrun: posix_openpt");
		return 1;
	}
	if (grantpt(master) < 0 || unlockpt(master) < 0) {
		perror("ptyrun: grantpt/unlockpt");
		return 1;
	}
	slave_name = ptsname(master);
	if (!slave_name) {
		perror("ptyrun: ptsname");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("ptyrun: fork");
		return 1;
	}
	if (pid == 0)
		child(slave_name, argv + 1);

	/* EIO on the master means every slave fd is closed. */
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write_all(1, buf, (size_t)n) < 0) {
			perror("ptyrun: write");
			break;
		}
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("ptyrun: waitpid");
			return 1;
		}
	}
	close(master);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
