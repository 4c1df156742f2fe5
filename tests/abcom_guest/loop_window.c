// SPDX-License-Identifier: GPL-2.0
/*
 * A "loop window": `L: mov %rdx,%rax; syscall; jmp L` after a nopl, the
 * shape of musl's pthread_exit loop.  A replay window would start at the
 * nopl with L inside the 7 rewritten bytes, so abcom patches from L
 * through the jmp, and the trampoline jumps back to L after each call.
 * Here the loop calls getpid until SIGALRM (every 50 ms) leaves it with
 * siglongjmp; three times.
 */
#include "abcom_test.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/time.h>

#define ROUNDS 3

static sigjmp_buf env;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

__attribute__((noinline)) static void getpid_forever(void)
{
	__asm__ volatile("mov $39, %%edx\n\t"
			 "nopl 0(%%rax,%%rax)\n"
			 ".Lloop%=:\n\t"
			 "mov %%rdx, %%rax\n\t"
			 "syscall\n\t"
			 "jmp .Lloop%="
			 : : : "rax", "rcx", "rdx", "r11", "memory");
}

int main(void)
{
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	volatile int left = 0;

	sigaction(SIGALRM, &sa, NULL);
	while (left < ROUNDS) {
		if (!sigsetjmp(env, 1)) {
			setitimer(ITIMER_REAL, &it, NULL);
			getpid_forever();
		}
		left++;
	}
	report("a getpid loop through a loop window, left by SIGALRM 3 times",
	       left == ROUNDS);
	return at_done();
}
