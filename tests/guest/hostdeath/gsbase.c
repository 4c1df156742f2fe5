// SPDX-License-Identifier: GPL-2.0
/*
 * A program that writes its own GS base with WRGSBASE (as the x86
 * selftest syscall_arg_fault does without asking AT_HWCAP2), then makes
 * system calls, takes a signal, a fault and a single step.  Natively and
 * in xlibos it must get through all of it, and ARCH_GET_GS must give the
 * value it wrote.  Prints one line per step; exits 0, or 4 (skip) where
 * the CPU or host has no FSGSBASE.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HWCAP2_FSGSBASE	(1 << 1)
#define BAD_GS		0xffffffffffff0000UL

static sigjmp_buf jump;
static volatile int traps;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

static void on_trap(int sig)
{
	(void)sig;
	traps++;
}

static void on_usr1(int sig)
{
	(void)sig;
	write(1, "signal handled\n", 15);
}

static void set_gs(unsigned long v)
{
	asm volatile("wrgsbase %0" : : "r" (v) : "memory");
}

static unsigned long get_gs(void)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, ARCH_GET_GS, &v);
	return v;
}

int main(void)
{
	struct sigaction sa;
	volatile int i;
	unsigned long want;
	int *volatile bad = (int *)16;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* Natively the CPU decides; in xlibos the host's answer is used too. */
	if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)) {
		unsigned int b = 0;

		asm volatile("cpuid" : "=b" (b) : "a" (7), "c" (0) : "edx");
		if (!(b & 1)) {
			printf("no FSGSBASE on this CPU\n");
			return 4;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	sa.sa_handler = on_trap;
	sigaction(SIGTRAP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);

	/* a bad base, then system calls (rewritten or trapped) */
	set_gs(BAD_GS);
	want = get_gs();
	printf("ARCH_GET_GS after WRGSBASE: %s\n", want == BAD_GS ? "the value written" : "another value");
	for (i = 0; i < 100; i++)
		getppid();
	printf("system calls: done\n");

	set_gs(BAD_GS - 0x1000);
	raise(SIGUSR1);

	set_gs(BAD_GS - 0x2000);
	if (sigsetjmp(jump, 1) == 0)
		*bad = 1;
	printf("fault handled\n");

	/* single steps with TF and a bad base, as syscall_arg_fault does */
	set_gs(BAD_GS - 0x3000);
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq; nop; nop; nop;"
		     "pushfq; andq $~0x100, (%%rsp); popfq" : : : "memory", "cc");
	printf("single steps: %s\n", traps >= 3 ? "trapped" : "missing");

	/* a base in the program's own memory must not be the LibOS's */
	static unsigned long tls[64];
	set_gs((unsigned long)tls);
	for (i = 0; i < 100; i++)
		getppid();
	for (i = 0; i < 64; i++)
		if (tls[i])
			break;
	printf("own GS memory: %s\n", i == 64 ? "untouched" : "written");
	printf("ARCH_GET_GS: %s\n", get_gs() == (unsigned long)tls ? "the value written" : "another value");
	return 0;
}
