// SPDX-License-Identifier: GPL-2.0
/*
 * The rewritten site must not touch the stack: a leaf function (in
 * assembly) fills the 128-byte red zone below %rsp with 16 known values
 * without moving %rsp, loads known values into every callee-saved and
 * argument register, runs `mov $39,%eax; syscall` (getpid) and then
 * records the red zone and the registers.  Only rax, rcx (= the address
 * after the syscall) and r11 (= rflags at the syscall) may change.
 * 10000 times quietly, then 200000 times with SIGALRM every millisecond.
 */
#include "abcom_test.h"

#include <signal.h>
#include <sys/time.h>

#define ROUNDS 10000
#define ROUNDS_SIGNALS 200000

/* out[] layout, filled by redzone_probe */
enum {
	O_FLAGS,		/* rflags before the syscall */
	O_RESULT,		/* rax after */
	O_REGS,			/* rbx rbp r12 r13 r14 r15 rdi rsi rdx r8 r9 r10 */
	O_RCX = O_REGS + 12,
	O_R11,
	O_AFTER,		/* address of the instruction after the syscall */
	O_RZ,			/* -8(%rsp), -16(%rsp), ..., -128(%rsp) */
	O_N = O_RZ + 16
};

#define RZ_VALUE(i) (0x5a5a000000000000UL + (unsigned long)(i) * 0x0101010101UL)

static const unsigned long reg_value[12] = {
	0x1b1b1b1b1b1b1b1bUL, 0x1d1d1d1d1d1d1d1dUL, 0x1212121212121212UL,
	0x1313131313131313UL, 0x1414141414141414UL, 0x1515151515151515UL,
	0xd1d1d1d1d1d1d1d1UL, 0x5151515151515151UL, 0xd0d0d0d0d0d0d0d0UL,
	0x0808080808080808UL, 0x0909090909090909UL, 0x1010101010101010UL,
};
static const char *const reg_name[12] = {
	"rbx", "rbp", "r12", "r13", "r14", "r15",
	"rdi", "rsi", "rdx", "r8", "r9", "r10",
};

void redzone_probe(unsigned long out[O_N]);
__asm__(
	".text\n"
	".globl redzone_probe\n"
	".type redzone_probe, @function\n"
	"redzone_probe:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	push %rdi\n"		/* out, at 0(%rsp) */
	"	pushfq\n"
	"	pop %rax\n"
	"	mov %rax, (%rdi)\n"	/* no flag changes from here to the syscall */
	"	.irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
	"	movabs $(0x5a5a000000000000 + \\i * 0x0101010101), %rax\n"
	"	mov %rax, -(8 * \\i)(%rsp)\n"
	"	.endr\n"
	"	movabs $0x1b1b1b1b1b1b1b1b, %rbx\n"
	"	movabs $0x1d1d1d1d1d1d1d1d, %rbp\n"
	"	movabs $0x1212121212121212, %r12\n"
	"	movabs $0x1313131313131313, %r13\n"
	"	movabs $0x1414141414141414, %r14\n"
	"	movabs $0x1515151515151515, %r15\n"
	"	movabs $0xd1d1d1d1d1d1d1d1, %rdi\n"
	"	movabs $0x5151515151515151, %rsi\n"
	"	movabs $0xd0d0d0d0d0d0d0d0, %rdx\n"
	"	movabs $0x0808080808080808, %r8\n"
	"	movabs $0x0909090909090909, %r9\n"
	"	movabs $0x1010101010101010, %r10\n"
	"	mov $39, %eax\n"
	"	syscall\n"
	".Lredzone_after:\n"
	"	xchg %rax, (%rsp)\n"	/* rax = out; the result above rsp */
	"	mov %rbx, 16(%rax)\n"
	"	mov %rbp, 24(%rax)\n"
	"	mov %r12, 32(%rax)\n"
	"	mov %r13, 40(%rax)\n"
	"	mov %r14, 48(%rax)\n"
	"	mov %r15, 56(%rax)\n"
	"	mov %rdi, 64(%rax)\n"
	"	mov %rsi, 72(%rax)\n"
	"	mov %rdx, 80(%rax)\n"
	"	mov %r8, 88(%rax)\n"
	"	mov %r9, 96(%rax)\n"
	"	mov %r10, 104(%rax)\n"
	"	mov %rcx, 112(%rax)\n"
	"	mov %r11, 120(%rax)\n"
	"	lea .Lredzone_after(%rip), %rbx\n"
	"	mov %rbx, 128(%rax)\n"
	"	mov (%rsp), %rbx\n"
	"	mov %rbx, 8(%rax)\n"
	"	.irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
	"	mov -(8 * \\i)(%rsp), %rbx\n"
	"	mov %rbx, (128 + 8 * \\i)(%rax)\n"
	"	.endr\n"
	"	add $8, %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size redzone_probe, .-redzone_probe\n");

static volatile sig_atomic_t hits;

static void on_alarm(int sig)
{
	(void)sig;
	hits++;
}

/* ROUNDS probes; prints one line per fact, prefixed by WHEN. */
static void probe_rounds(const char *when, int rounds)
{
	long pid = getpid();
	int bad_result = 0, bad_rz = 0, bad_rcx = 0, bad_r11 = 0;
	int bad_reg[12] = { 0 };
	unsigned long out[O_N];
	char name[80];

	for (int n = 0; n < rounds; n++) {
		memset(out, 0, sizeof(out));
		redzone_probe(out);
		if ((long)out[O_RESULT] != pid)
			bad_result++;
		for (int i = 0; i < 16; i++)
			if (out[O_RZ + i] != RZ_VALUE(i + 1))
				bad_rz++;
		for (int i = 0; i < 12; i++)
			if (out[O_REGS + i] != reg_value[i])
				bad_reg[i]++;
		if (out[O_RCX] != out[O_AFTER])
			bad_rcx++;
		if (out[O_R11] != out[O_FLAGS])
			bad_r11++;
	}
	snprintf(name, sizeof(name), "%s: getpid result", when);
	report(name, bad_result == 0);
	snprintf(name, sizeof(name), "%s: red zone -8..-128(%%rsp) intact", when);
	report(name, bad_rz == 0);
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "%s: %s kept", when, reg_name[i]);
		report(name, bad_reg[i] == 0);
	}
	snprintf(name, sizeof(name), "%s: rcx = address after the syscall", when);
	report(name, bad_rcx == 0);
	snprintf(name, sizeof(name), "%s: r11 = rflags at the syscall", when);
	report(name, bad_r11 == 0);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval every_ms = { { 0, 1000 }, { 0, 1000 } };
	struct itimerval stop = { { 0, 0 }, { 0, 0 } };

	probe_rounds("quiet", ROUNDS);
	/* Again with signal frames being pushed below the red zone, some of
	 * them while the thread is in the rewritten path. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every_ms, NULL);
	probe_rounds("SIGALRM every 1ms", ROUNDS_SIGNALS);
	setitimer(ITIMER_REAL, &stop, NULL);
	return at_done();
}
