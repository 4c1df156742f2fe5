// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "supervise.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP };

/*
 * Reap whatever has ended.  True once main has been reaped, with its
 * status in *wstatus; other children (orphans) are just collected.
 */
static bool reap(pid_t main, int *wstatus)
{
	bool main_done = false;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) != 0) {
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD: nothing left */
		}
		if (pid == main) {
			*wstatus = status;
			main_done = true;
		}
	}
	return main_done;
}

int supervise_command(const struct init_config *cfg)
{
	sigset_t waited, saved;
	int wstatus = 0;
	pid_t child;

	/*
	 * Blocked signals are queued even for PID 1 (which the kernel shields
	 * from default actions) and sigwaitinfo() collects them: no handlers,
	 * no races with fork.
	 */
	sigemptyset(&waited);
	sigaddset(&waited, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&waited, forwarded[i]);
	sigprocmask(SIG_BLOCK, &waited, &saved);

	child = fork();
	if (child < 0) {
		fprintf(stderr, "xlibos: cannot start %s: fork: %s\n", cfg->argv[0], strerror(errno));
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return -1;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &saved, NULL);
		/* Its own session and process group, as runc gives it. */
		setsid();
		command_exec(cfg->argv, cfg->envp, config_getenv(cfg->envp, "PATH"));
	}

	while (!reap(child, &wstatus)) {
		siginfo_t info;
		int sig = sigwaitinfo(&waited, &info);

		if (sig > 0 && sig != SIGCHLD)
			kill(child, sig);
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return wstatus;
}
