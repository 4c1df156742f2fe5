// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: fork and wait statuses, pipes between parent and child,
 * execve of this program again (through /proc/self/exe), a child killed,
 * stopped and continued, getppid, sessions and process groups,
 * exit_group with threads still running, and the FPU/SSE state a forked
 * child and an exec'd program start with.  (vfork and posix_spawn: vfork.c)
 */
#include "guest_test.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;

static void *sleeper(void *p)
{
	(void)p;
	for (;;)
		pause();
	return NULL;
}

/*
 * A raw fork with MXCSR (round toward zero), the x87 control word (round
 * up) and xmm8 set: parent and child each return whether all three came
 * back unchanged (rax: the fork's result).
 */
static long fork_keeps_fpu(int *same)
{
	static const unsigned long long pattern[2] = {
		0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	unsigned long long out[2];
	unsigned int mxcsr_in = 0x7f80, mxcsr_out, mxcsr_default = 0x1f80;
	unsigned short fcw_in = 0x0b7f, fcw_out, fcw_default = 0x037f;
	long ret;

	__asm__ volatile("ldmxcsr %[mi]\n\t"
			 "fldcw %[fi]\n\t"
			 "movdqu %[pat], %%xmm8\n\t"
			 "mov $57, %%eax\n\t"
			 "syscall\n\t"
			 "movdqu %%xmm8, %[out]\n\t"
			 "stmxcsr %[mo]\n\t"
			 "fnstcw %[fo]\n\t"
			 "ldmxcsr %[md]\n\t"
			 "fldcw %[fd]"
			 : "=&a" (ret), [out] "=m" (out), [mo] "=m" (mxcsr_out),
			   [fo] "=m" (fcw_out)
			 : [mi] "m" (mxcsr_in), [fi] "m" (fcw_in),
			   [pat] "m" (pattern), [md] "m" (mxcsr_default),
			   [fd] "m" (fcw_default)
			 : "rcx", "r11", "xmm8", "memory");
	*same = mxcsr_out == mxcsr_in && fcw_out == fcw_in &&
		!memcmp(out, pattern, sizeof(out));
	return ret;
}

/*
 * A raw execve of this program with "child-fpu", MXCSR, the x87 control
 * word and xmm8 set as above: only returns if the exec fails.
 */
static void exec_with_fpu_set(const char *self)
{
	static const unsigned long long pattern[2] = {
		0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	const char *args[] = { self, "child-fpu", NULL };
	unsigned int mxcsr_in = 0x7f80;
	unsigned short fcw_in = 0x0b7f;
	long ret;

	__asm__ volatile("ldmxcsr %[mi]\n\t"
			 "fldcw %[fi]\n\t"
			 "movdqu %[pat], %%xmm8\n\t"
			 "mov $59, %%eax\n\t"
			 "syscall"
			 : "=&a" (ret)
			 : [mi] "m" (mxcsr_in), [fi] "m" (fcw_in),
			   [pat] "m" (pattern), "D" (self), "S" (args), "d" (environ)
			 : "rcx", "r11", "xmm8", "memory");
	(void)ret;
}

/* What exec_with_fpu_set() started: 0 if the FPU state is the initial one. */
static int child_fpu(void)
{
	unsigned long long out[2];
	unsigned int mxcsr;
	unsigned short fcw;

	__asm__ volatile("movdqu %%xmm8, %[out]\n\t"
			 "stmxcsr %[mo]\n\t"
			 "fnstcw %[fo]"
			 : [out] "=m" (out), [mo] "=m" (mxcsr), [fo] "=m" (fcw));
	return mxcsr == 0x1f80 && fcw == 0x037f && !out[0] && !out[1] ? 0 : 1;
}

static int child_mode(int argc, char **argv)
{
	if (!strcmp(argv[1], "child-fpu"))
		return child_fpu();
	if (!strcmp(argv[1], "child-echo")) {
		for (int i = 2; i < argc; i++)
			printf("child arg %d: %s\n", i - 2, argv[i]);
		printf("child env GT_VAR=%s\n", getenv("GT_VAR") ? getenv("GT_VAR") : "(unset)");
		return 7;
	}
	if (!strcmp(argv[1], "child-threads")) {
		pthread_t t[3];

		for (int i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, sleeper, NULL);
		exit(5);	/* exit_group while the threads sleep */
	}
	return 99;
}

int main(int argc, char **argv)
{
	int status, fds[2];
	pid_t pid, me = getpid();
	char buf[256];
	ssize_t n;

	if (argc > 1)
		return child_mode(argc, argv);

	/* fork + exit status */
	pid = fork();
	if (pid == 0)
		_exit(42);
	check("fork", pid > 0);
	check("waitpid returns the child", waitpid(pid, &status, 0) == pid);
	check("child exit status 42", WIFEXITED(status) && WEXITSTATUS(status) == 42);
	errno = 0;
	check("waitpid with no children fails ECHILD", waitpid(-1, &status, 0) < 0 && errno == ECHILD);

	/* the child sees us as its parent */
	pid = fork();
	if (pid == 0)
		_exit(getppid() == me ? 0 : 1);
	waitpid(pid, &status, 0);
	check("child's getppid is the parent's pid", WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* a pipe from child to parent */
	check("pipe", pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (int i = 0; i < 100; i++)
			if (write(fds[1], "0123456789", 10) != 10)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	{
		size_t total = 0;

		while ((n = read(fds[0], buf, sizeof(buf))) > 0)
			total += n;
		checkf("1000 bytes through a pipe, then EOF", total == 1000 && n == 0, "total=%zu", total);
	}
	close(fds[0]);
	waitpid(pid, &status, 0);

	/* exec of ourselves with arguments, environment and stdout on a pipe */
	pipe(fds);
	pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child-echo", "one", "two words", NULL };
		char *env[] = { "GT_VAR=hello", NULL };

		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execve("/proc/self/exe", args, env);
		_exit(127);
	}
	close(fds[1]);
	n = 0;
	{
		ssize_t r;

		while ((r = read(fds[0], buf + n, sizeof(buf) - 1 - n)) > 0)
			n += r;
	}
	buf[n] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	check("execve: the new program's exit status", WIFEXITED(status) && WEXITSTATUS(status) == 7);
	checkf("execve: argv and envp passed",
	       !strcmp(buf, "child arg 0: one\nchild arg 1: two words\nchild env GT_VAR=hello\n"),
	       "got %zd bytes", n);

	/* exec failures */
	pid = fork();
	if (pid == 0) {
		char *args[] = { "x", NULL };

		execve("/nonexistent/program", args, environ);
		_exit(errno == ENOENT ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check("execve of a missing file fails ENOENT", WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* killed by a signal */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	check("child killed by SIGTERM", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

	/* stopped and continued */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	check("WUNTRACED sees SIGSTOP", WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	kill(pid, SIGCONT);
	waitpid(pid, &status, WCONTINUED);
	check("WCONTINUED sees SIGCONT", WIFCONTINUED(status));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	check("SIGKILL", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* exit_group with sleeping threads */
	pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child-threads", NULL };

		execve("/proc/self/exe", args, environ);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	check("exit() with 3 sleeping threads ends the process, status 5",
	      WIFEXITED(status) && WEXITSTATUS(status) == 5);

	/* many short-lived children */
	{
		int ok = 1;

		for (int i = 0; i < 50; i++) {
			pid = fork();
			if (pid == 0)
				_exit(i);
			if (waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != i)
				ok = 0;
		}
		check("50 fork/wait rounds", ok);
	}

	/* the FPU/SSE state across fork, in parent and child */
	{
		int same;

		pid = fork_keeps_fpu(&same);
		if (pid == 0)
			_exit(same ? 0 : 1);
		check("fork keeps MXCSR, the x87 control word and xmm8 in the parent",
		      pid > 0 && same);
		waitpid(pid, &status, 0);
		check("a forked child starts with them too",
		      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	/* and across exec: the new program starts with the initial state */
	pid = fork();
	if (pid == 0) {
		exec_with_fpu_set("/proc/self/exe");
		_exit(127);
	}
	waitpid(pid, &status, 0);
	checkf("an exec'd program starts with the initial MXCSR, x87 control word and xmm8",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);

	/* sessions and process groups */
	pid = fork();
	if (pid == 0) {
		pid_t sid = setsid();

		_exit(sid == getpid() && getpgid(0) == getpid() ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check("setsid in a child makes it a session and group leader",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* a normally started program is in a real process group and session */
	checkf("our process group and session ids are nonzero", getpgrp() > 0 && getsid(0) > 0,
	       "pgrp %s, sid %s", getpgrp() > 0 ? ">0" : "0", getsid(0) > 0 ? ">0" : "0");
	return gt_done();
}
