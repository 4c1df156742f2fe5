// SPDX-License-Identifier: GPL-2.0
/*
 * Where signals come from: kill and tgkill to self, sigqueue, alarm,
 * setitimer(ITIMER_REAL), timer_create with SIGEV_SIGNAL, SIGCHLD; and
 * the CPU exceptions: SIGFPE from an integer division by zero, SIGILL
 * from ud2, SIGTRAP from int3.  Also blocking, pending, sigsuspend,
 * sigwaitinfo and the queueing of real-time signals.
 */
#include "guest_test.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

static volatile int got_sig, got_code, got_count, got_value, got_status;
static volatile pid_t got_pid;
static volatile uintptr_t got_addr, got_rip;
static sigjmp_buf env;

static void record(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;

	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_value = si->si_value.sival_int;
	got_addr = (uintptr_t)si->si_addr;
	got_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	got_status = si->si_status;
	got_count++;
}

static void record_jump(int sig, siginfo_t *si, void *ucp)
{
	record(sig, si, ucp);
	siglongjmp(env, 1);
}

/* Skip the 2-byte ud2 by editing the saved RIP. */
static void record_skip_ud2(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;

	record(sig, si, ucp);
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void reset(void)
{
	got_sig = got_code = got_count = got_value = got_status = 0;
	got_pid = 0;
	got_addr = got_rip = 0;
}

/* The instructions, at known addresses. */
extern char gt_ud2_site[], gt_int3_site[], gt_int3_after[], gt_div_site[];
__asm__(".text\n"
	".globl gt_do_ud2\n"
	"gt_do_ud2:\n"
	".globl gt_ud2_site\n"
	"gt_ud2_site: ud2\n"
	"\tret\n"
	".globl gt_do_int3\n"
	"gt_do_int3:\n"
	".globl gt_int3_site\n"
	"gt_int3_site: int3\n"
	".globl gt_int3_after\n"
	"gt_int3_after: ret\n"
	".globl gt_do_div\n"
	"gt_do_div:\n"
	"\tmovl %edi, %eax\n"
	"\tcltd\n"
	".globl gt_div_site\n"
	"gt_div_site: idivl %esi\n"
	"\tret\n");
void gt_do_ud2(void);
void gt_do_int3(void);
int gt_do_div(int a, int b);

static void explicit_tests(void)
{
	sigset_t set, old, pending;
	pid_t me = getpid();

	/* kill to self: delivered before kill returns */
	handle(SIGUSR1, record, 0);
	reset();
	check("kill(getpid(), SIGUSR1)", kill(me, SIGUSR1) == 0);
	check("SIGUSR1 delivered with SI_USER from our pid",
	      got_count == 1 && got_sig == SIGUSR1 && got_code == SI_USER && got_pid == me);

	/* tgkill to self */
	reset();
	check("tgkill(pid, tid, SIGUSR1)", syscall(SYS_tgkill, me, syscall(SYS_gettid), SIGUSR1) == 0);
	check("tgkill delivered with SI_TKILL", got_count == 1 && got_code == SI_TKILL && got_pid == me);
	errno = 0;
	check("tgkill with a wrong tgid fails ESRCH",
	      syscall(SYS_tgkill, 999999, syscall(SYS_gettid), SIGUSR1) < 0 && errno == ESRCH);
	check("kill with signal 0 probes", kill(me, 0) == 0);

	/* sigqueue carries a value */
	reset();
	{
		union sigval v = { .sival_int = 4242 };

		check("sigqueue(SIGUSR1, 4242)", sigqueue(me, SIGUSR1, v) == 0);
	}
	check("sigqueue delivered with SI_QUEUE and the value",
	      got_count == 1 && got_code == SI_QUEUE && got_value == 4242);

	/* blocked signals stay pending until unblocked */
	reset();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(me, SIGUSR1);
	kill(me, SIGUSR1);
	sigpending(&pending);
	check("a blocked signal is pending, not delivered", got_count == 0 && sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	check("unblocking delivers a standard signal once", got_count == 1);
	sigpending(&pending);
	check("nothing pending afterwards", !sigismember(&pending, SIGUSR1));

	/* real-time signals queue, in order */
	{
		int rt = SIGRTMIN + 2;

		handle(rt, record, 0);
		reset();
		sigemptyset(&set);
		sigaddset(&set, rt);
		sigprocmask(SIG_BLOCK, &set, &old);
		for (int i = 0; i < 3; i++) {
			union sigval v = { .sival_int = 10 + i };

			sigqueue(me, rt, v);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		check("three queued real-time signals all delivered", got_count == 3 && got_value == 12);
	}

	/* sigwaitinfo takes a blocked signal synchronously */
	{
		siginfo_t si;
		union sigval v = { .sival_int = 77 };

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, &old);
		sigqueue(me, SIGUSR2, v);
		check("sigwaitinfo returns the blocked signal",
		      sigwaitinfo(&set, &si) == SIGUSR2 && si.si_value.sival_int == 77);
		{
			struct timespec ts = { 0, 10000000 };

			errno = 0;
			check("sigtimedwait with nothing pending times out EAGAIN",
			      sigtimedwait(&set, &si, &ts) < 0 && errno == EAGAIN);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
	}

	/* SIG_IGN discards, SIG_DFL of SIGCHLD ignores */
	signal(SIGUSR2, SIG_IGN);
	check("an ignored signal does nothing", kill(me, SIGUSR2) == 0);
	signal(SIGUSR2, SIG_DFL);

	/* SA_RESETHAND: one-shot */
	handle(SIGUSR2, record, SA_RESETHAND);
	reset();
	kill(me, SIGUSR2);
	{
		struct sigaction cur;

		sigaction(SIGUSR2, NULL, &cur);
		check("SA_RESETHAND resets to SIG_DFL after one delivery",
		      got_count == 1 && cur.sa_handler == SIG_DFL);
	}
}

static void timer_tests(void)
{
	sigset_t set, old, empty;
	pid_t me = getpid();

	sigemptyset(&empty);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);

	/* alarm: SIGALRM after a second, waited for with sigsuspend */
	handle(SIGALRM, record, 0);
	reset();
	sigprocmask(SIG_BLOCK, &set, &old);
	check("alarm(1) returns 0 with no alarm set", alarm(1) == 0);
	while (got_count == 0)
		sigsuspend(&empty);
	sigprocmask(SIG_SETMASK, &old, NULL);
	check("alarm delivers SIGALRM (SI_KERNEL)", got_count == 1 && got_sig == SIGALRM && got_code == SI_KERNEL);
	alarm(10);
	check("alarm(0) cancels and returns the seconds left", alarm(0) >= 9);

	/* setitimer(ITIMER_REAL): periodic, 3 expirations */
	{
		struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;

		reset();
		sigprocmask(SIG_BLOCK, &set, &old);
		check("setitimer(ITIMER_REAL, 20 ms periodic)", setitimer(ITIMER_REAL, &it, NULL) == 0);
		getitimer(ITIMER_REAL, &cur);
		check("getitimer shows the interval", cur.it_interval.tv_usec == 20000);
		while (got_count < 3)
			sigsuspend(&empty);
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		check("ITIMER_REAL fired 3 times", got_count >= 3 && got_sig == SIGALRM);
		getitimer(ITIMER_REAL, &cur);
		check("setitimer with zero disarms", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	}

	/* ITIMER_VIRTUAL counts user CPU time */
	{
		struct itimerval it = { { 0, 0 }, { 0, 10000 } };
		volatile unsigned long spin = 0;

		handle(SIGVTALRM, record, 0);
		reset();
		setitimer(ITIMER_VIRTUAL, &it, NULL);
		while (got_count == 0 && spin < 40000000000UL)
			spin++;
		check("ITIMER_VIRTUAL delivers SIGVTALRM while spinning", got_sig == SIGVTALRM);
	}

	/* timer_create with SIGEV_SIGNAL */
	{
		timer_t t;
		struct sigevent sev = { 0 };
		struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } }, cur;
		int rt = SIGRTMIN + 1;
		sigset_t rtset;

		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = rt;
		sev.sigev_value.sival_int = 31337;
		handle(rt, record, 0);
		sigemptyset(&rtset);
		sigaddset(&rtset, rt);
		reset();
		sigprocmask(SIG_BLOCK, &rtset, &old);
		check("timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL)", timer_create(CLOCK_MONOTONIC, &sev, &t) == 0);
		check("timer_settime 10 ms periodic", timer_settime(t, 0, &its, NULL) == 0);
		check("timer_gettime shows the interval",
		      timer_gettime(t, &cur) == 0 && cur.it_interval.tv_nsec == 10000000);
		while (got_count < 2)
			sigsuspend(&empty);
		check("timer signal has SI_TIMER and the sigev_value",
		      got_sig == rt && got_code == SI_TIMER && got_value == 31337);
		check("timer_delete", timer_delete(t) == 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	{
		timer_t t;
		struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
		struct itimerspec its = { { 0, 0 }, { 0, 30000000 } };

		handle(SIGUSR1, record, 0);
		reset();
		sigprocmask(SIG_BLOCK, &set, &old);
		timer_create(CLOCK_REALTIME, &sev, &t);
		timer_settime(t, 0, &its, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		while (got_count == 0)
			pause();
		check("CLOCK_REALTIME one-shot timer wakes pause()", got_sig == SIGUSR1 && got_code == SI_TIMER);
		timer_delete(t);
	}

	/* SIGCHLD when a child exits */
	{
		pid_t pid;
		sigset_t chld;

		handle(SIGCHLD, record, 0);
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, &old);
		reset();
		pid = fork();
		if (pid == 0)
			_exit(23);
		while (got_count == 0)
			sigsuspend(&empty);
		sigprocmask(SIG_SETMASK, &old, NULL);
		check("SIGCHLD with CLD_EXITED, the child's pid and status",
		      got_sig == SIGCHLD && got_code == CLD_EXITED && got_pid == pid && got_status == 23);
		waitpid(pid, NULL, 0);
		signal(SIGCHLD, SIG_DFL);
	}
	(void)me;
}

static void exception_tests(void)
{
	/* integer division by zero */
	handle(SIGFPE, record_jump, 0);
	reset();
	if (sigsetjmp(env, 1) == 0) {
		volatile int r = gt_do_div(7, 0);

		(void)r;
	}
	check("division by zero raises SIGFPE", got_count == 1 && got_sig == SIGFPE);
	checkf("SIGFPE: FPE_INTDIV at the idiv", got_code == FPE_INTDIV && got_addr == (uintptr_t)gt_div_site,
	       "code=%d", got_code);
	reset();
	if (sigsetjmp(env, 1) == 0) {
		volatile int r = gt_do_div(INT32_MIN, -1);

		(void)r;
	}
	check("INT_MIN / -1 raises SIGFPE too", got_count == 1 && got_sig == SIGFPE);
	check("division still works afterwards", gt_do_div(42, 5) == 8);

	/* ud2: SIGILL, resumed past it by editing the saved RIP */
	handle(SIGILL, record_skip_ud2, 0);
	reset();
	gt_do_ud2();
	check("ud2 raises SIGILL, handler skips it", got_count == 1 && got_sig == SIGILL);
	checkf("SIGILL: ILL_ILLOPN at the ud2", got_code == ILL_ILLOPN && got_addr == (uintptr_t)gt_ud2_site &&
	       got_rip == (uintptr_t)gt_ud2_site, "code=%d", got_code);

	/* int3: SIGTRAP, the saved RIP is after the instruction */
	handle(SIGTRAP, record, 0);
	reset();
	gt_do_int3();
	check("int3 raises SIGTRAP and returns", got_count == 1 && got_sig == SIGTRAP);
	checkf("SIGTRAP: SI_KERNEL, saved RIP after the int3",
	       got_code == SI_KERNEL && got_rip == (uintptr_t)gt_int3_after, "code=%d", got_code);

	/*
	 * Calls to where no program code can be: a non-canonical address
	 * (#GP on the call itself) and the top of the kernel half (a page
	 * fault at the target).  The program gets SIGSEGV; the kernel lives on.
	 */
	{
		static const struct {
			uintptr_t target;
			int faults_at_target;
		} wild[] = { { 0x3bc2fb8a34e6c4eUL, 0 }, { 0xffffffffff7ff000UL, 1 } };

		handle(SIGSEGV, record_jump, SA_NODEFER);
		for (unsigned i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
			char name[80];
			int where_ok;

			reset();
			if (sigsetjmp(env, 1) == 0)
				((void (*)(void))wild[i].target)();
			where_ok = wild[i].faults_at_target ? got_rip == wild[i].target
							    : got_rip < 0x800000000000UL;
			snprintf(name, sizeof(name), "call to %#lx: SIGSEGV, RIP at the %s",
				 (unsigned long)wild[i].target,
				 wild[i].faults_at_target ? "target" : "call");
			checkf(name, got_count == 1 && got_sig == SIGSEGV && where_ok,
			       "count=%d rip=%#lx", got_count, (unsigned long)got_rip);
		}
		signal(SIGSEGV, SIG_DFL);
	}

	/* a blocked synchronous signal still kills (the kernel unblocks it) */
	{
		pid_t pid = fork();
		int status = 0;

		if (pid == 0) {
			sigset_t set;

			signal(SIGILL, SIG_DFL);
			sigemptyset(&set);
			sigaddset(&set, SIGILL);
			sigprocmask(SIG_BLOCK, &set, NULL);
			gt_do_ud2();
			_exit(0);
		}
		waitpid(pid, &status, 0);
		check("ud2 with SIGILL blocked kills with SIGILL",
		      WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
	}
	/* default actions seen by a parent */
	{
		static const int sigs[] = { SIGFPE, SIGTRAP, SIGABRT, SIGTERM, SIGKILL, SIGBUS };

		for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			pid_t pid = fork();
			int status = 0;
			char name[64];

			if (pid == 0) {
				struct rlimit nocore = { 0, 0 };

				setrlimit(RLIMIT_CORE, &nocore);
				signal(sigs[i], SIG_DFL);
				if (sigs[i] == SIGFPE)
					gt_do_div(1, 0);
				else if (sigs[i] == SIGTRAP)
					gt_do_int3();
				else
					kill(getpid(), sigs[i]);
				_exit(0);
			}
			waitpid(pid, &status, 0);
			snprintf(name, sizeof(name), "default action of signal %d kills the child", sigs[i]);
			check(name, WIFSIGNALED(status) && WTERMSIG(status) == sigs[i]);
		}
	}
}

int main(void)
{
	explicit_tests();
	timer_tests();
	exception_tests();
	return gt_done();
}
