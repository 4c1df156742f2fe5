// SPDX-License-Identifier: GPL-2.0
/*
 * TLB maintenance.  The "TLB" is the set of host mappings that mirror a
 * guest mm in its host process: a flush drops the flushed range there, and
 * the next access refaults with the current pte.  A flush for an mm that
 * is not mirrored by the calling host process marks it stale; that process
 * drops all its user mappings before it runs user code again.
 */
#include <linux/hugetlb_inline.h>
#include <linux/mm.h>
#include <asm/hypercall.h>
#include <asm/tlbflush.h>
#include <asm/xlibos.h>

/* Ranges closer than this are merged: one host munmap covers both. */
#define MERGE_GAP	(64 * PAGE_SIZE)

static void note_downgrade(mm_context_t *ctx, unsigned long addr,
			   unsigned long size)
{
	unsigned long end = addr + size;
	int i, n = ctx->nr_downgraded;

	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		if (addr + MERGE_GAP >= ctx->downgraded[i].start &&
		    addr <= ctx->downgraded[i].end + MERGE_GAP) {
			ctx->downgraded[i].start = min(ctx->downgraded[i].start, addr);
			ctx->downgraded[i].end = max(ctx->downgraded[i].end, end);
			return;
		}
	}
	if (n == XLIBOS_MM_RANGES) {
		ctx->nr_downgraded = -1;
		return;
	}
	ctx->downgraded[n].start = addr;
	ctx->downgraded[n].end = end;
	ctx->nr_downgraded = n + 1;
}

/*
 * Every pte change of a user mm passes here.  The host mirror never holds
 * more rights than the pte had (see mm/fault.c), so only a change that
 * takes rights away needs the mirror to drop the page at the next flush.
 * It holds only pages whose pte was marked _PAGE_MIRRORED first, and the
 * mark stays until such a change (or one that drops the mark): a change
 * of an unmarked pte needs nothing dropped.  Nor does a new mm's, which
 * has no host process yet: fork's copies of marked ptes lose the mark.
 */
void xlibos_pte_changed(struct mm_struct *mm, unsigned long addr,
			pte_t *ptep, pte_t old, pte_t new)
{
	if (!mm || mm == &init_mm || addr >= TASK_SIZE)
		return;
	if (!mm->context.host_pid && (pte_val(new) & _PAGE_MIRRORED))
		set_pte(ptep, __pte(pte_val(new) & ~_PAGE_MIRRORED));
	if (!(pte_val(old) & _PAGE_PRESENT) ||
	    !(pte_val(old) & _PAGE_MIRRORED))
		return;
	if ((pte_val(new) & _PAGE_PRESENT) && pte_pfn(new) == pte_pfn(old) &&
	    (pte_val(new) & _PAGE_MIRRORED) &&
	    (pte_write(new) || !pte_write(old)) &&
	    (pte_dirty(new) || !pte_dirty(old)) &&
	    (pte_young(new) || !pte_young(old)) &&
	    (pte_exec(new) || !pte_exec(old)))
		return;
	/* a hugetlb entry (pmd) is mirrored whole (mm/fault.c) */
	if (pte_huge(old))
		note_downgrade(&mm->context, addr & HPAGE_MASK, HPAGE_SIZE);
	else
		note_downgrade(&mm->context, addr & PAGE_MASK, PAGE_SIZE);
}

/* Whether the calling host process is the one that mirrors @mm. */
bool xlibos_mirrored_here(struct mm_struct *mm)
{
	return mm && mm->context.host_pid &&
	       mm->context.host_pid == current->thread.host_pid;
}

static void flush_user_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	if (!mm || !mm->context.host_pid)
		return;
	if (!xlibos_mirrored_here(mm)) {
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

/*
 * exit_mmap() of @mm has begun.  Its host process has no task left that
 * will run user code, and it ends, or becomes a spare and drops every user
 * mapping at once: the teardown's flushes need not munmap anything.  Not
 * the first host process, which is the LibOS's own.
 */
void xlibos_tlb_exit_mmap(struct mm_struct *mm)
{
	mm->context.dying = mm->context.host_pid &&
			    mm->context.host_pid != xlibos_host_pid;
}

/*
 * The page a user write fault is being handled for, in the host process
 * that faulted: its flush (a COW copy's) is left to the fault handler,
 * which maps the new page over it (or drops it, if it does not).
 */
static bool skip_fault_page(struct mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	struct thread_struct *t = &current->thread;

	if (!t->fault_page || start != t->fault_page ||
	    end != start + PAGE_SIZE || mm != current->mm)
		return false;
	t->flush_skipped = 1;
	return true;
}

/*
 * Drop what lost rights in [start, end) and forget it.  A range's flush
 * drops no more than that: most of the range of a munmap or of freed page
 * tables was never mirrored, or still holds what the host has.  A range
 * flushed only in its middle stays whole (it is dropped again later).
 */
static void flush_downgraded(struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	mm_context_t *ctx = &mm->context;
	int i = 0, n = ctx->nr_downgraded;
	bool skip;

	if (ctx->dying) {
		ctx->nr_downgraded = 0;
		return;
	}
	if (!xlibos_mirrored_here(mm)) {
		/* nothing is mirrored, or the mirror drops it all (stale) */
		flush_user_range(mm, start, end);
		ctx->nr_downgraded = 0;
		return;
	}
	skip = skip_fault_page(mm, start, end);
	if (n < 0) {
		if (!skip)
			flush_user_range(mm, start, end);
		if (start == 0 && end >= TASK_SIZE)
			ctx->nr_downgraded = 0;
		return;
	}
	while (i < n) {
		unsigned long s = ctx->downgraded[i].start;
		unsigned long e = ctx->downgraded[i].end;

		if (e <= start || s >= end) {
			i++;
			continue;
		}
		if (!skip)
			flush_user_range(mm, max(s, start), min(e, end));
		if (s >= start && e <= end) {
			ctx->downgraded[i] = ctx->downgraded[--n];
			continue;
		}
		if (s >= start)
			ctx->downgraded[i].start = end;
		else if (e <= end)
			ctx->downgraded[i].end = start;
		i++;
	}
	ctx->nr_downgraded = n;
}

/* A whole-mm flush drops only what lost rights (fork's COW, exit, ...). */
void flush_tlb_mm(struct mm_struct *mm)
{
	if (mm)
		flush_downgraded(mm, 0, TASK_SIZE);
}

void flush_tlb_range(struct vm_area_struct *vma, unsigned long start,
		     unsigned long end)
{
	if (vma->vm_mm)
		flush_downgraded(vma->vm_mm, start, end);
}

void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr)
{
	/* as an invlpg of any address in it: the whole huge page */
	unsigned long size = is_vm_hugetlb_page(vma) ? HPAGE_SIZE : PAGE_SIZE;

	addr &= ~(size - 1);
	if (vma->vm_mm)
		flush_downgraded(vma->vm_mm, addr, addr + size);
}
