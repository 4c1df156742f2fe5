// SPDX-License-Identifier: GPL-2.0
/*
 * ps: a container's processes as runc lists them, by host pid: here the
 * supervisor ("xlibos run") and its descendants, the container's host
 * processes.  --format json gives the pids; table (the default) runs
 * ps(1) with the given options (default -ef) and keeps the header and the
 * container's lines, as runc does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "proc_tree.h"
#include "state.h"

static bool in_set(const pid_t *set, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

/* ps(1)'s output, its header and the lines whose PID column is one of ours. */
static int ps_table(const pid_t *set, size_t n, char **args, int nargs)
{
	char **argv = calloc((size_t)nargs + 3, sizeof(*argv));
	char *line = NULL;
	size_t cap = 0;
	int pipefd[2], status, column = -1;
	bool header = true;
	pid_t child;
	FILE *f;

	if (!argv || pipe2(pipefd, O_CLOEXEC) != 0) {
		free(argv);
		oci_error("ps: %s", strerror(errno));
		return OCI_EXIT_FAILURE;
	}
	argv[0] = "ps";
	if (nargs == 0)
		argv[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	child = fork();
	if (child == 0) {
		dup2(pipefd[1], 1);
		execvp("ps", argv);
		fprintf(stderr, OCI_PROGRAM ": ps: cannot run ps: %s\n", strerror(errno));
		_exit(127);
	}
	free(argv);
	close(pipefd[1]);
	f = child > 0 ? fdopen(pipefd[0], "r") : NULL;
	if (!f) {
		close(pipefd[0]);
		oci_error("ps: %s", strerror(errno));
		return OCI_EXIT_FAILURE;
	}
	while (getline(&line, &cap, f) > 0) {
		char *copy = strdup(line), *tok, *save = NULL;
		int col = 0;
		bool keep = header;

		for (tok = copy ? strtok_r(copy, " \t\n", &save) : NULL; tok;
		     tok = strtok_r(NULL, " \t\n", &save), col++) {
			if (header && !strcmp(tok, "PID"))
				column = col;
			else if (!header && col == column)
				keep = in_set(set, n, strtol(tok, NULL, 10));
		}
		free(copy);
		if (header && column < 0) {
			oci_error("ps: no PID column in ps's output (ps options need -f or -o pid)");
			fclose(f);
			free(line);
			waitpid(child, NULL, 0);
			return OCI_EXIT_FAILURE;
		}
		if (keep)
			fputs(line, stdout);
		header = false;
	}
	free(line);
	fclose(f);
	waitpid(child, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : OCI_EXIT_FAILURE;
}

int cmd_ps(const struct oci_globals *g, int argc, char **argv)
{
	const char *format = "table";
	const struct oci_opt opts[] = { { "--format", "-f", true, &format, NULL } };
	struct oci_container c;
	enum oci_status s;
	pid_t *set = NULL;
	size_t n;
	int first, rc = OCI_EXIT_FAILURE;

	if (!oci_parse_head("ps", argc, argv, opts, 1, &first))
		return OCI_EXIT_FAILURE;
	if (first >= argc) {
		oci_error("ps: usage: ps [--format table|json] ID [PS OPTIONS...]");
		return OCI_EXIT_FAILURE;
	}
	if (strcmp(format, "table") && strcmp(format, "json")) {
		oci_error("ps: --format: table or json");
		return OCI_EXIT_FAILURE;
	}
	if (!state_open(g->root, argv[first], &c))
		return OCI_EXIT_FAILURE;
	s = state_status(&c);
	if (s == OCI_STOPPED) {
		/* As runc: a stopped container has no processes. */
		state_close(&c);
		if (!strcmp(format, "json"))
			printf("[]\n");
		return !strcmp(format, "json") ? 0 : ps_table(NULL, 0, argv + first + 1,
								 argc - first - 1);
	}
	n = proc_tree(c.pid, &set);
	state_close(&c);
	if (!strcmp(format, "json")) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)set[i]);
		printf("]\n");
		rc = 0;
	} else {
		rc = ps_table(set, n, argv + first + 1, argc - first - 1);
	}
	free(set);
	return rc;
}
