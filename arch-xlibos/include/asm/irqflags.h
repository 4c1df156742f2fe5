/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Interrupts" are host signals.  Disabling them is a software flag that
 * the host signal handler checks; pending interrupts are replayed when
 * the flag is set again.  The host signal mask is never touched here.
 */
#ifndef _ASM_XLIBOS_IRQFLAGS_H
#define _ASM_XLIBOS_IRQFLAGS_H

#ifndef __ASSEMBLY__

#include <linux/compiler.h>

#define ARCH_IRQ_DISABLED	0UL
#define ARCH_IRQ_ENABLED	1UL

struct xlibos_vcpu_irq {
	/* ARCH_IRQ_ENABLED or ARCH_IRQ_DISABLED */
	unsigned long enabled;
	/* Bit mask of raised interrupt lines, set by any host thread. */
	unsigned int pending;
};

extern struct xlibos_vcpu_irq xlibos_irq;

void xlibos_irq_replay(void);

static inline unsigned long arch_local_save_flags(void)
{
	return READ_ONCE(xlibos_irq.enabled);
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	barrier();
	WRITE_ONCE(xlibos_irq.enabled, flags);
	barrier();
	if (flags == ARCH_IRQ_ENABLED &&
	    unlikely(__atomic_load_n(&xlibos_irq.pending, __ATOMIC_ACQUIRE)))
		xlibos_irq_replay();
}

#define arch_local_irq_restore arch_local_irq_restore

static inline int arch_irqs_disabled_flags(unsigned long flags)
{
	return flags == ARCH_IRQ_DISABLED;
}

#define arch_irqs_disabled_flags arch_irqs_disabled_flags

static inline void arch_local_irq_disable(void)
{
	barrier();
	WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_DISABLED);
	barrier();
}

#define arch_local_irq_disable arch_local_irq_disable

static inline void arch_local_irq_enable(void)
{
	arch_local_irq_restore(ARCH_IRQ_ENABLED);
}

#define arch_local_irq_enable arch_local_irq_enable

#include <asm-generic/irqflags.h>

#endif /* __ASSEMBLY__ */
#endif /* _ASM_XLIBOS_IRQFLAGS_H */
