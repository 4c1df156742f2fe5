/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container's own cgroup, when xlibos runs as root: a pids limit and a
 * memory limit over all its host processes.  cgroup v2, or v1's pids and
 * memory hierarchies on hybrid hosts.  Rootless containers get none (their
 * host task count is bounded by RLIMIT_NPROC in their user namespace).
 */
#ifndef XLIBOS_LOADER_CGROUP_H
#define XLIBOS_LOADER_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup_path.h"

enum cgroup_kind { CGROUP_NONE, CGROUP_V1, CGROUP_V2 };

/* CPU time and weight of the container's host threads; 0: not limited. */
struct cgroup_cpu {
	uint64_t quota_us;	/* CPU time per period (v1 cpu.cfs_quota_us, v2 cpu.max) */
	uint64_t period_us;
	uint64_t shares;	/* v1 cpu.shares, 2-262144 (v2: the cpu.weight it maps to) */
};

#define CGROUP_SELF_JOIN_MAX 3	/* pids, memory and cpu (v1) */

struct cgroup {
	enum cgroup_kind kind;
	bool given;			/* at the caller's path, joined by us: never removed here */
	char pids_dir[PATH_MAX];	/* v2: the one directory */
	char mem_dir[PATH_MAX];
	char cpu_dir[PATH_MAX];		/* v1, with CPU limits only; else "" */
	uint64_t mem_max;
	/*
	 * v1: the "tasks" files, opened by the supervisor before the clone,
	 * for the child to write "0" to (cgroup_join_self); -1 otherwise.
	 */
	int self_join_fd[CGROUP_SELF_JOIN_MAX];
	bool joins_itself;	/* they were opened, or the child is born in it (a given path) */
};

/*
 * Make "xlibos-NAME" (v1; xlibos/NAME in v2) with the limits.  NAME is
 * "NSINO-PID", the loader's PID namespace (cgroup_pidns_inode) and pid,
 * so that left-overs of killed loaders can be told and removed.  False
 * (message printed) if cgroups should work here but do not; a host
 * without them, or a caller that is not root, gets CGROUP_NONE and true,
 * unless @cpu asks for limits (only a cgroup can apply them).
 */
bool cgroup_create(struct cgroup *cg, const char *path, const char *name, uint64_t pids_max,
		   uint64_t mem_max, const struct cgroup_cpu *cpu);

/*
 * @path, when not NULL, is where the cgroup goes instead (config.json's
 * linux.cgroupsPath, as runc places its container): "/A/B" in every
 * hierarchy (v1: pids, memory and cpu) or under the v2 root, its missing
 * directories made; a cpu cgroup always, so that stats and update find it
 * (checked by cgroup_path_ok()).
 */

/* Inode number of our PID namespace, or 0. */
unsigned long long cgroup_pidns_inode(void);

/*
 * Move @pid (and so everything it will start) into the cgroup; nothing to
 * do where the child joins itself (cgroup_join_self).
 */
bool cgroup_join(const struct cgroup *cg, pid_t pid);

/*
 * The child, still single-threaded, joins the v1 cgroup itself and closes
 * the files: "0" written to "tasks" moves the writer alone, which spares
 * the global threadgroup lock and its RCU grace period that a write to
 * cgroup.procs waits for (15-25 ms a hierarchy on this machine's host).
 */
bool cgroup_join_self(struct cgroup *cg);

/* The supervisor's copies of those files, once the child has its own. */
void cgroup_close_self_join(struct cgroup *cg);

/* Processes the memory limit's OOM killer ended so far. */
uint64_t cgroup_oom_kills(const struct cgroup *cg);

/* Forks refused by the pids limit so far. */
uint64_t cgroup_pids_refused(const struct cgroup *cg);

/* Remove it; anything still in it is killed first. */
void cgroup_destroy(struct cgroup *cg);

#endif
