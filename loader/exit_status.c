// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "diag.h"
#include "exit_status.h"
#include "guest-init/run_status.h"

/* "SIGSEGV", or "signal 40" for those without an abbreviation. */
static void signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
}

static int decide_from_record(const struct xlibos_exit_record *rec, char *msg, size_t len)
{
	/* The guest may have died mid-write: never trust the terminator. */
	char text[XLIBOS_EXIT_MSG_MAX];
	size_t n = strnlen(rec->message, sizeof(rec->message));

	memcpy(text, rec->message, n < sizeof(text) ? n : sizeof(text) - 1);
	text[n < sizeof(text) ? n : sizeof(text) - 1] = '\0';
	n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	/* Guest memory wrote it: no escape sequences for the user's terminal. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = '?';

	switch (rec->reason) {
	case XLIBOS_EXIT_POWEROFF:
	case XLIBOS_EXIT_HALT:
		msg[0] = '\0';
		return LOADER_EXIT_OK;
	case XLIBOS_EXIT_RESTART:
		snprintf(msg, len, "guest requested restart (not supported), exiting");
		return LOADER_EXIT_RESTART;
	case XLIBOS_EXIT_PANIC:
		snprintf(msg, len, "guest kernel panic: %s", n ? text : "(no message)");
		return LOADER_EXIT_FAILURE;
	case XLIBOS_EXIT_HOST_DIED:
		snprintf(msg, len, "container killed: %s", n ? text : "a host process died");
		return LOADER_EXIT_FAILURE;
	default:
		snprintf(msg, len, "guest exited with unknown reason %u", rec->reason);
		return LOADER_EXIT_FAILURE;
	}
}

int exit_status_decide(const struct xlibos_exit_record *rec, int wstatus,
		       enum handoff_stage stage, char *msg, size_t len)
{
	char sig[32];

	/* A written record wins even if the process died afterwards. */
	if (rec && rec->magic == XLIBOS_EXIT_MAGIC)
		return decide_from_record(rec, msg, len);

	if (WIFEXITED(wstatus) && stage != HANDOFF_IN_KERNEL) {
		/* The loader child failed on its own and already said why. */
		if (WEXITSTATUS(wstatus)) {
			msg[0] = '\0';
			return WEXITSTATUS(wstatus);
		}
		snprintf(msg, len, "LibOS process exited before starting the kernel");
		return LOADER_EXIT_FAILURE;
	}
	if (stage == HANDOFF_RETURNED) {
		/* It could not say so itself: its filters stop the loader's code. */
		snprintf(msg, len, "LibOS entry point returned (kernel image broken?)");
		return LOADER_EXIT_FAILURE;
	}
	if (WIFSIGNALED(wstatus)) {
		signal_name(WTERMSIG(wstatus), sig, sizeof(sig));
		snprintf(msg, len, "LibOS terminated unexpectedly (killed by signal %s)", sig);
	} else {
		snprintf(msg, len, "LibOS terminated unexpectedly (exit status %d)",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
	}
	return LOADER_EXIT_FAILURE;
}

/* Set by exit_status_run_packed(). */
static const char *packed_mem_arg;

void exit_status_run_packed(const char *mem_arg)
{
	packed_mem_arg = mem_arg;
}

/*
 * The panics of a kernel that found no init in its initramfs: the
 * default inits, then (with CONFIG_BLOCK) a root device it does not have;
 * and that of a kernel that panics as soon as the unpacking fails.
 */
static bool init_missing(const struct xlibos_exit_record *rec)
{
	static const char *const panics[] = {
		"No working init found", "VFS: Unable to mount root fs",
		"Initramfs unpacking failed",
	};

	for (size_t i = 0; i < sizeof(panics) / sizeof(panics[0]); i++)
		if (strncmp(rec->message, panics[i], strlen(panics[i])) == 0)
			return true;
	return false;
}

int exit_status_decide_run(const struct xlibos_exit_record *rec, int wstatus,
			   enum handoff_stage stage, char *msg, size_t len)
{
	bool recorded = rec && rec->magic == XLIBOS_EXIT_MAGIC;

	/* Same diagnosis as boot; only the numbers differ. */
	exit_status_decide(rec, wstatus, stage, msg, len);
	if (recorded && (rec->reason == XLIBOS_EXIT_POWEROFF || rec->reason == XLIBOS_EXIT_HALT)) {
		if (rec->status >= 0 && rec->status <= 255)
			return rec->status;
		snprintf(msg, len, "guest reported exit status %d (outside 0-255)", rec->status);
	}
	if (recorded && rec->reason == XLIBOS_EXIT_PANIC && packed_mem_arg && init_missing(rec))
		snprintf(msg, len, "rootfs does not fit in guest memory (--mem %s): the kernel ran out of room unpacking it and found no init; use a larger --mem",
			 packed_mem_arg);
	return XLIBOS_RUN_ERROR;
}
