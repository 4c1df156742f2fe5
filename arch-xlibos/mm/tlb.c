// SPDX-License-Identifier: GPL-2.0
/*
 * TLB maintenance.  The "TLB" is the set of host mappings that mirror a
 * guest mm in its host process: a flush drops the flushed range there, and
 * the next access refaults with the current pte.  A flush for an mm that
 * is not mirrored by the calling host process marks it stale; that process
 * drops all its user mappings before it runs user code again.
 */
#include <linux/mm.h>
#include <asm/hypercall.h>
#include <asm/tlbflush.h>
#include <asm/xlibos.h>

void xlibos_pte_changed(struct mm_struct *mm, unsigned long addr,
			pte_t old, pte_t new)
{
}

static bool mirrored_here(struct mm_struct *mm)
{
	return mm && mm->context.host_pid &&
	       mm->context.host_pid == current->thread.host_pid;
}

static void flush_user_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	if (!mm || !mm->context.host_pid)
		return;
	if (!mirrored_here(mm)) {
		WRITE_ONCE(mm->context.stale, 1);
		return;
	}
	start &= PAGE_MASK;
	end = min(PAGE_ALIGN(end), TASK_SIZE);
	if (start < end)
		hc2(munmap, start, end - start);
}

void flush_tlb_all(void)
{
	flush_tlb_kernel_range(VMALLOC_START, VMALLOC_END);
	if (current->mm)
		flush_user_range(current->mm, 0, TASK_SIZE);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_user_range(mm, 0, TASK_SIZE);
}

void flush_tlb_range(struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
	flush_user_range(vma->vm_mm, start, end);
}

void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr)
{
	flush_user_range(vma->vm_mm, addr, addr + PAGE_SIZE);
}
