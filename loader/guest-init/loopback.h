/* SPDX-License-Identifier: GPL-2.0 */
/* The container's network: the loopback interface, as runtimes give it. */
#ifndef XLIBOS_INIT_LOOPBACK_H
#define XLIBOS_INIT_LOOPBACK_H

/*
 * Bring "lo" up (the kernel gives it 127.0.0.1/8 and ::1 then).  Silent
 * when the LibOS has no networking; a failure is a warning.
 */
void loopback_up(void);

#endif
