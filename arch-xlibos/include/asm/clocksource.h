/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_CLOCKSOURCE_H
#define _ASM_XLIBOS_CLOCKSOURCE_H

#include <asm/vdso/clocksource.h>

#endif /* _ASM_XLIBOS_CLOCKSOURCE_H */
