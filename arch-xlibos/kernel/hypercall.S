/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place the LibOS executes the host's syscall instruction.
 * Everything here lives in .hypercall.text so that the host seccomp
 * filter can allow exactly this range of instruction pointers.
 */
#include <linux/linkage.h>
#include <asm/hypercall.h>

/*
 * clone(%rdi flags, %rsi stack) with no tids or TLS: the new one goes on
 * at 1: below the macro, a failed clone at 2:, the caller falls through.
 */
.macro CLONE_SPLIT
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	xorl	%r8d, %r8d
	movl	$__NR_clone, %eax
	syscall
	testq	%rax, %rax
	jz	1f
	js	2f
.endm

/* End the calling host thread, touching no memory. */
.macro END_THREAD
	movl	$__NR_exit, %eax
	xorl	%edi, %edi
	syscall
	ud2
.endm

/* CLONE_SPLIT, and the calling host thread ends at once. */
.macro CLONE_THEN_END_CALLER
	CLONE_SPLIT
	END_THREAD
.endm

/* Block every host signal (clobbers the syscall registers). */
.macro BLOCK_HOST_SIGNALS
	movl	$__NR_rt_sigprocmask, %eax
	movl	$XLIBOS_HOST_SIG_BLOCK, %edi
	leaq	all_host_signals(%rip), %rsi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
.endm

/* Store %r13d in the futex word at %r12 and wake one waiter. */
.macro STORE_AND_WAKE
	movl	%r13d, (%r12)
	movl	$__NR_futex, %eax
	movq	%r12, %rdi
	movl	$1, %esi		/* FUTEX_WAKE, shared */
	movl	$1, %edx
	syscall
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
	BLOCK_HOST_SIGNALS
	STORE_AND_WAKE
	END_THREAD
SYM_FUNC_END(xlibos_host_thread_exit_wake)

/*
 * void xlibos_host_thread_retire(u32 *futex_word, u32 val,
 *				  unsigned long stack_top, fn, arg)
 * As xlibos_host_thread_exit_wake, but instead of exiting, the host thread
 * goes on with fn(arg) on stack_top (it has left the dead task's stack
 * before waking the word).
 */
SYM_FUNC_START(xlibos_host_thread_retire)
	movq	%rdi, %r12
	movl	%esi, %r13d
	movq	%rdx, %r14
	movq	%rcx, %r15
	movq	%r8, %rbx
	BLOCK_HOST_SIGNALS
	movq	%r14, %rsp
	STORE_AND_WAKE
	movq	%rbx, %rdi
	call	*%r15
	ud2
SYM_FUNC_END(xlibos_host_thread_retire)

/*
 * void xlibos_host_move_here(u32 *futex_word, u32 val, unsigned long *ctx,
 *			      retire_stack, fn, arg)
 * Give the calling host thread's place to a spare host process: save in
 * @ctx where this call returns to, the stack pointer there and the
 * callee-saved registers, then as xlibos_host_thread_exit_wake (or, with
 * @retire_stack, xlibos_host_thread_retire) with @futex_word and @val.
 * The spare goes on with xlibos_host_resume(@ctx), so this call returns
 * in the spare's process, host signals blocked.
 */
SYM_FUNC_START(xlibos_host_move_here)
	movq	(%rsp), %rax
	movq	%rax, 0(%rdx)		/* return address */
	leaq	8(%rsp), %rax
	movq	%rax, 8(%rdx)		/* %rsp after the return */
	movq	%rbx, 16(%rdx)
	movq	%rbp, 24(%rdx)
	movq	%r12, 32(%rdx)
	movq	%r13, 40(%rdx)
	movq	%r14, 48(%rdx)
	movq	%r15, 56(%rdx)
	testq	%rcx, %rcx
	jz	xlibos_host_thread_exit_wake
	movq	%rcx, %rdx		/* retire_stack */
	movq	%r8, %rcx		/* fn */
	movq	%r9, %r8		/* arg */
	jmp	xlibos_host_thread_retire
SYM_FUNC_END(xlibos_host_move_here)

/*
 * void xlibos_host_resume(unsigned long *ctx, void *gs_base): in a spare,
 * set the host GS base (the task's) and return from the
 * xlibos_host_move_here that filled @ctx.
 */
SYM_FUNC_START(xlibos_host_resume)
	movq	%rdi, %rbx
	movl	$__NR_arch_prctl, %eax
	movl	$0x1001, %edi		/* ARCH_SET_GS */
	syscall
	movq	16(%rbx), %rax
	movq	24(%rbx), %rbp
	movq	32(%rbx), %r12
	movq	40(%rbx), %r13
	movq	48(%rbx), %r14
	movq	56(%rbx), %r15
	movq	8(%rbx), %rsp
	movq	0(%rbx), %rcx
	movq	%rax, %rbx
	xorl	%eax, %eax
	jmpq	*%rcx
SYM_FUNC_END(xlibos_host_resume)

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
	CLONE_SPLIT
2:	popq	%r13			/* the caller, or a failed clone */
	popq	%r12
	ret
1:	xorl	%ebp, %ebp
	andq	$-16, %rsp
	movq	%r12, %rdi
	call	*%r13
	ud2
SYM_FUNC_END(xlibos_host_clone)

/*
 * long xlibos_host_clone_exit(flags, stack_top, fn, arg): start fn(arg) in a
 * new host thread or process on stack_top, then end the calling host thread.
 * After the clone the caller touches no memory: the new one may be running
 * on the same stack.  Returns -errno only if the clone fails, with host
 * signals blocked.
 */
SYM_FUNC_START(xlibos_host_clone_exit)
	/* kept for a failed clone's return; the new one never pops them */
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r14		/* flags */
	movq	%rsi, %r15		/* stack */
	movq	%rcx, %r12		/* arg */
	movq	%rdx, %r13		/* fn */
	BLOCK_HOST_SIGNALS
	movq	%r14, %rdi
	movq	%r15, %rsi
	CLONE_THEN_END_CALLER
1:	xorl	%ebp, %ebp
	andq	$-16, %rsp
	movq	%r12, %rdi
	call	*%r13
	ud2
2:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(xlibos_host_clone_exit)

/*
 * long xlibos_host_fork_here(flags, retire_stack, fn, arg): clone(flags) a
 * new host process that returns 0 from this call on the same stack, while
 * the calling host thread leaves that stack at once: it exits, or, with
 * @retire_stack, goes on with fn(arg) there (a spare host process).  Host
 * signals stay blocked in both; the new process's caller unblocks them.
 * Returns -errno (in the caller) if the clone fails.
 */
SYM_FUNC_START(xlibos_host_fork_here)
	/* the new process pops these; the old thread keeps them in registers */
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rsi, %r12		/* retire_stack */
	movq	%rdx, %r13		/* fn */
	movq	%rcx, %r14		/* arg */
	movq	%rdi, %r8		/* flags */
	movl	$__NR_rt_sigprocmask, %eax
	movl	$XLIBOS_HOST_SIG_BLOCK, %edi
	leaq	all_host_signals(%rip), %rsi
	leaq	-8(%rsp), %rdx		/* old mask, below the stack pointer */
	movl	$8, %r10d
	syscall
	movq	-8(%rsp), %r9		/* keep the old mask in a register */
	movq	%r8, %rdi
	xorl	%esi, %esi		/* same stack */
	CLONE_SPLIT
	testq	%r12, %r12
	jz	3f
	movq	%r12, %rsp		/* the old thread, now a spare */
	movq	%r14, %rdi
	call	*%r13
	ud2
3:	END_THREAD
1:	popq	%r14
	popq	%r13
	popq	%r12
	ret
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
	jmp	1b
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
