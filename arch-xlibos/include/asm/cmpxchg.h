/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_CMPXCHG_H
#define _ASM_XLIBOS_CMPXCHG_H

/*
 * Real locked instructions (the compiler's __atomic builtins on x86-64):
 * kernel state is shared by host threads, and later by several vCPUs.
 */
#define arch_xchg(ptr, v)						\
	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)

#define arch_cmpxchg(ptr, o, n)						\
({									\
	__typeof__(*(ptr)) __old = (o);					\
	__atomic_compare_exchange_n((ptr), &__old, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})

#define arch_cmpxchg_local(ptr, o, n)	arch_cmpxchg((ptr), (o), (n))
#define arch_cmpxchg64(ptr, o, n)	arch_cmpxchg((ptr), (o), (n))
#define arch_cmpxchg64_local(ptr, o, n)	arch_cmpxchg((ptr), (o), (n))

#endif /* _ASM_XLIBOS_CMPXCHG_H */
