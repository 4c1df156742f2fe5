/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parent side of "boot": relay termination signals to the LibOS
 * process and wait for it.
 */
#ifndef XLIBOS_LOADER_SUPERVISOR_H
#define XLIBOS_LOADER_SUPERVISOR_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * Call before fork(): blocks the relayed signals so none is lost or
 * handled with the wrong pid in between.  *saved receives the old mask.
 */
void supervisor_block_signals(sigset_t *saved);

/* Child side: back to the signal mask the loader started with. */
void supervisor_child_restore(const sigset_t *saved);

/*
 * Parent side: install the relays, unblock, wait for child to end.
 * Returns false (with a message) only if waitpid itself fails.
 */
bool supervisor_wait(pid_t child, const sigset_t *saved, int *wstatus);

#endif
