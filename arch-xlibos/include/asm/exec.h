/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_EXEC_H
#define _ASM_XLIBOS_EXEC_H

/*
 * No alignment or randomization beyond the generic code's, but exec calls
 * this just before it writes the new program's auxiliary vector below the
 * strings on its stack: the stack is mapped into the host first (mm/fault.c).
 */
unsigned long arch_align_stack(unsigned long sp);

#endif /* _ASM_XLIBOS_EXEC_H */
