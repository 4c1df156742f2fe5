// SPDX-License-Identifier: GPL-2.0
/*
 * A raw thread clone (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|
 * CLONE_THREAD|CLONE_SYSVSEM|CLONE_CHILD_CLEARTID|CLONE_PARENT_SETTID)
 * through a rewritten site, with a new stack: the child returns from the
 * site on that stack, records where it runs and its tid, writes "kid\n"
 * from its stack to a pipe with a raw write, and leaves with a raw exit.
 * The parent waits on the CLEARTID futex.  100 times.
 */
#include "abcom_test.h"

#include <sched.h>
#include <sys/syscall.h>

#define FUTEX_WAIT 0	/* <linux/futex.h>: not in musl-gcc's include path */

#define ROUNDS 100
#define STACK_SIZE 65536

/*
 * long clone_thread(unsigned long flags, void *stack, int *ptid,
 *		     int *ctid, int fd, long info[3])
 * Returns clone's result in the parent.  The child stores info[0] = its
 * %rsp, info[1] = gettid(), info[2] = write's result, and exits.
 */
long clone_thread(unsigned long flags, void *stack, volatile int *ptid,
		  volatile int *ctid, int fd, long info[3]);
__asm__(
	".text\n"
	".globl clone_thread\n"
	".type clone_thread, @function\n"
	"clone_thread:\n"
	"	mov %rcx, %r10\n"
	"	mov $56, %eax\n"	/* clone */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz .Lclone_child\n"
	"	ret\n"
	".Lclone_child:\n"
	"	mov %rsp, (%r9)\n"
	"	mov $186, %eax\n"	/* gettid */
	"	syscall\n"
	"	mov %rax, 8(%r9)\n"
	"	sub $16, %rsp\n"
	"	movl $0x0a64696b, (%rsp)\n"	/* "kid\n" */
	"	mov %r8, %rdi\n"
	"	mov %rsp, %rsi\n"
	"	mov $4, %edx\n"
	"	mov $1, %eax\n"		/* write */
	"	syscall\n"
	"	mov %rax, 16(%r9)\n"
	"	xor %edi, %edi\n"
	"	mov $60, %eax\n"	/* exit: this thread only */
	"	syscall\n"
	"	ud2\n"
	".size clone_thread, .-clone_thread\n");

static char stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile int tid;

int main(void)
{
	const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES |
		CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID;
	int bad_clone = 0, bad_settid = 0, bad_stack = 0, bad_tid = 0;
	int bad_write = 0, bad_data = 0;
	int p[2];

	if (!report("pipe", pipe(p) == 0))
		return at_done();
	for (int i = 0; i < ROUNDS; i++) {
		long info[3] = { 0, 0, 0 };
		char buf[4];
		long r;
		int v;

		tid = -1;
		r = clone_thread(flags, stack + STACK_SIZE, &tid, &tid, p[1], info);
		if (r <= 0) {
			bad_clone++;
			continue;
		}
		/* PARENT_SETTID stored r; the child may have cleared it since. */
		v = tid;
		if (v != r && v != 0)
			bad_settid++;
		while ((v = tid) != 0)
			syscall(SYS_futex, &tid, FUTEX_WAIT, v, NULL, NULL, 0);
		if (info[0] != (long)(stack + STACK_SIZE))
			bad_stack++;
		if (info[1] != r)
			bad_tid++;
		if (info[2] != 4)
			bad_write++;
		if (read(p[0], buf, 4) != 4 || memcmp(buf, "kid\n", 4))
			bad_data++;
	}
	report("100 clones returned a tid", bad_clone == 0);
	report("PARENT_SETTID stored the tid", bad_settid == 0);
	report("the child ran on the new stack", bad_stack == 0);
	report("the child's gettid equals clone's result", bad_tid == 0);
	report("the child's raw write returned 4", bad_write == 0);
	report("the pipe holds the child's \"kid\\n\"", bad_data == 0);
	return at_done();
}
