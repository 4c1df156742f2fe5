// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>

#include "task_pool.h"

struct thread_arg {
	struct task_pool *pool;
	void *worker;
};

unsigned int task_pool_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	n = CPU_COUNT(&set);
	if (n < 1)
		return 1;
	return n > TASK_POOL_MAX_THREADS ? TASK_POOL_MAX_THREADS : (unsigned int)n;
}

/* Take tasks until none waits and none runs (a running one may offer more). */
static void serve(struct task_pool *p, void *worker)
{
	pthread_mutex_lock(&p->lock);
	for (;;) {
		void *task;

		while (!p->len && p->busy)
			pthread_cond_wait(&p->wake, &p->lock);
		if (!p->len)
			break;
		task = p->stack[--p->len];
		p->busy++;
		pthread_mutex_unlock(&p->lock);
		p->fn(worker, task);
		pthread_mutex_lock(&p->lock);
		p->busy--;
		if (!p->len && !p->busy)
			pthread_cond_broadcast(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

static void *thread_main(void *arg)
{
	struct thread_arg *a = arg;

	serve(a->pool, a->worker);
	return NULL;
}

void task_pool_run(struct task_pool *p, task_pool_fn *fn, void **workers, unsigned int nthreads,
		   void *first)
{
	struct thread_arg args[TASK_POOL_MAX_THREADS];
	pthread_t threads[TASK_POOL_MAX_THREADS];
	unsigned int started = 0;

	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > TASK_POOL_MAX_THREADS)
		nthreads = TASK_POOL_MAX_THREADS;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->fn = fn;
	p->busy = 1;		/* the first task, run below on this thread */
	p->stack = NULL;
	p->len = p->cap = 0;
	p->nthreads = nthreads;
	/* threads that cannot be made leave their share to the others */
	for (unsigned int i = 1; i < nthreads; i++) {
		args[started] = (struct thread_arg){ .pool = p, .worker = workers[i] };
		if (pthread_create(&threads[started], NULL, thread_main, &args[started]) != 0)
			break;
		started++;
	}
	pthread_mutex_lock(&p->lock);
	p->nthreads = started + 1;
	pthread_mutex_unlock(&p->lock);
	fn(workers[0], first);
	pthread_mutex_lock(&p->lock);
	p->busy--;
	if (!p->len && !p->busy)
		pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	serve(p, workers[0]);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(p->stack);
	p->stack = NULL;
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
}

bool task_pool_offer(struct task_pool *p, void *task)
{
	bool taken = false;

	pthread_mutex_lock(&p->lock);
	if (p->nthreads > 1 && p->len == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		void **more = realloc(p->stack, sizeof(*more) * cap);

		if (more) {
			p->stack = more;
			p->cap = cap;
		}
	}
	if (p->nthreads > 1 && p->len < p->cap) {
		p->stack[p->len++] = task;
		pthread_cond_signal(&p->wake);
		taken = true;
	}
	pthread_mutex_unlock(&p->lock);
	return taken;
}
