/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exec's host side once the guest process runs: its stdio (or terminal)
 * relayed to and from the agent's frames, signals sent to this process
 * forwarded to it, a terminal's size changes (SIGWINCH) sent as resizes,
 * until its EXIT.  The other end is the hostile guest: bounded queues,
 * every frame checked, an exit status only if it is in range.
 */
#ifndef XLIBOS_OCI_EXEC_BRIDGE_H
#define XLIBOS_OCI_EXEC_BRIDGE_H

#include <stdbool.h>

struct bridge {
	int sock;		/* the agent's stream, after STARTED */
	int in_fd;		/* what goes to the process's stdin, or -1 */
	int out_fd, err_fd;	/* where its STDOUT and STDERR go (one fd with a tty) */
	int winch_fd;		/* a terminal whose size is followed, or -1 */
	bool quiet;		/* no messages (a detached proxy's stderr is the process's) */
};

/*
 * Relay until the process ends: true with its exit status in *code, or
 * the signal that killed it in *sig (*code then 128 + it).  False if the
 * channel broke first (the container ended: *sig SIGKILL, as the process
 * would have died with it) or the agent said something out of range.
 */
bool bridge_run(const struct bridge *b, int *code, int *sig);

#endif
