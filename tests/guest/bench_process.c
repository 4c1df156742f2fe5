// SPDX-License-Identifier: GPL-2.0
/*
 * Process costs: nanoseconds per fork+_exit+wait, per fork+execve+wait of
 * this (static) binary, per round trip of one byte between two processes
 * over a pair of pipes, and per pthread_create+join; each the best of 3
 * runs of N iterations (N/4 for execve), timed with CLOCK_MONOTONIC.
 * usage: bench_process [N]   (default 2000); argv[0] must be a path that
 * execve can run (the benchmark runs itself with the argument "exit").
 * Prints "NAME NS_PER_OP" lines (scripts/bench-process.sh).  Run as PID 1
 * (init of a user-mode-linux guest) it powers the machine off at the end.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void fork_exit(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
}

static void fork_exec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl(self, self, "exit", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
}

static void pipe_pingpong(long n)
{
	int ping[2], pong[2];
	char c = 0;
	pid_t pid;

	if (pipe(ping) || pipe(pong))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (long i = 0; i < n; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("ping-pong");
	waitpid(pid, NULL, 0);
	close(ping[0]);
	close(ping[1]);
	close(pong[0]);
	close(pong[1]);
}

static void *thread_main(void *arg)
{
	return arg;
}

static void thread_create(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
			die("pthread");
	}
}

static const struct {
	const char *name;
	void (*run)(long n);
	int divisor;
} tests[] = {
	{ "fork+exit+wait", fork_exit, 1 },
	{ "fork+execve+wait", fork_exec, 4 },
	{ "pipe-pingpong", pipe_pingpong, 1 },
	{ "thread-create+join", thread_create, 1 },
};

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;

	if (argc > 1 && !strcmp(argv[1], "exit"))
		return 0;
	if (n <= 0) {
		fprintf(stderr, "usage: %s [N]\n", argv[0]);
		return 2;
	}
	self = argv[0];
	for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
		long iters = n / tests[t].divisor + 1;
		double best = 0;

		tests[t].run(iters / 10 + 1);	/* warm up */
		for (int rep = 0; rep < 3; rep++) {
			uint64_t t0 = now_ns();
			double per;

			tests[t].run(iters);
			per = (double)(now_ns() - t0) / iters;
			if (rep == 0 || per < best)
				best = per;
		}
		printf("%s %.0f\n", tests[t].name, best);
	}
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
