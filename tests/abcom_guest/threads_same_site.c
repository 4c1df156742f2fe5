// SPDX-License-Identifier: GPL-2.0
/*
 * 8 threads run one syscall site (getpid) 100000 times each, at once.
 * Under --abcom=online the site is rewritten while other threads may be
 * stopped in it or about to run it; under full it is rewritten at load.
 * Every call must return the process's pid.
 */
#include "abcom_test.h"

#include <pthread.h>

#define NTHREADS 8
#define CALLS 100000

/* The one shared site: b8 27 00 00 00 0f 05. */
__attribute__((noinline)) static long site_getpid(void)
{
	long r;

	__asm__ volatile("mov $39, %%eax\n\t"
			 "syscall"
			 : "=a"(r) : : "rcx", "r11", "memory");
	return r;
}

static long pid;
static pthread_barrier_t start;

static void *worker(void *arg)
{
	long bad = 0;

	(void)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < CALLS; i++)
		if (site_getpid() != pid)
			bad++;
	return (void *)bad;
}

int main(void)
{
	pthread_t t[NTHREADS];
	int created = 1, joined = 1, all_pid = 1;

	pid = getpid();
	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			created = 0;
	report("8 threads created", created);
	if (!created)
		return at_done();
	for (int i = 0; i < NTHREADS; i++) {
		void *bad;

		if (pthread_join(t[i], &bad))
			joined = 0;
		else if (bad)
			all_pid = 0;
	}
	report("8 threads joined", joined);
	report("8 x 100000 getpid through one site all equal getpid()", all_pid);
	report("main thread's call through the site", site_getpid() == pid);
	printf("ok\n");
	return at_done();
}
