/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copies that may fault.  The trap handler resumes a fault on the
 * "rep movsb"/"rep stosb" at the fixup, where %rcx still holds the
 * number of bytes not done.
 */
#include <linux/linkage.h>

	.text
/* unsigned long xlibos_copy_nofault(void *to, const void *from, unsigned long n) */
SYM_FUNC_START(xlibos_copy_nofault)
	movq	%rdx, %rcx
	.globl	xlibos_nofault_insn
xlibos_nofault_insn:
	rep movsb
	.globl	xlibos_nofault_fixup
xlibos_nofault_fixup:
	movq	%rcx, %rax
	ret
SYM_FUNC_END(xlibos_copy_nofault)

/* unsigned long xlibos_clear_nofault(void *to, unsigned long n) */
SYM_FUNC_START(xlibos_clear_nofault)
	movq	%rsi, %rcx
	xorl	%eax, %eax
	.globl	xlibos_nofault_clear_insn
xlibos_nofault_clear_insn:
	rep stosb
	.globl	xlibos_nofault_clear_fixup
xlibos_nofault_clear_fixup:
	movq	%rcx, %rax
	ret
SYM_FUNC_END(xlibos_clear_nofault)
