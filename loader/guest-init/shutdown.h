/* SPDX-License-Identifier: GPL-2.0 */
/* Hand the run's exit status to the LibOS and power the guest off. */
#ifndef XLIBOS_INIT_SHUTDOWN_H
#define XLIBOS_INIT_SHUTDOWN_H

#include <stdnoreturn.h>

/*
 * Write status to XLIBOS_EXIT_STATUS_FILE (ENOENT ignored: not the xlibos
 * kernel), sync, reboot(RB_POWER_OFF).  If this is not PID 1, or the
 * power-off is refused (testing natively without CAP_SYS_BOOT), exit
 * with status instead.
 */
noreturn void shutdown_with_status(int status);

#endif
