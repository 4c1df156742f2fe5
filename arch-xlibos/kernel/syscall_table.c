// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 system call table, generated from x86's syscall_64.tbl.
 * Entries are called with the six argument registers in order.
 */
#include <linux/linkage.h>
#include <linux/cache.h>
#include <asm/unistd.h>
#include <asm/syscall.h>

#define __SYSCALL(nr, sym)						\
	extern asmlinkage long sym(unsigned long, unsigned long,	\
				   unsigned long, unsigned long,	\
				   unsigned long, unsigned long);
#include <asm/syscalls_64.h>
#undef __SYSCALL

/* syscalls_64.h lists every number in order, gaps as sys_ni_syscall. */
#define __SYSCALL(nr, sym) sym,

const sys_call_ptr_t sys_call_table[] ____cacheline_aligned = {
#include <asm/syscalls_64.h>
};

const unsigned long xlibos_nr_syscalls = ARRAY_SIZE(sys_call_table);
