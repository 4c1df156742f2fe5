// SPDX-License-Identifier: GPL-2.0
/* The x86-64 specific entries of the system call table. */
#include <linux/syscalls.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/random.h>
#include <linux/prctl.h>
#include <asm/prctl.h>
#include <asm/hypercall.h>

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags,
		unsigned long, fd, unsigned long, off)
{
	if (off & ~PAGE_MASK)
		return -EINVAL;
	return ksys_mmap_pgoff(addr, len, prot, flags, fd, off >> PAGE_SHIFT);
}

/* Where x86-64 puts MAP_32BIT mappings: the second GiB of the address space. */
#define MAP_32BIT_BEGIN	0x40000000UL
#define MAP_32BIT_END	0x80000000UL

/*
 * The generic search, except for x86-64's MAP_32BIT (programs that
 * switch to 32-bit code need a stack there), as x86's find_start_end().
 */
unsigned long arch_get_unmapped_area(struct file *filp, unsigned long addr,
				     unsigned long len, unsigned long pgoff,
				     unsigned long flags)
{
	struct vm_unmapped_area_info info = {};
	struct vm_area_struct *vma, *prev;
	unsigned long begin = MAP_32BIT_BEGIN;

	if (!(flags & MAP_32BIT) || (flags & MAP_FIXED))
		return generic_get_unmapped_area(filp, addr, len, pgoff, flags);
	if (len > MAP_32BIT_END - MAP_32BIT_BEGIN)
		return -ENOMEM;
	if (current->flags & PF_RANDOMIZE)
		begin = randomize_page(begin, 0x02000000);
	if (addr) {
		addr = PAGE_ALIGN(addr);
		vma = find_vma_prev(current->mm, addr, &prev);
		if (addr >= begin && addr <= MAP_32BIT_END - len &&
		    (!vma || addr + len <= vm_start_gap(vma)) &&
		    (!prev || addr >= vm_end_gap(prev)))
			return addr;
	}
	info.length = len;
	info.low_limit = begin;
	info.high_limit = MAP_32BIT_END;
	return vm_unmapped_area(&info);
}

SYSCALL_DEFINE2(arch_prctl, int, option, unsigned long, arg2)
{
	struct thread_struct *t = &current->thread;

	switch (option) {
	case ARCH_SET_FS:
		if (arg2 >= TASK_SIZE)
			return -EPERM;
		t->fsbase = arg2;
		/* This task's own host thread: the guest's TLS is the host FS. */
		hc2(arch_prctl, ARCH_SET_FS, arg2);
		return 0;
	case ARCH_SET_GS:
		if (arg2 >= TASK_SIZE)
			return -EPERM;
		t->gsbase = arg2;
		return 0;
	case ARCH_GET_FS:
		return put_user(t->fsbase, (unsigned long __user *)arg2);
	case ARCH_GET_GS:
		return put_user(t->gsbase, (unsigned long __user *)arg2);
	/*
	 * CPUID always runs: the LibOS cannot make the host fault it, as x86
	 * without CPUID faulting cannot, and says the same.
	 */
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_CPUID:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

/* No I/O ports: what x86-64 Linux says to unprivileged code. */
SYSCALL_DEFINE1(iopl, unsigned int, level)
{
	return -EPERM;
}

SYSCALL_DEFINE3(ioperm, unsigned long, from, unsigned long, num, int, on)
{
	return -EPERM;
}

/*
 * PR_SET_TSC: RDTSC cannot be made to fault without a host call for it
 * (the host's prctl is not on the allow-list), so only "enabled" exists.
 */
int xlibos_get_tsc_mode(unsigned long adr)
{
	return put_user(PR_TSC_ENABLE, (unsigned int __user *)adr);
}

int xlibos_set_tsc_mode(unsigned int val)
{
	return val == PR_TSC_ENABLE ? 0 : -EINVAL;
}
