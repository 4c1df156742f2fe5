// SPDX-License-Identifier: GPL-2.0
/*
 * xlibos-runtime: an OCI runtime with runc's command line, for podman
 * (conmon), containerd's shim and Docker.  Each container is an
 * "xlibos run" supervisor (see cmd_create.c) with its state under --root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "state.h"

#define OCI_RUNTIME_VERSION	"0.1.0"
#define OCI_SPEC_VERSION	"1.0.2"

static const struct {
	const char *name;
	int (*run)(const struct oci_globals *g, int argc, char **argv);
} commands[] = {
	{ "create", cmd_create }, { "start", cmd_start }, { "state", cmd_state },
	{ "kill", cmd_kill }, { "delete", cmd_delete }, { "list", cmd_list },
	{ "features", cmd_features }, { "spec", cmd_spec }, { "exec", cmd_exec }, { "ps", cmd_ps },
	{ "pause", cmd_pause }, { "resume", cmd_resume }, { "update", cmd_update },
};

/* runc's other commands: refused by name, never half done. */
static const char *const not_yet[] = {
	"run", "events", "checkpoint", "restore",
	"exec-fifo", NULL
};

/* In a user namespace: our uid_map is not the whole identity map. */
static bool in_user_ns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;
	bool ns = f && (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside ||
			outside || count != 4294967295UL);

	if (f)
		fclose(f);
	return ns;
}

/*
 * --root's default, as runc chooses its own: $XDG_RUNTIME_DIR/xlibos-runtime
 * when rootless (not root, or root of a user namespace, as under rootless
 * podman, whose $USER is not root), else OCI_DEFAULT_ROOT.
 */
static const char *default_root(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");

	if (xdg && xdg[0] == '/' &&
	    (geteuid() != 0 || (in_user_ns() && (!user || strcmp(user, "root")))) &&
	    (size_t)snprintf(buf, len, "%s/xlibos-runtime", xdg) < len)
		return buf;
	return OCI_DEFAULT_ROOT;
}

static void usage(FILE *out)
{
	fputs("usage: xlibos-runtime [--root DIR] [--log FILE] [--log-format text|json]\n"
	      "                      [--systemd-cgroup] [--cache-dir DIR] COMMAND [ARGS...]\n"
	      "       xlibos-runtime --version | --help\n"
	      "\n"
	      "An OCI runtime (runc's command line) whose containers run in xlibos.\n"
	      "\n"
	      "Commands:\n"
	      "  create [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET] ID\n"
	      "                    prepare the container of BUNDLE/config.json; its\n"
	      "                    supervisor (pid in FILE) waits for start\n"
	      "  start ID          run the container's process\n"
	      "  state ID          its OCI state, as JSON\n"
	      "  kill [--all] ID [SIGNAL]\n"
	      "                    any signal (default TERM) to the container's command,\n"
	      "                    or with --all to all its processes; KILL ends it\n"
	      "  exec [--process FILE] [--detach] [--tty] [--console-socket SOCKET]\n"
	      "       [--pid-file FILE] [--cwd DIR] [--env K=V]... [--user UID[:GID]]\n"
	      "       ID [COMMAND [ARGS...]]\n"
	      "                    run another process in the running container (FILE:\n"
	      "                    its process.json; else COMMAND with the container's)\n"
	      "  ps [--format table|json] ID\n"
	      "                    the container's host processes\n"
	      "  delete [--force] ID\n"
	      "                    remove a stopped container (--force: kill it first)\n"
	      "  pause ID          stop every process of the container (its host processes)\n"
	      "  resume ID         continue a paused container\n"
	      "  update [--resources FILE|-] [--cpu-quota N] [--cpu-period N]\n"
	      "         [--cpu-share N] [--cpuset-cpus LIST] [--pids-limit N] ID\n"
	      "                    new CPU and pids limits for a running container\n"
	      "  list [--format table|json] [--quiet]\n"
	      "  features          what this runtime honours, as JSON\n"
	      "  spec [--bundle DIR]\n"
	      "                    write a starting config.json\n"
	      "Not supported yet: run, events, checkpoint, restore.\n"
	      "\n"
	      "Global options:\n"
	      "  --root DIR        state directories (default " OCI_DEFAULT_ROOT ";\n"
	      "                    rootless: $XDG_RUNTIME_DIR/xlibos-runtime, as runc)\n"
	      "  --log FILE        also append messages to FILE\n"
	      "  --log-format F    text (default) or json\n"
	      "  --systemd-cgroup  accepted; xlibos makes its own cgroups\n"
	      "  --cache-dir DIR   the rootfs image cache (XLIBOS_CACHE_DIR of xlibos run)\n",
	      out);
}

int main(int argc, char **argv)
{
	static char rootless_root[PATH_MAX];
	struct oci_globals g = { .root = default_root(rootless_root, sizeof(rootless_root)) };
	const char *log = NULL, *log_format = "text", *flag = NULL, *root = NULL,
		   *cache = NULL, *criu = NULL, *rootless = NULL;
	const struct oci_opt opts[] = {
		{ "--root", NULL, true, &root, NULL },
		{ "--log", NULL, true, &log, NULL },
		{ "--log-format", NULL, true, &log_format, NULL },
		{ "--systemd-cgroup", NULL, false, &flag, NULL },
		{ "--debug", NULL, false, &flag, NULL },
		{ "--cache-dir", NULL, true, &cache, NULL },
		{ "--criu", NULL, true, &criu, NULL },
		{ "--rootless", NULL, true, &rootless, NULL },
	};
	int i;

	/* Closed stdio would be taken by the next descriptor we open (a socket as "stdout"). */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return OCI_EXIT_FAILURE;

	/* Global options end at the first word that is not one (the command). */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) {
			printf("xlibos-runtime version " OCI_RUNTIME_VERSION "\nspec: " OCI_SPEC_VERSION
			       "\n");
			return 0;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			size_t len = strlen(opts[k].name);

			if (strncmp(argv[i], opts[k].name, len) ||
			    (argv[i][len] && argv[i][len] != '='))
				continue;
			if (!opts[k].takes_value)
				*opts[k].value = "";
			else if (argv[i][len] == '=')
				*opts[k].value = argv[i] + len + 1;
			else if (i + 1 < argc)
				*opts[k].value = argv[++i];
			else
				k = sizeof(opts) / sizeof(opts[0]);
			break;
		}
		if (k == sizeof(opts) / sizeof(opts[0])) {
			oci_error("unknown global option '%s' (or missing value)", argv[i]);
			return OCI_EXIT_FAILURE;
		}
	}
	if (strcmp(log_format, "text") && strcmp(log_format, "json")) {
		oci_error("--log-format: text or json, not '%s'", log_format);
		return OCI_EXIT_FAILURE;
	}
	if (!oci_log_open(log, !strcmp(log_format, "json")))
		return OCI_EXIT_FAILURE;
	if (root && *root)
		g.root = root;
	if (cache && *cache) {
		g.cache_dir = cache;
		/* Ours too (seccomp_cache.c), as the supervisor's (cmd_create.c). */
		if (setenv("XLIBOS_CACHE_DIR", cache, 1) != 0) {
			oci_error("--cache-dir: %s", strerror(errno));
			return OCI_EXIT_FAILURE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return OCI_EXIT_FAILURE;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(argv[i], commands[k].name))
			return commands[k].run(&g, argc - i, argv + i);
	for (size_t k = 0; not_yet[k]; k++) {
		if (!strcmp(argv[i], not_yet[k])) {
			oci_error("%s is not supported yet", argv[i]);
			return OCI_EXIT_FAILURE;
		}
	}
	oci_error("unknown command '%s' (see --help)", argv[i]);
	return OCI_EXIT_FAILURE;
}
