// SPDX-License-Identifier: GPL-2.0
/*
 * create: the bundle becomes an "xlibos run" command line, started in its
 * own session as the container's supervisor.  It prepares everything (the
 * rootfs image, devices, volumes), says so on a pipe, and waits on the
 * state directory's exec.fifo until start; create then records its pid
 * (--pid-file: conmon and containerd's shim wait for it, and its exit
 * status is the container's) and returns.
 *
 * With prestart or createRuntime hooks (Docker's libnetwork-setkey), the
 * forked supervisor first enters the container's network namespace (a new
 * one, or linux.namespaces' path) and waits there, not yet "xlibos run",
 * while the hooks run with its pid: /proc/PID/ns/net is the namespace they
 * configure, and the same pid then becomes the supervisor, which takes the
 * interfaces they put there over (--net netns:).  Without such hooks, the
 * supervisor still enters a namespace linux.namespaces names (no wait),
 * and a pod's sandbox container enters its own new one: its pid's
 * ns/net is the container's network namespace, as runc's process's is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <stdnoreturn.h>
#include <unistd.h>

#include "commands.h"
#include "console.h"
#include "control.h"
#include "hooks.h"
#include "image_cache.h"
#include "resize_watch.h"
#include "log.h"
#include "spec.h"
#include "state.h"
#include "../net/netns_net.h"
#include "../options.h"

/* The supervisor's SIGTERM timeout: none of its own; the caller (podman stop -t) decides. */
#define STOP_TIMEOUT_NONE "31536000"

/* "xlibos" beside this program. */
static bool xlibos_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return snprintf(buf, len, "%s/xlibos", exe) < (int)len;
}

static bool write_records(const struct oci_container *c, const struct oci_plan *plan)
{
	int fd = openat(c->dir_fd, OCI_RECORDS_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, plan->records, plan->records_len) ==
				     (ssize_t)plan->records_len;

	if (fd >= 0)
		close(fd);
	if (!ok)
		oci_error("cannot write %s/%s: %s", c->dir, OCI_RECORDS_FILE, strerror(errno));
	return ok;
}

/* runc writes the pid file through a temporary one: a reader never sees half of it. */
bool write_pid_file(const char *path, pid_t pid)
{
	char tmp[PATH_MAX], text[32];
	int fd, len = snprintf(text, sizeof(text), "%d", (int)pid);

	if (snprintf(tmp, sizeof(tmp), "%s.xlibos-tmp", path) >= (int)sizeof(tmp))
		goto fail;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		goto fail;
	if (write(fd, text, (size_t)len) != len) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		goto fail;
	}
	return true;
fail:
	oci_error("cannot write the pid file %s: %s", path, strerror(errno));
	return false;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

/*
 * In the forked supervisor, before it is one: into the container's network
 * namespace (the one named, or a new one).  With create hooks it then says
 * so on ready_fd ('n') and waits for them ('g' on hold_fd; anything else,
 * or the runtime gone, ends it).  Without hooks, a container given a
 * namespace lives there too, as runc's process would: /proc/PID/ns/net is
 * it, which a pod's application containers (of its sandbox's pid) and
 * --network container: (of any container's) are told to join.  A pod's
 * sandbox container with no path gets a new one (its guest has only lo).
 */
static void enter_netns(const struct oci_plan *plan, int ready_fd, int hold_fd)
{
	char go = 0;
	int fd;

	if (plan->netns_path) {
		fd = open(plan->netns_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
			fprintf(stderr, OCI_PROGRAM ": cannot enter the network namespace %s: %s\n",
				plan->netns_path, strerror(errno));
			_exit(127);
		}
		close(fd);
	} else if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, OCI_PROGRAM ": cannot make a network namespace: %s\n",
			strerror(errno));
		_exit(127);
	}
	if (hold_fd < 0)
		return;
	if (write(ready_fd, "n", 1) != 1)
		_exit(127);
	while (read(hold_fd, &go, 1) < 0 && errno == EINTR)
		;
	if (go != 'g')
		_exit(127);
	close(hold_fd);
}

/* The probe's exit statuses. */
#define NETNS_FREE	0
#define NETNS_HELD	3

/*
 * Is @path's interface free to take over?  Asked in a child that enters the
 * namespace (netns_net.h's NETNS_HELD_NAME); anything else wrong with the
 * path is left to xlibos run, which names it.  A container that just ended
 * may still be giving the interface back: asked again for up to 2 s.
 */
static bool netns_interface_free(const char *path)
{
	const struct timespec tick = { 0, 50 * 1000000L };
	int status = 0;

	for (int tries = 0; tries < 40; tries++) {
		pid_t pid = fork();

		if (pid < 0)
			return true;
		if (pid == 0) {
			int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

			if (fd < 0 || ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET ||
			    setns(fd, CLONE_NEWNET) != 0)
				_exit(NETNS_FREE);
			_exit(netns_held_bind() < 0 && errno == EADDRINUSE ? NETNS_HELD : NETNS_FREE);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != NETNS_HELD)
			return true;
		nanosleep(&tick, NULL);
	}
	oci_error("network namespace %s: " NETNS_HELD_WHY, path);
	return false;
}

/* The supervisor: its own session, our stdio (conmon's pipes), the bundle as cwd. */
static noreturn void exec_supervisor(const char *xlibos, char **argv, int ready_fd,
				     int hold_fd, const char *bundle, const char *cache_dir,
				     int tty, const struct oci_container *c,
				     const struct oci_plan *plan)
{
	sigset_t none;

	if (hold_fd >= 0 || plan->pod_sandbox || plan->netns_path)
		enter_netns(plan, ready_fd, hold_fd);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	/* Window size changes after start reach the guest through this one (resize_watch.h). */
	if (tty >= 0)
		resize_watch_start(c->dir, tty, plan->rows, plan->cols);
	/* process.terminal: the pty's slave is the container's stdio. */
	if (tty >= 0 && (dup2(tty, 0) < 0 || dup2(tty, 1) < 0 || dup2(tty, 2) < 0))
		_exit(127);
	if (fcntl(ready_fd, F_SETFD, 0) != 0 || chdir(bundle) != 0)
		_exit(127);
	if (cache_dir && setenv("XLIBOS_CACHE_DIR", cache_dir, 1) != 0)
		_exit(127);
	execv(xlibos, argv);
	fprintf(stderr, OCI_PROGRAM ": cannot run %s: %s\n", xlibos, strerror(errno));
	_exit(127);
}

/*
 * process.oomScoreAdj, as runc gives it to the container's process: the
 * supervisor inherits ours.  Without it, it would inherit its caller's:
 * containerd's shim runs at -998, which would leave a Docker container
 * (0) all but out of the host OOM killer's reach.
 */
static bool set_oom_score_adj(const struct oci_plan *plan)
{
	const char *path = "/proc/self/oom_score_adj";
	char have[16] = "", want[16];
	int fd, len;
	ssize_t n;

	if (!plan->oom_set)
		return true;
	len = snprintf(want, sizeof(want), "%d", plan->oom_score_adj);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, have, sizeof(have) - 1) : -1;
	if (fd >= 0)
		close(fd);
	/* Already so: no write (lowering it needs CAP_SYS_RESOURCE, even to the same value). */
	if (n > 0 && atoi(have) == plan->oom_score_adj)
		return true;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, want, (size_t)len) != len) {
		oci_error("config.json: process.oomScoreAdj: cannot set %s: %s", want, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* prestart, then createRuntime (runc's order), told "creating" and the held supervisor's pid. */
static bool run_create_hooks(const struct oci_container *c, const struct oci_spec_info *info)
{
	json_t *st = state_report_as(c, OCI_CREATING);
	bool ok = st && hooks_run(info->hooks, "prestart", st, info->bundle) &&
		  hooks_run(info->hooks, "createRuntime", st, info->bundle);

	if (!st)
		oci_error("out of memory");
	json_decref(st);
	return ok;
}

/* The held supervisor is in its namespace ('n'): the hooks, then 'g'; false if any failed. */
static bool release_after_hooks(const struct oci_container *c, const struct oci_spec_info *info,
				int ready_fd, int hold_fd)
{
	char byte = 0;
	ssize_t n;

	do
		n = read(ready_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || byte != 'n') {
		/* It said why on stderr; this line is for --log, where the shim looks. */
		oci_error("container '%s' could not be created: its supervisor could not enter the container's network namespace",
			  c->id);
		return false;
	}
	if (!run_create_hooks(c, info))
		return false;
	return write(hold_fd, "g", 1) == 1;
}

/* Start the supervisor and wait until it holds at the FIFO; its pid, or -1. */
static pid_t launch(const struct oci_globals *g, struct oci_container *c,
		    struct oci_plan *plan, const struct oci_spec_info *info,
		    const char *created, int tty)
{
	char xlibos[PATH_MAX], fifo[PATH_MAX + 16], records[PATH_MAX + 16];
	char control[PATH_MAX + 16];
	const char *bundle = info->bundle;
	struct strv argv = { 0 };
	int ready[2], hold[2] = { -1, -1 }, status;
	bool hooks_failed = false;
	char byte = 0;
	pid_t pid;
	ssize_t n;

	if (!xlibos_path(xlibos, sizeof(xlibos))) {
		oci_error("cannot locate xlibos beside this program");
		return -1;
	}
	snprintf(fifo, sizeof(fifo), "%s/%s", c->dir, OCI_FIFO_FILE);
	snprintf(records, sizeof(records), "%s/%s", c->dir, OCI_RECORDS_FILE);
	snprintf(control, sizeof(control), "%s/%s", c->dir, OCI_CONTROL_FILE);
	if (mkfifoat(c->dir_fd, OCI_FIFO_FILE, 0600) != 0) {
		oci_error("cannot create %s: %s", fifo, strerror(errno));
		return -1;
	}
	if (pipe2(ready, O_CLOEXEC) != 0) {
		oci_error("pipe: %s", strerror(errno));
		return -1;
	}
	if (plan->hold_in_netns && pipe2(hold, O_CLOEXEC) != 0) {
		oci_error("pipe: %s", strerror(errno));
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	strv_add(plan, &argv, "%s", xlibos);
	strv_add(plan, &argv, "run");
	for (size_t i = 0; i < plan->options.n; i++)
		strv_add(plan, &argv, "%s", plan->options.v[i]);
	strv_add(plan, &argv, "--start-fifo");
	strv_add(plan, &argv, "%s", fifo);
	strv_add(plan, &argv, "--ready-fd");
	strv_add(plan, &argv, "%d", ready[1]);
	strv_add(plan, &argv, "--stop-timeout");
	strv_add(plan, &argv, STOP_TIMEOUT_NONE);
	/* exec, kill and resize reach the guest agent through it (control.h); any path length. */
	strv_add(plan, &argv, "--control-socket");
	strv_add(plan, &argv, "%s", control);
	if (plan->records_len) {
		strv_add(plan, &argv, "--guest-records");
		strv_add(plan, &argv, "%s", records);
	}
	strv_add(plan, &argv, "--");
	for (size_t i = 0; i < plan->cmd.n; i++)
		strv_add(plan, &argv, "%s", plan->cmd.v[i]);
	if (plan->failed) {
		oci_error("out of memory");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		oci_error("fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		if (hold[1] >= 0)
			close(hold[1]);	/* our end: its EOF tells the child we are gone */
		exec_supervisor(xlibos, argv.v, ready[1], hold[0], bundle, g->cache_dir, tty, c,
				plan);
	}
	close(ready[1]);
	if (hold[0] >= 0)
		close(hold[0]);
	/*
	 * Its pid on record before the wait: should this create be killed
	 * meanwhile, delete --force can still end the supervisor.
	 */
	c->pid = pid;
	c->pid_start = state_proc_start(pid);
	c->state = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:O}", "id", c->id, "pid",
			     (json_int_t)pid, "pid_start", (json_int_t)c->pid_start, "bundle",
			     bundle, "rootfs", info->rootfs, "created", created, "annotations",
			     info->annotations ? info->annotations : json_object());
	if (!c->state || !state_save(c)) {
		kill(pid, SIGKILL);
		n = 0;
	} else if (hold[1] >= 0 && !release_after_hooks(c, info, ready[0], hold[1])) {
		hooks_failed = true;
		kill(pid, SIGKILL);
		n = 0;
	} else {
		do
			n = read(ready[0], &byte, 1);
		while (n < 0 && errno == EINTR);
	}
	close(ready[0]);
	if (hold[1] >= 0)
		close(hold[1]);
	strv_free(&argv);
	if (n == 1 && byte == 'r')
		return pid;
	if (hooks_failed) {
		/* The hook's own message says why; nothing of this container is left running. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	/* It ended before it was ready: its own message is on stderr already. */
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		oci_error("container '%s' could not be created: xlibos run exited with status %d",
			  c->id, WEXITSTATUS(status));
	else
		oci_error("container '%s' could not be created: xlibos run was killed", c->id);
	return -1;
fail:
	close(ready[0]);
	close(ready[1]);
	if (hold[0] >= 0) {
		close(hold[0]);
		close(hold[1]);
	}
	strv_free(&argv);
	return -1;
}

static bool save_state(struct oci_container *c, const struct oci_spec_info *info,
		       const struct oci_plan *plan, pid_t pid, time_t started, const char *created)
{
	const char *cgroup = plan_option_value(plan, "--cgroup-path");
	const char *mem = plan_option_value(plan, "--mem");
	char image[PATH_MAX];
	json_t *later;

	json_decref(c->state);
	c->pid = pid;
	c->pid_start = state_proc_start(pid);
	c->state = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:O}", "id", c->id, "pid",
			     (json_int_t)pid, "pid_start", (json_int_t)c->pid_start, "bundle",
			     info->bundle, "rootfs", info->rootfs, "created", created,
			     "annotations", info->annotations ? info->annotations : json_object());
	/* What delete removes and update changes, as runc's state has them. */
	if (c->state && cgroup)
		json_object_set_new(c->state, "cgroup_path", json_string(cgroup));
	if (c->state)
		json_object_set_new(c->state, "guest_mem", json_string(mem ? mem : XLIBOS_DEFAULT_MEM_ARG));
	if (c->state && !image_cache_shared(info->rootfs) &&
	    image_cache_made_for(pid, started, image, sizeof(image)))
		json_object_set_new(c->state, "image_cache", json_string(image));
	/* What start and delete run: the bundle may be gone or changed by then. */
	if (c->state && (hooks_any(info->hooks, "poststart") || hooks_any(info->hooks, "poststop"))) {
		later = json_pack("{s:O*, s:O*}", "poststart",
				  json_object_get(info->hooks, "poststart"), "poststop",
				  json_object_get(info->hooks, "poststop"));
		if (!later || json_object_set_new(c->state, "hooks", later) != 0)
			return false;
	}
	return c->state && state_save(c);
}

int cmd_create(const struct oci_globals *g, int argc, char **argv)
{
	const char *bundle = ".", *pid_file = NULL, *console = NULL, *flag = NULL,
		   *preserve = NULL;
	const struct oci_opt opts[] = {
		{ "--bundle", "-b", true, &bundle, NULL },
		{ "--pid-file", NULL, true, &pid_file, NULL },
		{ "--console-socket", NULL, true, &console, NULL },
		{ "--preserve-fds", NULL, true, &preserve, NULL },
		{ "--no-pivot", NULL, false, &flag, NULL },
		{ "--no-new-keyring", NULL, false, &flag, NULL },
	};
	struct oci_spec_info info = { 0 };
	char created[48];
	bool launched = false;
	struct oci_container c;
	struct oci_plan plan;
	json_t *doc = NULL;
	char *id[1];
	int nid;
	pid_t pid;
	time_t started;
	int tty = -1;

	if (!oci_parse("create", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), id, &nid, 1))
		return OCI_EXIT_FAILURE;
	if (nid != 1) {
		oci_error("create: usage: create [--bundle DIR] [--pid-file FILE] ID");
		return OCI_EXIT_FAILURE;
	}
	if (preserve && strcmp(preserve, "0")) {
		oci_error("create: --preserve-fds: passing descriptors is not supported");
		return OCI_EXIT_FAILURE;
	}
	if (!state_create(g->root, id[0], &c))
		return OCI_EXIT_FAILURE;
	if (!plan_init(&plan))
		goto fail;
	if (!spec_load(bundle, &plan, &info, &doc) || !plan_finish(&plan) ||
	    (plan.records_len && !write_records(&c, &plan)))
		goto fail;
	if (plan.terminal != (console != NULL)) {
		oci_error(plan.terminal ? "create: process.terminal needs --console-socket"
					: "create: --console-socket without process.terminal");
		goto fail;
	}
	/* One container per namespace takes its interface over: a second one is refused here. */
	if (plan.netns_path && !plan.pod_sandbox && !netns_interface_free(plan.netns_path))
		goto fail;
	if ((plan.terminal && !console_setup(console, plan.rows, plan.cols, &tty)) ||
	    !set_oom_score_adj(&plan))
		goto fail;
	started = time(NULL);
	now_rfc3339(created, sizeof(created));
	launched = true;
	pid = launch(g, &c, &plan, &info, created, tty);
	if (tty >= 0)
		close(tty);
	if (pid < 0)
		goto fail;
	if (!save_state(&c, &info, &plan, pid, started, created) ||
	    (pid_file && !write_pid_file(pid_file, pid))) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto fail;
	}
	oci_info("created container %s: supervisor pid %d", c.id, (int)pid);
	plan_free(&plan);
	json_decref(doc);
	state_close(&c);
	return 0;
fail:
	/* As runc: a container that was being created is stopped, so poststop runs. */
	if (launched && hooks_any(info.hooks, "poststop")) {
		json_t *st = c.state ? state_report_as(&c, OCI_STOPPED) : NULL;

		if (st)
			hooks_run_warn(info.hooks, "poststop", st, info.bundle);
		json_decref(st);
	}
	plan_free(&plan);
	json_decref(doc);
	state_remove(&c);
	state_close(&c);
	return OCI_EXIT_FAILURE;
}
