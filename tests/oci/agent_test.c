// SPDX-License-Identifier: GPL-2.0
/*
 * The guest agent (loader/guest-init/agent*.c) run natively, served over a
 * socket pair as it is over vsock: odd and hostile requests (unknown or
 * out-of-turn frames, too long, no magic, no command, a container's
 * records, bad tty, signal and window values) each get one ERROR and
 * start nothing; good ones run (stdio apart, stdin to EOF, a pty of the
 * size asked, a signal, the command's signal, the client leaving early).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_frame.h"
#include "config_format.h"
#include "tap.h"

static struct agent_ctx ctx = { .main_pidfd = -1, .tty_relay = -1 };

struct reply {
	char out[65536], err[65536], error[600];
	size_t nout, nerr;
	long pid;		/* STARTED, or -1 */
	int exit_kind, exit_value;	/* EXIT, or -1 */
	int error_status;	/* ERROR, or -1 */
	int ok;			/* OK frames */
	bool bad;		/* a frame the agent should never send */
};

/* The agent on one end of a socket pair; the other end, and its pid. */
static int serve(pid_t *agent)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		exit(2);
	*agent = fork();
	if (*agent == 0) {
		close(sv[0]);
		signal(SIGPIPE, SIG_IGN);
		agent_serve_connection(sv[1], &ctx);
		_exit(0);
	}
	close(sv[1]);
	return sv[0];
}

static void send_frame(int fd, uint32_t type, const void *p, size_t len)
{
	unsigned char hdr[8];

	agent_put_u32(hdr, type);
	agent_put_u32(hdr + 4, (uint32_t)len);
	if (send(fd, hdr, 8, MSG_NOSIGNAL) != 8 || (len && send(fd, p, len, MSG_NOSIGNAL) != (ssize_t)len))
		diag("send: %s", strerror(errno));
}

static void send_u32s(int fd, uint32_t type, uint32_t a, uint32_t b, size_t n)
{
	unsigned char p[8];

	agent_put_u32(p, a);
	agent_put_u32(p + 4, b);
	send_frame(fd, type, p, 4 * n);
}

/* A config body from "tag", "value", ... pairs (NULL-terminated); magic unless raw. */
static size_t body(char *buf, size_t cap, bool magic, ...)
{
	va_list ap;
	size_t len = 0;
	const char *s;

	if (magic) {
		len = strlen(XLIBOS_CONFIG_MAGIC);
		memcpy(buf, XLIBOS_CONFIG_MAGIC, len);
	}
	va_start(ap, magic);
	while ((s = va_arg(ap, const char *)) && len + strlen(s) + 1 < cap) {
		memcpy(buf + len, s, strlen(s) + 1);
		len += strlen(s) + 1;
	}
	va_end(ap);
	return len;
}

/* Read frames until the agent closes (at most 10 s). */
static void collect(int fd, struct reply *r)
{
	struct frame_reader rd;
	const char *why;

	memset(r, 0, sizeof(*r));
	r->pid = r->exit_kind = r->exit_value = r->error_status = -1;
	frame_reader_init(&rd, AGENT_DATA_MAX + 1024);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int waited = 0; waited < 10000; waited += 10) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		enum frame_result fr = frame_read(&rd, fd, &why);

		if (fr == FRAME_EOF || fr == FRAME_BAD)
			break;
		if (fr == FRAME_MORE) {
			poll(&p, 1, 10);
			continue;
		}
		switch (rd.type) {
		case AGENT_STARTED:
			r->pid = agent_get_u32(rd.buf);
			break;
		case AGENT_STDOUT:
			memcpy(r->out + r->nout, rd.buf, rd.len < sizeof(r->out) - r->nout ? rd.len : 0);
			r->nout += rd.len < sizeof(r->out) - r->nout ? rd.len : 0;
			break;
		case AGENT_STDERR:
			memcpy(r->err + r->nerr, rd.buf, rd.len < sizeof(r->err) - r->nerr ? rd.len : 0);
			r->nerr += rd.len < sizeof(r->err) - r->nerr ? rd.len : 0;
			break;
		case AGENT_EXIT:
			r->exit_kind = (int)agent_get_u32(rd.buf);
			r->exit_value = (int)agent_get_u32(rd.buf + 4);
			break;
		case AGENT_OK:
			r->ok++;
			break;
		case AGENT_ERROR:
			r->error_status = (int)agent_get_u32(rd.buf);
			snprintf(r->error, sizeof(r->error), "%.*s", (int)rd.len - 4, rd.buf + 4);
			break;
		default:
			r->bad = true;
		}
	}
	frame_reader_free(&rd);
}

/* The handler has ended (bounded wait). */
static bool ended(pid_t pid)
{
	for (int i = 0; i < 300; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return true;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return false;
}

/* refused DESC MESSAGE: the request (already sent on fd) gets one ERROR with MESSAGE, nothing else. */
static void refused(const char *desc, int fd, pid_t agent, const char *message)
{
	struct reply r;

	collect(fd, &r);
	close(fd);
	check(r.error_status > 0 && strstr(r.error, message) && r.pid < 0 && r.exit_kind < 0 &&
	      !r.bad && ended(agent), "%s: ERROR '%s'", desc, r.error);
	if (!strstr(r.error, message))
		diag("expected: %s", message);
}

static void hostile_requests(void)
{
	static char big[AGENT_REQUEST_MAX + 64];
	pid_t a;
	int fd;
	size_t n;

	fd = serve(&a);
	send_frame(fd, 99, "x", 1);
	refused("unknown frame type", fd, a, "unknown frame type");

	fd = serve(&a);
	{
		unsigned char hdr[8];

		agent_put_u32(hdr, AGENT_EXEC);
		agent_put_u32(hdr + 4, AGENT_REQUEST_MAX + 1);
		send(fd, hdr, 8, MSG_NOSIGNAL);
	}
	refused("EXEC longer than 1 MiB", fd, a, "frame too long");

	fd = serve(&a);
	send_frame(fd, AGENT_STDIN, "x", 1);
	refused("STDIN as a request", fd, a, "is not a request");

	fd = serve(&a);
	send_frame(fd, AGENT_EXIT, "\0\0\0\0\0\0\0\0", 8);
	refused("an agent's frame as a request", fd, a, "is not a request");

	fd = serve(&a);
	send_frame(fd, AGENT_STDIN_EOF, "x", 1);
	refused("an empty frame with a payload", fd, a, "frame too long");

	fd = serve(&a);
	n = body(big, sizeof(big), false, "argv", "true", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC without the magic line", fd, a, "wrong magic line");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "env", "A=b", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC without argv", fd, a, "no command");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", NULL);
	send_frame(fd, AGENT_EXEC, big, n - 1);
	refused("EXEC with a truncated record", fd, a, "truncated record");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", "bogus", "1", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC with an unknown record", fd, a, "unknown record");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", "root", "/dev/vda", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC with a root record", fd, a, "describe a container, not a process");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", "mount", "tmpfs\n0\n\n/x", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC with a mount record", fd, a, "bad exec request: mount records describe a container");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", "workdir", "tmp", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC with a relative workdir", fd, a, "workdir is not an absolute path");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", "tty", "24 80 1", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC with a bad tty record", fd, a, "bad tty record");

	fd = serve(&a);
	n = body(big, sizeof(big), true, "argv", "true", "tty", "70000 80", NULL);
	send_frame(fd, AGENT_EXEC, big, n);
	refused("EXEC with a tty of 70000 rows", fd, a, "bad tty record");

	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, 0, 0, 2);
	refused("SIGNAL_MAIN 0", fd, a, "bad signal request");

	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, 65, 0, 2);
	refused("SIGNAL_MAIN 65", fd, a, "bad signal request");

	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, SIGUSR1, 2, 2);
	refused("SIGNAL_MAIN with an unknown flag", fd, a, "bad signal request");

	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, SIGUSR1, 0, 1);
	refused("SIGNAL_MAIN of 4 bytes", fd, a, "bad signal request");

	fd = serve(&a);
	send_u32s(fd, AGENT_RESIZE_MAIN, 70000, 80, 2);
	refused("RESIZE_MAIN of 70000 rows", fd, a, "bad window size");

	fd = serve(&a);
	send_u32s(fd, AGENT_RESIZE_MAIN, 30, 100, 2);
	refused("RESIZE_MAIN without a terminal", fd, a, "has no terminal");

	fd = serve(&a);
	send(fd, "\0\0", 2, MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	refused("half a header, then the end", fd, a, "connection closed inside a frame");

	fd = serve(&a);
	close(fd);
	check(ended(a), "a client that closes at once: the handler ends");
}

/* exec_run BODY-ARGS...: EXEC of a good request, stdin, then collect. */
static void run(struct reply *r, const char *in, bool eof, int sig, ...)
{
	static char req[65536];
	const char *s;
	size_t n = body(req, sizeof(req), true, NULL);
	va_list ap;
	pid_t a;
	int fd = serve(&a);

	va_start(ap, sig);
	while ((s = va_arg(ap, const char *))) {
		memcpy(req + n, s, strlen(s) + 1);
		n += strlen(s) + 1;
	}
	va_end(ap);
	send_frame(fd, AGENT_EXEC, req, n);
	if (in)
		send_frame(fd, AGENT_STDIN, in, strlen(in));
	if (eof)
		send_frame(fd, AGENT_STDIN_EOF, NULL, 0);
	if (sig) {
		usleep(300000);
		send_u32s(fd, AGENT_SIGNAL, (uint32_t)sig, 0, 1);
	}
	collect(fd, r);
	close(fd);
	ended(a);
}

static void on_usr1(int sig)
{
	(void)sig;
	_exit(42);
}

static void good_requests(void)
{
	struct reply r;
	pid_t a, main_pid;
	int fd, status;

	run(&r, "hello\n", true, 0, "argv", "/bin/sh", "argv", "-c",
	    "argv", "read x; echo got $x; echo err >&2; echo $A $(pwd); exit 3",
	    "env", "A=b", "workdir", "/tmp", NULL);
	check(r.pid > 0 && r.exit_kind == AGENT_EXITED && r.exit_value == 3 &&
	      !strncmp(r.out, "got hello\nb /tmp\n", r.nout) && r.nout == 17 &&
	      r.nerr == 4 && !memcmp(r.err, "err\n", 4),
	      "EXEC: STARTED, stdout and stderr apart, env, workdir, stdin, EXIT 3");

	run(&r, "no end", false, SIGTERM, "argv", "/bin/sh", "argv", "-c", "argv", "cat; exit 0", NULL);
	check(r.exit_kind == AGENT_SIGNALED && r.exit_value == SIGTERM,
	      "EXEC + SIGNAL 15: the process ends by SIGTERM (kind %d, value %d)", r.exit_kind,
	      r.exit_value);

	run(&r, NULL, true, 0, "argv", "/bin/sh", "argv", "-c", "argv", "stty size; test -t 0 && echo tty",
	    "tty", "30 100", NULL);
	r.out[r.nout] = '\0';
	check(r.exit_kind == AGENT_EXITED && r.exit_value == 0 && strstr(r.out, "30 100") &&
	      strstr(r.out, "tty") && r.nerr == 0,
	      "EXEC with a tty of 30x100: stty size inside, one stream");

	run(&r, NULL, true, 0, "argv", "/nonexistent/command", NULL);
	r.err[r.nerr] = '\0';
	check(r.pid > 0 && r.exit_kind == AGENT_EXITED && r.exit_value == 127 &&
	      strstr(r.err, "No such file"), "EXEC of a missing file: 127 and why on stderr");

	/* The client leaves: the handler ends at once, the process loses its stdin. */
	fd = serve(&a);
	{
		char req[256];
		size_t n = body(req, sizeof(req), true, "argv", "/bin/cat", NULL);

		send_frame(fd, AGENT_EXEC, req, n);
	}
	usleep(200000);
	close(fd);
	check(ended(a), "a client that leaves during an exec: the handler ends");

	/* SIGNAL_MAIN: the command is ctx's, with a handler for USR1 only. */
	main_pid = fork();
	if (main_pid == 0) {
		signal(SIGUSR1, on_usr1);
		for (;;)
			pause();
	}
	ctx.main_pid = main_pid;
	usleep(200000);
	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, SIGUSR2, 0, 2);
	collect(fd, &r);
	close(fd);
	ended(a);
	usleep(200000);
	check(r.ok == 1 && waitpid(main_pid, &status, WNOHANG) == 0,
	      "SIGNAL_MAIN USR2, which the command does not handle: OK, dropped (as for runc's PID 1)");
	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, SIGUSR1, 0, 2);
	collect(fd, &r);
	close(fd);
	ended(a);
	check(r.ok == 1 && waitpid(main_pid, &status, 0) == main_pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 42, "SIGNAL_MAIN USR1: OK, and the command's handler ran");
	fd = serve(&a);
	send_u32s(fd, AGENT_SIGNAL_MAIN, SIGUSR1, 0, 2);
	collect(fd, &r);
	close(fd);
	ended(a);
	check(r.error_status > 0 && strstr(r.error, "has ended"),
	      "SIGNAL_MAIN once the command has ended: ERROR '%s'", r.error);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	ctx.agent_pid = getpid();
	hostile_requests();
	good_requests();
	return tap_summary();
}
