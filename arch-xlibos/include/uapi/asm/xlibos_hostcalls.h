/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The host allow-list: every host system call the LibOS's hypercall layer
 * makes, and what its arguments may be.  This is the one place it lives:
 * the kernel builds xlibos_hypercall_list (and the image's host-call note)
 * from it, the loader builds the container's host seccomp filter from it
 * and refuses an image whose note names a call that is not here, and
 * docs/security.md gives one line per entry.
 *
 * The list itself is asm/xlibos_hostcall_list.h: one
 * XLIBOS_HOSTCALL(name, check, check) per call, for the includer to
 * define; it names __NR_name and up to two argument checks, all of which
 * must hold:
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
 * Second note of the image (name XLIBOS_NOTE_NAME): the hypercall
 * section's bounds and the host calls it makes, as __u32 words:
 * version, count, start low, start high, end low, end high, numbers.
 */
#define XLIBOS_NOTE_HOSTCALLS		2
#define XLIBOS_HOSTCALLS_NOTE_VERSION	1
#define XLIBOS_HOSTCALLS_NOTE_HEADER	6	/* words before the numbers */
#define XLIBOS_HOSTCALLS_MAX		64

#endif /* _UAPI_ASM_XLIBOS_HOSTCALLS_H */
