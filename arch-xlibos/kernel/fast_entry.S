/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The abcom fast path: a rewritten `syscall` site jumps (never calls: the
 * red zone below the user's %rsp is live) to its trampoline, which replays
 * the displaced instructions, loads %rcx with the address after the old
 * syscall and jumps here.  This runs in the task's host thread, in the
 * same host process as the program, without any host trap:
 *
 *   - interrupts off (the software flag), switch to the task's kernel
 *     stack, build pt_regs exactly as the slow path does (r11 = rflags,
 *     cx = ip = the return address, orig_ax = the number);
 *   - xlibos_fast_syscall() runs it and says where to go: back to the
 *     program, or to xlibos_fast_trap when the slow path must finish the
 *     job (signal delivery, fork, exec, ...: anything needing the FPU
 *     state that only a host signal frame holds);
 *   - restore every register from pt_regs (a signal or ptrace may have
 *     changed them) and jump via %gs:fast_ret, so no register is lost.
 *
 * Host signals that land between the labels are fixed up in C
 * (xlibos_fast_signal_fixup): before interrupts are off they stay
 * pending; during the exit the return is completed first.
 */
#include <linux/linkage.h>
#include <asm/asm-offsets.h>

	.text
SYM_CODE_START(xlibos_fast_entry)
	movq	$ASM_ARCH_IRQ_DISABLED, xlibos_irq+XLIBOS_IRQ_ENABLED(%rip)
	movq	%rsp, %r11
	movq	%gs:THREAD_FAST_KSTACK, %rsp
	pushq	$ASM_XLIBOS_USER_DS		/* ss */
	pushq	%r11				/* sp */
	pushfq					/* flags */
	pushq	$ASM_XLIBOS_USER_CS		/* cs */
	pushq	%rcx				/* ip */
	pushq	%rax				/* orig_ax */
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	$-38				/* ax = -ENOSYS */
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	11*8(%rsp)			/* r11 = flags */
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	subq	$8, %rsp
	call	xlibos_fast_syscall
	addq	$8, %rsp
	movq	%rax, %gs:THREAD_FAST_RET
SYM_INNER_LABEL(xlibos_fast_exit, SYM_L_GLOBAL)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$3*8, %rsp			/* orig_ax, ip, cs */
	popfq
	popq	%rsp
SYM_INNER_LABEL(xlibos_fast_exit_jmp, SYM_L_GLOBAL)
	jmp	*%gs:THREAD_FAST_RET
SYM_CODE_END(xlibos_fast_entry)

/*
 * With every user register in place, a real (trapped) system call: the
 * host frame of that SIGSYS gives the slow path the FPU state.  What it
 * does is in current->thread.fast_defer, and the registers come from
 * pt_regs, so %rax is free: it must not look like -ERESTARTSYS & co to
 * the host, which would "restart" the trapped call when delivering SIGSYS.
 */
SYM_CODE_START(xlibos_fast_trap)
	xorl	%eax, %eax
	syscall
SYM_INNER_LABEL(xlibos_fast_trap_end, SYM_L_GLOBAL)
	ud2
SYM_CODE_END(xlibos_fast_trap)
