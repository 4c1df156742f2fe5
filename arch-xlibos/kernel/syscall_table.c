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

#define __SYSCALL(nr, sym) [nr] = sym,

const sys_call_ptr_t sys_call_table[] ____cacheline_aligned = {
	[0 ... __NR_syscalls - 1] = sys_ni_syscall,
#include <asm/syscalls_64.h>
};
