// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../fd_io.h"
#include "config_format.h"
#include "tty.h"

/* How long the relay may take to pass the last output after the command ends. */
#define DRAIN_MS	2000

static char slave_path[64];
static pid_t relay = -1;

/* Host stdin -> master, master -> host stdout, until the master says EIO (no slave left). */
static noreturn void relay_loop(int master)
{
	struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = master, .events = POLLIN } };
	char buf[16384];

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (fds[1].revents) {
			ssize_t n = read(master, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || !fd_write_all(1, buf, (size_t)n))
				_exit(0);
		}
		if (fds[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			/* End of the host's input: the terminal stays, as with runc. */
			if (n <= 0)
				fds[0].fd = -1;
			else if (!fd_write_all(master, buf, (size_t)n))
				_exit(0);
		}
	}
}

static const char *find_record(const struct init_config *cfg)
{
	for (size_t i = 0; i < cfg->ncontainer; i++)
		if (!strcmp(cfg->container[i], XLIBOS_CONFIG_TTY))
			return config_record_value(cfg->container[i]);
	return NULL;
}

bool tty_start(const struct init_config *cfg)
{
	const char *value = find_record(cfg);
	struct winsize ws = { 0 };
	unsigned int rows, cols, n;
	int master, unlock = 0;
	char extra;

	if (!value)
		return true;
	if (sscanf(value, "%u %u%c", &rows, &cols, &extra) != 2 || rows > 65535 || cols > 65535) {
		fprintf(stderr, "xlibos: bad %s record in the config\n", XLIBOS_CONFIG_TTY);
		return false;
	}
	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) != 0 ||
	    ioctl(master, TIOCGPTN, &n) != 0) {
		fprintf(stderr, "xlibos: cannot open a pseudo-terminal: %s\n", strerror(errno));
		if (master >= 0)
			close(master);
		return false;
	}
	snprintf(slave_path, sizeof(slave_path), "/dev/pts/%u", n);
	/* As runc: the container's /dev/console is its terminal, not the guest kernel's console. */
	if (mount(slave_path, "/dev/console", NULL, MS_BIND, NULL) != 0)
		fprintf(stderr, "xlibos: warning: cannot bind the terminal on /dev/console: %s\n",
			strerror(errno));
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	ioctl(master, TIOCSWINSZ, &ws);
	relay = fork();
	if (relay < 0) {
		fprintf(stderr, "xlibos: cannot start the terminal relay: %s\n", strerror(errno));
		close(master);
		return false;
	}
	if (relay == 0)
		relay_loop(master);
	close(master);
	return true;
}

bool tty_attach(void)
{
	int fd;

	if (!slave_path[0])
		return true;
	fd = open(slave_path, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) != 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0) {
		fprintf(stderr, "xlibos: cannot attach the terminal %s: %s\n", slave_path,
			strerror(errno));
		return false;
	}
	if (fd > 2)
		close(fd);
	return true;
}

void tty_finish(void)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	if (relay <= 0)
		return;
	for (int waited = 0; waited < DRAIN_MS; waited += 10) {
		pid_t r = waitpid(relay, NULL, WNOHANG);

		/* Gone (or already reaped with the orphans). */
		if (r == relay || (r < 0 && errno == ECHILD))
			return;
		nanosleep(&tick, NULL);
	}
	kill(relay, SIGKILL);
	waitpid(relay, NULL, 0);
}

const char *tty_slave_path(void)
{
	return slave_path[0] ? slave_path : NULL;
}

pid_t tty_relay_pid(void)
{
	return relay;
}
