// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "run_status.h"

static noreturn void fail(const char *cmd, int status, const char *what, const char *reason)
{
	fprintf(stderr, "xlibos: %s: %s%s\n", cmd, what, reason);
	_exit(status);
}

/* execve failed on a file that exists: say why like bash does. */
static noreturn void exec_failed(const char *cmd, const char *file, int err)
{
	struct stat st;

	/* ENOENT for an existing file: its #! interpreter or ELF loader is missing. */
	if (err == ENOENT)
		fail(cmd, XLIBOS_RUN_NOT_FOUND, "cannot execute: ", "required file not found");
	if (err == EACCES && stat(file, &st) == 0 && S_ISDIR(st.st_mode))
		fail(cmd, XLIBOS_RUN_CANNOT_EXEC, "cannot execute: ", "Is a directory");
	fail(cmd, XLIBOS_RUN_CANNOT_EXEC, "cannot execute: ", strerror(err));
}

static noreturn void exec_path(char *const *argv, char *const *envp)
{
	const char *cmd = argv[0];
	struct stat st;

	execve(cmd, argv, envp);
	if ((errno == ENOENT || errno == ENOTDIR) && stat(cmd, &st) != 0)
		fail(cmd, XLIBOS_RUN_NOT_FOUND, "", strerror(ENOENT));
	exec_failed(cmd, cmd, errno);
}

/*
 * Like execvp, but a regular file without execute permission is skipped
 * (and remembered) rather than ending the search, as bash does.
 */
static noreturn void exec_search(char *const *argv, char *const *envp, const char *path_var)
{
	const char *cmd = argv[0];
	char file[PATH_MAX];
	bool denied = false;

	for (const char *dir = path_var; *cmd && dir;) {
		const char *end = strchr(dir, ':');
		size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
		struct stat st;
		int n;

		/* An empty entry means the current directory (POSIX). */
		if (dlen == 0)
			n = snprintf(file, sizeof(file), "%s", cmd);
		else
			n = snprintf(file, sizeof(file), "%.*s/%s", (int)dlen, dir, cmd);
		dir = end ? end + 1 : NULL;

		if (n < 0 || (size_t)n >= sizeof(file) || stat(file, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (access(file, X_OK) != 0) {
			denied = true;
			continue;
		}
		execve(file, argv, envp);
		exec_failed(cmd, file, errno);
	}
	if (denied)
		fail(cmd, XLIBOS_RUN_CANNOT_EXEC, "cannot execute: ", strerror(EACCES));
	fail(cmd, XLIBOS_RUN_NOT_FOUND, "", "command not found");
}

noreturn void command_exec(char *const *argv, char *const *envp, const char *path_var)
{
	if (strchr(argv[0], '/'))
		exec_path(argv, envp);
	exec_search(argv, envp, path_var ? path_var : "");
}
