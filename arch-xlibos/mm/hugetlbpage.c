// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlbfs: 2 MiB pages as pmd entries that map a page themselves
 * (_PAGE_PSE).  The generic code allocates and walks them
 * (ARCH_WANT_GENERAL_HUGETLB); the host mirror maps one with a single
 * mmap of its 512 frames (mm/fault.c), and drops the whole page when it
 * loses rights (mm/tlb.c).
 */
#include <linux/hugetlb.h>
#include <linux/mm.h>

/* A hugetlb entry: a huge page, or not present (migration, poison). */
int pmd_huge(pmd_t pmd)
{
	return !pmd_none(pmd) &&
	       (pmd_val(pmd) & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT;
}

/* No 1 GiB pages. */
int pud_huge(pud_t pud)
{
	return 0;
}
