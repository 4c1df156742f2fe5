// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kill_grace.h"
#include "state.h"

/* The watchdog: a grandchild, holding nothing of ours but the pidfd. */
static void watch(int pidfd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct pollfd p = { .fd = 3, .events = POLLIN };

	setsid();
	/* Our caller may wait for our output to end, and delete for our lock. */
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
	    dup2(pidfd, 3) < 0)
		_exit(1);
	syscall(SYS_close_range, 4U, ~0U, 0U);
	/* Readable once the supervisor has ended. */
	if (poll(&p, 1, KILL_GRACE_MS) == 0)
		syscall(SYS_pidfd_send_signal, 3, SIGKILL, NULL, 0);
	_exit(0);
}

bool kill_grace_start(pid_t pid, uint64_t pid_start)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	pid_t child;
	int status;

	/*
	 * Gone already (the guest ended at once, the supervisor after it):
	 * nothing to watch.  The pidfd names the supervisor only if the pid
	 * was not reused before it; a reused one means it is gone too.
	 */
	if (pidfd < 0)
		return errno == ESRCH;
	if (state_proc_start(pid) != pid_start) {
		close(pidfd);
		return true;
	}
	child = fork();
	if (child == 0) {
		pid_t watcher = fork();

		if (watcher == 0)
			watch(pidfd);
		_exit(watcher > 0 ? 0 : 1);
	}
	close(pidfd);
	return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}
