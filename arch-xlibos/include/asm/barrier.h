/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_BARRIER_H
#define _ASM_XLIBOS_BARRIER_H

/* Host threads of one container share memory like the cores of a PC. */
#define mb()	asm volatile("mfence" ::: "memory")
#define rmb()	asm volatile("lfence" ::: "memory")
#define wmb()	asm volatile("sfence" ::: "memory")

#define __smp_mb()	asm volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define __smp_rmb()	barrier()
#define __smp_wmb()	barrier()

#include <asm-generic/barrier.h>

#endif /* _ASM_XLIBOS_BARRIER_H */
