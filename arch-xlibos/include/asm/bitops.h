/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_BITOPS_H
#define _ASM_XLIBOS_BITOPS_H

#ifndef _LINUX_BITOPS_H
#error only <linux/bitops.h> can be included directly
#endif

#include <asm/barrier.h>
#include <asm-generic/bitops.h>

#endif /* _ASM_XLIBOS_BITOPS_H */
