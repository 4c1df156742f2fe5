/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall layer: the whole interface between the LibOS and the host
 * kernel.  Only code in the .hypercall.text section (hypercall.S) executes
 * the syscall instruction.  xlibos_hypercall_list (hostcall.c) names every
 * host system call it is used for; the host seccomp allow-list is built
 * from that table.
 */
#ifndef _ASM_XLIBOS_HYPERCALL_H
#define _ASM_XLIBOS_HYPERCALL_H

#include <asm/unistd.h>

/* Host rt_sigprocmask "how" values. */
#define XLIBOS_HOST_SIG_BLOCK	0
#define XLIBOS_HOST_SIG_SETMASK	2

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct __kernel_timespec;

/* Host system call numbers the LibOS uses, ended by -1. */
extern const int xlibos_hypercall_list[];

/* Host signal that stands for "an interrupt line was raised". */
#define XLIBOS_SIGIRQ		10	/* SIGUSR1 */

long xlibos_host_syscall(long nr, long a1, long a2, long a3, long a4,
			 long a5, long a6);

/* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM */
#define XLIBOS_HOST_THREAD_FLAGS	0x50f00UL

/* Block all host signals, store @val in @futex_word, wake it, exit. */
void __noreturn xlibos_host_thread_exit_wake(u32 *futex_word, u32 val);

/*
 * Block all host signals, move to @stack_top, store @val in @futex_word,
 * wake it, then run @fn(@arg) (which must not return).
 */
void __noreturn xlibos_host_thread_retire(u32 *futex_word, u32 val,
					  unsigned long stack_top,
					  void (*fn)(void *), void *arg);

/*
 * Give this host thread's place to a spare host process: it resumes with
 * xlibos_host_resume(@ctx), where this call returns (host signals
 * blocked); this host thread stores @val in @futex_word, wakes it, exits.
 */
void xlibos_host_move_here(u32 *futex_word, u32 val, unsigned long *ctx,
			   unsigned long retire_stack, void (*fn)(void *),
			   void *arg);
#define XLIBOS_HOST_MOVE_CTX_WORDS	8

/* In the spare: set the host GS base, return from xlibos_host_move_here. */
void __noreturn xlibos_host_resume(unsigned long *ctx, void *gs_base);

/* The sa_restorer every LibOS host signal handler returns through. */
void xlibos_host_sigreturn(void);

/* Host rt_sigreturn on a frame whose uc is at @uc: enters user mode. */
void __noreturn xlibos_host_sigreturn_to(void *uc);

/* Start fn(arg) on @stack_top in a clone(@flags) child; returns its id. */
long xlibos_host_clone(unsigned long flags, unsigned long stack_top,
		       void (*fn)(void *), void *arg);

/*
 * A new host process continues from here (returns 0); the calling host
 * thread exits, or with @retire_stack runs @fn(@arg) there.
 */
long xlibos_host_fork_here(unsigned long flags, unsigned long retire_stack,
			   void (*fn)(void *), void *arg);

/*
 * Same, then end the calling host thread without touching its stack; only
 * a failed clone returns (-errno, host signals blocked).
 */
long xlibos_host_clone_exit(unsigned long flags, unsigned long stack_top,
			    void (*fn)(void *), void *arg);

#define hc0(nr)			xlibos_host_syscall(__NR_##nr, 0, 0, 0, 0, 0, 0)
#define hc1(nr, a)		xlibos_host_syscall(__NR_##nr, (long)(a), \
						    0, 0, 0, 0, 0)
#define hc2(nr, a, b)		xlibos_host_syscall(__NR_##nr, (long)(a), \
						    (long)(b), 0, 0, 0, 0)
#define hc3(nr, a, b, c)	xlibos_host_syscall(__NR_##nr, (long)(a), \
						    (long)(b), (long)(c), \
						    0, 0, 0)
#define hc4(nr, a, b, c, d)	xlibos_host_syscall(__NR_##nr, (long)(a), \
						    (long)(b), (long)(c), \
						    (long)(d), 0, 0)
#define hc6(nr, a, b, c, d, e, f) \
	xlibos_host_syscall(__NR_##nr, (long)(a), (long)(b), (long)(c), \
			    (long)(d), (long)(e), (long)(f))

/* Host futex helpers on 32-bit words in memory shared by host threads. */
long xlibos_futex_wait(u32 *word, u32 val, const struct __kernel_timespec *abs);
long xlibos_futex_wake(u32 *word, int nr);

/* Host CLOCK_MONOTONIC in ns (through the host vDSO when available). */
u64 xlibos_host_monotonic_ns(void);

void __noreturn xlibos_host_exit_process(int code);

/* The calling host thread's signal mask: block all (giving the old), set */
u64 xlibos_host_signals_block(void);
void xlibos_host_signals_set(u64 mask);

#endif /* __ASSEMBLY__ */
#endif /* _ASM_XLIBOS_HYPERCALL_H */
