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

/*
 * Every host system call the hypercall layer makes.  The loader reads this
 * table from the image to build the host seccomp allow-list, so a new
 * hypercall must be added here.
 */
const int xlibos_hypercall_list[] __used = {
	__NR_write, __NR_mmap, __NR_mprotect, __NR_munmap,
	__NR_rt_sigaction, __NR_rt_sigprocmask, __NR_rt_sigreturn,
	__NR_sched_yield, __NR_getpid, __NR_clone, __NR_exit,
	__NR_sigaltstack, __NR_arch_prctl, __NR_gettid, __NR_futex,
	__NR_clock_gettime, __NR_exit_group, __NR_tgkill,
	__NR_prctl, __NR_seccomp, __NR_read, __NR_kill,
	-1
};

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

u64 xlibos_host_signals_block(void)
{
	static const u64 all = ~0ULL;
	u64 old = 0;

	hc4(rt_sigprocmask, XLIBOS_HOST_SIG_BLOCK, &all, &old, sizeof(old));
	return old;
}

void xlibos_host_signals_set(u64 mask)
{
	hc4(rt_sigprocmask, XLIBOS_HOST_SIG_SETMASK, &mask, NULL, sizeof(mask));
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
