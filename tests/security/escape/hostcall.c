// SPDX-License-Identifier: GPL-2.0
/*
 * Doors to the host.  A jump into LibOS text does not come back by
 * itself: door_jump sets every register the code after the "syscall"
 * might use to something that brings it back here (the stack full of
 * door_recover, r13 and r15 = door_recover for "call *reg", rbx, rbp and
 * r12 = 0 so that a dereference faults, r14 = invalid clone flags), and
 * a guest fault signal during the jump resumes at door_recover too.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "hostcall.h"

/* door_jump's saved stack pointer (callee-saved registers above it). */
unsigned long door_saved_rsp;
volatile int door_fault_signal;
static volatile int door_jumping;
static volatile int probing;
static sigjmp_buf probe_env;

/* Registers for door_jump, in the order its code loads them. */
struct jump_regs {
	long rax, rdi, rsi, rdx, r10, r8, r9;
	unsigned long target;
	unsigned long rsp;
};

long door_jump(const struct jump_regs *r);
void door_recover(void);

__asm__(
	"	.text\n"
	"	.globl door_jump\n"
	"	.type door_jump, @function\n"
	"door_jump:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	mov %rsp, door_saved_rsp(%rip)\n"
	"	mov %rdi, %r11\n"
	"	mov 0(%r11), %rax\n"
	"	mov 16(%r11), %rsi\n"
	"	mov 24(%r11), %rdx\n"
	"	mov 32(%r11), %r10\n"
	"	mov 40(%r11), %r8\n"
	"	mov 48(%r11), %r9\n"
	"	mov 56(%r11), %rcx\n"
	"	mov 64(%r11), %rsp\n"
	"	xor %ebx, %ebx\n"
	"	xor %ebp, %ebp\n"
	"	xor %r12d, %r12d\n"
	"	lea door_recover(%rip), %r13\n"
	"	mov %r13, %r15\n"
	"	mov $0x800, %r14d\n"	/* CLONE_SIGHAND without CLONE_VM: EINVAL */
	"	mov 8(%r11), %rdi\n"
	"	jmp *%rcx\n"
	"	.globl door_recover\n"
	"door_recover:\n"
	"	mov door_saved_rsp(%rip), %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	"	.size door_jump, . - door_jump\n"
	/* The native door, for control runs on the host: the same code as
	 * the LibOS's xlibos_host_syscall, so a clone child returns alike. */
	"	.globl native_host_syscall\n"
	"	.type native_host_syscall, @function\n"
	"native_host_syscall:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	mov %r8, %r10\n"
	"	mov %r9, %r8\n"
	"	mov 8(%rsp), %r9\n"
	"	syscall\n"
	"	ret\n"
	"	.size native_host_syscall, . - native_host_syscall\n");

/* The stack a jump runs on: every slot returns to door_recover. */
static unsigned long landing[512] __attribute__((aligned(16)));
static char altstack[65536] __attribute__((aligned(16)));

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)si;
	if (probing)
		siglongjmp(probe_env, sig);
	if (!door_jumping) {
		static const char msg[] = "escape: unexpected fault signal\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		_exit(3);
	}
	door_fault_signal = sig;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(unsigned long)door_recover;
}

void door_install_recovery(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE };
	struct sigaction sa;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	unsigned i;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

long door_call(const struct door *d, long nr, long a1, long a2, long a3,
	       long a4, long a5, long a6)
{
	struct jump_regs r = {
		.rax = nr, .rdi = a1, .rsi = a2, .rdx = a3,
		.r10 = a4, .r8 = a5, .r9 = a6, .target = d->addr,
	};
	unsigned i;
	long ret;

	if (d->kind == DOOR_HOST_SYSCALL) {
		long (*fn)(long, long, long, long, long, long, long) =
			(void *)d->addr;

		return fn(nr, a1, a2, a3, a4, a5, a6);
	}
	for (i = 0; i < sizeof(landing) / sizeof(landing[0]); i++)
		landing[i] = (unsigned long)door_recover;
	r.rsp = (unsigned long)&landing[256];
	door_fault_signal = 0;
	door_jumping = 1;
	ret = door_jump(&r);
	door_jumping = 0;
	return ret;
}

int door_poke(unsigned long addr, const void *bytes, unsigned long len)
{
	volatile unsigned char *p = (volatile unsigned char *)addr;
	const unsigned char *b = bytes;
	unsigned long i;

	probing = 1;
	if (sigsetjmp(probe_env, 1)) {
		probing = 0;
		return 0;
	}
	for (i = 0; i < len; i++)
		p[i] = b[i];
	probing = 0;
	return 1;
}

int door_peek(unsigned long addr)
{
	int v;

	probing = 1;
	if (sigsetjmp(probe_env, 1)) {
		probing = 0;
		return -1;
	}
	v = *(volatile unsigned char *)addr;
	probing = 0;
	return v;
}
