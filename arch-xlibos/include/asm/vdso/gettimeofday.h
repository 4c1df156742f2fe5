/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_VDSO_GETTIMEOFDAY_H
#define _ASM_XLIBOS_VDSO_GETTIMEOFDAY_H

#ifndef __ASSEMBLY__

#include <asm/barrier.h>
#include <asm/unistd.h>
#include <uapi/linux/time.h>

#define VDSO_HAS_CLOCK_GETRES	1
#define VDSO_HAS_TIME		1

/*
 * The real data page, also from inside a time namespace (whose page at
 * _vdso_data carries only the offsets).
 */
static __always_inline const struct vdso_data *xlibos_vdso_real_data(void)
{
	const struct vdso_data *vd = _vdso_data;

	if (IS_ENABLED(CONFIG_TIME_NS) &&
	    READ_ONCE(vd->clock_mode) == VDSO_CLOCKMODE_TIMENS)
		vd = _timens_data;
	return vd;
}

/*
 * A system call from the vDSO.  The vDSO is not a file, so abcom never
 * rewrites it; it enters the LibOS the way a rewritten site does instead:
 * %rcx = the address after the call, %r11 = where to return (both, as
 * `syscall` leaves them, are clobbered), then a jump to xlibos_fast_entry.
 * The `syscall` right before the return address is what a restarted call
 * (ip - 2) runs.  Without abcom a plain `syscall` (host trap).
 */
static __always_inline long xlibos_vdso_syscall(long nr, long a0, long a1,
						long a2)
{
	unsigned long entry = READ_ONCE(xlibos_vdso_real_data()->arch_data.fast_entry);
	long ret;

	if (entry)
		asm volatile("leaq 1f(%%rip), %%rcx\n\t"
			     "movq %%rcx, %%r11\n\t"
			     "jmp *%[entry]\n\t"
			     "syscall\n"
			     "1:"
			     : "=a" (ret)
			     : "0" (nr), "D" (a0), "S" (a1), "d" (a2),
			       [entry] "r" (entry)
			     : "rcx", "r11", "memory");
	else
		asm volatile("syscall"
			     : "=a" (ret)
			     : "0" (nr), "D" (a0), "S" (a1), "d" (a2)
			     : "rcx", "r11", "memory");
	return ret;
}

static __always_inline
long gettimeofday_fallback(struct __kernel_old_timeval *tv, struct timezone *tz)
{
	return xlibos_vdso_syscall(__NR_gettimeofday, (long)tv, (long)tz, 0);
}

static __always_inline
long clock_gettime_fallback(clockid_t clkid, struct __kernel_timespec *ts)
{
	return xlibos_vdso_syscall(__NR_clock_gettime, clkid, (long)ts, 0);
}

static __always_inline
long clock_getres_fallback(clockid_t clkid, struct __kernel_timespec *ts)
{
	return xlibos_vdso_syscall(__NR_clock_getres, clkid, (long)ts, 0);
}

/* No clock mode reads a counter here (asm/vdso/clocksource.h). */
static __always_inline u64 __arch_get_hw_counter(s32 clock_mode,
						 const struct vdso_data *vd)
{
	return ~0ULL;
}

static __always_inline const struct vdso_data *__arch_get_vdso_data(void)
{
	return _vdso_data;
}

#ifdef CONFIG_TIME_NS
static __always_inline
const struct vdso_data *__arch_get_timens_vdso_data(const struct vdso_data *vd)
{
	return _timens_data;
}
#endif

#endif /* !__ASSEMBLY__ */

#endif /* _ASM_XLIBOS_VDSO_GETTIMEOFDAY_H */
