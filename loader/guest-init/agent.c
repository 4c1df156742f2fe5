// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_frame.h"
#include "kernel_init.h"
#include "root_image.h"
#include "signal_taken.h"
#include "tty.h"
#include "writeback.h"

/* <linux/vm_sockets.h>, not in musl's headers. */
#ifndef AF_VSOCK
#define AF_VSOCK	40
#endif
#define VMADDR_CID_ANY_VALUE	0xffffffffu
#define VSOCK_GET_LOCAL_CID	_IO(7, 0xb9)
struct vsock_addr {
	sa_family_t svm_family;
	unsigned short svm_reserved1;
	unsigned int svm_port;
	unsigned int svm_cid;
	unsigned char svm_zero[4];
};

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_close_range
#define SYS_close_range		436
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal	424
#endif

/* Connections served at once; more wait in the listen queue. */
#define AGENT_MAX_HANDLERS	64
/* How long a client may take to send its request, and to take an answer. */
#define AGENT_REQUEST_MS	10000
#define AGENT_REPLY_MS		5000
/* A command's time to set its signal handlers up (supervise.c's grace), and the poll. */
#define STARTUP_GRACE_MS	1000
#define STARTUP_POLL_MS		5

/* The frame, written whole (poll for room, within AGENT_REPLY_MS). */
bool agent_reply(int sock, unsigned int type, const void *data, size_t len)
{
	struct byteq q;
	bool ok;

	if (!byteq_init(&q, AGENT_HEADER_LEN + len + 1))
		return false;
	ok = byteq_frame(&q, type, data, len);
	for (int waited = 0; ok && byteq_len(&q);) {
		struct pollfd p = { .fd = sock, .events = POLLOUT };

		ok = byteq_flush(&q, sock);
		if (!ok || !byteq_len(&q))
			break;
		if (waited >= AGENT_REPLY_MS || poll(&p, 1, 100) < 0) {
			ok = false;
			break;
		}
		waited += 100;
	}
	byteq_free(&q);
	return ok;
}

bool agent_reply_error(int sock, unsigned int status, const char *fmt, ...)
{
	unsigned char msg[4 + AGENT_ERROR_TEXT_MAX];
	va_list ap;
	int n;

	agent_put_u32(msg, status);
	va_start(ap, fmt);
	n = vsnprintf((char *)msg + 4, AGENT_ERROR_TEXT_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n >= AGENT_ERROR_TEXT_MAX)
		n = AGENT_ERROR_TEXT_MAX - 1;
	return agent_reply(sock, AGENT_ERROR, msg, 4 + (size_t)n);
}

/* The parent of pid (field 4 of /proc/PID/stat), or -1. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd, ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/*
 * What the kernel delivers even to a PID 1 without a handler, when sent
 * from outside its namespace: KILL (xlibos-runtime's kill -9, so that the
 * guest ends and its root is written back) and STOP; CONT resumes anyone.
 */
static bool reaches_pid1(int sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGCONT;
}

/*
 * kill --all: every process of the container but init, the agent and its
 * connections' handlers (this one included), init's terminal relay and
 * kernel threads.  Processes exec'd by the agent are the container's.
 */
static bool signal_all(const struct agent_ctx *ctx, int sig)
{
	DIR *d = opendir("/proc");
	pid_t self = getpid();
	struct dirent *e;

	if (!d)
		return false;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		pid_t ppid;

		if (*end || pid <= 2 || pid == self || pid == ctx->agent_pid ||
		    pid == ctx->tty_relay)
			continue;
		ppid = parent_of((pid_t)pid);
		if (ppid < 0 || ppid == 2 || ppid == ctx->agent_pid)
			continue;
		/* The command as PID 1 (signal_main()); the others as they are. */
		if (pid == ctx->main_pid && !reaches_pid1(sig) && !signal_taken((pid_t)pid, sig))
			continue;
		kill((pid_t)pid, sig);
	}
	closedir(d);
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The command takes sig, now or before its start-up grace is over. */
static bool taken_in_time(const struct agent_ctx *ctx, int sig)
{
	const struct timespec tick = { 0, STARTUP_POLL_MS * 1000000L };

	while (!signal_taken(ctx->main_pid, sig)) {
		if (now_ms() - ctx->main_start_ms >= STARTUP_GRACE_MS)
			return false;
		nanosleep(&tick, NULL);
	}
	return true;
}

static void signal_main(int sock, const struct agent_ctx *ctx, const unsigned char *p, size_t len)
{
	uint32_t sig = len == 8 ? agent_get_u32(p) : 0, flags = len == 8 ? agent_get_u32(p + 4) : 0;
	int rc;

	if (sig < 1 || sig > 64 || (flags & ~AGENT_SIGNAL_ALL)) {
		agent_reply_error(sock, 1, "bad signal request");
		return;
	}
	if (flags & AGENT_SIGNAL_ALL) {
		if (!signal_all(ctx, (int)sig)) {
			agent_reply_error(sock, 1, "cannot list the container's processes: %s",
					  strerror(errno));
			return;
		}
		agent_reply(sock, AGENT_OK, NULL, 0);
		return;
	}
	/*
	 * Under runc the command is the PID 1 of its namespace, which the
	 * kernel spares every signal it has no handler for, but KILL and
	 * STOP from outside: so is ours, a signal it does not take is dropped.
	 * As init holds TERM at start (supervise.c), a command that has just
	 * started gets STARTUP_GRACE_MS to set its handlers up first.
	 */
	/* A pidfd: never a process that took the command's pid after it ended. */
	for (int pass = 0; pass < 2; pass++) {
		int s = pass ? (int)sig : 0;	/* first: is it there at all? */

		if (pass && !reaches_pid1((int)sig) && !taken_in_time(ctx, (int)sig))
			break;
		if (ctx->main_pidfd >= 0)
			rc = (int)syscall(SYS_pidfd_send_signal, ctx->main_pidfd, s, NULL, 0);
		else
			rc = kill(ctx->main_pid, s);
		if (rc != 0)
			break;
	}
	if (rc != 0)
		agent_reply_error(sock, 1, "cannot signal the container's command: %s",
				  errno == ESRCH ? "it has ended" : strerror(errno));
	else
		agent_reply(sock, AGENT_OK, NULL, 0);
}

static void resize_main(int sock, const struct agent_ctx *ctx, const unsigned char *p, size_t len)
{
	uint32_t rows = len == 8 ? agent_get_u32(p) : 70000, cols = len == 8 ? agent_get_u32(p + 4) : 0;
	struct winsize ws = { 0 };
	int fd;

	if (rows > 65535 || cols > 65535) {
		agent_reply_error(sock, 1, "bad window size");
		return;
	}
	if (!ctx->tty_slave) {
		agent_reply_error(sock, 1, "the container's command has no terminal");
		return;
	}
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	/* Either side sets the size; the slave's foreground group gets SIGWINCH. */
	fd = open(ctx->tty_slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TIOCSWINSZ, &ws) != 0) {
		agent_reply_error(sock, 1, "cannot resize %s: %s", ctx->tty_slave, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	agent_reply(sock, AGENT_OK, NULL, 0);
}

/* In a child: the write-back mounts the share and moves its working directory. */
static void sync_root(int sock, const struct agent_ctx *ctx)
{
	const char *tag = ctx->cfg->root ? ctx->cfg->writeback : NULL;
	pid_t child;
	int status = 0;

	if (!tag) {
		agent_reply(sock, AGENT_OK, NULL, 0);
		return;
	}
	child = fork();
	if (child == 0)
		_exit(writeback_sync(tag) ? 0 : 1);
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		agent_reply_error(sock, 1, "the container's changes to its root were not all written back");
		return;
	}
	agent_reply(sock, AGENT_OK, NULL, 0);
}

void agent_serve_connection(int sock, const struct agent_ctx *ctx)
{
	struct frame_reader rd;
	const char *why = "";
	enum frame_result r = FRAME_MORE;
	int waited = 0;

	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	if (!frame_reader_init(&rd, AGENT_REQUEST_MAX)) {
		agent_reply_error(sock, 125, "out of memory in the guest agent");
		return;
	}
	while (waited < AGENT_REQUEST_MS && (r = frame_read(&rd, sock, &why)) == FRAME_MORE) {
		struct pollfd p = { .fd = sock, .events = POLLIN };

		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
		waited += 100;
	}
	if (r != FRAME_READY) {
		if (r == FRAME_BAD)
			agent_reply_error(sock, 125, "bad request: %s", why);
		else if (r == FRAME_MORE)
			agent_reply_error(sock, 125, "no request within %d s", AGENT_REQUEST_MS / 1000);
		frame_reader_free(&rd);
		return;
	}
	switch (rd.type) {
	case AGENT_EXEC:
		agent_exec(sock, ctx, (char *)rd.buf, rd.len);
		break;
	case AGENT_SIGNAL_MAIN:
		signal_main(sock, ctx, rd.buf, rd.len);
		break;
	case AGENT_RESIZE_MAIN:
		resize_main(sock, ctx, rd.buf, rd.len);
		break;
	case AGENT_SYNC_ROOT:
		sync_root(sock, ctx);
		break;
	default:
		agent_reply_error(sock, 125, "frame type %u is not a request", (unsigned int)rd.type);
	}
	frame_reader_free(&rd);
}

/* A vsock transport with an address of its own (the supervisor's device). */
static bool vsock_present(void)
{
	unsigned int cid = VMADDR_CID_ANY_VALUE;
	int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (ioctl(fd, VSOCK_GET_LOCAL_CID, &cid) != 0)
		cid = VMADDR_CID_ANY_VALUE;
	close(fd);
	return cid != VMADDR_CID_ANY_VALUE && cid > 2;
}

static int vsock_listen(void)
{
	struct vsock_addr addr = {
		.svm_family = AF_VSOCK, .svm_port = XLIBOS_CONTROL_PORT,
		.svm_cid = VMADDR_CID_ANY_VALUE,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 16) != 0) {
		fprintf(stderr, "xlibos: guest agent: cannot listen on vsock port %d: %s\n",
			XLIBOS_CONTROL_PORT, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void reap_handlers(int *handlers, bool block)
{
	while (*handlers > 0) {
		pid_t pid = waitpid(-1, NULL, block ? 0 : WNOHANG);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		(*handlers)--;
		block = false;
	}
}

static void agent_main(struct agent_ctx *ctx)
{
	sigset_t none;
	int lfd, handlers = 0, devnull, pidfd;

	prctl(PR_SET_NAME, "xlibos-agent", 0, 0, 0);
	/* init's blocked TERM/INT/HUP/CHLD are not ours; a broken client is no SIGPIPE. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	setsid();
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	ctx->agent_pid = getpid();
	/*
	 * Nothing of init's but stdio, the command's pidfd (as 3) and the
	 * root's layers for SYNC_ROOT (4 and 5).
	 */
	pidfd = ctx->main_pidfd >= 0 ? fcntl(ctx->main_pidfd, F_DUPFD_CLOEXEC, 64) : -1;
	root_image_move_fds(4);
	ctx->main_pidfd = pidfd >= 0 && dup3(pidfd, 3, O_CLOEXEC) == 3 ? 3 : -1;
	if (ctx->main_pidfd != 3)
		close(3);
	syscall(SYS_close_range, 6U, ~0U, 0);
	lfd = vsock_listen();
	if (lfd < 0)
		_exit(0);
	for (;;) {
		int conn;
		pid_t pid;

		reap_handlers(&handlers, false);
		if (handlers >= AGENT_MAX_HANDLERS)
			reap_handlers(&handlers, true);
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
				continue;
			/* Out of descriptors or memory: let handlers end, then go on. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
				reap_handlers(&handlers, handlers > 0);
				continue;
			}
			fprintf(stderr, "xlibos: guest agent: accept: %s\n", strerror(errno));
			_exit(1);
		}
		pid = fork();
		if (pid == 0) {
			close(lfd);
			agent_serve_connection(conn, ctx);
			_exit(0);
		}
		if (pid > 0)
			handlers++;
		close(conn);
	}
}

pid_t agent_start(const struct init_config *cfg, pid_t main_pid)
{
	struct agent_ctx ctx = {
		.cfg = cfg, .main_pid = main_pid, .main_pidfd = -1,
		.tty_relay = tty_relay_pid(), .tty_slave = tty_slave_path(),
		.main_start_ms = now_ms(),
	};
	pid_t pid;

	/* Run natively by a test, the host's vsock is not ours to listen on. */
	if (!kernel_init() || !vsock_present())
		return -1;
	/* Before the fork: the command cannot have been reaped yet. */
	ctx.main_pidfd = (int)syscall(SYS_pidfd_open, main_pid, 0);
	if (ctx.main_pidfd >= 0)
		fcntl(ctx.main_pidfd, F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid == 0)
		agent_main(&ctx);
	if (pid < 0)
		fprintf(stderr, "xlibos: guest agent: fork: %s\n", strerror(errno));
	if (ctx.main_pidfd >= 0)
		close(ctx.main_pidfd);
	return pid;
}
