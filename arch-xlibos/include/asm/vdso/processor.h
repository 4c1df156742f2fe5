/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_PROCESSOR_H
#define _ASM_XLIBOS_VDSO_PROCESSOR_H

#ifndef __ASSEMBLY__

/* PAUSE: shared by the LibOS and the guest vDSO's seqcount retries */
static __always_inline void cpu_relax(void)
{
	asm volatile("rep; nop" ::: "memory");
}

#endif /* __ASSEMBLY__ */

#endif /* _ASM_XLIBOS_VDSO_PROCESSOR_H */
