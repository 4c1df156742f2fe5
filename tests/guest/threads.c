// SPDX-License-Identifier: GPL-2.0
/*
 * Threads and TLS: errno is per thread (two threads set it differently at
 * the same time and each sees its own), __thread variables (initialised
 * .tdata and zeroed .tbss) are per thread, plus mutexes, condition
 * variables, join values and a futex-heavy counter.
 */
#include "guest_test.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>

static __thread int tls_init = 1234;		/* .tdata */
static __thread long tls_zero[64];		/* .tbss */
static __thread char tls_name[16] = "main";

static pthread_barrier_t barrier;

struct errno_arg {
	int which;
	int seen_before, seen_after;
	int tls_before, tls_after;
	long zero_sum;
	int name_ok;
};

static void *errno_thread(void *p)
{
	struct errno_arg *a = p;

	a->tls_before = tls_init;
	for (int i = 0; i < 64; i++)
		a->zero_sum += tls_zero[i];
	a->name_ok = !strcmp(tls_name, "main");
	/* both threads set errno, then wait for each other, then read it */
	if (a->which == 0)
		close(-1);				/* EBADF */
	else
		open("/nonexistent/file", O_RDONLY);	/* ENOENT */
	a->seen_before = errno;
	tls_init = 1000 + a->which;
	for (int i = 0; i < 64; i++)
		tls_zero[i] = a->which + 1;
	snprintf(tls_name, sizeof(tls_name), "thread%d", a->which);
	pthread_barrier_wait(&barrier);
	/* the other thread has set its errno and TLS meanwhile */
	pthread_barrier_wait(&barrier);
	a->seen_after = errno;
	a->tls_after = tls_init;
	for (int i = 0; i < 64; i++)
		if (tls_zero[i] != a->which + 1)
			a->tls_after = -1;
	if (strcmp(tls_name, a->which ? "thread1" : "thread0"))
		a->tls_after = -2;
	return (void *)(long)(100 + a->which);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;

static void *count_thread(void *p)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	(void)p;
	return NULL;
}

/* ping-pong on a condition variable: each thread waits for its turn */
static void *pingpong_thread(void *p)
{
	int me = (int)(long)p;

	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&lock);
		while (turn != me)
			pthread_cond_wait(&cond, &lock);
		turn = !me;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *tid_thread(void *p)
{
	*(long *)p = syscall(SYS_gettid);
	return NULL;
}

int main(void)
{
	struct errno_arg a[2] = { { .which = 0 }, { .which = 1 } };
	pthread_t t[4];
	void *ret[2];
	int ok;

	tls_init = 5678;
	strcpy(tls_name, "changed");
	errno = ERANGE;
	pthread_barrier_init(&barrier, NULL, 2);
	ok = pthread_create(&t[0], NULL, errno_thread, &a[0]) == 0 &&
	     pthread_create(&t[1], NULL, errno_thread, &a[1]) == 0;
	check("create two threads", ok);
	pthread_join(t[0], &ret[0]);
	pthread_join(t[1], &ret[1]);
	check("join returns the thread's value", ret[0] == (void *)100 && ret[1] == (void *)101);
	checkf("thread 0 errno EBADF before and after", a[0].seen_before == EBADF && a[0].seen_after == EBADF,
	       "%s then %s", gt_errname(a[0].seen_before), gt_errname(a[0].seen_after));
	checkf("thread 1 errno ENOENT before and after", a[1].seen_before == ENOENT && a[1].seen_after == ENOENT,
	       "%s then %s", gt_errname(a[1].seen_before), gt_errname(a[1].seen_after));
	checkf("main errno untouched by the threads", errno == ERANGE, "%s", gt_errname(errno));
	check("new threads start with the initial __thread value",
	      a[0].tls_before == 1234 && a[1].tls_before == 1234);
	check("new threads start with zeroed __thread arrays", a[0].zero_sum == 0 && a[1].zero_sum == 0);
	check("new threads start with the initial __thread string", a[0].name_ok && a[1].name_ok);
	checkf("each thread keeps its own __thread values", a[0].tls_after == 1000 && a[1].tls_after == 1001,
	       "%d %d", a[0].tls_after, a[1].tls_after);
	check("main thread's __thread values unchanged", tls_init == 5678 && !strcmp(tls_name, "changed"));

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count_thread, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	checkf("4 threads x 20000 mutex increments", counter == 80000, "counter=%ld", counter);

	pthread_create(&t[0], NULL, pingpong_thread, (void *)0L);
	pthread_create(&t[1], NULL, pingpong_thread, (void *)1L);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	check("condition variable ping-pong, 400 turns", turn == 0);

	{
		long tid = 0;

		pthread_create(&t[0], NULL, tid_thread, &tid);
		pthread_join(t[0], NULL);
		check("a thread has its own tid, same tgid",
		      tid > 0 && tid != syscall(SYS_gettid) && syscall(SYS_gettid) == getpid());
	}
	{
		pthread_t self = pthread_self();

		check("pthread_self is stable", pthread_equal(self, pthread_self()));
	}
	return gt_done();
}
