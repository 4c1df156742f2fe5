// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts.  A host thread (timer, later device back-ends) raises a line
 * by setting a bit in xlibos_irq.pending and kicking the vCPU: a futex
 * wake if the vCPU is idle, else the host signal XLIBOS_SIGIRQ to the host
 * thread that holds the vCPU.  The handler runs the Linux interrupt code
 * if the software interrupt flag allows it; otherwise the bits stay
 * pending until the flag is set again (arch_local_irq_restore()).
 */
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/hardirq.h>
#include <linux/sched.h>
#include <asm/abcom.h>
#include <asm/irq_regs.h>
#include <asm/hypercall.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm/xlibos.h>

struct xlibos_vcpu_irq xlibos_irq = {
	.enabled = ARCH_IRQ_DISABLED,
};
EXPORT_SYMBOL(xlibos_irq);

struct xlibos_vcpu xlibos_vcpu;

/* May run on any host thread, with or without the vCPU. */
void xlibos_raise_irq(unsigned int irq)
{
	__atomic_fetch_or(&xlibos_irq.pending, 1U << irq, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&xlibos_vcpu.idle, __ATOMIC_SEQ_CST))
		xlibos_futex_wake(&xlibos_irq.pending, 1);
	else
		hc3(tgkill, __atomic_load_n(&xlibos_vcpu.owner_pid, __ATOMIC_RELAXED),
		    __atomic_load_n(&xlibos_vcpu.owner_tid, __ATOMIC_RELAXED),
		    XLIBOS_SIGIRQ);
}

static void handle_pending_lines(void)
{
	unsigned int lines;

	while ((lines = __atomic_exchange_n(&xlibos_irq.pending, 0,
					    __ATOMIC_ACQ_REL))) {
		while (lines) {
			unsigned int irq = __ffs(lines);

			lines &= ~(1U << irq);
			generic_handle_irq(irq);
		}
	}
}

/* Runs the pending lines as one hardware interrupt; the flag is clear. */
void xlibos_run_pending_irqs(struct pt_regs *regs)
{
	struct pt_regs *old_regs = set_irq_regs(regs);

	while (__atomic_load_n(&xlibos_irq.pending, __ATOMIC_SEQ_CST)) {
		irq_enter();
		handle_pending_lines();
		irq_exit();
	}
	set_irq_regs(old_regs);
}

/* An interrupt that arrived in kernel code with interrupts enabled. */
void xlibos_do_irqs(struct pt_regs *regs)
{
	do {
		WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_DISABLED);
		barrier();
		xlibos_run_pending_irqs(regs);
		barrier();
		WRITE_ONCE(xlibos_irq.enabled, ARCH_IRQ_ENABLED);
		/* A line raised while the flag was clear only left a bit. */
	} while (__atomic_load_n(&xlibos_irq.pending, __ATOMIC_SEQ_CST));
}

/* Called when interrupts are re-enabled with lines pending. */
void xlibos_irq_replay(void)
{
	struct pt_regs regs = {
		.ip = _RET_IP_,
		.sp = (unsigned long)&regs,
	};

	xlibos_do_irqs(&regs);
}
EXPORT_SYMBOL(xlibos_irq_replay);

static void sigirq_handler(int sig, struct siginfo *si, void *ucv)
{
	struct ucontext *uc = ucv;
	struct pt_regs regs = {};

	/* Parked threads and masked interrupts: the bits stay pending. */
	if (READ_ONCE(xlibos_vcpu.owner) != current ||
	    READ_ONCE(xlibos_irq.enabled) == ARCH_IRQ_DISABLED ||
	    xlibos_fast_signal_fixup(uc))
		return;
	if (xlibos_from_user(uc)) {
		xlibos_user_entry(sig, si, uc);
		return;
	}

	regs.ip = uc->uc_mcontext.ip;
	regs.sp = uc->uc_mcontext.sp;
	regs.bp = uc->uc_mcontext.bp;
	regs.flags = uc->uc_mcontext.flags;
	xlibos_do_irqs(&regs);
}

void __init xlibos_irq_host_init(void)
{
	xlibos_install_host_handler(XLIBOS_SIGIRQ, sigirq_handler);
}

void __init init_IRQ(void)
{
	int irq;

	for (irq = 0; irq < NR_IRQS; irq++)
		irq_set_chip_and_handler(irq, &dummy_irq_chip,
					 handle_simple_irq);
}

int arch_show_interrupts(struct seq_file *p, int prec)
{
	return 0;
}
