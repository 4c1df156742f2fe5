/* SPDX-License-Identifier: GPL-2.0 */
/* From the command's wait status to the run's exit status. */
#ifndef XLIBOS_INIT_STATUS_H
#define XLIBOS_INIT_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* The exit status, or 128+N if signal N killed it (as the shell's $?). */
int status_from_wait(int wstatus);

/*
 * The line a shell prints when a command dies of a signal, without the
 * newline: "Segmentation fault (core dumped)", "Killed", "Signal 40".
 * False (nothing to print) for normal exits and for SIGINT and SIGPIPE,
 * which shells leave silent.
 */
bool status_signal_message(int wstatus, char *buf, size_t len);

#endif
