/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_ATOMIC_H
#define _ASM_XLIBOS_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/cmpxchg.h>
#include <asm/barrier.h>

#define ATOMIC64_INIT(i)	{ (i) }

/*
 * Real locked instructions, fully ordered like x86's: kernel state is
 * shared by host threads, and later by several vCPUs.  The same macros
 * serve atomic_t and atomic64_t.
 */
#define __xl_op(v, op, i) \
	((void)__atomic_fetch_##op(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define __xl_fetch(v, op, i) \
	__atomic_fetch_##op(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define __xl_return(v, op, i) \
	__atomic_##op##_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)

#define arch_atomic_read(v)		READ_ONCE((v)->counter)
#define arch_atomic_set(v, i)		WRITE_ONCE((v)->counter, (i))
#define arch_atomic_xchg(v, i)		arch_xchg(&(v)->counter, (i))
#define arch_atomic_cmpxchg(v, o, n)	arch_cmpxchg(&(v)->counter, (o), (n))
#define arch_atomic_add(i, v)		__xl_op(v, add, i)
#define arch_atomic_sub(i, v)		__xl_op(v, sub, i)
#define arch_atomic_and(i, v)		__xl_op(v, and, i)
#define arch_atomic_or(i, v)		__xl_op(v, or, i)
#define arch_atomic_xor(i, v)		__xl_op(v, xor, i)
#define arch_atomic_fetch_add(i, v)	__xl_fetch(v, add, i)
#define arch_atomic_fetch_sub(i, v)	__xl_fetch(v, sub, i)
#define arch_atomic_fetch_and(i, v)	__xl_fetch(v, and, i)
#define arch_atomic_fetch_or(i, v)	__xl_fetch(v, or, i)
#define arch_atomic_fetch_xor(i, v)	__xl_fetch(v, xor, i)
#define arch_atomic_add_return(i, v)	__xl_return(v, add, i)
#define arch_atomic_sub_return(i, v)	__xl_return(v, sub, i)

#define arch_atomic64_read(v)		READ_ONCE((v)->counter)
#define arch_atomic64_set(v, i)		WRITE_ONCE((v)->counter, (i))
#define arch_atomic64_xchg(v, i)	arch_xchg(&(v)->counter, (i))
#define arch_atomic64_cmpxchg(v, o, n)	arch_cmpxchg(&(v)->counter, (o), (n))
#define arch_atomic64_add(i, v)		__xl_op(v, add, i)
#define arch_atomic64_sub(i, v)		__xl_op(v, sub, i)
#define arch_atomic64_and(i, v)		__xl_op(v, and, i)
#define arch_atomic64_or(i, v)		__xl_op(v, or, i)
#define arch_atomic64_xor(i, v)		__xl_op(v, xor, i)
#define arch_atomic64_fetch_add(i, v)	__xl_fetch(v, add, i)
#define arch_atomic64_fetch_sub(i, v)	__xl_fetch(v, sub, i)
#define arch_atomic64_fetch_and(i, v)	__xl_fetch(v, and, i)
#define arch_atomic64_fetch_or(i, v)	__xl_fetch(v, or, i)
#define arch_atomic64_fetch_xor(i, v)	__xl_fetch(v, xor, i)
#define arch_atomic64_add_return(i, v)	__xl_return(v, add, i)
#define arch_atomic64_sub_return(i, v)	__xl_return(v, sub, i)

#endif /* _ASM_XLIBOS_ATOMIC_H */
