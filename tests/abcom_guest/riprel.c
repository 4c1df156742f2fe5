// SPDX-License-Identifier: GPL-2.0
/*
 * Sites whose window displaces a rip-relative `lea`: the trampoline's copy
 * must address the same variable as the original (its disp32 relocated).
 *   uname:  mov $63,%eax; lea uts(%rip),%rdi; syscall   (an earlier mov,
 *           the shape of musl's set_tid_address call)
 *   getcwd: mov %ecx,%eax; lea cwd(%rip),%rdi; syscall  (a number from a
 *           register: a replay window of the lea and the syscall)
 * Each runs 1000 times on a cleared buffer, which must come back filled.
 */
#include "abcom_test.h"

#include <sys/utsname.h>

#define ROUNDS 1000
#define CWD_SIZE 256

static struct utsname uts;
static char cwd[CWD_SIZE];

__attribute__((noinline)) static long uname_riprel(void)
{
	long r;

	__asm__ volatile("mov $63, %%eax\n\t"
			 "lea %[u], %%rdi\n\t"
			 "syscall"
			 : "=a"(r), [u] "=m"(uts)
			 : : "rdi", "rcx", "r11", "memory");
	return r;
}

__attribute__((noinline)) static long getcwd_riprel(void)
{
	long r;

	__asm__ volatile("mov %%ecx, %%eax\n\t"
			 "lea %[c], %%rdi\n\t"
			 "syscall"
			 : "=a"(r), [c] "=m"(cwd)
			 : "c"(79), "S"((long)CWD_SIZE)
			 : "rdi", "r11", "memory");
	return r;
}

int main(void)
{
	int bad = 0;

	for (int i = 0; i < ROUNDS; i++) {
		memset(&uts, 0, sizeof(uts));
		if (uname_riprel() != 0 || strcmp(uts.sysname, "Linux"))
			bad++;
	}
	report("uname through a relocated lea x1000: sysname Linux", bad == 0);

	bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		long n;

		memset(cwd, 0, sizeof(cwd));
		n = getcwd_riprel();
		if (n <= 0 || cwd[0] != '/' || (long)strlen(cwd) + 1 != n)
			bad++;
	}
	report("getcwd through a relocated lea x1000: an absolute path", bad == 0);
	return at_done();
}
