// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page faults.  Guest user pages are host mappings of guest physical
 * memory (the memfd) in the host process of the mm, made on demand: a host
 * SIGSEGV at a user address runs Linux's fault handling, then maps the
 * frame the pte names, with no more rights than the pte gives (a clean or
 * old pte is mapped read-only or not at all, so that the next access
 * faults again and Linux sees dirty and accessed bits as on real hardware).
 */
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/perf_event.h>
#include <asm/abcom.h>
#include <asm/hypercall.h>
#include <asm/xlibos.h>

/* The pte for @addr in @mm's tables (init_mm for the kernel), or NULL. */
pte_t *xlibos_lookup_pte(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud))
		return NULL;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

/*
 * Mirror the pte of @addr into this host process, if it allows the access
 * @err describes.  Caller holds mmap_lock or cannot sleep.
 */
static bool mirror_user_page(struct mm_struct *mm, unsigned long addr,
			     unsigned long err)
{
	pte_t *ptep = xlibos_lookup_pte(mm, addr);
	unsigned long prot = PROT_READ;
	pte_t pte;

	if (!ptep)
		return false;
	pte = READ_ONCE(*ptep);
	if (!(pte_val(pte) & _PAGE_PRESENT) || !pte_young(pte))
		return false;
	if (pte_write(pte) && pte_dirty(pte))
		prot |= PROT_WRITE;
	if (pte_exec(pte))
		prot |= PROT_EXEC;
	if ((err & X86_PF_WRITE) && !(prot & PROT_WRITE))
		return false;
	return hc6(mmap, addr & PAGE_MASK, PAGE_SIZE, prot,
		   MAP_SHARED | MAP_FIXED, xlibos_boot.phys_fd,
		   pte_pfn(pte) << PAGE_SHIFT) == (long)(addr & PAGE_MASK);
}

static bool access_error(unsigned long err, struct vm_area_struct *vma)
{
	if (err & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (err & X86_PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	return !(vma->vm_flags & (VM_READ | VM_EXEC | VM_WRITE));
}

/*
 * Returns 0 when the page is now mapped, else the signal to raise.
 * *code_page: the mapping is an executable file's (abcom patches those).
 */
static int handle_user_fault(struct pt_regs *regs, unsigned long addr,
			     unsigned long err, bool user, int *code,
			     bool *code_page)
{
	struct mm_struct *mm = current->mm;
	unsigned int flags = FAULT_FLAG_DEFAULT;
	struct vm_area_struct *vma;
	vm_fault_t fault;

	*code = SEGV_MAPERR;
	*code_page = false;
	if (!mm)
		return SIGSEGV;
	if (user)
		flags |= FAULT_FLAG_USER;
	if (err & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (err & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;

retry:
	vma = lock_mm_and_find_vma(mm, addr, regs);
	if (!vma)
		return SIGSEGV;
	if (access_error(err, vma)) {
		mmap_read_unlock(mm);
		*code = SEGV_ACCERR;
		return SIGSEGV;
	}
	*code_page = vma->vm_file && (vma->vm_flags & VM_EXEC);

	fault = handle_mm_fault(vma, addr, flags, regs);
	if (fault_signal_pending(fault, regs))
		return 0;	/* the pending signal is delivered instead */
	if (fault & VM_FAULT_COMPLETED)
		return 0;
	if (fault & VM_FAULT_RETRY) {
		flags |= FAULT_FLAG_TRIED;
		goto retry;
	}
	if (!(fault & VM_FAULT_ERROR))
		mirror_user_page(mm, addr, 0);
	mmap_read_unlock(mm);

	if (fault & VM_FAULT_OOM) {
		pagefault_out_of_memory();
		return 0;
	}
	if (fault & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON |
		     VM_FAULT_HWPOISON_LARGE)) {
		*code = BUS_ADRERR;
		return SIGBUS;
	}
	if (fault & VM_FAULT_SIGSEGV)
		return SIGSEGV;
	return 0;
}

/* A fault taken by guest user code. */
void xlibos_user_page_fault(struct pt_regs *regs, unsigned long addr,
			    unsigned long err, int sig, int si_code)
{
	bool code_page;
	int code, ret;

	if (addr >= TASK_SIZE) {
		force_sig_fault(SIGSEGV, SEGV_MAPERR, (void __user *)addr);
		return;
	}
	/* A host SIGBUS is a mapping past the end of its file: same answer. */
	ret = handle_user_fault(regs, addr, err, true, &code, &code_page);
	if (ret)
		force_sig_fault(ret, code, (void __user *)addr);
	else if (code_page && xlibos_abcom_mode == XLIBOS_ABCOM_FULL)
		xlibos_abcom_load(addr);	/* before any of its code runs */
}

/* A fault on a user address in LibOS code (copy_{to,from}_user). */
bool xlibos_kernel_user_fault(unsigned long addr, unsigned long err)
{
	/* Counts as a user access for mmap_lock (no exception tables here). */
	struct pt_regs regs = { .cs = XLIBOS_USER_CS };
	bool code_page;
	int code;

	if (!current->mm)
		return false;
	/*
	 * With faults disabled (futex ops, nofault copies) nothing may sleep,
	 * but a page Linux has already mapped can still be mirrored.
	 */
	if (faulthandler_disabled())
		return mirror_user_page(current->mm, addr, err);
	return handle_user_fault(&regs, addr, err & ~X86_PF_INSTR, false,
				 &code, &code_page) == 0;
}
