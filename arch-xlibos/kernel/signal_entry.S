/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every host signal handler of the LibOS is entered here.  The host runs a
 * handler with the interrupted code's EFLAGS except DF, TF and RF: a guest
 * program that set AC would have the LibOS's own unaligned accesses fault
 * (alignment checking is on in host user mode), so AC and NT are cleared
 * before any C code runs.  The user's flags stay in the host frame.
 */
#include <linux/linkage.h>

#define EFLAGS_AC_NT	0x44000

	.text
/* void xlibos_host_signal_entry(int sig, siginfo_t *si, void *uc) */
SYM_FUNC_START(xlibos_host_signal_entry)
	pushfq
	andq	$~EFLAGS_AC_NT, (%rsp)
	popfq
	movslq	%edi, %rax
	leaq	xlibos_host_handlers(%rip), %r11
	jmp	*(%r11, %rax, 8)
SYM_FUNC_END(xlibos_host_signal_entry)
