// SPDX-License-Identifier: GPL-2.0
/*
 * Guest signal frames (x86-64 rt_sigframe) come with guest user mode;
 * until then there is no frame to return from, which x86 treats as a
 * bad frame.
 */
#include <linux/syscalls.h>
#include <linux/sched/signal.h>

SYSCALL_DEFINE0(rt_sigreturn)
{
	force_sig(SIGSEGV);
	return 0;
}
