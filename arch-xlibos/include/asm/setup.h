/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_SETUP_H
#define _ASM_XLIBOS_SETUP_H

#include <asm/xlibos_boot.h>

#define COMMAND_LINE_SIZE	XLIBOS_CMDLINE_MAX

#endif /* _ASM_XLIBOS_SETUP_H */
