// SPDX-License-Identifier: GPL-2.0
/*
 * A site `mov $39,%eax; syscall` runs 1000 times (so that abcom has
 * rewritten it, at load or when it first trapped), then code jumps
 * indirectly to the address of the old `syscall` instruction, now in the
 * middle of the rewritten `jmp *slot`, with rax already set.  That must
 * still perform the system call in rax and continue after it.
 */
#include "abcom_test.h"

#define ROUNDS 1000

long site_getpid(void);		/* mov $39,%eax; syscall; ret */
long jump_to_old_syscall(long nr);	/* rax = nr; jmp to that syscall */
__asm__(
	".text\n"
	".globl site_getpid\n"
	".type site_getpid, @function\n"
	"site_getpid:\n"
	"	mov $39, %eax\n"
	".Lold_syscall:\n"		/* local: not a symbol abcom would see */
	"	syscall\n"
	"	ret\n"
	".size site_getpid, .-site_getpid\n"
	".globl jump_to_old_syscall\n"
	".type jump_to_old_syscall, @function\n"
	"jump_to_old_syscall:\n"
	"	mov %rdi, %rax\n"
	"	lea .Lold_syscall(%rip), %rdx\n"
	"	jmp *%rdx\n"		/* continues at site_getpid's ret */
	".size jump_to_old_syscall, .-jump_to_old_syscall\n");

int main(void)
{
	long pid = getpid(), ppid = getppid();
	int bad = 0;

	for (int i = 0; i < ROUNDS; i++)
		if (site_getpid() != pid)
			bad++;
	report("1000 calls of the site return getpid()", bad == 0);
	report("jump to the old syscall with rax=39: getpid()",
	       jump_to_old_syscall(39) == pid);
	bad = 0;
	for (int i = 0; i < ROUNDS; i++)
		if (jump_to_old_syscall(39) != pid)
			bad++;
	report("1000 more jumps to the old syscall: getpid()", bad == 0);
	report("jump to the old syscall with rax=110: getppid()",
	       jump_to_old_syscall(110) == ppid);
	report("jump to the old syscall with rax=-1: -ENOSYS",
	       jump_to_old_syscall(-1) == -ENOSYS);
	bad = 0;
	for (int i = 0; i < ROUNDS; i++)
		if (site_getpid() != pid)
			bad++;
	report("the site still works after the jumps", bad == 0);
	return at_done();
}
