/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place the LibOS executes the host's syscall instruction.
 * Everything here lives in .hypercall.text so that the host seccomp
 * filter can allow exactly this range of instruction pointers.
 */
#include <linux/linkage.h>
#include <asm/unistd.h>

#define HOST_SIG_BLOCK		0

/*
 * clone(%rdi flags, %rsi stack) with no tids or TLS.  The calling host
 * thread ends at once, touching no memory; the new one goes on at 1:
 * below the macro, a failed clone at 2:.
 */
.macro CLONE_THEN_END_CALLER
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	xorl	%r8d, %r8d
	movl	$__NR_clone, %eax
	syscall
	testq	%rax, %rax
	jz	1f
	js	2f
	movl	$__NR_exit, %eax
	xorl	%edi, %edi
	syscall
	ud2
.endm

	.section .hypercall.text, "ax"

/* long xlibos_host_syscall(nr, a1, a2, a3, a4, a5, a6) */
SYM_FUNC_START(xlibos_host_syscall)
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
	syscall
	ret
SYM_FUNC_END(xlibos_host_syscall)

/*
 * void xlibos_host_thread_exit_wake(u32 *futex_word, u32 val)
 * The calling task is dead: its stack may be freed as soon as the word is
 * woken, so after blocking signals nothing here touches memory but the word.
 */
SYM_FUNC_START(xlibos_host_thread_exit_wake)
	movq	%rdi, %r12
	movl	%esi, %r13d
	movl	$__NR_rt_sigprocmask, %eax
	movl	$HOST_SIG_BLOCK, %edi
	leaq	all_host_signals(%rip), %rsi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
	movl	%r13d, (%r12)
	movl	$__NR_futex, %eax
	movq	%r12, %rdi
	movl	$1, %esi		/* FUTEX_WAKE, shared */
	movl	$1, %edx
	syscall
	movl	$__NR_exit, %eax
	xorl	%edi, %edi
	syscall
	ud2
SYM_FUNC_END(xlibos_host_thread_exit_wake)

/* sa_restorer of every host signal handler the LibOS installs */
SYM_FUNC_START(xlibos_host_sigreturn)
	movl	$__NR_rt_sigreturn, %eax
	syscall
	ud2
SYM_FUNC_END(xlibos_host_sigreturn)

/*
 * Host process creation, stack switching and the
 * way into user mode (a host rt_sigreturn on a frame the LibOS built).
 */

/* long xlibos_host_clone(flags, stack_top, fn, arg) */
SYM_FUNC_START(xlibos_host_clone)
	pushq	%r12
	pushq	%r13
	movq	%rcx, %r12		/* arg */
	movq	%rdx, %r13		/* fn */
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	xorl	%r8d, %r8d
	movl	$__NR_clone, %eax
	syscall
	testq	%rax, %rax
	jz	1f
	popq	%r13
	popq	%r12
	ret
1:	xorl	%ebp, %ebp
	andq	$-16, %rsp
	movq	%r12, %rdi
	call	*%r13
	ud2
SYM_FUNC_END(xlibos_host_clone)

/*
 * void xlibos_host_clone_exit(flags, stack_top, fn, arg): start fn(arg) in a
 * new host thread or process on stack_top, then end the calling host thread.
 * After the clone the caller touches no memory: the new one may be running
 * on the same stack.  A failed clone is fatal for the LibOS.
 */
SYM_FUNC_START(xlibos_host_clone_exit)
	movq	%rdi, %r14		/* flags */
	movq	%rsi, %r15		/* stack */
	movq	%rcx, %r12		/* arg */
	movq	%rdx, %r13		/* fn */
	movl	$__NR_rt_sigprocmask, %eax
	movl	$HOST_SIG_BLOCK, %edi
	leaq	all_host_signals(%rip), %rsi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
	movq	%r14, %rdi
	movq	%r15, %rsi
	CLONE_THEN_END_CALLER
1:	xorl	%ebp, %ebp
	andq	$-16, %rsp
	movq	%r12, %rdi
	call	*%r13
	ud2
2:	movl	$__NR_exit_group, %eax
	movl	$2, %edi
	syscall
	ud2
SYM_FUNC_END(xlibos_host_clone_exit)

/*
 * long xlibos_host_fork_here(flags): clone(flags) a new host process that
 * returns 0 from this call on the same stack, while the calling host
 * thread exits at once without touching that stack again.  Host signals
 * stay blocked in the new process; the caller unblocks them.  Returns
 * -errno (in the caller) if the clone fails.
 */
SYM_FUNC_START(xlibos_host_fork_here)
	movq	%rdi, %r8		/* flags */
	movl	$__NR_rt_sigprocmask, %eax
	movl	$HOST_SIG_BLOCK, %edi
	leaq	all_host_signals(%rip), %rsi
	leaq	-8(%rsp), %rdx		/* old mask, below the stack pointer */
	movl	$8, %r10d
	syscall
	movq	-8(%rsp), %r9		/* keep the old mask in a register */
	movq	%r8, %rdi
	xorl	%esi, %esi		/* same stack */
	CLONE_THEN_END_CALLER
1:	ret
2:	/* no new process: restore the mask and report the error */
	movq	%rax, %r8
	movq	%r9, -8(%rsp)
	movl	$__NR_rt_sigprocmask, %eax
	movl	$2, %edi		/* SIG_SETMASK */
	leaq	-8(%rsp), %rsi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
	movq	%r8, %rax
	ret
SYM_FUNC_END(xlibos_host_fork_here)

/* void xlibos_host_sigreturn_to(struct ucontext *uc): never returns */
SYM_FUNC_START(xlibos_host_sigreturn_to)
	movq	%rdi, %rsp
	movl	$__NR_rt_sigreturn, %eax
	syscall
	ud2
SYM_FUNC_END(xlibos_host_sigreturn_to)

	.section .rodata
	.balign 8
all_host_signals:
	.quad	-1
