/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime's end of a container's control channel: the supervisor's
 * control socket (STATE_DIR/control.sock, served by "xlibos run
 * --control-socket"), where "CONNECT <port>\n" and its "OK <n>\n" open a
 * byte stream to the guest agent (guest-init/agent_proto.h).  What comes
 * back is the hostile guest's: bounded, range-checked, never trusted.
 */
#ifndef XLIBOS_OCI_CONTROL_H
#define XLIBOS_OCI_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCI_CONTROL_FILE	"control.sock"

/*
 * A stream to the agent of the container whose state directory is dir
 * (blocking), or -1 with a reason in why: no control socket, the guest not
 * (yet) listening, or a bad answer.
 */
int control_connect(const char *dir, char *why, size_t len);
/* The same; *booting: the supervisor is there but nothing listens in the guest (yet). */
int control_connect_ex(const char *dir, char *why, size_t len, bool *booting);
/* control_connect, asked again for up to wait_ms while the guest boots. */
int control_connect_wait(const char *dir, int wait_ms, char *why, size_t len);

/* Send one request frame and take its one-frame answer (OK or ERROR), within a timeout. */
bool control_request(int sock, uint32_t type, const void *data, size_t len, char *why,
		     size_t whylen);
/* The same with the answer awaited for up to @answer_ms. */
bool control_request_within(int sock, uint32_t type, const void *data, size_t len, char *why,
			    size_t whylen, int answer_ms);

/*
 * SIGNAL_MAIN (flags: AGENT_SIGNAL_ALL) and RESIZE_MAIN, each on a
 * connection of its own; *booting as control_connect_ex() says it.
 */
bool control_signal_main(const char *dir, int sig, uint32_t flags, char *why, size_t len,
			 bool *booting);
bool control_resize_main(const char *dir, unsigned int rows, unsigned int cols, char *why,
			 size_t len, bool *booting);

/*
 * SYNC_ROOT: the container's changes to its root written back now (pause,
 * before its processes stop); waits up to a minute for the guest.
 */
bool control_sync_root(const char *dir, char *why, size_t len);

/* An ERROR frame's text made printable (at most AGENT_ERROR_TEXT_MAX bytes). */
void control_error_text(const unsigned char *p, size_t len, char *out, size_t outlen);

#endif
