// SPDX-License-Identifier: GPL-2.0
/*
 * Typed helpers over the raw hypercall entry.  They may run on host
 * threads that do not hold the vCPU, so they touch only their arguments.
 */
#include <linux/futex.h>
#include <linux/time64.h>
#include <linux/time.h>
#include <linux/compiler.h>
#include <asm/hypercall.h>
#include <asm/setup.h>
#include <asm/xlibos.h>

long xlibos_futex_wait(u32 *word, u32 val, const struct __kernel_timespec *abs)
{
	/* Shared (not PRIVATE): words live in memory shared across processes. */
	return hc6(futex, word, FUTEX_WAIT_BITSET, val, abs, NULL,
		   FUTEX_BITSET_MATCH_ANY);
}

long xlibos_futex_wake(u32 *word, int nr)
{
	return hc3(futex, word, FUTEX_WAKE, nr);
}

typedef long (*vdso_clock_gettime_t)(long clk, struct __kernel_timespec *ts);

static u64 host_clock_ns(long clk)
{
	struct __kernel_timespec ts;
	vdso_clock_gettime_t vdso;

	vdso = (vdso_clock_gettime_t)xlibos_boot.vdso_clock_gettime;
	if (!vdso || vdso(clk, &ts))
		hc2(clock_gettime, clk, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

u64 xlibos_host_monotonic_ns(void)
{
	return host_clock_ns(CLOCK_MONOTONIC);
}

u64 xlibos_host_realtime_ns(void)
{
	return host_clock_ns(CLOCK_REALTIME);
}

void __noreturn xlibos_host_exit_process(int code)
{
	for (;;)
		hc1(exit_group, code);
}
