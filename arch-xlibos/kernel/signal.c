// SPDX-License-Identifier: GPL-2.0
/* Guest signal frames (x86-64 rt_sigframe) come with guest user mode. */
#include <linux/syscalls.h>

SYSCALL_DEFINE0(rt_sigreturn)
{
	return -ENOSYS;
}
