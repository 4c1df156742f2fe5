/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The abcom fast path: a rewritten `syscall` site jumps (never calls: the
 * red zone below the user's %rsp is live) to its trampoline, which replays
 * the displaced instructions, loads %rcx with the address after the old
 * syscall (what the instruction leaves there), %r11 with where the call
 * returns to (the same address, or the trampoline's tail that replays
 * instructions displaced from after the syscall) and jumps here.  This
 * runs in the task's host thread, in the same host process as the
 * program, without any host trap:
 *
 *   - interrupts off (the software flag), switch to the task's kernel
 *     stack, build pt_regs exactly as the slow path does (r11 = rflags,
 *     cx = the address after the old syscall, ip = the return address,
 *     orig_ax = the number);
 *   - xlibos_fast_syscall() runs it and says where to go: back to the
 *     program, or to xlibos_fast_trap when the slow path must finish the
 *     job (signal delivery, fork, exec, ...: anything needing the FPU
 *     state that only a host signal frame holds);
 *   - restore every register from pt_regs (a signal or ptrace may have
 *     changed them) and jump via %gs:fast_ret, so no register is lost.
 *     The flags come back with sahf and an add that sets OF: popfq costs
 *     more than the rest of the return, and is kept for flags other than
 *     the arithmetic ones and IF (DF, TF, AC, ...), which are also cleared
 *     for the LibOS on the way in.
 *
 * Host signals that land between the labels are fixed up in C
 * (xlibos_fast_signal_fixup): before interrupts are off they stay
 * pending; during the exit the return is completed first.  Until the GS
 * base is checked (xlibos_fast_gs_checked) the entry uses no %gs.
 */
#include <linux/linkage.h>
#include <asm/asm-offsets.h>

/* CF, bit 1, PF, AF, ZF, SF, IF, OF: what the quick flag restore handles */
#define PLAIN_FLAGS	0xad7

/* pt_regs from r15 up to di (pops change no flags) */
.macro POP_GPRS
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
.endm

	.text
	/* on cache-line boundaries: each half is about one line of code */
	.p2align 6
SYM_CODE_START(xlibos_fast_entry)
	movq	$ASM_ARCH_IRQ_DISABLED, xlibos_irq+XLIBOS_IRQ_ENABLED(%rip)
	/* not %gs yet: the program may have changed its base (below) */
	movq	%rsp, xlibos_vcpu+VCPU_FAST_USP(%rip)
	movq	xlibos_vcpu+VCPU_FAST_KSTACK(%rip), %rsp
	pushq	$ASM_XLIBOS_USER_DS		/* ss */
	pushq	xlibos_vcpu+VCPU_FAST_USP(%rip)	/* sp */
	pushfq					/* flags */
	testq	$~PLAIN_FLAGS, (%rsp)
	jnz	.Lodd_flags_in
.Lflags_in_done:
	pushq	$ASM_XLIBOS_USER_CS		/* cs */
	pushq	%r11				/* ip */
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
	/*
	 * A program's WRGSBASE replaced the LibOS's GS base: keep its value
	 * as the task's gsbase and put ours back (a host signal up to here
	 * gets the same fix in xlibos_host_signal_entry).
	 */
	cmpb	$0, xlibos_host_fsgsbase(%rip)
	je	.Lgs_ok
	rdgsbase %rax
	cmpq	%rax, xlibos_vcpu+VCPU_GS_SELF(%rip)
	jne	.Lgs_changed
.Lgs_ok:
SYM_INNER_LABEL(xlibos_fast_gs_checked, SYM_L_GLOBAL)
	movq	%rsp, %rdi
	subq	$8, %rsp
	call	xlibos_fast_syscall
	addq	$8, %rsp
	movq	%rax, %gs:THREAD_FAST_RET
	.p2align 6
SYM_INNER_LABEL(xlibos_fast_exit, SYM_L_GLOBAL)
	testq	$~PLAIN_FLAGS, PT_REGS_FLAGS(%rsp)
	jnz	.Lodd_flags_out
	movq	PT_REGS_FLAGS(%rsp), %rax
	movl	%eax, %ecx
	shrl	$11, %ecx
	andl	$1, %ecx
	imull	$0x7f, %ecx, %ecx
	addb	$1, %cl				/* OF = saved OF */
	movb	%al, %ah
	sahf					/* SF ZF AF PF CF */
	/* from here on nothing may change the flags */
	POP_GPRS
	leaq	4*8(%rsp), %rsp			/* orig_ax, ip, cs, flags */
	popq	%rsp
	jmp	*%gs:THREAD_FAST_RET

.Lodd_flags_out:
	POP_GPRS
	addq	$3*8, %rsp			/* orig_ax, ip, cs */
	popfq
	popq	%rsp
	jmp	*%gs:THREAD_FAST_RET
SYM_INNER_LABEL(xlibos_fast_exit_end, SYM_L_GLOBAL)

.Lgs_changed:
	movq	%rax, %rdi
	subq	$8, %rsp
	call	xlibos_user_gs_changed
	addq	$8, %rsp
	jmp	.Lgs_ok

	/* DF, AC or TF set by the program: not for the LibOS */
.Lodd_flags_in:
	pushq	$0x202
	popfq
	jmp	.Lflags_in_done
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
