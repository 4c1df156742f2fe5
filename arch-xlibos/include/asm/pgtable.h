/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlibos page tables: a 4-level, 4 KiB-page layout like x86-64's, in a
 * software-only format.  The host never reads these tables; the LibOS
 * mirrors present entries into host mappings of guest physical memory.
 */
#ifndef _ASM_XLIBOS_PGTABLE_H
#define _ASM_XLIBOS_PGTABLE_H

#include <asm-generic/pgtable-nop4d.h>
#include <asm/page.h>
#include <asm/processor.h>

/* x86-64's MAP_32BIT (sys_x86_64.c) */
#define HAVE_ARCH_UNMAPPED_AREA

#define PGDIR_SHIFT	39
#define PUD_SHIFT	30
#define PMD_SHIFT	21

#define PGDIR_SIZE	(_AC(1, UL) << PGDIR_SHIFT)
#define PGDIR_MASK	(~(PGDIR_SIZE - 1))
#define PUD_SIZE	(_AC(1, UL) << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PMD_SIZE	(_AC(1, UL) << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))

#define PTRS_PER_PGD	512
#define PTRS_PER_PUD	512
#define PTRS_PER_PMD	512
#define PTRS_PER_PTE	512

#define USER_PTRS_PER_PGD	(TASK_SIZE / PGDIR_SIZE)
#define FIRST_USER_ADDRESS	0UL

#define VMALLOC_START	_AC(XLIBOS_VMALLOC_START, UL)
#define VMALLOC_END	_AC(XLIBOS_VMALLOC_END, UL)

/* Bits of a pte; a table entry (pmd/pud/p4d) is _PAGE_TABLE | phys. */
#define _PAGE_PRESENT	(_AC(1, UL) << 0)
#define _PAGE_RW	(_AC(1, UL) << 1)
#define _PAGE_USER	(_AC(1, UL) << 2)
#define _PAGE_EXEC	(_AC(1, UL) << 3)
#define _PAGE_ACCESSED	(_AC(1, UL) << 5)
#define _PAGE_DIRTY	(_AC(1, UL) << 6)
#define _PAGE_PROTNONE	(_AC(1, UL) << 8)
#define _PAGE_SPECIAL	(_AC(1, UL) << 9)
/* Software: the page may be mapped in the mm's host process (mm/tlb.c). */
#define _PAGE_MIRRORED	(_AC(1, UL) << 10)
/* A pmd that maps a hugetlbfs page itself, in the pte format (mm/hugetlbpage.c) */
#define _PAGE_PSE	(_AC(1, UL) << 11)
/* Swap entries (not present): bit 7 marks an exclusive anonymous page. */
#define _PAGE_SWP_EXCLUSIVE	(_AC(1, UL) << 7)

#define _PAGE_PFN_MASK	(((_AC(1, UL) << 52) - 1) & PAGE_MASK)
#define _PAGE_CHG_MASK	(_PAGE_PFN_MASK | _PAGE_ACCESSED | _PAGE_DIRTY | \
			 _PAGE_SPECIAL | _PAGE_MIRRORED | _PAGE_PSE)
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | \
			 _PAGE_ACCESSED | _PAGE_DIRTY)

#define _PAGE_BASE	(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PAGE_NONE	__pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_SHARED	__pgprot(_PAGE_BASE | _PAGE_RW | _PAGE_USER)
#define PAGE_SHARED_EXEC __pgprot(_PAGE_BASE | _PAGE_RW | _PAGE_USER | \
				  _PAGE_EXEC)
#define PAGE_COPY	__pgprot(_PAGE_BASE | _PAGE_USER)
#define PAGE_COPY_EXEC	__pgprot(_PAGE_BASE | _PAGE_USER | _PAGE_EXEC)
#define PAGE_READONLY	__pgprot(_PAGE_BASE | _PAGE_USER)
#define PAGE_READONLY_EXEC __pgprot(_PAGE_BASE | _PAGE_USER | _PAGE_EXEC)
#define PAGE_KERNEL	__pgprot(_PAGE_BASE | _PAGE_RW | _PAGE_DIRTY)
#define PAGE_KERNEL_RO	__pgprot(_PAGE_BASE)
#define PAGE_KERNEL_EXEC __pgprot(_PAGE_BASE | _PAGE_RW | _PAGE_DIRTY | \
				  _PAGE_EXEC)
#define PAGE_KERNEL_RX	__pgprot(_PAGE_BASE | _PAGE_EXEC)

#ifndef __ASSEMBLY__

#include <linux/mm_types.h>

extern pgd_t swapper_pg_dir[PTRS_PER_PGD];
extern unsigned long empty_zero_page[PAGE_SIZE / sizeof(unsigned long)];
#define ZERO_PAGE(vaddr)	virt_to_page(empty_zero_page)

/* Any host sees only what the mirroring code maps; pages are cache-coherent. */
#define pgprot_noncached(prot)	(prot)
#define pgprot_writecombine(prot) (prot)

/* pte */
static inline int pte_none(pte_t pte)	{ return !pte_val(pte); }
static inline int pte_present(pte_t pte)
{
	return pte_val(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
static inline int pte_read(pte_t pte)	{ return pte_val(pte) & _PAGE_USER; }
static inline int pte_write(pte_t pte)	{ return pte_val(pte) & _PAGE_RW; }
static inline int pte_exec(pte_t pte)	{ return pte_val(pte) & _PAGE_EXEC; }
static inline int pte_dirty(pte_t pte)	{ return pte_val(pte) & _PAGE_DIRTY; }
static inline int pte_young(pte_t pte)	{ return pte_val(pte) & _PAGE_ACCESSED; }
static inline int pte_special(pte_t pte) { return pte_val(pte) & _PAGE_SPECIAL; }

static inline pte_t pte_set(pte_t pte, unsigned long bits)
{
	return __pte(pte_val(pte) | bits);
}

static inline pte_t pte_clear_bits(pte_t pte, unsigned long bits)
{
	return __pte(pte_val(pte) & ~bits);
}

static inline pte_t pte_wrprotect(pte_t pte) { return pte_clear_bits(pte, _PAGE_RW); }
static inline pte_t pte_mkwrite(pte_t pte)   { return pte_set(pte, _PAGE_RW); }
static inline pte_t pte_mkclean(pte_t pte)   { return pte_clear_bits(pte, _PAGE_DIRTY); }
static inline pte_t pte_mkdirty(pte_t pte)   { return pte_set(pte, _PAGE_DIRTY); }
static inline pte_t pte_mkold(pte_t pte)     { return pte_clear_bits(pte, _PAGE_ACCESSED); }
static inline pte_t pte_mkyoung(pte_t pte)   { return pte_set(pte, _PAGE_ACCESSED); }
static inline pte_t pte_mkspecial(pte_t pte) { return pte_set(pte, _PAGE_SPECIAL); }
static inline pte_t pte_mkexec(pte_t pte)    { return pte_set(pte, _PAGE_EXEC); }
static inline pte_t pte_exprotect(pte_t pte) { return pte_clear_bits(pte, _PAGE_EXEC); }
static inline pte_t pte_mkhuge(pte_t pte)    { return pte_set(pte, _PAGE_PSE); }
static inline int pte_huge(pte_t pte)	     { return pte_val(pte) & _PAGE_PSE; }

static inline unsigned long pte_pfn(pte_t pte)
{
	return (pte_val(pte) & _PAGE_PFN_MASK) >> PAGE_SHIFT;
}

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte((pfn << PAGE_SHIFT) | pgprot_val(prot));
}

#define pte_page(pte)	pfn_to_page(pte_pfn(pte))
#define mk_pte(page, prot)	pfn_pte(page_to_pfn(page), (prot))

static inline pte_t pte_modify(pte_t pte, pgprot_t newprot)
{
	return __pte((pte_val(pte) & _PAGE_CHG_MASK) |
		     (pgprot_val(newprot) & ~_PAGE_CHG_MASK));
}

#define pgprot_modify pgprot_modify
static inline pgprot_t pgprot_modify(pgprot_t oldprot, pgprot_t newprot)
{
	return __pgprot((pgprot_val(oldprot) & _PAGE_CHG_MASK) |
			(pgprot_val(newprot) & ~_PAGE_CHG_MASK));
}

void xlibos_pte_changed(struct mm_struct *mm, unsigned long addr,
			pte_t *ptep, pte_t old, pte_t new);

static inline void set_pte(pte_t *ptep, pte_t pte)
{
	WRITE_ONCE(*ptep, pte);
}

static inline void set_pte_at(struct mm_struct *mm, unsigned long addr,
			      pte_t *ptep, pte_t pte)
{
	pte_t old = *ptep;

	set_pte(ptep, pte);
	xlibos_pte_changed(mm, addr, ptep, old, pte);
}

static inline void pte_clear(struct mm_struct *mm, unsigned long addr,
			     pte_t *ptep)
{
	set_pte_at(mm, addr, ptep, __pte(0));
}

#define __HAVE_ARCH_PTEP_GET_AND_CLEAR
static inline pte_t ptep_get_and_clear(struct mm_struct *mm,
				       unsigned long addr, pte_t *ptep)
{
	pte_t old = *ptep;

	set_pte(ptep, __pte(0));
	xlibos_pte_changed(mm, addr, ptep, old, __pte(0));
	return old;
}

/*
 * Setting the accessed or dirty bit only adds rights, and the host mirror
 * never holds more rights than the pte (mm/tlb.c): there is nothing to
 * drop, and the fault handler maps the page with its new rights at once.
 * The generic default would munmap the page just before that mmap.
 */
#define flush_tlb_fix_spurious_fault(vma, address) do { } while (0)

#define __HAVE_ARCH_PTEP_SET_WRPROTECT
static inline void ptep_set_wrprotect(struct mm_struct *mm,
				      unsigned long addr, pte_t *ptep)
{
	set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
}

/* pmd: points to a page of ptes */
static inline int pmd_none(pmd_t pmd)	 { return !pmd_val(pmd); }
static inline int pmd_present(pmd_t pmd) { return pmd_val(pmd) & _PAGE_PRESENT; }
static inline int pmd_bad(pmd_t pmd)
{
	return (pmd_val(pmd) & ~_PAGE_PFN_MASK) != _PAGE_TABLE;
}

static inline void set_pmd(pmd_t *pmdp, pmd_t pmd) { WRITE_ONCE(*pmdp, pmd); }
static inline void pmd_clear(pmd_t *pmdp)	   { set_pmd(pmdp, __pmd(0)); }
#define pmd_pfn(pmd)		((pmd_val(pmd) & _PAGE_PFN_MASK) >> PAGE_SHIFT)
#define pmd_page(pmd)		pfn_to_page(pmd_pfn(pmd))
static inline pte_t *pmd_page_vaddr(pmd_t pmd)
{
	return (pte_t *)__va(pmd_val(pmd) & _PAGE_PFN_MASK);
}
#define pmd_page_vaddr pmd_page_vaddr
static inline int pmd_leaf(pmd_t pmd)
{
	return (pmd_val(pmd) & (_PAGE_PRESENT | _PAGE_PSE)) ==
	       (_PAGE_PRESENT | _PAGE_PSE);
}
#define pmd_leaf pmd_leaf

/* pud: points to a page of pmds */
static inline int pud_none(pud_t pud)	 { return !pud_val(pud); }
static inline int pud_present(pud_t pud) { return pud_val(pud) & _PAGE_PRESENT; }
static inline int pud_bad(pud_t pud)
{
	return (pud_val(pud) & ~_PAGE_PFN_MASK) != _PAGE_TABLE;
}

static inline void set_pud(pud_t *pudp, pud_t pud) { WRITE_ONCE(*pudp, pud); }
static inline void pud_clear(pud_t *pudp)	   { set_pud(pudp, __pud(0)); }
#define pud_pfn(pud)		((pud_val(pud) & _PAGE_PFN_MASK) >> PAGE_SHIFT)
#define pud_page(pud)		pfn_to_page(pud_pfn(pud))
static inline pmd_t *pud_pgtable(pud_t pud)
{
	return (pmd_t *)__va(pud_val(pud) & _PAGE_PFN_MASK);
}
static inline int pud_leaf(pud_t pud)	{ return 0; }
#define pud_leaf pud_leaf

/* p4d (the pgd level, with the p4d folded into it): points to puds */
static inline int p4d_none(p4d_t p4d)	 { return !p4d_val(p4d); }
static inline int p4d_present(p4d_t p4d) { return p4d_val(p4d) & _PAGE_PRESENT; }
static inline int p4d_bad(p4d_t p4d)
{
	return (p4d_val(p4d) & ~_PAGE_PFN_MASK) != _PAGE_TABLE;
}

static inline void set_p4d(p4d_t *p4dp, p4d_t p4d) { WRITE_ONCE(*p4dp, p4d); }
static inline void p4d_clear(p4d_t *p4dp)	   { set_p4d(p4dp, __p4d(0)); }
#define p4d_pfn(p4d)		((p4d_val(p4d) & _PAGE_PFN_MASK) >> PAGE_SHIFT)
#define p4d_page(p4d)		pfn_to_page(p4d_pfn(p4d))
static inline pud_t *p4d_pgtable(p4d_t p4d)
{
	return (pud_t *)__va(p4d_val(p4d) & _PAGE_PFN_MASK);
}

#define pte_ERROR(e) \
	pr_err("%s:%d: bad pte %016lx.\n", __FILE__, __LINE__, pte_val(e))
#define pmd_ERROR(e) \
	pr_err("%s:%d: bad pmd %016lx.\n", __FILE__, __LINE__, pmd_val(e))
#define pud_ERROR(e) \
	pr_err("%s:%d: bad pud %016lx.\n", __FILE__, __LINE__, pud_val(e))
#define pgd_ERROR(e) \
	pr_err("%s:%d: bad pgd %016lx.\n", __FILE__, __LINE__, pgd_val(e))

/* Host mappings are updated from the pte hooks and TLB flushes. */
static inline void update_mmu_cache(struct vm_area_struct *vma,
				    unsigned long addr, pte_t *ptep)
{
}

/*
 * Swap entries: type in bits 1-5, offset from bit 12; never present and
 * never PROTNONE.
 */
#define __SWP_TYPE_SHIFT	1
#define __SWP_TYPE_BITS		5
#define __SWP_OFFSET_SHIFT	12
#define MAX_SWAPFILES_CHECK()	BUILD_BUG_ON(MAX_SWAPFILES_SHIFT > __SWP_TYPE_BITS)

#define __swp_type(x)	(((x).val >> __SWP_TYPE_SHIFT) & \
			 ((1UL << __SWP_TYPE_BITS) - 1))
#define __swp_offset(x)	((x).val >> __SWP_OFFSET_SHIFT)
#define __swp_entry(type, offset) \
	((swp_entry_t) { ((type) << __SWP_TYPE_SHIFT) | \
			 ((offset) << __SWP_OFFSET_SHIFT) })
#define __pte_to_swp_entry(pte)	((swp_entry_t) { pte_val(pte) })
#define __swp_entry_to_pte(x)	((pte_t) { (x).val })

#define __HAVE_ARCH_PTE_SWP_EXCLUSIVE
static inline int pte_swp_exclusive(pte_t pte)
{
	return pte_val(pte) & _PAGE_SWP_EXCLUSIVE;
}

static inline pte_t pte_swp_mkexclusive(pte_t pte)
{
	return pte_set(pte, _PAGE_SWP_EXCLUSIVE);
}

static inline pte_t pte_swp_clear_exclusive(pte_t pte)
{
	return pte_clear_bits(pte, _PAGE_SWP_EXCLUSIVE);
}

#define kern_addr_valid(addr)	(1)

void paging_init(void);

#endif /* __ASSEMBLY__ */

#endif /* _ASM_XLIBOS_PGTABLE_H */
