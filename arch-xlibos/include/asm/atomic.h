/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_ATOMIC_H
#define _ASM_XLIBOS_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/cmpxchg.h>
#include <asm/barrier.h>

#define ATOMIC64_INIT(i)	{ (i) }

/* Fully ordered, like x86's lock-prefixed instructions. */
#define XLIBOS_ATOMIC_OPS(pfx, type)					\
static __always_inline type arch_##pfx##_read(const pfx##_t *v)	\
{									\
	return READ_ONCE(v->counter);					\
}									\
static __always_inline void arch_##pfx##_set(pfx##_t *v, type i)	\
{									\
	WRITE_ONCE(v->counter, i);					\
}									\
static __always_inline type arch_##pfx##_xchg(pfx##_t *v, type i)	\
{									\
	return arch_xchg(&v->counter, i);				\
}									\
static __always_inline type arch_##pfx##_cmpxchg(pfx##_t *v, type o,	\
						 type n)		\
{									\
	return arch_cmpxchg(&v->counter, o, n);				\
}

#define XLIBOS_ATOMIC_OP(pfx, type, op)					\
static __always_inline void arch_##pfx##_##op(type i, pfx##_t *v)	\
{									\
	__atomic_fetch_##op(&v->counter, i, __ATOMIC_SEQ_CST);		\
}									\
static __always_inline type arch_##pfx##_fetch_##op(type i, pfx##_t *v)\
{									\
	return __atomic_fetch_##op(&v->counter, i, __ATOMIC_SEQ_CST);	\
}

#define XLIBOS_ATOMIC_RETURN(pfx, type, op)				\
static __always_inline type arch_##pfx##_##op##_return(type i, pfx##_t *v)\
{									\
	return __atomic_##op##_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}

#define XLIBOS_ATOMIC_ALL(pfx, type)					\
	XLIBOS_ATOMIC_OPS(pfx, type)					\
	XLIBOS_ATOMIC_OP(pfx, type, add)				\
	XLIBOS_ATOMIC_OP(pfx, type, sub)				\
	XLIBOS_ATOMIC_OP(pfx, type, and)				\
	XLIBOS_ATOMIC_OP(pfx, type, or)					\
	XLIBOS_ATOMIC_OP(pfx, type, xor)				\
	XLIBOS_ATOMIC_RETURN(pfx, type, add)				\
	XLIBOS_ATOMIC_RETURN(pfx, type, sub)

XLIBOS_ATOMIC_ALL(atomic, int)
XLIBOS_ATOMIC_ALL(atomic64, s64)

#define arch_atomic_read		arch_atomic_read
#define arch_atomic_set			arch_atomic_set
#define arch_atomic_xchg		arch_atomic_xchg
#define arch_atomic_cmpxchg		arch_atomic_cmpxchg
#define arch_atomic_add			arch_atomic_add
#define arch_atomic_sub			arch_atomic_sub
#define arch_atomic_and			arch_atomic_and
#define arch_atomic_or			arch_atomic_or
#define arch_atomic_xor			arch_atomic_xor
#define arch_atomic_fetch_add		arch_atomic_fetch_add
#define arch_atomic_fetch_sub		arch_atomic_fetch_sub
#define arch_atomic_fetch_and		arch_atomic_fetch_and
#define arch_atomic_fetch_or		arch_atomic_fetch_or
#define arch_atomic_fetch_xor		arch_atomic_fetch_xor
#define arch_atomic_add_return		arch_atomic_add_return
#define arch_atomic_sub_return		arch_atomic_sub_return

#define arch_atomic64_read		arch_atomic64_read
#define arch_atomic64_set		arch_atomic64_set
#define arch_atomic64_xchg		arch_atomic64_xchg
#define arch_atomic64_cmpxchg		arch_atomic64_cmpxchg
#define arch_atomic64_add		arch_atomic64_add
#define arch_atomic64_sub		arch_atomic64_sub
#define arch_atomic64_and		arch_atomic64_and
#define arch_atomic64_or		arch_atomic64_or
#define arch_atomic64_xor		arch_atomic64_xor
#define arch_atomic64_fetch_add		arch_atomic64_fetch_add
#define arch_atomic64_fetch_sub		arch_atomic64_fetch_sub
#define arch_atomic64_fetch_and		arch_atomic64_fetch_and
#define arch_atomic64_fetch_or		arch_atomic64_fetch_or
#define arch_atomic64_fetch_xor		arch_atomic64_fetch_xor
#define arch_atomic64_add_return	arch_atomic64_add_return
#define arch_atomic64_sub_return	arch_atomic64_sub_return

#endif /* _ASM_XLIBOS_ATOMIC_H */
