/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "xlibos run": pack a rootfs directory into the initrd, boot the LibOS
 * with the guest init, run one command, exit with its status.
 */
#ifndef XLIBOS_LOADER_RUN_H
#define XLIBOS_LOADER_RUN_H

/* argv[0] is "run".  Returns the exit status (see guest-init/run_status.h). */
int run_command(int argc, char **argv);

#endif
