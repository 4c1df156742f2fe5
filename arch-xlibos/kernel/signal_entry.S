/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every host signal handler of the LibOS is entered here.  The host runs a
 * handler with the interrupted code's EFLAGS except DF, TF and RF: a guest
 * program that set AC would have the LibOS's own unaligned accesses fault
 * (alignment checking is on in host user mode), so AC and NT are cleared
 * before any C code runs.  The user's flags stay in the host frame.
 *
 * Nor does the host change the GS base for a handler, and a program may
 * have written its own with WRGSBASE: the LibOS's is checked before any
 * code uses %gs (xlibos_signal_gs_check).
 */
#include <linux/linkage.h>
#include <asm/asm-offsets.h>

#define EFLAGS_AC_NT	0x44000

	.data
/* Set at boot if the host lets user code use RDGSBASE/WRGSBASE. */
SYM_DATA(xlibos_host_fsgsbase, .byte 0)

	.text
/* void xlibos_host_signal_entry(int sig, siginfo_t *si, void *uc) */
SYM_FUNC_START(xlibos_host_signal_entry)
	pushfq
	andq	$~EFLAGS_AC_NT, (%rsp)
	popfq
	cmpb	$0, xlibos_host_fsgsbase(%rip)
	je	1f
	rdgsbase %rax
	cmpq	%rax, xlibos_vcpu+VCPU_GS_SELF(%rip)
	je	1f
	/* not the vCPU owner's: fine for another thread, else a WRGSBASE */
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	movq	%rax, %rdi
	call	xlibos_signal_gs_check
	popq	%rdx
	popq	%rsi
	popq	%rdi
1:
	movslq	%edi, %rax
	leaq	xlibos_host_handlers(%rip), %r11
	jmp	*(%r11, %rax, 8)
SYM_FUNC_END(xlibos_host_signal_entry)

/* bool xlibos_probe_fsgsbase(void): RDGSBASE works (no host SIGILL) */
SYM_FUNC_START(xlibos_probe_fsgsbase)
	movl	$1, %eax
SYM_INNER_LABEL(xlibos_probe_fsgsbase_insn, SYM_L_GLOBAL)
	rdgsbase %rdx
	ret
SYM_INNER_LABEL(xlibos_probe_fsgsbase_fixup, SYM_L_GLOBAL)
	xorl	%eax, %eax
	ret
SYM_FUNC_END(xlibos_probe_fsgsbase)
