// SPDX-License-Identifier: GPL-2.0
/*
 * exec: another process in a running container, started by the guest
 * agent (guest-init/agent.c) over the control channel (control.c).  The
 * process is described by --process FILE (config.json's "process", as
 * conmon and containerd's shim pass it) or, as runc's flag form, by the
 * container's own process with the arguments, --env, --cwd, --user,
 * --tty... given.  Foreground: this command relays its stdio (or the
 * terminal) and exits with the process's status (128+N for a signal N).
 * --detach: a proxy process (double-forked, so that a subreaper such as
 * conmon adopts it) relays instead, its pid goes to --pid-file, and it
 * exits as the process did (killed by the same signal, if it was).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "console.h"
#include "control.h"
#include "exec_bridge.h"
#include "log.h"
#include "spec.h"
#include "state.h"
#include "../guest-init/agent_frame.h"
#include "../guest-init/config_format.h"

/* How long a booting guest's agent is waited for. */
#define AGENT_WAIT_MS	10000
/* How long the agent may take to start the process. */
#define STARTED_MS	10000

struct exec_opts {
	const char *console, *cwd, *tty, *user, *process, *detach, *pid_file, *nnp, *flag,
		   *preserve;
	struct oci_list env, caps, gids, ignored;
	char **args;
	int nargs;
};

/* "UID[:GID]", numbers only (as runc's exec takes it). */
static bool parse_user(const char *text, json_t *user)
{
	char *end;
	long long uid, gid;

	errno = 0;
	uid = strtoll(text, &end, 10);
	if (errno || end == text || uid < 0 || uid > 0xfffffffe || (*end && *end != ':'))
		return false;
	json_object_set_new(user, "uid", json_integer(uid));
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoll(g, &end, 10);
		if (errno || end == g || *end || gid < 0 || gid > 0xfffffffe)
			return false;
		json_object_set_new(user, "gid", json_integer(gid));
	}
	return true;
}

static void append_strings(json_t *obj, const char *key, const struct oci_list *l)
{
	json_t *a = json_object_get(obj, key);

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(obj, key, a);
	}
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
}

/* The flag form: the container's own process, with what the flags change. */
static json_t *process_from_flags(const struct exec_opts *o, const char *bundle)
{
	char path[PATH_MAX];
	json_t *doc, *proc, *args, *user;

	if (o->nargs < 1) {
		oci_error("exec: usage: exec [OPTIONS] ID COMMAND [ARGS...] (or --process FILE)");
		return NULL;
	}
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path)) {
		oci_error("exec: bundle path too long");
		return NULL;
	}
	doc = spec_read_file(path);
	if (!doc)
		return NULL;
	proc = json_deep_copy(json_object_get(doc, "process"));
	json_decref(doc);
	if (!json_is_object(proc)) {
		json_decref(proc);
		oci_error("%s: process: must be an object", path);
		return NULL;
	}
	args = json_array();
	for (int i = 0; i < o->nargs; i++)
		json_array_append_new(args, json_string(o->args[i]));
	json_object_set_new(proc, "args", args);
	append_strings(proc, "env", &o->env);
	if (o->cwd)
		json_object_set_new(proc, "cwd", json_string(o->cwd));
	json_object_set_new(proc, "terminal", json_boolean(o->tty != NULL));
	json_object_del(proc, "consoleSize");
	user = json_object_get(proc, "user");
	if (!json_is_object(user)) {
		user = json_object();
		json_object_set_new(proc, "user", user);
	}
	if (o->user && !parse_user(o->user, user)) {
		oci_error("exec: --user '%s': UID[:GID] in numbers", o->user);
		json_decref(proc);
		return NULL;
	}
	for (size_t i = 0; i < o->gids.n; i++) {
		char *end;
		long long g = strtoll(o->gids.v[i], &end, 10);

		if (end == o->gids.v[i] || *end || g < 0 || g > 0xfffffffe) {
			oci_error("exec: --additional-gids '%s': not a group id", o->gids.v[i]);
			json_decref(proc);
			return NULL;
		}
		if (!json_is_array(json_object_get(user, "additionalGids")))
			json_object_set_new(user, "additionalGids", json_array());
		json_array_append_new(json_object_get(user, "additionalGids"), json_integer(g));
	}
	if (o->nnp)
		json_object_set_new(proc, "noNewPrivileges", json_true());
	if (o->caps.n) {
		static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
		json_t *caps = json_object_get(proc, "capabilities");

		if (!json_is_object(caps)) {
			caps = json_object();
			json_object_set_new(proc, "capabilities", caps);
		}
		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			append_strings(caps, sets[i], &o->caps);
	}
	return proc;
}

static void record(FILE *f, const char *tag, const char *value)
{
	fwrite(tag, 1, strlen(tag) + 1, f);
	fwrite(value, 1, strlen(value) + 1, f);
}

/* The EXEC request: the plan's command, environment, directory and records. */
static bool build_request(const struct oci_plan *plan, unsigned int rows, unsigned int cols,
			  char **body, size_t *len)
{
	FILE *f = open_memstream(body, len);
	char size[32];

	if (!f)
		return false;
	fputs(XLIBOS_CONFIG_MAGIC, f);
	for (size_t i = 0; i < plan->cmd.n; i++)
		record(f, XLIBOS_CONFIG_ARGV, plan->cmd.v[i]);
	for (size_t i = 0; i + 1 < plan->options.n; i += 2) {
		if (!strcmp(plan->options.v[i], "--env"))
			record(f, XLIBOS_CONFIG_ENV, plan->options.v[i + 1]);
		else if (!strcmp(plan->options.v[i], "--workdir"))
			record(f, XLIBOS_CONFIG_WORKDIR, plan->options.v[i + 1]);
	}
	/* The records as spec_process() made them, but the terminal's size: ours. */
	for (size_t pos = 0; pos < plan->records_len;) {
		const char *tag = plan->records + pos;
		const char *value = tag + strlen(tag) + 1;

		pos = (size_t)(value - plan->records) + strlen(value) + 1;
		if (strcmp(tag, XLIBOS_CONFIG_TTY))
			record(f, tag, value);
	}
	if (plan->terminal) {
		snprintf(size, sizeof(size), "%u %u", rows, cols);
		record(f, XLIBOS_CONFIG_TTY, size);
	}
	if (fclose(f) != 0)
		return false;
	if (*len > AGENT_REQUEST_MAX) {
		oci_error("exec: the process's description is %zu bytes, more than %u", *len,
			  AGENT_REQUEST_MAX);
		free(*body);
		*body = NULL;
		return false;
	}
	return true;
}

/* Send EXEC and wait for STARTED; the guest pid, or 0 with a message. */
static pid_t start_process(int sock, const char *body, size_t len)
{
	unsigned char hdr[AGENT_HEADER_LEN];
	struct frame_reader rd;
	enum frame_result r = FRAME_MORE;
	const char *why = "no answer";
	pid_t pid = 0;

	agent_put_u32(hdr, AGENT_EXEC);
	agent_put_u32(hdr + 4, (uint32_t)len);
	/* Blocking, whole (send() of a stream socket waits for room); no SIGPIPE. */
	if (send(sock, hdr, sizeof(hdr), MSG_NOSIGNAL) != (ssize_t)sizeof(hdr) ||
	    send(sock, body, len, MSG_NOSIGNAL) != (ssize_t)len) {
		oci_error("exec: control channel: %s", strerror(errno));
		return 0;
	}
	if (!frame_reader_init(&rd, AGENT_ERROR_TEXT_MAX + 4)) {
		oci_error("exec: out of memory");
		return 0;
	}
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	for (int waited = 0; waited < STARTED_MS; waited += 20) {
		struct pollfd p = { .fd = sock, .events = POLLIN };

		r = frame_read(&rd, sock, &why);
		if (r != FRAME_MORE)
			break;
		poll(&p, 1, 20);
	}
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) & ~O_NONBLOCK);
	if (r == FRAME_READY && rd.type == AGENT_STARTED && rd.len == 4 &&
	    agent_get_u32(rd.buf) >= 1 && agent_get_u32(rd.buf) <= (1u << 22)) {
		pid = (pid_t)agent_get_u32(rd.buf);
	} else if (r == FRAME_READY && rd.type == AGENT_ERROR && rd.len >= 4) {
		char text[AGENT_ERROR_TEXT_MAX + 1];

		control_error_text(rd.buf + 4, rd.len - 4, text, sizeof(text));
		oci_error("exec failed: %s", text);
	} else {
		oci_error("exec failed: bad answer from the container's agent (%s)",
			  r == FRAME_READY ? "unexpected frame" : r == FRAME_EOF ? "closed" :
			  r == FRAME_MORE ? "none in time" : why);
	}
	frame_reader_free(&rd);
	return pid;
}

/* A shell's status for a process that ended so. */
static int shell_status(int code, int sig)
{
	return sig ? 128 + sig : code;
}

/* Die as the process did: by its signal (no core file), else its status. */
static noreturn void exit_like(int code, int sig)
{
	if (sig) {
		struct rlimit none = { 0, 0 };
		sigset_t set;

		setrlimit(RLIMIT_CORE, &none);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	}
	_exit(shell_status(code, sig));
}

/* Nothing of the caller's but stdio: the socket becomes 3, the slave 4. */
static void keep_only(int *sock, int *slave)
{
	int s = fcntl(*sock, F_DUPFD_CLOEXEC, 64);
	int t = *slave >= 0 ? fcntl(*slave, F_DUPFD_CLOEXEC, 64) : -1;

	if (s < 0 || (*slave >= 0 && t < 0) || dup2(s, 3) != 3 || (t >= 0 && dup2(t, 4) != 4))
		_exit(128 + SIGKILL);
	*sock = 3;
	if (t >= 0)
		*slave = 4;
	syscall(SYS_close_range, t >= 0 ? 5 : 4, ~0U, 0);
}

/* The proxy: its own session, with the host pty's slave (if any) as its terminal. */
static noreturn void proxy(struct bridge *b, int slave, const char *tty_size)
{
	int code, sig;

	/* conmon's other descriptors (and our log) are not the proxy's to hold. */
	keep_only(&b->sock, &slave);
	setsid();
	prctl(PR_SET_NAME, "xlibos-exec", 0, 0, 0);
	if (slave >= 0) {
		struct winsize ws;
		unsigned int rows = 0, cols = 0;
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		/* Size changes of the terminal come as SIGWINCH to its session's leader. */
		ioctl(slave, TIOCSCTTY, 0);
		/* Not the caller's stdio: conmon's pipes must not wait for us. */
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
			close(devnull);
		}
		b->in_fd = b->out_fd = b->err_fd = b->winch_fd = slave;
		/* A resize before we held the terminal: send the size it has now. */
		if (tty_size && sscanf(tty_size, "%u %u", &rows, &cols) == 2 &&
		    ioctl(slave, TIOCGWINSZ, &ws) == 0 && (ws.ws_row != rows || ws.ws_col != cols))
			kill(getpid(), SIGWINCH);
	}
	if (!bridge_run(b, &code, &sig) && !b->quiet)
		code = 128 + SIGKILL;
	exit_like(code, sig);
}

/* --detach: the proxy's pid into *pid, once it runs. */
static bool detach(struct bridge *b, int slave, const char *tty_size, pid_t *pid)
{
	int report[2], status;
	pid_t child;

	if (pipe2(report, O_CLOEXEC) != 0) {
		oci_error("exec: pipe: %s", strerror(errno));
		return false;
	}
	child = fork();
	if (child < 0) {
		oci_error("exec: fork: %s", strerror(errno));
		return false;
	}
	if (child == 0) {
		pid_t grandchild = fork();

		if (grandchild == 0) {
			close(report[0]);
			close(report[1]);
			proxy(b, slave, tty_size);
		}
		_exit(grandchild > 0 && write(report[1], &grandchild, sizeof(grandchild)) ==
						(ssize_t)sizeof(grandchild) ? 0 : 1);
	}
	close(report[1]);
	if (read(report[0], pid, sizeof(*pid)) != (ssize_t)sizeof(*pid))
		*pid = -1;
	close(report[0]);
	waitpid(child, &status, 0);
	if (*pid <= 0) {
		oci_error("exec: cannot start the relay process");
		return false;
	}
	return true;
}

/* Foreground with --console-socket: the proxy is a child (it needs a session); we wait for it. */
static int foreground_console(struct bridge *b, int slave, const char *tty_size,
			      const char *pid_file)
{
	pid_t child = fork();
	int status;

	if (child < 0) {
		oci_error("exec: fork: %s", strerror(errno));
		return OCI_EXIT_FAILURE;
	}
	if (child == 0)
		proxy(b, slave, tty_size);
	close(slave);
	if (pid_file && !write_pid_file(pid_file, child))
		kill(child, SIGKILL);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* As runc's exec in the foreground: 128+N for a signal N. */
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Foreground on our own stdio; with --tty and a terminal, that terminal made raw meanwhile. */
static int foreground(struct bridge *b, bool tty, const char *pid_file)
{
	struct termios saved, raw;
	bool restore = false;
	int code, sig;

	b->in_fd = 0;
	b->out_fd = 1;
	b->err_fd = tty ? 1 : 2;
	b->winch_fd = -1;
	if (tty && isatty(0) && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(0, TCSANOW, &raw) == 0;
		b->winch_fd = 0;
	}
	if (pid_file && !write_pid_file(pid_file, getpid()))
		return OCI_EXIT_FAILURE;
	/* A broken channel: the container ended, and the process with it. */
	if (!bridge_run(b, &code, &sig))
		code = 128 + SIGKILL;
	if (restore)
		tcsetattr(0, TCSANOW, &saved);
	return code;
}

/* What the process description says: args and the rest, checked as config.json's. */
static bool load_process(const struct exec_opts *o, const char *bundle, struct oci_plan *plan)
{
	json_t *proc;
	bool ok;

	if (o->process) {
		if (o->nargs) {
			oci_error("exec: --process and a command: one or the other");
			return false;
		}
		proc = spec_read_file(o->process);
		oci_log_document(o->process);
	} else {
		proc = process_from_flags(o, bundle);
	}
	if (!proc)
		return false;
	ok = spec_process(proc, plan) && plan_finish(plan);
	oci_log_document(NULL);
	json_decref(proc);
	return ok;
}

/* The container must be running; its state directory and bundle, then unlocked. */
static bool find_container(const struct oci_globals *g, const char *id, char *dir, char *bundle)
{
	struct oci_container c;
	enum oci_status s;
	const char *b;

	if (!state_open(g->root, id, &c))
		return false;
	s = state_status(&c);
	b = c.state ? json_string_value(json_object_get(c.state, "bundle")) : NULL;
	if (s != OCI_RUNNING) {
		oci_error("cannot exec in container '%s': it is %s, not running", c.id,
			  state_status_name(s));
		state_close(&c);
		return false;
	}
	snprintf(dir, PATH_MAX, "%s", c.dir);
	snprintf(bundle, PATH_MAX, "%s", b ? b : "");
	/* The lock is not held while the process runs: kill, state, delete go on. */
	state_close(&c);
	return true;
}

int cmd_exec(const struct oci_globals *g, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	const struct oci_opt opts[] = {
		{ "--console-socket", NULL, true, &o.console, NULL },
		{ "--cwd", NULL, true, &o.cwd, NULL },
		{ "--env", "-e", true, NULL, &o.env },
		{ "--tty", "-t", false, &o.tty, NULL },
		{ "--user", "-u", true, &o.user, NULL },
		{ "--additional-gids", "-g", true, NULL, &o.gids },
		{ "--process", "-p", true, &o.process, NULL },
		{ "--detach", "-d", false, &o.detach, NULL },
		{ "--pid-file", NULL, true, &o.pid_file, NULL },
		{ "--process-label", NULL, true, &o.flag, NULL },
		{ "--apparmor", NULL, true, &o.flag, NULL },
		{ "--no-new-privs", NULL, false, &o.nnp, NULL },
		{ "--cap", "-c", true, NULL, &o.caps },
		{ "--preserve-fds", NULL, true, &o.preserve, NULL },
		{ "--cgroup", NULL, true, NULL, &o.ignored },
		{ "--ignore-paused", NULL, false, &o.flag, NULL },
		{ "--no-subreaper", NULL, false, &o.flag, NULL },
	};
	char dir[PATH_MAX], bundle[PATH_MAX], why[256], size[32] = "";
	struct bridge b = { .in_fd = -1, .out_fd = -1, .err_fd = -1, .winch_fd = -1 };
	unsigned int rows = 24, cols = 80;
	struct oci_plan plan;
	char *body = NULL;
	size_t len = 0;
	int first, rc = OCI_EXIT_FAILURE, slave = -1, sock = -1;
	pid_t pid;

	if (!plan_init(&plan))
		return OCI_EXIT_FAILURE;
	if (!oci_parse_head("exec", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &first))
		goto out;
	if (first >= argc) {
		oci_error("exec: usage: exec [OPTIONS] ID [COMMAND [ARGS...]]");
		goto out;
	}
	o.args = argv + first + 1;
	o.nargs = argc - first - 1;
	if (o.preserve && strcmp(o.preserve, "0")) {
		oci_error("exec: --preserve-fds: passing descriptors is not supported");
		goto out;
	}
	if (!find_container(g, argv[first], dir, bundle) || !load_process(&o, bundle, &plan))
		goto out;
	if (plan.terminal && o.detach && !o.console) {
		oci_error("exec: a terminal with --detach needs --console-socket");
		goto out;
	}
	if (!plan.terminal && o.console) {
		oci_error("exec: --console-socket without a terminal (--tty or process.terminal)");
		goto out;
	}
	if (plan.terminal) {
		struct winsize ws;

		if (plan.rows && plan.cols)
			rows = plan.rows, cols = plan.cols;
		else if (!o.console && isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row)
			rows = ws.ws_row, cols = ws.ws_col;
		snprintf(size, sizeof(size), "%u %u", rows, cols);
	}
	if (!build_request(&plan, rows, cols, &body, &len)) {
		if (body || !len)
			oci_error("exec: out of memory");
		goto out;
	}
	/* Right after start the guest may still boot: its agent is asked again meanwhile. */
	sock = control_connect_wait(dir, AGENT_WAIT_MS, why, sizeof(why));
	if (sock < 0) {
		oci_error("cannot exec in container '%s': %s", argv[first], why);
		goto out;
	}
	/* The host side of the terminal before anything starts: conmon waits for it. */
	if (o.console && !console_setup(o.console, rows, cols, &slave))
		goto out;
	pid = start_process(sock, body, len);
	if (!pid)
		goto out;
	oci_info("exec in container %s: guest pid %d", argv[first], (int)pid);
	b.sock = sock;
	if (o.detach) {
		pid_t proxy_pid = -1;

		b.quiet = true;
		b.in_fd = 0;
		b.out_fd = 1;
		b.err_fd = 2;
		if (detach(&b, slave, plan.terminal ? size : NULL, &proxy_pid) &&
		    (!o.pid_file || write_pid_file(o.pid_file, proxy_pid)))
			rc = 0;
		else if (proxy_pid > 0)
			kill(proxy_pid, SIGKILL);
	} else if (slave >= 0) {
		rc = foreground_console(&b, slave, size, o.pid_file);
		slave = -1;
	} else {
		rc = foreground(&b, plan.terminal, o.pid_file);
	}
out:
	if (slave >= 0)
		close(slave);
	if (sock >= 0)
		close(sock);
	free(body);
	plan_free(&plan);
	oci_list_free(&o.env);
	oci_list_free(&o.caps);
	oci_list_free(&o.gids);
	oci_list_free(&o.ignored);
	return rc;
}
