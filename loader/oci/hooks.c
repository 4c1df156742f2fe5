// SPDX-License-Identifier: GPL-2.0
/* OCI hooks run on the host (see hooks.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "hooks.h"
#include "json_get.h"
#include "log.h"

/* The start of a failing hook's output goes into the message. */
#define HOOK_OUTPUT_KEEP	512
/* Bytes read after the hook ended (a child of its may keep writing). */
#define HOOK_DRAIN_MAX		(64u << 10)

struct hook_run {
	const char *path;
	const char **argv, **envp;
	int timeout_s;
	char what[96];			/* "prestart hook /x (hooks.prestart[0])" */
	char output[HOOK_OUTPUT_KEEP + 1];
	size_t output_len;
};

static int now_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

static void keep_output(struct hook_run *h, const char *buf, size_t n)
{
	size_t room = HOOK_OUTPUT_KEEP - h->output_len;

	if (n > room)
		n = room;
	memcpy(h->output + h->output_len, buf, n);
	h->output_len += n;
}

/* In the child: the hook's process, with nothing of ours but stdio. */
static void exec_hook(const struct hook_run *h, int state_fd, int out_fd, int err_fd,
		      const char *cwd)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(state_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	/* Everything else closes at exec (err_fd, our only other, is close-on-exec already). */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	/* runc runs hooks in the bundle; a bundle gone by delete leaves us where we are. */
	if (cwd && chdir(cwd) != 0) {
		/* keep the current directory */
	}
	execve(h->path, (char *const *)h->argv, (char *const *)h->envp);
fail:
	e = errno;
	(void)!write(err_fd, &e, sizeof(e));
	_exit(127);
}

/* The hook's output as one printable line. */
static const char *output_line(struct hook_run *h)
{
	size_t n = h->output_len;

	while (n && (h->output[n - 1] == '\n' || h->output[n - 1] == ' '))
		n--;
	h->output[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)h->output[i] < 0x20 || (unsigned char)h->output[i] == 0x7f)
			h->output[i] = ' ';
	return h->output;
}

/* Wait for the hook, collecting its output, at most its timeout; its status or -1. */
static int wait_hook(struct hook_run *h, pid_t pid, int out_fd, bool *timed_out)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct timespec t0;
	char buf[4096];
	int status = -1, limit = h->timeout_s * 1000;
	size_t drained = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*timed_out = false;
	for (;;) {
		struct pollfd p[2] = { { .fd = out_fd, .events = POLLIN },
				       { .fd = pidfd, .events = POLLIN } };
		int left = limit - now_ms_since(&t0), wait_ms;
		pid_t done;

		if (left <= 0) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		/* Without pidfds (before Linux 5.3): look every 10 ms. */
		wait_ms = pidfd >= 0 ? left : (left < 10 ? left : 10);
		if (poll(p, 2, wait_ms) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			ssize_t n = read(out_fd, buf, sizeof(buf));

			if (n > 0)
				keep_output(h, buf, (size_t)n);
			else if (n == 0 || errno != EAGAIN)
				out_fd = -1;	/* every writer gone: poll ignores it */
		}
		done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			break;
	}
	/* What it wrote before it ended; a child of its may hold the pipe: no waiting. */
	while (out_fd >= 0 && drained < HOOK_DRAIN_MAX) {
		ssize_t n = read(out_fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		keep_output(h, buf, (size_t)n);
		drained += (size_t)n;
	}
	if (pidfd >= 0)
		close(pidfd);
	return status;
}

/* One hook; false with h->what's message. */
static bool run_one(struct hook_run *h, const char *state_text, const char *cwd,
		    char *err, size_t errlen)
{
	int state_fd = memfd_create("oci-state", MFD_CLOEXEC), out[2] = { -1, -1 },
	    ep[2] = { -1, -1 }, status, exec_errno = 0;
	size_t len = strlen(state_text);
	bool timed_out = false;
	pid_t pid;

	if (state_fd < 0 || write(state_fd, state_text, len) != (ssize_t)len ||
	    lseek(state_fd, 0, SEEK_SET) != 0 || pipe2(out, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    pipe2(ep, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot prepare it: %s", strerror(errno));
		goto fail;
	}
	/* The hook's end of its output pipe blocks as a normal pipe does. */
	fcntl(out[1], F_SETFL, 0);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		exec_hook(h, state_fd, out[1], ep[1], cwd);
	setpgid(pid, pid);	/* whichever of us is first: kill(-pid) reaches it */
	close(out[1]);
	close(ep[1]);
	out[1] = ep[1] = -1;
	if (read(ep[0], &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		snprintf(err, errlen, "cannot run it: %s", strerror(exec_errno));
		goto fail;
	}
	status = wait_hook(h, pid, out[0], &timed_out);
	if (timed_out)
		snprintf(err, errlen, "still running after its timeout of %d s: killed", h->timeout_s);
	else if (status == -1)
		snprintf(err, errlen, "lost: %s", strerror(errno));
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status))
		snprintf(err, errlen, "exited with status %d", WEXITSTATUS(status));
	else
		status = 0;
	if (status != 0 && h->output_len)
		snprintf(err + strlen(err), errlen - strlen(err), "; its output: %s",
			 output_line(h));
	close(state_fd);
	close(out[0]);
	close(ep[0]);
	return status == 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	if (state_fd >= 0)
		close(state_fd);
	return false;
}

/* Each hook of hooks.NAME; stop at the first failure unless warn_only. */
static bool run_list(json_t *hooks, const char *name, json_t *state, const char *cwd,
		     bool warn_only)
{
	json_t *list = json_object_get(hooks, name), *hook;
	char *text;
	bool ok = true;
	size_t i;

	if (!json_array_size(list))
		return true;
	text = json_dumps(state, JSON_COMPACT);
	if (!text) {
		oci_error("%s hooks: out of memory", name);
		return false;
	}
	json_array_foreach(list, i, hook) {
		json_t *timeout = json_object_get(hook, "timeout");
		struct hook_run h = {
			.path = json_string_value(json_object_get(hook, "path")),
			.timeout_s = json_is_integer(timeout) ? (int)json_integer_value(timeout)
							      : HOOK_DEFAULT_TIMEOUT_S,
		};
		const char **args = NULL, **env = NULL, *self[] = { h.path, NULL }, *none[] = { NULL };
		char err[1024] = "", where[64];
		size_t nargs = 0, nenv = 0;
		bool done;

		snprintf(h.what, sizeof(h.what), "%s hook %s (hooks.%s[%zu])", name,
			 h.path ? h.path : "?", name, i);
		snprintf(where, sizeof(where), "hooks.%s[%zu]", name, i);
		/* checked by spec_hooks: only memory can fail here */
		if (!h.path || !jget_strings(hook, "args", where, false, &args, &nargs) ||
		    !jget_strings(hook, "env", where, false, &env, &nenv)) {
			snprintf(err, sizeof(err), "out of memory");
			done = false;
		} else {
			h.argv = nargs ? args : self;	/* no args: just the path */
			h.envp = env ? env : none;
			done = run_one(&h, text, cwd, err, sizeof(err));
		}
		free(args);
		free(env);
		if (done) {
			oci_info("ran the %s", h.what);
			continue;
		}
		if (warn_only) {
			oci_warn("%s: %s", h.what, err);
			continue;
		}
		oci_error("%s: %s", h.what, err);
		ok = false;
		break;
	}
	free(text);
	return ok;
}

bool hooks_run(json_t *hooks, const char *name, json_t *state, const char *cwd)
{
	return run_list(hooks, name, state, cwd, false);
}

void hooks_run_warn(json_t *hooks, const char *name, json_t *state, const char *cwd)
{
	run_list(hooks, name, state, cwd, true);
}
