// SPDX-License-Identifier: GPL-2.0
/*
 * SIGALRM every millisecond (SA_RESTART) while the program makes 200000
 * raw getppid calls through one site, then 100 blocking reads of a pipe
 * that only the handler writes to (each read sleeps until the next
 * signal; the interrupted read is restarted and gets the handler's byte).
 * Signals land in the rewritten path: in the trampoline, in the LibOS
 * entry, in a blocked read.  Only booleans are printed.
 */
#include "abcom_test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>

#define GETPPID_CALLS 200000
#define READS 100

static int pipe_w;
static volatile sig_atomic_t hits;

static long site_getppid(void)
{
	long r;

	__asm__ volatile("mov $110, %%eax\n\t"
			 "syscall"
			 : "=a"(r) : : "rcx", "r11", "memory");
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

static long site_write(int fd, const void *buf, unsigned long n)
{
	long r;

	__asm__ volatile("mov $1, %%eax\n\t"
			 "syscall"
			 : "=a"(r) : "D"(fd), "S"(buf), "d"(n) : "rcx", "r11", "memory");
	return r;
}

static void on_alarm(int sig)
{
	int saved = errno;

	(void)sig;
	hits++;
	/* The write end is non-blocking: a full pipe just drops the byte. */
	site_write(pipe_w, "x", 1);
	errno = saved;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval every_ms = { { 0, 1000 }, { 0, 1000 } };
	struct itimerval stop = { { 0, 0 }, { 0, 0 } };
	long ppid = getppid(), bad_ppid = 0, bad_reads = 0;
	int p[2], fl;
	char c;

	if (!report("pipe", pipe(p) == 0))
		return at_done();
	pipe_w = p[1];
	fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
	sigemptyset(&sa.sa_mask);
	report("sigaction SIGALRM SA_RESTART", sigaction(SIGALRM, &sa, NULL) == 0);
	report("setitimer ITIMER_REAL 1ms", setitimer(ITIMER_REAL, &every_ms, NULL) == 0);

	for (int i = 0; i < GETPPID_CALLS; i++)
		if (site_getppid() != ppid)
			bad_ppid++;
	report("200000 getppid under SIGALRM all equal getppid()", bad_ppid == 0);

	/* Drain what the handler wrote so far, so that the reads block. */
	fl = fcntl(p[0], F_GETFL);
	fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
	while (read(p[0], &c, 1) == 1)
		;
	fcntl(p[0], F_SETFL, fl);
	for (int i = 0; i < READS; i++) {
		c = 0;
		if (site_read(p[0], &c, 1) != 1 || c != 'x')
			bad_reads++;
	}
	report("100 blocking reads woken by the handler's byte", bad_reads == 0);

	setitimer(ITIMER_REAL, &stop, NULL);
	report("handler ran", hits > 0);
	return at_done();
}
