/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A few threads that share a stack of tasks, where a task may offer more
 * (the last offered is taken first, so each thread goes deep before wide).
 * With one thread every offer is refused and the caller does the task
 * itself: the work is done in the caller's order, as a plain recursion.
 */
#ifndef XLIBOS_LOADER_TASK_POOL_H
#define XLIBOS_LOADER_TASK_POOL_H

#include <pthread.h>
#include <stdbool.h>

#define TASK_POOL_MAX_THREADS 8

typedef void task_pool_fn(void *worker, void *task);

struct task_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	task_pool_fn *fn;
	unsigned int nthreads;
	unsigned int busy;		/* threads doing a task */
	void **stack;			/* tasks waiting */
	size_t len, cap;
};

/* The CPUs this thread may run on, at most TASK_POOL_MAX_THREADS (at least 1). */
unsigned int task_pool_cpus(void);

/*
 * Run @first, and every task offered meanwhile, on @nthreads threads (the
 * caller's and up to @nthreads - 1 new ones; fewer if they cannot be
 * made), calling @fn(@workers[i], task).  Returns when all are done.
 */
void task_pool_run(struct task_pool *p, task_pool_fn *fn, void **workers, unsigned int nthreads,
		   void *first);

/* From inside a task: true if a thread will run @task (false: run it yourself). */
bool task_pool_offer(struct task_pool *p, void *task);

#endif
