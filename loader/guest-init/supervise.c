// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "command.h"
#include "creds.h"
#include "run_status.h"
#include "signal_taken.h"
#include "tty.h"
#include "supervise.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP };
#define NR_FORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

/* How long a command may take to set up its handlers, from its exec. */
#define STARTUP_GRACE_MS 1000
/* Times the agent is started again after it died (killed from inside, say). */
#define AGENT_RESTARTS	16

/* How often held signals are offered again meanwhile. */
#define HOLD_POLL_NS (5 * 1000 * 1000L)

static sigset_t original_mask;	/* init's mask at start: the command's */

/* The command's start-up, as far as held signals care. */
struct startup {
	pid_t child;
	int exec_fd;		/* read end of a CLOEXEC pipe; -1 once exec'd */
	bool started;		/* exec'd (or died): grace runs from exec_ns */
	bool settled;		/* past the grace: forward at once */
	long long exec_ns;
	sigset_t held;
};

static sigset_t waited_set(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < NR_FORWARDED; i++)
		sigaddset(&set, forwarded[i]);
	return set;
}

void supervise_hold_signals(void)
{
	/*
	 * Blocked signals are queued even for PID 1 (which the kernel shields
	 * from default actions) and sigtimedwait() collects them: no handlers,
	 * no races with fork.
	 */
	sigset_t set = waited_set();

	sigprocmask(SIG_BLOCK, &set, &original_mask);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The pipe's write end closes at the command's exec (or death). */
static void check_started(struct startup *s)
{
	char byte;

	if (s->started || read(s->exec_fd, &byte, 1) < 0)
		return;
	close(s->exec_fd);
	s->exec_fd = -1;
	s->started = true;
	s->exec_ns = now_ns();
}

static bool ready_for(struct startup *s, int sig)
{
	if (s->settled)
		return true;
	check_started(s);
	if (!s->started)
		return false;
	if (now_ns() - s->exec_ns >= STARTUP_GRACE_MS * 1000000LL) {
		s->settled = true;
		return true;
	}
	return signal_taken(s->child, sig);
}

static void forward_held(struct startup *s)
{
	for (size_t i = 0; i < NR_FORWARDED; i++) {
		int sig = forwarded[i];

		if (sigismember(&s->held, sig) && ready_for(s, sig)) {
			kill(s->child, sig);
			sigdelset(&s->held, sig);
		}
	}
}

/*
 * Reap whatever has ended.  True once main has been reaped, with its
 * status in *wstatus; other children (orphans) are just collected.
 */
static bool reap(pid_t main, int *wstatus, pid_t *agent)
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
		if (pid == *agent)
			*agent = 0;	/* gone: started again by the caller */
	}
	return main_done;
}

int supervise_command(const struct init_config *cfg)
{
	const struct timespec poll = { 0, HOLD_POLL_NS };
	struct startup s = { .exec_fd = -1 };
	sigset_t waited = waited_set();
	int exec_pipe[2];
	int wstatus = 0, restarts = 0;
	pid_t agent;

	/* Normally done first thing; harmless twice. */
	sigprocmask(SIG_BLOCK, &waited, NULL);
	sigemptyset(&s.held);
	if (pipe2(exec_pipe, O_CLOEXEC) != 0)
		exec_pipe[0] = exec_pipe[1] = -1;

	s.child = fork();
	if (s.child < 0) {
		fprintf(stderr, "xlibos: cannot start %s: fork: %s\n", cfg->argv[0], strerror(errno));
		return -1;
	}
	if (s.child == 0) {
		sigprocmask(SIG_SETMASK, &original_mask, NULL);
		/* Its own session and process group, as runc gives it. */
		setsid();
		if (!tty_attach() || !creds_apply(cfg))
			_exit(XLIBOS_RUN_ERROR);
		/* The child's own copy of cfg: HOME as runc sets it for the user. */
		creds_set_home((struct init_config *)cfg);
		command_exec(cfg->argv, cfg->envp, config_getenv(cfg->envp, "PATH"));
	}
	if (exec_pipe[0] >= 0) {
		close(exec_pipe[1]);
		s.exec_fd = exec_pipe[0];
		fcntl(s.exec_fd, F_SETFL, O_NONBLOCK);
	} else {
		s.started = true;	/* no pipe: count from the fork */
		s.exec_ns = now_ns();
	}
	/*
	 * exec, kill and resize from xlibos-runtime: a process of its own
	 * (agent.c), forked once the pipe's write end is closed here (else
	 * the command's exec would never be seen, nor held signals passed on).
	 */
	agent = agent_start(cfg, s.child);

	while (!reap(s.child, &wstatus, &agent)) {
		siginfo_t info;
		int sig;

		if (agent == 0 && restarts++ < AGENT_RESTARTS)
			agent = agent_start(cfg, s.child);

		forward_held(&s);
		sig = sigtimedwait(&waited, &info, sigisemptyset(&s.held) ? NULL : &poll);
		if (sig > 0 && sig != SIGCHLD) {
			sigaddset(&s.held, sig);
			forward_held(&s);
		}
	}
	if (s.exec_fd >= 0)
		close(s.exec_fd);
	/* init powers off next: late signals stay blocked and die with it. */
	return wstatus;
}
