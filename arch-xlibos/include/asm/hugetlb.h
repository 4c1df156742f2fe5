/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_HUGETLB_H
#define _ASM_XLIBOS_HUGETLB_H

/*
 * hugetlbfs pages are pmd entries in the pte format (_PAGE_PSE), so the
 * generic huge pte operations are the pte ones, with the pte hooks
 * (mm/tlb.c) seeing a whole huge page change.
 */
#include <asm/page.h>
#include <asm-generic/hugetlb.h>

#endif /* _ASM_XLIBOS_HUGETLB_H */
