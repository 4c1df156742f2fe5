// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "run_status.h"
#include "status.h"

int status_from_wait(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return XLIBOS_RUN_SIGNAL_BASE + WTERMSIG(wstatus);
	return XLIBOS_RUN_ERROR;	/* stopped/continued are never reaped here */
}

/* glibc's strsignal() texts, which bash prints; musl's differ, so keep our own. */
static const char *signal_text(int sig)
{
	switch (sig) {
	case SIGHUP: return "Hangup";
	case SIGQUIT: return "Quit";
	case SIGILL: return "Illegal instruction";
	case SIGTRAP: return "Trace/breakpoint trap";
	case SIGABRT: return "Aborted";
	case SIGBUS: return "Bus error";
	case SIGFPE: return "Floating point exception";
	case SIGKILL: return "Killed";
	case SIGUSR1: return "User defined signal 1";
	case SIGSEGV: return "Segmentation fault";
	case SIGUSR2: return "User defined signal 2";
	case SIGALRM: return "Alarm clock";
	case SIGTERM: return "Terminated";
	case SIGSTKFLT: return "Stack fault";
	case SIGXCPU: return "CPU time limit exceeded";
	case SIGXFSZ: return "File size limit exceeded";
	case SIGVTALRM: return "Virtual timer expired";
	case SIGPROF: return "Profiling timer expired";
	case SIGIO: return "I/O possible";
	case SIGPWR: return "Power failure";
	case SIGSYS: return "Bad system call";
	default: return NULL;
	}
}

bool status_signal_message(int wstatus, char *buf, size_t len)
{
	const char *core = "";
	const char *text;
	int sig;

	if (!WIFSIGNALED(wstatus))
		return false;
	sig = WTERMSIG(wstatus);
	if (sig == SIGINT || sig == SIGPIPE)
		return false;
	if (WCOREDUMP(wstatus))
		core = " (core dumped)";
	text = signal_text(sig);
	if (text)
		snprintf(buf, len, "%s%s", text, core);
	else
		snprintf(buf, len, "Signal %d%s", sig, core);
	return true;
}
