/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "tty" container record (process.terminal): the command runs on a
 * pseudo-terminal of the guest's own, whose line discipline gives it job
 * control, echo and ^C; a relay process copies between the host's stdio
 * (the pty xlibos-runtime handed to podman, raw on the host side) and the
 * guest pty's master.  Window size: the record's at start, then what the
 * guest agent sets (agent.c, RESIZE_MAIN).
 */
#ifndef XLIBOS_INIT_TTY_H
#define XLIBOS_INIT_TTY_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

/* With a "tty" record: open the guest pty and start the relay.  True without one. */
bool tty_start(const struct init_config *cfg);

/* In the command's child after setsid(): the pty slave as its terminal and stdio. */
bool tty_attach(void);

/* After the command ended: let the relay pass the last output (bounded), then end it. */
void tty_finish(void);

/* The command's terminal (its window size is set there), or NULL without one. */
const char *tty_slave_path(void);
/* The relay process, or -1: not one of the container's processes (kill --all). */
pid_t tty_relay_pid(void);

#endif
