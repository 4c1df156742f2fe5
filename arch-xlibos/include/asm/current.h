/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_CURRENT_H
#define _ASM_XLIBOS_CURRENT_H

#ifndef __ASSEMBLY__

struct task_struct;

/*
 * Every host thread that runs LibOS code has its GS base at its task's
 * thread.self, which holds the task pointer.
 */
static __always_inline struct task_struct *get_current(void)
{
	struct task_struct *t;

	asm("movq %%gs:0, %0" : "=r" (t));
	return t;
}

#define current get_current()

#endif /* __ASSEMBLY__ */
#endif /* _ASM_XLIBOS_CURRENT_H */
