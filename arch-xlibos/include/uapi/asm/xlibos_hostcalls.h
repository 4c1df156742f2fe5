/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The host allow-list: every host system call the LibOS's hypercall layer
 * makes, and what its arguments may be.  This is the one place it lives:
 * the kernel builds xlibos_hypercall_list (and the image's host-call note)
 * from it, the loader builds the container's host seccomp filter from it
 * and refuses an image whose note names a call that is not here, and
 * docs/security.md gives one line per entry.
 *
 * XLIBOS_HOSTCALL(name, check, check) names __NR_name and up to two
 * argument checks, all of which must hold:
 *   XLIBOS_ARG_ANY			no check
 *   XLIBOS_ARG_IN(i, a, b, c)		argument i is a, b or c (all 64 bits)
 *   XLIBOS_ARG_POSITIVE(i)		argument i is 1 .. INT_MAX
 * A value of XLIBOS_ARG_PHYS_FD stands for guest memory's descriptor,
 * which only the loader knows.  Values are spelt as numbers so that the
 * loader needs no kernel headers; the kernel checks them at build time
 * (hostcall.c).
 */
#ifndef _UAPI_ASM_XLIBOS_HOSTCALLS_H
#define _UAPI_ASM_XLIBOS_HOSTCALLS_H

#define XLIBOS_ARGCHK_ANY	0
#define XLIBOS_ARGCHK_IN	1
#define XLIBOS_ARGCHK_POSITIVE	2

/* { kind, argument index, values } */
#define XLIBOS_ARG_ANY			{ XLIBOS_ARGCHK_ANY, 0, { 0, 0, 0 } }
#define XLIBOS_ARG_IN(i, a, b, c)	{ XLIBOS_ARGCHK_IN, i, { a, b, c } }
#define XLIBOS_ARG_POSITIVE(i)		{ XLIBOS_ARGCHK_POSITIVE, i, { 0, 0, 0 } }

/* Resolved by the loader to guest memory's descriptor. */
#define XLIBOS_ARG_PHYS_FD		0xfffffff0U

/* The argument values the LibOS passes (see hostcall.c's build checks). */
#define XLIBOS_HC_MAP_SHARED_FIXED	0x11	/* MAP_SHARED | MAP_FIXED */
#define XLIBOS_HC_FUTEX_WAKE		1	/* FUTEX_WAKE, shared */
#define XLIBOS_HC_FUTEX_WAIT_BITSET	9	/* FUTEX_WAIT_BITSET, shared */
#define XLIBOS_HC_ARCH_SET_GS		0x1001
#define XLIBOS_HC_ARCH_SET_FS		0x1002
/* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM */
#define XLIBOS_HC_CLONE_THREAD		0x50f00
#define XLIBOS_HC_CLONE_PROCESS		17	/* SIGCHLD: a new host process */

/*
 * name		why the LibOS needs it (docs/security.md has the long form)
 */
#define XLIBOS_HOSTCALLS(X)						\
	/* host stdin, for /dev/xlibos-fd0 */				\
	X(read,	XLIBOS_ARG_IN(0, 0, 0, 0), XLIBOS_ARG_ANY)		\
	/* console and host stdout/stderr */				\
	X(write, XLIBOS_ARG_IN(0, 1, 2, 2), XLIBOS_ARG_ANY)		\
	/* mirror guest pages: only guest memory, shared, fixed */	\
	X(mmap, XLIBOS_ARG_IN(3, XLIBOS_HC_MAP_SHARED_FIXED,		\
			      XLIBOS_HC_MAP_SHARED_FIXED,		\
			      XLIBOS_HC_MAP_SHARED_FIXED),		\
		XLIBOS_ARG_IN(4, XLIBOS_ARG_PHYS_FD,			\
			      XLIBOS_ARG_PHYS_FD, XLIBOS_ARG_PHYS_FD))	\
	X(mprotect, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	X(munmap, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	/* interrupts, faults and the syscall trap are host signals */	\
	X(rt_sigaction, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)		\
	X(rt_sigprocmask, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)		\
	X(rt_sigreturn, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)		\
	X(sigaltstack, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	X(sched_yield, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	X(getpid, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	X(gettid, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	/* host threads for tasks, host processes for mms */		\
	X(clone, XLIBOS_ARG_IN(0, XLIBOS_HC_CLONE_THREAD,		\
			       XLIBOS_HC_CLONE_PROCESS,			\
			       XLIBOS_HC_CLONE_PROCESS),		\
		 XLIBOS_ARG_ANY)					\
	X(exit, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	X(exit_group, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	/* GS for the LibOS's per-task state, FS for the program's TLS */ \
	X(arch_prctl, XLIBOS_ARG_IN(0, XLIBOS_HC_ARCH_SET_GS,		\
				    XLIBOS_HC_ARCH_SET_FS,		\
				    XLIBOS_HC_ARCH_SET_FS),		\
		      XLIBOS_ARG_ANY)					\
	/* vCPU hand-off, idle and timer waits */			\
	X(futex, XLIBOS_ARG_IN(1, XLIBOS_HC_FUTEX_WAKE,		\
			       XLIBOS_HC_FUTEX_WAIT_BITSET,		\
			       XLIBOS_HC_FUTEX_WAIT_BITSET),		\
		 XLIBOS_ARG_ANY)					\
	/* the clocks (the host vDSO's fallbacks too) */		\
	X(clock_gettime, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)		\
	X(gettimeofday, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)		\
	X(time, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	X(getcpu, XLIBOS_ARG_ANY, XLIBOS_ARG_ANY)			\
	/* interrupts and power-off: only the container's own processes */ \
	X(tgkill, XLIBOS_ARG_POSITIVE(0), XLIBOS_ARG_POSITIVE(1))	\
	X(kill, XLIBOS_ARG_POSITIVE(0), XLIBOS_ARG_ANY)

/*
 * Second note of the image (name XLIBOS_NOTE_NAME): the hypercall
 * section's bounds and the host calls it makes, as __u32 words:
 * version, count, start low, start high, end low, end high, numbers.
 */
#define XLIBOS_NOTE_HOSTCALLS		2
#define XLIBOS_HOSTCALLS_NOTE_VERSION	1
#define XLIBOS_HOSTCALLS_NOTE_HEADER	6	/* words before the numbers */
#define XLIBOS_HOSTCALLS_MAX		64

#endif /* _UAPI_ASM_XLIBOS_HOSTCALLS_H */
