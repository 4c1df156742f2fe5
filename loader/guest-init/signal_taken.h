/* SPDX-License-Identifier: GPL-2.0 */
/* Whether a process is ready for a signal, from /proc/PID/status. */
#ifndef XLIBOS_INIT_SIGNAL_TAKEN_H
#define XLIBOS_INIT_SIGNAL_TAKEN_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * True if pid blocks, ignores or handles sig (SigBlk, SigIgn, SigCgt):
 * then sending it cannot end the process by its default action before
 * the program has had its say.  False if that cannot be read.
 */
bool signal_taken(pid_t pid, int sig);

#endif
