/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest agent's protocol: xlibos-init's agent (agent.c) listens on
 * guest vsock port XLIBOS_CONTROL_PORT; its client is xlibos-runtime
 * (loader/oci/control.c), through the supervisor's control socket
 * ("CONNECT 1024\n", "OK n\n", then this byte stream).  Both sides are
 * built from this tree.
 *
 * One request per connection.  Everything is frames, both ways:
 *
 *   u32 TYPE, u32 LENGTH (both big-endian), then LENGTH bytes
 *
 * A frame longer than its type allows, an unknown type, or one that comes
 * out of turn ends the connection (the agent answers ERROR first where it
 * can).  Numbers inside frames are u32 big-endian.
 *
 * The first frame from the client is the request:
 *   EXEC         a process to start: a config body (config_format.h:
 *                XLIBOS_CONFIG_MAGIC then "TAG\0VALUE\0" records) with
 *                argv (at least one), env, workdir and only these
 *                container records: user, umask, rlimit, nnp, caps,
 *                seccomp, tty.  Without a seccomp record the container's
 *                own filter applies (as runc's exec).  The agent answers
 *                STARTED (or ERROR and closes); then, client -> agent:
 *                  STDIN data, STDIN_EOF, SIGNAL sig, RESIZE rows cols
 *                and agent -> client:
 *                  STDOUT data, STDERR data (none with a tty: all output
 *                  is STDOUT), then EXIT once the process ended and its
 *                  output drained (bounded: AGENT_DRAIN_MS after the
 *                  exit), and the agent closes.
 *                The client closing early: the process's stdin ends and
 *                its output goes nowhere (a tty hangs up).
 *   SIGNAL_MAIN  sig, flags: to the container's command, or with
 *                AGENT_SIGNAL_ALL to every process of the container
 *                (not the init, its agent or its terminal relay);
 *                answer OK or ERROR
 *   RESIZE_MAIN  rows, cols: the command's terminal; answer OK or ERROR
 *   SYNC_ROOT    (empty) the container's changes to its root written back
 *                now (guest-init/writeback.c, with --rootfs-writeback; else
 *                nothing to do); answer OK or ERROR once done
 *
 * Answers: STARTED pid; EXIT kind, value (AGENT_EXITED and a status
 * 0-255, or AGENT_SIGNALED / AGENT_SIGNALED_CORE and a signal 1-64);
 * OK (empty); ERROR status, text (the exit status the client should give,
 * 1-255, then a one-line reason).  The client trusts none of it beyond
 * these ranges: the guest is hostile.
 */
#ifndef XLIBOS_GUEST_AGENT_PROTO_H
#define XLIBOS_GUEST_AGENT_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* XLIBOS_CONTROL_PORT: the guest vsock port of the agent (the supervisor's "CONNECT <port>"). */
#include "../control_port.h"

#define AGENT_HEADER_LEN	8
/* Largest EXEC request (argv + env as ARG_MAX-ish), and stream frame. */
#define AGENT_REQUEST_MAX	(1u << 20)
#define AGENT_DATA_MAX		(64u << 10)
#define AGENT_ERROR_TEXT_MAX	512
/* How long output may still drain once an exec'd process has ended. */
#define AGENT_DRAIN_MS		2000

enum agent_frame_type {
	/* client -> agent: requests */
	AGENT_EXEC = 1,
	AGENT_SIGNAL_MAIN = 2,
	AGENT_RESIZE_MAIN = 3,
	AGENT_SYNC_ROOT = 8,
	/* client -> agent: during an exec */
	AGENT_STDIN = 4,
	AGENT_STDIN_EOF = 5,
	AGENT_SIGNAL = 6,
	AGENT_RESIZE = 7,
	/* agent -> client */
	AGENT_STARTED = 16,
	AGENT_STDOUT = 17,
	AGENT_STDERR = 18,
	AGENT_EXIT = 19,
	AGENT_OK = 20,
	AGENT_ERROR = 21,
};

#define AGENT_SIGNAL_ALL	1u

enum agent_exit_kind { AGENT_EXITED = 0, AGENT_SIGNALED = 1, AGENT_SIGNALED_CORE = 2 };

/* Longest payload a frame of this type may have; 0 for an unknown type. */
static inline size_t agent_frame_max(uint32_t type)
{
	switch (type) {
	case AGENT_EXEC:
		return AGENT_REQUEST_MAX;
	case AGENT_STDIN: case AGENT_STDOUT: case AGENT_STDERR:
		return AGENT_DATA_MAX;
	case AGENT_SIGNAL_MAIN: case AGENT_RESIZE_MAIN: case AGENT_RESIZE: case AGENT_EXIT:
		return 8;
	case AGENT_SIGNAL: case AGENT_STARTED:
		return 4;
	case AGENT_STDIN_EOF: case AGENT_OK: case AGENT_SYNC_ROOT:
		return 1;	/* empty; 1 only so that 0 can mean "unknown" */
	case AGENT_ERROR:
		return 4 + AGENT_ERROR_TEXT_MAX;
	default:
		return 0;
	}
}

static inline void agent_put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline uint32_t agent_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
