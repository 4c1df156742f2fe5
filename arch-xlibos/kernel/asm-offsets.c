// SPDX-License-Identifier: GPL-2.0
/* Structure offsets for assembly code. */
#include <linux/kbuild.h>
#include <linux/sched.h>
#include <asm/ptrace.h>

int main(void)
{
	DEFINE(TASK_THREAD, offsetof(struct task_struct, thread));
	DEFINE(PT_REGS_SIZE, sizeof(struct pt_regs));
	OFFSET(PT_REGS_IP, pt_regs, ip);
	OFFSET(PT_REGS_SP, pt_regs, sp);
	OFFSET(PT_REGS_AX, pt_regs, ax);
	return 0;
}
