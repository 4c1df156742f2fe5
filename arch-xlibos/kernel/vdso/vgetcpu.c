// SPDX-License-Identifier: GPL-2.0
/*
 * getcpu() has nothing in the data page to read (x86 keeps the CPU number
 * in a segment limit, which the LibOS has no descriptor table for): it is
 * the system call, entered as the clocks' fallbacks are.
 */
#include <linux/getcpu.h>
#include <linux/time.h>
#include <vdso/datapage.h>

long __vdso_getcpu(unsigned int *cpu, unsigned int *node,
		   struct getcpu_cache *unused);

long __vdso_getcpu(unsigned int *cpu, unsigned int *node,
		   struct getcpu_cache *unused)
{
	return xlibos_vdso_syscall(__NR_getcpu, (long)cpu, (long)node,
				   (long)unused);
}

long getcpu(unsigned int *cpu, unsigned int *node, struct getcpu_cache *tcache)
	__attribute__((weak, alias("__vdso_getcpu")));
