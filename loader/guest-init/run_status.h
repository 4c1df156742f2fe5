/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit statuses of "xlibos run", shared by the loader and the guest init.
 * Same convention as "docker run" and the shell: anything else is the
 * command's own exit status, or 128+N if a signal N killed it.
 */
#ifndef XLIBOS_GUEST_RUN_STATUS_H
#define XLIBOS_GUEST_RUN_STATUS_H

/* xlibos itself failed: bad options, rootfs, image, guest setup, panic. */
#define XLIBOS_RUN_ERROR	125
/* The command exists but could not be executed. */
#define XLIBOS_RUN_CANNOT_EXEC	126
/* The command was not found. */
#define XLIBOS_RUN_NOT_FOUND	127
/* Killed by signal N: 128 + N. */
#define XLIBOS_RUN_SIGNAL_BASE	128

/*
 * Where the guest init reports the status; the xlibos kernel copies it
 * into the exit record (struct xlibos_exit_record.status) at power-off.
 */
#define XLIBOS_EXIT_STATUS_FILE	"/proc/xlibos/exit_status"

#endif
