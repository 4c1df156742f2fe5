/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptrace register access, single-stepping, seccomp, deaths by core-dumping
 * signals, PR_SET_TSC and ARCH_*_CPUID, printed as deterministic facts:
 * run natively and inside xlibos, the outputs are compared line by line
 * (run_debug_tests.sh; lines starting "limit:" may differ by design).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <asm/prctl.h>

static const char *err(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case ESRCH: return "ESRCH";
	default: return "other";
	}
}

static long pt(int req, pid_t pid, long addr, long data)
{
	errno = 0;
	return ptrace(req, pid, (void *)addr, (void *)data);
}

static void wait_stop(pid_t pid, int sig, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    WSTOPSIG(st) != sig) {
		printf("%s: unexpected wait status %#x\n", what, st);
		exit(1);
	}
}

static void finish(pid_t pid, const char *what)
{
	int st;

	waitpid(pid, &st, 0);
	if (WIFEXITED(st))
		printf("%s: child exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: child signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: child status %#x\n", what, st);
}

/* The child's state at its int3: known registers, MXCSR and xmm0. */
static const unsigned long MARK = 0x1122334455667788UL;
static const unsigned int MXCSR_SET = 0x1f80 | 0x6000;	/* round to zero */

static void __attribute__((noinline)) child_regs(void)
{
	unsigned int mxcsr = MXCSR_SET;
	unsigned long xmm[2] = { MARK, ~MARK }, back[2];
	unsigned long r12;

	ptrace(PTRACE_TRACEME, 0, 0, 0);
	asm volatile("ldmxcsr %0" : : "m" (mxcsr));
	asm volatile("movdqu %0, %%xmm0" : : "m" (xmm) : "xmm0");
	/* stop with r12 = MARK, then four one-byte nops to step over */
	asm volatile("mov %1, %%r12\n\tint3\n\tnop\n\tnop\n\tnop\n\tnop\n\t"
		     "mov %%r12, %0"
		     : "=r" (r12) : "r" (MARK) : "r12");
	asm volatile("movdqu %%xmm0, %0" : "=m" (back));
	asm volatile("stmxcsr %0" : "=m" (mxcsr));
	/* the tracer changed r12, xmm0's low half and MXCSR */
	_exit((r12 == MARK + 1 ? 1 : 0) | (back[0] == ~MARK ? 2 : 0) |
	      (mxcsr == 0x1f80 ? 4 : 0));
}

static void test_regs(void)
{
	struct user_regs_struct regs, regs2;
	struct user_fpregs_struct fp;
	unsigned long xs[4096 / 8];
	struct iovec iov;
	unsigned long ip, v;
	pid_t pid = fork();
	int i;

	if (pid == 0)
		child_regs();
	wait_stop(pid, SIGTRAP, "int3");

	pt(PTRACE_GETREGS, pid, 0, (long)&regs);
	printf("GETREGS: %s, r12 %s, cs %#llx ss %#llx\n", err(errno),
	       regs.r12 == MARK ? "ok" : "wrong", regs.cs, regs.ss);
	iov.iov_base = &regs2;
	iov.iov_len = sizeof(regs2);
	pt(PTRACE_GETREGSET, pid, NT_PRSTATUS, (long)&iov);
	printf("GETREGSET NT_PRSTATUS: %s, %zu bytes, same %s\n", err(errno),
	       iov.iov_len, memcmp(&regs, &regs2, sizeof(regs)) ? "no" : "yes");
	v = pt(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.rip), 0);
	printf("PEEKUSER rip: %s, same %s\n", err(errno),
	       v == regs.rip ? "yes" : "no");
	v = pt(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.fs_base), 0);
	printf("PEEKUSER fs_base: %s, nonzero %s\n", err(errno),
	       v ? "yes" : "no");

	pt(PTRACE_GETFPREGS, pid, 0, (long)&fp);
	printf("GETFPREGS: %s, mxcsr %#x, xmm0 %s\n", err(errno), fp.mxcsr,
	       memcmp(fp.xmm_space, &MARK, 8) ? "wrong" : "ok");
	iov.iov_base = xs;
	iov.iov_len = sizeof(xs);
	pt(PTRACE_GETREGSET, pid, NT_X86_XSTATE, (long)&iov);
	printf("GETREGSET NT_X86_XSTATE: %s, over 576 bytes %s, xmm0 %s\n",
	       err(errno), iov.iov_len > 576 ? "yes" : "no",
	       memcmp((char *)xs + 160, &MARK, 8) ? "wrong" : "ok");

	/* four single steps over the nops */
	ip = regs.rip;
	for (i = 1; i <= 4; i++) {
		pt(PTRACE_SINGLESTEP, pid, 0, 0);
		wait_stop(pid, SIGTRAP, "singlestep");
		v = pt(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.rip), 0);
		printf("SINGLESTEP %d: rip +%ld\n", i, (long)(v - ip));
	}

	/* debug registers: addresses are kept; a breakpoint may be refused */
	pt(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[0]), ip);
	printf("POKEUSER DR0: %s\n", err(errno));
	v = pt(PTRACE_PEEKUSER, pid, offsetof(struct user, u_debugreg[0]), 0);
	printf("PEEKUSER DR0: %s, same %s\n", err(errno), v == ip ? "yes" : "no");
	pt(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]), 0);
	printf("POKEUSER DR7 0: %s\n", err(errno));
	pt(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]), 1);
	printf("limit: POKEUSER DR7 L0: %s\n", err(errno));
	pt(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]), 0);
	pt(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[4]), 0);
	printf("POKEUSER DR4: %s\n", err(errno));

	/* change r12, xmm0 and MXCSR; the child checks them */
	pt(PTRACE_POKEUSER, pid, offsetof(struct user, regs.r12), MARK + 1);
	printf("POKEUSER r12: %s\n", err(errno));
	pt(PTRACE_GETFPREGS, pid, 0, (long)&fp);
	memcpy(fp.xmm_space, &(unsigned long){ ~MARK }, 8);
	fp.mxcsr = 0x1f80;
	pt(PTRACE_SETFPREGS, pid, 0, (long)&fp);
	printf("SETFPREGS: %s\n", err(errno));
	fp.mxcsr = 0xffffffff;
	pt(PTRACE_SETFPREGS, pid, 0, (long)&fp);
	printf("SETFPREGS bad mxcsr: %s\n", err(errno));
	pt(PTRACE_CONT, pid, 0, 0);
	finish(pid, "regs");
}

/* A tracer changes a system call's result at its exit stop. */
static void test_syscall_result(void)
{
	pid_t pid = fork();
	int i;

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(syscall(SYS_getppid) == 4242 ? 0 : 1);
	}
	wait_stop(pid, SIGSTOP, "syscall");
	pt(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD);
	for (i = 0; i < 20; i++) {
		long nr;

		pt(PTRACE_SYSCALL, pid, 0, 0);
		wait_stop(pid, SIGTRAP | 0x80, "syscall entry");
		nr = pt(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.orig_rax), 0);
		pt(PTRACE_SYSCALL, pid, 0, 0);
		wait_stop(pid, SIGTRAP | 0x80, "syscall exit");
		if (nr == SYS_getppid) {
			pt(PTRACE_POKEUSER, pid, offsetof(struct user, regs.rax), 4242);
			break;
		}
	}
	printf("syscall stops: getppid %s\n", i < 20 ? "seen" : "missed");
	pt(PTRACE_CONT, pid, 0, 0);
	finish(pid, "syscall result");
}

static void sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("SIGSYS: signo %d code %d syscall %d\n", sig, si->si_code,
	       si->si_syscall);
}

static void test_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getsid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_sigaction = sigsys_handler,
					.sa_flags = SA_SIGINFO };
		long r;

		sigaction(SIGSYS, &sa, NULL);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		errno = 0;
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
		printf("seccomp filter: %ld %s\n", r, err(errno));
		errno = 0;
		r = syscall(SYS_getppid);
		printf("getppid: %ld %s\n", r, err(errno));
		syscall(SYS_getpgid, 0);
		syscall(SYS_getsid, 0);
		_exit(0);
	}
	finish(pid, "seccomp filter");

	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
		syscall(SYS_write, 1, "strict: write ok\n", 17);
		syscall(SYS_getpid);
		_exit(0);
	}
	finish(pid, "seccomp strict");
}

/* Deaths by signal, core dumps refused by RLIMIT_CORE 0. */
static void test_core_signals(void)
{
	static const int sigs[] = { SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGSEGV,
				    SIGBUS, SIGTRAP, SIGSYS, SIGXCPU };
	struct rlimit r = { 0, 0 };
	unsigned int i;

	setrlimit(RLIMIT_CORE, &r);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			pause();
			_exit(0);
		}
		kill(pid, sigs[i]);
		waitpid(pid, &st, 0);
		printf("kill %d: signaled %d sig %d core %d\n", sigs[i],
		       WIFSIGNALED(st), WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
	}
}

static void test_tsc_cpuid(void)
{
	int mode = -1;
	long r;

	errno = 0;
	r = prctl(PR_GET_TSC, &mode);
	printf("PR_GET_TSC: %ld %s mode %d\n", r, err(errno), mode);
	errno = 0;
	r = prctl(PR_SET_TSC, PR_TSC_ENABLE);
	printf("PR_SET_TSC enable: %ld %s\n", r, err(errno));
	errno = 0;
	r = prctl(PR_SET_TSC, 99);
	printf("PR_SET_TSC bad: %ld %s\n", r, err(errno));
	pid_t pid = fork();

	if (pid == 0) {
		errno = 0;
		r = prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
		printf("limit: PR_SET_TSC sigsegv: %ld %s\n", r, err(errno));
		_exit(0);
	}
	finish(pid, "tsc");
	errno = 0;
	r = syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0);
	printf("ARCH_GET_CPUID: %ld %s\n", r, err(errno));
	errno = 0;
	r = syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
	printf("limit: ARCH_SET_CPUID 1: %ld %s\n", r, err(errno));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_regs();
	test_syscall_result();
	test_seccomp();
	test_core_signals();
	test_tsc_cpuid();
	return 0;
}
