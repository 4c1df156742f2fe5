// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc_tree.h"
#include "state.h"

/* How long pause keeps sweeping for processes still running: 2 s. */
#define STOP_ROUNDS	2000
#define STOP_TICK_NS	1000000L

struct proc {
	pid_t pid, ppid;
};

/* Every host process with its parent (a snapshot of /proc). */
static struct proc *all_procs(size_t *n)
{
	struct proc *v = NULL;
	size_t cap = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char path[64], buf[512], *p, *end;
		long pid = strtol(e->d_name, &end, 10);
		ssize_t len;
		int fd, ppid;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		if (*n == cap) {
			struct proc *grown = realloc(v, (cap ? cap * 2 : 256) * sizeof(*v));

			if (!grown)
				break;
			v = grown;
			cap = cap ? cap * 2 : 256;
		}
		v[(*n)++] = (struct proc){ (pid_t)pid, (pid_t)ppid };
	}
	closedir(d);
	return v;
}

/* root and its descendants, in *out (malloc'd); their number. */
size_t proc_tree(pid_t root, pid_t **out)
{
	size_t n, count = 1;
	struct proc *v = all_procs(&n);
	pid_t *set = malloc((n + 1) * sizeof(*set));

	*out = set;
	if (!set) {
		free(v);
		return 0;
	}
	set[0] = root;
	/* Breadth first: each found process's children join the set. */
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; k < n; k++)
			if (v[k].ppid == set[i] && v[k].pid != root && count < n + 1)
				set[count++] = v[k].pid;
	free(v);
	return count;
}

/* The state letter of /proc/PID/stat; 0 if the process is gone. */
static char proc_state(pid_t pid)
{
	uint64_t start;
	char st;

	return state_proc_stat(pid, &st, &start) ? st : 0;
}

bool proc_tree_stop(pid_t root)
{
	const struct timespec tick = { 0, STOP_TICK_NS };

	for (int round = 0; round < STOP_ROUNDS; round++) {
		pid_t *set;
		size_t n = proc_tree(root, &set);
		bool all_stopped = n > 0;

		for (size_t i = 0; i < n; i++) {
			char st = proc_state(set[i]);

			/* Gone, or stopped already (a zombie stays as it is). */
			if (st == 0 || st == 'T' || st == 't' || st == 'Z' || st == 'X')
				continue;
			kill(set[i], SIGSTOP);
			all_stopped = false;
		}
		free(set);
		if (all_stopped)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

void proc_tree_continue(pid_t root)
{
	pid_t *set;
	size_t n = proc_tree(root, &set);

	for (size_t i = 0; i < n; i++)
		kill(set[i], SIGCONT);
	free(set);
}
