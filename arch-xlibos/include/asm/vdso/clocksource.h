/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_CLOCKSOURCE_H
#define _ASM_XLIBOS_VDSO_CLOCKSOURCE_H

/*
 * The LibOS's clocksource is the host's CLOCK_MONOTONIC, which guest user
 * code cannot read without the LibOS: no clock mode the vDSO reads itself.
 * The high-resolution clocks take the vDSO's fallback, the coarse ones and
 * time() come from the data page.  The generic enum needs one entry here;
 * no clocksource of the LibOS uses it.
 */
#define VDSO_ARCH_CLOCKMODES	VDSO_CLOCKMODE_XLIBOS_RESERVED

#endif /* _ASM_XLIBOS_VDSO_CLOCKSOURCE_H */
