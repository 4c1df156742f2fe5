/* SPDX-License-Identifier: GPL-2.0 */
/*
 * process.terminal after start: conmon (or whoever holds the console
 * socket's master) resizes the host pty, and SIGWINCH goes to the
 * foreground process group of the session whose controlling terminal it
 * is.  The supervisor's stdio is that pty but no session's terminal; this
 * watcher, a process of the supervisor's forked before it execs "xlibos
 * run", makes the pty its own session's terminal, and on each SIGWINCH
 * sends the size to the guest agent (RESIZE_MAIN over the control
 * channel), again and again while the guest boots.  It dies with the
 * supervisor (parent-death signal) or when the master is closed (SIGHUP).
 */
#ifndef XLIBOS_OCI_RESIZE_WATCH_H
#define XLIBOS_OCI_RESIZE_WATCH_H

/* In the supervisor-to-be, after its setsid(): fork the watcher of tty (state in dir). */
void resize_watch_start(const char *dir, int tty, unsigned int rows, unsigned int cols);

#endif
