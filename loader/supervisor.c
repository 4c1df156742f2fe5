// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "diag.h"
#include "supervisor.h"

static const int relayed_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NR_RELAYED (sizeof(relayed_signals) / sizeof(relayed_signals[0]))

static volatile pid_t supervised_child;
static volatile sig_atomic_t sigint_count;

static void relay_signal(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;

	(void)ucontext;
	/* Second ^C: the guest ignored the first one, so stop it for real. */
	if (sig == SIGINT && ++sigint_count >= 2) {
		kill(supervised_child, SIGKILL);
		goto out;
	}
	/*
	 * Terminal-generated signals (SI_KERNEL) already went to the whole
	 * foreground process group, child included; only relay ones that
	 * were sent to the loader alone (kill(1), systemd, a test harness).
	 */
	if (info->si_code != SI_KERNEL)
		kill(supervised_child, sig);
out:
	errno = saved_errno;
}

static sigset_t relayed_set(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NR_RELAYED; i++)
		sigaddset(&set, relayed_signals[i]);
	return set;
}

void supervisor_block_signals(sigset_t *saved)
{
	sigset_t set = relayed_set();

	sigprocmask(SIG_BLOCK, &set, saved);
}

void supervisor_child_restore(const sigset_t *saved)
{
	sigprocmask(SIG_SETMASK, saved, NULL);
}

bool supervisor_wait(pid_t child, const sigset_t *saved, int *wstatus)
{
	struct sigaction sa = {
		.sa_sigaction = relay_signal,
		.sa_flags = SA_SIGINFO | SA_RESTART,
		.sa_mask = relayed_set(),
	};

	supervised_child = child;
	for (size_t i = 0; i < NR_RELAYED; i++) {
		struct sigaction old;

		/* Respect an inherited SIG_IGN (nohup): the child keeps it too. */
		if (sigaction(relayed_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(relayed_signals[i], &sa, NULL);
	}
	sigprocmask(SIG_SETMASK, saved, NULL);

	while (waitpid(child, wstatus, 0) < 0) {
		if (errno == EINTR)
			continue;
		diag_error("waitpid: %s", strerror(errno));
		return false;
	}
	return true;
}
