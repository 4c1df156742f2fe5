// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hostcall_policy.h"
#include "sandbox_watch.h"

#define POLL_MS 100

static struct {
	pthread_t thread;
	bool running;
	int stop_fd;		/* eventfd: written once to stop the thread */
	int listener;
	pid_t child;
	const struct cgroup *cg;
	bool reaped;		/* the child's pid may be someone else's now */
	/* written by the thread before the kill, read after the join */
	int status;
	char msg[256];
} watch = { .stop_fd = -1, .listener = -1, .status = -1 };

static void kill_container(int status, const char *msg)
{
	if (watch.status < 0) {
		watch.status = status;
		snprintf(watch.msg, sizeof(watch.msg), "%s", msg);
	}
	if (!watch.reaped)
		kill(watch.child, SIGKILL);
}

/*
 * A host call the policy refused.  Everything in the notification comes
 * from the kernel, not from guest memory; still only numbers are printed.
 */
static void refuse(void)
{
	struct seccomp_notif req;
	char name[64], msg[256];

	memset(&req, 0, sizeof(req));
	if (ioctl(watch.listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
		return;	/* its thread died meanwhile */
	snprintf(msg, sizeof(msg),
		 "container killed: forbidden host system call %s (%d) at 0x%" PRIx64
		 " (host pid %u)",
		 hostcall_name(req.data.nr, name, sizeof(name)), req.data.nr,
		 (uint64_t)req.data.instruction_pointer, req.pid);
	/* Killing is the answer: the caller never sees its call return. */
	kill_container(SANDBOX_EXIT_FORBIDDEN, msg);
}

static void check_memory(void)
{
	char msg[256];

	if (!cgroup_oom_kills(watch.cg))
		return;
	snprintf(msg, sizeof(msg),
		 "container killed: out of host memory (limit %" PRIu64 " MiB)",
		 watch.cg->mem_max >> 20);
	kill_container(SANDBOX_EXIT_OOM, msg);
}

static void *watch_main(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = watch.stop_fd, .events = POLLIN },
		{ .fd = watch.listener, .events = POLLIN },
	};

	(void)arg;
	for (;;) {
		int n = poll(pfd, 2, POLL_MS);

		if (n > 0 && pfd[0].revents)
			break;
		if (n > 0 && (pfd[1].revents & POLLIN))
			refuse();
		else if (n > 0 && pfd[1].revents)
			pfd[1].fd = -1;	/* every filter user is gone */
		check_memory();
	}
	return NULL;
}

bool sandbox_watch_start(int listener, pid_t child, const struct cgroup *cg)
{
	sigset_t all, old;
	int err;

	watch.listener = listener;
	watch.child = child;
	watch.cg = cg;
	watch.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (watch.stop_fd < 0)
		return false;
	/* Signals are the main thread's business (relaying to the guest). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&watch.thread, NULL, watch_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		return false;
	}
	watch.running = true;
	return true;
}

void sandbox_watch_stop(void)
{
	if (watch.running) {
		uint64_t one = 1;

		if (write(watch.stop_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(watch.thread, NULL);
		watch.running = false;
	}
	if (watch.stop_fd >= 0)
		close(watch.stop_fd);
	watch.stop_fd = -1;
	watch.reaped = true;
	/* An OOM kill may have been the end: look once more. */
	if (watch.cg && watch.status < 0)
		check_memory();
	if (watch.listener >= 0)
		close(watch.listener);
	watch.listener = -1;
}

int sandbox_watch_verdict(char *msg, size_t len)
{
	if (watch.status >= 0)
		snprintf(msg, len, "%s", watch.msg);
	return watch.status;
}
