/* SPDX-License-Identifier: GPL-2.0 */
#include <linux/linkage.h>

	.text
/* void xlibos_call_on_stack(void (*fn)(void *), void *arg, unsigned long sp) */
SYM_FUNC_START(xlibos_call_on_stack)
	pushq	%rbp
	movq	%rsp, %rbp
	movq	%rdx, %rsp
	andq	$-16, %rsp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movq	%rbp, %rsp
	popq	%rbp
	ret
SYM_FUNC_END(xlibos_call_on_stack)
