// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page faults.  Guest user pages are host mappings of guest physical
 * memory (the memfd) in the host process of the mm, made on demand: a host
 * SIGSEGV at a user address runs Linux's fault handling, then maps the
 * frame the pte names, with no more rights than the pte gives (a clean or
 * old pte is mapped read-only or not at all, so that the next access
 * faults again and Linux sees dirty and accessed bits as on real hardware).
 */
#include <linux/auxvec.h>
#include <linux/hugetlb_inline.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/perf_event.h>
#include <asm/abcom.h>
#include <asm/exec.h>
#include <asm/hypercall.h>
#include <asm/xlibos.h>

/* The pmd for @addr in @mm's tables, or NULL if there is no pte table. */
static pmd_t *lookup_pmd(struct mm_struct *mm, unsigned long addr)
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
	return pmd_none(*pmd) ? NULL : pmd;
}

/*
 * The pte for @addr in @mm's tables (init_mm for the kernel), or NULL.  A
 * pmd that is no table is a hugetlb entry (mm/hugetlbpage.c), in the pte
 * format: itself.
 */
pte_t *xlibos_lookup_pte(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmd = lookup_pmd(mm, addr);

	if (!pmd)
		return NULL;
	if (pmd_bad(*pmd))
		return (pte_t *)pmd;
	return pte_offset_kernel(pmd, addr);
}

/*
 * The host rights a mirror of @pte may have: none (0) unless the page is
 * present and young, write only if dirty too (see the top of this file).
 */
static unsigned long pte_host_prot(pte_t pte)
{
	unsigned long prot = PROT_READ;

	if (!(pte_val(pte) & _PAGE_PRESENT) || !pte_young(pte))
		return 0;
	if (pte_write(pte) && pte_dirty(pte))
		prot |= PROT_WRITE;
	if (pte_exec(pte))
		prot |= PROT_EXEC;
	return prot;
}

/* Map @n pages at @addr to the frames from @pfn on: one host mmap. */
static bool mirror_frames(unsigned long addr, unsigned long pfn, unsigned long n,
			  unsigned long prot)
{
	return hc6(mmap, addr, n << PAGE_SHIFT, prot, MAP_SHARED | MAP_FIXED,
		   xlibos_boot.phys_fd, pfn << PAGE_SHIFT) == (long)addr;
}

/*
 * A pte about to be mirrored is marked first: from then on, a change that
 * takes rights away is noted, to be dropped from the mirror (mm/tlb.c).
 * With one vCPU nothing changes the pte between our read and this write.
 */
static void mark_mirrored(pte_t *ptep, pte_t pte)
{
	if (!(pte_val(pte) & _PAGE_MIRRORED))
		set_pte(ptep, __pte(pte_val(pte) | _PAGE_MIRRORED));
}

/*
 * Mirror the pte of @addr into this host process, if it allows the access
 * @err describes.  Caller holds mmap_lock or cannot sleep.
 */
static bool mirror_user_page(struct mm_struct *mm, unsigned long addr,
			     unsigned long err)
{
	pte_t *ptep = xlibos_lookup_pte(mm, addr);
	unsigned long prot;
	pte_t pte;

	if (!ptep)
		return false;
	pte = READ_ONCE(*ptep);
	prot = pte_host_prot(pte);
	if (!prot || ((err & X86_PF_WRITE) && !(prot & PROT_WRITE)))
		return false;
	mark_mirrored(ptep, pte);
	if (pte_huge(pte))	/* the whole huge page, one host mmap */
		return mirror_frames(addr & HPAGE_MASK, pte_pfn(pte),
				     HPAGE_SIZE >> PAGE_SHIFT, prot);
	return mirror_frames(addr & PAGE_MASK, pte_pfn(pte), 1, prot);
}

/* At most this many runs of frames are mirrored at once; the rest fault. */
#define MAX_RUNS	32

struct frame_run {
	unsigned long addr, pfn, pages, prot;
};

/*
 * The runs of consecutive frames with the same host rights among the ptes
 * of [start, end), which lie in one pte table.  Old ptes are skipped, or
 * with @mkyoung made young: the access that would fault them in is about
 * to come.  With @mark, their ptes are marked to be mirrored.  Returns how
 * many runs.  Caller holds mmap_lock.
 */
static int frame_runs(struct mm_struct *mm, unsigned long start,
		      unsigned long end, bool mkyoung, bool mark,
		      struct frame_run *runs)
{
	pmd_t *pmd = lookup_pmd(mm, start);
	struct frame_run *r = NULL;
	unsigned long a, prot;
	pte_t *first, *ptep;
	spinlock_t *ptl;
	bool extends;
	pte_t pte;
	int n = 0;

	if (!pmd || pmd_bad(*pmd))	/* none, or a huge page */
		return 0;
	first = pte_offset_map_lock(mm, pmd, start, &ptl);
	for (a = start, ptep = first; a < end; a += PAGE_SIZE, ptep++) {
		pte = *ptep;
		if (!(pte_val(pte) & _PAGE_PRESENT))
			continue;
		if (mkyoung && !pte_young(pte)) {
			pte = pte_mkyoung(pte);
			set_pte_at(mm, a, ptep, pte);
		}
		prot = pte_host_prot(pte);
		if (!prot)
			continue;
		extends = r && r->addr + (r->pages << PAGE_SHIFT) == a &&
			  r->pfn + r->pages == pte_pfn(pte) && r->prot == prot;
		if (!extends && n == MAX_RUNS)
			break;
		if (mark)
			mark_mirrored(ptep, pte);
		if (extends) {
			r->pages++;
			continue;
		}
		r = &runs[n++];
		*r = (struct frame_run){ a, pte_pfn(pte), 1, prot };
	}
	pte_unmap_unlock(first, ptl);
	return n;
}

/* Mirror the runs of [start, end) (see frame_runs). */
static void mirror_runs(struct mm_struct *mm, unsigned long start,
			unsigned long end, bool mkyoung)
{
	struct frame_run runs[MAX_RUNS];
	int i, n = frame_runs(mm, start, end, mkyoung, true, runs);

	for (i = 0; i < n; i++)
		mirror_frames(runs[i].addr, runs[i].pfn, runs[i].pages,
			      runs[i].prot);
}

/*
 * Linux's fault-around (filemap_map_pages) fills the ptes around a read
 * fault on a file with the pages it has cached.  Mirroring them with the
 * faulting page costs a host mmap per run of consecutive frames instead of
 * a host fault per page: the pages of a program's text, read in order,
 * mostly sit in consecutive frames.  Same window as Linux's default
 * fault_around_bytes (and so within one pte table).
 */
#define AROUND_PAGES	16

/* The window around @addr within its file vma; false if it has none. */
static bool around_window(struct mm_struct *mm, unsigned long addr,
			  unsigned long *start, unsigned long *end)
{
	unsigned long base = ALIGN_DOWN(addr, AROUND_PAGES * PAGE_SIZE);
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || addr < vma->vm_start || !vma->vm_file ||
	    is_vm_hugetlb_page(vma))
		return false;
	*start = max(vma->vm_start, base);
	*end = min(vma->vm_end, base + AROUND_PAGES * PAGE_SIZE);
	return true;
}

/*
 * abcom patches the window's pages that are about to be mirrored (with
 * @mkyoung, the old ones too) but @addr's (done already).
 */
static void patch_window(struct mm_struct *mm, unsigned long start,
			 unsigned long end, bool mkyoung, unsigned long addr)
{
	struct frame_run runs[MAX_RUNS];
	unsigned long a;
	int i, n = frame_runs(mm, start, end, mkyoung, false, runs);

	mmap_read_unlock(mm);
	for (i = 0; i < n; i++)
		for (a = runs[i].addr;
		     a < runs[i].addr + (runs[i].pages << PAGE_SHIFT);
		     a += PAGE_SIZE)
			if (a != (addr & PAGE_MASK))
				xlibos_abcom_load(a);
	mmap_read_lock(mm);
}

/*
 * After a read or exec fault on a file mapping, mirror the window around
 * @addr (the faulting page too: abcom may have replaced it).  With @patch,
 * abcom first patches the code pages about to be mirrored, as it does on
 * their own first fault.  With @mkyoung, old ptes too (see frame_runs).
 */
static void mirror_around(struct mm_struct *mm, unsigned long addr,
			  bool patch, bool mkyoung)
{
	unsigned long start, end;

	mmap_read_lock(mm);
	if (patch && around_window(mm, addr, &start, &end))
		patch_window(mm, start, end, mkyoung, addr);
	if (around_window(mm, addr, &start, &end))
		mirror_runs(mm, start, end, mkyoung);
	mmap_read_unlock(mm);
}

/*
 * A COW copy's flush of @addr's page, in a write fault being handled, is
 * left to us (mm/tlb.c): end_fault_flush() maps the new page over the old
 * one, or drops the old one if @mapped says nothing was mapped.
 */
static void hold_fault_flush(unsigned long addr)
{
	current->thread.fault_page = addr & PAGE_MASK;
}

static void end_fault_flush(bool mapped)
{
	struct thread_struct *t = &current->thread;

	if (t->flush_skipped && !mapped)
		hc2(munmap, t->fault_page, PAGE_SIZE);
	t->flush_skipped = 0;
	t->fault_page = 0;
}

/*
 * After a fork, parent and child both write their stack first, and the
 * child its thread pointer's block too (the C library's fork records the
 * new tid there); each write would take a host fault, as fork
 * write-protected the page for COW: take that write fault now and map the
 * page writable.  Only for a page present already: nothing is allocated
 * that the task would not touch.  Caller holds mmap_lock.
 */
static void prefault_write(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep;

	if (addr >= TASK_SIZE)
		return;
	ptep = xlibos_lookup_pte(mm, addr);
	if (!ptep || !(pte_val(READ_ONCE(*ptep)) & _PAGE_PRESENT))
		return;
	hold_fault_flush(addr);
	end_fault_flush(!fixup_user_fault(mm, addr, FAULT_FLAG_WRITE, NULL) &&
			mirror_user_page(mm, addr, X86_PF_WRITE));
}

/* The next push on the stack at @sp */
static void prefault_stack(struct mm_struct *mm, unsigned long sp)
{
	prefault_write(mm, sp - sizeof(long));
}

/* The parent's side of a fork (copy_thread() of its child). */
void xlibos_prefault_forker(void)
{
	struct mm_struct *mm = current->mm;

	mmap_read_lock(mm);
	prefault_stack(mm, task_pt_regs(current)->sp);
	mmap_read_unlock(mm);
}

/* Mirror the present pages of [start, end) in one vma and pte table. */
static void mirror_present(struct mm_struct *mm, unsigned long start,
			   unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	if (vma && vma->vm_start <= start)
		mirror_runs(mm, start, min(vma->vm_end, end), true);
}

/* The abcom area's slot table and trampolines, as far as they exist. */
static void mirror_abcom_area(struct mm_struct *mm)
{
	BUILD_BUG_ON((XLIBOS_ABCOM_AREA ^ (XLIBOS_ABCOM_AREA +
		      XLIBOS_ABCOM_AREA_SIZE - 1)) & PMD_MASK);
	mmap_read_lock(mm);
	mirror_present(mm, XLIBOS_ABCOM_AREA,
		       XLIBOS_ABCOM_AREA + XLIBOS_ABCOM_AREA_SIZE);
	mmap_read_unlock(mm);
}

/*
 * A forked child is about to return to user mode for the first time, in a
 * host process that maps none of its pages, and fork copied its ptes old:
 * each page would cost a host fault.  Besides its stack and thread block,
 * it certainly runs the code around its ip, and every rewritten system
 * call reads a slot and runs a trampoline in the abcom area: mirror those
 * now, a host mmap per run of frames.
 */
void xlibos_mirror_forked(struct task_struct *p)
{
	unsigned long ip = task_pt_regs(p)->ip, start, end;
	struct mm_struct *mm = p->mm;
	bool file_code = false;

	if (!mm)
		return;
	mmap_read_lock(mm);
	prefault_stack(mm, task_pt_regs(p)->sp);
	if ((p->thread.fsbase ^ task_pt_regs(p)->sp) & PAGE_MASK)
		prefault_write(mm, p->thread.fsbase);
	if (ip < TASK_SIZE) {
		file_code = around_window(mm, ip, &start, &end);
		if (!file_code)
			mirror_present(mm, ip & PAGE_MASK,
				       (ip & PAGE_MASK) + PAGE_SIZE);
	}
	mmap_read_unlock(mm);
	if (file_code)
		mirror_around(mm, ip, xlibos_abcom_mode == XLIBOS_ABCOM_FULL,
			      true);
	mirror_abcom_area(mm);
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
	bool file_window;
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
	/* hugetlbfs has no windows: its pages are mirrored whole, here */
	file_window = vma->vm_file && !is_vm_hugetlb_page(vma);
	*code_page = file_window && (vma->vm_flags & VM_EXEC);

	if (user && (err & X86_PF_WRITE))
		hold_fault_flush(addr);
	fault = handle_mm_fault(vma, addr, flags, regs);
	/*
	 * Unless the fault is retried or done (mmap_lock dropped), mirror what
	 * it mapped; a user read of a file: the caller mirrors its window.
	 */
	end_fault_flush(!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED |
				   VM_FAULT_ERROR)) &&
			!(user && !(err & X86_PF_WRITE) && file_window) &&
			mirror_user_page(mm, addr, 0));
	if (fault_signal_pending(fault, regs))
		return 0;	/* the pending signal is delivered instead */
	if (fault & VM_FAULT_COMPLETED)
		return 0;
	if (fault & VM_FAULT_RETRY) {
		flags |= FAULT_FLAG_TRIED;
		goto retry;
	}
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

/*
 * A user access @err at @addr, as a fault by user code: Linux's fault
 * handler, abcom's patching of a code page before any of its code runs,
 * and for a read or exec, the window around it mirrored (with @mkyoung,
 * its old ptes too).  Returns 0, or the signal and *@code to raise.
 */
static int user_fault(struct pt_regs *regs, unsigned long addr,
		      unsigned long err, bool mkyoung, int *code)
{
	bool code_page, patch;
	int ret;

	ret = handle_user_fault(regs, addr, err, true, code, &code_page);
	if (ret)
		return ret;
	patch = code_page && xlibos_abcom_mode == XLIBOS_ABCOM_FULL;
	if (patch)
		xlibos_abcom_load(addr);
	if (!(err & X86_PF_WRITE))
		mirror_around(current->mm, addr, patch, mkyoung);
	return 0;
}

/* A fault taken by guest user code. */
void xlibos_user_page_fault(struct pt_regs *regs, unsigned long addr,
			    unsigned long err, int sig, int si_code)
{
	int code, ret;

	if (addr >= TASK_SIZE) {
		force_sig_fault(SIGSEGV, SEGV_MAPERR, (void __user *)addr);
		return;
	}
	/* A host SIGBUS is a mapping past the end of its file: same answer. */
	ret = user_fault(regs, addr, err, false, &code);
	if (ret)
		force_sig_fault(ret, code, (void __user *)addr);
}

/*
 * Take the fault of a user access @err (read or exec) at @addr now, as
 * user code would, with the window around it, old ptes too: a new program
 * is about to use them.  Nothing happens where the access would fail.
 */
static void prefault_file(unsigned long addr, unsigned long err)
{
	struct pt_regs regs = { .cs = XLIBOS_USER_CS };
	int code;

	if (addr < TASK_SIZE)
		user_fault(&regs, addr, err, true, &code);
}

/* An entry of the auxiliary vector exec gave @mm; TASK_SIZE if none. */
static unsigned long auxv_entry(struct mm_struct *mm, unsigned long type)
{
	const unsigned long *v = mm->saved_auxv;
	int i;

	for (i = 0; i + 1 < AT_VECTOR_SIZE && v[i] != AT_NULL; i += 2)
		if (v[i] == type)
			return v[i + 1];
	return TASK_SIZE;
}

/* At most this many of a new program's file mappings are prefaulted. */
#define EXEC_PREFAULT_VMAS	16

/*
 * exec has put the new program's arguments and environment on its stack,
 * through the LibOS's own mapping of their frames, and is about to write
 * the auxiliary vector and the pointers below them (create_elf_tables()),
 * through the host mirror.  Mirror the stack's present pages first, so
 * those writes and the program's reads of its strings take no host fault:
 * up to a fault-around window's worth, within one pte table.
 * (setup_arg_pages() calls this too, for a stack top with nothing there.)
 */
unsigned long arch_align_stack(unsigned long sp)
{
	struct mm_struct *mm = current->mm;
	unsigned long start = sp & PAGE_MASK;

	if (sp < TASK_SIZE && xlibos_mirrored_here(mm)) {
		mmap_read_lock(mm);
		mirror_present(mm, start, min(ALIGN(sp + 1, PMD_SIZE),
					      start + AROUND_PAGES * PAGE_SIZE));
		mmap_read_unlock(mm);
	}
	return sp;
}

/*
 * A new program is about to run its first instruction at @pc, in a host
 * process that maps little of it yet.  What it touches first is known:
 * the code at its entry, its program headers (the C library and ld.so
 * read them), the start of each of its (and its interpreter's) segments,
 * and the abcom area.  Map them now, a host mmap per run of frames instead
 * of a host fault per page.  Its stack is mapped already
 * (arch_align_stack()), and so is the data page whose tail exec cleared
 * (xlibos_clear_user()).
 */
void xlibos_prefault_exec(unsigned long pc)
{
	struct mm_struct *mm = current->mm;
	unsigned long starts[EXEC_PREFAULT_VMAS], errs[EXEC_PREFAULT_VMAS];
	unsigned long phdr;
	struct vm_area_struct *vma;
	int i, n = 0;
	VMA_ITERATOR(vmi, mm, 0);

	if (!xlibos_mirrored_here(mm))
		return;
	phdr = auxv_entry(mm, AT_PHDR);
	prefault_file(pc, X86_PF_USER | X86_PF_INSTR);
	prefault_file(phdr, X86_PF_USER);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (n == EXEC_PREFAULT_VMAS)
			break;
		if (!vma->vm_file || (pc >= vma->vm_start && pc < vma->vm_end) ||
		    (phdr >= vma->vm_start && phdr < vma->vm_end))
			continue;
		starts[n] = vma->vm_start;
		errs[n++] = X86_PF_USER |
			    (vma->vm_flags & VM_EXEC ? X86_PF_INSTR : 0);
	}
	mmap_read_unlock(mm);
	for (i = 0; i < n; i++)
		prefault_file(starts[i], errs[i]);
	mirror_abcom_area(mm);
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

/*
 * The LibOS is about to access user memory at @addr (@err as a fault on
 * it would say), where a miss is likely: unless its page is mirrored here
 * with those rights, take the fault now, which saves the host signal.
 */
void xlibos_uaccess_prefault(unsigned long addr, unsigned long err)
{
	unsigned long need = err & X86_PF_WRITE ? PROT_WRITE : PROT_READ;
	struct mm_struct *mm = current->mm;
	pte_t pte = __pte(0);
	pte_t *ptep;

	if (addr >= TASK_SIZE || faulthandler_disabled() ||
	    !xlibos_mirrored_here(mm) || !mmap_read_trylock(mm))
		return;
	ptep = xlibos_lookup_pte(mm, addr);
	if (ptep)
		pte = READ_ONCE(*ptep);
	mmap_read_unlock(mm);
	if ((pte_val(pte) & _PAGE_MIRRORED) && (pte_host_prot(pte) & need))
		return;
	xlibos_kernel_user_fault(addr, err);
}

/*
 * execve/execveat (@nr) is about to read its file name, which after a
 * fork is in a page of the parent's that the child has not touched.
 */
void xlibos_exec_name_prefault(const struct pt_regs *regs, long nr)
{
	if (nr == __NR_execve)
		xlibos_uaccess_prefault(regs->di, 0);
	else if (nr == __NR_execveat)
		xlibos_uaccess_prefault(regs->si, 0);
}

/* Mostly exec's clearing of a new program's bss tail: a page not mapped. */
unsigned long xlibos_clear_user(void __user *to, unsigned long n)
{
	if (n)
		xlibos_uaccess_prefault((unsigned long)to, X86_PF_WRITE);
	return xlibos_clear_nofault((__force void *)to, n);
}
