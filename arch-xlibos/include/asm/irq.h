/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_IRQ_H
#define _ASM_XLIBOS_IRQ_H

/* Interrupt lines raised by host threads (timer) or devices. */
#define XLIBOS_TIMER_IRQ	0
#define XLIBOS_HOSTIO_IRQ	1
#define XLIBOS_HOSTSIG_IRQ	2
#define XLIBOS_HOSTDEATH_IRQ	3
#define XLIBOS_NR_IRQS		32
#define NR_IRQS			XLIBOS_NR_IRQS

#include <asm-generic/irq.h>

#endif /* _ASM_XLIBOS_IRQ_H */
