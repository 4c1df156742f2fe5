/*
 * Leak check, run inside xlibos by tests/shell/leaks.sh (built with
 * gcc -static -O2 -pthread).
 *
 *   forkloop idle SECONDS   print "ready" and sleep: the baseline of host
 *                           processes and threads for one container
 *   forkloop run SECONDS    1000 fork+exit+wait cycles and 1000
 *                           pthread_create+join cycles; compare MemFree in
 *                           /proc/meminfo before and after (within 1%),
 *                           print the verdict, then "ready" and sleep
 *   forkloop wave SECONDS   8 children at once, then (once they are gone)
 *                           8 threads at once: the verdict "wave ok" or
 *                           "wave FAIL: ...", for a run under a host task
 *                           limit (SECONDS is unused)
 *
 * The verdict lines are "memfree ok: ..." or "memfree FAIL: ...", and
 * "cycles ok" or "cycles FAIL: ...".  The exit status is 0 only when all
 * is well.  While it sleeps, the host counts the container's processes and
 * threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CYCLES 1000
/* A few cycles first, so that caches the kernel keeps (slabs, per-CPU
 * lists) are filled before "before" is read; a leak per cycle still shows. */
#define WARMUP 20

static long memfree_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* n fork+exit+wait cycles; returns the number that went wrong. */
static int forks(int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "fork %d: %s\n", i, strerror(errno));
			return bad + n - i;
		}
		if (pid == 0)
			_exit(i & 0x7f);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != (i & 0x7f))
			bad++;
	}
	return bad;
}

/* n pthread_create+join cycles; returns the number that went wrong. */
static int threads(int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		pthread_t t;
		void *ret = NULL;
		int err = pthread_create(&t, NULL, thread_fn, (void *)(long)(i + 1));

		if (err) {
			fprintf(stderr, "pthread_create %d: %s\n", i, strerror(err));
			return bad + n - i;
		}
		if (pthread_join(t, &ret) != 0 || ret != (void *)(long)(i + 1))
			bad++;
	}
	return bad;
}

static void *nap_fn(void *arg)
{
	usleep(50000);
	return arg;
}

/* 8 children at once, reaped; then 8 threads at once, joined. */
static int wave(void)
{
	pthread_t t[8];
	int i, err, status;

	for (i = 0; i < 8; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			printf("wave FAIL: fork %d: %s\n", i, strerror(errno));
			return 1;
		}
		if (pid == 0) {
			usleep(100000);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		;
	for (i = 0; i < 8; i++) {
		err = pthread_create(&t[i], NULL, nap_fn, NULL);
		if (err) {
			printf("wave FAIL: pthread_create %d: %s\n", i, strerror(err));
			return 1;
		}
	}
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("wave ok\n");
	return 0;
}

static void ready_and_sleep(int seconds)
{
	struct timespec ts = { .tv_sec = seconds };

	printf("ready\n");
	fflush(stdout);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	int seconds, rc = 0;
	long before, after, diff;

	if (argc != 3 || (strcmp(argv[1], "idle") && strcmp(argv[1], "run") &&
			  strcmp(argv[1], "wave"))) {
		fprintf(stderr, "usage: %s idle|run|wave SECONDS\n", argv[0]);
		return 2;
	}
	seconds = atoi(argv[2]);
	if (!strcmp(argv[1], "wave"))
		return wave();
	if (!strcmp(argv[1], "idle")) {
		ready_and_sleep(seconds);
		return 0;
	}

	if (forks(WARMUP) || threads(WARMUP)) {
		printf("cycles FAIL: warm-up\n");
		return 1;
	}
	before = memfree_kb();
	int bad_forks = forks(CYCLES);
	int bad_threads = threads(CYCLES);
	after = memfree_kb();

	if (bad_forks || bad_threads) {
		printf("cycles FAIL: %d of %d forks and %d of %d threads went wrong\n",
		       bad_forks, CYCLES, bad_threads, CYCLES);
		rc = 1;
	} else {
		printf("cycles ok: %d forks, %d threads\n", CYCLES, CYCLES);
	}
	if (before <= 0 || after <= 0) {
		printf("memfree FAIL: cannot read MemFree from /proc/meminfo\n");
		rc = 1;
	} else {
		diff = before > after ? before - after : after - before;
		/*
		 * Within 1%: 100 * (before - after) <= before.  More free
		 * memory after is no leak (per-CPU page lists drained, caches
		 * shrunk), so only a loss counts.
		 */
		if (after >= before || 100 * diff <= before) {
			printf("memfree ok: within 1%%\n");
		} else {
			printf("memfree FAIL: before %ld kB, after %ld kB, %ld kB (more than 1%%) %s\n",
			       before, after, diff, after < before ? "lost" : "gained");
			rc = 1;
		}
		/* The numbers, for the log: not compared by the host. */
		fprintf(stderr, "MemFree before %ld kB, after %ld kB\n", before, after);
	}
	fflush(stdout);
	ready_and_sleep(seconds);
	return rc;
}
