// SPDX-License-Identifier: GPL-2.0
/*
 * Seed for the ELF scanner: one of each site shape abcom knows (abcom.h,
 * enum abcom_class and the window kinds), in a few hundred bytes.  Built
 * with -nostdlib by make-seeds.sh; never run.
 */
void _start(void)
{
	__asm__ volatile(
		"mov $39, %%eax\n\tsyscall\n\t"			/* ADJ_MOV_EAX */
		"mov $39, %%rax\n\tsyscall\n\t"			/* ADJ_MOV_RAX */
		"mov $1, %%eax\n\tmov %%rsi, %%rdi\n\tsyscall\n\t" /* EARLIER_IMM */
		"mov 8(%%rsp), %%rax\n\tsyscall\n\t"		/* GO_STACK */
		"mov %%rdi, %%rax\n\tmov %%rsi, %%rdx\n\tmov %%r8, %%r10\n\tsyscall\n\t" /* replay window */
		"mov %%rdi, %%rax\n\tsyscall\n\tmov %%rax, %%rdx\n\tmov %%rdx, %%rsi\n\t" /* forward window */
		"lea 16(%%rip), %%rsi\n\tmov $1, %%eax\n\tsyscall\n\t" /* rip-relative */
		"1: mov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall\n\tjmp 1b\n\t" /* loop window */
		::: "rax", "rcx", "r11", "rdi", "rsi", "rdx", "r10", "memory");
}
