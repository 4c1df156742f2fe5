// SPDX-License-Identifier: GPL-2.0
/* Structure offsets for assembly code. */
#include <linux/kbuild.h>
#include <linux/sched.h>
#include <asm/ptrace.h>
#include <asm/irqflags.h>
#include <asm/xlibos.h>

int main(void)
{
	DEFINE(TASK_THREAD, offsetof(struct task_struct, thread));
	DEFINE(PT_REGS_SIZE, sizeof(struct pt_regs));
	OFFSET(PT_REGS_IP, pt_regs, ip);
	OFFSET(PT_REGS_SP, pt_regs, sp);
	OFFSET(PT_REGS_AX, pt_regs, ax);
	OFFSET(THREAD_FAST_KSTACK, thread_struct, fast_kstack);
	OFFSET(THREAD_FAST_RET, thread_struct, fast_ret);
	OFFSET(THREAD_FAST_USP, thread_struct, fast_usp);
	OFFSET(PT_REGS_FLAGS, pt_regs, flags);
	OFFSET(XLIBOS_IRQ_ENABLED, xlibos_vcpu_irq, enabled);
	OFFSET(VCPU_GS_SELF, xlibos_vcpu, gs_self);
	OFFSET(VCPU_FAST_KSTACK, xlibos_vcpu, fast_kstack);
	OFFSET(VCPU_FAST_USP, xlibos_vcpu, fast_usp);
	DEFINE(ASM_XLIBOS_USER_CS, XLIBOS_USER_CS);
	DEFINE(ASM_XLIBOS_USER_DS, XLIBOS_USER_DS);
	DEFINE(ASM_ARCH_IRQ_DISABLED, ARCH_IRQ_DISABLED);
	return 0;
}
