/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_BARRIER_H
#define _ASM_XLIBOS_BARRIER_H

/*
 * Host threads of one container share memory like the cores of a PC, so
 * the barriers are x86-64's.
 */
#define mb()	do { asm volatile("mfence" ::: "memory"); } while (0)
#define rmb()	do { asm volatile("lfence" ::: "memory"); } while (0)
#define wmb()	do { asm volatile("sfence" ::: "memory"); } while (0)

/* Ordinary write-back memory: only store-load needs a fence (TSO). */
#define __smp_mb() \
	do { asm volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc"); } while (0)
#define __smp_rmb()	barrier()
#define __smp_wmb()	barrier()

#include <asm-generic/barrier.h>

#endif /* _ASM_XLIBOS_BARRIER_H */
