/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_PTRACE_H
#define _ASM_XLIBOS_PTRACE_H

/* The x86-64 uapi (PTRACE_* requests, register offsets). */
#include_next <asm/ptrace.h>

#ifndef __ASSEMBLY__

/* Same layout as x86-64's, so user_regs_struct and signal code agree. */
struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
};

/*
 * cs values: user code carries x86-64's __USER_CS (or the host's 32-bit
 * __USER32_CS while a program runs compatibility-mode code: the host's
 * segment, kept across entries), kernel code 0.
 */
#define XLIBOS_USER_CS		0x33
#define XLIBOS_USER32_CS	0x23
#define XLIBOS_USER_DS		0x2b

#define user_mode(regs)		(((regs)->cs & 3) == 3)
#define instruction_pointer(regs)	((regs)->ip)
#define user_stack_pointer(regs)	((regs)->sp)
#define profile_pc(regs)	instruction_pointer(regs)
#define current_pt_regs()	task_pt_regs(current)

/* EFLAGS.TF in the frame the host resumes: the host single-steps. */
#define arch_has_single_step()	(1)

/* x86's EFLAGS.IF: user mode always runs with interrupts enabled. */
static inline int regs_irqs_disabled(struct pt_regs *regs)
{
	return !(regs->flags & 0x200);
}

static inline unsigned long regs_return_value(struct pt_regs *regs)
{
	return regs->ax;
}

static inline void instruction_pointer_set(struct pt_regs *regs,
					   unsigned long val)
{
	regs->ip = val;
}

#endif /* __ASSEMBLY__ */
#endif /* _ASM_XLIBOS_PTRACE_H */
