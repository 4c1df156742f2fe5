// SPDX-License-Identifier: GPL-2.0
/*
 * TLB maintenance.  Guest user mappings are not mirrored into host
 * processes yet, so only the kernel's vmalloc mirror (traps.c) needs
 * flushing; user ranges are a no-op until guest user mode exists.
 */
#include <linux/mm.h>
#include <asm/tlbflush.h>

void xlibos_pte_changed(struct mm_struct *mm, unsigned long addr,
			pte_t old, pte_t new)
{
}

void flush_tlb_all(void)
{
	flush_tlb_kernel_range(VMALLOC_START, VMALLOC_END);
}

void flush_tlb_mm(struct mm_struct *mm)
{
}

void flush_tlb_range(struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
}

void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr)
{
}
