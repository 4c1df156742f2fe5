/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_TLBFLUSH_H
#define _ASM_XLIBOS_TLBFLUSH_H

#include <linux/mm_types.h>

/* A TLB flush drops the host mappings that mirror the flushed range. */
void flush_tlb_all(void);
void flush_tlb_mm(struct mm_struct *mm);
void flush_tlb_range(struct vm_area_struct *vma, unsigned long start,
		     unsigned long end);
void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

#endif /* _ASM_XLIBOS_TLBFLUSH_H */
