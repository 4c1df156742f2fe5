// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "teardown_child.h"

#ifndef __x86_64__
#error "teardown_child.c: raw system calls are written for x86-64"
#endif

/* One child per process, started once: its stack needs no allocation. */
static _Alignas(16) unsigned char child_stack[16384];

/*
 * The child shares the supervisor's memory and thread pointer: no libc
 * call (errno and locks are the supervisor's), only raw system calls.
 */
static long raw_call(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile ("syscall"
			  : "=a"(ret)
			  : "a"(nr), "D"(a), "S"(b), "d"(c)
			  : "rcx", "r11", "memory");
	return ret;
}

static int hold_until_parent_gone(void *arg)
{
	int pidfd = (int)(intptr_t)arg;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	long ret = 0;

	/*
	 * First, nothing the supervisor's parent may wait on stays open here
	 * (stdio pipes, sockets).  On failure (before Linux 5.9) end at once:
	 * the supervisor's own exit frees everything, as without us.
	 */
	if (pidfd > 0)
		ret = raw_call(SYS_close_range, 0, pidfd - 1, 0);
	if (ret == 0)
		ret = raw_call(SYS_close_range, pidfd + 1, ~0U, 0);
	/* Named for what it is in ps, while it lives and as a zombie until reaped. */
	raw_call(SYS_prctl, PR_SET_NAME, (long)"xlibos-teardown", 0);
	/* Signals are all blocked: only the supervisor's end (or SIGKILL) ends the wait. */
	if (ret == 0)
		do
			ret = raw_call(SYS_poll, (long)&p, 1, -1);
		while (ret == -EINTR);
	raw_call(SYS_exit_group, 0, 0, 0);
	return 0;
}

/*
 * CLONE_VM: the child holds the supervisor's address space itself, so the
 * supervisor's exit neither unmaps guest memory nor tears down the rest;
 * the pidfd wakes it once the supervisor has exited.
 */
bool teardown_child_start(void)
{
	sigset_t all, saved;
	pid_t pid;
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (pidfd < 0)
		return false;
	/* A handler run in the child would run on the supervisor's memory. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	pid = clone(hold_until_parent_gone, child_stack + sizeof(child_stack),
		    CLONE_VM | SIGCHLD, (void *)(intptr_t)pidfd);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	close(pidfd);
	return pid > 0;
}
