/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_DATA_H
#define _ASM_XLIBOS_VDSO_DATA_H

#include <linux/types.h>

/*
 * fast_entry: where the vDSO's fallback system calls enter the LibOS
 * without a host trap (xlibos_fast_entry, as a rewritten site does), or 0
 * to use a plain `syscall` (abcom off).  Set once at boot, in the real
 * data page only: a time namespace's page leaves it 0.
 */
struct arch_vdso_data {
	__u64 fast_entry;
};

#endif /* _ASM_XLIBOS_VDSO_DATA_H */
