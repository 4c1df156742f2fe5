/* SPDX-License-Identifier: GPL-2.0 */
/*
 * process.terminal on the host side, as runc does it: a pty pair whose
 * master goes to the caller through --console-socket (SCM_RIGHTS), whose
 * slave becomes the supervisor's stdio.  The slave is raw: the terminal's
 * line discipline is the guest's own pty (guest-init/tty.c).
 */
#ifndef XLIBOS_OCI_CONSOLE_H
#define XLIBOS_OCI_CONSOLE_H

#include <stdbool.h>

/* Open the pair, send the master over socket_path; *slave for the supervisor. */
bool console_setup(const char *socket_path, unsigned int rows, unsigned int cols, int *slave);

#endif
