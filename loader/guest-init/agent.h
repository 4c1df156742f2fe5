/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest agent: a process init forks once the container's command runs
 * (only as the kernel's own init, and only with a vsock transport), which
 * listens on vsock port XLIBOS_CONTROL_PORT for xlibos-runtime's requests
 * (agent_proto.h): exec a process, signal the command or every process,
 * resize the command's terminal.  Each connection is served by a process
 * of its own, so init (which only reaps the agent like any child) never
 * waits on a client, and a slow client only holds up its own request.
 */
#ifndef XLIBOS_INIT_AGENT_H
#define XLIBOS_INIT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct agent_ctx {
	const struct init_config *cfg;	/* the container's (its seccomp record) */
	pid_t main_pid;			/* the container's command */
	int main_pidfd;			/* a pidfd of it, or -1 */
	pid_t agent_pid;		/* the listening process */
	pid_t tty_relay;		/* init's terminal relay, or -1 */
	const char *tty_slave;		/* the command's terminal, or NULL */
	long long main_start_ms;	/* CLOCK_MONOTONIC of the command's start */
};

/*
 * From supervise_command(), in init, right after the command's fork, and
 * again if the agent dies (a process of the container may kill it): its
 * pid, or -1 without one (no vsock, not the kernel's init, fork failed).
 */
pid_t agent_start(const struct init_config *cfg, pid_t main_pid);

/* Serve one connection (non-blocking or not) to its end; the caller then exits. */
void agent_serve_connection(int sock, const struct agent_ctx *ctx);

/* EXEC: req (len bytes, a config body, modified in place) describes the process. */
void agent_exec(int sock, const struct agent_ctx *ctx, char *req, size_t len);

/* Answers: a whole frame within the agent's reply timeout; false if it could not go. */
bool agent_reply(int sock, unsigned int type, const void *data, size_t len);
bool agent_reply_error(int sock, unsigned int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
