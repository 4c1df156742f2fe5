/* SPDX-License-Identifier: GPL-2.0 */
/* PID 1's job while the command runs: forward signals, reap everything. */
#ifndef XLIBOS_INIT_SUPERVISE_H
#define XLIBOS_INIT_SUPERVISE_H

#include "config.h"

/*
 * Fork; the child execs the command (command_exec).  The parent forwards
 * SIGTERM, SIGINT and SIGHUP to it and reaps every process that ends
 * (orphans are re-parented to init) until the command itself is reaped.
 * Returns its wait status, or -1 if it could not be started (message
 * printed).
 */
int supervise_command(const struct init_config *cfg);

#endif
