// SPDX-License-Identifier: GPL-2.0
/*
 * 1000 times: vfork, the child leaves at once through a raw exit site
 * (exit, nr 60, for even i; exit_group, nr 231, for odd i) with status
 * i & 0xff, and the parent's waitpid must report exactly that.  The child
 * borrows the parent's memory and stack while it runs the rewritten site.
 */
#include "abcom_test.h"

#include <sys/wait.h>

#define ROUNDS 1000

__attribute__((noreturn)) static void site_exit(int status)
{
	__asm__ volatile("mov $60, %%eax\n\t"
			 "syscall"
			 : : "D"(status) : "rax", "rcx", "r11", "memory");
	__builtin_unreachable();
}

__attribute__((noreturn)) static void site_exit_group(int status)
{
	__asm__ volatile("mov $231, %%eax\n\t"
			 "syscall"
			 : : "D"(status) : "rax", "rcx", "r11", "memory");
	__builtin_unreachable();
}

/* One round, out of line so that nothing of main lives across vfork. */
__attribute__((noinline)) static int one_round(int i)
{
	int st = -1;
	pid_t pid = vfork();

	if (pid == 0) {
		if (i & 1)
			site_exit_group(i & 0xff);
		site_exit(i & 0xff);
	}
	if (pid < 0)
		return -1;
	if (waitpid(pid, &st, 0) != pid)
		return -2;
	return WIFEXITED(st) && WEXITSTATUS(st) == (i & 0xff) ? 0 : -3;
}

int main(void)
{
	int failed_vfork = 0, failed_wait = 0, bad_status = 0;

	for (int i = 0; i < ROUNDS; i++) {
		switch (one_round(i)) {
		case -1: failed_vfork++; break;
		case -2: failed_wait++; break;
		case -3: bad_status++; break;
		}
	}
	report("1000 vforks", failed_vfork == 0);
	report("1000 waitpids", failed_wait == 0);
	report("every child's status is i & 0xff (exit and exit_group)", bad_status == 0);
	return at_done();
}
