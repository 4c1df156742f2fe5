/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The host allow-list (see asm/xlibos_hostcalls.h): every host system call
 * the LibOS makes, with its argument checks.  No include guard: define
 * XLIBOS_HOSTCALL(name, check, check), include this, undefine it.
 * docs/security.md has one line per entry.
 */
/* host stdin, for /dev/xlibos-fd0 */
XLIBOS_HOSTCALL(read, XLIBOS_ARG_IN(0, 0, 0, 0), XLIBOS_ARG_ANY)
/* console and host stdout/stderr */
XLIBOS_HOSTCALL(write, XLIBOS_ARG_IN(0, 1, 2, 2), XLIBOS_ARG_ANY)
/* mirror guest pages: only guest memory, shared, fixed */
XLIBOS_HOSTCALL(mmap,
		XLIBOS_ARG_IN(3, XLIBOS_HC_MAP_SHARED_FIXED,
			      XLIBOS_HC_MAP_SHARED_FIXED, XLIBOS_HC_MAP_SHARED_FIXED),
		XLIBOS_ARG_IN(4, XLIBOS_ARG_PHYS_FD,
			      XLIBOS_ARG_PHYS_FD, XLIBOS_ARG_PHYS_FD))
XLIBOS_HOSTCALL(mprotect, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(munmap, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
/* interrupts, faults and the syscall trap are host signals */
XLIBOS_HOSTCALL(rt_sigaction, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(rt_sigprocmask, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(rt_sigreturn, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(sigaltstack, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
/*
 * Not called by name: the host kernel's way back into a timed futex wait
 * that a stop (SIGSTOP then SIGCONT: xlibos-runtime pause, a debugger)
 * interrupted, at the same instruction.
 */
XLIBOS_HOSTCALL(restart_syscall, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(sched_yield, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(getpid, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(gettid, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
/* host threads for tasks, host processes for mms */
XLIBOS_HOSTCALL(clone,
		XLIBOS_ARG_IN(0, XLIBOS_HC_CLONE_THREAD,
			      XLIBOS_HC_CLONE_PROCESS, XLIBOS_HC_CLONE_PROCESS),
		XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(exit, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(exit_group, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
/* GS for the LibOS's per-task state, FS for the program's TLS */
XLIBOS_HOSTCALL(arch_prctl,
		XLIBOS_ARG_IN(0, XLIBOS_HC_ARCH_SET_GS,
			      XLIBOS_HC_ARCH_SET_FS, XLIBOS_HC_ARCH_SET_FS),
		XLIBOS_ARG_ANY)
/* vCPU hand-off, idle and timer waits */
XLIBOS_HOSTCALL(futex,
		XLIBOS_ARG_IN(1, XLIBOS_HC_FUTEX_WAKE,
			      XLIBOS_HC_FUTEX_WAIT_BITSET, XLIBOS_HC_FUTEX_WAIT_BITSET),
		XLIBOS_ARG_ANY)
/* the clocks (the host vDSO's fallbacks too) */
XLIBOS_HOSTCALL(clock_gettime, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(gettimeofday, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(time, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
XLIBOS_HOSTCALL(getcpu, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)
/* interrupts and power-off: only the container's own processes */
XLIBOS_HOSTCALL(tgkill, XLIBOS_ARG_POSITIVE(0), XLIBOS_ARG_POSITIVE(1))
XLIBOS_HOSTCALL(kill, XLIBOS_ARG_POSITIVE(0), XLIBOS_ARG_ANY)
