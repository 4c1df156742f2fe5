// SPDX-License-Identifier: GPL-2.0
/*
 * The register contract of the syscall instruction and invalid numbers:
 * only rax, rcx and r11 change; rcx holds the return address, r11 the
 * flags; -1, 512 and x32-tagged numbers give -ENOSYS.
 */
#include "guest_test.h"

static long raw0(long nr)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	unsigned long in[6] = { 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666 };
	register unsigned long r8 __asm__("r8");
	register unsigned long r9 __asm__("r9");
	register unsigned long r10 __asm__("r10");
	unsigned long rdi = in[0], rsi = in[1], rdx = in[2];
	unsigned long rcx, r11v, after, o8, o9, o10;
	long rax = 39;	/* getpid takes no arguments: they must all survive */

	printf("nr -1: %s\n", raw0(-1) == -ENOSYS ? "ENOSYS" : "other");
	printf("nr 512: %s\n", raw0(512) == -ENOSYS ? "ENOSYS" : "other");
	printf("nr 0x40000000: %s\n",
	       raw0(0x40000000L) == -ENOSYS ? "ENOSYS" : "other");
	printf("nr x32 getpid: %s\n",
	       raw0(0x40000000L + 39) == -ENOSYS ? "ENOSYS" : "other");

	/* No calls between here and the asm: r8-r10 are call-clobbered. */
	r8 = in[3];
	r9 = in[4];
	r10 = in[5];
	__asm__ volatile("syscall\n\t"
			 "1: lea 1b(%%rip), %[after]\n\t"
			 "mov %%r11, %[r11v]\n\t"
			 /* register variables are only valid at the asm itself */
			 "mov %%r8, %[o8]\n\t"
			 "mov %%r9, %[o9]\n\t"
			 "mov %%r10, %[o10]"
			 : "+a"(rax), "=c"(rcx), [r11v] "=r"(r11v),
			   [o8] "=m"(o8), [o9] "=m"(o9), [o10] "=m"(o10),
			   [after] "=&r"(after), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r8), "+r"(r9), "+r"(r10)
			 : : "r11", "memory");
	printf("getpid result positive: %s\n", rax > 0 ? "yes" : "no");
	printf("rcx is the return address: %s\n", rcx == after ? "yes" : "no");
	printf("r11 holds rflags (IF and bit 1 set): %s\n",
	       (r11v & 0x202) == 0x202 ? "yes" : "no");
	printf("argument registers kept: %s\n",
	       rdi == in[0] && rsi == in[1] && rdx == in[2] && o8 == in[3] &&
	       o9 == in[4] && o10 == in[5] ? "yes" : "no");
	return 0;
}
