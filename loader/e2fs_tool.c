// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2fs_tool.h"

/* stderr kept for the message; the rest is read and dropped. */
#define ERR_KEEP 2048

bool e2fs_tool_find(const char *name, char *path, size_t len)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int n = snprintf(path, len, "%s/%s", dirs[i], name);

		if (n > 0 && (size_t)n < len && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111))
			return true;
	}
	return false;
}

/* "mke2fs 1.47.0 (5-Feb-2023)" and the like say nothing about the failure. */
static bool banner(const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len);

	return sp && (size_t)(sp - line) + 3 < len && sp[1] >= '0' && sp[1] <= '9' &&
	       sp[2] == '.' && line[len - 1] == ')';
}

/* Lines joined by "; ", each control character shown as '?'. */
static void one_line(const char *text, size_t len, char *out, size_t out_len)
{
	size_t n = 0;

	out[0] = '\0';
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t line = nl ? (size_t)(nl - text) : len;

		while (line && (text[line - 1] == '\r' || text[line - 1] == ' '))
			line--;
		if (line && !banner(text, line)) {
			if (n && n + 2 < out_len) {
				memcpy(out + n, "; ", 2);
				n += 2;
			}
			for (size_t i = 0; i < line && n + 1 < out_len; i++) {
				unsigned char c = (unsigned char)text[i];

				out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
			}
			out[n] = '\0';
		}
		if (!nl)
			break;
		len -= (size_t)(nl + 1 - text);
		text = nl + 1;
	}
}

static void child(char *const argv[], char *const envp[], int in_fd, int err_fd,
		  bool (*setup)(void *), void *arg)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (null < 0 || dup2(in_fd >= 0 ? in_fd : null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		_exit(127);
	if (setup && !setup(arg))
		_exit(127);
	execve(argv[0], argv, envp);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int e2fs_tool_run(char *const argv[], char *const envp[], const char *stdin_text,
		  bool (*setup)(void *arg), void *arg, char *err, size_t err_len)
{
	char buf[ERR_KEEP];
	size_t kept = 0;
	int err_pipe[2], in_pipe[2] = { -1, -1 }, status;
	pid_t pid;

	err[0] = '\0';
	if (pipe2(err_pipe, O_CLOEXEC))
		return -1;
	if (stdin_text && pipe2(in_pipe, O_CLOEXEC)) {
		close(err_pipe[0]);
		close(err_pipe[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child(argv, envp, in_pipe[0], err_pipe[1], setup, arg);
	close(err_pipe[1]);
	if (in_pipe[0] >= 0)
		close(in_pipe[0]);
	if (pid < 0) {
		int e = errno;

		close(err_pipe[0]);
		if (in_pipe[1] >= 0)
			close(in_pipe[1]);
		errno = e;
		return -1;
	}
	if (in_pipe[1] >= 0) {
		/* A few commands: they fit in the pipe; a child that died is EPIPE, ignored. */
		sigset_t pipe_set, old;

		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
		if (write(in_pipe[1], stdin_text, strlen(stdin_text)) < 0 && errno == EPIPE) {
			struct timespec zero = { 0, 0 };

			sigtimedwait(&pipe_set, NULL, &zero);
		}
		close(in_pipe[1]);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	for (;;) {
		char drop[4096];
		ssize_t n = kept < sizeof(buf) ? read(err_pipe[0], buf + kept, sizeof(buf) - kept) :
						read(err_pipe[0], drop, sizeof(drop));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (kept < sizeof(buf))
			kept += (size_t)n;
	}
	close(err_pipe[0]);
	one_line(buf, kept, err, err_len);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
