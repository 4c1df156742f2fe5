/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_MMU_CONTEXT_H
#define _ASM_XLIBOS_MMU_CONTEXT_H

#include <linux/mm_types.h>

/*
 * Each guest mm lives in its own host process, so switching mm means
 * switching host threads, which __switch_to already does.
 */
static inline void switch_mm(struct mm_struct *prev, struct mm_struct *next,
			     struct task_struct *tsk)
{
}

#define init_new_context init_new_context
static inline int init_new_context(struct task_struct *tsk,
				   struct mm_struct *mm)
{
	mm->context.host_pid = 0;
	mm->context.stale = 0;
	mm->context.dying = 0;
	mm->context.nr_downgraded = 0;
	mm->context.abcom = NULL;
	return 0;
}

int xlibos_abcom_dup_mm(struct mm_struct *oldmm, struct mm_struct *mm);
void xlibos_abcom_free_mm(struct mm_struct *mm);

#define destroy_context destroy_context
static inline void destroy_context(struct mm_struct *mm)
{
	xlibos_abcom_free_mm(mm);
}

/* fork copies the patched pages, so the child inherits the patch records */
static inline int arch_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm)
{
	return xlibos_abcom_dup_mm(oldmm, mm);
}

void xlibos_spare_exit_mmap(struct mm_struct *mm);
void xlibos_tlb_exit_mmap(struct mm_struct *mm);

/*
 * The last task of a host process may leave that process as a spare, and
 * the teardown of the mm need not be mirrored (see mm/tlb.c).
 */
static inline void arch_exit_mmap(struct mm_struct *mm)
{
	xlibos_spare_exit_mmap(mm);
	xlibos_tlb_exit_mmap(mm);
}

static inline void arch_unmap(struct mm_struct *mm,
			      unsigned long start, unsigned long end)
{
}

static inline bool arch_vma_access_permitted(struct vm_area_struct *vma,
					     bool write, bool execute,
					     bool foreign)
{
	return true;
}

void xlibos_spare_exit_mm(struct mm_struct *mm, struct task_struct *tsk);

/* exit_mm(): an exiting task leaves @mm, perhaps to its other threads */
#define enter_lazy_tlb enter_lazy_tlb
static inline void enter_lazy_tlb(struct mm_struct *mm,
				  struct task_struct *tsk)
{
	xlibos_spare_exit_mm(mm, tsk);
}

void xlibos_activate_mm(struct mm_struct *prev, struct mm_struct *next);

/* exec: from here on the task's user memory is @next's, in a new host process */
#define activate_mm activate_mm
static inline void activate_mm(struct mm_struct *prev, struct mm_struct *next)
{
	xlibos_activate_mm(prev, next);
}

#include <asm-generic/mmu_context.h>

#endif /* _ASM_XLIBOS_MMU_CONTEXT_H */
