// SPDX-License-Identifier: GPL-2.0
/* ptrace: the generic requests only, until guest user mode has regsets. */
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/elfcore.h>

void ptrace_disable(struct task_struct *child)
{
}

long arch_ptrace(struct task_struct *child, long request,
		 unsigned long addr, unsigned long data)
{
	return ptrace_request(child, request, addr, data);
}

int dump_fpu(struct pt_regs *regs, elf_fpregset_t *fpu)
{
	return 0;
}
