/* SPDX-License-Identifier: GPL-2.0 */
/* PID 1's job while the command runs: forward signals, reap everything. */
#ifndef XLIBOS_INIT_SUPERVISE_H
#define XLIBOS_INIT_SUPERVISE_H

#include "config.h"

/*
 * init's first action: block SIGTERM, SIGINT, SIGHUP (and SIGCHLD) so that
 * one the LibOS passes on while the container starts stays pending for
 * supervise_command() (PID 1 would drop a signal it has no handler for).
 */
void supervise_hold_signals(void);

/*
 * Fork; the child execs the command (command_exec) with the signal mask
 * init started with.  The parent forwards SIGTERM, SIGINT and SIGHUP to it
 * and reaps every process that ends (orphans are re-parented to init)
 * until the command itself is reaped.  A signal that comes before the
 * command is ready for it (it blocks, ignores or handles it) is held
 * until it is, or until STARTUP_GRACE_MS after its exec: one sent while
 * the container starts reaches the program's handler, not its default
 * action half-way through start-up.  Returns the command's wait status,
 * or -1 if it could not be started (message printed).
 */
int supervise_command(const struct init_config *cfg);

#endif
