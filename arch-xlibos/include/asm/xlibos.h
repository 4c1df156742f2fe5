/* SPDX-License-Identifier: GPL-2.0 */
/* State and helpers shared by the pieces of the xlibos port. */
#ifndef _ASM_XLIBOS_XLIBOS_H
#define _ASM_XLIBOS_XLIBOS_H

#include <linux/types.h>
#include <asm/xlibos_boot.h>

struct task_struct;
struct pt_regs;

/* Copy of what the loader passed; valid for the whole run. */
extern struct xlibos_boot_info xlibos_boot;
/* Host process id of the first host process (where the vCPU lives). */
extern int xlibos_host_pid;

/* The one virtual CPU. */
struct xlibos_vcpu {
	struct task_struct *owner;	/* task whose host thread runs */
	struct task_struct *last;	/* prev of the latest switch */
	int owner_tid;			/* host tid of owner's thread */
	u32 idle;			/* owner waits for an interrupt */
};

extern struct xlibos_vcpu xlibos_vcpu;

u64 xlibos_host_realtime_ns(void);

/* irq.c */
void xlibos_raise_irq(unsigned int irq);
void xlibos_do_irqs(struct pt_regs *regs);
void xlibos_irq_host_init(void);

/* process.c: per host thread set-up (GS base, alternate signal stack) */
void xlibos_host_thread_init(struct task_struct *t);

/* uaccess.S: the faulting instructions and where they resume */
extern char xlibos_nofault_insn[], xlibos_nofault_fixup[];
extern char xlibos_nofault_clear_insn[], xlibos_nofault_clear_fixup[];

/* traps.c */
void xlibos_traps_host_init(void);
void xlibos_install_host_handler(int sig, void *handler);

/* time.c */
void xlibos_time_early_init(void);

/* reboot.c */
void xlibos_panic_init(void);

/* console.c */
void xlibos_console_init(void);

#endif /* _ASM_XLIBOS_XLIBOS_H */
