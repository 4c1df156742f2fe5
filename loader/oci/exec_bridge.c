// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "exec_bridge.h"
#include "log.h"
#include "../guest-init/agent_frame.h"

#define TO_AGENT_CAP	(2 * (AGENT_DATA_MAX + AGENT_HEADER_LEN))
#define OUTPUT_CAP	(2 * AGENT_DATA_MAX)

/* Signals passed on to the process, as runc's exec passes them (not CHLD, WINCH, URG, stops). */
static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCONT,
};

struct relay {
	const struct bridge *b;
	int sfd;
	struct frame_reader rd;
	struct byteq to_agent, out, err;
	bool in_eof, out_broken, err_broken, exited;
	bool sock_unwritable;	/* the agent stopped reading: what we send is dropped */
	int code, sig;
};

static void frame_or_drop(struct byteq *q, uint32_t type, const void *p, size_t len)
{
	/* Callers poll for room first; a control frame fits in what is left. */
	byteq_frame(q, type, p, len);
}

static void send_u32s(struct relay *r, uint32_t type, uint32_t a, uint32_t b, size_t n)
{
	unsigned char msg[8];

	agent_put_u32(msg, a);
	agent_put_u32(msg + 4, b);
	frame_or_drop(&r->to_agent, type, msg, n * 4);
}

static void send_size(struct relay *r)
{
	struct winsize ws;

	if (ioctl(r->b->winch_fd, TIOCGWINSZ, &ws) == 0)
		send_u32s(r, AGENT_RESIZE, ws.ws_row, ws.ws_col, 2);
}

/* A frame from the agent; false if it has no business here. */
static bool agent_frame(struct relay *r)
{
	const unsigned char *p = r->rd.buf;
	uint32_t kind, value;

	switch (r->rd.type) {
	case AGENT_STDOUT:
		if (!r->out_broken)
			byteq_put(&r->out, p, r->rd.len);
		return true;
	case AGENT_STDERR: {
		/* With a tty there is one stream. */
		bool one = r->b->err_fd == r->b->out_fd;

		if (!(one ? r->out_broken : r->err_broken))
			byteq_put(one ? &r->out : &r->err, p, r->rd.len);
		return true;
	}
	case AGENT_EXIT:
		if (r->rd.len != 8)
			return false;
		kind = agent_get_u32(p);
		value = agent_get_u32(p + 4);
		if (kind == AGENT_EXITED && value <= 255) {
			r->code = (int)value;
		} else if ((kind == AGENT_SIGNALED || kind == AGENT_SIGNALED_CORE) && value >= 1 &&
			   value <= 64) {
			r->sig = (int)value;
			r->code = 128 + r->sig;
		} else {
			return false;
		}
		r->exited = true;
		return true;
	default:
		return false;
	}
}

static void set_nonblock(int fd, int *saved)
{
	*saved = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
	if (*saved >= 0)
		fcntl(fd, F_SETFL, *saved | O_NONBLOCK);
}

static void restore_flags(int fd, int saved)
{
	if (fd >= 0 && saved >= 0)
		fcntl(fd, F_SETFL, saved);
}

/* Output the agent sent: written as the descriptor takes it; a closed reader drops the rest. */
static void flush_output(struct relay *r, struct byteq *q, int fd, bool *broken)
{
	if (*broken || byteq_flush(q, fd))
		return;
	*broken = true;
	q->start = q->end = 0;
	/* As the process's own write to a closed pipe would: SIGPIPE. */
	if (errno == EPIPE && !r->exited)
		send_u32s(r, AGENT_SIGNAL, SIGPIPE, 0, 1);
}

enum { SLOT_SOCK, SLOT_IN, SLOT_OUT, SLOT_ERR, SLOT_SIG, SLOT_COUNT };

static bool relay_loop(struct relay *r, const char **why)
{
	const struct bridge *b = r->b;
	bool one = b->err_fd == b->out_fd;

	for (;;) {
		struct pollfd p[SLOT_COUNT];
		bool room_in = byteq_room(&r->to_agent) >= AGENT_DATA_MAX + 2 * AGENT_HEADER_LEN + 16;
		bool room_out = byteq_room(&r->out) >= AGENT_DATA_MAX &&
				byteq_room(&r->err) >= AGENT_DATA_MAX;

		if (r->exited && (!byteq_len(&r->out) || r->out_broken) &&
		    (!byteq_len(&r->err) || r->err_broken))
			return true;
		p[SLOT_SOCK] = (struct pollfd){ .fd = b->sock,
			.events = (short)((!r->exited && room_out ? POLLIN : 0) |
					  (byteq_len(&r->to_agent) ? POLLOUT : 0)) };
		/* Not polled at all when nothing is wanted: a hang-up would spin. */
		if (!p[SLOT_SOCK].events)
			p[SLOT_SOCK].fd = -1;
		p[SLOT_IN] = (struct pollfd){ .fd = !r->exited && !r->in_eof && room_in ? b->in_fd : -1,
					      .events = POLLIN };
		p[SLOT_OUT] = (struct pollfd){ .fd = byteq_len(&r->out) ? b->out_fd : -1,
					       .events = POLLOUT };
		p[SLOT_ERR] = (struct pollfd){ .fd = !one && byteq_len(&r->err) ? b->err_fd : -1,
					       .events = POLLOUT };
		p[SLOT_SIG] = (struct pollfd){ .fd = r->exited ? -1 : r->sfd, .events = POLLIN };
		if (poll(p, SLOT_COUNT, -1) < 0) {
			if (errno == EINTR)
				continue;
			*why = strerror(errno);
			return false;
		}
		if (p[SLOT_SOCK].revents & (POLLIN | POLLHUP | POLLERR)) {
			while (!r->exited && byteq_room(&r->out) >= AGENT_DATA_MAX &&
			       byteq_room(&r->err) >= AGENT_DATA_MAX) {
				enum frame_result fr = frame_read(&r->rd, b->sock, why);

				if (fr == FRAME_MORE)
					break;
				if (fr == FRAME_EOF) {
					*why = "the container's side closed before the process's exit status";
					return false;
				}
				if (fr == FRAME_BAD)
					return false;
				if (!agent_frame(r)) {
					*why = "a frame out of place or out of range from the container";
					return false;
				}
			}
		}
		/*
		 * The agent closes once the process ended: input still on its way
		 * is dropped, and its EXIT may still be ahead of us to read.
		 */
		if ((p[SLOT_SOCK].revents & POLLOUT) && !byteq_flush(&r->to_agent, b->sock))
			r->sock_unwritable = true;
		if (r->sock_unwritable)
			r->to_agent.start = r->to_agent.end = 0;
		if (p[SLOT_IN].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
			unsigned char buf[AGENT_DATA_MAX];
			ssize_t n = read(b->in_fd, buf, sizeof(buf));

			if (n > 0) {
				frame_or_drop(&r->to_agent, AGENT_STDIN, buf, (size_t)n);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				/* End of input (a terminal whose other side closed says EIO). */
				r->in_eof = true;
				frame_or_drop(&r->to_agent, AGENT_STDIN_EOF, NULL, 0);
			}
		}
		if (p[SLOT_OUT].revents)
			flush_output(r, &r->out, b->out_fd, &r->out_broken);
		if (p[SLOT_ERR].revents)
			flush_output(r, &r->err, b->err_fd, &r->err_broken);
		if (p[SLOT_SIG].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(r->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if ((int)si.ssi_signo == SIGWINCH)
					send_size(r);
				else
					send_u32s(r, AGENT_SIGNAL, si.ssi_signo, 0, 1);
			}
		}
	}
}

bool bridge_run(const struct bridge *b, int *code, int *sig)
{
	struct relay r = { .b = b, .sfd = -1 };
	int fl_in, fl_out, fl_err, fl_sock;
	const char *why = "";
	sigset_t set, old;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	bool ok = false;

	*code = 128 + SIGKILL;
	*sig = SIGKILL;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	if (b->winch_fd >= 0)
		sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* A closed reader (ours or the agent's) is an error to handle, not our death. */
	sigaction(SIGPIPE, &ign, &old_pipe);
	r.sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r.sfd < 0 || !frame_reader_init(&r.rd, AGENT_DATA_MAX) ||
	    !byteq_init(&r.to_agent, TO_AGENT_CAP) || !byteq_init(&r.out, OUTPUT_CAP) ||
	    !byteq_init(&r.err, OUTPUT_CAP)) {
		if (!b->quiet)
			oci_error("exec: cannot relay the process's stdio: %s", strerror(errno));
		goto out;
	}
	set_nonblock(b->in_fd, &fl_in);
	set_nonblock(b->out_fd, &fl_out);
	set_nonblock(b->err_fd == b->out_fd ? -1 : b->err_fd, &fl_err);
	set_nonblock(b->sock, &fl_sock);
	ok = relay_loop(&r, &why);
	restore_flags(b->in_fd, fl_in);
	restore_flags(b->out_fd, fl_out);
	restore_flags(b->err_fd == b->out_fd ? -1 : b->err_fd, fl_err);
	if (ok) {
		*code = r.code;
		*sig = r.sig;
	} else if (!b->quiet) {
		oci_error("exec: %s", why);
	}
out:
	if (r.sfd >= 0)
		close(r.sfd);
	frame_reader_free(&r.rd);
	byteq_free(&r.to_agent);
	byteq_free(&r.out);
	byteq_free(&r.err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return ok;
}
