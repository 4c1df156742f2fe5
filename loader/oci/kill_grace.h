/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kill -9 of a running container goes to the guest, which ends its command
 * and writes the container's root back (guest-init/writeback.c) before it
 * powers off.  The guest is not trusted to do it: a watchdog of our own,
 * outside the sandbox, ends the supervisor after KILL_GRACE_MS anyway.
 */
#ifndef XLIBOS_OCI_KILL_GRACE_H
#define XLIBOS_OCI_KILL_GRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define KILL_GRACE_MS	10000

/*
 * Start the watchdog on the supervisor @pid (started at @pid_start, field
 * 22 of its stat); returns at once.  True too if the supervisor has
 * already ended; false if the watchdog cannot be started (the caller then
 * ends the supervisor itself).
 */
bool kill_grace_start(pid_t pid, uint64_t pid_start);

#endif
