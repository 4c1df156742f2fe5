/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XLIBOS_GUEST_INIT_KERNEL_INIT_H
#define XLIBOS_GUEST_INIT_KERNEL_INIT_H

#include <stdbool.h>

/*
 * Whether this is the kernel's own first process (PID 1 of the initial PID
 * namespace), as in the LibOS, and not an init run natively for a test in
 * a PID namespace of the host: only the former may configure the machine
 * (network interfaces, host name).
 */
bool kernel_init(void);

#endif
