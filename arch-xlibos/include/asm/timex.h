/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_TIMEX_H
#define _ASM_XLIBOS_TIMEX_H

typedef unsigned long cycles_t;

static inline cycles_t get_cycles(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return ((cycles_t)hi << 32) | lo;
}

#define get_cycles get_cycles

#define CLOCK_TICK_RATE	1000000

#endif /* _ASM_XLIBOS_TIMEX_H */
