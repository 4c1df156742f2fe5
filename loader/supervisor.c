// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "supervisor.h"

static const int relayed_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NR_RELAYED (sizeof(relayed_signals) / sizeof(relayed_signals[0]))

/* How often a held signal is offered again while the LibOS boots. */
#define RELAY_RETRY_NS (5 * 1000 * 1000L)

static struct {
	bool holding;
	sigset_t original;	/* the loader's mask before holding */
	sigset_t held;		/* relayed signals not inherited as ignored */
	unsigned int stop_timeout;
	bool killed_on_timeout;	/* the verdict of the last supervisor_wait() */
} sv = { .stop_timeout = SUPERVISOR_DEFAULT_STOP_TIMEOUT };

/* One supervision: what is held, when the container gets killed. */
struct relay {
	pid_t child;
	sigset_t pending;	/* waiting for the LibOS to handle them */
	int sigints;
	bool stopping;		/* SIGTERM seen: kill_at is set */
	bool killed_on_timeout;
	struct timespec kill_at;
};

static void hold_signals(void)
{
	if (sv.holding)
		return;
	sv.holding = true;
	sigemptyset(&sv.held);
	for (size_t i = 0; i < NR_RELAYED; i++) {
		struct sigaction old;

		/* Respect an inherited SIG_IGN (nohup): the child keeps it too. */
		if (sigaction(relayed_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaddset(&sv.held, relayed_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &sv.held, &sv.original);
}

void supervisor_start(unsigned int stop_timeout)
{
	sv.stop_timeout = stop_timeout;
	hold_signals();
}

void supervisor_block_signals(sigset_t *saved)
{
	sigset_t chld;

	hold_signals();
	/* Collected with sigtimedwait() in supervisor_wait(), never lost. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	*saved = sv.original;
}

void supervisor_child_restore(const sigset_t *saved)
{
	/*
	 * Until the LibOS installs its handlers, a signal from the terminal
	 * would kill us by its default action: ignore it; the supervisor
	 * relays it again once the LibOS handles it.
	 */
	for (size_t i = 0; i < NR_RELAYED; i++)
		if (sigismember(&sv.held, relayed_signals[i]))
			signal(relayed_signals[i], SIG_IGN);
	sigprocmask(SIG_SETMASK, saved, NULL);
}

/*
 * Whether the LibOS has its host handler for sig installed (SigCgt in
 * /proc/PID/status), so that relaying it cannot kill the process or be
 * dropped.  Only a hint from a hostile process: a container that never
 * takes SIGTERM still meets the stop timeout.  If /proc cannot tell
 * (not mounted, hidden, the child gone), relay at once as before.
 */
static bool libos_handles(pid_t child, int sig)
{
	char path[64], text[4096];
	const char *line;
	unsigned long long caught;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return true;
	text[n] = '\0';
	line = strstr(text, "\nSigCgt:");
	if (!line)
		return true;
	caught = strtoull(line + strlen("\nSigCgt:"), NULL, 16);
	return (caught >> (sig - 1)) & 1;
}

static void relay_pending(struct relay *r)
{
	for (size_t i = 0; i < NR_RELAYED; i++) {
		int sig = relayed_signals[i];

		if (sigismember(&r->pending, sig) && libos_handles(r->child, sig)) {
			kill(r->child, sig);
			sigdelset(&r->pending, sig);
		}
	}
}

static void on_signal(struct relay *r, const siginfo_t *info)
{
	int sig = info->si_signo;

	/* Second ^C: the guest ignored the first one, so stop it for real. */
	if (sig == SIGINT && ++r->sigints >= 2) {
		kill(r->child, SIGKILL);
		return;
	}
	if (sig == SIGTERM && !r->stopping) {
		r->stopping = true;
		clock_gettime(CLOCK_MONOTONIC, &r->kill_at);
		r->kill_at.tv_sec += sv.stop_timeout;
	}
	/*
	 * Terminal-generated signals (SI_KERNEL) already went to the whole
	 * foreground process group, child included: relay only those the
	 * child could not take yet, and those sent to the loader alone
	 * (kill(1), systemd, a test harness).
	 */
	if (info->si_code == SI_KERNEL && libos_handles(r->child, sig))
		return;
	sigaddset(&r->pending, sig);
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* How long to wait for the next signal; false: until one comes. */
static bool next_wakeup(const struct relay *r, struct timespec *timeout)
{
	bool have = false;
	struct timespec now;

	if (!sigisemptyset(&r->pending)) {
		*timeout = (struct timespec){ 0, RELAY_RETRY_NS };
		have = true;
	}
	if (r->stopping && !r->killed_on_timeout) {
		struct timespec left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = r->kill_at.tv_sec - now.tv_sec;
		left.tv_nsec = r->kill_at.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (left.tv_sec < 0)
			left = (struct timespec){ 0, 0 };
		if (!have || before(&left, timeout))
			*timeout = left;
		have = true;
	}
	return have;
}

static void kill_if_overdue(struct relay *r)
{
	struct timespec now;

	if (!r->stopping || r->killed_on_timeout)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (before(&now, &r->kill_at))
		return;
	/* Init of the container's host PID namespace: all of them die. */
	kill(r->child, SIGKILL);
	r->killed_on_timeout = true;
}

bool supervisor_wait(pid_t child, const sigset_t *saved, int *wstatus)
{
	struct relay r = { .child = child };
	sigset_t waited = sv.held;

	(void)saved;	/* the relayed signals stay blocked until we exit */
	sigemptyset(&r.pending);
	sigaddset(&waited, SIGCHLD);
	for (;;) {
		struct timespec timeout;
		siginfo_t info;
		pid_t pid = waitpid(child, wstatus, WNOHANG);
		int sig;

		if (pid == child)
			break;
		if (pid < 0 && errno != EINTR) {
			diag_error("waitpid: %s", strerror(errno));
			return false;
		}
		relay_pending(&r);
		kill_if_overdue(&r);
		sig = sigtimedwait(&waited, &info,
				   next_wakeup(&r, &timeout) ? &timeout : NULL);
		if (sig > 0 && sig != SIGCHLD)
			on_signal(&r, &info);
	}
	/* It may have powered off on its own just before the kill. */
	sv.killed_on_timeout = r.killed_on_timeout && WIFSIGNALED(*wstatus) &&
			       WTERMSIG(*wstatus) == SIGKILL;
	return true;
}

int supervisor_verdict(char *msg, size_t len)
{
	if (!sv.killed_on_timeout)
		return -1;
	snprintf(msg, len, "container did not stop within %u s of SIGTERM: killed",
		 sv.stop_timeout);
	return SUPERVISOR_EXIT_STOP_KILLED;
}
