// SPDX-License-Identifier: GPL-2.0
/*
 * System call restart through rewritten sites.  The kernel restarts a
 * call by moving rip back 2 bytes onto the `syscall` instruction, which
 * abcom has overwritten (under online: while the call was blocked in it).
 *   - nanosleep interrupted by a handled SIGALRM: -EINTR, time remaining;
 *   - read on an empty pipe, SIGALRM with SA_RESTART, the handler writes a
 *     byte: the read is restarted and returns that byte;
 *   - the same without SA_RESTART: -EINTR;
 *   - nanosleep in a child stopped (SIGSTOP) and continued (SIGCONT):
 *     restarted through restart_syscall, sleeps the whole time, returns 0.
 */
#include "abcom_test.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static int pipe_w = -1;
static volatile sig_atomic_t hits;

static long site_nanosleep(const struct timespec *req, struct timespec *rem)
{
	long r;

	__asm__ volatile("mov $35, %%eax\n\t"
			 "syscall"
			 : "=a"(r) : "D"(req), "S"(rem) : "rcx", "r11", "memory");
	return r;
}

static long site_read(int fd, void *buf, unsigned long n)
{
	long r;

	__asm__ volatile("mov $0, %%eax\n\t"
			 "syscall"
			 : "=a"(r) : "D"(fd), "S"(buf), "d"(n) : "rcx", "r11", "memory");
	return r;
}

static void on_alarm(int sig)
{
	int saved = errno;

	(void)sig;
	hits++;
	if (pipe_w >= 0 && write(pipe_w, "r", 1) != 1)
		hits += 1000;
	errno = saved;
}

static void handle_alarm(int flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

static void alarm_in_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, ms % 1000 * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static long ns_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000L + t.tv_nsec - t0->tv_nsec;
}

int main(void)
{
	struct timespec two_s = { 2, 0 }, rem = { 0, 0 }, t0;
	int p[2];
	long r;
	char c;

	/* 1. nanosleep, handler without SA_RESTART */
	handle_alarm(0);
	hits = 0;
	alarm_in_ms(50);
	r = site_nanosleep(&two_s, &rem);
	report("nanosleep interrupted by SIGALRM: -EINTR", r == -EINTR);
	report("nanosleep: remaining time > 0 and < 2s",
	       (rem.tv_sec > 0 || rem.tv_nsec > 0) && rem.tv_sec < 2);
	report("nanosleep: handler ran once", hits == 1);

	if (!report("pipe", pipe(p) == 0))
		return at_done();

	/* 2. read on an empty pipe, SA_RESTART, the handler writes a byte */
	pipe_w = p[1];
	handle_alarm(SA_RESTART);
	hits = 0;
	c = 0;
	alarm_in_ms(50);
	r = site_read(p[0], &c, 1);
	report("read with SA_RESTART restarted, returns 1", r == 1);
	report("read with SA_RESTART got the handler's byte", c == 'r');
	report("read with SA_RESTART: handler ran once", hits == 1);

	/* 3. the same read without SA_RESTART (the handler writes nothing) */
	pipe_w = -1;
	handle_alarm(0);
	hits = 0;
	alarm_in_ms(50);
	r = site_read(p[0], &c, 1);
	report("read without SA_RESTART: -EINTR", r == -EINTR);
	report("read without SA_RESTART: handler ran once", hits == 1);

	/* 4. nanosleep across SIGSTOP/SIGCONT: restart_syscall */
	pid_t child = fork();

	if (child == 0) {
		struct timespec t300 = { 0, 300000000 };

		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = site_nanosleep(&t300, NULL);
		_exit(r == 0 && ns_since(&t0) >= 300000000L ? 0 : 1);
	}
	if (!report("fork", child > 0))
		return at_done();
	int st = 0;
	struct timespec t50 = { 0, 50000000 };

	nanosleep(&t50, NULL);
	kill(child, SIGSTOP);
	report("child stopped", waitpid(child, &st, WUNTRACED) == child &&
	       WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	nanosleep(&t50, NULL);
	kill(child, SIGCONT);
	report("nanosleep across SIGSTOP/SIGCONT restarted, slept it all",
	       waitpid(child, &st, 0) == child && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0);
	return at_done();
}
