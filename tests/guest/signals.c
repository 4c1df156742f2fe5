// SPDX-License-Identifier: GPL-2.0
/*
 * Signal delivery and return:
 *  - SIGSEGV from a write to a read-only page, recovered with siglongjmp
 *    (three times: the mask must be restored each time);
 *  - a handler on a sigaltstack (its stack address is inside the alternate
 *    stack, SS_ONSTACK is reported), and stack overflow caught on it;
 *  - SIGALRM interrupting a blocking read of an empty pipe, without
 *    SA_RESTART (EINTR) and with it (the restarted read returns the byte
 *    the handler wrote);
 *  - general, x87, SSE and (if the CPU has it) AVX registers intact across
 *    a handler that clobbers them, a clean FPU state inside the handler,
 *    the interrupted registers visible in the ucontext, and edits to the
 *    ucontext applied by sigreturn.
 */
#include "guest_test.h"

#include <cpuid.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code, fault_count;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	fault_count++;
	siglongjmp(env, 1);
}

static const char rodata[4096] __attribute__((aligned(4096))) = "read-only data";

static volatile int *volatile low_addr = (int *)16;
static volatile int stop_recursion;

static void segv_tests(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int recovered = 0;

	sigaction(SIGSEGV, &sa, NULL);
	for (volatile int i = 0; i < 3; i++) {
		if (sigsetjmp(env, 1) == 0) {
			((volatile char *)ro)[i * 100] = 1;
			continue;
		}
		if (fault_addr == ro + i * 100 && fault_code == SEGV_ACCERR)
			recovered++;
	}
	checkf("write to a read-only mmap page: SIGSEGV, siglongjmp, 3 times", recovered == 3,
	       "recovered %d of %d faults", recovered, fault_count);
	fault_count = 0;
	if (sigsetjmp(env, 1) == 0)
		*(volatile char *)&rodata[5] = 'X';
	check("write to .rodata: SIGSEGV with the address",
	      fault_count == 1 && fault_addr == &rodata[5] && fault_code == SEGV_ACCERR);
	check("the read-only data is unchanged", !strcmp(rodata, "read-only data"));
	{
		sigset_t cur;

		sigprocmask(SIG_SETMASK, NULL, &cur);
		check("SIGSEGV unblocked again after siglongjmp", !sigismember(&cur, SIGSEGV));
	}
	fault_count = 0;
	if (sigsetjmp(env, 1) == 0)
		*low_addr = 1;
	check("write to address 16: SEGV_MAPERR", fault_count == 1 && fault_addr == (void *)low_addr &&
	      fault_code == SEGV_MAPERR);
	munmap(ro, 4096);
	signal(SIGSEGV, SIG_DFL);
}

/* --- sigaltstack --- */

#define ALT_SIZE (64 * 1024)
static char *alt_base;
static volatile uintptr_t handler_sp;
static volatile int handler_onstack;

static void on_usr1_alt(int sig)
{
	char here;
	stack_t cur;

	(void)sig;
	handler_sp = (uintptr_t)&here;
	handler_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
}

static int depth;

static int recurse(int n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	depth++;
	if (stop_recursion)
		return n;
	return recurse(n + 1) + pad[0];
}

static void altstack_tests(void)
{
	stack_t ss, old;
	struct sigaction sa = { .sa_handler = on_usr1_alt, .sa_flags = SA_ONSTACK };
	char here;

	alt_base = malloc(ALT_SIZE);
	ss.ss_sp = alt_base;
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0;
	check("sigaltstack", sigaltstack(&ss, &old) == 0);
	check("no alternate stack before", old.ss_flags & SS_DISABLE);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check("SA_ONSTACK handler runs inside the alternate stack",
	      handler_sp > (uintptr_t)alt_base && handler_sp < (uintptr_t)alt_base + ALT_SIZE);
	check("sigaltstack reports SS_ONSTACK in the handler", handler_onstack);
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check("handler without SA_ONSTACK runs on the normal stack",
	      !(handler_sp > (uintptr_t)alt_base && handler_sp < (uintptr_t)alt_base + ALT_SIZE) &&
	      handler_sp < (uintptr_t)&here && (uintptr_t)&here - handler_sp < (1 << 20));
	check("SS_ONSTACK clear outside the handler",
	      sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_ONSTACK));

	/* stack overflow: the SIGSEGV handler can only run on the alternate stack */
	{
		struct sigaction segv = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK };
		struct rlimit rl = { 1 << 20, 1 << 20 };
		struct rlimit oldrl;

		getrlimit(RLIMIT_STACK, &oldrl);
		if (oldrl.rlim_max != RLIM_INFINITY && oldrl.rlim_max < rl.rlim_max)
			rl.rlim_cur = rl.rlim_max = oldrl.rlim_max;
		setrlimit(RLIMIT_STACK, &rl);
		sigaction(SIGSEGV, &segv, NULL);
		fault_count = 0;
		if (sigsetjmp(env, 1) == 0)
			recurse(0);
		check("stack overflow caught on the alternate stack", fault_count == 1 && depth > 1000);
		signal(SIGSEGV, SIG_DFL);
		setrlimit(RLIMIT_STACK, &oldrl);
	}
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

/* --- SIGALRM and a blocking pipe read --- */

static int pipefd[2];
static volatile int alarms;

static void on_alrm(int sig)
{
	(void)sig;
	alarms++;
}

static void on_alrm_write(int sig)
{
	(void)sig;
	alarms++;
	if (write(pipefd[1], "R", 1) != 1)
		alarms = 100;
}

static void arm_100ms(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void eintr_tests(void)
{
	struct sigaction sa = { .sa_handler = on_alrm, .sa_flags = 0 };
	char c = 0;
	ssize_t n;

	if (!check("pipe", pipe(pipefd) == 0))
		return;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	arm_100ms();
	errno = 0;
	n = read(pipefd[0], &c, 1);
	checkf("SIGALRM without SA_RESTART: read returns -1 EINTR", n == -1 && errno == EINTR && alarms == 1,
	       "n=%zd errno=%s alarms=%d", n, gt_errname(errno), alarms);

	alarms = 0;
	alarm(1);
	errno = 0;
	n = read(pipefd[0], &c, 1);
	checkf("alarm(1) interrupts a read the same way", n == -1 && errno == EINTR && alarms == 1,
	       "n=%zd errno=%s alarms=%d", n, gt_errname(errno), alarms);

	sa.sa_handler = on_alrm_write;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	arm_100ms();
	n = read(pipefd[0], &c, 1);
	checkf("SIGALRM with SA_RESTART: the restarted read returns the handler's byte",
	       n == 1 && c == 'R' && alarms == 1, "n=%zd c=%d alarms=%d", n, c, alarms);

	/* a sleep interrupted by a signal reports the time left */
	{
		struct timespec req = { 5, 0 }, rem = { 0, 0 };
		int rc;

		sa.sa_handler = on_alrm;
		sa.sa_flags = 0;
		sigaction(SIGALRM, &sa, NULL);
		arm_100ms();
		errno = 0;
		rc = nanosleep(&req, &rem);
		check("nanosleep interrupted: EINTR with time remaining",
		      rc == -1 && errno == EINTR && rem.tv_sec >= 3 && rem.tv_sec < 5);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	signal(SIGALRM, SIG_DFL);
}

/* --- register state across a signal handler --- */

/* Global, not static: the inline asm names them directly. */
uint64_t gt_gpr_in[9], gt_gpr_out[9];
uint8_t gt_vec_in[16][32] __attribute__((aligned(32)));
uint8_t gt_vec_out[16][32] __attribute__((aligned(32)));
uint8_t gt_vec_junk[16][32] __attribute__((aligned(32)));
double gt_x87_in[4] = { 3.25, -1e300, 6.02214076e23, 1.0 / 3 };
double gt_x87_out[4];
uint32_t gt_mxcsr_in = 0x7f80, gt_mxcsr_out;	/* round toward zero, all masked */
uint16_t gt_fcw_in = 0x0e7f, gt_fcw_out;	/* round up, 64-bit precision */
uint32_t gt_mxcsr_default = 0x1f80;
uint16_t gt_fcw_default = 0x037f;
int64_t gt_sysret;
int gt_pid, gt_sig;

static int have_avx;

static volatile int h_runs, h_mxcsr_clean, h_fcw_clean, h_ctx_gpr, h_ctx_xmm, h_ctx_fp;
static volatile int edit_ctx;

static void clobber_state(void)
{
	/* different values in every vector register and a non-default FPU mode */
	if (have_avx)
		__asm__ volatile(
			"vmovdqu gt_vec_junk+0(%%rip), %%ymm0\n\tvmovdqu gt_vec_junk+32(%%rip), %%ymm1\n\t"
			"vmovdqu gt_vec_junk+64(%%rip), %%ymm2\n\tvmovdqu gt_vec_junk+96(%%rip), %%ymm3\n\t"
			"vmovdqu gt_vec_junk+128(%%rip), %%ymm4\n\tvmovdqu gt_vec_junk+160(%%rip), %%ymm5\n\t"
			"vmovdqu gt_vec_junk+192(%%rip), %%ymm6\n\tvmovdqu gt_vec_junk+224(%%rip), %%ymm7\n\t"
			"vmovdqu gt_vec_junk+256(%%rip), %%ymm8\n\tvmovdqu gt_vec_junk+288(%%rip), %%ymm9\n\t"
			"vmovdqu gt_vec_junk+320(%%rip), %%ymm10\n\tvmovdqu gt_vec_junk+352(%%rip), %%ymm11\n\t"
			"vmovdqu gt_vec_junk+384(%%rip), %%ymm12\n\tvmovdqu gt_vec_junk+416(%%rip), %%ymm13\n\t"
			"vmovdqu gt_vec_junk+448(%%rip), %%ymm14\n\tvmovdqu gt_vec_junk+480(%%rip), %%ymm15\n\t"
			::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
			"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
	else
		__asm__ volatile(
			"movdqu gt_vec_junk+0(%%rip), %%xmm0\n\tmovdqu gt_vec_junk+32(%%rip), %%xmm1\n\t"
			"movdqu gt_vec_junk+64(%%rip), %%xmm2\n\tmovdqu gt_vec_junk+96(%%rip), %%xmm3\n\t"
			"movdqu gt_vec_junk+128(%%rip), %%xmm4\n\tmovdqu gt_vec_junk+160(%%rip), %%xmm5\n\t"
			"movdqu gt_vec_junk+192(%%rip), %%xmm6\n\tmovdqu gt_vec_junk+224(%%rip), %%xmm7\n\t"
			"movdqu gt_vec_junk+256(%%rip), %%xmm8\n\tmovdqu gt_vec_junk+288(%%rip), %%xmm9\n\t"
			"movdqu gt_vec_junk+320(%%rip), %%xmm10\n\tmovdqu gt_vec_junk+352(%%rip), %%xmm11\n\t"
			"movdqu gt_vec_junk+384(%%rip), %%xmm12\n\tmovdqu gt_vec_junk+416(%%rip), %%xmm13\n\t"
			"movdqu gt_vec_junk+448(%%rip), %%xmm14\n\tmovdqu gt_vec_junk+480(%%rip), %%xmm15\n\t"
			::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
			"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
	__asm__ volatile(
		"fninit\n\tfldz\n\tfld1\n\tfldpi\n\tfldl2e\n\tfldlg2\n\tfldln2\n\tfldz\n\tfld1\n\t"
		"movl $0xc7f, %%eax\n\tpushq %%rax\n\tfldcw (%%rsp)\n\tpopq %%rax\n\t"
		"movl $0x9fc0, %%eax\n\tpushq %%rax\n\tldmxcsr (%%rsp)\n\tpopq %%rax\n\t"
		::: "rax", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)",
		"memory", "cc");
}

static void on_usr1_regs(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	uint32_t mxcsr;
	uint16_t fcw;

	(void)sig;
	(void)si;
	h_runs++;
	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(fcw));
	h_mxcsr_clean = mxcsr == 0x1f80;
	h_fcw_clean = fcw == 0x037f;
	h_ctx_gpr = (uint64_t)uc->uc_mcontext.gregs[REG_RBX] == gt_gpr_in[0] &&
		    (uint64_t)uc->uc_mcontext.gregs[REG_R12] == gt_gpr_in[5] &&
		    (uint64_t)uc->uc_mcontext.gregs[REG_R15] == gt_gpr_in[8];
	h_ctx_fp = uc->uc_mcontext.fpregs != NULL &&
		   uc->uc_mcontext.fpregs->mxcsr == gt_mxcsr_in &&
		   uc->uc_mcontext.fpregs->cwd == gt_fcw_in;
	h_ctx_xmm = uc->uc_mcontext.fpregs != NULL &&
		    !memcmp(&uc->uc_mcontext.fpregs->_xmm[0], gt_vec_in[0], 16) &&
		    !memcmp(&uc->uc_mcontext.fpregs->_xmm[15], gt_vec_in[15], 16);
	if (edit_ctx && uc->uc_mcontext.fpregs) {
		/* sigreturn must load these instead of the interrupted values */
		uc->uc_mcontext.gregs[REG_R12] = 0x1122334455667788;
		memset(&uc->uc_mcontext.fpregs->_xmm[15], 0x77, 16);
	}
	clobber_state();
}

/* Load known values everywhere, send SIGUSR1 with a raw syscall, store. */
static void regs_roundtrip_sse(void)
{
	__asm__ volatile(
		"fninit\n\t"
		"fldl gt_x87_in+24(%%rip)\n\tfldl gt_x87_in+16(%%rip)\n\t"
		"fldl gt_x87_in+8(%%rip)\n\tfldl gt_x87_in+0(%%rip)\n\t"
		"fldcw gt_fcw_in(%%rip)\n\tldmxcsr gt_mxcsr_in(%%rip)\n\t"
		"movdqu gt_vec_in+0(%%rip), %%xmm0\n\tmovdqu gt_vec_in+32(%%rip), %%xmm1\n\t"
		"movdqu gt_vec_in+64(%%rip), %%xmm2\n\tmovdqu gt_vec_in+96(%%rip), %%xmm3\n\t"
		"movdqu gt_vec_in+128(%%rip), %%xmm4\n\tmovdqu gt_vec_in+160(%%rip), %%xmm5\n\t"
		"movdqu gt_vec_in+192(%%rip), %%xmm6\n\tmovdqu gt_vec_in+224(%%rip), %%xmm7\n\t"
		"movdqu gt_vec_in+256(%%rip), %%xmm8\n\tmovdqu gt_vec_in+288(%%rip), %%xmm9\n\t"
		"movdqu gt_vec_in+320(%%rip), %%xmm10\n\tmovdqu gt_vec_in+352(%%rip), %%xmm11\n\t"
		"movdqu gt_vec_in+384(%%rip), %%xmm12\n\tmovdqu gt_vec_in+416(%%rip), %%xmm13\n\t"
		"movdqu gt_vec_in+448(%%rip), %%xmm14\n\tmovdqu gt_vec_in+480(%%rip), %%xmm15\n\t"
		"movq gt_gpr_in+0(%%rip), %%rbx\n\tmovq gt_gpr_in+8(%%rip), %%rdx\n\t"
		"movq gt_gpr_in+16(%%rip), %%r8\n\tmovq gt_gpr_in+24(%%rip), %%r9\n\t"
		"movq gt_gpr_in+32(%%rip), %%r10\n\tmovq gt_gpr_in+40(%%rip), %%r12\n\t"
		"movq gt_gpr_in+48(%%rip), %%r13\n\tmovq gt_gpr_in+56(%%rip), %%r14\n\t"
		"movq gt_gpr_in+64(%%rip), %%r15\n\t"
		"movl $62, %%eax\n\tmovl gt_pid(%%rip), %%edi\n\tmovl gt_sig(%%rip), %%esi\n\t"
		"syscall\n\t"
		"movq %%rax, gt_sysret(%%rip)\n\t"
		"movq %%rbx, gt_gpr_out+0(%%rip)\n\tmovq %%rdx, gt_gpr_out+8(%%rip)\n\t"
		"movq %%r8, gt_gpr_out+16(%%rip)\n\tmovq %%r9, gt_gpr_out+24(%%rip)\n\t"
		"movq %%r10, gt_gpr_out+32(%%rip)\n\tmovq %%r12, gt_gpr_out+40(%%rip)\n\t"
		"movq %%r13, gt_gpr_out+48(%%rip)\n\tmovq %%r14, gt_gpr_out+56(%%rip)\n\t"
		"movq %%r15, gt_gpr_out+64(%%rip)\n\t"
		"movdqu %%xmm0, gt_vec_out+0(%%rip)\n\tmovdqu %%xmm1, gt_vec_out+32(%%rip)\n\t"
		"movdqu %%xmm2, gt_vec_out+64(%%rip)\n\tmovdqu %%xmm3, gt_vec_out+96(%%rip)\n\t"
		"movdqu %%xmm4, gt_vec_out+128(%%rip)\n\tmovdqu %%xmm5, gt_vec_out+160(%%rip)\n\t"
		"movdqu %%xmm6, gt_vec_out+192(%%rip)\n\tmovdqu %%xmm7, gt_vec_out+224(%%rip)\n\t"
		"movdqu %%xmm8, gt_vec_out+256(%%rip)\n\tmovdqu %%xmm9, gt_vec_out+288(%%rip)\n\t"
		"movdqu %%xmm10, gt_vec_out+320(%%rip)\n\tmovdqu %%xmm11, gt_vec_out+352(%%rip)\n\t"
		"movdqu %%xmm12, gt_vec_out+384(%%rip)\n\tmovdqu %%xmm13, gt_vec_out+416(%%rip)\n\t"
		"movdqu %%xmm14, gt_vec_out+448(%%rip)\n\tmovdqu %%xmm15, gt_vec_out+480(%%rip)\n\t"
		"stmxcsr gt_mxcsr_out(%%rip)\n\tfnstcw gt_fcw_out(%%rip)\n\t"
		"fstpl gt_x87_out+0(%%rip)\n\tfstpl gt_x87_out+8(%%rip)\n\t"
		"fstpl gt_x87_out+16(%%rip)\n\tfstpl gt_x87_out+24(%%rip)\n\t"
		"fninit\n\tldmxcsr gt_mxcsr_default(%%rip)\n\t"
		::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		"r12", "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		"xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
		"xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)",
		"memory", "cc");
}

/* The same with the full 256-bit ymm registers. */
__attribute__((target("avx")))
static void regs_roundtrip_avx(void)
{
	__asm__ volatile(
		"fninit\n\t"
		"fldl gt_x87_in+24(%%rip)\n\tfldl gt_x87_in+16(%%rip)\n\t"
		"fldl gt_x87_in+8(%%rip)\n\tfldl gt_x87_in+0(%%rip)\n\t"
		"fldcw gt_fcw_in(%%rip)\n\tldmxcsr gt_mxcsr_in(%%rip)\n\t"
		"vmovdqu gt_vec_in+0(%%rip), %%ymm0\n\tvmovdqu gt_vec_in+32(%%rip), %%ymm1\n\t"
		"vmovdqu gt_vec_in+64(%%rip), %%ymm2\n\tvmovdqu gt_vec_in+96(%%rip), %%ymm3\n\t"
		"vmovdqu gt_vec_in+128(%%rip), %%ymm4\n\tvmovdqu gt_vec_in+160(%%rip), %%ymm5\n\t"
		"vmovdqu gt_vec_in+192(%%rip), %%ymm6\n\tvmovdqu gt_vec_in+224(%%rip), %%ymm7\n\t"
		"vmovdqu gt_vec_in+256(%%rip), %%ymm8\n\tvmovdqu gt_vec_in+288(%%rip), %%ymm9\n\t"
		"vmovdqu gt_vec_in+320(%%rip), %%ymm10\n\tvmovdqu gt_vec_in+352(%%rip), %%ymm11\n\t"
		"vmovdqu gt_vec_in+384(%%rip), %%ymm12\n\tvmovdqu gt_vec_in+416(%%rip), %%ymm13\n\t"
		"vmovdqu gt_vec_in+448(%%rip), %%ymm14\n\tvmovdqu gt_vec_in+480(%%rip), %%ymm15\n\t"
		"movq gt_gpr_in+0(%%rip), %%rbx\n\tmovq gt_gpr_in+8(%%rip), %%rdx\n\t"
		"movq gt_gpr_in+16(%%rip), %%r8\n\tmovq gt_gpr_in+24(%%rip), %%r9\n\t"
		"movq gt_gpr_in+32(%%rip), %%r10\n\tmovq gt_gpr_in+40(%%rip), %%r12\n\t"
		"movq gt_gpr_in+48(%%rip), %%r13\n\tmovq gt_gpr_in+56(%%rip), %%r14\n\t"
		"movq gt_gpr_in+64(%%rip), %%r15\n\t"
		"movl $62, %%eax\n\tmovl gt_pid(%%rip), %%edi\n\tmovl gt_sig(%%rip), %%esi\n\t"
		"syscall\n\t"
		"movq %%rax, gt_sysret(%%rip)\n\t"
		"movq %%rbx, gt_gpr_out+0(%%rip)\n\tmovq %%rdx, gt_gpr_out+8(%%rip)\n\t"
		"movq %%r8, gt_gpr_out+16(%%rip)\n\tmovq %%r9, gt_gpr_out+24(%%rip)\n\t"
		"movq %%r10, gt_gpr_out+32(%%rip)\n\tmovq %%r12, gt_gpr_out+40(%%rip)\n\t"
		"movq %%r13, gt_gpr_out+48(%%rip)\n\tmovq %%r14, gt_gpr_out+56(%%rip)\n\t"
		"movq %%r15, gt_gpr_out+64(%%rip)\n\t"
		"vmovdqu %%ymm0, gt_vec_out+0(%%rip)\n\tvmovdqu %%ymm1, gt_vec_out+32(%%rip)\n\t"
		"vmovdqu %%ymm2, gt_vec_out+64(%%rip)\n\tvmovdqu %%ymm3, gt_vec_out+96(%%rip)\n\t"
		"vmovdqu %%ymm4, gt_vec_out+128(%%rip)\n\tvmovdqu %%ymm5, gt_vec_out+160(%%rip)\n\t"
		"vmovdqu %%ymm6, gt_vec_out+192(%%rip)\n\tvmovdqu %%ymm7, gt_vec_out+224(%%rip)\n\t"
		"vmovdqu %%ymm8, gt_vec_out+256(%%rip)\n\tvmovdqu %%ymm9, gt_vec_out+288(%%rip)\n\t"
		"vmovdqu %%ymm10, gt_vec_out+320(%%rip)\n\tvmovdqu %%ymm11, gt_vec_out+352(%%rip)\n\t"
		"vmovdqu %%ymm12, gt_vec_out+384(%%rip)\n\tvmovdqu %%ymm13, gt_vec_out+416(%%rip)\n\t"
		"vmovdqu %%ymm14, gt_vec_out+448(%%rip)\n\tvmovdqu %%ymm15, gt_vec_out+480(%%rip)\n\t"
		"vzeroupper\n\t"
		"stmxcsr gt_mxcsr_out(%%rip)\n\tfnstcw gt_fcw_out(%%rip)\n\t"
		"fstpl gt_x87_out+0(%%rip)\n\tfstpl gt_x87_out+8(%%rip)\n\t"
		"fstpl gt_x87_out+16(%%rip)\n\tfstpl gt_x87_out+24(%%rip)\n\t"
		"fninit\n\tldmxcsr gt_mxcsr_default(%%rip)\n\t"
		::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		"r12", "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		"xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
		"xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)",
		"memory", "cc");
}

static int cpu_has_avx(void)
{
	unsigned a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & bit_OSXSAVE) || !(c & bit_AVX))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;	/* XMM and YMM state enabled by the OS */
}

static void fill_inputs(void)
{
	for (int r = 0; r < 16; r++)
		for (int i = 0; i < 32; i++) {
			gt_vec_in[r][i] = (uint8_t)(r * 37 + i * 11 + 1);
			gt_vec_junk[r][i] = (uint8_t)~(r * 53 + i * 7);
		}
	for (int i = 0; i < 9; i++)
		gt_gpr_in[i] = 0x0123456789abcdefULL * (uint64_t)(i + 3) ^ ((uint64_t)i << 56);
	memset(gt_vec_out, 0, sizeof(gt_vec_out));
	memset(gt_gpr_out, 0, sizeof(gt_gpr_out));
	memset(gt_x87_out, 0, sizeof(gt_x87_out));
	gt_mxcsr_out = 0;
	gt_fcw_out = 0;
}

static int vec_same(int bytes)
{
	for (int r = 0; r < 16; r++)
		if (memcmp(gt_vec_in[r], gt_vec_out[r], bytes))
			return 0;
	return 1;
}

static __attribute__((noinline)) double fp_work(void)
{
	volatile double acc = 0;

	for (int i = 1; i <= 100000; i++)
		acc += 1.0 / ((double)i * i);
	return acc;
}

static __attribute__((noinline)) long double ld_work(void)
{
	volatile long double ld = 1;

	for (int i = 1; i <= 20000; i++)
		ld = ld * 1.0001L + 1.0L / i;
	return ld;
}

static void register_tests(void)
{
	struct sigaction sa = { .sa_sigaction = on_usr1_regs, .sa_flags = SA_SIGINFO };

	sigaction(SIGUSR1, &sa, NULL);
	gt_pid = getpid();
	gt_sig = SIGUSR1;
	have_avx = cpu_has_avx();

	fill_inputs();
	h_runs = 0;
	regs_roundtrip_sse();
	check("handler ran during the raw kill syscall", h_runs == 1 && gt_sysret == 0);
	check("general registers intact across the handler",
	      !memcmp(gt_gpr_in, gt_gpr_out, sizeof(gt_gpr_in)));
	check("xmm0-15 intact across the handler", vec_same(16));
	check("MXCSR intact across the handler", gt_mxcsr_out == gt_mxcsr_in);
	check("x87 control word intact across the handler", gt_fcw_out == gt_fcw_in);
	check("x87 stack intact across the handler",
	      !memcmp(gt_x87_in, gt_x87_out, sizeof(gt_x87_in)));
	check("handler starts with the default MXCSR", h_mxcsr_clean);
	check("handler starts with the default x87 control word", h_fcw_clean);
	check("ucontext holds the interrupted general registers", h_ctx_gpr);
	check("ucontext holds the interrupted MXCSR and FCW", h_ctx_fp);
	check("ucontext holds the interrupted xmm registers", h_ctx_xmm);

	/* the handler edits r12 and xmm15 in its ucontext: sigreturn applies them */
	fill_inputs();
	edit_ctx = 1;
	regs_roundtrip_sse();
	edit_ctx = 0;
	{
		uint8_t want[16];

		memset(want, 0x77, 16);
		check("sigreturn loads an edited r12 from the ucontext",
		      gt_gpr_out[5] == 0x1122334455667788ULL && gt_gpr_out[6] == gt_gpr_in[6]);
		check("sigreturn loads an edited xmm15 from the ucontext",
		      !memcmp(gt_vec_out[15], want, 16) && !memcmp(gt_vec_out[14], gt_vec_in[14], 16));
	}

	/* AVX: the same line whether or not the CPU has it */
	if (have_avx) {
		fill_inputs();
		h_runs = 0;
		regs_roundtrip_avx();
		check("ymm0-15 (AVX, or skipped without it) intact across the handler",
		      h_runs == 1 && vec_same(32) && gt_mxcsr_out == gt_mxcsr_in &&
		      !memcmp(gt_gpr_in, gt_gpr_out, sizeof(gt_gpr_in)));
	} else {
		check("ymm0-15 (AVX, or skipped without it) intact across the handler", 1);
	}

	/* floating point in C across many signals from a timer */
	{
		struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
		struct sigaction fs = { .sa_sigaction = on_usr1_regs, .sa_flags = SA_SIGINFO | SA_RESTART };
		double ref = fp_work(), acc = ref;
		long double ldref = ld_work(), ld = ldref;
		int round;

		sigaction(SIGALRM, &fs, NULL);
		h_runs = 0;
		setitimer(ITIMER_REAL, &it, NULL);
		for (round = 0; round < 20 || (h_runs < 5 && round < 4000); round++) {
			acc = fp_work();
			ld = ld_work();
			if (acc != ref || ld != ldref)
				break;
		}
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		signal(SIGALRM, SIG_DFL);
		checkf("double and long double results exact while handlers clobber the FPU",
		       acc == ref && ld == ldref && h_runs >= 5, "round %d, %d signals", round, h_runs);
	}
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	segv_tests();
	altstack_tests();
	eintr_tests();
	register_tests();
	return gt_done();
}
