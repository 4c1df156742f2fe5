// SPDX-License-Identifier: GPL-2.0
/*
 * System call cost: nanoseconds per call of getppid, of dup+close, getpid,
 * getuid and umask, and of one UnixBench "syscall" iteration (all of them:
 * close(dup(0)), getpid(), getuid(), umask(022)), each timed over N
 * iterations with CLOCK_MONOTONIC (best of 3 runs).  Every call is a raw
 * syscall(2), so no libc caching gets in the way.  "function-call" is the
 * yardstick for a rewritten site: a plain indirect call of a function
 * that returns a value.  The exception, "clock_gettime-libc", is the libc's
 * clock_gettime(CLOCK_MONOTONIC): through the vDSO when there is one, a
 * system call when not.
 * usage: bench_syscall [N]   (default 200000)
 * Prints "NAME NS_PER_CALL" lines (used by scripts/bench-syscall.sh).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

enum { CALL, GETPPID, DUPCLOSE, GETPID, GETUID, UMASK, MIX, CLOCK_GETTIME, NTESTS };
static const char *const names[NTESTS] = {
	"function-call", "getppid", "dup+close", "getpid", "getuid", "umask",
	"unixbench-mix", "clock_gettime-libc",
};

static long __attribute__((noinline)) plain_function(void)
{
	return 1;
}

/* volatile: the compiler may neither inline the call nor drop it */
static long (*volatile call_target)(void) = plain_function;

static void run(int which, long n)
{
	switch (which) {
	case CALL:
		for (long i = 0; i < n; i++)
			call_target();
		break;
	case GETPPID:
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		break;
	case DUPCLOSE:
		for (long i = 0; i < n; i++)
			syscall(SYS_close, syscall(SYS_dup, 0));
		break;
	case GETPID:
		for (long i = 0; i < n; i++)
			syscall(SYS_getpid);
		break;
	case GETUID:
		for (long i = 0; i < n; i++)
			syscall(SYS_getuid);
		break;
	case UMASK:
		for (long i = 0; i < n; i++)
			syscall(SYS_umask, 022);
		break;
	case MIX:
		for (long i = 0; i < n; i++) {
			syscall(SYS_close, syscall(SYS_dup, 0));
			syscall(SYS_getpid);
			syscall(SYS_getuid);
			syscall(SYS_umask, 022);
		}
		break;
	case CLOCK_GETTIME: {
		struct timespec ts;

		for (long i = 0; i < n; i++)
			clock_gettime(CLOCK_MONOTONIC, &ts);
		break;
	}
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;

	if (n <= 0) {
		fprintf(stderr, "usage: %s [N]\n", argv[0]);
		return 2;
	}
	for (int t = 0; t < NTESTS; t++) {
		double best = 0;

		run(t, n / 10 + 1);	/* warm up */
		for (int rep = 0; rep < 3; rep++) {
			uint64_t t0 = now_ns();
			double per;

			run(t, n);
			per = (double)(now_ns() - t0) / n;
			if (rep == 0 || per < best)
				best = per;
		}
		printf("%s %.1f\n", names[t], best);
	}
	return 0;
}
