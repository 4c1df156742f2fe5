// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's EXEC request: the process described by a config body,
 * started as the container's command is (its own session, the records'
 * user, limits, capabilities and seccomp), on pipes or a guest pty, with
 * its stdio multiplexed over the connection until it ends.
 */
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_frame.h"
#include "command.h"
#include "config_format.h"
#include "creds.h"
#include "run_status.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_close_range
#define SYS_close_range		436
#endif
#define CLOSE_RANGE_CLOEXEC_FLAG	4

/* Bytes waiting for the process's stdin, and frames waiting for the client. */
#define TO_PROCESS_CAP	(2 * AGENT_DATA_MAX)
#define TO_CLIENT_CAP	(3 * (AGENT_DATA_MAX + AGENT_HEADER_LEN))
/* Without a pidfd, how often the process is looked at. */
#define WAIT_POLL_MS	50

struct session {
	int sock;
	int in_fd, out_fd, err_fd;	/* pipes; with a tty: -1, the master, -1 */
	int master;
	int pidfd;
	pid_t pid;
	bool stdin_eof, exited;
	int wstatus;
	long long exit_ms;
	struct frame_reader rd;
	struct byteq to_process, to_client;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Only what describes a process: no root, disks, volumes, network or mounts. */
static bool process_only(const struct init_config *cfg, const char **what)
{
	static const char *const allowed[] = {
		XLIBOS_CONFIG_USER, XLIBOS_CONFIG_UMASK, XLIBOS_CONFIG_RLIMIT, XLIBOS_CONFIG_NNP,
		XLIBOS_CONFIG_CAPS, XLIBOS_CONFIG_SECCOMP, XLIBOS_CONFIG_TTY, NULL
	};

	if (cfg->root || cfg->ndisks || cfg->nvolumes || cfg->net || cfg->net6 || cfg->dns ||
	    cfg->hostname) {
		*what = "root, disk, volume, net, dns or hostname";
		return false;
	}
	for (size_t i = 0; i < cfg->ncontainer; i++) {
		size_t k;

		for (k = 0; allowed[k] && strcmp(allowed[k], cfg->container[i]); k++)
			;
		if (!allowed[k]) {
			*what = cfg->container[i];
			return false;
		}
	}
	return true;
}

static const char *find_record(const struct init_config *cfg, const char *tag)
{
	for (size_t i = 0; i < cfg->ncontainer; i++)
		if (!strcmp(cfg->container[i], tag))
			return config_record_value(cfg->container[i]);
	return NULL;
}

/* Without a filter of its own, the process gets the container's (as runc's exec). */
static bool inherit_seccomp(struct init_config *cfg, const struct init_config *container)
{
	const char *tag = NULL;
	char **grown;

	if (find_record(cfg, XLIBOS_CONFIG_SECCOMP) || !container)
		return true;
	for (size_t i = 0; i < container->ncontainer; i++)
		if (!strcmp(container->container[i], XLIBOS_CONFIG_SECCOMP))
			tag = container->container[i];
	if (!tag)
		return true;
	grown = calloc(cfg->ncontainer + 2, sizeof(*grown));
	if (!grown)
		return false;
	memcpy(grown, cfg->container, cfg->ncontainer * sizeof(*grown));
	grown[cfg->ncontainer] = (char *)tag;
	free(cfg->container);
	cfg->container = grown;
	cfg->ncontainer++;
	return true;
}

/* A guest pty of rows x cols: the master, and the slave's path in slave. */
static int open_pty(unsigned int rows, unsigned int cols, char *slave, size_t len)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0;
	unsigned int n;

	if (master < 0)
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) != 0 ||
	    ioctl(master, TIOCGPTN, &n) != 0) {
		if (master >= 0)
			close(master);
		return -1;
	}
	snprintf(slave, len, "/dev/pts/%u", n);
	ioctl(master, TIOCSWINSZ, &ws);
	return master;
}

static noreturn void exec_child(const struct init_config *cfg, const int fds[3], const char *slave)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	if (slave) {
		int fd = open(slave, O_RDWR);

		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) != 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(XLIBOS_RUN_ERROR);
	} else if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[2], 2) < 0) {
		_exit(XLIBOS_RUN_ERROR);
	}
	/* Nothing of the agent's may reach the process. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC_FLAG);
	/* As runc's exec: the directory must exist (it is not made). */
	if (chdir(cfg->workdir) != 0) {
		int err = errno;

		fprintf(stderr, "xlibos: exec: chdir to cwd (\"%s\"): %s\n", cfg->workdir,
			strerror(err));
		_exit(err == ENOENT ? XLIBOS_RUN_NOT_FOUND : XLIBOS_RUN_CANNOT_EXEC);
	}
	if (!creds_apply(cfg))
		_exit(XLIBOS_RUN_ERROR);
	/* The child's own copy of cfg: HOME as runc sets it for the user. */
	creds_set_home((struct init_config *)cfg);
	command_exec(cfg->argv, cfg->envp, config_getenv(cfg->envp, "PATH"));
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Start the process; false with an ERROR sent if it cannot be. */
static bool start(struct session *s, const struct init_config *cfg)
{
	const char *tty = find_record(cfg, XLIBOS_CONFIG_TTY);
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char slave[64];
	unsigned char pid_be[4];

	if (tty) {
		unsigned int rows, cols;
		char extra;

		if (sscanf(tty, "%u %u%c", &rows, &cols, &extra) != 2 || rows > 65535 ||
		    cols > 65535) {
			agent_reply_error(s->sock, 125, "bad tty record");
			return false;
		}
		s->master = open_pty(rows, cols, slave, sizeof(slave));
		if (s->master < 0) {
			agent_reply_error(s->sock, 125, "cannot open a pseudo-terminal: %s",
					  strerror(errno));
			return false;
		}
		s->out_fd = s->master;
	} else if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
		   pipe2(err, O_CLOEXEC) != 0) {
		agent_reply_error(s->sock, 125, "pipe: %s", strerror(errno));
		goto fail;
	}
	s->pid = fork();
	if (s->pid < 0) {
		agent_reply_error(s->sock, 125, "fork: %s", strerror(errno));
		goto fail;
	}
	if (s->pid == 0) {
		const int fds[3] = { in[0], out[1], err[1] };

		exec_child(cfg, fds, tty ? slave : NULL);
	}
	if (!tty) {
		close(in[0]);
		close(out[1]);
		close(err[1]);
		s->in_fd = in[1];
		s->out_fd = out[0];
		s->err_fd = err[0];
	}
	if (s->in_fd >= 0)
		fcntl(s->in_fd, F_SETFL, fcntl(s->in_fd, F_GETFL) | O_NONBLOCK);
	fcntl(s->out_fd, F_SETFL, fcntl(s->out_fd, F_GETFL) | O_NONBLOCK);
	if (s->err_fd >= 0)
		fcntl(s->err_fd, F_SETFL, fcntl(s->err_fd, F_GETFL) | O_NONBLOCK);
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	agent_put_u32(pid_be, (uint32_t)s->pid);
	byteq_frame(&s->to_client, AGENT_STARTED, pid_be, 4);
	return true;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
		close_fd(&err[i]);
	}
	return false;
}

/* A frame from the client during the session; false: end it (a protocol error). */
static bool client_frame(struct session *s)
{
	const unsigned char *p = s->rd.buf;

	switch (s->rd.type) {
	case AGENT_STDIN:
		/* Bytes for a stdin that is gone are dropped, as a closed pipe would. */
		if ((s->in_fd >= 0 || s->master >= 0) && !s->stdin_eof)
			byteq_put(&s->to_process, p, s->rd.len);
		return true;
	case AGENT_STDIN_EOF:
		s->stdin_eof = true;
		return true;
	case AGENT_SIGNAL:
		if (s->rd.len != 4 || agent_get_u32(p) < 1 || agent_get_u32(p) > 64)
			return false;
		if (!s->exited)
			kill(s->pid, (int)agent_get_u32(p));
		return true;
	case AGENT_RESIZE:
		if (s->rd.len != 8 || agent_get_u32(p) > 65535 || agent_get_u32(p + 4) > 65535)
			return false;
		if (s->master >= 0) {
			struct winsize ws = { .ws_row = (unsigned short)agent_get_u32(p),
					      .ws_col = (unsigned short)agent_get_u32(p + 4) };

			ioctl(s->master, TIOCSWINSZ, &ws);
		}
		return true;
	default:
		return false;
	}
}

/* Output of the process into a frame; false at its end. */
static bool pump_output(struct session *s, int fd, uint32_t type)
{
	unsigned char buf[AGENT_DATA_MAX];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	/* A pty's master says EIO once no slave is left. */
	if (n <= 0)
		return false;
	byteq_frame(&s->to_client, type, buf, (size_t)n);
	return true;
}

static void check_exit(struct session *s)
{
	if (!s->exited && waitpid(s->pid, &s->wstatus, WNOHANG) == s->pid) {
		s->exited = true;
		s->exit_ms = now_ms();
	}
}

static bool output_open(const struct session *s)
{
	return s->out_fd >= 0 || s->err_fd >= 0;
}

enum { SLOT_SOCK, SLOT_IN, SLOT_OUT, SLOT_ERR, SLOT_PID, SLOT_COUNT };

/* Relay until the process ended and its output drained; false if the client went away. */
static bool relay(struct session *s)
{
	for (;;) {
		struct pollfd p[SLOT_COUNT];
		bool room_out = byteq_room(&s->to_client) >= AGENT_DATA_MAX + AGENT_HEADER_LEN;
		int timeout = -1;

		if (s->exited && (!output_open(s) || now_ms() - s->exit_ms >= AGENT_DRAIN_MS))
			return true;
		if (s->stdin_eof && !byteq_len(&s->to_process) && s->in_fd >= 0 && s->master < 0)
			close_fd(&s->in_fd);
		p[SLOT_SOCK] = (struct pollfd){ .fd = s->sock,
			.events = (short)((byteq_room(&s->to_process) >= AGENT_DATA_MAX ? POLLIN : 0) |
					  (byteq_len(&s->to_client) ? POLLOUT : 0)) };
		/* Not polled when nothing is wanted: a hang-up would spin. */
		if (!p[SLOT_SOCK].events)
			p[SLOT_SOCK].fd = -1;
		p[SLOT_IN] = (struct pollfd){ .fd = byteq_len(&s->to_process) ? s->in_fd : -1,
					   .events = POLLOUT };
		if (s->master >= 0) {
			/* With a tty, input and output are the one master. */
			short ev = (short)((room_out && s->out_fd >= 0 ? POLLIN : 0) |
					   (byteq_len(&s->to_process) ? POLLOUT : 0));

			p[SLOT_OUT] = (struct pollfd){ .fd = ev ? s->master : -1, .events = ev };
		} else {
			p[SLOT_OUT] = (struct pollfd){ .fd = room_out ? s->out_fd : -1, .events = POLLIN };
		}
		p[SLOT_ERR] = (struct pollfd){ .fd = room_out ? s->err_fd : -1, .events = POLLIN };
		p[SLOT_PID] = (struct pollfd){ .fd = s->exited ? -1 : s->pidfd, .events = POLLIN };
		if (s->exited)
			timeout = (int)(AGENT_DRAIN_MS - (now_ms() - s->exit_ms));
		else if (s->pidfd < 0)
			timeout = WAIT_POLL_MS;
		if (timeout < -1)
			timeout = 0;
		if (poll(p, SLOT_COUNT, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p[SLOT_SOCK].revents & (POLLIN | POLLHUP | POLLERR)) {
			const char *why;

			for (;;) {
				enum frame_result r;

				if (byteq_room(&s->to_process) < AGENT_DATA_MAX)
					break;
				r = frame_read(&s->rd, s->sock, &why);
				if (r == FRAME_MORE)
					break;
				if (r != FRAME_READY || !client_frame(s))
					return false;
			}
		}
		if ((p[SLOT_SOCK].revents & POLLOUT) && !byteq_flush(&s->to_client, s->sock))
			return false;
		if (((p[SLOT_IN].revents | (s->master >= 0 ? p[SLOT_OUT].revents : 0)) &
		     (POLLOUT | POLLERR | POLLHUP)) && byteq_len(&s->to_process)) {
			int fd = s->master >= 0 ? s->master : s->in_fd;

			/* The process closed its stdin: what waits for it is dropped. */
			if (!byteq_flush(&s->to_process, fd)) {
				s->to_process.start = s->to_process.end = 0;
				close_fd(&s->in_fd);
			}
		}
		if (room_out && s->out_fd >= 0 && (p[SLOT_OUT].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !pump_output(s, s->out_fd, AGENT_STDOUT)) {
			if (s->master >= 0)
				s->out_fd = -1;	/* the master stays open until the end */
			else
				close_fd(&s->out_fd);
		}
		if ((p[SLOT_ERR].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !pump_output(s, s->err_fd, AGENT_STDERR))
			close_fd(&s->err_fd);
		check_exit(s);
	}
}

/* The EXIT frame and what is still queued, within AGENT_DRAIN_MS. */
static void finish(struct session *s)
{
	unsigned char msg[8];
	int st = s->wstatus;

	if (WIFSIGNALED(st)) {
		agent_put_u32(msg, WCOREDUMP(st) ? AGENT_SIGNALED_CORE : AGENT_SIGNALED);
		agent_put_u32(msg + 4, (uint32_t)WTERMSIG(st));
	} else {
		agent_put_u32(msg, AGENT_EXITED);
		agent_put_u32(msg + 4, (uint32_t)WEXITSTATUS(st));
	}
	if (!byteq_frame(&s->to_client, AGENT_EXIT, msg, sizeof(msg))) {
		/* Room for EXIT comes first: the rest of the output is dropped. */
		s->to_client.start = s->to_client.end = 0;
		byteq_frame(&s->to_client, AGENT_EXIT, msg, sizeof(msg));
	}
	for (long long until = now_ms() + AGENT_DRAIN_MS; byteq_len(&s->to_client);) {
		struct pollfd p = { .fd = s->sock, .events = POLLOUT };
		long long left = until - now_ms();

		if (!byteq_flush(&s->to_client, s->sock) || !byteq_len(&s->to_client) || left <= 0)
			break;
		poll(&p, 1, (int)left);
	}
}

void agent_exec(int sock, const struct agent_ctx *ctx, char *req, size_t len)
{
	struct session s = { .sock = sock, .in_fd = -1, .out_fd = -1, .err_fd = -1, .master = -1,
			     .pidfd = -1 };
	struct init_config cfg;
	const char *what;
	char err[128];

	/* config_parse() needs the magic line; a request without it is refused there. */
	if (!config_parse(req, len, &cfg, err, sizeof(err))) {
		agent_reply_error(sock, 125, "bad exec request: %s", err);
		return;
	}
	cfg.data = NULL;	/* req is the caller's */
	if (!process_only(&cfg, &what)) {
		agent_reply_error(sock, 125, "bad exec request: %s records describe a container, not a process",
				  what);
		goto out;
	}
	if (!inherit_seccomp(&cfg, ctx ? ctx->cfg : NULL) ||
	    !frame_reader_init(&s.rd, AGENT_DATA_MAX) ||
	    !byteq_init(&s.to_process, TO_PROCESS_CAP) || !byteq_init(&s.to_client, TO_CLIENT_CAP)) {
		agent_reply_error(sock, 125, "out of memory in the guest agent");
		goto out;
	}
	if (!start(&s, &cfg))
		goto out;
	if (relay(&s)) {
		if (!s.exited && waitpid(s.pid, &s.wstatus, 0) == s.pid)
			s.exited = true;
		finish(&s);
	}
	/* Else the client is gone: the process loses its stdio (a tty hangs up) and goes on. */
out:
	close_fd(&s.in_fd);
	if (s.master < 0) {
		close_fd(&s.out_fd);
		close_fd(&s.err_fd);
	}
	close_fd(&s.master);
	close_fd(&s.pidfd);
	frame_reader_free(&s.rd);
	byteq_free(&s.to_process);
	byteq_free(&s.to_client);
	config_free(&cfg);
}
