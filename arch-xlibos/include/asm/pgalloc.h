/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_PGALLOC_H
#define _ASM_XLIBOS_PGALLOC_H

#include <linux/mm.h>
#include <asm/pgtable.h>

#define __HAVE_ARCH_PGD_FREE
#include <asm-generic/pgalloc.h>

static inline void pmd_populate_kernel(struct mm_struct *mm, pmd_t *pmd,
				       pte_t *pte)
{
	set_pmd(pmd, __pmd(_PAGE_TABLE | __pa(pte)));
}

static inline void pmd_populate(struct mm_struct *mm, pmd_t *pmd,
				pgtable_t pte)
{
	set_pmd(pmd, __pmd(_PAGE_TABLE |
			   ((unsigned long)page_to_pfn(pte) << PAGE_SHIFT)));
}

static inline void pud_populate(struct mm_struct *mm, pud_t *pud, pmd_t *pmd)
{
	set_pud(pud, __pud(_PAGE_TABLE | __pa(pmd)));
}

static inline void p4d_populate(struct mm_struct *mm, p4d_t *p4d, pud_t *pud)
{
	set_p4d(p4d, __p4d(_PAGE_TABLE | __pa(pud)));
}

pgd_t *pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm, pgd_t *pgd);

#define __pte_free_tlb(tlb, pte, addr)			\
do {							\
	pgtable_pte_page_dtor(pte);			\
	tlb_remove_page((tlb), (pte));			\
} while (0)
#define __pmd_free_tlb(tlb, pmd, addr)	pmd_free((tlb)->mm, (pmd))
#define __pud_free_tlb(tlb, pud, addr)	pud_free((tlb)->mm, (pud))

#endif /* _ASM_XLIBOS_PGALLOC_H */
